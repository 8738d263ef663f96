"""The three roles as groups with their permissions. Editors curate the scholarship in
the admin; instructors and students work through the site, where access is scoped by
course (historiography/access.py), so their groups carry only what they may do there."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SCHOLARSHIP = [
    "topic",
    "school",
    "historian",
    "work",
    "question",
    "position",
    "argument",
    "argumentrelation",
    "estimate",
    "taggedargument",
]
ROLES = {
    "Editor": [(model, action) for model in SCHOLARSHIP for action in ("add", "change", "delete", "view")]
    + [("tag", action) for action in ("add", "change", "delete", "view")],
    "Instructor": [
        ("course", "add"),
        ("course", "change"),
        ("course", "view"),
        ("assignment", "add"),
        ("assignment", "change"),
        ("assignment", "view"),
        ("sideallocation", "add"),
        ("sideallocation", "change"),
        ("sideallocation", "view"),
        ("submission", "view"),
        ("feedback", "add"),
        ("feedback", "change"),
        ("feedback", "view"),
    ],
    "Student": [
        ("course", "view"),
        ("assignment", "view"),
        ("submission", "add"),
        ("submission", "change"),
        ("citation", "add"),
        ("citation", "change"),
        ("citation", "delete"),
    ],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, action in grants]
        group.permissions.set(
            Permission.objects.filter(codename__in=codenames, content_type__app_label__in=["historiography", "taggit"])
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("historiography", "0002_classroom"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

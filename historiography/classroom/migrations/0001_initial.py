"""The classroom's models, taken over from the `historiography` app with their tables
(each keeps its `db_table`), so an existing database upgrades with `migrate` alone. Only
Django's record of the models is created here; the tables already exist, made by
historiography's 0002 and 0005. The content types (and so the permissions given to users
and groups) move to the new app label instead of being created anew."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import historiography.classroom.models

MOVED = ["course", "enrollment", "assignment", "debategroup", "sideallocation", "submission", "citation", "feedback"]


def move_content_types(apps, schema_editor, old="historiography", new="classroom"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        # A fresh database may already have the new ones (post_migrate of an earlier run): keep those.
        if ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="classroom", new="historiography")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("historiography", "0009_classroom_moves_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Course",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        (
                            "join_code",
                            models.CharField(
                                default=historiography.classroom.models.new_join_code, max_length=12, unique=True
                            ),
                        ),
                        (
                            "joining_open",
                            models.BooleanField(default=True, help_text="Students can join with the code."),
                        ),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        (
                            "instructors",
                            models.ManyToManyField(related_name="taught_courses", to=settings.AUTH_USER_MODEL),
                        ),
                    ],
                    options={
                        "db_table": "historiography_course",
                        "ordering": ["-created", "title"],
                    },
                ),
                migrations.CreateModel(
                    name="Assignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("instructions", models.TextField(blank=True)),
                        (
                            "evidence_minimum",
                            models.PositiveSmallIntegerField(default=3, help_text="Cited arguments needed to submit."),
                        ),
                        ("opens_at", models.DateTimeField()),
                        ("due_at", models.DateTimeField()),
                        (
                            "accept_late",
                            models.BooleanField(
                                default=False, help_text="Accept submissions after the deadline, marked late."
                            ),
                        ),
                        (
                            "allocation",
                            models.CharField(
                                choices=[
                                    ("by_hand", "By hand"),
                                    ("balanced", "Balanced at random"),
                                    ("student_choice", "Students choose"),
                                ],
                                default="balanced",
                                max_length=20,
                            ),
                        ),
                        (
                            "side_cap",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="When students choose: the most students on one side (empty: no cap).",
                                null=True,
                            ),
                        ),
                        (
                            "mode",
                            models.CharField(
                                choices=[
                                    ("debate", "Debate: each student argues one side"),
                                    (
                                        "controversy",
                                        "Structured Academic Controversy: argue, swap sides, then write a consensus",
                                    ),
                                ],
                                default="debate",
                                max_length=20,
                            ),
                        ),
                        (
                            "swap_due_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="Controversy only: the deadline of phase 2, arguing the other side.",
                                null=True,
                            ),
                        ),
                        (
                            "consensus_due_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="Controversy only: the deadline of phase 3, the joint consensus.",
                                null=True,
                            ),
                        ),
                        (
                            "peer_visibility",
                            models.CharField(
                                choices=[
                                    ("instructors", "Only the instructors"),
                                    ("after_submitting", "Classmates, once they have submitted their own"),
                                    ("after_deadline", "Classmates, after the deadline"),
                                ],
                                default="instructors",
                                help_text="Who reads the submitted cases on the class board. Drafts are never shown to classmates.",
                                max_length=20,
                            ),
                        ),
                        (
                            "anonymous_peers",
                            models.BooleanField(
                                default=False,
                                help_text="Classmates see each other as “Classmate 1, 2…”; instructors always see names.",
                            ),
                        ),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        (
                            "positions",
                            models.ManyToManyField(
                                help_text="The sides in play.", related_name="assignments", to="historiography.position"
                            ),
                        ),
                        (
                            "question",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assignments",
                                to="historiography.question",
                            ),
                        ),
                        (
                            "course",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assignments",
                                to="classroom.course",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "historiography_assignment",
                        "ordering": ["due_at", "title"],
                    },
                ),
                migrations.CreateModel(
                    name="DebateGroup",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveSmallIntegerField()),
                        (
                            "assignment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="groups",
                                to="classroom.assignment",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "historiography_debategroup",
                        "ordering": ["assignment", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="Enrollment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("joined", models.DateTimeField(auto_now_add=True)),
                        (
                            "course",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="enrollments",
                                to="classroom.course",
                            ),
                        ),
                        (
                            "student",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="enrollments",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "historiography_enrollment",
                        "ordering": ["student__last_name", "student__first_name", "student__username"],
                    },
                ),
                migrations.CreateModel(
                    name="SideAllocation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "assignment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="allocations",
                                to="classroom.assignment",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="allocations",
                                to="classroom.debategroup",
                            ),
                        ),
                        (
                            "position",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="allocations",
                                to="historiography.position",
                            ),
                        ),
                        (
                            "student",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="side_allocations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "historiography_sideallocation",
                        "ordering": ["position__order", "student__username"],
                    },
                ),
                migrations.CreateModel(
                    name="Submission",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "phase",
                            models.PositiveSmallIntegerField(
                                choices=[(1, "Argue your side"), (2, "Swap: argue the other side"), (3, "Consensus")],
                                default=1,
                            ),
                        ),
                        ("statement", models.TextField(blank=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[("draft", "Draft"), ("submitted", "Submitted")], default="draft", max_length=10
                            ),
                        ),
                        ("is_late", models.BooleanField(default=False)),
                        ("version", models.PositiveIntegerField(default=1)),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("updated", models.DateTimeField(auto_now=True)),
                        ("submitted_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "assignment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="submissions",
                                to="classroom.assignment",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="submissions",
                                to="classroom.debategroup",
                            ),
                        ),
                        (
                            "position",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="submissions",
                                to="historiography.position",
                            ),
                        ),
                        (
                            "student",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="submissions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "historiography_submission",
                        "ordering": ["phase", "position__order", "student__username"],
                    },
                ),
                migrations.CreateModel(
                    name="Feedback",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("comment", models.TextField(blank=True)),
                        ("grade", models.CharField(blank=True, help_text="e.g. 'B+' or '72'.", max_length=20)),
                        ("returned_at", models.DateTimeField(blank=True, help_text="Empty while held.", null=True)),
                        ("updated", models.DateTimeField(auto_now=True)),
                        (
                            "author",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "submission",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="feedback",
                                to="classroom.submission",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "historiography_feedback",
                        "ordering": ["submission"],
                    },
                ),
                migrations.CreateModel(
                    name="Citation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "comment",
                            models.TextField(
                                blank=True, help_text="How this supports your side, or how you answer it."
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0)),
                        (
                            "argument",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="citations",
                                to="historiography.argument",
                            ),
                        ),
                        (
                            "submission",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="citations",
                                to="classroom.submission",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "historiography_citation",
                        "ordering": ["order", "pk"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="assignment",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("opens_at__lt", models.F("due_at"))), name="assignment_opens_before_due"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="assignment",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("side_cap__isnull", True), ("side_cap__gte", 1), _connector="OR"),
                        name="assignment_side_cap_positive",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="assignment",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("mode", "debate"),
                            models.Q(
                                ("consensus_due_at__gt", models.F("swap_due_at")),
                                ("swap_due_at__gt", models.F("due_at")),
                            ),
                            _connector="OR",
                        ),
                        name="assignment_controversy_phases_ordered",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="debategroup",
                    constraint=models.UniqueConstraint(
                        fields=("assignment", "number"), name="group_number_unique_per_assignment"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="enrollment",
                    constraint=models.UniqueConstraint(fields=("course", "student"), name="enrollment_unique"),
                ),
                migrations.AddConstraint(
                    model_name="sideallocation",
                    constraint=models.UniqueConstraint(
                        fields=("assignment", "student"), name="allocation_one_side_per_student"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="submission",
                    constraint=models.UniqueConstraint(
                        fields=("assignment", "student", "phase"), name="submission_one_per_student_phase"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="submission",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("group__isnull", False)),
                        fields=("assignment", "group", "phase"),
                        name="submission_one_per_group_phase",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="submission",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("group__isnull", False), ("phase", 3), ("position__isnull", True)),
                            models.Q(("group__isnull", True), ("phase__in", [1, 2]), ("position__isnull", False)),
                            _connector="OR",
                        ),
                        name="submission_side_or_group",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="citation",
                    constraint=models.UniqueConstraint(
                        fields=("submission", "argument"), name="citation_unique_per_submission"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]

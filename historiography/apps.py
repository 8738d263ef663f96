from django.apps import AppConfig, apps

# The scholarship is this app's models and the tags (django-taggit's Tag) they carry.
SCHOLARSHIP_APP_LABELS = ("historiography", "taggit")


def scholarship_models() -> list:
    """Every model of the scholarship, from the app registry: what the page cache watches
    and what `import_scholarship` may write. A model added to the app is included at once;
    the classroom (app `classroom`) and the users never are."""
    return [model for label in SCHOLARSHIP_APP_LABELS for model in apps.get_app_config(label).get_models()]


class HistoriographyConfig(AppConfig):
    name = "historiography"
    verbose_name = "Historiography"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .cache import connect_invalidation

        connect_invalidation()  # every write to the scholarship drops the cached pages

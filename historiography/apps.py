from django.apps import AppConfig


class HistoriographyConfig(AppConfig):
    name = "historiography"
    verbose_name = "Historiography"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .cache import connect_invalidation

        connect_invalidation()  # every write to the scholarship drops the cached pages

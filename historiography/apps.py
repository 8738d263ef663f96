from django.apps import AppConfig


class HistoriographyConfig(AppConfig):
    name = "historiography"
    verbose_name = "Historiography"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    """The teaching built on the scholarship: courses, debate assignments, submissions,
    feedback. It depends on `historiography`; `historiography` never imports it."""

    name = "historiography.classroom"
    label = "classroom"
    verbose_name = "Classroom"
    default_auto_field = "django.db.models.BigAutoField"

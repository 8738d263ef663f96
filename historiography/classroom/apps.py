from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    """The teaching built on the scholarship: courses, debate assignments, submissions,
    feedback. It depends on `historiography`; `historiography` never imports it."""

    name = "historiography.classroom"
    label = "classroom"
    verbose_name = "Classroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import restore_timezone

        user_logged_in.connect(restore_timezone, dispatch_uid="classroom-restore-timezone")

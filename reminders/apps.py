from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Deadline reminders"

    def ready(self):
        # The notes the reminders page shows, so it can show them in its reader's language.
        from . import reasons  # noqa: F401

from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = "Recommendation tracking"

    def ready(self):
        from reminders.emails import register_digest_provider

        # The history's reasons, so any page can show them in its reader's language.
        from . import reasons  # noqa: F401
        from .reminders import provider

        # Items with no recent update, or past their target date, in the daily digests.
        register_digest_provider(provider)

from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = "Recommendation tracking"

    def ready(self):
        from reminders.emails import register_digest_provider
        from responses.services import PUBLICATION_HOOKS

        from .reminders import provider
        from .services import track_after_publication

        # After each publication commits: track the response's recommendations and AFIs.
        if track_after_publication not in PUBLICATION_HOOKS:
            PUBLICATION_HOOKS.append(track_after_publication)
        # Items with no recent update, or past their target date, in the daily digests.
        register_digest_provider(provider)

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers (history, markup, template tags), domain events and the email outbox."""

    name = "core"

    def ready(self):
        # The sentences the kernel stores (an email's error), so any page can show them in its
        # reader's language.
        from . import reasons  # noqa: F401

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers (history, markup, template tags), domain events and the email outbox."""

    name = "core"

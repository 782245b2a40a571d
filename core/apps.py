from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers: history, markup, template tags. Has no models."""

    name = "core"

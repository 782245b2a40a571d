from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Section 55 responses"

    def ready(self):
        # The history's reasons, so any page can show them in its reader's language.
        from . import reasons  # noqa: F401

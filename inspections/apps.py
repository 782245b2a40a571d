from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspection reports"

    def ready(self):
        # The history's reasons, so any page can show them in its reader's language.
        from . import reasons  # noqa: F401

from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Section 55 responses"

    def ready(self):
        # Publication freezes the version: HTML snapshot now, PDF in a Celery task.
        from .pdf import freeze_after_publication
        from .services import PUBLICATION_HOOKS

        if freeze_after_publication not in PUBLICATION_HOOKS:
            PUBLICATION_HOOKS.append(freeze_after_publication)

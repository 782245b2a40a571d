from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public site and open data"

    def ready(self):
        from responses.services import PUBLICATION_HOOKS

        from .services import refresh_after_publication

        # After each publication commits: copy the new version into the public tables.
        if refresh_after_publication not in PUBLICATION_HOOKS:
            PUBLICATION_HOOKS.append(refresh_after_publication)

import logging

from django.apps import AppConfig
from django.db import DatabaseError
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def _refresh_stale_copies(sender, **kwargs):
    """After `migrate`: copy in any published response that has no up-to-date public copy (a
    database restored from a backup, or one that predates the public tables). Nothing to do,
    one query."""
    from .services import published_responses_refresh

    try:
        count = published_responses_refresh()
    except DatabaseError as error:  # e.g. migrating backwards, tables not there
        logger.warning("Public copies not refreshed after migrate: %s", error)
        return
    if count:
        logger.info("Refreshed the public copies of %d published responses.", count)


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public site and open data"

    def ready(self):
        # What the public site does after a publication or a tracker change is in
        # config/events.py (`refresh_after_publication`, `public_progress_changed`,
        # `refresh_after_correction`).
        post_migrate.connect(_refresh_stale_copies, sender=self)

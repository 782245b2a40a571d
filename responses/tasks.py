"""Celery tasks for responses. Thin: each takes ids, calls a service and is safe to run twice.

Publishing stores the HTML snapshot at once and queues `freeze_version_pdf` for the PDF
(responses.pdf.freeze_after_publication); see docs/decisions/0003-pdf-rendering.md.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import DatabaseError
from django.db.models import Q

from .models import ResponseVersion
from .pdf import version_freeze
from .services import scheduled_publications_run

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), max_retries=5, retry_backoff=5)
def freeze_version_pdf(version_id: int) -> None:
    """Render and store the PDF (and the snapshot, if missing) of a published version.

    Idempotent: `version_freeze` locks the version row and leaves stored files alone, so a
    version whose PDF is already stored is not rendered again, however often this runs.
    """
    try:
        version_freeze(version_id=version_id)
    except ResponseVersion.DoesNotExist:
        # Not in this database (a message from another environment's broker): nothing to do.
        logger.warning("No response version with id %s; nothing to render", version_id)


@shared_task(acks_late=True)
def freeze_missing_pdfs() -> int:
    """Queue the PDF of every published version that has none (a queue that was down when it
    was published, a render that failed). Returns how many were queued."""
    ids = list(
        ResponseVersion.objects.filter(
            Q(pdf_sha256="") | (~Q(html_cy_sha256="") & Q(pdf_cy_sha256=""))
        ).values_list("pk", flat=True)
    )
    for version_id in ids:
        freeze_version_pdf.delay(version_id)
    return len(ids)


@shared_task(acks_late=True)
def publish_scheduled() -> int:
    """The beat's sweep of scheduled publications (every minute): publish what is due, each
    exactly once however many beats or workers run it (`scheduled_publications_run`).
    Returns how many this run published."""
    return len(scheduled_publications_run())


@worker_ready.connect
def _catch_up(sender=None, **kwargs):
    """A worker that starts queues any PDFs still missing, so nothing waits for a download."""
    try:
        freeze_missing_pdfs.delay()
    except Exception:
        logger.exception("Could not queue the catch-up of missing PDFs")

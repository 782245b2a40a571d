"""Celery tasks for the reminders. Thin: each takes ids, calls a service and is safe to run twice
(the sweep is state-based and its rows are unique; a send claims its row before sending).

The beat schedule (config/settings.py, CELERY_BEAT_SCHEDULE) runs `sweep` at 07:00 Europe/London
and every hour as a catch-up; a worker also runs one sweep when it starts, so a machine that was
off at 07:00 catches up as soon as it is back.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from . import services

logger = logging.getLogger(__name__)

#: Mail errors are retried with exponential backoff (1, 2, 4, ... x this many seconds, at most
#: ten minutes apart); after that the hourly sweep re-arms the reminder while it is current.
RETRY_BACKOFF = getattr(settings, "S55_REMINDER_RETRY_BACKOFF", 30)
MAX_RETRIES = 8


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), max_retries=3, retry_backoff=10)
def sweep():
    """Create the reminders due now and enqueue their sends."""
    now = timezone.now()
    result = services.reminders_sweep(today=timezone.localdate(now), now=now)
    # Notices of corrections whose hook did not run (a queue that was down) catch up here.
    services.enqueue_correction_notices(services.correction_notices_catch_up(now=now))
    return {"due": result.due, "digests": len(result.digests), "individual": len(result.individual)}


@shared_task(
    acks_late=True,
    autoretry_for=services.MAIL_ERRORS,
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=600,
    max_retries=MAX_RETRIES,
)
def send_reminder(reminder_id: int):
    return services.reminder_send(reminder_id=reminder_id)


@shared_task(
    acks_late=True,
    autoretry_for=services.MAIL_ERRORS,
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=600,
    max_retries=MAX_RETRIES,
)
def send_digest(digest_id: int):
    return services.digest_send(digest_id=digest_id)


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), max_retries=3, retry_backoff=10)
def notify_correction(correction_id: int):
    """Create the notices of a correction of a report's shared facts and enqueue their sends."""
    ids = services.correction_notices_create(correction_id=correction_id)
    services.enqueue_correction_notices(ids)
    return len(ids)


@shared_task(
    acks_late=True,
    autoretry_for=services.MAIL_ERRORS,
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=600,
    max_retries=MAX_RETRIES,
)
def send_correction_notice(notice_id: int):
    return services.correction_notice_send(notice_id=notice_id)


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs):
    """Catch up at start-up: reminders due while no worker ran go out within a minute."""
    if getattr(settings, "S55_SWEEP_ON_WORKER_START", True):
        logger.info("Worker ready: running a reminders sweep")
        sweep.delay()

"""Celery tasks for events and the email outbox. Thin: each takes an id, calls `core.events` or
`core.outbox`, and is safe to run twice (the row is claimed, and runs or sends once).

The beat schedule (config/settings.py) runs `sweep` every five minutes, and a worker runs one
when it starts: whatever was recorded but never run or sent (a broker that was down, a worker
killed before it acknowledged its task) is enqueued again.
"""

import logging
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from . import events, outbox

logger = logging.getLogger(__name__)

#: Seconds before the first retry; each retry waits about twice as long (at most ten minutes).
RETRY_BACKOFF = getattr(settings, "S55_EVENTS_RETRY_BACKOFF", 30)


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=600,
    max_retries=events.MAX_ATTEMPTS - 1,
)
def run_delivery(delivery_id: int):
    """Run one subscriber after one event (`core.events.delivery_run`)."""
    return events.delivery_run(delivery_id=delivery_id)


@shared_task(
    acks_late=True,
    autoretry_for=outbox.MAIL_ERRORS,
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=600,
    max_retries=8,
)
def send_email(email_id: int):
    """Send one stored email (`core.outbox.email_send`)."""
    return outbox.email_send(email_id=email_id)


@shared_task(acks_late=True)
def sweep(lost_after_seconds: float | None = None):
    """Enqueue again the deliveries and emails whose task was lost."""
    if lost_after_seconds is None:
        deliveries = events.deliveries_sweep()
        emails = outbox.emails_sweep()
    else:  # 0 at a worker's start: everything pending
        lost_after = timedelta(seconds=lost_after_seconds)
        deliveries = events.deliveries_sweep(lost_after=lost_after)
        emails = outbox.emails_sweep(lost_after=lost_after)
    return {"deliveries": len(deliveries), "emails": len(emails)}


@worker_ready.connect
def sweep_when_a_worker_starts(sender=None, **kwargs):
    """A worker that starts picks up at once what a killed worker left: enqueuing a pending
    delivery twice is harmless (a row being run is locked; a finished one is skipped)."""
    try:
        sweep.delay(lost_after_seconds=0)
    except Exception:
        logger.exception("Could not queue the events sweep at worker start")

"""Celery tasks for the public site. Thin: each takes ids, calls a service, is safe to run twice.

`proxy_refresh` replaces the reverse proxy's cached copies of the pages a publication,
amendment, correction or progress change altered (queued on commit by public/services.py); a
worker that starts queues any refresh still owed (a proxy or queue that was down).
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError

from .services import (
    ProxyRefreshFailed,
    proxy_pages_refresh,
    stale_at_proxy_response_ids,
)
from .subscriptions import subscriptions_expire

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(ProxyRefreshFailed, DatabaseError),
    max_retries=10,
    retry_backoff=15,
    retry_backoff_max=30 * 60,
)
def proxy_refresh(response_id: int) -> int:
    """Refresh the proxy's copies of the response's pages; the outcome is recorded on its
    public record (proxy_refreshed_at, proxy_refresh_error)."""
    return proxy_pages_refresh(response_id=response_id)


@shared_task(acks_late=True)
def proxy_refresh_owed() -> int:
    """Queue a refresh for every published response whose pages changed after the proxy's
    copies were last refreshed. Returns how many were queued."""
    ids = stale_at_proxy_response_ids()
    for response_id in ids:
        proxy_refresh.delay(response_id)
    return len(ids)


@worker_ready.connect
def _catch_up(sender=None, **kwargs):
    if not settings.S55_PROXY_REFRESH_URL:
        return
    try:
        proxy_refresh_owed.delay()
    except Exception:
        logger.exception("Could not queue the refresh of the proxy's copies still owed")


@shared_task(acks_late=True)
def expire_subscriptions() -> dict[str, int]:
    """Delete the email sign-ups not confirmed in time and the old emails to subscribers
    (`public.subscriptions.subscriptions_expire`; the beat runs it hourly)."""
    return subscriptions_expire()

"""Domain events: a service says what happened; `config/events.py` says what follows.

A service that changes state calls `emit("response.published", office_id=..., version_id=...)`
inside its transaction. For each subscriber the registry lists for that event, `emit` writes an
`EventDelivery` row (READY) in the same transaction, and after the commit enqueues one thin
Celery task per row (`core.tasks.run_delivery`). So:

- a change that rolls back leaves no work behind, and one that commits always does, whether or
  not the broker or a worker is up at that moment;
- nothing a subscriber does happens in the web request, and a subscriber's failure never undoes
  the change that caused it.

Running a delivery (`delivery_run`) locks its row (SELECT ... FOR UPDATE SKIP LOCKED), calls
the subscriber and marks the row DONE *in the same transaction*. A worker killed halfway
leaves nothing half done: its transaction rolls back, the row is READY again, and the next run
does the whole work once. Two workers given the same row: the second skips it. A subscriber
that raises rolls back its own work; the row becomes FAILED with the error and the attempts,
the task retries with backoff, and after the last retry the row stays FAILED where the office
sees it (the dashboard notice, the emails page) until `manage.py events_replay` runs it.
`deliveries_sweep` (beat, and whenever a worker starts) enqueues again whatever was never run:
a task lost with a broker that went down, or with a worker killed before it acknowledged.

Subscribers take the event's arguments as keywords and must be idempotent: the same delivery
may be offered more than once (it runs once), and the same event may be emitted again later.

`core` cannot import the apps above it, so the registry is found by name: the setting
`S55_EVENTS` is the dotted path of a module with a `SUBSCRIBERS` dict (event -> functions),
imported the first time it is needed (docs/decisions/0005-events-and-outbox.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import DeliveryStatus, EventDelivery

logger = logging.getLogger(__name__)

PENDING = (DeliveryStatus.READY, DeliveryStatus.FAILED)

#: A delivery is tried this many times by its task (the first run and the retries); after that
#: it stays FAILED until someone replays it.
MAX_ATTEMPTS = 6

#: A pending delivery not tried for this long lost its task (the broker was down, or a worker
#: was killed before it acknowledged): the sweep enqueues it again.
LOST_AFTER = timedelta(seconds=getattr(settings, "S55_EVENTS_LOST_AFTER_SECONDS", 300))


#: The task that runs one delivery (core/tasks.py).
RUN_DELIVERY_TASK = "core.tasks.run_delivery"


class UnknownEvent(LookupError):
    """An event the registry does not list (a typo, or a registry out of step)."""


def registry() -> dict[str, tuple[Callable, ...]]:
    """{event: subscribers}, from the module named by the setting `S55_EVENTS`."""
    return import_module(settings.S55_EVENTS).SUBSCRIBERS


def subscriber_name(subscriber: Callable) -> str:
    return f"{subscriber.__module__}.{subscriber.__qualname__}"


def _key(arguments: dict) -> str:
    return ",".join(f"{name}={arguments[name]}" for name in sorted(arguments))[:200]


def emit(event: str, *, office_id: int | None = None, **arguments) -> list[int]:
    """Record the work that follows `event` and enqueue it when the transaction commits.

    Call it inside the service's transaction. `arguments` (ids, as JSON) are what each
    subscriber is called with; `office_id` is the policing body whose office sees the work on
    its pages. Returns the ids of the deliveries pending for this event and these arguments.
    """
    subscribers = registry().get(event)
    if subscribers is None:
        raise UnknownEvent(f"No event called {event!r} in {settings.S55_EVENTS}.")
    if not subscribers:
        return []
    key = _key(arguments)
    names = [subscriber_name(s) for s in subscribers]
    with transaction.atomic():
        EventDelivery.objects.bulk_create(
            [
                EventDelivery(
                    event=event, subscriber=name, key=key, arguments=arguments, office_id=office_id
                )
                for name in names
            ],
            ignore_conflicts=True,  # already pending: that row will do the work
        )
        ids = list(
            EventDelivery.objects.filter(
                event=event, key=key, subscriber__in=names, status__in=PENDING
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
        transaction.on_commit(lambda: enqueue(ids))
    return ids


def enqueue(delivery_ids) -> None:
    """One task per delivery. Enqueuing twice is harmless: the row runs once. A broker that is
    down is logged, not raised: the change has committed and the sweep enqueues it later."""
    names = dict(
        EventDelivery.objects.filter(pk__in=list(delivery_ids)).values_list("id", "subscriber")
    )
    for delivery_id in delivery_ids:
        try:
            # By name: core.tasks imports this module. `shadow`: the worker's log names the
            # subscriber, not only the generic task.
            current_app.send_task(
                RUN_DELIVERY_TASK, args=(delivery_id,), shadow=names.get(delivery_id)
            )
        except Exception:
            logger.exception(
                "Could not enqueue delivery %s; the sweep will enqueue it again", delivery_id
            )


def delivery_run(*, delivery_id: int, now=None) -> str:
    """Run one delivery, once. Returns DONE, or '' when there was nothing to do (already done,
    or being run by another worker right now).

    The subscriber and the DONE mark commit together. When the subscriber raises, its work is
    rolled back, the row is marked FAILED with the error, and the error is re-raised so the
    task retries.
    """
    now = now or timezone.now()
    failure: BaseException | None = None
    with transaction.atomic():
        delivery = (
            EventDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status__in=PENDING)
            .first()
        )
        if delivery is None:
            return ""
        try:
            with transaction.atomic():
                import_string(delivery.subscriber)(**delivery.arguments)
        except Exception as error:
            failure = error
            EventDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED,
                attempts=F("attempts") + 1,
                attempted_at=now,
                error=f"{error.__class__.__name__}: {error}"[:4000],
            )
        else:
            EventDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.DONE,
                attempts=F("attempts") + 1,
                attempted_at=now,
                done_at=now,
                error="",
            )
    if failure is not None:
        logger.error(
            "%s after %s (%s) failed: %s",
            delivery.subscriber,
            delivery.event,
            delivery.key,
            failure,
        )
        raise failure
    return DeliveryStatus.DONE


def deliveries_sweep(*, now=None, lost_after: timedelta = LOST_AFTER) -> list[int]:
    """Enqueue again every pending delivery whose task was lost: READY, or FAILED with
    attempts left, and not tried for `lost_after`. Returns their ids."""
    now = now or timezone.now()
    cutoff = now - lost_after
    ids = list(
        EventDelivery.objects.filter(
            Q(status=DeliveryStatus.READY)
            | Q(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
        )
        .filter(Q(attempted_at__lt=cutoff) | Q(attempted_at__isnull=True, created_at__lt=cutoff))
        .order_by("id")
        .values_list("id", flat=True)
    )
    if ids:
        logger.warning("Enqueuing %d deliveries again whose task was lost", len(ids))
        enqueue(ids)
    return ids


def deliveries_replay(*, delivery_ids=None) -> dict[str, int]:
    """Run every pending delivery now, in this process (the replay command): READY and FAILED,
    however many attempts. Returns how many ended done and failed."""
    qs = EventDelivery.objects.filter(status__in=PENDING)
    if delivery_ids is not None:
        qs = qs.filter(pk__in=list(delivery_ids))
    counts = {"done": 0, "failed": 0}
    for delivery_id in qs.order_by("id").values_list("id", flat=True):
        try:
            if delivery_run(delivery_id=delivery_id):
                counts["done"] += 1
        except Exception:
            counts["failed"] += 1
    return counts


def delivery_retry(*, delivery: EventDelivery) -> bool:
    """Run a failed delivery again after commit (a person asked, on the emails page). Returns
    False when it is not failed (nothing to do)."""
    if delivery.status != DeliveryStatus.FAILED:
        return False
    delivery_id = delivery.pk
    transaction.on_commit(lambda: enqueue([delivery_id]))
    return True

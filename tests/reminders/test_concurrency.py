"""Two sweeps, or two sends, at the same moment on PostgreSQL (threads, each with its own
database connection): no duplicate rows, no email sent twice, no deadlock."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from accounts.models import Membership
from reminders import services
from reminders.models import Delivery, Digest, Reminder, SendStatus
from tests.factories import ReportFactory, make_response, office_user, policing_body

from .conftest import DUE, at_seven

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DAY = DUE - timedelta(days=7)
RESPONSES = 40


def _in_threads(count: int, work):
    """Run `work(n)` in `count` threads at once; re-raise the first error."""
    errors: list[BaseException] = []
    results: list = [None] * count

    def run(n):
        try:
            results[n] = work(n)
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def many_due(postgres_required, people, norfolk):
    """40 responses due in 7 days across two offices."""
    suffolk = policing_body("suffolk-pcc")
    office_user(suffolk, Membership.Role.OPCC_DRAFTER, username="sam")
    office_user(suffolk, Membership.Role.OPCC_APPROVER, username="sid")
    published = DAY - timedelta(days=48)
    for n in range(RESPONSES):
        body = norfolk if n % 2 else suffolk
        make_response(
            report=ReportFactory(published_on=published, forces=[body.force]),
            body=body,
            acting_user=people["drafter"],
        )


def test_two_sweeps_at_once_create_each_reminder_and_digest_once(many_due, monkeypatch):
    enqueued = []
    monkeypatch.setattr(services, "enqueue_sends", lambda **kw: enqueued.append(kw))
    # Both sweeps work out what is due, then insert at the same moment.
    barrier = threading.Barrier(2, timeout=30)
    original = services._new_reminders

    def new_reminders_then_wait(*args, **kwargs):
        rows = original(*args, **kwargs)
        barrier.wait()
        return rows

    monkeypatch.setattr(services, "_new_reminders", new_reminders_then_wait)
    results = _in_threads(2, lambda n: services.reminders_sweep(today=DAY, now=at_seven(DAY)))

    assert all(r.offered == results[0].offered for r in results)
    keys = list(Reminder.objects.values_list("response", "rule", "occurrence", "recipient"))
    assert len(keys) == len(set(keys))
    # Each response: its drafter (Dana or Sam) and approver (Alex or Sid).
    assert len(keys) == RESPONSES * 2
    digests = list(Digest.objects.values_list("recipient", "day"))
    assert len(digests) == len(set(digests)) == 3  # Dana, Sam, Sid; Alex chose individual
    assert Reminder.objects.filter(delivery=Delivery.DIGEST, digest__isnull=True).count() == 0
    assert len(enqueued) == 2


def test_two_workers_sending_one_digest_at_once_send_it_once(many_due, mailoutbox, monkeypatch):
    monkeypatch.setattr(services, "enqueue_sends", lambda **kw: None)
    services.reminders_sweep(today=DAY, now=at_seven(DAY))
    digest = Digest.objects.get(recipient__username="dana")
    alex = Reminder.objects.filter(recipient__username="alex").first()
    results = _in_threads(
        4,
        lambda n: (
            services.digest_send(digest_id=digest.pk, today=DAY)
            if n % 2
            else services.reminder_send(reminder_id=alex.pk, today=DAY)
        ),
    )
    assert sorted(results) == ["", "", "sent", "sent"]
    assert sorted(m.to[0] for m in mailoutbox) == ["alex@example.org", "dana@example.org"]
    assert Reminder.objects.get(pk=alex.pk).status == SendStatus.SENT
    assert set(digest.reminders.values_list("status", flat=True)) == {SendStatus.SENT}

"""Domain events (core/events.py): the work after a change is recorded in the change's
transaction, runs once after the commit, and a failure is kept where the office sees it until
the replay command completes it."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from config import events as project_events
from core import events
from core.models import DeliveryStatus, EventDelivery
from tests.core import registry
from tests.core.registry import runs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_registry")]


@pytest.fixture
def test_registry():
    registry.BROKEN["on"] = False
    with override_settings(S55_EVENTS="tests.core.registry"):
        yield
    registry.BROKEN["on"] = False


def emit_and_commit(event="test.happened", *, capture, **arguments):
    with capture(execute=True), transaction.atomic():
        return events.emit(event, office_id=None, **arguments)


def test_every_subscriber_of_the_event_runs_once_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = events.emit("test.happened", token="a")
    assert runs("records", "a") == 0  # nothing runs before the commit
    assert EventDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.READY).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert runs("records", "a") == 1
    assert runs("breaks", "a") == 1
    assert set(EventDelivery.objects.values_list("subscriber", "status")) == {
        ("tests.core.registry.records", DeliveryStatus.DONE),
        ("tests.core.registry.breaks", DeliveryStatus.DONE),
    }


def test_a_change_that_rolls_back_leaves_no_work_behind(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.emit("test.happened", token="b")
        transaction.set_rollback(True)

    assert not EventDelivery.objects.exists()
    assert runs("records", "b") == 0


def test_a_delivery_offered_twice_runs_once(django_capture_on_commit_callbacks):
    ids = emit_and_commit(token="c", capture=django_capture_on_commit_callbacks)

    for delivery_id in ids:  # a duplicate message, or the sweep, offers it again
        assert events.delivery_run(delivery_id=delivery_id) == ""

    assert runs("records", "c") == 1


def test_an_emission_while_the_same_work_is_pending_adds_nothing():
    first = events.emit("test.happened", token="d")
    again = events.emit("test.happened", token="d")

    assert first == again
    assert EventDelivery.objects.count() == 2


def test_an_unknown_event_is_refused():
    with pytest.raises(events.UnknownEvent):
        events.emit("test.no_such_event", token="e")


def test_an_event_nobody_follows_records_nothing():
    assert events.emit("test.nothing_follows", token="f") == []
    assert not EventDelivery.objects.exists()


def test_a_failing_subscriber_is_recorded_its_work_undone_and_the_others_still_run(
    django_capture_on_commit_callbacks,
):
    registry.BROKEN["on"] = True

    emit_and_commit(token="g", capture=django_capture_on_commit_callbacks)

    failed = EventDelivery.objects.get(subscriber="tests.core.registry.breaks")
    assert failed.status == DeliveryStatus.FAILED
    assert failed.attempts == 1
    assert "the thing this subscriber needs is down" in failed.error
    assert runs("breaks", "g") == 0
    assert runs("records", "g") == 1  # the other subscriber is independent


def test_the_replay_command_completes_what_failed(django_capture_on_commit_callbacks):
    registry.BROKEN["on"] = True
    emit_and_commit(token="h", capture=django_capture_on_commit_callbacks)
    registry.BROKEN["on"] = False
    out = StringIO()

    call_command("events_replay", stdout=out)

    assert "1 done, 0 failed" in out.getvalue()
    assert runs("breaks", "h") == 1
    assert runs("records", "h") == 1
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DONE}


def test_the_sweep_enqueues_again_only_work_whose_task_was_lost(monkeypatch):
    offered = []
    monkeypatch.setattr(events, "enqueue", lambda ids: offered.extend(ids))
    lost = events.emit("test.happened", token="i")  # its task never reached a worker
    EventDelivery.objects.filter(pk__in=lost).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    recent = events.emit("test.happened", token="j")
    offered.clear()

    swept = events.deliveries_sweep(lost_after=timedelta(minutes=5))

    assert sorted(swept) == sorted(lost)
    assert sorted(offered) == sorted(lost)
    assert not set(recent) & set(offered)


def test_the_sweep_leaves_work_that_used_up_its_attempts_for_the_office_to_replay(monkeypatch):
    monkeypatch.setattr(events, "enqueue", lambda ids: None)
    (delivery_id, _) = events.emit("test.happened", token="k")
    long_ago = timezone.now() - timedelta(hours=1)
    EventDelivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.FAILED, attempts=events.MAX_ATTEMPTS, attempted_at=long_ago
    )

    assert delivery_id not in events.deliveries_sweep(lost_after=timedelta(minutes=5))


def test_every_event_the_services_emit_is_in_the_project_registry():
    """The services name events by string (they cannot import config); each must be listed.
    Every module of every app is read (responses.corrections emits too), and every event the
    registry lists is emitted by some module (none left behind by a removed emission)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    emitted = set()
    for app in ("core", "accounts", "inspections", "responses", "reminders", "tracking", "public"):
        for path in (root / app).rglob("*.py"):
            emitted |= set(re.findall(r'emit\(\s*"([a-z_.]+)"', path.read_text()))
    assert {"report.corrected", "tracker.item_closed", "response.copies_recorded"} <= emitted
    # core.outbox emits "email.sent.<kind>" for a sent email of a kind the registry follows.
    sent = {event for event in project_events.SUBSCRIBERS if event.startswith("email.sent.")}
    assert emitted | sent == set(project_events.SUBSCRIBERS)


def test_every_subscriber_in_the_project_registry_can_be_found_by_its_name():
    from django.utils.module_loading import import_string

    for subscribers in project_events.SUBSCRIBERS.values():
        for subscriber in subscribers:
            assert import_string(events.subscriber_name(subscriber)) is subscriber


def test_the_sweep_a_worker_runs_when_it_starts_takes_everything_pending(monkeypatch):
    from core import tasks

    offered = []
    monkeypatch.setattr(events, "enqueue", lambda ids: offered.extend(ids))
    pending = events.emit("test.happened", token="l")  # just now: not yet "lost"
    offered.clear()

    assert tasks.sweep(lost_after_seconds=0) == {"deliveries": 2, "emails": 0}
    assert sorted(offered) == sorted(pending)


def test_the_architecture_note_lists_what_follows_publication_as_the_registry_does():
    """docs/architecture.md's "What happens when a response is published" names the
    subscribers of `response.published` in config/events.py, in the same order."""
    import re
    from pathlib import Path

    note = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    section = note.split("### What happens when a response is published", 1)[1].split("\n#", 1)[0]
    listed = re.findall(r"^\d+\. `([a-z_.]+)`", section, flags=re.MULTILINE)
    registered = [
        events.subscriber_name(s)
        for s in project_events.SUBSCRIBERS[project_events.RESPONSE_PUBLISHED]
    ]
    assert listed == registered


def test_the_architecture_notes_event_table_is_the_registry():
    """docs/architecture.md's "Every event" table has one row per event of config/events.py,
    naming its subscribers in the registry's order ("the three steps above" for publication,
    which the test before this one holds)."""
    import re
    from pathlib import Path

    note = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text()
    table = note.split("### Every event", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = re.findall(r"\d+\. `([a-z_.]+)`", cells[2])
    registered = {
        event: [events.subscriber_name(s) for s in subscribers]
        for event, subscribers in project_events.SUBSCRIBERS.items()
    }
    registered[project_events.RESPONSE_PUBLISHED] = []  # listed step by step above the table
    assert rows == registered

"""Tracker items in the reminder digests: no update for the configured number of days, or past
the target date; on a weekly cadence, to the item's leads (or the office's admins)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import forget_memberships
from reminders import emails as reminder_emails
from reminders import services as reminder_services
from tests.factories import office_user
from tracking.reminders import SECTION, due_on, provider
from tracking.services import progress_update_add, tracker_items_bulk_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def led(items, drafter, force_person, settings):
    """Every item led by the drafter and the force person; R1 due in 5 days, the others with
    no target date."""
    settings.S55_TRACKER_STALE_DAYS = 30
    settings.S55_TRACKER_REMINDER_REPEAT_DAYS = 7
    tracker_items_bulk_update(
        items=items, acting_user=drafter, office_lead=drafter, force_lead=force_person
    )
    tracker_items_bulk_update(items=items[1:], acting_user=drafter, target_date=None)
    tracker_items_bulk_update(
        items=items[:1], acting_user=drafter, target_date=timezone.localdate() + timedelta(days=5)
    )
    return items


def _due(day):
    return {item.pk: [reason for reason, _ in reasons] for item, reasons, _ in due_on(day)}


def test_the_provider_is_registered():
    assert provider in reminder_emails.digest_providers()


def test_an_item_without_an_update_is_reminded_at_the_mark_then_weekly(led):
    today = timezone.localdate()  # the day tracking started

    assert _due(today + timedelta(days=29)) == {}
    at_mark = _due(today + timedelta(days=30))
    assert at_mark[led[1].pk] == ["stale"] and at_mark[led[2].pk] == ["stale"]
    assert _due(today + timedelta(days=31)).get(led[1].pk) is None
    assert _due(today + timedelta(days=37))[led[1].pk] == ["stale"]


def test_an_update_restarts_the_count(led, force_person):
    today = timezone.localdate()
    progress_update_add(item=led[1], acting_user=force_person, text="Progress.")

    assert led[1].pk in _due(today + timedelta(days=30))  # the update was today: day 30 again
    progress_update_add(
        item=led[2],
        acting_user=force_person,
        text="Older progress.",
        date=today - timedelta(days=3),
    )
    assert _due(today + timedelta(days=27))[led[2].pk] == ["stale"]


def test_an_item_past_its_target_date_is_reminded_the_day_after_then_weekly(led):
    target = timezone.localdate() + timedelta(days=5)

    assert led[0].pk not in _due(target)
    assert _due(target + timedelta(days=1))[led[0].pk] == ["overdue"]
    assert led[0].pk not in _due(target + timedelta(days=2))
    assert _due(target + timedelta(days=8))[led[0].pk] == ["overdue"]


def test_closed_items_are_not_reminded(led, drafter):
    from tracking.rag import Status

    tracker_items_bulk_update(
        items=led, acting_user=drafter, status=Status.SUPERSEDED, reason="Replaced."
    )

    assert _due(timezone.localdate() + timedelta(days=30)) == {}


def test_the_leads_are_reminded_and_the_admins_when_there_is_no_office_lead(
    led, drafter, force_person, norfolk
):
    admin = office_user(norfolk, Membership.Role.OPCC_ADMIN, full_name="Ash Admin")
    tracker_items_bulk_update(items=led[2:], acting_user=drafter, office_lead=None)
    day = timezone.localdate() + timedelta(days=30)

    recipients = {item.pk: people for item, _, people in due_on(day)}

    assert recipients[led[1].pk] == {drafter.pk, force_person.pk}
    assert recipients[led[2].pk] == {admin.pk, force_person.pk}
    assert provider.recipient_ids(day=day) == {drafter.pk, force_person.pk, admin.pk}


def test_a_lead_who_left_is_not_reminded(led, drafter, force_person, norfolk):
    admin = office_user(norfolk, Membership.Role.OPCC_ADMIN)
    Membership.objects.filter(user=drafter).update(is_active=False)
    forget_memberships(drafter)
    day = timezone.localdate() + timedelta(days=30)

    recipients = {item.pk: people for item, _, people in due_on(day)}

    assert recipients[led[1].pk] == {admin.pk, force_person.pk}


def test_digest_items_say_what_is_wrong_and_link_to_the_item(led, drafter, settings):
    target = timezone.localdate() + timedelta(days=5)
    day = target + timedelta(days=1)

    items = provider.items(user=drafter, day=day)

    (item,) = [i for i in items if i.url.endswith(f"/tracker/{led[0].pk}/")]
    assert item.section == SECTION
    assert item.urgent is True
    assert item.heading == "R1, Norfolk crime data integrity inspection 2019"
    assert (
        f"the target date ({target:%A} {target.day} {target:%B %Y}) passed 1 day ago" in item.text
    )
    assert item.url == f"{settings.SITE_URL}/tracker/{led[0].pk}/"


def test_the_daily_digest_email_carries_the_tracker_items(
    led, drafter, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        reminder_services, "enqueue_sends", lambda *, digests, individual: sent.extend(digests)
    )
    day = timezone.localdate() + timedelta(days=30)
    now = datetime.combine(day, time(7, 0), tzinfo=ZoneInfo("Europe/London"))

    with django_capture_on_commit_callbacks(execute=True):
        reminder_services.reminders_sweep(today=day, now=now)
    for digest_id in sent:
        reminder_services.digest_send(digest_id=digest_id, today=day, now=now)

    to_drafter = [m for m in mailoutbox if m.to == [drafter.email]]
    assert len(to_drafter) == 1
    body = to_drafter[0].body
    assert str(SECTION) in body  # a translated label (the heading in the recipient's language)
    assert "R2, Norfolk crime data integrity inspection 2019" in body
    assert "there has been no progress update for 30 days" in body

"""The sweep and the sends: one row per occurrence and person, one send per row, nothing stale."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from reminders import emails, services
from reminders.models import (
    CalendarToken,
    Delivery,
    Digest,
    Reminder,
    ReminderRule,
    SendStatus,
)
from responses.services import response_mark_not_required, response_record_force_comments
from tests.factories import (
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

from .conftest import DUE, PUBLISHED, at_seven
from .mail import attempts, delivered

pytestmark = pytest.mark.django_db

SEVEN_BEFORE = DUE - timedelta(days=7)


def sweep(day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.reminders_sweep(today=day, now=at_seven(day))


@pytest.fixture
def flaky_mail(settings, tmp_path):
    """Mail through the fake server; `flaky_mail(fail_first=n)` sets how many sends fail."""

    def configure(*, fail_first=0):
        settings.MAILERS = {
            "default": {
                "BACKEND": "tests.reminders.mail.FlakyFileBackend",
                "OPTIONS": {"directory": str(tmp_path), "fail_first": fail_first},
            }
        }
        return tmp_path

    return configure


def test_the_default_policy_is_loaded_by_the_data_migration():
    rules = {r.code: r for r in ReminderRule.objects.all()}
    deadline = rules["statutory-deadline"]
    assert deadline.offsets == "-28, -14, -7, -3, -1, 0"
    assert deadline.repeat_every == 1
    assert deadline.roles == ["opcc_drafter"]
    assert deadline.extra_roles == ["opcc_approver"]
    assert deadline.extra_roles_from == -7
    assert rules["statutory-escalation"].roles == ["opcc_admin"]
    force = rules["force-reply"]
    assert (force.offsets, force.unit, force.repeat_every) == ("-5, -1, 0", "working", 2)
    assert force.roles == ["force_contributor"]
    assert not force.statutory
    assert rules["statutory-copies"].offsets == "3"
    assert all(rules[c].statutory for c in ("statutory-deadline", "statutory-escalation"))


def test_a_sweep_costs_the_same_queries_for_3_or_30_responses(
    people, enqueued, django_capture_on_commit_callbacks
):
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    office_user(suffolk, Membership.Role.OPCC_DRAFTER)
    # Published 48 days before the sweep: due in 7 days.
    published = SEVEN_BEFORE - timedelta(days=48)

    def responses(count):
        for i in range(count):
            body = norfolk if i % 2 else suffolk
            make_response(
                report=ReportFactory(published_on=published, forces=[body.force]),
                body=body,
                acting_user=people["drafter"],
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
        return len(captured.captured_queries)

    responses(3)
    few = queries()
    responses(27)
    many = queries()
    # One per drafter, and one per Norfolk response (14 of the 30) for its approver.
    assert Reminder.objects.filter(due_on=SEVEN_BEFORE).count() == 30 + 14
    assert many == few


def test_sweeping_twice_creates_each_reminder_once(
    invited, people, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    rows = set(Reminder.objects.values_list("response", "rule", "occurrence", "recipient"))
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert set(Reminder.objects.values_list("response", "rule", "occurrence", "recipient")) == rows
    assert Reminder.objects.count() == len(rows) == 3  # drafter, approver, force contributor
    assert Digest.objects.count() == 2  # drafter and force contributor; the approver is individual


def test_a_send_claims_its_row_so_a_second_send_does_nothing(
    invited, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    reminder = Reminder.objects.get(recipient=people["approver"])
    now = at_seven(SEVEN_BEFORE)
    assert services.reminder_send(reminder_id=reminder.pk, today=SEVEN_BEFORE, now=now) == "sent"
    assert services.reminder_send(reminder_id=reminder.pk, today=SEVEN_BEFORE, now=now) == ""
    digest = Digest.objects.get(recipient=people["drafter"])
    assert services.digest_send(digest_id=digest.pk, today=SEVEN_BEFORE, now=now) == "sent"
    assert services.digest_send(digest_id=digest.pk, today=SEVEN_BEFORE, now=now) == ""
    assert sorted(m.to[0] for m in mailoutbox) == ["alex@example.org", "dana@example.org"]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.sent_at) == ("sent", 1, now)


def test_a_digest_reminder_is_never_sent_on_its_own(
    invited, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    in_digest = Reminder.objects.get(recipient=people["drafter"])
    assert services.reminder_send(reminder_id=in_digest.pk, today=SEVEN_BEFORE) == ""
    assert mailoutbox == []


def test_a_mail_failure_is_recorded_and_the_retry_sends_once(
    invited, people, flaky_mail, enqueued, django_capture_on_commit_callbacks
):
    outbox = flaky_mail(fail_first=1)
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    reminder = Reminder.objects.get(recipient=people["approver"])
    with pytest.raises(OSError, match="simulated outage"):
        services.reminder_send(reminder_id=reminder.pk, today=SEVEN_BEFORE)
    reminder.refresh_from_db()
    assert reminder.status == SendStatus.FAILED
    assert "SMTPServerDisconnected" in reminder.error
    assert services.reminder_send(reminder_id=reminder.pk, today=SEVEN_BEFORE) == "sent"
    assert services.reminder_send(reminder_id=reminder.pk, today=SEVEN_BEFORE) == ""
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.error) == ("sent", 2, "")
    assert [m["To"] for m in delivered(outbox)] == ["alex@example.org"]
    assert attempts(outbox) == 2


def test_a_failed_digest_marks_its_reminders_failed_and_the_next_sweep_rearms_them(
    invited, people, flaky_mail, enqueued, django_capture_on_commit_callbacks
):
    outbox = flaky_mail(fail_first=1)
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    digest = Digest.objects.get(recipient=people["drafter"])
    with pytest.raises(OSError):
        services.digest_send(digest_id=digest.pk, today=SEVEN_BEFORE)
    digest.refresh_from_db()
    assert digest.status == SendStatus.FAILED
    item = Reminder.objects.get(recipient=people["drafter"])
    assert item.status == SendStatus.FAILED and "simulated outage" in item.error
    enqueued.digests.clear()
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)  # the hourly catch-up
    assert digest.pk in enqueued.digests
    assert services.digest_send(digest_id=digest.pk, today=SEVEN_BEFORE) == "sent"
    item.refresh_from_db()
    assert item.status == SendStatus.SENT
    assert [m["To"] for m in delivered(outbox)] == ["dana@example.org"]


def test_a_reminder_of_a_response_that_moved_on_is_cancelled_not_sent(
    response, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    response_mark_not_required(
        response=response, reason="Covered by the national report.", acting_user=people["drafter"]
    )
    enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    assert mailoutbox == []
    assert set(Reminder.objects.values_list("status", flat=True)) == {SendStatus.CANCELLED}
    assert "moved on" in Reminder.objects.first().error


def test_a_reminder_queued_through_an_outage_is_not_sent_late(
    response, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    # The worker was down for four days; by then the 3-day reminder is the current one.
    later = SEVEN_BEFORE + timedelta(days=4)
    enqueued.deliver(today=later, now=at_seven(later))
    assert mailoutbox == []
    sweep(later, django_capture_on_commit_callbacks)
    enqueued.deliver(today=later, now=at_seven(later))
    assert sorted(m.to[0] for m in mailoutbox) == ["alex@example.org", "dana@example.org"]
    assert all("3 days from today" in m.body for m in mailoutbox)
    assert set(Reminder.objects.values_list("occurrence", "status")) == {
        ("2020-03-02:-7d", SendStatus.CANCELLED),
        ("2020-03-02:-3d", SendStatus.SENT),
    }


def test_yesterdays_unsent_digest_is_retired_and_its_reminders_join_todays(
    response, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    enqueued.digests.clear()
    enqueued.individual.clear()
    next_day = SEVEN_BEFORE + timedelta(days=1)
    sweep(next_day, django_capture_on_commit_callbacks)
    old = Digest.objects.get(recipient=people["drafter"], day=SEVEN_BEFORE)
    new = Digest.objects.get(recipient=people["drafter"], day=next_day)
    assert old.status == SendStatus.CANCELLED
    assert Reminder.objects.get(recipient=people["drafter"]).digest == new
    enqueued.deliver(today=next_day, now=at_seven(next_day))
    assert sorted(m.to[0] for m in mailoutbox) == ["alex@example.org", "dana@example.org"]
    assert "6 days from today" in mailoutbox[0].body


def test_once_todays_digest_has_gone_new_items_wait_for_tomorrows(
    response, people, norfolk, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    assert len(mailoutbox) == 2
    # A second response becomes due the same day (its report was logged late).
    second = make_response(
        report=ReportFactory(published_on=PUBLISHED, forces=[norfolk.force]),
        body=norfolk,
        acting_user=people["drafter"],
    )
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    # Alex chose individual emails and gets it now; Dana's digest for today has gone.
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alex@example.org",
        "alex@example.org",
        "dana@example.org",
    ]
    waiting = Reminder.objects.get(recipient=people["drafter"], response=second)
    assert (waiting.status, waiting.digest) == (SendStatus.READY, None)
    tomorrow = SEVEN_BEFORE + timedelta(days=1)
    sweep(tomorrow, django_capture_on_commit_callbacks)
    enqueued.deliver(today=tomorrow, now=at_seven(tomorrow))
    assert mailoutbox[-1].to == ["dana@example.org"]
    assert "Norfolk CDI 2019" not in mailoutbox[-1].body  # already told yesterday
    assert second.report.title in mailoutbox[-1].body


def test_people_can_switch_off_reminders_that_are_not_statutory_only(
    invited, people, enqueued, django_capture_on_commit_callbacks
):
    force_rule = ReminderRule.objects.get(code="force-reply")
    deadline_rule = ReminderRule.objects.get(code="statutory-deadline")
    services.preference_update(
        user=people["force"], delivery=Delivery.DIGEST, muted_rules=[force_rule]
    )
    services.preference_update(
        user=people["drafter"], delivery=Delivery.DIGEST, muted_rules=[deadline_rule]
    )
    assert list(people["drafter"].reminder_preference.muted_rules.all()) == []
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert sorted(Reminder.objects.values_list("recipient__username", flat=True)) == [
        "alex",
        "dana",
    ]


def test_someone_who_left_the_office_before_the_send_is_not_sent_it(
    response, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=people["drafter"]).update(is_active=False)
    enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    assert [m.to[0] for m in mailoutbox] == ["alex@example.org"]
    assert Reminder.objects.get(recipient=people["drafter"]).status == SendStatus.CANCELLED


def test_a_person_without_an_email_address_shows_as_failed_with_the_reason(
    response, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    people["drafter"].email = ""
    people["drafter"].save()
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    failed = Reminder.objects.get(recipient=people["drafter"])
    assert failed.status == SendStatus.FAILED
    assert failed.error == "Dana Drafter has no email address: add one in the admin."


def test_other_sources_add_items_to_the_same_digest(
    response, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    class Tracking(emails.DigestProvider):
        section = "Recommendations to track"

        def recipient_ids(self, *, day):
            return {people["admin"].pk, people["drafter"].pk}

        def items(self, *, user, day):
            return [
                emails.DigestItem(
                    heading="R1 of PEEL 2023",
                    sentences=["a progress update is due today."],
                    url="http://127.0.0.1:8000/tracker/1/",
                    section=self.section,
                )
            ]

    provider = emails.register_digest_provider(Tracking())
    try:
        sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
        enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    finally:
        emails.unregister_digest_provider(provider)
    by_person = {m.to[0]: m for m in mailoutbox}
    # The drafter's one digest has both sources; the admin gets a digest for tracking alone.
    drafter = by_person["dana@example.org"].body
    assert "Section 55 responses" in drafter and "Recommendations to track" in drafter
    assert "R1 of PEEL 2023: a progress update is due today." in by_person["ash@example.org"].body
    assert Digest.objects.filter(status=SendStatus.SENT).count() == 2


def test_the_force_stops_getting_reminders_once_it_replies(
    invited, people, enqueued, django_capture_on_commit_callbacks
):
    reply_day = date(2020, 2, 4)
    sweep(reply_day, django_capture_on_commit_callbacks)
    assert Reminder.objects.filter(recipient=people["force"]).count() == 1
    response_record_force_comments(
        response=invited, acting_user=people["force"], none_submitted=True, received_on=reply_day
    )
    sweep(date(2020, 2, 6), django_capture_on_commit_callbacks)
    assert Reminder.objects.filter(recipient=people["force"]).count() == 1


def test_a_statutory_rule_cannot_be_switched_off():
    from django.core.exceptions import ValidationError

    rule = ReminderRule.objects.get(code="statutory-deadline")
    rule.is_active = False
    with pytest.raises(ValidationError, match="cannot be switched off"):
        rule.full_clean()


def test_a_new_calendar_address_replaces_the_old_one(people):
    first = services.calendar_token_create(user=people["drafter"])
    second = services.calendar_token_create(user=people["drafter"])
    assert first != second
    assert not CalendarToken.objects.matching(first).exists()
    assert CalendarToken.objects.matching(second).get().user == people["drafter"]
    assert services.calendar_token_revoke(user=people["drafter"]) == 1
    assert not CalendarToken.objects.matching(second).exists()
    # Only a hash is stored.
    assert not CalendarToken.objects.filter(token_hash=second).exists()


def test_a_sweep_with_nothing_new_offers_no_rows(
    invited, people, enqueued, django_capture_on_commit_callbacks
):
    first = sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert (first.changed, first.offered) == (1, 3)
    again = sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert (again.due, again.changed, again.offered) == (2, 0, 0)


def test_someone_who_joins_the_office_gets_the_current_reminder_at_the_next_sweep(
    response, people, norfolk, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    newcomer = office_user(norfolk, Membership.Role.OPCC_DRAFTER, username="nia")
    result = sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert result.changed == 1
    assert Reminder.objects.get(recipient=newcomer).occurrence == "2020-03-02:-7d"
    assert Reminder.objects.count() == 3  # Dana and Alex were not offered theirs twice


def test_switching_an_optional_reminder_back_on_brings_the_current_one(
    invited, people, enqueued, django_capture_on_commit_callbacks
):
    force_rule = ReminderRule.objects.get(code="force-reply")
    services.preference_update(
        user=people["force"], delivery=Delivery.DIGEST, muted_rules=[force_rule]
    )
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert not Reminder.objects.filter(recipient=people["force"]).exists()
    services.preference_update(user=people["force"], delivery=Delivery.DIGEST, muted_rules=[])
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert Reminder.objects.filter(recipient=people["force"]).count() == 1


def test_a_reminder_stuck_in_sending_is_reported_and_never_sent_again_by_itself(
    invited, people, mailoutbox, enqueued, django_capture_on_commit_callbacks
):
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    stuck = Reminder.objects.get(recipient=people["approver"])
    # A worker claimed it two hours ago and died: it may or may not have gone.
    Reminder.objects.filter(pk=stuck.pk).update(
        status=SendStatus.SENDING, claimed_at=at_seven(SEVEN_BEFORE) - timedelta(hours=2)
    )
    enqueued.individual.clear()
    result = sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert result.stuck == 1
    assert stuck.pk not in enqueued.individual
    assert services.reminder_send(reminder_id=stuck.pk, today=SEVEN_BEFORE) == ""
    assert mailoutbox == []


def test_deleting_a_person_deletes_their_reminders(
    response, people, enqueued, django_capture_on_commit_callbacks
):
    # The recipient has no database foreign key (for the sweep's speed): Django cascades.
    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)
    assert Reminder.objects.filter(recipient=people["approver"]).exists()

    people["approver"].delete()

    assert not Reminder.objects.filter(recipient_id=people["approver"].pk).exists()


def test_a_reminder_whose_person_vanished_during_the_sweep_is_cancelled_not_sent(
    response, people, mailoutbox
):
    # A person deleted while a sweep was creating their row: the row outlives them.
    leaver = get_user_model().objects.create_user(username="lee", email="lee@example.org")
    reminder = Reminder.objects.create(
        response=response,
        rule=ReminderRule.objects.get(code="statutory-deadline"),
        occurrence="2020-03-02:-7d",
        due_on=SEVEN_BEFORE,
        recipient=leaver,
        role=Membership.Role.OPCC_APPROVER,
        delivery=Delivery.INDIVIDUAL,
    )
    get_user_model().objects.filter(pk=leaver.pk)._raw_delete(using="default")

    status = services.reminder_send(reminder_id=reminder.pk, today=SEVEN_BEFORE)

    reminder.refresh_from_db()
    assert status == reminder.status == SendStatus.CANCELLED
    assert reminder.error == "The person or the response it was for no longer exists."
    assert mailoutbox == []

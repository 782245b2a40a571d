"""The reminders page, the dashboard notice, reminder settings and the calendar feed."""

from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from icalendar import Calendar

from accounts.models import Membership
from accounts.services import user_set_language
from core.history import reason_text
from reminders import services
from reminders.models import CalendarToken, Delivery, Reminder, ReminderRule, SendStatus
from reminders.selectors import office_ids_of
from responses.corrections import report_correct
from tests.factories import ReportFactory, make_response, office_user, policing_body

from .conftest import DUE, REPLY_BY, at_seven

pytestmark = pytest.mark.django_db

SEVEN_BEFORE = DUE - timedelta(days=7)


@pytest.fixture
def swept(invited, people, enqueued, django_capture_on_commit_callbacks):
    """The sweep of 24 Feb 2020 and its sends: Dana's digest fails (no address), the rest go."""
    people["drafter"].email = ""
    people["drafter"].save()
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    return invited


@pytest.fixture
def suffolk_reminder(people, enqueued, django_capture_on_commit_callbacks):
    suffolk = policing_body("suffolk-pcc")
    drafter = office_user(suffolk, Membership.Role.OPCC_DRAFTER, username="sam")
    report = ReportFactory(
        title="Suffolk PEEL", published_on=date(2020, 1, 7), forces=[suffolk.force]
    )
    make_response(report=report, body=suffolk, acting_user=drafter)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    return Reminder.objects.get(recipient=drafter)


@pytest.mark.parametrize("url", ["/reminders/", "/reminders/preferences/", "/reminders/calendar/"])
def test_pages_ask_people_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_reminders_page_is_for_office_staff_only(client, people):
    client.force_login(people["force"])
    assert client.get("/reminders/").status_code == 403
    assert client.get("/reminders/preferences/").status_code == 200
    assert client.get("/reminders/calendar/").status_code == 200


def test_the_reminders_page_shows_what_was_sent_to_whom_and_failures_with_the_error(
    client, suffolk_reminder, swept, people
):
    client.force_login(people["approver"])
    page = client.get("/reminders/").content.decode()
    assert "Alex Approver" in page and "Frankie Force" in page and "Dana Drafter" in page
    assert "Sent 24 Feb 2020, 07:00" in page
    assert "Dana Drafter has no email address: add one in the admin." in page
    assert "Send again" in page
    assert "Suffolk PEEL" not in page  # another office's reminders
    problems = client.get("/reminders/?status=problems").content.decode()
    assert "Dana Drafter" in problems and "Alex Approver" not in problems


def test_the_reminders_page_costs_the_same_queries_for_few_or_many_rows(
    client, swept, people, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["approver"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/reminders/").status_code == 200
        return len(captured.captured_queries)

    few = count()
    rule = ReminderRule.objects.get(code="statutory-deadline")
    Reminder.objects.bulk_create(
        Reminder(
            response=swept,
            rule=rule,
            occurrence=f"old-{n}",
            due_on=SEVEN_BEFORE,
            recipient=people["approver"],
            role="opcc_approver",
            delivery=Delivery.DIGEST,
            status=SendStatus.SENT,
        )
        for n in range(40)
    )
    assert count() == few


def test_send_again_resends_a_failed_reminder_as_its_own_email(
    client, swept, people, enqueued, mailoutbox, django_capture_on_commit_callbacks
):
    failed = Reminder.objects.get(recipient=people["drafter"])
    people["drafter"].email = "dana@example.org"
    people["drafter"].save()
    client.force_login(people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reminders/{failed.pk}/send-again/")
    assert response.status_code == 302
    assert enqueued.individual == [failed.pk]
    mailoutbox.clear()
    enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    assert [m.to[0] for m in mailoutbox] == ["dana@example.org"]
    failed.refresh_from_db()
    assert failed.status == SendStatus.SENT


def test_the_note_a_reminder_sent_again_keeps_is_english_and_shown_in_welsh_on_welsh_pages(
    client, swept, people, enqueued
):
    """The note was an English f-string shown as stored: it is a `Reason` now."""
    failed = Reminder.objects.get(recipient=people["drafter"])
    with translation.override("cy"):
        assert services.reminder_retry(reminder=failed, acting_user=people["admin"])
    failed.refresh_from_db()
    name = people["admin"].display_name
    was = "Dana Drafter has no email address: add one in the admin."
    assert failed.error == f"Sent again by {name}; was: {was}"

    client.force_login(people["admin"])
    assert f"Sent again by {name}; was: {was}" in client.get("/reminders/").content.decode()
    user_set_language(user=people["admin"], language="cy")
    welsh = client.get("/reminders/").content.decode()
    # The earlier error is one the catalogue knows: in Welsh too.
    was_cy = "Nid oes gan Dana Drafter gyfeiriad e-bost: ychwanegwch un yn y weinyddiaeth."
    assert f"Anfonwyd eto gan {name}; y gwall cynt: {was_cy}" in welsh
    assert "Sent again by" not in welsh

    Reminder.objects.filter(pk=failed.pk).update(status=SendStatus.FAILED, error="")
    failed.refresh_from_db()
    assert services.reminder_retry(reminder=failed, acting_user=people["admin"])
    failed.refresh_from_db()
    assert failed.error == f"Sent again by {name}"
    with translation.override("cy"):
        assert reason_text(failed.error) == f"Anfonwyd eto gan {name}"


def test_send_again_cannot_reach_another_offices_reminder(client, people, suffolk_reminder):
    client.force_login(people["admin"])
    assert client.post(f"/reminders/{suffolk_reminder.pk}/send-again/").status_code == 404


def test_the_dashboard_notice_appears_only_when_a_send_failed(rf: RequestFactory, swept, people):
    template = Template('{% include "reminders/_failed_notice.html" %}')
    request = rf.get("/")
    request.user = people["approver"]
    html = template.render(Context({"request": request}))
    assert "A reminder email could not be sent" in html
    assert "Dana Drafter has no email address" in html
    assert 'href="/reminders/?status=problems"' in html
    Reminder.objects.filter(status=SendStatus.FAILED).update(status=SendStatus.SENT)
    assert "could not be sent" not in template.render(Context({"request": request}))
    request.user = people["force"]  # not office staff: no notice
    Reminder.objects.update(status=SendStatus.FAILED)
    assert "could not be sent" not in template.render(Context({"request": request}))


def test_the_dashboard_notices_count_what_failed_in_one_query(
    rf: RequestFactory, swept, people, django_assert_num_queries
):
    template = Template('{% include "reminders/_failed_notice.html" %}')
    request = rf.get("/")
    request.user = people["approver"]
    office_ids_of(request.user)  # the person's memberships, read once a request
    with django_assert_num_queries(2):  # failed reminders, emails and work; the latest reminder
        html = template.render(Context({"request": request}))
    assert "A reminder email could not be sent" in html
    Reminder.objects.filter(status=SendStatus.FAILED).update(status=SendStatus.SENT)
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request}))
    assert "could not be sent" not in html


def test_people_choose_individual_emails_and_switch_off_optional_reminders(client, people):
    client.force_login(people["force"])
    page = client.get("/reminders/preferences/").content.decode()
    assert "The force&#x27;s reply-by date" in page  # optional: offered as a checkbox
    response = client.post("/reminders/preferences/", {"delivery": Delivery.INDIVIDUAL})
    assert response.status_code == 302
    preference = people["force"].reminder_preference
    assert preference.delivery == Delivery.INDIVIDUAL
    assert [r.code for r in preference.muted_rules.all()] == ["force-reply"]
    force_rule = ReminderRule.objects.get(code="force-reply")
    client.post(
        "/reminders/preferences/", {"delivery": Delivery.DIGEST, "wanted_rules": [force_rule.pk]}
    )
    preference.refresh_from_db()
    assert preference.delivery == Delivery.DIGEST
    assert list(preference.muted_rules.all()) == []


def test_statutory_reminders_are_not_offered_and_cannot_be_switched_off(client, people):
    client.force_login(people["drafter"])
    page = client.get("/reminders/preferences/").content.decode()
    statutory = ReminderRule.objects.get(code="statutory-deadline")
    assert f'value="{statutory.pk}"' not in page
    assert "cannot be switched off" in page
    # Even a hand-made request naming it is refused, and nothing is saved.
    response = client.post(
        "/reminders/preferences/",
        {"delivery": Delivery.INDIVIDUAL, "wanted_rules": [str(statutory.pk)]},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert (
        not hasattr(people["drafter"], "reminder_preference")
        or not people["drafter"].reminder_preference.pk
    )


def test_preferences_form_errors_are_shown_with_an_error_summary(client, people):
    client.force_login(people["drafter"])
    page = client.post("/reminders/preferences/", {}).content.decode()
    assert "There is a problem" in page
    assert "Select how you want your reminders" in page
    assert page.count("<title>Error: ") == 1


def _feed(client, token):
    response = client.get(f"/reminders/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _events(calendar):
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _create_feed(client, user) -> str:
    client.force_login(user)
    response = client.post("/reminders/calendar/", {"action": "create"})
    assert response.status_code == 302
    page = client.get("/reminders/calendar/").content.decode()
    prefix = "http://testserver/reminders/calendar/"
    start = page.index(prefix) + len(prefix)
    token = page[start : page.index(".ics", start)]
    # Shown once only.
    assert prefix not in client.get("/reminders/calendar/").content.decode()
    return token


def test_the_calendar_feed_parses_and_has_the_deadlines(client, invited, people, norfolk):
    # A second report whose due date is a Sunday (1 March 2020): publish by Friday 28 February.
    weekend = make_response(
        report=ReportFactory(
            title="Norfolk PEEL", published_on=date(2020, 1, 6), forces=[norfolk.force]
        ),
        body=norfolk,
        acting_user=people["drafter"],
    )
    token = _create_feed(client, people["drafter"])
    events = _events(_feed(client, token))
    pk = invited.pk
    assert set(events) == {
        f"response-{pk}-due@127.0.0.1",
        f"response-{pk}-force-reply-by@127.0.0.1",
        f"response-{weekend.pk}-due@127.0.0.1",
        f"response-{weekend.pk}-publish-by@127.0.0.1",
    }
    due = events[f"response-{pk}-due@127.0.0.1"]
    assert due.decoded("DTSTART") == DUE
    assert due.decoded("DTEND") == DUE + timedelta(days=1)
    assert str(due["SUMMARY"]) == "Section 55 response due: Norfolk CDI 2019"
    assert f"/responses/{pk}/" in str(due["URL"])
    assert events[f"response-{pk}-force-reply-by@127.0.0.1"].decoded("DTSTART") == REPLY_BY
    assert events[f"response-{weekend.pk}-due@127.0.0.1"].decoded("DTSTART") == date(2020, 3, 1)
    publish_by = events[f"response-{weekend.pk}-publish-by@127.0.0.1"]
    assert publish_by.decoded("DTSTART") == date(2020, 2, 28)
    assert str(publish_by["SUMMARY"]) == "Publish by: Norfolk PEEL"


def test_the_feed_moves_an_event_when_its_date_changes(client, invited, people, report):
    token = _create_feed(client, people["drafter"])
    uid = f"response-{invited.pk}-due@127.0.0.1"
    before = _events(_feed(client, token))[uid]
    report_correct(
        report=report,
        published_on=date(2020, 1, 9),
        reason="HMICFRS published it two days later than recorded.",
        acting_user=people["drafter"],
    )
    after = _events(_feed(client, token))[uid]
    assert before.decoded("DTSTART") == DUE
    assert after.decoded("DTSTART") == date(2020, 3, 4)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_a_revoked_or_unknown_feed_address_gives_404(client, invited, people):
    token = _create_feed(client, people["drafter"])
    _feed(client, token)
    client.post("/reminders/calendar/", {"action": "revoke"})
    assert client.get(f"/reminders/calendar/{token}.ics").status_code == 404
    assert client.get("/reminders/calendar/not-a-real-token.ics").status_code == 404
    assert not CalendarToken.objects.active().exists()


def test_a_replaced_feed_address_gives_404(client, invited, people):
    first = _create_feed(client, people["drafter"])
    second = _create_feed(client, people["drafter"])
    assert client.get(f"/reminders/calendar/{first}.ics").status_code == 404
    _feed(client, second)


def test_a_feed_shows_only_what_its_owner_can_see(client, invited, people):
    suffolk = policing_body("suffolk-pcc")
    sam = office_user(suffolk, Membership.Role.OPCC_DRAFTER, username="sam")
    ReportFactory(title="Suffolk PEEL", forces=[suffolk.force])
    make_response(
        report=ReportFactory(title="Suffolk PEEL", forces=[suffolk.force]),
        body=suffolk,
        acting_user=sam,
    )
    norfolk_events = _feed(client, _create_feed(client, people["drafter"])).walk("VEVENT")
    assert all("Suffolk" not in str(e["SUMMARY"]) for e in norfolk_events)
    # The force contributor sees the response once the force is invited (s55(4)).
    force_events = _feed(client, _create_feed(client, people["force"])).walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in force_events} >= {
        "Chief Constable's comments due: Norfolk CDI 2019"
    }


def test_a_deactivated_persons_feed_gives_404(client, invited, people):
    token = _create_feed(client, people["drafter"])
    people["drafter"].is_active = False
    people["drafter"].save()
    assert client.get(f"/reminders/calendar/{token}.ics").status_code == 404

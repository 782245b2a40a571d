"""The words of reminder emails: specific, plain, and only what the reader may see."""

from datetime import date, timedelta

import pytest

from accounts.models import Membership
from core.dates import long_date
from reminders import emails
from reminders.models import Reminder, ReminderRule

from .conftest import DUE

pytestmark = pytest.mark.django_db


def _reminder(response, code, user, role):
    rule = ReminderRule.objects.get(code=code)
    return Reminder(response=response, rule=rule, recipient=user, role=role, occurrence="x")


@pytest.mark.parametrize(
    ("today", "subject", "sentence"),
    [
        (
            DUE - timedelta(days=28),
            "response due in 28 days",
            "due Monday 2 March 2020, 28 days from today.",
        ),
        (DUE - timedelta(days=1), "response due tomorrow", "due Monday 2 March 2020, tomorrow."),
        (DUE, "response due today", "due Monday 2 March 2020, today."),
        (
            DUE + timedelta(days=1),
            "response overdue by 1 day",
            "overdue: it was due Monday 2 March 2020, yesterday.",
        ),
        (
            DUE + timedelta(days=3),
            "response overdue by 3 days",
            "overdue: it was due Monday 2 March 2020, 3 days ago.",
        ),
    ],
)
def test_deadline_reminders_say_the_date_and_how_far_away_it_is(
    invited, people, today, subject, sentence
):
    reminder = _reminder(invited, "statutory-deadline", people["drafter"], "opcc_drafter")
    assert emails.reminder_subject(reminder, today=today) == f"Norfolk CDI 2019: {subject}"
    item = emails.reminder_item(reminder, today=today)
    assert sentence in item.text
    assert item.needed == [
        "the police and crime commissioner's comments",
        "explanations for 3 of 3 recommendations",
    ]


def test_the_admin_is_told_why_they_get_the_escalation(invited, people):
    reminder = _reminder(invited, "statutory-escalation", people["admin"], "opcc_admin")
    item = emails.reminder_item(reminder, today=DUE + timedelta(days=2))
    assert "You are told because you are the office's admin." in item.text


def test_force_reminders_count_working_days_and_show_none_of_the_offices_drafts(invited, people):
    reminder = _reminder(invited, "force-reply", people["force"], Membership.Role.FORCE_CONTRIBUTOR)
    before = emails.reminder_item(reminder, today=date(2020, 1, 28))
    assert before.text == (
        "Office of the Police and Crime Commissioner for Norfolk asked for the Chief "
        "Constable's comments by Tuesday 4 February 2020, 5 working days from today."
    )
    assert before.needed == []  # the office's unfinished text is not the force's business
    late = emails.reminder_item(reminder, today=date(2020, 2, 6))
    assert "Tuesday 4 February 2020, 2 days ago, and has not received them." in late.text
    assert "The office must publish its response by Monday 2 March 2020." in late.text


def test_the_copies_reminder_names_the_copies_not_recorded(invited, people, report):
    from responses.models import Response, ResponseVersion

    Response.objects.filter(pk=invited.pk).update(
        status="published", published_on=date(2020, 2, 21)
    )
    ResponseVersion.objects.create(
        response=invited,
        number=1,
        published_on=date(2020, 2, 21),
        copy_hmicfrs_on=date(2020, 2, 21),
    )
    invited.refresh_from_db()
    reminder = _reminder(invited, "statutory-copies", people["drafter"], "opcc_drafter")
    item = emails.reminder_item(reminder, today=date(2020, 2, 24))
    assert item.text.startswith(
        "the response was published on Friday 21 February 2020, but the copies of it to the "
        "Home Secretary are not recorded."
    )
    assert "s55(6)" in item.text


def test_dates_and_distances_in_words():
    assert long_date(date(2020, 3, 2), weekday=True) == "Monday 2 March 2020"
    assert emails.relative_days(7) == "7 days from today"
    assert emails.relative_days(1, working=True) == "1 working day from today"
    assert emails.relative_days(-2) == "2 days ago"

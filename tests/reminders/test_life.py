"""The policy over the 60-day life of a response, with a fixed clock: for each day, exactly which
reminders go out to whom, through the real sweep and sends (the broker stands aside).

Norfolk CDI 2019 is published Tue 7 Jan 2020 (day 1) and due Mon 2 Mar 2020 (day 56); the force
is invited on 8 Jan to reply by Tue 4 Feb. Day 60 is Fri 6 Mar. Each day the 07:00 sweep runs
first, then what people do that day. Dana drafts, Alex approves (and chose one email per
reminder), Ash is the office's admin and Frankie the force's contributor.
"""

from datetime import date, timedelta

import pytest

from reminders.models import Digest, Reminder, SendStatus
from responses.models import Explanation
from responses.services import (
    explanation_save,
    response_approve,
    response_publish,
    response_record_copies,
    response_record_force_comments,
    response_submit_for_approval,
    response_update_text,
)

from .conftest import PUBLISHED, at_seven

pytestmark = pytest.mark.django_db

DAYS = [PUBLISHED + timedelta(days=n) for n in range(60)]
D = date


def _deadline(*offsets):
    return [("statutory-deadline", f"2020-03-02:{o:+d}d") for o in offsets]


def _force(offset):
    return [("force-reply", f"2020-02-04:{offset:+d}wd")]


def _overdue(day_number):
    """Day n overdue: drafter and approver get the deadline reminder, the admin the escalation."""
    return {
        "dana": _deadline(day_number),
        "alex": _deadline(day_number),
        "ash": [("statutory-escalation", f"2020-03-02:{day_number:+d}d")],
    }


#: The force replies late (Thu 13 Feb); the office never publishes: overdue from 3 Mar.
LATE = {
    D(2020, 1, 28): {"frankie": _force(-5)},
    D(2020, 2, 3): {"dana": _deadline(-28), "frankie": _force(-1)},
    D(2020, 2, 4): {"frankie": _force(0)},
    D(2020, 2, 6): {"frankie": _force(2)},
    D(2020, 2, 10): {"frankie": _force(4)},
    D(2020, 2, 12): {"frankie": _force(6)},
    D(2020, 2, 17): {"dana": _deadline(-14)},
    D(2020, 2, 24): {"dana": _deadline(-7), "alex": _deadline(-7)},
    D(2020, 2, 28): {"dana": _deadline(-3), "alex": _deadline(-3)},
    D(2020, 3, 1): {"dana": _deadline(-1), "alex": _deadline(-1)},
    D(2020, 3, 2): {"dana": _deadline(0), "alex": _deadline(0)},
    D(2020, 3, 3): _overdue(1),
    D(2020, 3, 4): _overdue(2),
    D(2020, 3, 5): _overdue(3),
    D(2020, 3, 6): _overdue(4),
}

#: The force replies on time (Fri 31 Jan); the office publishes early (Fri 21 Feb) and records
#: the copies to HMICFRS and the Home Secretary on Tue 25 Feb, after one reminder about them.
EARLY = {
    D(2020, 1, 28): {"frankie": _force(-5)},
    D(2020, 2, 3): {"dana": _deadline(-28)},
    D(2020, 2, 17): {"dana": _deadline(-14)},
    D(2020, 2, 24): {
        "dana": [("statutory-copies", "2020-02-21:+3d")],
        "ash": [("statutory-copies", "2020-02-21:+3d")],
    },
}

#: As LATE, but the scheduler is down Sat 8 - Mon 10 Feb and Sat 29 Feb - Mon 2 Mar. The first
#: catch-up sends Monday's force reminder once, on Tuesday; the second skips the reminders of
#: 1 and 2 March, which are stale by 3 March, and sends only the current (overdue) one.
OUTAGES = (
    D(2020, 2, 8),
    D(2020, 2, 9),
    D(2020, 2, 10),
    D(2020, 2, 29),
    D(2020, 3, 1),
    D(2020, 3, 2),
)
CAUGHT_UP = {day: who for day, who in LATE.items() if day not in OUTAGES}
CAUGHT_UP[D(2020, 2, 11)] = {"frankie": _force(4)}


def live(run_day, mailoutbox, *, actions=None, outages=()):
    """Run the 60 days; return {day: {username: [(rule, occurrence), ...]}} of what was sent,
    and {day: [(to, subject), ...]} of the emails."""
    actions = actions or {}
    sent, emails = {}, {}
    for day in DAYS:
        mailoutbox.clear()
        if day not in outages:
            run_day(day)
        rows = Reminder.objects.filter(status=SendStatus.SENT, sent_at=at_seven(day))
        by_person = {}
        for username, code, occurrence in rows.values_list(
            "recipient__username", "rule__code", "occurrence"
        ):
            by_person.setdefault(username, []).append((code, occurrence))
        if by_person:
            sent[day] = {k: sorted(v) for k, v in by_person.items()}
        if mailoutbox:
            emails[day] = sorted((m.to[0], m.subject) for m in mailoutbox)
        if day in actions:
            actions[day]()
    return sent, emails


def _force_replies(response, people, day):
    def act():
        response_record_force_comments(
            response=response,
            acting_user=people["force"],
            text="The Constabulary accepts the recommendations.",
            received_on=day,
        )

    return act


def _explain_one(response, people):
    def act():
        finding = response.report.findings.recommendations().first()
        explanation_save(
            response=response,
            finding=finding,
            acting_user=people["drafter"],
            kind=Explanation.Kind.ACTION_PROPOSED,
            text="The commissioner will monitor the force's plan.",
        )

    return act


def test_late_force_and_overdue_response(run_day, mailoutbox, invited, people):
    sent, emails = live(
        run_day,
        mailoutbox,
        actions={
            D(2020, 2, 13): _force_replies(invited, people, D(2020, 2, 13)),
            D(2020, 2, 20): _explain_one(invited, people),
        },
    )
    assert sent == LATE
    # One digest a day for those who chose it; one email per reminder for Alex.
    for day, who in LATE.items():
        expected = sorted(
            f"{username}@example.org" for username, items in who.items() for _ in items
        )
        assert sorted(to for to, _ in emails[day]) == expected, day
    assert set(emails) == set(LATE)


def test_the_seven_day_reminder_says_exactly_what_is_due_and_what_is_missing(
    run_day, mailoutbox, invited, people
):
    _force_replies(invited, people, D(2020, 2, 13))()
    _explain_one(invited, people)()
    run_day(D(2020, 2, 24))
    by_person = {m.to[0]: m for m in mailoutbox}
    sentence = (
        "Norfolk CDI 2019: the response is due Monday 2 March 2020, 7 days from today. "
        "Still needed: the police and crime commissioner's comments; explanations for 2 of 3 "
        "recommendations."
    )
    link = f"http://127.0.0.1:8000/responses/{invited.pk}/"
    individual = by_person["alex@example.org"]
    assert individual.subject == "Norfolk CDI 2019: response due in 7 days"
    assert sentence in individual.body
    assert link in individual.body
    html = individual.alternatives[0].content
    assert "The response is due Monday 2 March 2020, 7 days from today." in html
    assert f'href="{link}"' in html
    digest = by_person["dana@example.org"]
    assert digest.subject == "Section 55 reminders for Monday 24 February 2020: 1 item, 1 urgent"
    assert sentence in digest.body


def test_published_early_and_copies_recorded(run_day, mailoutbox, invited, people, report):
    response = invited

    def publish():
        r = response_update_text(
            response=response,
            acting_user=people["drafter"],
            office_comments="The commissioner welcomes the report.",
        )
        for finding in report.findings.recommendations():
            explanation_save(
                response=r,
                finding=finding,
                acting_user=people["drafter"],
                kind=Explanation.Kind.ACTION_PROPOSED,
                text="Monitored at the accountability board.",
            )
        r = response_submit_for_approval(response=r, acting_user=people["drafter"])
        r = response_approve(response=r, acting_user=people["approver"])
        response_publish(response=r, published_on=D(2020, 2, 21), acting_user=people["approver"])

    def record_copies():
        response_record_copies(
            response=response,
            acting_user=people["drafter"],
            hmicfrs=D(2020, 2, 25),
            home_secretary=D(2020, 2, 25),
        )

    sent, emails = live(
        run_day,
        mailoutbox,
        actions={
            D(2020, 1, 31): _force_replies(response, people, D(2020, 1, 31)),
            D(2020, 2, 21): publish,
            D(2020, 2, 25): record_copies,
        },
    )
    assert sent == EARLY
    assert set(emails) == set(EARLY)


def test_scheduler_outages_catch_up_without_flooding(run_day, mailoutbox, invited, people):
    sent, emails = live(
        run_day,
        mailoutbox,
        actions={D(2020, 2, 13): _force_replies(invited, people, D(2020, 2, 13))},
        outages=OUTAGES,
    )
    assert sent == CAUGHT_UP
    # The reminders of the missed days were never even created: nothing stale can go later.
    missed = Reminder.objects.filter(occurrence__in=["2020-03-02:-1d", "2020-03-02:+0d"])
    assert not missed.exists()
    # Nobody got more than one digest on any day.
    assert all(count == 1 for count in _digests_per_person_and_day().values())


def test_a_second_sweep_on_the_same_day_sends_nothing_more(run_day, mailoutbox, invited):
    run_day(D(2020, 2, 24))
    first = len(mailoutbox)
    # Dana's digest and Alex's email about the deadline; Frankie's digest (the force is late).
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alex@example.org",
        "dana@example.org",
        "frankie@example.org",
    ]
    run_day(D(2020, 2, 24))
    run_day(D(2020, 2, 24))
    assert len(mailoutbox) == first
    assert Reminder.objects.count() == 3


def _digests_per_person_and_day():
    counts = {}
    for recipient_id, day in Digest.objects.filter(status=SendStatus.SENT).values_list(
        "recipient_id", "day"
    ):
        counts[(recipient_id, day)] = counts.get((recipient_id, day), 0) + 1
    return counts

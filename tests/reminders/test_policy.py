"""The pure reminder policy: which occurrence of a rule is due on a day, for a response's state."""

import random
from datetime import date, timedelta

import pytest

from reminders import policy
from reminders.policy import ResponseState, Rule
from responses import deadlines
from responses.models import Status

DUE = date(2020, 3, 2)  # Norfolk CDI 2019: published Tue 7 Jan 2020, due Mon 2 Mar 2020
REPLY_BY = date(2020, 2, 4)

DEADLINE = Rule(
    code="deadline",
    subject=policy.SUBJECT_DEADLINE,
    offsets=(-28, -14, -7, -3, -1, 0),
    repeat_every=1,
    roles=frozenset({"opcc_drafter"}),
    extra_roles=frozenset({"opcc_approver"}),
    extra_roles_from=-7,
    statutory=True,
)
FORCE = Rule(
    code="force",
    subject=policy.SUBJECT_FORCE_REPLY,
    offsets=(-5, -1, 0),
    working_days=True,
    repeat_every=2,
    roles=frozenset({"force_contributor"}),
)
COPIES = Rule(
    code="copies",
    subject=policy.SUBJECT_COPIES,
    offsets=(3,),
    roles=frozenset({"opcc_drafter"}),
    stale_after_days=14,
    statutory=True,
)

DRAFTING = ResponseState(status="drafting", due_date=DUE)
AWAITING_FORCE = ResponseState(
    status="awaiting_force",
    due_date=DUE,
    force_invited_on=date(2020, 1, 8),
    force_reply_by=REPLY_BY,
)


def test_the_statuses_the_policy_names_are_the_response_statuses():
    assert {
        Status.NOT_STARTED,
        Status.AWAITING_FORCE,
        Status.DRAFTING,
        Status.AWAITING_APPROVAL,
        Status.APPROVED,
    } == policy.OPEN_STATUSES
    assert {policy.PUBLISHED, policy.NOT_REQUIRED} <= set(Status.values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("-28, -14, -7, -3, -1, 0", (-28, -14, -7, -3, -1, 0)), ("0,3", (0, 3)), (" 3 ; -1", (-1, 3))],
)
def test_offsets_are_read_from_text_and_sorted(text, expected):
    assert policy.parse_offsets(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "-7, x", "400"])
def test_offsets_that_are_not_whole_days_are_refused_with_a_reason(text):
    with pytest.raises(ValueError, match=r"\w"):
        policy.parse_offsets(text)


def test_nothing_is_due_before_the_first_offset():
    assert policy.due_now(DEADLINE, DRAFTING, DUE - timedelta(days=29)) is None


@pytest.mark.parametrize(
    ("today", "offset"),
    [
        (date(2020, 2, 3), -28),
        (date(2020, 2, 10), -28),  # between offsets the latest one stays current
        (date(2020, 2, 17), -14),
        (date(2020, 2, 24), -7),
        (date(2020, 2, 27), -7),
        (date(2020, 2, 28), -3),  # 2020 is a leap year: 29 February comes between
        (date(2020, 3, 1), -1),
        (DUE, 0),
        (date(2020, 3, 3), 1),
        (date(2020, 3, 9), 7),
    ],
)
def test_the_due_occurrence_is_the_latest_whose_day_has_come(today, offset):
    due = policy.due_now(DEADLINE, DRAFTING, today)
    assert due.offset == offset
    assert due.occurrence == f"2020-03-02:{offset:+d}d"
    assert due.due_on == DUE + timedelta(days=offset)


def test_approvers_join_from_seven_days_before_and_stay_while_overdue():
    assert policy.due_now(DEADLINE, DRAFTING, date(2020, 2, 17)).roles == {"opcc_drafter"}
    assert policy.due_now(DEADLINE, DRAFTING, date(2020, 2, 24)).roles == {
        "opcc_drafter",
        "opcc_approver",
    }
    assert policy.due_now(DEADLINE, DRAFTING, date(2020, 3, 20)).roles == {
        "opcc_drafter",
        "opcc_approver",
    }


def test_a_missed_run_gives_one_current_reminder_not_the_backlog():
    # The scheduler was off from 23 Feb to 2 Mar: -7, -3, -1 and 0 were all missed. On 3 Mar
    # only the first overdue reminder is due; the missed ones are never produced.
    assert [d.offset for d in policy.reminders_due([DEADLINE], DRAFTING, date(2020, 3, 3))] == [1]


@pytest.mark.parametrize(
    "state",
    [
        ResponseState(status="published", due_date=DUE, published_on=date(2020, 2, 20)),
        ResponseState(status="not_required", due_date=DUE),
        # An amendment reopens a published response; its deadline was met on publication.
        ResponseState(status="drafting", due_date=DUE, published_on=date(2020, 2, 20)),
        # A report from before 2 May 2017 has no statutory deadline.
        ResponseState(status="drafting", due_date=None),
    ],
)
def test_no_deadline_reminder_once_the_deadline_no_longer_applies(state):
    assert policy.due_now(DEADLINE, state, date(2020, 3, 5)) is None


def test_force_reminders_count_working_days():
    # 5 working days before Tue 4 Feb 2020 is Tue 28 Jan (the weekend does not count).
    assert policy.due_now(FORCE, AWAITING_FORCE, date(2020, 1, 27)) is None
    assert policy.due_now(FORCE, AWAITING_FORCE, date(2020, 1, 28)).offset == -5
    assert policy.due_now(FORCE, AWAITING_FORCE, date(2020, 2, 3)).offset == -1
    assert policy.due_now(FORCE, AWAITING_FORCE, REPLY_BY).offset == 0


def test_force_reminders_repeat_every_two_working_days_while_overdue():
    days = {}
    for n in range(15):
        day = REPLY_BY + timedelta(days=n)
        days[day] = policy.due_now(FORCE, AWAITING_FORCE, day).occurrence
    # Thu 6, Mon 10, Wed 12, Fri 14, Tue 18 Feb: every second working day.
    new_on = [d for d in days if d == REPLY_BY or days[d] != days[d - timedelta(days=1)]]
    assert new_on == [
        REPLY_BY,
        date(2020, 2, 6),
        date(2020, 2, 10),
        date(2020, 2, 12),
        date(2020, 2, 14),
        date(2020, 2, 18),
    ]
    assert days[date(2020, 2, 8)] == "2020-02-04:+2wd"  # Saturday: Thursday's is still current


@pytest.mark.parametrize(
    "state",
    [
        ResponseState(
            status="drafting",
            due_date=DUE,
            force_invited_on=date(2020, 1, 8),
            force_reply_by=REPLY_BY,
            force_replied=True,
        ),
        ResponseState(status="awaiting_approval", due_date=DUE, force_reply_by=REPLY_BY),
        ResponseState(status="not_started", due_date=DUE, force_reply_by=REPLY_BY),
    ],
)
def test_no_force_reminder_once_the_force_replied_or_the_office_moved_on(state):
    assert policy.due_now(FORCE, state, date(2020, 2, 10)) is None


def test_the_copies_reminder_comes_three_days_after_publication_and_goes_stale():
    published = ResponseState(
        status="published",
        due_date=DUE,
        published_on=date(2020, 2, 21),
        latest_version_on=date(2020, 2, 21),
    )
    assert policy.due_now(COPIES, published, date(2020, 2, 23)) is None
    assert policy.due_now(COPIES, published, date(2020, 2, 24)).occurrence == "2020-02-21:+3d"
    assert policy.due_now(COPIES, published, date(2020, 3, 9)) is not None
    assert policy.due_now(COPIES, published, date(2020, 3, 10)) is None  # 15 days late: stale
    recorded = ResponseState(
        status="published",
        due_date=DUE,
        published_on=date(2020, 2, 21),
        latest_version_on=date(2020, 2, 21),
        copies_recorded=True,
    )
    assert policy.due_now(COPIES, recorded, date(2020, 2, 24)) is None
    imported = ResponseState(
        status="published",
        due_date=DUE,
        published_on=date(2020, 2, 21),
        latest_version_on=date(2020, 2, 21),
        imported=True,
    )
    assert policy.due_now(COPIES, imported, date(2020, 2, 24)) is None


def test_the_copies_reminder_follows_an_amendments_new_version():
    # s55(6): the copies are of what was published, so version 2 is owed its own copies,
    # counted from its own date, whatever was recorded for version 1.
    amended = ResponseState(
        status="published",
        due_date=DUE,
        published_on=date(2020, 2, 21),
        latest_version_on=date(2020, 4, 1),
    )
    assert policy.due_now(COPIES, amended, date(2020, 2, 24)) is None
    assert policy.due_now(COPIES, amended, date(2020, 4, 4)).occurrence == "2020-04-01:+3d"


def test_a_moved_due_date_gives_new_occurrence_keys():
    moved = ResponseState(status="drafting", due_date=DUE + timedelta(days=2))
    assert policy.due_now(DEADLINE, moved, date(2020, 2, 26)).occurrence == "2020-03-04:-7d"


def test_fast_working_day_arithmetic_agrees_with_the_deadlines_module():
    rng = random.Random(55)  # noqa: S311 - reproducible test data, not secrets
    for _ in range(2000):
        start = date(2017, 1, 1) + timedelta(days=rng.randint(0, 4000))
        n = rng.randint(-30, 30)
        assert policy.shift(start, n, working_days=True) == deadlines.add_working_days(start, n)
        end = start + timedelta(days=rng.randint(0, 120))
        assert policy.working_days_after(start, end) == deadlines.working_days_between(start, end)


@pytest.mark.parametrize(
    ("subject", "key", "words"),
    [
        (policy.SUBJECT_DEADLINE, "2020-03-02:-7d", "Due date 2 March 2020: 7 days before"),
        (policy.SUBJECT_DEADLINE, "2020-03-02:+0d", "Due date 2 March 2020: on the day"),
        (policy.SUBJECT_DEADLINE, "2020-03-02:+1d", "Due date 2 March 2020: 1 day overdue"),
        (
            policy.SUBJECT_FORCE_REPLY,
            "2020-02-04:-5wd",
            "Force's reply-by date 4 February 2020: 5 working days before",
        ),
        (
            policy.SUBJECT_COPIES,
            "2020-02-21:+3d",
            "Copies to HMICFRS and the Home Secretary, published 21 February 2020: "
            "3 days after publication",
        ),
    ],
)
def test_occurrences_are_described_in_words(subject, key, words):
    assert policy.describe_occurrence(subject, key) == words

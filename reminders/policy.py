"""Which reminders are due for one Section 55 response on one day. Pure: no ORM, no clock.

The policy is data (`reminders.models.ReminderRule`, converted to `Rule` here); this module
only reads it. A rule is about one *subject*, and each subject has a condition fixed in law or
practice that says whether it still matters:

- the statutory due date (Police Act 1996 s55(5A): publish before the end of 56 days): while
  the response is open and has never been published. An amendment of a published response
  is not late: the duty was met on first publication.
- the force's reply-by date (s55(4): the body invites the chief officer's comments "before
  such date as the [body] specifies"): while the force has been invited, has not replied, and
  the office can still record its comments (awaiting the force, or drafting).
- the copies to HMICFRS and the Home Secretary (s55(6)): from the day the version in force (the
  latest published version) was published until both copies *of that version* are recorded.
  The copies are of what was published, so an amendment's new version is owed its own copies
  and its reminders run from its own date; while the latest version is withdrawn none is in
  force and no copies are owed (a withdrawn version is never sent) until a corrected version is
  published. Responses imported from before the product are left alone.

A rule's *offsets* are days relative to the subject's date (-7: seven days before; 0: on the
day; 3: three days after), in calendar or working days (England and Wales, from
`responses.deadlines`), optionally repeating every N days after the last one. Every offset,
and every repeat, is an *occurrence* with a stable key.

State-based, not "date == today": on any day, the reminder due for a rule is the **latest**
occurrence whose date has come, provided the subject still matters. So a run of the scheduler
that was missed is caught up by the next one, which creates one reminder (the current one),
never a backlog of the ones it missed; and nothing is sent about a state the response has left.
A rule may also say that an occurrence goes stale after some days (`stale_after_days`).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.utils.translation import gettext, gettext_lazy, ngettext

from core.dates import long_date
from responses import deadlines

SUBJECT_DEADLINE = "statutory_deadline"
SUBJECT_FORCE_REPLY = "force_reply"
SUBJECT_COPIES = "statutory_copies"
SUBJECTS = (SUBJECT_DEADLINE, SUBJECT_FORCE_REPLY, SUBJECT_COPIES)

# Response statuses (the values of responses.models.Status; a test keeps them in step).
NOT_STARTED = "not_started"
AWAITING_FORCE = "awaiting_force"
DRAFTING = "drafting"
AWAITING_APPROVAL = "awaiting_approval"
APPROVED = "approved"
PUBLISHED = "published"
NOT_REQUIRED = "not_required"
OPEN_STATUSES = frozenset({NOT_STARTED, AWAITING_FORCE, DRAFTING, AWAITING_APPROVAL, APPROVED})
#: While the office can still record the force's comments (responses.workflow).
FORCE_REPLY_STATUSES = frozenset({AWAITING_FORCE, DRAFTING})


@dataclass(frozen=True)
class Rule:
    code: str
    subject: str
    offsets: tuple[int, ...]
    working_days: bool = False
    repeat_every: int | None = None
    roles: frozenset[str] = frozenset()
    extra_roles: frozenset[str] = frozenset()
    extra_roles_from: int | None = None
    stale_after_days: int | None = None
    statutory: bool = False

    def roles_at(self, offset: int) -> frozenset[str]:
        if (
            self.extra_roles
            and self.extra_roles_from is not None
            and offset >= self.extra_roles_from
        ):
            return self.roles | self.extra_roles
        return self.roles


@dataclass(frozen=True)
class ResponseState:
    """What the policy needs to know about a response."""

    status: str
    due_date: date | None = None
    force_invited_on: date | None = None
    force_reply_by: date | None = None
    force_replied: bool = False
    published_on: date | None = None
    #: The date of the version in force: the latest published version (an amendment's, once
    #: republished); None while that one is withdrawn (`ResponseVersion.objects.in_force()`).
    latest_version_on: date | None = None
    #: Both s55(6) copies of the version in force are recorded.
    copies_recorded: bool = False
    imported: bool = False


@dataclass(frozen=True)
class Due:
    """A reminder due now: `rule` (its code), the occurrence key, the day it became due, the
    offset from the subject's date, the subject's date, and the roles to remind."""

    rule: str
    occurrence: str
    due_on: date
    offset: int
    anchor: date
    roles: frozenset[str]


def parse_offsets(text: str) -> tuple[int, ...]:
    """'-28, -14, 0' -> (-28, -14, 0), sorted; ValueError with a message a person can act on."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise ValueError(gettext("Give at least one offset, e.g. -7 for seven days before."))
    try:
        values = sorted({int(p) for p in parts})
    except ValueError as error:
        raise ValueError(
            gettext("Offsets are whole numbers of days separated by commas, e.g. -28, -14, -7, 0.")
        ) from error
    if any(abs(v) > 366 for v in values):
        raise ValueError(
            gettext("Offsets must be within a year of the date (between -366 and 366).")
        )
    return tuple(values)


def anchor_date(subject: str, state: ResponseState) -> date | None:
    """The date a subject is about, or None when the subject no longer (or not yet) matters."""
    if subject == SUBJECT_DEADLINE:
        if state.published_on is None and state.status in OPEN_STATUSES:
            return state.due_date
        return None
    if subject == SUBJECT_FORCE_REPLY:
        if (
            state.published_on is None
            and state.status in FORCE_REPLY_STATUSES
            and state.force_invited_on is not None
            and not state.force_replied
        ):
            return state.force_reply_by
        return None
    if subject == SUBJECT_COPIES:
        if state.latest_version_on is not None and not state.copies_recorded and not state.imported:
            return state.latest_version_on
        return None
    raise ValueError(f"Unknown subject: {subject}")


@lru_cache(maxsize=8192)
def occurrence_key(rule: Rule, anchor: date, offset: int) -> str:
    """Stable key of one occurrence: the subject's date and the offset, e.g. '2020-03-02:-7d'
    ('wd' for working days). A moved date gives new keys, so people hear about the new date."""
    return f"{anchor.isoformat()}:{offset:+d}{'wd' if rule.working_days else 'd'}"


_SUBJECT_WORDS = {
    SUBJECT_DEADLINE: (gettext_lazy("Due date"), gettext_lazy("overdue")),
    SUBJECT_FORCE_REPLY: (gettext_lazy("Force's reply-by date"), gettext_lazy("overdue")),
    SUBJECT_COPIES: (
        gettext_lazy("Copies to HMICFRS and the Home Secretary, published"),
        gettext_lazy("after publication"),
    ),
}


def describe_occurrence(subject: str, key: str) -> str:
    """An occurrence key in words: '2020-03-02:-7d' -> 'Due date 2 March 2020: 7 days before'."""
    try:
        anchor_text, _, rest = key.partition(":")
        anchor = date.fromisoformat(anchor_text)
        working = rest.endswith("wd")
        offset = int(rest.removesuffix("wd").removesuffix("d"))
    except ValueError:
        return key
    label, after = _SUBJECT_WORDS.get(subject, (gettext("Date"), gettext("after")))
    n = abs(offset)
    if working:
        count = ngettext("%(n)s working day", "%(n)s working days", n) % {"n": n}
    else:
        count = ngettext("%(n)s day", "%(n)s days", n) % {"n": n}
    if offset == 0:
        when = gettext("on the day")
    elif offset < 0:
        when = gettext("%(count)s before") % {"count": count}
    else:
        when = gettext("%(count)s %(after)s") % {"count": count, "after": after}
    return gettext("%(label)s %(date)s: %(when)s") % {
        "label": label,
        "date": long_date(anchor),
        "when": when,
    }


def due_now(rule: Rule, state: ResponseState, today: date) -> Due | None:
    """The occurrence of `rule` due for this response on `today`, if any (the latest one whose
    date has come, unless stale)."""
    anchor = anchor_date(rule.subject, state)
    if anchor is None or not rule.offsets:
        return None
    found = _latest_offset(rule, anchor, today)
    if found is None:
        return None
    offset, on = found
    if rule.stale_after_days is not None and (today - on).days > rule.stale_after_days:
        return None
    return Due(
        rule=rule.code,
        occurrence=occurrence_key(rule, anchor, offset),
        due_on=on,
        offset=offset,
        anchor=anchor,
        roles=rule.roles_at(offset),
    )


def reminders_due(rules, state: ResponseState, today: date) -> list[Due]:
    """Every reminder due for this response on `today`, one at most per rule."""
    return [due for rule in rules if (due := due_now(rule, state, today)) is not None]


def shift(day: date, offset: int, *, working_days: bool) -> date:
    """`day` moved by `offset` calendar or working days (0 leaves it, even on a weekend)."""
    if not working_days:
        return day + timedelta(days=offset)
    return _add_working_days(day, offset)


@lru_cache(maxsize=8192)
def _latest_offset(rule: Rule, anchor: date, today: date) -> tuple[int, date] | None:
    # Cached: a sweep asks the same question for every response with the same date.
    latest = None
    for offset in rule.offsets:
        on = shift(anchor, offset, working_days=rule.working_days)
        if on > today:
            break
        latest = (offset, on)
    if latest is None or not rule.repeat_every or latest[0] != rule.offsets[-1]:
        return latest
    last = rule.offsets[-1]
    if last < 0:
        # Repeats run from an offset on or after the date (ReminderRule.clean checks this).
        return latest
    # Units after the date up to today: for calendar days the day count; for working days the
    # working days in (anchor, today]. An offset n > 0 has come iff n <= elapsed.
    elapsed = working_days_after(anchor, today) if rule.working_days else (today - anchor).days
    repeats = (elapsed - last) // rule.repeat_every
    if repeats <= 0:
        return latest
    offset = last + repeats * rule.repeat_every
    return offset, shift(anchor, offset, working_days=rule.working_days)


# --- working days, fast ------------------------------------------------------------------
# A sweep evaluates the policy for every open response, so working-day arithmetic must not
# loop day by day over long overdue periods. These use, per year, the sorted list of working
# days from `responses.deadlines.is_working_day` (so the same bank holidays).


@lru_cache(maxsize=256)
def _working_days_in_year(year: int) -> tuple[date, ...]:
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    return tuple(
        d for d in (first + timedelta(days=i) for i in range(days)) if deadlines.is_working_day(d)
    )


_BASE_YEAR = 2000


@lru_cache(maxsize=512)
def _working_days_before_year(year: int) -> int:
    """Working days from 1 January 2000 to the end of the year before `year` (negative for
    years before 2000): a relative count, only ever used in differences."""
    if year == _BASE_YEAR:
        return 0
    if year > _BASE_YEAR:
        return _working_days_before_year(year - 1) + len(_working_days_in_year(year - 1))
    return _working_days_before_year(year + 1) - len(_working_days_in_year(year))


def _working_ordinal(day: date) -> int:
    """Number of working days on or before `day`, counted from an arbitrary start."""
    return _working_days_before_year(day.year) + bisect_right(_working_days_in_year(day.year), day)


def working_days_after(start: date, end: date) -> int:
    """Working days in (start, end], for end >= start (as `deadlines.working_days_between`)."""
    return _working_ordinal(end) - _working_ordinal(start)


def _add_working_days(start: date, days: int) -> date:
    """Same result as `responses.deadlines.add_working_days`, without the day-by-day loop."""
    if days == 0:
        return start
    if days > 0:
        # The n-th working day after `start` is the one whose ordinal is ordinal(start) + n.
        target = _working_ordinal(start) + days
    else:
        # The n-th working day before `start`: ordinal(the day before start) - n + 1.
        target = _working_ordinal(start - timedelta(days=1)) + days + 1
    year = start.year
    while _working_days_before_year(year) >= target:
        year -= 1
    while _working_days_before_year(year) + len(_working_days_in_year(year)) < target:
        year += 1
    return _working_days_in_year(year)[target - _working_days_before_year(year) - 1]

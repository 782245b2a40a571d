"""Date arithmetic for Section 55 responses. Pure: no ORM, no Django, no clock.

The law
-------
Police Act 1996 s55(5A), inserted by Policing and Crime Act 2017 s37, requires the local
policing body to publish its comments on an HMICFRS report "before the end of the period of
56 days beginning with the day on which the report is published". Because the period *begins
with* the day of publication, publication day is day 1 and day 56 is publication + 55 days:
that is the last permissible day (the "due date"). Calendar days: nothing moves for weekends or
bank holidays. Published Tue 7 Jan 2020 -> due Mon 2 Mar 2020 (a naive +56 gives 3 Mar: wrong).

s37 came into force on 2 May 2017 (``S55_COMMENCEMENT``). Reports published before then had
no statutory deadline, so ``statutory_due_date`` returns ``None`` for them. Whether a report
attracts the duty at all (fire and rescue reports never do) is the caller's decision: this
module only does the arithmetic.

Practice, not law
-----------------
Offices do not publish at weekends or on bank holidays, so beside the legal date the product
shows a "publish by" date: the last working day in England and Wales on or before the due date.
The office's own reply-by date for the chief officer's comments (s55(4): "before such date as
the [body] specifies") is a choice. Offices set it in working days, so the default offered is
20 working days (four working weeks) before the publish-by date: never a weekend or a bank
holiday. The office can still choose any date.

Bank holidays come from the maintained ``holidays`` library, subdivision ``ENG`` of
``UnitedKingdom``. England and Wales share one list (Banking and Financial Dealings Act 1971
sch 1 gives their bank holidays together; Good Friday and Christmas Day are common-law
holidays in both). The library builds ``ENG`` and ``WLS`` from the same rules and a test asserts
they stay identical, so ``ENG`` stands for both. Scotland and Northern Ireland differ but have
no s55 duty: the Police Act 1996 covers England and Wales.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = [
    "FORCE_REPLY_LATE_WORKING_DAYS",
    "FORCE_REPLY_LEAD_WORKING_DAYS",
    "HOLIDAY_SUBDIVISION",
    "PERIOD_DAYS",
    "S55_COMMENCEMENT",
    "add_working_days",
    "day_of_period",
    "days_late",
    "days_left",
    "default_force_reply_by",
    "is_bank_holiday",
    "is_late",
    "is_on_time",
    "is_working_day",
    "publish_by_date",
    "statutory_due_date",
    "suggested_force_reply_by",
    "working_days_between",
]

#: Policing and Crime Act 2017 s37 (inserting Police Act 1996 s55(5A) and (5B)) in force.
S55_COMMENCEMENT = date(2017, 5, 2)

#: s55(5A): "the period of 56 days beginning with the day on which the report is published".
PERIOD_DAYS = 56

#: The office's default gap, in working days, between the force's reply-by date and the
#: publish-by date: four working weeks.
FORCE_REPLY_LEAD_WORKING_DAYS = 20

#: Once that default has passed, the force is offered this many working days from today.
FORCE_REPLY_LATE_WORKING_DAYS = 10

#: ``holidays.UnitedKingdom`` subdivision used for England and Wales (see module docstring).
HOLIDAY_SUBDIVISION = "ENG"

_SATURDAY = 5
_HOLIDAY_BLOCK_YEARS = 10


@lru_cache(maxsize=64)
def _bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """Bank holidays (including substitute days) for a range of years, cached.

    A frozenset rather than the library's lazily-expanding dict, so it is immutable and safe to
    share between threads once built.
    """
    calendar = holidays.UnitedKingdom(
        subdiv=HOLIDAY_SUBDIVISION, years=range(first_year, last_year + 1)
    )
    return frozenset(calendar)


def is_bank_holiday(day: date) -> bool:
    """True if ``day`` is a bank holiday (or substitute day) in England and Wales."""
    first_year = day.year - day.year % _HOLIDAY_BLOCK_YEARS
    return day in _bank_holidays(first_year, first_year + _HOLIDAY_BLOCK_YEARS - 1)


def is_working_day(day: date) -> bool:
    """True for Monday to Friday unless an England and Wales bank holiday."""
    return day.weekday() < _SATURDAY and not is_bank_holiday(day)


def statutory_due_date(published_on: date) -> date | None:
    """Last permissible day to publish the response: day 56 of the s55(5A) period.

    ``published_on + 55 days``, because the period begins with (so includes) publication day.
    ``None`` for a report published before s55(5A) came into force on 2 May 2017.
    """
    if published_on < S55_COMMENCEMENT:
        return None
    return published_on + timedelta(days=PERIOD_DAYS - 1)


def publish_by_date(due: date) -> date:
    """The last working day in England and Wales on or before ``due``.

    A practical target shown beside the legal date; it does not change the law (s55(5A) counts
    calendar days, and publishing on a weekend due date is still on time).
    """
    day = due
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (before it when ``days`` is negative).

    ``start`` itself is never counted, so ``add_working_days(friday, 1)`` is the next Monday
    (bank holidays allowing) and ``add_working_days(monday, -1)`` the previous Friday.
    ``days == 0`` returns ``start`` unchanged, even when it is not a working day.
    """
    step = timedelta(days=1 if days >= 0 else -1)
    remaining = abs(days)
    day = start
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days from ``start`` to ``end``, counting ``end`` but not ``start``.

    Negative when ``end`` is before ``start`` (then counting ``end`` but not ``start`` too).
    The inverse of ``add_working_days``: when ``end`` is a working day,
    ``add_working_days(start, working_days_between(start, end)) == end``.
    """
    if end >= start:
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if is_working_day(start + timedelta(days=offset))
        )
    return -sum(
        1 for offset in range((start - end).days) if is_working_day(end + timedelta(days=offset))
    )


def day_of_period(*, published_on: date, today: date) -> int:
    """Which day of the s55(5A) period ``today`` is: 1 on publication day, 56 on the due day.

    Zero or negative before publication; above 56 once the period has ended.
    """
    return (today - published_on).days + 1


def days_left(*, due: date, today: date) -> int:
    """Calendar days from ``today`` to ``due``: 0 on the due day, negative once overdue."""
    return (due - today).days


def is_late(*, due: date | None, on: date | None) -> bool:
    """The one rule for "late": done (or still not done) ``on`` a day after ``due``.

    The due day itself is in time (s55(5A): day 56 is still within the period). It answers for
    a response published, or not yet published, after its due date, and for the force's
    comments received, or not yet received, after the reply-by date. Nothing is late without a
    due date (a report published before 2 May 2017 has none) or without a day to judge."""
    return due is not None and on is not None and on > due


def days_late(*, due: date, published_on: date) -> int:
    """Calendar days a response published on ``published_on`` was late; 0 when on time."""
    return (published_on - due).days if is_late(due=due, on=published_on) else 0


def is_on_time(*, due: date, published_on: date) -> bool:
    """True if published on or before the due day (s55(5A): day 56 is still within the period)."""
    return not is_late(due=due, on=published_on)


def default_force_reply_by(*, due: date) -> date:
    """The office's default reply-by date for the chief officer's comments (s55(4)).

    20 working days before the publish-by date (``publish_by_date(due)``), so always a working
    day in England and Wales. s55(4) leaves the date to the policing body; this is only the
    default offered, which staff may change to any date.
    """
    return add_working_days(publish_by_date(due), -FORCE_REPLY_LEAD_WORKING_DAYS)


def suggested_force_reply_by(*, due: date | None, today: date) -> date:
    """The reply-by date to offer on ``today``: always a working day, never before ``today``.

    The default (``default_force_reply_by``) while it has not passed; after that, ten working
    days from today but no later than the publish-by date; once the publish-by date has passed
    too, the first working day from today. With no statutory due date (a report published
    before 2 May 2017), 20 working days from today.
    """
    if due is None:
        return add_working_days(today, FORCE_REPLY_LEAD_WORKING_DAYS)
    default = default_force_reply_by(due=due)
    if default >= today:
        return default
    publish_by = publish_by_date(due)
    if publish_by >= today:
        return min(add_working_days(today, FORCE_REPLY_LATE_WORKING_DAYS), publish_by)
    return add_working_days(today - timedelta(days=1), 1)

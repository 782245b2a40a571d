from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from responses.deadlines import (
    FORCE_REPLY_LEAD_WORKING_DAYS,
    PERIOD_DAYS,
    S55_COMMENCEMENT,
    add_working_days,
    day_of_period,
    days_late,
    days_left,
    default_force_reply_by,
    is_bank_holiday,
    is_late,
    is_on_time,
    is_working_day,
    publish_by_date,
    statutory_due_date,
    suggested_force_reply_by,
    working_days_between,
)

ONE_DAY = timedelta(days=1)

since_commencement = st.dates(min_value=S55_COMMENCEMENT, max_value=date(2099, 12, 31))
before_commencement = st.dates(min_value=date(1900, 1, 1), max_value=S55_COMMENCEMENT - ONE_DAY)
working_era = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


# The statutory due date: s55(5A), day 56 counting publication day as day 1.


def test_commencement_and_period_are_the_statutory_values():
    assert date(2017, 5, 2) == S55_COMMENCEMENT
    assert PERIOD_DAYS == 56


@given(published_on=since_commencement)
def test_due_date_is_55_days_after_publication(published_on):
    due = statutory_due_date(published_on)

    assert due is not None
    assert (due - published_on).days == 55


@given(published_on=before_commencement)
def test_reports_before_commencement_have_no_statutory_deadline(published_on):
    assert statutory_due_date(published_on) is None


def test_due_date_counts_publication_day_as_day_one():
    # Tue 7 Jan 2020 -> Mon 2 Mar 2020; a naive +56 would give Tue 3 Mar.
    due = statutory_due_date(date(2020, 1, 7))

    assert due == date(2020, 3, 2)
    assert due != date(2020, 3, 3)
    assert due.strftime("%a") == "Mon"


def test_due_date_across_a_leap_day():
    assert statutory_due_date(date(2024, 1, 5)) == date(2024, 2, 29)


def test_commencement_day_itself_has_a_deadline():
    assert statutory_due_date(date(2017, 5, 2)) == date(2017, 6, 26)


def test_day_before_commencement_has_no_deadline():
    assert statutory_due_date(date(2017, 5, 1)) is None


def test_due_date_does_not_move_for_a_weekend():
    # Published Sun 6 Jan 2019 -> due Sat 2 Mar 2019: the law counts calendar days.
    assert statutory_due_date(date(2019, 1, 6)) == date(2019, 3, 2)


# Working days in England and Wales.


def test_weekdays_are_working_days():
    assert is_working_day(date(2024, 3, 28))  # Thursday
    assert not is_working_day(date(2024, 3, 30))  # Saturday
    assert not is_working_day(date(2024, 3, 31))  # Sunday


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 3, 29),  # Good Friday
        date(2024, 4, 1),  # Easter Monday
        date(2025, 12, 25),  # Christmas Day
        date(2025, 12, 26),  # Boxing Day
        date(2026, 12, 28),  # Boxing Day substitute (26th is a Saturday)
        date(2022, 1, 3),  # New Year's Day substitute
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2020, 5, 8),  # Early May bank holiday moved to VE Day
    ],
)
def test_bank_holidays_are_not_working_days(day):
    assert day.weekday() < 5
    assert is_bank_holiday(day)
    assert not is_working_day(day)


def test_early_may_monday_is_a_working_day_in_the_year_it_moved():
    assert is_working_day(date(2020, 5, 4))


def test_scottish_and_northern_irish_holidays_are_working_days():
    assert is_working_day(date(2024, 1, 2))  # Scotland: 2 January
    assert is_working_day(date(2024, 3, 18))  # Northern Ireland: St Patrick's Day (observed)
    assert is_working_day(date(2024, 8, 5))  # Scotland: summer bank holiday


def test_england_and_wales_bank_holidays_are_identical_in_the_library():
    # The module uses the ENG subdivision for both; this fails if the library ever diverges.
    years = range(2017, 2061)
    england = holidays.UnitedKingdom(subdiv="ENG", years=years)
    wales = holidays.UnitedKingdom(subdiv="WLS", years=years)

    assert set(england) == set(wales)


@given(day=working_era)
def test_is_bank_holiday_matches_the_library(day):
    expected = day in holidays.UnitedKingdom(subdiv="ENG", years=day.year)

    assert is_bank_holiday(day) is expected


# Publish-by date: last working day on or before the due date.


@given(due=working_era)
def test_publish_by_is_the_last_working_day_on_or_before_due(due):
    publish_by = publish_by_date(due)

    assert is_working_day(publish_by)
    assert publish_by <= due
    day = publish_by + ONE_DAY
    while day <= due:
        assert not is_working_day(day)
        day += ONE_DAY


@pytest.mark.parametrize(
    ("due", "publish_by"),
    [
        (date(2024, 3, 28), date(2024, 3, 28)),  # Thursday, a working day: unchanged
        (date(2024, 6, 9), date(2024, 6, 7)),  # Sunday -> Friday
        (date(2024, 6, 8), date(2024, 6, 7)),  # Saturday -> Friday
        (date(2025, 12, 26), date(2025, 12, 24)),  # Boxing Day (Fri) -> Wed 24 Dec
        (date(2026, 12, 28), date(2026, 12, 24)),  # substitute Boxing Day (Mon) -> Thu 24 Dec
        (date(2024, 4, 1), date(2024, 3, 28)),  # Easter Monday -> Thu before Good Friday
        (date(2022, 1, 3), date(2021, 12, 31)),  # New Year substitute -> across the year end
    ],
)
def test_publish_by_worked_examples(due, publish_by):
    assert publish_by_date(due) == publish_by


def test_publish_by_beside_a_real_deadline():
    # Published Fri 5 Jan 2024 -> due Thu 29 Feb 2024, a working day.
    due = statutory_due_date(date(2024, 1, 5))

    assert due == date(2024, 2, 29)
    assert publish_by_date(due) == due


# Adding and counting working days.


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2024, 6, 7), 1, date(2024, 6, 10)),  # Fri + 1 -> Mon
        (date(2024, 6, 10), -1, date(2024, 6, 7)),  # Mon - 1 -> Fri
        (date(2024, 6, 8), 1, date(2024, 6, 10)),  # Sat + 1 -> Mon
        (date(2024, 6, 8), 0, date(2024, 6, 8)),  # zero leaves the date alone
        (date(2024, 6, 3), 10, date(2024, 6, 17)),  # two working weeks
        (date(2024, 3, 28), 1, date(2024, 4, 2)),  # over Easter
        (date(2024, 4, 2), -1, date(2024, 3, 28)),  # back over Easter
        (date(2025, 12, 24), 1, date(2025, 12, 29)),  # over Christmas
        (date(2025, 12, 31), 1, date(2026, 1, 2)),  # over New Year's Day
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


@given(start=working_era, days=st.integers(min_value=-60, max_value=60))
def test_add_working_days_lands_on_a_working_day_the_right_count_away(start, days):
    result = add_working_days(start, days)

    if days == 0:
        assert result == start
    else:
        assert is_working_day(result)
        assert (result > start) is (days > 0)
        assert working_days_between(start, result) == days


@given(start=working_era, offset=st.integers(min_value=-400, max_value=400))
def test_working_days_between_is_antisymmetric(start, offset):
    end = start + timedelta(days=offset)
    forwards = working_days_between(start, end)
    backwards = working_days_between(end, start)
    earlier, later = sorted([start, end])

    # Forwards counts the later endpoint, backwards (negated) the earlier one; the days strictly
    # between cancel out.
    assert forwards + backwards == int(is_working_day(later)) - int(is_working_day(earlier))


def test_working_days_between_examples():
    assert working_days_between(date(2024, 6, 3), date(2024, 6, 3)) == 0
    assert working_days_between(date(2024, 6, 7), date(2024, 6, 10)) == 1
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 1
    assert working_days_between(date(2024, 4, 2), date(2024, 3, 28)) == -1
    assert working_days_between(date(2024, 6, 3), date(2024, 6, 17)) == 10


# Where the office is in the period.


def test_day_of_period_is_one_on_publication_day_and_56_on_the_due_day():
    published_on = date(2020, 1, 7)
    due = statutory_due_date(published_on)

    assert day_of_period(published_on=published_on, today=published_on) == 1
    assert day_of_period(published_on=published_on, today=due) == 56
    assert day_of_period(published_on=published_on, today=due + ONE_DAY) == 57


@given(published_on=since_commencement)
def test_due_day_is_always_day_56(published_on):
    due = statutory_due_date(published_on)

    assert day_of_period(published_on=published_on, today=due) == PERIOD_DAYS


def test_days_left():
    due = date(2020, 3, 2)

    assert days_left(due=due, today=date(2020, 2, 29)) == 2
    assert days_left(due=due, today=due) == 0
    assert days_left(due=due, today=date(2020, 3, 4)) == -2


def test_published_on_the_due_day_is_on_time():
    due = date(2020, 3, 2)

    assert is_on_time(due=due, published_on=due)
    assert days_late(due=due, published_on=due) == 0


def test_published_the_day_after_the_due_day_is_late():
    due = date(2020, 3, 2)

    assert not is_on_time(due=due, published_on=date(2020, 3, 3))
    assert days_late(due=due, published_on=date(2020, 3, 3)) == 1


def test_published_early_is_on_time_and_not_late():
    due = date(2020, 3, 2)

    assert is_on_time(due=due, published_on=date(2020, 2, 1))
    assert days_late(due=due, published_on=date(2020, 2, 1)) == 0


def test_published_on_a_weekend_due_day_is_still_on_time():
    due = date(2019, 3, 2)  # Saturday

    assert is_on_time(due=due, published_on=due)


def test_late_means_after_the_due_day_and_nothing_is_late_without_a_due_date_or_a_day():
    due = date(2020, 3, 2)

    assert not is_late(due=due, on=due)
    assert is_late(due=due, on=date(2020, 3, 3))
    assert not is_late(due=due, on=date(2020, 3, 1))
    assert not is_late(due=None, on=date(2030, 1, 1))  # a report before 2 May 2017
    assert not is_late(due=due, on=None)  # not received or published yet


def test_the_response_says_it_was_published_late_by_the_same_rule():
    from responses.models import Response

    due = date(2020, 3, 2)
    assert Response(due_date=due, published_on=date(2020, 3, 3)).published_late
    assert not Response(due_date=due, published_on=due).published_late
    assert not Response(due_date=None, published_on=date(2020, 3, 3)).published_late


# The office's default date for the force's comments (s55(4)): working days before publish-by.


def test_default_force_reply_by_is_20_working_days_before_publish_by():
    assert FORCE_REPLY_LEAD_WORKING_DAYS == 20  # four working weeks
    # Due Monday 2 March 2020 (a working day, so also the publish-by date).
    assert default_force_reply_by(due=date(2020, 3, 2)) == date(2020, 2, 3)
    assert default_force_reply_by(due=date(2024, 2, 29)) == date(2024, 2, 1)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # Due Saturday 2 March 2019: publish by Friday 1 March; 28 calendar days before the due
        # date would have been Saturday 2 February.
        (date(2019, 3, 2), date(2019, 2, 1)),
        # Due Friday 16 May 2025: 28 calendar days before is Good Friday (18 April 2025); the
        # count skips the early May bank holiday, Easter Monday and Good Friday.
        (date(2025, 5, 16), date(2025, 4, 15)),
        # Due Thursday 22 January 2026: 28 calendar days before is Christmas Day; counting back
        # over New Year's Day, Boxing Day and Christmas Day gives Monday 22 December 2025.
        (date(2026, 1, 22), date(2025, 12, 22)),
        # Due Monday 23 June 2025: 28 calendar days before is the spring bank holiday.
        (date(2025, 6, 23), date(2025, 5, 23)),
    ],
)
def test_default_force_reply_by_is_never_a_weekend_or_bank_holiday(due, expected):
    assert default_force_reply_by(due=due) == expected
    assert is_working_day(expected)


@given(published_on=since_commencement)
def test_default_force_reply_by_is_a_working_day_20_working_days_before_publish_by(published_on):
    due = statutory_due_date(published_on)

    reply_by = default_force_reply_by(due=due)

    assert is_working_day(reply_by)
    assert working_days_between(reply_by, publish_by_date(due)) == FORCE_REPLY_LEAD_WORKING_DAYS
    assert published_on <= reply_by < due


@given(
    published_on=since_commencement,
    day=st.integers(min_value=0, max_value=PERIOD_DAYS + 30),
)
def test_the_suggested_reply_by_is_a_working_day_from_today(published_on, day):
    due = statutory_due_date(published_on)
    today = published_on + timedelta(days=day)

    suggested = suggested_force_reply_by(due=due, today=today)

    assert is_working_day(suggested)
    assert suggested >= today
    if default_force_reply_by(due=due) >= today:
        assert suggested == default_force_reply_by(due=due)
    elif publish_by_date(due) >= today:
        assert suggested <= publish_by_date(due)


def test_the_suggested_reply_by_once_the_default_has_passed():
    due = date(2020, 3, 2)  # publish by Monday 2 March 2020; the default was 3 February
    # Ten working days from Monday 10 February 2020.
    assert suggested_force_reply_by(due=due, today=date(2020, 2, 10)) == date(2020, 2, 24)
    # Never after the publish-by date.
    assert suggested_force_reply_by(due=due, today=date(2020, 2, 24)) == date(2020, 3, 2)
    # Once publish-by has passed: the first working day from today (Saturday -> Monday).
    assert suggested_force_reply_by(due=date(2020, 2, 28), today=date(2020, 2, 29)) == date(
        2020, 3, 2
    )


def test_the_suggested_reply_by_without_a_statutory_due_date():
    # A report from before 2 May 2017 has no due date: 20 working days from today.
    assert suggested_force_reply_by(due=None, today=date(2017, 1, 9)) == date(2017, 2, 6)


def test_due_and_period_helpers_are_keyword_only():
    with pytest.raises(TypeError):
        days_left(date(2020, 3, 2), date(2020, 3, 1))  # type: ignore[misc]
    with pytest.raises(TypeError):
        is_on_time(date(2020, 3, 2), date(2020, 3, 1))  # type: ignore[misc]

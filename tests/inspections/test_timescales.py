from dataclasses import FrozenInstanceError
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspections.timescales import Timescale, TimescaleKind, parse_timescale

PUBLISHED = date(2024, 8, 31)  # end of a month, so calendar-month arithmetic is visible


@pytest.mark.parametrize("text", ["", None, "   ", "None", "n/a", "-"])
def test_empty_timescale_is_none(text):
    assert parse_timescale(text, published_on=PUBLISHED) == Timescale(TimescaleKind.NONE, None)


@pytest.mark.parametrize(
    "text",
    ["immediately", "Immediately", "immediate", "Immediate.", "with immediate effect"],
)
def test_immediate_is_immediate_with_no_date(text):
    assert parse_timescale(text, published_on=PUBLISHED) == Timescale(TimescaleKind.IMMEDIATE, None)


def test_immediate_without_publication_date_has_no_date():
    assert parse_timescale("immediately", published_on=None) == Timescale(
        TimescaleKind.IMMEDIATE, None
    )


def test_immediate_as_an_adjective_is_not_a_timescale():
    result = parse_timescale("address the immediate risks to children", published_on=PUBLISHED)

    assert result == Timescale(TimescaleKind.UNRECOGNISED, None)


@pytest.mark.parametrize(
    ("text", "published_on", "expected"),
    [
        ("within six months", date(2024, 1, 15), date(2024, 7, 15)),
        ("within 6 months", date(2024, 1, 15), date(2024, 7, 15)),
        ("within six months", PUBLISHED, date(2025, 2, 28)),  # 31 Aug + 6 months: end of Feb
        ("within three months", date(2024, 1, 15), date(2024, 4, 15)),
        ("within 12 months", date(2024, 1, 15), date(2025, 1, 15)),
        ("within twelve months", date(2024, 1, 15), date(2025, 1, 15)),
        ("within one year", date(2024, 2, 29), date(2025, 2, 28)),
        ("within 18 months", date(2024, 1, 15), date(2025, 7, 15)),
        ("within eighteen months", date(2024, 1, 15), date(2025, 7, 15)),
        ("within twenty-four months", date(2024, 1, 15), date(2026, 1, 15)),
        ("within 28 days", date(2024, 1, 15), date(2024, 2, 12)),
        ("within 4 weeks", date(2024, 1, 15), date(2024, 2, 12)),
        ("within two weeks", date(2024, 12, 20), date(2025, 1, 3)),
        ("Within Six Months", date(2024, 1, 15), date(2024, 7, 15)),
        ("within the next nine months", date(2024, 1, 15), date(2024, 10, 15)),
    ],
)
def test_within_period_runs_from_publication(text, published_on, expected):
    assert parse_timescale(text, published_on=published_on) == Timescale(
        TimescaleKind.WITHIN_PERIOD, expected
    )


@given(number=st.integers(min_value=1, max_value=24))
def test_number_words_and_digits_agree(number):
    words = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty", "twenty-one", "twenty-two", "twenty-three", "twenty-four",
    ]  # fmt: skip
    published_on = date(2023, 3, 10)
    in_words = parse_timescale(f"within {words[number - 1]} months", published_on=published_on)
    in_digits = parse_timescale(f"within {number} months", published_on=published_on)

    assert in_words == in_digits
    assert in_words.kind == TimescaleKind.WITHIN_PERIOD
    months = (in_words.target_date.year - 2023) * 12 + in_words.target_date.month - 3
    assert months == number
    assert in_words.target_date.day == 10


def test_within_period_without_publication_date_keeps_kind_without_date():
    assert parse_timescale("within six months", published_on=None) == Timescale(
        TimescaleKind.WITHIN_PERIOD, None
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("by 31 March 2015", date(2015, 3, 31)),
        ("by 31st March 2015", date(2015, 3, 31)),
        ("by 1st April 2016", date(2016, 4, 1)),
        ("by 31/03/2015", date(2015, 3, 31)),
        ("by 01/04/2015", date(2015, 4, 1)),  # day first, as written in the UK
        ("by March 2016", date(2016, 3, 31)),
        ("by February 2024", date(2024, 2, 29)),
        ("by February 2023", date(2023, 2, 28)),
        ("by the end of March 2016", date(2016, 3, 31)),
        ("by the end of 2023", date(2023, 12, 31)),
        ("By 30 September 2024", date(2024, 9, 30)),
        ("by 30 Sept 2024", date(2024, 9, 30)),
        ("no later than 30 June 2025", date(2025, 6, 30)),
        ("not later than 31 March 2015", date(2015, 3, 31)),
        ("Not later than 31 March 2015.", date(2015, 3, 31)),
        ("by not later than 31 March 2015", date(2015, 3, 31)),
        ("by no later than 31 March 2015", date(2015, 3, 31)),
        ("not later than the end of March 2026", date(2026, 3, 31)),
        ("no later than 31/03/2015", date(2015, 3, 31)),
        ("by the end of March 2026", date(2026, 3, 31)),
        ("by March 31, 2015", date(2015, 3, 31)),
    ],
)
def test_by_date(text, expected):
    assert parse_timescale(text, published_on=PUBLISHED) == Timescale(
        TimescaleKind.BY_DATE, expected
    )


def test_by_date_does_not_need_publication_date():
    assert parse_timescale("by 31 March 2015", published_on=None) == Timescale(
        TimescaleKind.BY_DATE, date(2015, 3, 31)
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The force should, within six months, review its vetting decisions.",
            Timescale(TimescaleKind.WITHIN_PERIOD, date(2025, 2, 28)),
        ),
        (
            "By 31 March 2023, chief constables should ensure that all officers are vetted.",
            Timescale(TimescaleKind.BY_DATE, date(2023, 3, 31)),
        ),
        (
            "Immediately, the force should\nstop using the unsuitable cells.",
            Timescale(TimescaleKind.IMMEDIATE, None),
        ),
        (
            "The force should immediately review its procedures.",
            Timescale(TimescaleKind.IMMEDIATE, None),
        ),
        (
            "To meet the immediate needs of victims, by 31 March 2025 the force should act.",
            Timescale(TimescaleKind.BY_DATE, date(2025, 3, 31)),
        ),
    ],
)
def test_timescale_found_inside_a_sentence(text, expected):
    assert parse_timescale(text, published_on=PUBLISHED) == expected


#: Whole recommendations in the form HMIC and HMICFRS reports use, with the timescale phrases
#: real reports use (domain notes: "not later than 31 March 2015", "by the end of March 2026",
#: "within six months of publication", "immediately"), the report's publication date, and what
#: the office should see.
REAL_WORDING = [
    (
        "not later than, leading the sentence",
        "Not later than 31 March 2015, chief constables should ensure that all officers and "
        "staff who make crime-recording decisions are trained in the National Crime Recording "
        "Standard.",
        date(2014, 11, 27),
        Timescale(TimescaleKind.BY_DATE, date(2015, 3, 31)),
    ),
    (
        "not later than, after the action",
        "Chief constables should review their crime-recording processes not later than "
        "31 March 2015.",
        date(2014, 11, 27),
        Timescale(TimescaleKind.BY_DATE, date(2015, 3, 31)),
    ),
    (
        "by the end of a month",
        "By the end of March 2026, the force should make sure it has enough trained "
        "investigators to meet demand.",
        date(2025, 6, 12),
        Timescale(TimescaleKind.BY_DATE, date(2026, 3, 31)),
    ),
    (
        "by a date, to chief constables",
        "By 30 April 2023, chief constables should review their force's vetting decisions.",
        date(2022, 11, 2),
        Timescale(TimescaleKind.BY_DATE, date(2023, 4, 30)),
    ),
    (
        "no later than, mid-sentence",
        "The College of Policing should, no later than 31 October 2023, update its guidance.",
        date(2022, 11, 2),
        Timescale(TimescaleKind.BY_DATE, date(2023, 10, 31)),
    ),
    (
        "within months of publication",
        "Within six months of publication of this report, the force should develop a plan "
        "to improve the quality of its investigations.",
        date(2019, 1, 31),
        Timescale(TimescaleKind.WITHIN_PERIOD, date(2019, 7, 31)),
    ),
    (
        "within months of the date of publication",
        "Within three months of the date of publication of this report, all forces should "
        "review how they record domestic abuse.",
        date(2024, 11, 30),
        Timescale(TimescaleKind.WITHIN_PERIOD, date(2025, 2, 28)),
    ),
    (
        "within months in digits, from 29 February",
        "Within 12 months of the publication of this report, the force should evaluate its "
        "approach.",
        date(2016, 2, 29),
        Timescale(TimescaleKind.WITHIN_PERIOD, date(2017, 2, 28)),
    ),
    (
        "immediately, as in the Norfolk crime data integrity report of 2019",
        "The force should immediately take steps to identify and address gaps in its systems "
        "and processes for identifying and recording all reports of violent crimes.",
        date(2020, 1, 7),
        Timescale(TimescaleKind.IMMEDIATE, None),
    ),
    (
        "immediately, leading the sentence",
        "Immediately, the force should stop detaining children in police custody overnight.",
        date(2023, 5, 4),
        Timescale(TimescaleKind.IMMEDIATE, None),
    ),
]


@pytest.mark.parametrize(
    ("text", "published_on", "expected"),
    [pytest.param(text, day, expected, id=name) for name, text, day, expected in REAL_WORDING],
)
def test_real_report_wording(text, published_on, expected):
    assert parse_timescale(text, published_on=published_on) == expected


def test_first_timescale_in_the_text_wins():
    text = "Within three months, the force should publish a plan, and complete it by March 2026."

    assert parse_timescale(text, published_on=PUBLISHED) == Timescale(
        TimescaleKind.WITHIN_PERIOD, date(2024, 11, 30)
    )


@pytest.mark.parametrize(
    "text",
    [
        "as soon as possible",
        "ongoing",
        "by 31 February 2015",  # no such day
        "by 31 March",  # no year
        "within the lifetime of the plan",
        "in the next financial year",
    ],
)
def test_anything_else_is_unrecognised_without_date(text):
    assert parse_timescale(text, published_on=PUBLISHED) == Timescale(
        TimescaleKind.UNRECOGNISED, None
    )


def test_timescale_is_frozen():
    timescale = parse_timescale("within six months", published_on=PUBLISHED)

    with pytest.raises(FrozenInstanceError):
        timescale.kind = TimescaleKind.NONE  # type: ignore[misc]


def test_kind_values_are_stable_strings():
    assert [kind.value for kind in TimescaleKind] == [
        "immediate",
        "within_period",
        "by_date",
        "none",
        "unrecognised",
    ]


@given(text=st.text(max_size=200))
def test_any_text_parses_without_error(text):
    result = parse_timescale(text, published_on=PUBLISHED)

    assert isinstance(result.kind, TimescaleKind)
    if result.kind in {TimescaleKind.NONE, TimescaleKind.UNRECOGNISED}:
        assert result.target_date is None

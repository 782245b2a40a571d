"""Read a recommendation's timescale text and derive a target date where one can be derived.

HMICFRS writes each recommendation's timescale as free text: "immediately", "within six
months", "by 31 March 2015", or nothing. The product keeps that text as written and stores the
date derived from it, so progress can be tracked against a date. Relative periods run from the
report's publication date (the day the s55 clock starts: Police Act 1996 s55(5A)). This is
practice, not law: the timescale binds no one ("recommendations are not orders"), so when the
text cannot be read with confidence the answer is ``UNRECOGNISED`` with no date, never a guess.

Rules, applied to the text case-insensitively, wherever it appears in a longer sentence:

- empty, ``None``, "none", "n/a" or "-": ``NONE``.
- "immediately", "with immediate effect", or the bare word "immediate": ``IMMEDIATE``, with no
  date: the report asks for action now, not by a day, so nothing is "overdue" against it.
- "within <n> days|weeks|months|years" (n in digits, or one to twenty-four in words, or "a"),
  with or without "of publication", "of the publication of this report" and the like:
  ``WITHIN_PERIOD``, target publication date plus that period; months and years by calendar
  (dateutil ``relativedelta``, so 31 August + 6 months is the last day of February).
- "by <date>", "no later than <date>", "not later than <date>" (also "by no later than" and
  "by not later than"): ``BY_DATE``. Dates as "31 March 2015",
  "31st March 2015", "March 31, 2015", "31/03/2015" (day first, as written in the UK),
  "March 2016" or "the end of March 2016" (last day of that month), "the end of 2023" (31 Dec).
- If the text holds more than one timescale, the first one in the text wins: HMICFRS leads
  with the timescale that governs ("Within six months, the force should ...").
- A relative timescale without a publication date keeps its kind with no date.
- Anything else non-empty: ``UNRECOGNISED``, no date.
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

__all__ = ["Timescale", "TimescaleKind", "parse_timescale"]


class TimescaleKind(StrEnum):
    IMMEDIATE = "immediate"
    WITHIN_PERIOD = "within_period"
    BY_DATE = "by_date"
    NONE = "none"
    UNRECOGNISED = "unrecognised"


@dataclass(frozen=True, slots=True)
class Timescale:
    kind: TimescaleKind
    target_date: date | None = None


_NO_TIMESCALE = frozenset({"", "none", "n/a", "-"})

_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    **{word: value for value, word in enumerate(_UNITS, start=1)},
    **{word: value for value, word in enumerate(_TEENS, start=10)},
    "twenty": 20,
    **{f"twenty-{word}": 20 + value for value, word in enumerate(_UNITS[:4], start=1)},
}
# Longest first, so "twenty-four" is not read as "twenty".
_NUMBER = "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))

_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}

_BY = r"\b(?:(?:by\s+)?not?\s+later\s+than|by)\s+"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY = r"(?P<day>\d{1,2})"
_MONTH_NAME = rf"(?P<month>{_MONTH})\.?"
_YEAR = r"(?P<year>\d{4})\b"

_IMMEDIATE_RE = re.compile(r"\bimmediately\b|\bwith\s+immediate\s+effect\b|^immediate$")
_WITHIN_RE = re.compile(
    rf"\bwithin\s+(?:the\s+next\s+)?(?P<number>\d{{1,3}}|{_NUMBER})[\s-]+"
    r"(?P<unit>day|week|month|year)s?\b"
)
_BY_DAY_MONTH_YEAR_RE = re.compile(
    rf"{_BY}(?:the\s+)?{_DAY}{_ORDINAL}\s+(?:of\s+)?{_MONTH_NAME},?\s+{_YEAR}"
)
_BY_MONTH_DAY_YEAR_RE = re.compile(rf"{_BY}{_MONTH_NAME}\s+{_DAY}{_ORDINAL},?\s+{_YEAR}")
_BY_NUMERIC_DATE_RE = re.compile(
    rf"{_BY}{_DAY}(?P<sep>[/.-])(?P<month>\d{{1,2}})(?P=sep)(?P<year>\d{{4}}|\d{{2}})\b"
)
_BY_MONTH_YEAR_RE = re.compile(rf"{_BY}(?:(?:the\s+)?end\s+of\s+)?{_MONTH_NAME},?\s+{_YEAR}")
_BY_END_OF_YEAR_RE = re.compile(
    rf"{_BY}(?:the\s+)?end\s+of\s+(?:(?:the\s+)?(?:calendar\s+)?year\s+)?{_YEAR}"
)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _MONTH_NUMBERS[text[:3]]


def _immediate(_: re.Match[str], __: date | None) -> Timescale:
    return Timescale(TimescaleKind.IMMEDIATE, None)


def _within(match: re.Match[str], published_on: date | None) -> Timescale:
    if published_on is None:
        return Timescale(TimescaleKind.WITHIN_PERIOD, None)
    number_text = match["number"]
    number = int(number_text) if number_text.isdigit() else _NUMBER_WORDS[number_text]
    period = {
        "day": timedelta(days=number),
        "week": timedelta(weeks=number),
        "month": relativedelta(months=number),
        "year": relativedelta(years=number),
    }[match["unit"]]
    return Timescale(TimescaleKind.WITHIN_PERIOD, published_on + period)


def _by_day(match: re.Match[str], _: date | None) -> Timescale | None:
    try:
        target = date(_year(match["year"]), _month(match["month"]), int(match["day"]))
    except ValueError:  # e.g. "by 31 February 2015": no such day, so no date to derive.
        return None
    return Timescale(TimescaleKind.BY_DATE, target)


def _by_end_of_month(match: re.Match[str], _: date | None) -> Timescale:
    year, month = _year(match["year"]), _month(match["month"])
    return Timescale(TimescaleKind.BY_DATE, date(year, month, calendar.monthrange(year, month)[1]))


def _by_end_of_year(match: re.Match[str], _: date | None) -> Timescale:
    return Timescale(TimescaleKind.BY_DATE, date(_year(match["year"]), 12, 31))


_Reader = Callable[[re.Match[str], date | None], Timescale | None]

_READERS: list[tuple[re.Pattern[str], _Reader]] = [
    (_IMMEDIATE_RE, _immediate),
    (_WITHIN_RE, _within),
    (_BY_DAY_MONTH_YEAR_RE, _by_day),
    (_BY_MONTH_DAY_YEAR_RE, _by_day),
    (_BY_NUMERIC_DATE_RE, _by_day),
    (_BY_MONTH_YEAR_RE, _by_end_of_month),
    (_BY_END_OF_YEAR_RE, _by_end_of_year),
]


def _normalise(text: str) -> str:
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text.lower())
    return " ".join(text.split()).strip(" .,;:")


def parse_timescale(text: str | None, *, published_on: date | None) -> Timescale:
    """Read a recommendation's timescale text; derive its target date where possible.

    ``published_on`` is the report's publication date, from which relative periods run
    (the start of the Police Act 1996 s55(5A) period). See the module docstring for the rules.
    """
    normalised = _normalise(text or "")
    if normalised in _NO_TIMESCALE:
        return Timescale(TimescaleKind.NONE, None)

    found = [
        (match.start(), -len(match[0]), match, reader)
        for pattern, reader in _READERS
        for match in pattern.finditer(normalised)
    ]
    # Earliest in the text first; at the same place, the longest reading.
    for _start, _length, match, reader in sorted(found, key=lambda item: item[:2]):
        timescale = reader(match, published_on)
        if timescale is not None:
            return timescale
    return Timescale(TimescaleKind.UNRECOGNISED, None)

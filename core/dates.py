"""The one way a date is written out for people: "2 March 2020", or with the weekday,
"Monday 2 March 2020" (GOV.UK style: no leading zero, no comma, the month in full).

Python code calls `long_date(day)`; templates `{% load dates %}` then `{{ day|long_date }}` or
`{{ day|long_date:"weekday" }}`. A date and time is written as the local date it falls on.

The words are in the active language (Django's month and day names): "2 Mawrth 2020",
"Dydd Llun 2 Mawrth 2020" in Welsh (docs/i18n.md).
"""

from datetime import date, datetime, time

from django.utils import dateformat, timezone
from django.utils.translation import pgettext


def long_date(day: date | datetime, *, weekday: bool = False) -> str:
    """`day` written out: "2 March 2020", or "Monday 2 March 2020" with `weekday`."""
    if isinstance(day, datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return dateformat.format(day, "l j F Y" if weekday else "j F Y")


def clock_time(moment: time | datetime) -> str:
    """A time of day, GOV.UK style: "9:30am", "12:05pm" ("9:30yb" in Welsh). An aware date and
    time is read in Europe/London."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    hour = moment.hour % 12 or 12
    half = pgettext("time of day", "am") if moment.hour < 12 else pgettext("time of day", "pm")
    return f"{hour}:{moment.minute:02d}{half}"

"""`{% load dates %}`: `{{ day|long_date }}` ("2 March 2020") and `{{ day|long_date:"weekday" }}`
("Monday 2 March 2020"), written by `core.dates.long_date`; empty for no date. The day may be
an ISO date ("2020-03-02"), as the public copies keep them."""

from datetime import date

from django import template

from core import dates

register = template.Library()


@register.filter(expects_localtime=True)
def long_date(value, arg: str = "") -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return dates.long_date(value, weekday=arg == "weekday")

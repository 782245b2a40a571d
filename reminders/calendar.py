"""A person's calendar feed (iCalendar, RFC 5545): the dates of the responses they can see.

Three all-day events per response where the date is known: the statutory due date (s55(5A)),
the "publish by" date (the last working day on or before it, when that is earlier) and the
force's reply-by date (s55(4)). Each event's UID is stable (the response and the kind of date),
so when a date changes the calendar moves the event instead of adding a second one; SEQUENCE
follows the response's edit counter and LAST-MODIFIED its last change.
"""

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from icalendar import Calendar, Event

from core.dates import long_date
from responses.selectors import responses_visible_to

from . import policy
from .emails import response_url

#: Responses that are finished (published or not required) stay in the feed this long after
#: their due date, so recent deadlines do not vanish from people's calendars at once.
KEEP_FINISHED_DAYS = 180


def feed_responses(user, *, today: date):
    """The responses in the user's feed (one query)."""
    return (
        responses_visible_to(user)
        .filter(
            Q(status__in=policy.OPEN_STATUSES)
            | Q(due_date__gte=today - timedelta(days=KEEP_FINISHED_DAYS))
            | Q(force_reply_by__gte=today - timedelta(days=KEEP_FINISHED_DAYS))
        )
        .select_related("report", "policing_body", "policing_body__force")
        .order_by("due_date", "id")
    )


def _uid(response, kind: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "section55"
    return f"response-{response.pk}-{kind}@{host}"


def _event(response, *, kind: str, day: date, summary: str, description: str, now) -> Event:
    event = Event()
    event.add("uid", _uid(response, kind))
    event.add("dtstamp", now)
    event.add("last-modified", response.updated_at)
    event.add("sequence", response.lock_version)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", response_url(response))
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["Section 55"])
    return event


def _state(response) -> str:
    if response.status == policy.PUBLISHED or response.published_on:
        return f" (published {long_date(response.published_on)})" if response.published_on else ""
    if response.status == policy.NOT_REQUIRED:
        return " (not required)"
    return ""


def build_feed(user, *, today: date, now) -> bytes:
    """The iCalendar document for the user's feed."""
    calendar = Calendar()
    calendar.add("prodid", "-//Section 55 Tracker//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Section 55 deadlines")
    calendar.add("x-wr-caldesc", "Statutory due dates, publish-by dates and force reply-by dates.")
    calendar.add("x-published-ttl", "PT1H")
    for response in feed_responses(user, today=today):
        title = response.report.title
        body = response.policing_body
        state = _state(response)
        status = response.get_status_display()
        link = response_url(response)
        if response.due_date:
            calendar.add_component(
                _event(
                    response,
                    kind="due",
                    day=response.due_date,
                    summary=f"Section 55 response due: {title}{state}",
                    description=(
                        f"The last day for {body.name} to publish its response to {title} "
                        f"(Police Act 1996 s55(5A): 56 days beginning with the day the report "
                        f"was published). Status: {status}.\n{link}"
                    ),
                    now=now,
                )
            )
        if response.publish_by and response.due_date and response.publish_by < response.due_date:
            calendar.add_component(
                _event(
                    response,
                    kind="publish-by",
                    day=response.publish_by,
                    summary=f"Publish by: {title}{state}",
                    description=(
                        f"The last working day on or before the due date "
                        f"({long_date(response.due_date, weekday=True)}) of the response to {title}. "
                        f"Status: {status}.\n{link}"
                    ),
                    now=now,
                )
            )
        if response.force_reply_by:
            chief = body.force.chief_officer_title
            calendar.add_component(
                _event(
                    response,
                    kind="force-reply-by",
                    day=response.force_reply_by,
                    summary=f"{chief}'s comments due: {title}{state}",
                    description=(
                        f"The date {body.office_name} asked for the {chief}'s comments on {title} "
                        f"(Police Act 1996 s55(4)). Status: {status}.\n{link}"
                    ),
                    now=now,
                )
            )
    return calendar.to_ical()

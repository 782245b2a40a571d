"""The words of reminder emails, and the registry of digest item sources.

Each reminder becomes a `DigestItem`: a heading (the report), one or two plain sentences that
say exactly what is due and when ("the response is due Monday 2 March 2020, 7 days from
today"), what is still needed, and an absolute link to the response. The same item is used in a
one-reminder email and in the daily digest; templates/emails/reminders/ lays them out as plain
text and HTML.

Other parts of the product add items to the daily digest by registering a provider:

    from reminders.emails import DigestProvider, register_digest_provider

    class TrackingUpdates(DigestProvider):
        section = "Recommendations to track"
        def recipient_ids(self, *, day): ...      # who has items on `day`
        def items(self, *, user, day): ...        # their DigestItems

    register_digest_provider(TrackingUpdates())   # in the app's AppConfig.ready()

A person's digest is sent at most once a day (the `Digest` row's unique constraint and status),
so a provider's items for that day go out at most once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.selectors import person_namer
from core.dates import long_date
from inspections.inspectorate import inspectorate_on
from responses.corrections import closed_as_not_concerned
from responses.selectors import copies_to, response_outstanding, version_in_force

from . import policy

SECTION_RESPONSES = gettext_lazy("Section 55 responses")


@dataclass(frozen=True)
class DigestItem:
    heading: str
    sentences: list[str]
    url: str
    section: str = SECTION_RESPONSES
    urgent: bool = False
    needed: list[str] = field(default_factory=list)
    sort_key: tuple = ()

    @property
    def text(self) -> str:
        """The sentences, to follow "heading: " (so the first may start in lower case)."""
        return " ".join(self.sentences)


class DigestProvider:
    """A source of items for people's daily digests (see the module docstring)."""

    section = ""

    def recipient_ids(self, *, day: date) -> set[int]:
        return set()

    def items(self, *, user, day: date) -> list[DigestItem]:
        return []


_PROVIDERS: list[DigestProvider] = []


def register_digest_provider(provider: DigestProvider) -> DigestProvider:
    """Add a source of digest items (idempotent for the same object)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def unregister_digest_provider(provider: DigestProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def digest_providers() -> list[DigestProvider]:
    return list(_PROVIDERS)


# --- words -------------------------------------------------------------------------------


def relative_days(days: int, *, working: bool = False) -> str:
    """0 -> 'today', 1 -> 'tomorrow', 7 -> '7 days from today', -3 -> '3 days ago'."""
    if days == 0:
        return gettext("today")
    if days == 1 and not working:
        return gettext("tomorrow")
    if days == -1 and not working:
        return gettext("yesterday")
    count = abs(days)
    if working and days > 0:
        text = ngettext(
            "%(count)s working day from today", "%(count)s working days from today", count
        )
    elif working:
        text = ngettext("%(count)s working day ago", "%(count)s working days ago", count)
    elif days > 0:
        text = ngettext("%(count)s day from today", "%(count)s days from today", count)
    else:
        text = ngettext("%(count)s day ago", "%(count)s days ago", count)
    return text % {"count": count}


def _until(day: date, *, today: date) -> str:
    """How long until `day`, in working days when there are any between ('5 working days from
    today'), else in calendar days ('today', 'tomorrow')."""
    working = policy.working_days_after(today, day)
    if working >= 1 and day > today + timedelta(days=1):
        return relative_days(working, working=True)
    return relative_days((day - today).days)


def response_url(response) -> str:
    return f"{settings.SITE_URL}/responses/{response.pk}/"


def _office_roles(role: str) -> bool:
    return role in Membership.OFFICE_ROLES


def _still_needed(response, *, recommendations=None, explanations=None) -> list[str]:
    needed = response_outstanding(
        response, recommendations=recommendations, explanations=explanations
    )
    if needed:
        return needed
    status = response.status
    if status in (policy.NOT_STARTED, policy.AWAITING_FORCE, policy.DRAFTING):
        return ["submitting it for approval (everything else is written)"]
    if status == policy.AWAITING_APPROVAL:
        return ["approval"]
    if status == policy.APPROVED:
        return ["publication (it is approved)"]
    return []


def reminder_item(reminder, *, today: date, recommendations=None, explanations=None) -> DigestItem:
    """The item for one reminder, worded for its subject and for the person's role."""
    response = reminder.response
    rule = reminder.rule
    title = response.report.title
    subject = rule.subject
    office_staff = _office_roles(reminder.role)
    sentences: list[str] = []
    needed: list[str] = []
    urgent = False
    if subject == policy.SUBJECT_DEADLINE:
        due = response.due_date
        days = (due - today).days
        if days >= 0:
            sentences.append(
                f"the response is due {long_date(due, weekday=True)}, {relative_days(days)}."
            )
            if response.publish_by and response.publish_by < due and response.publish_by >= today:
                sentences.append(
                    f"The last working day on or before then is {long_date(response.publish_by, weekday=True)}."
                )
            urgent = days <= 7
        else:
            sentences.append(
                f"the response is overdue: it was due {long_date(due, weekday=True)}, {relative_days(days)}. "
                "The law (Police Act 1996 s55(5A)) requires publication within 56 days of the "
                "report."
            )
            urgent = True
            if reminder.role == Membership.Role.OPCC_ADMIN:
                sentences.append("You are told because you are the office's admin.")
        if office_staff:
            needed = _still_needed(
                response, recommendations=recommendations, explanations=explanations
            )
    elif subject == policy.SUBJECT_FORCE_REPLY:
        reply_by = response.force_reply_by
        body = response.policing_body
        chief = body.force.chief_officer_title
        if reply_by >= today:
            sentences.append(
                f"{body.office_name} asked for the {chief}'s comments by {long_date(reply_by, weekday=True)}, "
                f"{_until(reply_by, today=today)}."
            )
        else:
            sentences.append(
                f"{body.office_name} asked for the {chief}'s comments by {long_date(reply_by, weekday=True)}, "
                f"{relative_days((reply_by - today).days)}, and has not received them."
            )
            urgent = True
            if response.due_date:
                sentences.append(
                    f"The office must publish its response by {long_date(response.due_date, weekday=True)}."
                )
    elif subject == policy.SUBJECT_COPIES:
        version = version_in_force(response)
        missing = [label for label, sent in copies_to(version)[:2] if not sent] if version else []
        which = (
            "the response"
            if version is None or version.number == 1
            else (f"version {version.number} of the response (an amendment)")
        )
        sentences.append(
            _(
                "%(which)s was published on %(date)s, but the copies of it to %(join)s are not recorded. The law (Police Act 1996 s55(6)) requires a copy to each: record the date each was sent."
            )
            % {
                "which": which,
                "date": long_date(
                    version.published_on if version else response.published_on, weekday=True
                ),
                "join": " and ".join(missing),
            }
        )
        urgent = True
    return DigestItem(
        heading=title,
        sentences=sentences,
        url=response_url(response),
        needed=needed,
        urgent=urgent,
        sort_key=(0 if urgent else 1, response.due_date or today, response.pk, rule.position),
    )


def reminder_subject(reminder, *, today: date) -> str:
    """The subject line of a one-reminder email."""
    response = reminder.response
    title = response.report.title
    subject = reminder.rule.subject
    if subject == policy.SUBJECT_DEADLINE:
        days = (response.due_date - today).days
        if days > 1:
            return f"{title}: response due in {days} days"
        if days == 1:
            return f"{title}: response due tomorrow"
        if days == 0:
            return f"{title}: response due today"
        return ngettext(
            "%(title)s: response overdue by %(count)s day",
            "%(title)s: response overdue by %(count)s days",
            -days,
        ) % {"title": title, "count": -days}
    if subject == policy.SUBJECT_FORCE_REPLY:
        if response.force_reply_by < today:
            return f"{title}: the force's comments are overdue"
        return f"{title}: the force's comments are due {long_date(response.force_reply_by, weekday=True)}"
    inspectorate = inspectorate_on(response.published_on or today).abbreviation
    return _("%(title)s: copies to %(inspectorate)s and the Home Secretary not recorded") % {
        "title": title,
        "inspectorate": inspectorate,
    }


def digest_subject(items: list[DigestItem], *, day: date) -> str:
    overdue = sum(1 for i in items if i.urgent)
    text = ngettext(
        "Section 55 reminders for %(day)s: %(count)s item",
        "Section 55 reminders for %(day)s: %(count)s items",
        len(items),
    ) % {"day": long_date(day, weekday=True), "count": len(items)}
    if overdue:
        text += f", {overdue} urgent"
    return text


def render_reminder_email(*, recipient, item: DigestItem, subject: str, day: date) -> tuple:
    """(subject, plain text, HTML) of a one-reminder email."""
    context = {
        "recipient": recipient,
        "item": item,
        "subject": subject,
        "day": day,
        "day_text": long_date(day, weekday=True),
        "preferences_url": f"{settings.SITE_URL}/reminders/preferences/",
    }
    text = render_to_string("emails/reminders/reminder.txt", context)
    html = render_to_string("emails/reminders/reminder.html", context)
    return subject, text, html


def render_digest_email(*, recipient, items: list[DigestItem], day: date) -> tuple:
    """(subject, plain text, HTML) of a daily digest: items grouped by section."""
    sections: dict[str, list[DigestItem]] = {}
    for item in sorted(items, key=lambda i: (i.section != SECTION_RESPONSES, i.section)):
        sections.setdefault(item.section, []).append(item)
    for section_items in sections.values():
        section_items.sort(key=lambda i: i.sort_key)
    subject = digest_subject(items, day=day)
    context = {
        "recipient": recipient,
        "sections": list(sections.items()),
        "count": len(items),
        "subject": subject,
        "day": day,
        "day_text": long_date(day, weekday=True),
        "preferences_url": f"{settings.SITE_URL}/reminders/preferences/",
    }
    text = render_to_string("emails/reminders/digest.txt", context)
    html = render_to_string("emails/reminders/digest.html", context)
    return subject, text, html


def render_correction_email(*, recipient, notice, summary: str, day: date) -> tuple:
    """(subject, plain text, HTML) of the email telling an office that a correction of a
    report's shared facts changed its response (laid out as a one-reminder email)."""
    correction = notice.correction
    response = notice.response
    # Named as every page names people to this person (another organisation's as its name).
    who = person_namer(viewer=recipient, people=[correction.decided_by])(correction.decided_by)
    if correction.is_findings:
        corrected = _("%(who)s corrected the report's findings. %(summary)s")
    else:
        corrected = _("%(who)s corrected the report's details. %(summary)s")
    sentences = [corrected % {"who": who, "summary": summary}]
    if correction.is_findings:
        sentences.append(
            _(
                "Check your response's explanations against the findings as they stand now; a published response keeps the findings it answered."
            )
        )
    if response.due_date and correction.published_on:
        sentences.append(
            _("%(body)s's response is now due %(date)s.")
            % {
                "body": response.policing_body.short_name,
                "date": long_date(response.due_date, weekday=True),
            }
        )
    if {"scope", "forces"} & set(correction.proposed_facts()) and closed_as_not_concerned(response):
        sentences.append(
            _(
                "The report no longer concerns %(force)s: %(body)s's response is closed as not "
                "required."
            )
            % {
                "force": response.policing_body.force.name,
                "body": response.policing_body.short_name,
            }
        )
    sentences.append(_("Why: %(reason)s") % {"reason": correction.reason})
    item = DigestItem(
        heading=response.report.title,
        sentences=sentences,
        url=response_url(response),
        urgent=bool(correction.published_on),
    )
    if correction.is_findings:
        subject = _("%(title)s: the report's findings were corrected")
    else:
        subject = _("%(title)s: the report's details were corrected")
    subject = subject % {"title": response.report.title}
    return render_reminder_email(recipient=recipient, item=item, subject=subject, day=day)

"""Reads about responses for pages, reminders and checks."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext, gettext_lazy, ngettext

from accounts.models import Membership
from accounts.permissions import force_ids, office_roles
from accounts.selectors import person_namer
from core.dates import long_date
from core.history import timeline
from core.i18n import in_language
from core.models import DeliveryStatus, EventDelivery
from inspections.inspectorate import inspectorate_on
from inspections.models import Finding, Report
from inspections.selectors import ReportPage, readable_entries, with_first_values

from . import deadlines
from .models import Explanation, Response, ResponseVersion, Status
from .workflow import EDITABLE_STATUSES, FORCE_COMMENT_STATUSES, SIGN_OFF


def latest_version(response: Response) -> ResponseVersion | None:
    """The response's latest published version, without its frozen files."""
    return (
        ResponseVersion.objects.filter(response=response)
        .defer("pdf", "html_snapshot")
        .order_by("-number")
        .first()
    )


def version_in_force(response: Response) -> ResponseVersion | None:
    """The response's version in force (`ResponseVersionQuerySet.in_force`: the latest, unless
    it is withdrawn), without its frozen files."""
    return (
        ResponseVersion.objects.in_force()
        .filter(response=response)
        .defer("pdf", "html_snapshot")
        .first()
    )


def response_timeline(response: Response):
    """Readable history of a response and its explanations, newest first (two queries)."""
    records = list(response.history.select_related("history_user"))
    records += list(
        Explanation.history.filter(response_id=response.pk).select_related("history_user")
    )
    return timeline(records)


def response_outstanding(
    response: Response, *, recommendations=None, explanations=None
) -> list[str]:
    """What the response still needs before it can go for approval, in plain words.

    Pass prefetched `recommendations` and `explanations` to avoid queries in list pages.
    """
    if recommendations is None:
        recommendations = list(response.report.findings.recommendations())
    if explanations is None:
        explanations = list(response.explanations.all())
    done = {e.finding_id for e in explanations if e.is_complete}
    needed = []
    if not response.office_comments.strip():
        needed.append(f"the {response.policing_body.holder_title.lower()}'s comments")
    missing = [r for r in recommendations if r.pk not in done]
    if missing:
        needed.append(
            gettext("explanations for %(count)s of %(count2)s recommendations")
            % {"count": len(missing), "count2": len(recommendations)}
        )
    if not response.force_invited_on:
        needed.append(gettext("the invitation to the force"))
    return needed


def responses_visible_to(user):
    """The responses a person may see: their office's responses (the office they act for, in a
    request: `accounts.permissions.active_memberships`), and for force contributors the
    responses to their force once the office has invited the force's comments (s55(4)).

    Every staff page starts from this queryset, so an id from another organisation gives 404.
    """
    from django.db.models import Q

    if not user or not user.is_authenticated:
        return Response.objects.none()
    bodies = sorted(office_roles(user))
    forces = sorted(force_ids(user))
    return Response.objects.filter(
        Q(policing_body__in=bodies)
        | Q(policing_body__force__in=forces, force_invited_on__isnull=False)
    )


# --- The response page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """Where a response stands against the s55(5A) period, for people.

    `state` is one of: "no_deadline" (report before 2 May 2017), "not_required", "published",
    "overdue", "due_soon" (14 days or fewer left) or "running"."""

    state: str
    summary: str
    day: int | None = None
    due: date | None = None
    publish_by: date | None = None
    days_left: int | None = None


#: Within this many calendar days of the due date a response is "due soon".
DUE_SOON_DAYS = 14


def day_of_period_label(day: int) -> str:
    """ "Day 12 of 56", "Diwrnod 12 o 56": where today falls in the s55(5A) period, in the
    page's language (the templates' "Day ... of ..." is the same catalogue entry)."""
    return gettext("Day %(day)s of %(period)s") % {"day": day, "period": deadlines.PERIOD_DAYS}


def response_clock(response: Response, *, today: date) -> Clock:
    """The deadline clock: "Day 23 of 56 - due Monday 2 March 2020 - 33 days left - publish by
    Monday 2 March 2020". `publish_by` is the last working day on or before the due date
    (practice, not law: s55(5A) counts calendar days, see responses.deadlines)."""
    due, publish_by = response.due_date, response.publish_by
    if response.status == Status.NOT_REQUIRED:
        return Clock(
            "not_required", gettext("No response required"), due=due, publish_by=publish_by
        )
    if response.published_on:
        if due is None:
            text = gettext("Published on %(date)s") % {
                "date": long_date(response.published_on, weekday=True)
            }
        elif deadlines.is_on_time(due=due, published_on=response.published_on):
            text = gettext("Published on %(date)s, on time (due %(date2)s)") % {
                "date": long_date(response.published_on, weekday=True),
                "date2": long_date(due, weekday=True),
            }
        else:
            late = deadlines.days_late(due=due, published_on=response.published_on)
            text = ngettext(
                "Published on %(date)s, %(late)s day after the due date (%(due)s)",
                "Published on %(date)s, %(late)s days after the due date (%(due)s)",
                late,
            ) % {
                "date": long_date(response.published_on, weekday=True),
                "late": late,
                "due": long_date(due, weekday=True),
            }
        return Clock("published", text, due=due, publish_by=publish_by)
    if due is None:
        return Clock(
            "no_deadline",
            gettext(
                "No statutory deadline: the report was published before the 56-day rule came into force on %(date)s"
            )
            % {"date": long_date(deadlines.S55_COMMENCEMENT)},
        )
    day = deadlines.day_of_period(published_on=response.report.published_on, today=today)
    left = deadlines.days_left(due=due, today=today)
    if left < 0:
        left_text = ngettext("%(days)s day overdue", "%(days)s days overdue", -left) % {
            "days": -left
        }
        state = "overdue"
    else:
        left_text = (
            gettext("due today")
            if left == 0
            else ngettext("%(days)s day left", "%(days)s days left", left) % {"days": left}
        )
        state = "due_soon" if left <= DUE_SOON_DAYS else "running"
    if day < 1:
        period = gettext("The 56 days have not started")
    elif day > deadlines.PERIOD_DAYS:
        period = gettext("The %(PERIOD_DAYS)s days have ended") % {
            "PERIOD_DAYS": deadlines.PERIOD_DAYS
        }
    else:
        period = day_of_period_label(day)
    parts = [
        period,
        f"due {long_date(due, weekday=True)}",
        left_text,
        gettext("publish by %(date)s") % {"date": long_date(publish_by, weekday=True)},
    ]
    return Clock(state, " - ".join(parts), day=day, due=due, publish_by=publish_by, days_left=left)


@dataclass
class FindingRow:
    """A recommendation or AFI with this response's explanation of it (None if none yet)."""

    finding: Finding
    explanation: Explanation | None
    number: int

    @property
    def label(self) -> str:
        kind = "Recommendation" if self.finding.kind == Finding.Kind.RECOMMENDATION else "AFI"
        return self.finding.reference or f"{kind} {self.number}"

    @property
    def is_complete(self) -> bool:
        return bool(self.explanation and self.explanation.is_complete)

    @property
    def force_comment(self) -> str:
        return self.explanation.force_comment if self.explanation else ""

    @property
    def only_for_others(self) -> bool:
        """Addressed only to others (Home Office, College, NPCC...): not for local action."""
        return not self.finding.is_for_local_action

    @property
    def addressed_to(self) -> str:
        return _and_list([label[0].lower() + label[1:] for label in self.finding.addressee_labels])


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def not_for_local_action_text(row: FindingRow) -> str:
    """The one-click explanation for a recommendation addressed only to others (s55(5B) still
    asks for an explanation: a short "not for local action" is enough)."""
    return gettext(
        "Not for local action: this recommendation is addressed to %(addressed_to)s, not to the force or its policing body. We will follow the national response and act on any resulting guidance."
    ) % {"addressed_to": row.addressed_to}


@dataclass
class Task:
    """One row of the GOV.UK task list."""

    title: str
    status: str  # "completed", "incomplete", "optional", "waiting", "cannot_start"
    href: str = ""
    hint: str = ""

    STATUS_TEXT = {
        "completed": gettext_lazy("Completed"),
        "incomplete": gettext_lazy("Incomplete"),
        "optional": gettext_lazy("Optional"),
        "waiting": gettext_lazy("Waiting"),
        "cannot_start": gettext_lazy("Cannot start yet"),
    }

    @property
    def status_text(self) -> str:
        return str(self.STATUS_TEXT[self.status])


class ResponsePage:
    """What the response pages show, read in a fixed number of queries whatever the number of
    recommendations: the recommendations and AFIs (one query) and this response's explanations
    (one query), joined here. `response` should come with its report and policing body."""

    def __init__(self, response: Response, *, today: date):
        self.response = response
        self.today = today
        findings = list(
            Finding.objects.filter(
                report_id=response.report_id,
                kind__in=[Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT],
            ).order_by("position", "id")
        )
        explanations = {e.finding_id: e for e in Explanation.objects.filter(response=response)}
        self.recommendations: list[FindingRow] = []
        self.afis: list[FindingRow] = []
        for finding in findings:
            rows = (
                self.recommendations if finding.kind == Finding.Kind.RECOMMENDATION else self.afis
            )
            rows.append(FindingRow(finding, explanations.get(finding.pk), len(rows) + 1))
        self.clock = response_clock(response, today=today)

    @cached_property
    def latest_version(self) -> ResponseVersion | None:
        """The latest published version, whose s55(6) copies are the ones to record."""
        return latest_version(self.response)

    @property
    def explained(self) -> int:
        return sum(1 for row in self.recommendations if row.is_complete)

    @property
    def afis_answered(self) -> int:
        return sum(1 for row in self.afis if row.is_complete)

    @property
    def outstanding(self) -> list[str]:
        return response_outstanding(
            self.response,
            recommendations=[row.finding for row in self.recommendations],
            explanations=[row.explanation for row in self.recommendations if row.explanation],
        )

    @property
    def force_replied(self) -> bool:
        r = self.response
        return bool(r.force_comments_submitted_at or r.force_comments_none_submitted)

    @property
    def force_replied_late(self) -> bool:
        r = self.response
        return deadlines.is_late(due=r.force_reply_by, on=r.force_comments_received_on)

    def row_for(self, finding_pk: int) -> FindingRow | None:
        for row in self.recommendations + self.afis:
            if row.finding.pk == finding_pk:
                return row
        return None

    def tasks(self, url) -> list[Task]:
        """The task list in the order of the office's template (the reference response):
        invitation, the force's comments, the office's comments, its reply to the force, an
        explanation for every recommendation, the AFIs, then sign-off, publication and copies.
        `url(name)` gives the link for a section of this response."""
        r = self.response
        status = Status(r.status)
        editable = status in EDITABLE_STATUSES
        body = r.policing_body
        holder = in_language(body.holder_title, body.holder_title_cy)
        chief_comments = gettext("%(title)s's comments") % {
            "title": in_language(body.force.chief_officer_title, body.force.chief_officer_title_cy)
        }
        tasks = []

        if r.force_invited_on:
            invite = Task(
                gettext("Invite the force to comment"),
                "completed",
                url("invite") if status in INVITE_FROM else "",
                gettext("Invited on %(date)s; reply by %(date2)s")
                % {
                    "date": long_date(r.force_invited_on),
                    "date2": long_date(r.force_reply_by, weekday=True),
                },
            )
        elif status in INVITE_FROM:
            invite = Task(gettext("Invite the force to comment"), "incomplete", url("invite"))
        else:
            invite = Task(gettext("Invite the force to comment"), "cannot_start")
        tasks.append(invite)

        if self.force_replied:
            received = r.force_comments_received_on
            hint = gettext("The force made no comments") if r.force_comments_none_submitted else ""
            if received:
                hint = (hint + "; " if hint else "") + (
                    gettext("Received on %(date)s") % {"date": long_date(received)}
                )
            if self.force_replied_late:
                hint += gettext(" (after the reply-by date)")
            tasks.append(
                Task(
                    chief_comments,
                    "completed",
                    url("force-comments") if status in FORCE_COMMENT_STATUSES else "",
                    hint,
                )
            )
        elif status in FORCE_COMMENT_STATUSES:
            tasks.append(
                Task(
                    chief_comments,
                    "waiting" if status == Status.AWAITING_FORCE else "optional",
                    url("force-comments"),
                    gettext("Reply due by %(date)s")
                    % {"date": long_date(r.force_reply_by, weekday=True)}
                    if r.force_reply_by
                    else "",
                )
            )
        else:
            tasks.append(Task(chief_comments, "cannot_start"))

        tasks.append(
            Task(
                gettext("The %(holder)s's comments") % {"holder": holder},
                "completed" if r.office_comments.strip() else "incomplete",
                url("office-comments") if editable else "",
            )
        )
        tasks.append(
            Task(
                gettext("Reply to the force's comments"),
                "completed" if r.reply_to_force.strip() else "optional",
                url("reply-to-force") if editable else "",
            )
        )
        total = len(self.recommendations)
        if total:
            tasks.append(
                Task(
                    gettext("Explain the action on every recommendation"),
                    "completed" if self.explained == total else "incomplete",
                    url("recommendations"),
                    gettext("%(count)s of %(total)s explained")
                    % {"count": self.explained, "total": total},
                )
            )
        else:
            tasks.append(
                Task(
                    gettext("Explain the action on every recommendation"),
                    "completed",
                    hint=gettext("The report makes no recommendations"),
                )
            )
        if self.afis:
            tasks.append(
                Task(
                    gettext("Respond to the areas for improvement"),
                    "completed" if self.afis_answered == len(self.afis) else "optional",
                    url("afis"),
                    gettext("%(count)s of %(total)s answered")
                    % {"count": self.afis_answered, "total": len(self.afis)},
                )
            )

        submitted = status in (Status.AWAITING_APPROVAL, Status.APPROVED, Status.PUBLISHED)
        if submitted:
            tasks.append(Task(gettext("Submit for approval"), "completed"))
        elif status == Status.DRAFTING and not self.outstanding:
            tasks.append(Task(gettext("Submit for approval"), "incomplete", url("submit")))
        else:
            tasks.append(
                Task(
                    gettext("Submit for approval"),
                    "cannot_start",
                    hint=(
                        gettext("Still needed: ") + "; ".join(self.outstanding)
                        if self.outstanding
                        else gettext("Start drafting first")
                    ),
                )
            )

        if status in (Status.APPROVED, Status.PUBLISHED):
            tasks.append(Task(gettext("Approve or send back"), "completed"))
        elif status == Status.AWAITING_APPROVAL:
            tasks.append(Task(gettext("Approve or send back"), "incomplete", url("approve")))
        else:
            tasks.append(Task(gettext("Approve or send back"), "cannot_start"))

        if r.published_on and status == Status.PUBLISHED:
            tasks.append(
                Task(
                    gettext("Publish the response"),
                    "completed",
                    hint=gettext("Published on %(date)s") % {"date": long_date(r.published_on)},
                )
            )
        elif status == Status.APPROVED:
            tasks.append(Task(gettext("Publish the response"), "incomplete", url("publish")))
        else:
            tasks.append(Task(gettext("Publish the response"), "cannot_start"))

        version = self.latest_version
        if version is not None:
            sent = [sent_on for _, sent_on in copies_to(version)]
            done = sum(1 for d in sent if d)
            inspectorate = inspectorate_on(version.published_on).abbreviation
            tasks.append(
                Task(
                    gettext("Record the copies sent"),
                    "completed" if done == len(sent) else "incomplete",
                    url("copies"),
                    gettext(
                        "Version %(number)s: %(done)s of %(count)s recorded (%(inspectorate)s and the Home Secretary are required by s55(6))"
                    )
                    % {
                        "number": version.number,
                        "done": done,
                        "count": len(sent),
                        "inspectorate": inspectorate,
                    },
                )
            )
        else:
            tasks.append(Task(gettext("Record the copies sent"), "cannot_start"))
        return tasks

    def next_action(self, *, user, roles: set[str], is_force: bool) -> str:
        """What the person looking at the page should do next, in one sentence."""
        r = self.response
        status = Status(r.status)
        if is_force:
            if r.force_comments_submitted_at or r.force_comments_none_submitted:
                return gettext(
                    "Your comments have been submitted to the office. There is nothing more to do."
                )
            if status not in FORCE_COMMENT_STATUSES:
                return gettext(
                    "The office is no longer collecting the force's comments on this report."
                )
            if deadlines.is_late(due=r.force_reply_by, on=self.today):
                return gettext(
                    "The office asked for your comments by %(date)s. You can still add them and submit them to the office; they will be marked late."
                ) % {"date": long_date(r.force_reply_by, weekday=True)}
            return gettext("Add your comments and submit them to the office") + (
                f" by {long_date(r.force_reply_by, weekday=True)}." if r.force_reply_by else "."
            )
        if status == Status.NOT_REQUIRED:
            return gettext("No response is required: %(not_required_reason)s") % {
                "not_required_reason": r.not_required_reason
            }
        if status == Status.NOT_STARTED:
            return gettext("Invite the force to comment, choosing the date you need its reply by.")
        if status == Status.AWAITING_FORCE:
            return (
                gettext("Waiting for the force's comments")
                + (
                    gettext(" (due by %(date)s)")
                    % {"date": long_date(r.force_reply_by, weekday=True)}
                    if r.force_reply_by
                    else ""
                )
                + gettext(
                    ". Meanwhile you can write the %(holder_title)s's comments and the explanations."
                )
                % {"holder_title": r.policing_body.holder_title}
            )
        if status == Status.DRAFTING:
            if self.outstanding:
                return gettext("Still needed before approval: ") + "; ".join(self.outstanding) + "."
            return gettext("Everything is written: submit the response for approval.")
        if status == Status.AWAITING_APPROVAL:
            approver = bool(roles & {Membership.Role.OPCC_APPROVER, Membership.Role.OPCC_ADMIN})
            if r.submitted_for_approval_by_id == getattr(user, "pk", None):
                return gettext(
                    "Waiting for another approver: you submitted it, so someone else must approve it."
                )
            if approver:
                return gettext("Read the response, then approve it or send it back with a reason.")
            return gettext("Waiting for an approver to approve it or send it back.")
        if status == Status.APPROVED:
            if not roles & SIGN_OFF:
                return gettext(
                    "Approved: waiting for an approver or the office's admin to publish it."
                )
            return gettext(
                "Approved: publish it on the office's website and record the date and address."
            )
        if status == Status.WITHDRAWN:
            version = self.latest_version
            return (
                gettext(
                    "Version %(number)s was withdrawn: its page and PDF show the public note instead. Amend the response to publish a corrected version."
                )
                % {"number": version.number}
                if version
                else gettext("Withdrawn: amend the response to publish a corrected version.")
            )
        version = self.latest_version
        missing = [name for name, sent_on in copies_to(version) if not sent_on] if version else []
        if missing:
            required = not version.statutory_copies_sent
            inspectorate = inspectorate_on(version.published_on).abbreviation
            of = (
                gettext(" of version %(number)s") % {"number": version.number}
                if version.number > 1
                else ""
            )
            return gettext("Published: record when the copy%(of)s was sent to %(and_list)s") % {
                "of": of,
                "and_list": _and_list(missing),
            } + (
                gettext(" (s55(6) requires %(inspectorate)s and the Home Secretary).")
                % {"inspectorate": inspectorate}
                if required
                else "."
            )
        return gettext(
            "Published and copies sent. Nothing more to do unless the response is amended."
        )


def copies_to(version: ResponseVersion) -> list[tuple[str, date | None]]:
    """(Who, the date the copy went) for each copy an office sends of a published version:
    s55(6)'s two (the inspectorate named as it was on the day the version was published), then
    its scrutiny body if it has one and the chief officer."""
    body = version.response.policing_body
    inspectorate = inspectorate_on(version.published_on).abbreviation
    copies = [
        (inspectorate, version.copy_hmicfrs_on),
        (gettext("the Home Secretary"), version.copy_home_secretary_on),
    ]
    if body.scrutiny_body_name:
        copies.append((f"the {body.scrutiny_body_name}", version.copy_panel_on))
    copies.append((gettext("the chief officer"), version.copy_chief_officer_on))
    return copies


#: Statuses from which the force can be invited (the transition table's "invite the force").
INVITE_FROM = frozenset({Status.NOT_STARTED, Status.DRAFTING})


def section_changed_since(
    response: Response,
    lock_version: int,
    *,
    fields=(),
    findings=(),
    explanation_fields=("kind", "text", "force_comment"),
) -> bool:
    """Did anyone change these fields of the response, or these findings' explanations, after
    the editor opened the page at `lock_version`? Lets a save go ahead when only another
    section of the response changed, and refuses it when the editor's own section did. History
    rows carry the lock_version they saved; with no such row the answer is a cautious "yes".
    Three queries."""
    base = response.history.filter(lock_version=lock_version).order_by("-history_id").first()
    if base is None:
        return True
    if any(getattr(base, name) != getattr(response, name) for name in fields):
        return True
    ids = {f.pk for f in findings}
    if not ids:
        return False
    before: dict = {}
    for record in Explanation.history.filter(
        response_id=response.pk, finding_id__in=ids, history_date__lte=base.history_date
    ).order_by("history_date", "history_id"):
        before[record.finding_id] = None if record.history_type == "-" else record
    now = {
        e.finding_id: e for e in Explanation.objects.filter(response=response, finding_id__in=ids)
    }

    def values(explanation):
        if explanation is None:
            return ("",) * len(explanation_fields)
        return tuple(getattr(explanation, name) for name in explanation_fields)

    return any(values(before.get(pk)) != values(now.get(pk)) for pk in ids)


def last_change(response: Response, *, viewer, finding=None):
    """(who, when) of the latest saved change to the response, or to its explanation of
    `finding`: what an editor whose save was refused needs to know. Who is named to `viewer`
    as `person_namer` says."""
    if finding is not None:
        record = (
            Explanation.history.filter(response_id=response.pk, finding_id=finding.pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first()
        )
    else:
        record = response.history.select_related("history_user").order_by("-history_id").first()
    if record is None:
        return None, None
    user = record.history_user
    if user is None:
        return gettext("the system"), record.history_date
    return person_namer(viewer=viewer, people=[user])(user), record.history_date


def response_history(response: Response, *, viewer):
    """The response's timeline for `viewer` (four queries): each explanation named by its
    recommendation ("Explanation for R2"), people named as `person_namer` says (the office's
    own and its force's people by name, anyone else as their organisation), dates written out.
    """
    from django.contrib.auth import get_user_model

    records = list(response.history.select_related("history_user"))
    explanation_records = list(
        Explanation.history.filter(response_id=response.pk).select_related(
            "history_user", "finding"
        )
    )
    name = person_namer(
        viewer=viewer, people={r.history_user for r in (*records, *explanation_records)}
    )
    # A saved explanation also bumps the response's lock_version; that row says nothing more.
    entries = [
        entry
        for entry in timeline(records, what=gettext("Response"), name=name)
        if entry.changes or entry.reason != gettext("Explanation saved")
    ]
    by_finding: dict[int, list] = {}
    for record in explanation_records:
        by_finding.setdefault(record.finding_id, []).append(record)
    for versions in by_finding.values():
        finding = versions[-1].finding
        label = finding.reference or (
            gettext("recommendation at position %(position)s")
            if finding.kind == Finding.Kind.RECOMMENDATION
            else gettext("area for improvement at position %(position)s")
        ) % {"position": finding.position}
        entries += with_first_values(
            timeline(
                versions, what=gettext("Explanation for %(label)s") % {"label": label}, name=name
            ),
            versions,
            ("kind", "text", "force_comment"),
        )
    user_ids = {
        value
        for entry in entries
        for change in entry.changes
        if change.field.endswith("_by")
        for value in (change.old, change.new)
        if value.isdigit()
    }
    names = {str(u.pk): name(u) for u in get_user_model().objects.filter(pk__in=user_ids)}
    entries = readable_entries(entries, user_names=names)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


# --- The report pages (the list and the report page show the office's response) -------------


def reports_for_office(
    *,
    office=None,
    year: int | None = None,
    report_type: str = "",
    response_status: str = "",
    search: str = "",
):
    """Reports an office works with (those covering its force, and national ones), newest
    first, each annotated with this office's response (`office_response_id`,
    `office_response_status`) in the same query. `office=None` (a superuser without an office)
    lists every report. `response_status="none"` keeps the reports without a response."""
    reports = Report.objects.all()
    if office is not None:
        reports = Report.objects.covering_force(office.force)
        own = Response.objects.filter(report=OuterRef("pk"), policing_body=office)
        reports = reports.annotate(
            office_response_id=Subquery(own.values("pk")[:1]),
            office_response_status=Subquery(own.values("status")[:1]),
        )
        if response_status == "none":
            reports = reports.filter(office_response_id__isnull=True)
        elif response_status:
            reports = reports.filter(office_response_status=response_status)
    if year:
        reports = reports.filter(published_on__year=year)
    if report_type:
        reports = reports.filter(report_type=report_type)
    if search.strip():
        words = search.split()
        for word in words:
            reports = reports.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(inspection_type_label__icontains=word)
            )
    return reports.order_by("-published_on", "title")


def report_page(report, *, office=None) -> ReportPage:
    """The report page: the report (`inspections.selectors.ReportPage`) and, as `response`,
    this office's response to it (None without an office or a response)."""
    page = ReportPage(report)
    page.response = (
        Response.objects.filter(report=report, policing_body=office).first()
        if office is not None
        else None
    )
    return page


# --- The public page of a version just published ---------------------------------------------

#: What the office is told about the public page of its latest published version.
PUBLIC_PAGE_LIVE = "live"
PUBLIC_PAGE_PREPARING = "preparing"
PUBLIC_PAGE_DELAYED = "delayed"


def public_page_state(version: ResponseVersion | None) -> str:
    """Is the public page of this published version there yet? The public site serves only its
    own copy of a version (docs/decisions/0008), made by a worker after the publication commits
    (the recorded delivery of "response.published", core/events.py), so for a few seconds after
    publishing there is no page. "live" once the copy of this version exists; until then
    "delayed" if its recorded delivery failed (it is retried, and the dashboard shows it), else
    "preparing". "" for no version. Nothing is made here: this only reads what was recorded."""
    if version is None:
        return ""
    if ResponseVersion.objects.filter(pk=version.pk, public_record__isnull=False).exists():
        return PUBLIC_PAGE_LIVE
    failed = EventDelivery.objects.filter(
        event="response.published",
        key=f"version_id={version.pk}",
        status=DeliveryStatus.FAILED,
    )
    return PUBLIC_PAGE_DELAYED if failed.exists() else PUBLIC_PAGE_PREPARING

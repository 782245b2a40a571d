"""The dashboard at /responses/: what each office (or force) has to do next, soonest first.

The selectors here cost a fixed number of queries whatever the number of responses: the open
responses with their reports and office, every recommendation of those reports, every
explanation of those responses, and the recently published responses.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import (
    APPROVER_ROLES,
    force_ids,
    has_office_role,
    is_national_viewer,
    is_register_maintainer,
    member_required,
    user_office,
)
from accounts.selectors import person_namer
from core.dates import long_date
from core.templatetags.govuk import render_tag
from inspections.models import Finding, ReportCorrection

from . import deadlines
from .corrections import closed_as_not_concerned, correction_summary_text
from .models import Explanation, Response, Status
from .selectors import response_outstanding, responses_visible_to

#: "Due soon": within this many calendar days of the statutory due date.
DUE_SOON_DAYS = 14
#: "Recently published": within this many days.
RECENT_DAYS = 30
#: Corrections of the office's reports are noticed on the dashboard for this many days.
CORRECTION_NOTICE_DAYS = 30


@dataclass
class CorrectionNote:
    """A correction of the shared facts of a report this office responds to."""

    correction: ReportCorrection
    response: Response
    summary: str
    #: Who made it, as `accounts.selectors.person_namer` names them to the office.
    made_by: str
    #: The corrected report no longer concerns the office's force: its response was closed.
    closed: bool = False


def correction_notices(*, body, user, today: date) -> list[CorrectionNote]:
    """Corrections made in the last CORRECTION_NOTICE_DAYS to reports the office responds to,
    newest first (one query; when there are any, one for their responses, one for who made
    them and one for the names of forces if a correction moved them). Who made each is named
    as `person_namer` says to `user` (another organisation's people as their organisation).

    The office's responses are a semi-join, not loaded: an office has hundreds over ten years
    (465 at national scale) and the notices concern a handful."""
    since = today - timedelta(days=CORRECTION_NOTICE_DAYS)
    own = Response.objects.for_body(body)
    corrections = ReportCorrection.objects.filter(
        report_id__in=own.values("report_id"),
        status=ReportCorrection.Status.APPLIED,
        decided_at__date__gte=since,
    ).select_related("report", "decided_by")
    corrections = list(corrections.order_by("-decided_at", "-pk"))
    if not corrections:
        return []
    responses = {
        r.report_id: r
        for r in own.filter(report_id__in={c.report_id for c in corrections}).select_related(
            "report"
        )
    }
    name = person_namer(viewer=user, people={c.decided_by for c in corrections})
    return [
        CorrectionNote(
            correction=c,
            response=responses[c.report_id],
            summary=correction_summary_text(c),
            made_by=name(c.decided_by),
            closed=bool({"scope", "forces"} & set(c.proposed_facts()))
            and closed_as_not_concerned(responses[c.report_id]),
        )
        for c in corrections
    ]


@dataclass
class DashboardRow:
    response: Response
    day: int | None
    days_left: int | None
    waiting_on: list[str] = field(default_factory=list)
    #: What the table's cells show, made once a page by `table_cells` (the template's filters
    #: and tags, row by row, were most of the page's rendering).
    url: str = ""
    status_tag: str = ""
    day_text: str = ""
    due: str = ""
    publish_by: str = ""

    @cached_property
    def urgency(self) -> str:
        """'overdue', 'soon' (due within 14 days) or ''."""
        if self.days_left is None:
            return ""
        if self.days_left < 0:
            return "overdue"
        if self.days_left <= DUE_SOON_DAYS:
            return "soon"
        return ""

    @cached_property
    def days_left_text(self) -> str:
        if self.days_left is None:
            return _("No statutory deadline")
        if self.days_left < 0:
            late = -self.days_left
            return ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", late) % {
                "days": late
            }
        if self.days_left == 0:
            return _("Due today")
        return ngettext("%(days)s day left", "%(days)s days left", self.days_left) % {
            "days": self.days_left
        }


def _waiting_on(response: Response, *, recommendations, explanations, today: date) -> list[str]:
    """What the response is waiting for, in words, from its status and what is missing."""
    status = response.status
    if status == Status.AWAITING_FORCE:
        reply_by = response.force_reply_by
        text = _("the force's comments")
        if reply_by:
            text += _(" (reply by %(date)s") % {"date": long_date(reply_by)}
            text += _(", now late)") if deadlines.is_late(due=reply_by, on=today) else _(")")
        return [text]
    if status == Status.AWAITING_APPROVAL:
        return ["approval"]
    if status == Status.APPROVED:
        return ["publication"]
    needed = response_outstanding(
        response, recommendations=recommendations, explanations=explanations
    )
    return needed or [_("submission for approval")]


def table_cells(rows: list[DashboardRow]) -> None:
    """Fill in what each row's cells show, as `_dashboard_table.html` showed it with filters
    and tags: the same text, each label translated once a page (as
    `responses.report_views.report_rows` does for the report list)."""
    address = reverse("responses:detail", args=[0])
    tags = {status: render_tag(status.label, status.colour) for status in Status}
    none = _("None")
    for row in rows:
        response = row.response
        row.url = address.replace("/0/", f"/{response.pk}/")
        status = Status(response.status)
        row.status_tag = tags[status]
        if row.day:
            row.day_text = _("Day %(day)s of %(period)s") % {"day": row.day, "period": 56}
        row.due = dateformat.format(response.due_date, "D j M Y") if response.due_date else none
        row.publish_by = (
            dateformat.format(response.publish_by, "D j M Y") if response.publish_by else none
        )


def office_dashboard(*, body, user, today: date) -> dict:
    """Everything the office dashboard shows, in four queries."""
    open_responses = list(
        Response.objects.for_body(body)
        .open()
        .select_related("report", "policing_body", "submitted_for_approval_by")
        .order_by(F("due_date").asc(nulls_last=True), "report__title", "pk")
    )
    report_ids = {r.report_id for r in open_responses}
    recommendations: dict[int, list[Finding]] = {rid: [] for rid in report_ids}
    for finding in Finding.objects.filter(
        report_id__in=report_ids, kind=Finding.Kind.RECOMMENDATION
    ).only("pk", "report_id"):
        recommendations[finding.report_id].append(finding)
    explanations: dict[int, list[Explanation]] = {r.pk: [] for r in open_responses}
    # Everything `Explanation.is_complete` reads (a deferred refers_to cost a query a row).
    for explanation in Explanation.objects.filter(response__in=open_responses).only(
        "pk", "response_id", "finding_id", "kind", "text", "refers_to_id"
    ):
        explanations[explanation.response_id].append(explanation)

    rows = []
    for response in open_responses:
        due = response.due_date
        rows.append(
            DashboardRow(
                response=response,
                day=(
                    deadlines.day_of_period(published_on=response.report.published_on, today=today)
                    if due
                    else None
                ),
                days_left=deadlines.days_left(due=due, today=today) if due else None,
                waiting_on=_waiting_on(
                    response,
                    recommendations=recommendations[response.report_id],
                    explanations=explanations[response.pk],
                    today=today,
                ),
            )
        )

    table_cells(rows)
    recently_published = list(
        Response.objects.for_body(body)
        .filter(status=Status.PUBLISHED, published_on__gte=today - timedelta(days=RECENT_DAYS))
        .select_related("report")
        .order_by("-published_on", "pk")
    )
    is_approver = has_office_role(user, body, *APPROVER_ROLES)
    corrections = correction_notices(body=body, user=user, today=today)
    awaiting_approval = [r for r in rows if r.response.status == Status.AWAITING_APPROVAL]
    return {
        "rows": rows,
        "awaiting_force": [r for r in rows if r.response.status == Status.AWAITING_FORCE],
        "awaiting_approval": awaiting_approval,
        "is_approver": is_approver,
        "recently_published": recently_published,
        "recent_days": RECENT_DAYS,
        "corrections": corrections,
        "correction_days": CORRECTION_NOTICE_DAYS,
        "due_soon_days": DUE_SOON_DAYS,
        "counts": {
            "open": len(rows),
            "overdue": sum(1 for r in rows if r.urgency == "overdue"),
            "soon": sum(1 for r in rows if r.urgency == "soon"),
            "awaiting_force": sum(1 for r in rows if r.response.status == Status.AWAITING_FORCE),
            "awaiting_approval": len(awaiting_approval),
            "published": len(recently_published),
        },
    }


@dataclass
class ForceRow:
    response: Response
    days_to_reply: int | None

    @property
    def days_overdue(self) -> int:
        return -self.days_to_reply if self.days_to_reply and self.days_to_reply < 0 else 0

    @property
    def submitted(self) -> bool:
        return self.response.force_comments_submitted_at is not None

    @property
    def late(self) -> bool:
        reply_by = self.response.force_reply_by
        if not reply_by:
            return False
        if self.submitted:
            return timezone.localdate(self.response.force_comments_submitted_at) > reply_by
        return self.days_to_reply is not None and self.days_to_reply < 0


#: The force's responses it has already answered (or that closed), a page at a time.
FORCE_DONE_PAGE_SIZE = 20


def force_dashboard(*, user, today: date, page=None) -> dict:
    """What a force contributor has to do, and what it has done, in three queries.

    "To do" is every response waiting for the force's comments that it has not sent: each is
    work to act on, however many. Everything else the force was invited to comment on (465
    responses over ten years for a force at national scale) is listed newest invitation
    first, FORCE_DONE_PAGE_SIZE at a time: the recent ones are the ones a contributor looks
    back at, and the page costs the same in its tenth year as in its first
    (docs/benchmarks.md)."""
    visible = responses_visible_to(user).select_related("report", "policing_body")
    waiting = Q(status=Status.AWAITING_FORCE, force_comments_submitted_at__isnull=True)
    to_do = [
        ForceRow(
            response=r,
            days_to_reply=(r.force_reply_by - today).days if r.force_reply_by else None,
        )
        for r in visible.filter(waiting).order_by(F("force_reply_by").asc(nulls_last=True), "pk")
    ]
    done = Paginator(
        visible.exclude(waiting).order_by("-force_invited_on", "-pk"), FORCE_DONE_PAGE_SIZE
    ).get_page(page)
    return {
        "to_do": to_do,
        "others": [ForceRow(response=r, days_to_reply=None) for r in done],
        "others_page": done,
    }


def dashboard(request):
    """The office's or the force's dashboard; the register maintainer, in neither, goes to the
    corrections."""
    user = request.user
    if (
        user.is_authenticated
        and is_register_maintainer(user)
        and user_office(user) is None
        and not force_ids(user)
    ):
        return redirect("corrections:list")
    if user.is_authenticated and is_national_viewer(user) and user_office(user) is None:
        return redirect("tracking:national")
    return _member_dashboard(request)


@member_required
def _member_dashboard(request):
    today = timezone.localdate()
    office = user_office(request.user)
    if office is not None:
        context = office_dashboard(body=office, user=request.user, today=today)
        return render(request, "responses/dashboard.html", {"office": office, **context})
    context = force_dashboard(user=request.user, today=today, page=request.GET.get("page"))
    return render(request, "responses/dashboard_force.html", {"force": request.force, **context})

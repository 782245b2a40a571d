"""State changes to Section 55 responses. Every change to a response goes through here.

Each service is keyword-only, runs in a transaction, locks the row it changes, checks the
workflow table and the statutory guards, records who and why in the history, and bumps the
optimistic-lock version. Statutory references are to the Police Act 1996 s55 as amended by the
Policing and Crime Act 2017 s37.
"""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Membership
from accounts.permissions import force_ids, has_office_role
from accounts.selectors import force_contributors
from core.dates import clock_time, long_date
from core.events import emit
from core.history import attribute, reason_text
from core.locking import bump_lock_version, check_version
from core.models import OutgoingEmail
from inspections.links import linked_ids
from inspections.models import Finding
from inspections.services import report_create

from . import bilingual, deadlines, reasons, redaction
from .copies import copy_addresses, parse_email_key
from .models import (
    Explanation,
    RedactedPassage,
    Redaction,
    Response,
    ResponseVersion,
    ScheduledPublication,
    Status,
)
from .notifications import send_sent_back
from .workflow import (
    ACTION_ROLES,
    EDITABLE_STATUSES,
    FORCE_COMMENT_STATUSES,
    REDACTION_STATUSES,
    SEND_COPIES,
    SEND_COPIES_ROLES,
    ActionNotAllowed,
    ConcurrentEditError,
    WorkflowError,
    check_action,
    check_may,
    check_may_record_published,
    check_may_redact,
    check_transition,
    may_take,
)


def _locked(response: Response) -> Response:
    return (
        Response.objects.select_for_update()
        .select_related("report", "policing_body")
        .get(pk=response.pk)
    )


def _check_action(response: Response, target: Status, action: str, acting_user) -> None:
    """The transition table and the role table (`responses.workflow`), for the acting user."""
    check_action(
        response.status,
        target,
        action,
        user=acting_user,
        policing_body_id=response.policing_body_id,
    )


def _save(response: Response, *, acting_user, reason: str, fields: list[str]) -> Response:
    attribute(response, acting_user=acting_user, reason=reason)
    response.save(update_fields=[*fields, *bump_lock_version(response), "updated_at"])
    return response


def _check_lock(response: Response, expected_lock_version: int | None) -> None:
    check_version(
        expected=expected_lock_version,
        current=response.lock_version,
        error=ConcurrentEditError,
        message=_(
            "Someone else saved this response after you opened it. Your text has been kept: compare it with their change below, then save again."
        ),
    )


def _apply_one_language(response: Response, one_language: dict[str, str] | None) -> list[str]:
    """Record or withdraw (an empty reason) why texts are published in one language only
    ({text key: reason}, `responses.bilingual.PublicText.key`); the fields to save."""
    if not one_language:
        return []
    reasons = dict(response.one_language_reasons or {})
    for key, reason in one_language.items():
        if (reason or "").strip():
            reasons[key] = reason.strip()
        else:
            reasons.pop(key, None)
    if reasons == (response.one_language_reasons or {}):
        return []
    response.one_language_reasons = reasons
    return ["one_language_reasons"]


def _require_text(value: str, message: str) -> str:
    if not (value or "").strip():
        raise WorkflowError(message)
    return value.strip()


def check_report_attracts_s55(report) -> None:
    """Refuse any response to a report that carries no s55 duty for anyone (`attracts_s55`).

    Whether *one body* must respond is not decided here: that is its own response's
    "not required" status, with its reason (`response_mark_not_required`)."""
    if not report.attracts_s55:
        raise WorkflowError(
            _(
                "This report does not need a Section 55 response: fire and rescue inspection reports have no Section 55 duty."
            )
        )


def response_create(*, report, policing_body, acting_user, reason: str = "") -> Response:
    """Open the s55 response of `policing_body` to `report`, with its statutory due date.

    s55(5A): due = publication + 55 days (publication day is day 1); none before 2 May 2017.
    A report's recording opens the responses of the bodies it concerns
    (`responses_create_for_report`); this opens one for a body the report does not list.
    """
    check_report_attracts_s55(report)
    with transaction.atomic():
        if Response.objects.filter(report=report, policing_body=policing_body).exists():
            raise WorkflowError(
                _("%(short_name)s already has a response to this report.")
                % {"short_name": policing_body.short_name}
            )
        response = Response(report=report, policing_body=policing_body)
        _set_due_dates(response, report.published_on)
        attribute(response, acting_user=acting_user, reason=reason or "Response opened")
        response.save()
    return response


#: The history reason of a response opened because its report was recorded.
OPENED_WITH_REPORT = "Opened when the report was recorded"


def responses_create_for_report(
    *, report, acting_user, reason: str = OPENED_WITH_REPORT
) -> list[Response]:
    """Open a "not started" response, with its statutory due dates, for every body the report
    concerns (`Report.bodies_concerned`: every body for a national report) that has none yet,
    so each body's clock, dashboard and reminders start the day the report is recorded, whether
    or not anyone in that office has opened it. A body that need not respond records that on
    its own response (`response_mark_not_required`); nothing here decides it for anyone.

    Whatever records a report, or changes the forces or scope it covers, calls this in the same
    transaction: the report form's pages, the admin, the importer's confirm and the demo.
    Idempotent (bodies with a response are left alone; the report row is locked so two callers
    cannot both open one) and a fixed number of queries whatever the number of bodies: the
    responses and their first history rows are inserted in bulk. A report with no s55 duty
    (fire and rescue) opens nothing. Returns the responses opened."""
    if not report.attracts_s55:
        return []
    with transaction.atomic():
        report = type(report).objects.select_for_update().get(pk=report.pk)
        bodies = report.bodies_concerned().exclude(
            pk__in=Response.objects.filter(report=report).values("policing_body_id")
        )
        opened = []
        for body in bodies.order_by("pk"):
            response = Response(report=report, policing_body=body)
            _set_due_dates(response, report.published_on)
            opened.append(response)
        if opened:
            opened = bulk_create_with_history(
                opened, Response, default_user=acting_user, default_change_reason=reason
            )
    return opened


def report_record(*, acting_user, forces=(), reason: str = "Report recorded", **fields):
    """Record a report (`inspections.services.report_create`) and open, in the same
    transaction, the responses of the bodies it concerns (`responses_create_for_report`): the
    report pages and the admin record a report through this. Returns the report."""
    with transaction.atomic():
        report = report_create(acting_user=acting_user, forces=forces, reason=reason, **fields)
        responses_create_for_report(report=report, acting_user=acting_user)
    return report


def _set_due_dates(response: Response, published_on: date) -> None:
    response.due_date = deadlines.statutory_due_date(published_on)
    response.publish_by = (
        deadlines.publish_by_date(response.due_date) if response.due_date else None
    )


def response_invite_force(
    *, response: Response, invited_on: date, reply_by: date, acting_user, force_contact=None
) -> Response:
    """s55(4): invite the chief officer's comments before a date the body specifies, addressed
    to `force_contact` (one of the force's contributors) if the office names one."""
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.AWAITING_FORCE, "invite the force", acting_user)
        if reply_by < invited_on:
            raise WorkflowError(
                _("The reply-by date must be on or after the date of the invitation.")
            )
        if invited_on < response.report.published_on:
            raise WorkflowError(_("The force cannot be invited before the report was published."))
        force = response.policing_body.force
        if (
            force_contact is not None
            and not force_contributors(force).filter(pk=force_contact.pk).exists()
        ):
            raise WorkflowError(
                _(
                    "%(display_name)s is not a contributor for %(name)s: choose one of the force's contributors, or invite them first."
                )
                % {"display_name": force_contact.display_name, "name": force.name}
            )
        response.status = Status.AWAITING_FORCE
        response.force_invited_on = invited_on
        response.force_reply_by = reply_by
        response.force_contact = force_contact
        with translation.override(settings.LANGUAGE_CODE):  # stored in English
            reason = reasons.FORCE_INVITED(date=long_date(reply_by))
            if force_contact is not None:
                reason = reasons.FORCE_INVITED_TO(
                    date=long_date(reply_by), name=force_contact.display_name
                )
        response = _save(
            response,
            acting_user=acting_user,
            reason=reason,
            fields=["status", "force_invited_on", "force_reply_by", "force_contact"],
        )
        # The invitation email to the force's contributors: config/events.py.
        emit(
            "response.force_invited",
            office_id=response.policing_body_id,
            response_id=response.pk,
            lock_version=response.lock_version,
        )
        return response


def response_start_drafting(*, response: Response, acting_user, reason: str = "") -> Response:
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.DRAFTING, "start drafting", acting_user)
        response.status = Status.DRAFTING
        return _save(
            response,
            acting_user=acting_user,
            reason=reason or "Drafting started",
            fields=["status"],
        )


def response_record_force_comments(
    *,
    response: Response,
    acting_user,
    text: str = "",
    text_cy: str = "",
    received_on: date,
    author_name: str = "",
    author_role: str = "",
    none_submitted: bool = False,
    one_language: dict[str, str] | None = None,
    expected_lock_version: int | None = None,
) -> Response:
    """Record the chief officer's comments (s55(5)(b)), or that none were submitted, as
    received: in English (`text`), in Welsh (`text_cy`) or both.

    Once the force has replied, an office still awaiting the force moves on to drafting.
    Refused if somebody saved the response since the editor opened it (`expected_lock_version`).
    """
    with transaction.atomic():
        response = _locked(response)
        _check_lock(response, expected_lock_version)
        if response.status not in FORCE_COMMENT_STATUSES:
            raise WorkflowError(
                _(
                    "The force's comments can only be recorded after the force has been invited and before the response goes for approval; it is %(lower)s."
                )
                % {"lower": response.get_status_display().lower()}
            )
        if none_submitted:
            text = text_cy = ""
        elif not (text_cy or "").strip():
            text = _require_text(
                text, _("Enter the force's comments, or record that none were submitted.")
            )
        response.force_comments = (text or "").strip()
        response.force_comments_cy = (text_cy or "").strip()
        response.force_comments_none_submitted = none_submitted
        response.force_comments_received_on = received_on
        response.force_comments_author_name = author_name.strip()
        response.force_comments_author_role = author_role.strip()
        response.force_comments_submitted_at = timezone.now()
        fields = [
            "force_comments",
            "force_comments_cy",
            "force_comments_none_submitted",
            "force_comments_received_on",
            "force_comments_author_name",
            "force_comments_author_role",
            "force_comments_submitted_at",
            *_apply_one_language(response, one_language),
        ]
        if response.status == Status.AWAITING_FORCE:
            check_transition(response.status, Status.DRAFTING, "start drafting")
            response.status = Status.DRAFTING
            fields.append("status")
        late = deadlines.is_late(due=response.force_reply_by, on=received_on)
        reason = (
            "No comments submitted by the force" if none_submitted else "Force comments recorded"
        )
        response = _save(
            response,
            acting_user=acting_user,
            reason=reason + (" (after the reply-by date)" if late else ""),
            fields=fields,
        )
        if _is_force_contributor(acting_user, response):
            # The force submitted them itself: the office's drafters are told (config/events.py).
            emit(
                "response.force_comments_submitted",
                office_id=response.policing_body_id,
                response_id=response.pk,
                lock_version=response.lock_version,
            )
        return response


def _is_force_contributor(user, response: Response) -> bool:
    return Membership.objects.filter(
        user=user,
        force_id=response.policing_body.force_id,
        role=Membership.Role.FORCE_CONTRIBUTOR,
        is_active=True,
    ).exists()


def response_update_text(
    *,
    response: Response,
    acting_user,
    expected_lock_version: int | None = None,
    office_comments: str | None = None,
    reply_to_force: str | None = None,
    internal_notes: str | None = None,
    office_comments_cy: str | None = None,
    reply_to_force_cy: str | None = None,
    amendment_reason: str | None = None,
    amendment_reason_cy: str | None = None,
    one_language: dict[str, str] | None = None,
    reason: str = "Text edited",
) -> Response:
    """Save the office's own text (the `_cy` arguments are the Welsh versions, for a body that
    publishes bilingually; `amendment_reason` only while an amendment is in progress).
    Refused if somebody saved since the editor opened it."""
    public = {
        "office_comments": office_comments,
        "reply_to_force": reply_to_force,
        "office_comments_cy": office_comments_cy,
        "reply_to_force_cy": reply_to_force_cy,
        "amendment_reason": amendment_reason,
        "amendment_reason_cy": amendment_reason_cy,
    }
    with transaction.atomic():
        response = _locked(response)
        _check_lock(response, expected_lock_version)
        if (amendment_reason is not None or amendment_reason_cy is not None) and (
            response.published_on is None or response.status not in EDITABLE_STATUSES
        ):
            raise WorkflowError(
                gettext("The reason for an amendment can only change while amending.")
            )
        if amendment_reason is not None and not amendment_reason.strip():
            raise WorkflowError(gettext("Say why the published response is being amended."))
        if response.status not in EDITABLE_STATUSES and any(
            value is not None for value in public.values()
        ):
            raise WorkflowError(
                _(
                    "The response is %(lower)s: send it back to drafting (or amend it) before changing its text."
                )
                % {"lower": response.get_status_display().lower()}
            )
        fields = []
        for name, value in (*public.items(), ("internal_notes", internal_notes)):
            if value is not None:
                setattr(response, name, value)
                fields.append(name)
        fields += _apply_one_language(response, one_language)
        return _save(response, acting_user=acting_user, reason=reason, fields=fields)


def response_record_one_language(
    *,
    response: Response,
    key: str,
    reason: str,
    acting_user,
    expected_lock_version: int | None = None,
) -> Response:
    """Record why one public text of a bilingual body's response (`key`, as
    `responses.bilingual.PublicText.key`) is published in one language only, for example the
    force's comments as the force sent them; an empty `reason` withdraws it, so publishing
    again needs both languages (`responses.bilingual.translation_problems`)."""
    valid = key in ("office_comments", "reply_to_force", "force_comments", "amendment_reason")
    prefix, _, finding_id = key.partition(":")
    if prefix in ("explanation", "force_comment") and finding_id.isdigit():
        valid = Finding.objects.filter(pk=int(finding_id), report_id=response.report_id).exists()
    if not valid:
        raise WorkflowError(gettext("That is not a text of this response."))
    with transaction.atomic():
        response = _locked(response)
        _check_lock(response, expected_lock_version)
        if response.status not in EDITABLE_STATUSES:
            raise WorkflowError(
                gettext(
                    "The response is %(lower)s: send it back to drafting (or amend it) before changing how its texts are published."
                )
                % {"lower": response.get_status_display().lower()}
            )
        reasons = dict(response.one_language_reasons or {})
        if reason.strip():
            reasons[key] = reason.strip()
            history = f"Published in one language only ({key}): {reason.strip()}"
        else:
            reasons.pop(key, None)
            history = f"Both languages needed again ({key})"
        response.one_language_reasons = reasons
        return _save(
            response, acting_user=acting_user, reason=history, fields=["one_language_reasons"]
        )


def explanation_save(
    *,
    response: Response,
    finding: Finding,
    acting_user,
    kind: str = "",
    text: str | None = None,
    force_comment: str | None = None,
    text_cy: str | None = None,
    force_comment_cy: str | None = None,
    one_language: dict[str, str] | None = None,
    expected_lock_version: int | None = None,
) -> Explanation:
    """Save the body's explanation for a recommendation (s55(5B)) or its response to an AFI,
    and/or the force's comment beside it. Refused if somebody saved the response since the
    editor opened it (`expected_lock_version`)."""
    if finding.report_id != response.report_id:
        raise WorkflowError(_("That recommendation belongs to a different report."))
    if finding.kind not in (Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT):
        raise WorkflowError(
            _("Only recommendations and areas for improvement take an explanation.")
        )
    if kind and kind not in Explanation.Kind.values:
        raise WorkflowError(_("Unknown kind of explanation: %(kind)s.") % {"kind": kind})
    if not (
        has_office_role(acting_user, response.policing_body_id)
        or response.policing_body.force_id in force_ids(acting_user)
        or getattr(acting_user, "is_superuser", False)  # the admin: the service's operators
    ):
        # Nobody else writes here: not another office, not national read-only staff.
        raise WorkflowError(_("Only the office's staff and its force can write explanations."))
    with transaction.atomic():
        response = _locked(response)
        _check_lock(response, expected_lock_version)
        office_text_changes = text is not None or text_cy is not None
        allowed = (
            EDITABLE_STATUSES if office_text_changes else FORCE_COMMENT_STATUSES | EDITABLE_STATUSES
        )
        if response.status not in allowed:
            raise WorkflowError(
                _(
                    "The response is %(lower)s: send it back to drafting (or amend it) before changing explanations."
                )
                % {"lower": response.get_status_display().lower()}
            )
        # Not get_or_create: a new explanation's first history row must name who and why too.
        explanation = Explanation.objects.select_for_update().filter(
            response=response, finding=finding
        ).first() or Explanation(response=response, finding=finding)
        if office_text_changes:
            explanation.kind = kind
        if text is not None:
            explanation.text = text
            # Writing the explanation in full replaces an answer by reference.
            explanation.refers_to = None
        if text_cy is not None:
            explanation.text_cy = text_cy
        if force_comment is not None:
            explanation.force_comment = force_comment
        if force_comment_cy is not None:
            explanation.force_comment_cy = force_comment_cy
        attribute(
            explanation,
            acting_user=acting_user,
            reason=f"Explanation for {finding.reference or 'a finding'} saved",
        )
        explanation.save()
        _save(
            response,
            acting_user=acting_user,
            reason="Explanation saved",
            fields=_apply_one_language(response, one_language),
        )
    return explanation


def reference_options(response: Response, finding: Finding) -> list[Explanation]:
    """The body's own explanations of the recommendations linked to `finding`
    (inspections.models.FindingLink, either way round) that an answer by reference may point
    at: written in full (not themselves by reference), in another of the body's responses."""
    linked = linked_ids([finding.pk]).get(finding.pk, set())
    return [
        e
        for e in Explanation.objects.filter(
            finding_id__in=linked,
            response__policing_body_id=response.policing_body_id,
            refers_to__isnull=True,
        )
        .exclude(response=response)
        .select_related("finding", "response__report")
        .order_by("response__report__published_on", "finding__position")
        if e.kind and e.text.strip()
    ]


def explanation_answer_by_reference(
    *,
    response: Response,
    finding: Finding,
    refers_to: Explanation,
    acting_user,
    expected_lock_version: int | None = None,
) -> Explanation:
    """Answer a recommendation by reference ("see our response to ...") to the body's own
    explanation of a linked recommendation (`reference_options`). It satisfies s55(5B) only
    once that explanation is published: publishing re-checks it (`publication_problems`).
    Writing the explanation in full later (`explanation_save`) replaces the reference."""
    if finding.report_id != response.report_id:
        raise WorkflowError(_("That recommendation belongs to a different report."))
    if finding.kind != Finding.Kind.RECOMMENDATION:
        raise WorkflowError(_("Only a recommendation can be answered by reference."))
    if refers_to.pk not in {e.pk for e in reference_options(response, finding)}:
        raise WorkflowError(
            _(
                "A recommendation can be answered by reference only to your office's own written explanation of a recommendation linked to it."
            )
        )
    with transaction.atomic():
        response = _locked(response)
        _check_lock(response, expected_lock_version)
        if not has_office_role(acting_user, response.policing_body_id):
            raise WorkflowError(_("Only the office's own staff can write its explanations."))
        if response.status not in EDITABLE_STATUSES:
            raise WorkflowError(
                _(
                    "The response is %(lower)s: send it back to drafting (or amend it) before changing explanations."
                )
                % {"lower": response.get_status_display().lower()}
            )
        explanation = Explanation.objects.select_for_update().filter(
            response=response, finding=finding
        ).first() or Explanation(response=response, finding=finding)
        explanation.refers_to = refers_to
        explanation.kind = ""
        explanation.text = ""
        attribute(
            explanation,
            acting_user=acting_user,
            reason=reasons.ANSWERED_BY_REFERENCE_TO(
                reference=finding.reference or "A recommendation",
                other=refers_to.finding.reference or "the linked recommendation",
                title=refers_to.response.report.title,
            ),
        )
        explanation.save()
        _save(response, acting_user=acting_user, reason="Explanation saved", fields=[])
    return explanation


def response_save_force_draft(
    *,
    response: Response,
    acting_user,
    expected_lock_version: int | None = None,
    text: str = "",
    author_name: str = "",
    author_role: str = "",
    comments: dict | None = None,
    submit: bool = False,
    none_submitted: bool = False,
    text_cy: str | None = None,
) -> Response:
    """Save the force's comments as a draft, before the force submits them to the office: its
    overall comments, who they are from, and its comment on each recommendation (`comments`,
    {Finding: text}). Refused once the force has submitted them (submission locks them) or
    when the office is no longer collecting them, and if somebody saved since the editor opened
    the page. With `submit`, the saved draft is submitted to the office in the same transaction
    (`response_record_force_comments`, received today): both happen or neither. `text_cy`: the
    comments in Welsh, for a body that publishes bilingually (in either language or both)."""
    comments = comments or {}
    if any(f.report_id != response.report_id for f in comments):
        raise WorkflowError(_("That recommendation belongs to a different report."))
    with transaction.atomic():
        response = _locked(response)
        _check_lock(response, expected_lock_version)
        if response.force_comments_submitted_at or response.force_comments_none_submitted:
            raise WorkflowError(
                _(
                    "The force's comments have already been submitted to the office, so they can no longer be changed here. Ask the office if something needs correcting."
                )
            )
        if response.status not in FORCE_COMMENT_STATUSES:
            raise WorkflowError(
                _(
                    "The office is no longer collecting the force's comments: the response is %(lower)s."
                )
                % {"lower": response.get_status_display().lower()}
            )
        existing = {
            e.finding_id: e
            for e in Explanation.objects.select_for_update().filter(
                response=response, finding__in=list(comments)
            )
        }
        for finding, comment in comments.items():
            explanation = existing.get(finding.pk)
            if explanation is None and not comment.strip():
                continue
            if explanation is None:
                explanation = Explanation(response=response, finding=finding)
            elif explanation.force_comment == comment:
                continue
            explanation.force_comment = comment
            attribute(
                explanation,
                acting_user=acting_user,
                reason=f"Force's comment on {finding.reference or 'a recommendation'} saved",
            )
            explanation.save()
        response.force_comments = text
        response.force_comments_author_name = author_name.strip()
        response.force_comments_author_role = author_role.strip()
        fields = ["force_comments", "force_comments_author_name", "force_comments_author_role"]
        if text_cy is not None:
            response.force_comments_cy = text_cy
            fields.append("force_comments_cy")
        response = _save(
            response,
            acting_user=acting_user,
            reason="Force's draft comments saved",
            fields=fields,
        )
        if submit:
            response = response_record_force_comments(
                response=response,
                acting_user=acting_user,
                text=text,
                text_cy=response.force_comments_cy,
                received_on=timezone.localdate(),
                author_name=author_name,
                author_role=author_role,
                none_submitted=none_submitted,
            )
        return response


def missing_explanations(response: Response) -> list[Finding]:
    """Recommendations without a complete explanation: s55(5B) requires one for each."""
    complete = {
        e.finding_id
        for e in Explanation.objects.filter(response=response).select_related(None)
        if e.is_complete
    }
    return [
        f
        for f in Finding.objects.filter(report_id=response.report_id).recommendations()
        if f.pk not in complete
    ]


def _unexplained(response: Response) -> list[str]:
    """The references of the recommendations missing an explanation (s55(5B))."""
    numbers = {
        f.pk: n
        for n, f in enumerate(
            Finding.objects.filter(report_id=response.report_id).recommendations(), 1
        )
    }
    return [
        f.reference or f"recommendation {numbers[f.pk]}" for f in missing_explanations(response)
    ]


def _explanations_sentence(names: list[str], action: str) -> str:
    return _(
        "Every recommendation needs an explanation before you can %(action)s (Police Act 1996 s55(5B)). Missing: %(join)s."
    ) % {"action": action, "join": ", ".join(names)}


def _require_explanations(response: Response, action: str) -> None:
    names = _unexplained(response)
    if names:
        raise WorkflowError(
            _explanations_sentence(names, action),
            problems=[
                _("%(n)s has no explanation (what action, and why)") % {"n": n} for n in names
            ],
        )


def _has_office_comments(response: Response) -> bool:
    """s55(5)(a): the body's comments are written, in either language."""
    return bool(response.office_comments.strip() or response.office_comments_cy.strip())


def _office_comments_sentence(response: Response, action: str) -> str:
    return _("Write the %(lower)s's comments before %(action)s (s55(5)).") % {
        "lower": response.policing_body.holder_title.lower(),
        "action": action,
    }


def response_submit_for_approval(*, response: Response, acting_user) -> Response:
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.AWAITING_APPROVAL, "submit for approval", acting_user)
        if not _has_office_comments(response):
            raise WorkflowError(_office_comments_sentence(response, _("submitting for approval")))
        _require_explanations(response, _("submit it for approval"))
        response.status = Status.AWAITING_APPROVAL
        response.submitted_for_approval_by = acting_user
        response.submitted_for_approval_at = timezone.now()
        return _save(
            response,
            acting_user=acting_user,
            reason="Submitted for approval",
            fields=["status", "submitted_for_approval_by", "submitted_for_approval_at"],
        )


def response_approve(
    *, response: Response, acting_user, signatory_name: str = "", signatory_title: str = ""
) -> Response:
    """Sign-off. The approver must hold a sign-off role (`ACTION_ROLES`) and must not be the
    submitter."""
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.APPROVED, "approve", acting_user)
        if response.submitted_for_approval_by_id == acting_user.pk:
            raise WorkflowError(
                _("You submitted this response for approval, so someone else must approve it.")
            )
        _require_explanations(response, _("approve it"))
        body = response.policing_body
        response.status = Status.APPROVED
        response.approved_by = acting_user
        response.approved_at = timezone.now()
        response.signatory_name = signatory_name.strip() or body.holder_name
        response.signatory_title = signatory_title.strip() or body.holder_title
        return _save(
            response,
            acting_user=acting_user,
            reason="Approved",
            fields=["status", "approved_by", "approved_at", "signatory_name", "signatory_title"],
        )


def responses_reopen_after_findings_change(
    *, report_id: int, acting_user_id: int | None, change: str, changed_at: str | None = None
) -> list[Response]:
    """Subscriber of "report.findings_changed" (config/events.py): the report's findings were
    added, edited, re-classified, moved or removed (`inspections.services`).

    A response awaiting approval, or approved, was checked against the findings as they stood
    (s55(5B): an explanation for every recommendation); it no longer answers them. Each such
    response goes back to drafting with the change in its history reason, its approval cleared,
    and the drafter who submitted it is emailed (`notifications.send_sent_back`). A published
    response is left alone: what was published stays as published, and an amendment is the
    office's decision. Runs in a worker just after the change commits; `response_publish`
    re-checks every guard in any case, so nothing unexplained is published meanwhile.
    Idempotent: a response already back in drafting is not touched again. Only a response
    submitted before the change (`changed_at`, ISO 8601) is sent back: one submitted after it,
    while this ran late in a worker, was checked against the findings as they now stand."""
    acting_user = get_user_model().objects.filter(pk=acting_user_id).first()
    reopened = []
    responses = (
        Response.objects.select_for_update(of=("self",))
        .select_related("report", "policing_body", "submitted_for_approval_by")
        .filter(report_id=report_id, status__in=(Status.AWAITING_APPROVAL, Status.APPROVED))
        .order_by("pk")
    )
    if changed_at:
        responses = responses.filter(
            submitted_for_approval_at__lte=datetime.fromisoformat(changed_at)
        )
    for response in responses:
        check_transition(response.status, Status.DRAFTING, "send back")
        response.status = Status.DRAFTING
        response.approved_by = None
        response.approved_at = None
        _save(
            response,
            acting_user=acting_user,
            reason=f"Sent back: the report's findings changed ({change})",
            fields=["status", "approved_by", "approved_at"],
        )
        send_sent_back(
            response,
            reason=(
                "Sent back: the report's findings changed after it was submitted for approval "
                f"({change})."
            ),
        )
        reopened.append(response)
    return reopened


def response_send_back(*, response: Response, reason: str, acting_user) -> Response:
    reason = _require_text(reason, _("Say why the response is being sent back."))
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.DRAFTING, "send back", acting_user)
        response.status = Status.DRAFTING
        response.approved_by = None
        response.approved_at = None
        return _save(
            response,
            acting_user=acting_user,
            reason=f"Sent back: {reason}",
            fields=["status", "approved_by", "approved_at"],
        )


def response_publish(
    *,
    response: Response,
    published_on: date,
    url: str = "",
    late_reason: str = "",
    signatory_name: str | None = None,
    signatory_title: str | None = None,
    acting_user,
) -> Response:
    """Publish (s55(5)): the first publication, or a new version after an amendment.

    Every guard is checked again here (`publication_problems`), whatever happened since the
    approval. Who signs it: `signatory_name` and `signatory_title` when given, else what the
    approval recorded, else the body's holder (`PolicingBody.holder_name`, `holder_title`,
    which the office admin maintains); publishing without both is refused, so no published
    version says "Not yet signed". An amendment keeps the original publication date.
    """
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.PUBLISHED, "publish", acting_user)
        body = response.policing_body
        response.signatory_name = (
            signatory_name if signatory_name is not None else response.signatory_name
        ).strip() or body.holder_name.strip()
        response.signatory_title = (
            signatory_title if signatory_title is not None else response.signatory_title
        ).strip() or body.holder_title.strip()
        problems = publication_problems(
            response, published_on=published_on, late_reason=late_reason
        )
        if problems:
            raise WorkflowError(" ".join(problems), problems=problems)
        first = response.published_on is None
        response.status = Status.PUBLISHED
        if first:
            response.published_on = published_on
        if url:
            response.published_url = url
        if late_reason.strip():
            response.late_reason = late_reason.strip()
        number = response.versions.count() + 1
        reason = response.amendment_reason if not first else ""
        reason_cy = response.amendment_reason_cy if not first else ""
        response.amendment_reason = ""
        response.amendment_reason_cy = ""
        response = _save(
            response,
            acting_user=acting_user,
            reason="Published" if first else f"Amended version {number} published: {reason}",
            fields=[
                "status",
                "published_on",
                "published_url",
                "late_reason",
                "amendment_reason",
                "amendment_reason_cy",
                "signatory_name",
                "signatory_title",
            ],
        )
        # Created after the response's last change, so the version (frozen from the history
        # as it stood when the version was created) includes who signs it.
        version_id = ResponseVersion.objects.create(
            response=response,
            number=number,
            published_on=published_on,
            reason=reason,
            reason_cy=reason_cy,
            published_by=acting_user,
            # What the public sees of this version is redacted with these, for good.
            redactions=[mark.as_json() for mark in redactions_in_force(response)],
        ).pk
        # What follows (the frozen PDF, tracking, the public copy): config/events.py.
        emit("response.published", office_id=response.policing_body_id, version_id=version_id)
    return response


def _reference_problems(response: Response) -> list[str]:
    """s55(5B) for answers by reference: each must point at a published explanation of a
    linked recommendation (`Explanation.reference_problem`, the one rule)."""
    by_reference = Explanation.objects.filter(
        response=response, refers_to__isnull=False, finding__kind=Finding.Kind.RECOMMENDATION
    ).select_related("finding", "refers_to__finding", "refers_to__response__report")
    return [p for p in (e.reference_problem() for e in by_reference) if p]


def publication_problems(
    response: Response, *, published_on: date, late_reason: str = "", scheduled: bool = False
) -> list[str]:
    """Everything that stops `response` being published on `published_on`, each in words a
    person can act on. Publishing re-checks every guard, whatever happened since approval (the
    report's findings may have changed): the body's comments (s55(5)), an explanation for every
    recommendation (s55(5B)), each answer by reference pointing at a published explanation of a
    linked recommendation (s55(5B)), the chief officer invited (s55(4)), a reason when late
    (s55(5A)), who signs it (`Response.signatory_name`, `signatory_title`), and, for a body
    that publishes bilingually, every public text in Welsh and English or a recorded reason
    why not (Welsh Language Standards, `responses.bilingual`). docs/law.md lists them."""
    problems = []
    if not _has_office_comments(response):
        problems.append(_office_comments_sentence(response, _("publishing")))
    names = _unexplained(response)
    if names:
        problems.append(_explanations_sentence(names, _("publish it")))
    problems.extend(_reference_problems(response))
    problems += bilingual.translation_problems(
        response,
        findings=list(Finding.objects.filter(report_id=response.report_id)),
        explanations=list(Explanation.objects.filter(response=response)),
    )
    if not response.force_invited_on:
        problems.append(
            _("The chief officer must be invited to comment before publication (s55(4)).")
        )
    if published_on < response.report.published_on:
        problems.append(_("The response cannot be published before the report."))
    if published_on > timezone.localdate() and not scheduled:
        problems.append(_("The publication date cannot be in the future."))
    if (
        response.published_on is None
        and deadlines.is_late(due=response.due_date, on=published_on)
        and not late_reason.strip()
        and not response.late_reason.strip()
    ):
        days = deadlines.days_late(due=response.due_date, published_on=published_on)
        problems.append(
            ngettext(
                "Publishing on %(date)s is %(days)s day after the due date (%(due)s): record "
                "the reason it is late.",
                "Publishing on %(date)s is %(days)s days after the due date (%(due)s): record "
                "the reason it is late.",
                days,
            )
            % {"date": long_date(published_on), "days": days, "due": long_date(response.due_date)}
        )
    problems += [
        _(
            "A redacted passage of %(label)s is no longer in its text (it was edited since it "
            "was marked): mark the passage to redact again, or remove that redaction."
        )
        % {"label": label}
        for label in stale_redaction_labels(response)
    ]
    if not (response.signatory_name.strip() and response.signatory_title.strip()):
        problems.append(
            _(
                "Enter the name and title of the person who signs the response (the office's admin can record the holder's name so that it is filled in)."
            )
        )
    return problems


def response_import_published(
    *,
    report,
    policing_body,
    acting_user,
    published_on: date,
    office_comments: str,
    force_comments: str = "",
    force_comments_author_name: str = "",
    force_comments_author_role: str = "",
    reply_to_force: str = "",
    signatory_name: str = "",
    signatory_title: str = "",
    published_url: str = "",
    copies: dict[str, date | None] | None = None,
    explanations: list[tuple[Finding, str, str, str]] = (),
    internal_notes: str = "",
    reason: str = "Imported",
    office_comments_cy: str = "",
    force_comments_cy: str = "",
    reply_to_force_cy: str = "",
    explanations_cy: dict[int, tuple[str, str]] | None = None,
) -> Response:
    """Record a response the office published before it used this product, as published on
    its original date and marked `imported`, so the public archive and the on-time statistics
    are complete.

    This is the one documented way round the workflow: a response that was already published
    never went through invitation, drafting and approval here, so the transition table and the
    guards of `response_publish` (invitation under s55(4), an explanation for every
    recommendation under s55(5B), a reason when late under s55(5A)) are not applied. What is
    still checked: the report attracts s55, the office has no response to it yet, there are
    office comments (s55(5) makes them mandatory), and the publication date is real: not
    before the report's and not after today (a response published in the past cannot carry a
    future date). The due date is computed as for any response, so an imported response that
    was late counts as late. History records the acting user and `reason`; version 1 carries
    the original publication date, and the publication hooks (frozen PDF, public pages) run
    as for any publication (the event `response.published`).

    `copies`: {key of COPY_FIELDS: date sent}. `explanations`: (finding, kind, text,
    force_comment) for recommendations and AFIs the response answered one by one.
    Any text may come in Welsh too (the `_cy` arguments; `explanations_cy`: {finding id:
    (explanation, force's comment) in Welsh}), or in Welsh only: what was published is
    recorded as it was, so the bilingual publication guard is not applied either.
    """
    if not office_comments_cy.strip():
        office_comments = _require_text(
            office_comments,
            _("An imported response needs the %(lower)s's comments (s55(5)).")
            % {"lower": policing_body.holder_title.lower()},
        )
    explanations_cy = explanations_cy or {}
    copies = copies or {}
    unknown = set(copies) - set(COPY_FIELDS)
    if unknown:
        raise WorkflowError(
            _("Unknown copy recipient: %(join)s.") % {"join": ", ".join(sorted(unknown))}
        )
    check_report_attracts_s55(report)
    check_may_record_published(user=acting_user, policing_body_id=policing_body.pk)
    problems = []
    if published_on < report.published_on:
        problems.append(
            _("The response cannot have been published (%(date)s) before the report (%(date2)s).")
            % {"date": long_date(published_on), "date2": long_date(report.published_on)}
        )
    if published_on > timezone.localdate():
        problems.append(_("The date the response was published cannot be in the future."))
    problems += [
        _("The date a copy was sent (%(date)s) cannot be before the publication date (%(date2)s).")
        % {"date": long_date(when), "date2": long_date(published_on)}
        for when in copies.values()
        if when and when < published_on
    ]
    for finding, kind, _text, _force_comment in explanations:
        if finding.report_id != report.pk:
            problems.append("An explanation belongs to a different report.")
        if kind and kind not in Explanation.Kind.values:
            problems.append(f"Unknown kind of explanation: {kind}.")
    if problems:
        raise WorkflowError(" ".join(problems), problems=problems)
    with transaction.atomic():
        response = (
            Response.objects.select_for_update()
            .filter(report=report, policing_body=policing_body)
            .first()
        )
        if response is not None and response.status == Status.NOT_REQUIRED:
            raise WorkflowError(
                _(
                    "%(short_name)s recorded that it need not respond to this report (%(not_required_reason)s). Reinstate its response first if it did publish one."
                )
                % {
                    "short_name": policing_body.short_name,
                    "not_required_reason": response.not_required_reason,
                }
            )
        if response is not None and not _untouched(response):
            raise WorkflowError(
                _(
                    "%(short_name)s already has a response to this report: open it instead of importing another."
                )
                % {"short_name": policing_body.short_name}
            )
        if response is None:
            response = Response(report=report, policing_body=policing_body)
        else:
            # Opened, untouched, when the report was recorded: the import fills it in.
            bump_lock_version(response)
        values = {
            "status": Status.PUBLISHED,
            "published_on": published_on,
            "published_url": published_url.strip(),
            "imported": True,
            "office_comments": office_comments.strip(),
            "reply_to_force": reply_to_force.strip(),
            "force_comments": force_comments.strip(),
            "office_comments_cy": office_comments_cy.strip(),
            "reply_to_force_cy": reply_to_force_cy.strip(),
            "force_comments_cy": force_comments_cy.strip(),
            "force_comments_author_name": force_comments_author_name.strip(),
            "force_comments_author_role": force_comments_author_role.strip(),
            "signatory_name": signatory_name.strip() or policing_body.holder_name,
            "signatory_title": signatory_title.strip() or policing_body.holder_title,
            "internal_notes": internal_notes.strip(),
        }
        for name, value in values.items():
            setattr(response, name, value)
        _set_due_dates(response, report.published_on)
        attribute(response, acting_user=acting_user, reason=reason)
        response.save()
        for finding, kind, text, force_comment in explanations:
            text_cy, force_comment_cy = explanations_cy.get(finding.pk, ("", ""))
            explanation = Explanation(
                response=response,
                finding=finding,
                kind=kind,
                text=text.strip(),
                force_comment=force_comment.strip(),
                text_cy=text_cy.strip(),
                force_comment_cy=force_comment_cy.strip(),
            )
            attribute(explanation, acting_user=acting_user, reason=reason)
            explanation.save()
        version = ResponseVersion.objects.create(
            response=response,
            number=1,
            published_on=published_on,
            reason=reason,
            published_by=acting_user,
            **{COPY_FIELDS[key]: when for key, when in copies.items()},
        )
        emit("response.published", office_id=response.policing_body_id, version_id=version.pk)
    return response


def _untouched(response: Response) -> bool:
    """Not started, and nothing written in it yet (as `responses_create_for_report` opens it)."""
    return (
        response.status == Status.NOT_STARTED
        and not any(
            getattr(response, name).strip()
            for name in (
                "office_comments",
                "reply_to_force",
                "force_comments",
                "internal_notes",
                "office_comments_cy",
                "reply_to_force_cy",
                "force_comments_cy",
            )
        )
        and not response.explanations.exists()
    )


def response_amend(
    *, response: Response, reason: str, acting_user, reason_cy: str = ""
) -> Response:
    """Reopen a published (or withdrawn) response for amendment. The published version stays
    public until the amended one is published (a withdrawn one stays withdrawn); the original
    publication date is kept. `reason_cy` is the reason in Welsh (a bilingual body needs it,
    or a recorded reason why not, to publish)."""
    reason = _require_text(reason, _("Say why the published response is being amended."))
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.DRAFTING, "amend", acting_user)
        response.status = Status.DRAFTING
        response.amendment_reason = reason
        response.amendment_reason_cy = reason_cy.strip()
        response.approved_by = None
        response.approved_at = None
        response = _save(
            response,
            acting_user=acting_user,
            reason=f"Amendment started: {reason}",
            fields=[
                "status",
                "amendment_reason",
                "amendment_reason_cy",
                "approved_by",
                "approved_at",
            ],
        )
        # Nothing follows yet (config/events.py): the public keeps the published version until
        # the amended one is published, which is "response.published" again.
        emit(
            "response.amended",
            office_id=response.policing_body_id,
            response_id=response.pk,
            lock_version=response.lock_version,
        )
        return response


def response_withdraw(
    *,
    response: Response,
    reason: str,
    acting_user,
    version_number: int | None = None,
    reason_cy: str = "",
    one_language_reason: str = "",
) -> ResponseVersion:
    """Withdraw a published version from the public site (for example, personal data published
    by mistake): the latest unless `version_number` names an earlier one. Its PDF answers
    "410 Gone" with a public note of what was withdrawn, why and when, and so does the
    response's page while the withdrawn version is the latest; the frozen bytes stay for the
    office's record.

    Withdrawing the latest version of a published response moves it to "withdrawn" (the
    transition table); a corrected version is published as an amendment ("amend", then
    "publish"). An earlier version (superseded by an amendment) is withdrawn whatever the
    response's status, which does not change: the page goes on showing the latest version,
    with the note of the earlier one. docs/decisions/0016-withdrawing-any-version.md.

    The statutory record stays: the response was published on its date (s55(5A) is judged on
    the first publication, `Response.published_on`, which does not move), and the s55(6)
    copies of every version stay recorded. The approver's sign-off (`ACTION_ROLES`), with a
    reason, which is published; in the history. What follows (the public copies): the event
    "response.withdrawn", config/events.py. A bilingual body gives the reason in Welsh too
    (`reason_cy`), or records why it is given in one language only (`one_language_reason`;
    `bilingual.withdrawal_problem`)."""
    if not (reason_cy or "").strip():
        reason = _require_text(
            reason,
            _("Say why the version is being withdrawn: the reason is published with the note."),
        )
    reason, reason_cy = (reason or "").strip(), (reason_cy or "").strip()
    with transaction.atomic():
        response = _locked(response)
        versions = (
            ResponseVersion.objects.select_for_update()
            .filter(response=response)
            .defer("pdf", "html_snapshot")
            .order_by("-number")
        )
        latest = versions.first()
        version = (
            latest
            if version_number is None or (latest and latest.number == version_number)
            else versions.filter(number=version_number).first()
        )
        if version is None:
            if latest is None:
                # Never published: the transition table's refusal names the action and the
                # response's status, as every other refused action's does.
                _check_action(response, Status.WITHDRAWN, "withdraw", acting_user)
            raise WorkflowError(_("There is no published version of this response to withdraw."))
        fields = []
        if version == latest and response.status in (Status.PUBLISHED, Status.WITHDRAWN):
            _check_action(response, Status.WITHDRAWN, "withdraw", acting_user)
            response.status = Status.WITHDRAWN
            fields.append("status")
        elif not may_take(acting_user, "withdraw", policing_body_id=response.policing_body_id):
            raise ActionNotAllowed(
                _("Only an approver or an admin in this office can withdraw a published version.")
            )
        if version.is_withdrawn:
            raise WorkflowError(
                _("Version %(number)s is already withdrawn.") % {"number": version.number}
            )
        problem = bilingual.withdrawal_problem(
            response.policing_body,
            reason=reason,
            reason_cy=reason_cy,
            one_language=one_language_reason,
        )
        if problem:
            raise WorkflowError(problem)
        version.withdrawn_at = timezone.now()
        version.withdrawal_reason = reason
        version.withdrawal_reason_cy = reason_cy
        version.withdrawn_by = acting_user
        version.save(
            update_fields=[
                "withdrawn_at",
                "withdrawal_reason",
                "withdrawal_reason_cy",
                "withdrawn_by",
            ]
        )
        if one_language_reason.strip() and response.policing_body.publishes_bilingually:
            response.one_language_reasons = {
                **(response.one_language_reasons or {}),
                f"withdrawal_reason:{version.number}": one_language_reason.strip(),
            }
            fields.append("one_language_reasons")
        _save(
            response,
            acting_user=acting_user,
            reason=f"Version {version.number} withdrawn: {reason or reason_cy}",
            fields=fields,
        )
        emit("response.withdrawn", office_id=response.policing_body_id, version_id=version.pk)
    return version


def response_mark_not_required(
    *,
    response: Response,
    reason: str,
    acting_user,
    reason_cy: str = "",
    one_language_reason: str = "",
) -> Response:
    """Record that this body need not respond, with its reason: in English and Welsh for a body
    that publishes bilingually (`reason_cy`), unless it records why the reason is given in one
    language only (`one_language_reason`)."""
    if not (reason_cy or "").strip():
        reason = _require_text(
            reason,
            _(
                "Record why no response is required (for example, the force is clearly not the "
                "subject of this national report, or a force-specific report carries the same "
                "recommendations)."
            ),
        )
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.NOT_REQUIRED, "mark as not required", acting_user)
        problem = bilingual.not_required_problem(
            response.policing_body,
            reason=reason,
            reason_cy=reason_cy,
            one_language=one_language_reason,
        )
        if problem:
            raise WorkflowError(problem)
        reason = (reason or "").strip()
        response.status = Status.NOT_REQUIRED
        response.not_required_reason = reason
        response.not_required_reason_cy = (reason_cy or "").strip()
        fields = ["status", "not_required_reason", "not_required_reason_cy"]
        if one_language_reason.strip():
            response.one_language_reasons = {
                **response.one_language_reasons,
                "not_required_reason": one_language_reason.strip(),
            }
            fields.append("one_language_reasons")
        return _save(
            response,
            acting_user=acting_user,
            reason=f"Marked not required: {reason or reason_cy.strip()}",
            fields=fields,
        )


def response_reinstate(*, response: Response, reason: str, acting_user) -> Response:
    reason = _require_text(reason, _("Say why the response is needed after all."))
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.NOT_STARTED, "reinstate", acting_user)
        response.status = Status.NOT_STARTED
        response.not_required_reason = ""
        response.not_required_reason_cy = ""
        response.one_language_reasons.pop("not_required_reason", None)
        return _save(
            response,
            acting_user=acting_user,
            reason=f"Reinstated: {reason}",
            fields=[
                "status",
                "not_required_reason",
                "not_required_reason_cy",
                "one_language_reasons",
            ],
        )


COPY_FIELDS = {
    "hmicfrs": "copy_hmicfrs_on",
    "home_secretary": "copy_home_secretary_on",
    "panel": "copy_panel_on",
    "chief_officer": "copy_chief_officer_on",
}


def response_record_copies(
    *,
    response: Response,
    acting_user,
    expected_lock_version: int | None = None,
    version_number: int | None = None,
    **sent_on: date | None,
) -> ResponseVersion:
    """Record when copies of a published version were sent: s55(6) requires HMICFRS and the
    Home Secretary; offices also send their scrutiny body (`PolicingBody.scrutiny_body_name`;
    none in the City of London) and the chief officer. The copies are of what was published,
    so they belong to a version: the latest one unless `version_number` says which (an
    amendment's new version needs its own copies, and the reminders follow it). Keyword names
    are the keys of COPY_FIELDS. Refused if somebody saved the response since the editor
    opened it (`expected_lock_version`)."""
    unknown = set(sent_on) - set(COPY_FIELDS)
    if unknown:
        raise WorkflowError(
            _("Unknown copy recipient: %(join)s.") % {"join": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        response = _locked(response)
        _check_lock(response, expected_lock_version)
        versions = ResponseVersion.objects.select_for_update().filter(response=response)
        version = (
            (
                versions.filter(number=version_number)
                if version_number
                else versions.order_by("-number")
            )
            .defer("pdf", "html_snapshot")
            .first()
        )
        if version is None:
            raise WorkflowError(_("Copies can only be recorded once the response is published."))
        body = response.policing_body
        if sent_on.get("panel") and not body.scrutiny_body_name:
            raise WorkflowError(
                _("The %(name)s has no scrutiny body recorded, so no copy to one can be recorded.")
                % {"name": body.name}
            )
        problems = [
            _(
                "The date a copy was sent (%(date)s) cannot be before the publication date of version %(number)s (%(date2)s)."
            )
            % {
                "date": long_date(when),
                "number": version.number,
                "date2": long_date(version.published_on),
            }
            for when in sent_on.values()
            if when and when < version.published_on
        ]
        if problems:
            raise WorkflowError(" ".join(problems), problems=problems)
        for key, when in sent_on.items():
            setattr(version, COPY_FIELDS[key], when)
        version.save(update_fields=[COPY_FIELDS[key] for key in sent_on])
        response = _save(
            response,
            acting_user=acting_user,
            reason=reasons.COPIES_RECORDED(number=version.number, copies=_copies_text(version)),
            fields=[],
        )
        # The public page shows each version's copy dates: config/events.py.
        emit(
            "response.copies_recorded",
            office_id=response.policing_body_id,
            response_id=response.pk,
            version_id=version.pk,
            lock_version=response.lock_version,
        )
    return version


def _copies_text(version: ResponseVersion) -> str:
    sent = [
        reasons.COPY_SENT_ON[key](date=f"{when:%-d %b %Y}")
        for key, name in COPY_FIELDS.items()
        if (when := getattr(version, name))
    ]
    return ", ".join(sent) or "none"


# --- Redaction (responses/redaction.py) -------------------------------------------------------


def _kind_noun(finding) -> str:
    return gettext("a recommendation") if finding.kind == "recommendation" else gettext("a finding")


#: A `core.history.Reason` filled in, rendered when shown: in the page's language on a page,
#: in English when stored in the history.
_lazy_reason = lazy(lambda reason, **args: reason_text(reason(**args)), str)


def redactable_texts(response: Response) -> dict[str, tuple[str, str]]:
    """Every text of the response that will be published and can carry a redaction, as it is
    now: {key: (its name for people, its text)}, empty texts left out (responses/redaction.py
    names the keys)."""
    texts = {
        key: (label, getattr(response, key) or "")
        for key, label in redaction.RESPONSE_FIELDS.items()
    }
    for explanation in Explanation.objects.filter(response=response).select_related("finding"):
        finding = explanation.finding
        name = finding.reference or _kind_noun(finding)
        # Named in the language they are read in: the page's, or English in the history.
        texts[redaction.explanation_key(finding.pk)] = (
            _lazy_reason(reasons.EXPLANATION_TEXT, name=name),
            explanation.text,
        )
        texts[redaction.explanation_key(finding.pk, force=True)] = (
            _lazy_reason(reasons.FORCE_COMMENT_TEXT, name=name),
            explanation.force_comment,
        )
        texts[redaction.explanation_key(finding.pk, welsh=True)] = (
            _lazy_reason(reasons.EXPLANATION_TEXT_CY, name=name),
            explanation.text_cy,
        )
        texts[redaction.explanation_key(finding.pk, force=True, welsh=True)] = (
            _lazy_reason(reasons.FORCE_COMMENT_TEXT_CY, name=name),
            explanation.force_comment_cy,
        )
    return {key: value for key, value in texts.items() if value[1].strip()}


def redactions_in_force(response: Response) -> list[redaction.Marked]:
    return [r.marked() for r in Redaction.objects.filter(response=response).order_by("pk")]


def stale_redaction_labels(response: Response) -> list[str]:
    """The names of the texts with a redacted passage no longer in them (`redaction.is_stale`)."""
    texts = redactable_texts(response)
    labels = []
    for row in Redaction.objects.filter(response=response).order_by("pk"):
        label, text = texts.get(row.field, (row.field, ""))
        if redaction.is_stale(text, row.passage) and label not in labels:
            labels.append(label)
    return labels


def _check_may_redact(response: Response, acting_user) -> None:
    check_may_redact(user=acting_user, policing_body_id=response.policing_body_id)
    if response.status not in REDACTION_STATUSES:
        raise WorkflowError(
            _(
                "The response is %(status)s: redactions can be marked while it is being "
                "written or read for approval."
            )
            % {"status": response.get_status_display().lower()}
            + " "
            + (
                _("Send it back to drafting first.")
                if response.status == Status.APPROVED
                else _("Amend it to change what the next version shows.")
            )
        )


def redaction_clean(*, passage: str, reason: str, other_reason: str) -> tuple[str, str]:
    """The passage and the words of an "other" reason as a redaction stores them, or
    WorkflowError: the one check of what a person marks, for the response's texts and the
    tracker's progress updates (`tracking.services.progress_redaction_add`)."""
    passage = (passage or "").strip()
    other_reason = (other_reason or "").strip()
    if reason not in RedactedPassage.Reason.values:
        raise WorkflowError(_("Choose why the passage is redacted."))
    if reason == RedactedPassage.Reason.OTHER and not other_reason:
        raise WorkflowError(_("Say why the passage is redacted: it is shown in the marker."))
    if reason != RedactedPassage.Reason.OTHER:
        other_reason = ""
    if not passage:
        raise WorkflowError(_("Enter the passage to redact, exactly as it is in the text."))
    return passage, other_reason


def redaction_add(
    *,
    response: Response,
    field: str,
    passage: str,
    reason: str,
    other_reason: str = "",
    acting_user,
) -> Redaction:
    """Mark `passage` of the text `field` as redacted for `reason` (`Redaction.Reason`; "other"
    needs `other_reason`, which is published in the marker). The passage must be in the text as
    it is now; every occurrence of it is covered. Office staff, while the response is written
    or read for approval; in the history of the response and of the redaction."""
    passage, other_reason = redaction_clean(
        passage=passage, reason=reason, other_reason=other_reason
    )
    with transaction.atomic():
        response = _locked(response)
        _check_may_redact(response, acting_user)
        try:
            redaction.parse_key(field)
        except ValueError:
            raise WorkflowError(_("Choose which text the passage is in.")) from None
        texts = redactable_texts(response)
        if field not in texts:
            raise WorkflowError(_("That text is empty or not part of this response."))
        label, text = texts[field]
        if redaction.is_stale(text, passage):
            raise WorkflowError(
                _(
                    "That passage is not in %(label)s: copy it exactly from the text (the same words, spaces and punctuation)."
                )
                % {"label": label}
            )
        if Redaction.objects.filter(response=response, field=field, passage=passage).exists():
            raise WorkflowError(
                _("That passage of %(label)s is already redacted.") % {"label": label}
            )
        row = Redaction(
            response=response,
            field=field,
            passage=passage,
            reason=reason,
            other_reason=other_reason,
            created_by=acting_user,
        )
        with translation.override(settings.LANGUAGE_CODE):
            history_reason = reasons.PASSAGE_REDACTED(text=label, category=row.reason_label)
        attribute(row, acting_user=acting_user, reason=history_reason)
        row.save()
        _save(response, acting_user=acting_user, reason=history_reason, fields=[])
    return row


def redaction_remove(*, redaction_id: int, acting_user) -> None:
    """Remove a redaction: the passage is published as written. Same people and statuses as
    `redaction_add`; in the history."""
    with transaction.atomic():
        row = Redaction.objects.select_related("response").get(pk=redaction_id)
        response = _locked(row.response)
        _check_may_redact(response, acting_user)
        label = redactable_texts(response).get(row.field, (row.field, ""))[0]
        with translation.override(settings.LANGUAGE_CODE):
            history_reason = reasons.REDACTION_REMOVED(text=label, category=row.reason_label)
        attribute(row, acting_user=acting_user, reason=history_reason)
        row.delete()
        _save(response, acting_user=acting_user, reason=history_reason, fields=[])


# --- Scheduled publication ------------------------------------------------------------------


def schedule_stuck_after() -> timedelta:
    """A claimed scheduled publication whose sweep has not finished after this long (its worker
    was killed, the machine restarted) is claimed again: nothing of it was published, because
    the publication and its DONE commit together (the setting
    S55_SCHEDULED_PUBLICATION_STUCK_SECONDS, ten minutes)."""
    return timedelta(seconds=settings.S55_SCHEDULED_PUBLICATION_STUCK_SECONDS)


def publication_schedule(
    *,
    response: Response,
    publish_at: datetime,
    acting_user,
    url: str = "",
    late_reason: str = "",
) -> tuple[ScheduledPublication, list[str]]:
    """Schedule an approved response to be published at `publish_at` (an aware date and time;
    the publication date is its Europe/London day), or change the time of its schedule.
    Returns the schedule and warnings a person should read.

    The approver's sign-off ("publish", `ACTION_ROLES`). Every publication guard is checked
    for that day now (`publication_problems`) and again when it runs: a day after the statutory
    due date (s55(5A)) is refused without a reason for the lateness; a day after the publish-by
    date (the last working day on or before it) is allowed with a warning. In the history."""
    if timezone.is_naive(publish_at):
        raise ValueError("publish_at must be an aware date and time")
    with transaction.atomic():
        response = _locked(response)
        _check_action(response, Status.PUBLISHED, "publish", acting_user)
        if publish_at <= timezone.now():
            raise WorkflowError(_("Choose a date and time in the future, or publish it now."))
        on = timezone.localdate(publish_at)
        problems = publication_problems(
            response, published_on=on, late_reason=late_reason, scheduled=True
        )
        if problems:
            raise WorkflowError(" ".join(problems), problems=problems)
        pending = ScheduledPublication.objects.select_for_update().filter(
            response=response, state__in=(ScheduledPublication.State.READY, "running")
        )
        row = pending.first()
        if row is not None and row.state == ScheduledPublication.State.RUNNING:
            raise WorkflowError(_("It is being published now: it can no longer be changed."))
        changed = row is not None
        if row is None:
            row = ScheduledPublication(response=response)
        row.publish_at = publish_at
        row.url = url.strip()
        row.late_reason = late_reason.strip()
        row.scheduled_by = acting_user
        with translation.override(settings.LANGUAGE_CODE):  # stored in English
            reason = (reasons.PUBLICATION_MOVED if changed else reasons.PUBLICATION_SCHEDULED)(
                **_schedule_args(publish_at)
            )
        attribute(row, acting_user=acting_user, reason=reason)
        row.save()
        _save(response, acting_user=acting_user, reason=reason, fields=[])
    warnings = []
    if response.publish_by and on > response.publish_by:
        warnings.append(
            _(
                "%(date)s is after the publish-by date (%(publish_by)s), the last working day "
                "on or before the statutory due date."
            )
            % {
                "date": long_date(on, weekday=True),
                "publish_by": long_date(response.publish_by, weekday=True),
            }
        )
    return row, warnings


def scheduled_time_text(when: datetime) -> str:
    """ "Monday 2 March 2020 at 9:30am" in Europe/London, in the active language."""
    return _("%(date)s at %(time)s") % _schedule_args(when)


def _schedule_args(when: datetime) -> dict[str, str]:
    """The day and time of a schedule, in Europe/London, in the active language."""
    local = timezone.localtime(when)
    return {"date": long_date(local.date(), weekday=True), "time": clock_time(local)}


def publication_schedule_cancel(*, response: Response, acting_user) -> ScheduledPublication:
    """Cancel the response's scheduled publication before it runs (the same sign-off)."""
    with transaction.atomic():
        response = _locked(response)
        check_may(
            user=acting_user,
            action="publish",
            roles=ACTION_ROLES["publish"],
            policing_body_id=response.policing_body_id,
        )
        row = (
            ScheduledPublication.objects.select_for_update()
            .filter(response=response, state__in=("ready", "running"))
            .first()
        )
        if row is None:
            raise WorkflowError(_("There is no scheduled publication to cancel."))
        if row.state != ScheduledPublication.State.READY:
            raise WorkflowError(_("It is being published now: it can no longer be cancelled."))
        row.state = ScheduledPublication.State.CANCELLED
        with translation.override(settings.LANGUAGE_CODE):  # stored in English
            reason = reasons.SCHEDULE_CANCELLED(**_schedule_args(row.publish_at))
        attribute(row, acting_user=acting_user, reason=reason)
        row.save()
        _save(response, acting_user=acting_user, reason=reason, fields=[])
    return row


def _due_schedules(now: datetime) -> Q:
    return Q(state=ScheduledPublication.State.READY, publish_at__lte=now) | Q(
        state=ScheduledPublication.State.RUNNING, claimed_at__lt=now - schedule_stuck_after()
    )


def scheduled_publications_run(*, now: datetime | None = None) -> list[int]:
    """The beat's sweep (`responses.tasks.publish_scheduled`, every minute): publish every
    scheduled publication that is due, each exactly once, however many sweeps run at the same
    time. Each row is first claimed with one conditional UPDATE (READY, or RUNNING and stuck,
    -> RUNNING with this sweep's token): of two sweeps, one claims it and the other's UPDATE
    matches nothing. Returns the ids of the schedules this sweep published."""
    now = now or timezone.now()
    published = []
    for schedule_id in ScheduledPublication.objects.filter(_due_schedules(now)).values_list(
        "pk", flat=True
    ):
        token = uuid.uuid4()
        claimed = ScheduledPublication.objects.filter(_due_schedules(now), pk=schedule_id).update(
            state=ScheduledPublication.State.RUNNING,
            claim=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
        if claimed and scheduled_publication_publish(schedule_id=schedule_id, claim=token):
            published.append(schedule_id)
    return published


def scheduled_publication_publish(*, schedule_id: int, claim: uuid.UUID) -> bool:
    """Publish one claimed schedule (`response_publish`, as the person who scheduled it, on the
    schedule's Europe/London day) and mark it DONE in the same transaction; False if another
    sweep holds the claim now. A guard that refuses it then (sent back, a recommendation
    added, the scheduler no longer an approver) marks it FAILED with the reason, shown on the
    response's page; nothing is published."""
    try:
        with transaction.atomic():
            row = (
                ScheduledPublication.objects.select_for_update()
                .select_related("response", "scheduled_by")
                .get(pk=schedule_id)
            )
            if row.state != ScheduledPublication.State.RUNNING or row.claim != claim:
                return False
            response = response_publish(
                response=row.response,
                published_on=timezone.localdate(row.publish_at),
                url=row.url,
                late_reason=row.late_reason,
                acting_user=row.scheduled_by,
            )
            row.state = ScheduledPublication.State.DONE
            row.done_at = timezone.now()
            row.version = (
                response.versions.defer("pdf", "html_snapshot").order_by("-number").first()
            )
            attribute(row, acting_user=row.scheduled_by, reason="Published as scheduled")
            row.save()
            return True
    except WorkflowError as error:
        ScheduledPublication.objects.filter(
            pk=schedule_id, claim=claim, state=ScheduledPublication.State.RUNNING
        ).update(state=ScheduledPublication.State.FAILED, error=str(error))
        return False


# --- The s55(6) copies sent from the product (responses/copies.py) ---------------------------


def response_send_copies(
    *, response: Response, acting_user, version_number: int | None = None
) -> ResponseVersion:
    """Send the s55(6) copies of a published version (the latest unless `version_number` says
    which) by email: to HMICFRS and the Home Secretary, and to the scrutiny body and the chief
    officer, at the addresses the copies page shows (`copies.copy_addresses`), one recorded
    email each with the PDF attached. Each recipient's copy date is then set from the actual
    sending. Asking again sends nothing twice. Any of the office's staff; in the history. What
    follows: "response.copies_requested", config/events.py."""
    with transaction.atomic():
        response = _locked(response)
        check_may(
            user=acting_user,
            action=SEND_COPIES,
            roles=SEND_COPIES_ROLES,
            policing_body_id=response.policing_body_id,
        )
        versions = ResponseVersion.objects.filter(response=response).defer("pdf", "html_snapshot")
        version = (
            versions.filter(number=version_number)
            if version_number
            else versions.order_by("-number")
        ).first()
        if version is None:
            raise WorkflowError(gettext("Copies can only be sent once the response is published."))
        if version.is_withdrawn:
            raise WorkflowError(
                gettext(
                    "Version %(number)s was withdrawn: publish a corrected version and send its copies."
                )
                % {"number": version.number}
            )
        with translation.override(settings.LANGUAGE_CODE):  # named in English in the history
            recipients = [a for a in copy_addresses(response.policing_body) if a.address]
        if not recipients:
            raise WorkflowError(
                gettext(
                    "No address is recorded for any copy: the office's admin adds the scrutiny body's and the chief officer's, and the service's operator sets HMICFRS's and the Home Secretary's."
                )
            )
        _save(
            response,
            acting_user=acting_user,
            reason=reasons.COPIES_SENT(
                number=version.number, recipients=", ".join(a.who for a in recipients)
            ),
            fields=[],
        )
        emit(
            "response.copies_requested", office_id=response.policing_body_id, version_id=version.pk
        )
    return version


def copies_send_on_publication(version_id: int) -> bool:
    """Subscriber of "response.published" (config/events.py): an office that sends its s55(6)
    copies on publication (`PolicingBody.send_copies_on_publication`, its admin's choice) has
    the copies of the new version sent as if it had asked (`response_send_copies`): a line in
    the response's history and "response.copies_requested", whose subscriber stores one email
    per recipient per version. Asking again (a retry, or the office's own button) sends nothing
    twice. Nothing is sent for an office that sends them itself, a version withdrawn since,
    a response recorded as published before the office used the product (`imported`: its
    copies went then), or when no address is recorded (the copies page says so). Returns
    whether the copies were asked for."""
    with transaction.atomic():
        version = (
            ResponseVersion.objects.select_related("response__policing_body__force")
            .defer("pdf", "html_snapshot")
            .get(pk=version_id)
        )
        response = _locked(version.response)
        body = response.policing_body
        if (
            not body.send_copies_on_publication
            or version.is_withdrawn
            or (response.imported and version.number == 1)
        ):
            return False
        with translation.override(settings.LANGUAGE_CODE):  # named in English in the history
            recipients = [a for a in copy_addresses(body) if a.address]
        if not recipients:
            return False
        _save(
            response,
            acting_user=None,
            reason=reasons.COPIES_SENT_ON_PUBLICATION(
                number=version.number, recipients=", ".join(a.who for a in recipients)
            ),
            fields=[],
        )
        emit("response.copies_requested", office_id=body.pk, version_id=version.pk)
    return True


def record_copy_sent(email_id: int) -> ResponseVersion | None:
    """Subscriber of "email.sent.s55_copy" (config/events.py): set the recipient's copy date of
    the version to the day its email was sent (Europe/London), unless a date is already
    recorded (by hand, or by an earlier email). Idempotent."""
    email = OutgoingEmail.objects.get(pk=email_id)
    version_id, recipient = parse_email_key(email.key)
    version = ResponseVersion.objects.select_related("response").get(pk=version_id)
    if recipient not in COPY_FIELDS or getattr(version, COPY_FIELDS[recipient]):
        return version
    return response_record_copies(
        response=version.response,
        acting_user=None,
        version_number=version.number,
        **{recipient: timezone.localdate(email.sent_at)},
    )

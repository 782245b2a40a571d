"""Staff pages for one Section 55 response: the task list with the deadline clock, one edit
page per section, the workflow actions, the force's view and the history.

Every change calls a service in `responses.services` (which checks the workflow table and the
statutory guards); a refused change shows the service's words in the GOV.UK error summary.
Every response is fetched with `responses.permissions.get_response_for`, so an id belonging to
another organisation gives 404. Force contributors see only what the office shares with them
(`can_see_office_drafts`): the report, the invitation, the deadline and their own comments.

Editing pages carry the response's `lock_version`. A save over somebody else's newer change is
refused (`ConcurrentEditError`) and the page comes back with the editor's text still in the form
and the other person's saved text beside it; if only another section changed, the save goes
ahead (`section_changed_since`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import (
    can_see_office_drafts,
    force_required,
    is_force_contributor_for,
    member_required,
    office_required,
    office_roles,
)
from core.dates import long_date
from core.models import OutgoingEmail
from inspections.models import Finding
from inspections.selectors import ReportPage

from . import copies as s55_copies
from . import deadlines, notifications, redaction, services
from .forms import (
    ApproveForm,
    CopiesForm,
    ExplanationForm,
    ForceCommentsForm,
    ForceDraftForm,
    InviteForm,
    PublishForm,
    ReasonForm,
    RedactionForm,
    ScheduleForm,
    TextSectionForm,
    add_welsh,
    add_withdraw_version,
    one_language_initial,
)
from .models import Explanation, Response, ResponseVersion, ScheduledPublication, Status
from .permissions import can_edit_force_comments, get_response_for
from .selectors import (
    ResponsePage,
    last_change,
    latest_version,
    not_for_local_action_text,
    public_page_state,
    response_history,
    section_changed_since,
)
from .workflow import (
    EDITABLE_STATUSES,
    REDACTION_STATUSES,
    ConcurrentEditError,
    WorkflowError,
    action_label,
    actions_allowed,
    may_take,
)


def _posted(request):
    """The submitted data on a POST (even when every field was left empty), else None."""
    return request.POST if request.method == "POST" else None


def _today():
    return timezone.localdate()


def _page(response) -> ResponsePage:
    return ResponsePage(response, today=_today())


def _detail(response):
    return redirect("responses:detail", pk=response.pk)


def _office_response(request, pk) -> Response:
    """The response for an office page: 404 if not visible, 403 for a force contributor."""
    return get_response_for(request.user, pk, for_write=True)


def _action_response(request, pk, action: str) -> Response:
    """The response for an action page: as `_office_response`, and 403 unless the person's role
    may take `action` (`responses.workflow.ACTION_ROLES`; the service checks it again)."""
    response = _office_response(request, pk)
    if not may_take(request.user, action, policing_body_id=response.policing_body_id):
        raise PermissionDenied(
            _("Your role in this office cannot %(action)s a response.")
            % {"action": action_label(action)}
        )
    return response


def _base_context(response, **extra):
    return {
        "response": response,
        "report": response.report,
        "body": response.policing_body,
        **extra,
    }


def _save_with_rebase(response, lock_version, save, *, fields=(), findings=(), **options):
    """Run `save(expected_lock_version)`. If it is refused only because another section of the
    response changed since the editor opened the page, save again against the current version;
    if the editor's own section changed, let the refusal through."""
    try:
        return save(lock_version)
    except ConcurrentEditError:
        current = Response.objects.get(pk=response.pk)
        if section_changed_since(
            current, lock_version, fields=fields, findings=findings, **options
        ):
            raise
        return save(current.lock_version)


@dataclass
class Edit:
    """What an editor page shows after `_edit`: its form, the problems a refused change
    listed, the conflict (if somebody else saved first), and whether the save went through."""

    form: object
    problems: list = field(default_factory=list)
    conflict: dict | None = None
    saved: bool = False


def _edit(
    request,
    response,
    *,
    make_form: Callable,
    save: Callable,
    finding=None,
    check: Callable | None = None,
    **changed,
) -> Edit:
    """The one edit cycle of every office and force editor of a response.

    `make_form(data)` builds the page's form (`data` is None on a GET). On a valid POST,
    `save(cleaned_data, expected_lock_version)` calls the service; a refusal because somebody
    saved another part of the response since the page was opened is saved again against the
    current version (`_save_with_rebase`, with `changed`: the `fields`, `findings` and options
    this page edits); a refusal because they changed the same part comes back with the
    conflict (`_conflict`: who, when, what is saved now) and the editor's text still in the form;
    any other refusal (a `WorkflowError`) lists its problems. `check(form)`, if given, runs after
    the form is valid and may add errors to it (nothing is saved then)."""
    form = make_form(_posted(request))
    if request.method != "POST" or not form.is_valid():
        return Edit(form)
    if check is not None:
        check(form)
        if form.errors:
            return Edit(form)
    data = form.cleaned_data
    try:
        _save_with_rebase(
            response, data["lock_version"], lambda version: save(data, version), **changed
        )
    except ConcurrentEditError as error:
        posted, conflict = _conflict(request, response, error, finding=finding)
        form = make_form(posted)
        form.is_valid()
        return Edit(form, conflict=conflict)
    except WorkflowError as error:
        return Edit(form, problems=error.problems)
    return Edit(form, saved=True)


def _conflict(request, response, error, *, finding=None):
    """What the page shows after a refused save: the message, who changed it and when, and the
    current saved response (and explanation); plus the posted data with the current
    lock_version, so the editor's text stays in the form and saving again is possible."""
    current = Response.objects.select_related("report", "policing_body__force").get(pk=response.pk)
    who, when = last_change(current, viewer=request.user, finding=finding)
    data = request.POST.copy()
    data["lock_version"] = str(current.lock_version)
    explanation = (
        Explanation.objects.filter(response=current, finding=finding).first() if finding else None
    )
    return data, {
        "message": str(error),
        "who": who,
        "when": when,
        "current": current,
        "explanation": explanation,
    }


# --- The response page ---------------------------------------------------------------------


@member_required
def response_detail(request, pk):
    response = get_response_for(request.user, pk)
    page = _page(response)
    if not can_see_office_drafts(request.user, response):
        return _force_detail(request, response, page)
    roles = office_roles(request.user).get(response.policing_body_id, set())
    return render(
        request,
        "responses/detail.html",
        _base_context(
            response,
            page_title=response.report.title,
            page=page,
            tasks=page.tasks(lambda name: reverse(f"responses:{name}", args=[response.pk])),
            next_action=page.next_action(user=request.user, roles=roles, is_force=False),
            status=Status(response.status),
            may=actions_allowed(request.user, policing_body_id=response.policing_body_id),
            schedule=(shown_schedule(response) if response.status == Status.APPROVED else None),
            # A published version other than the latest of a published response (an amendment
            # replaced it, or is being written) may be withdrawn too.
            may_withdraw_a_version=(
                response.status != Status.PUBLISHED
                and response.published_on is not None
                and may_take(request.user, "withdraw", policing_body_id=response.policing_body_id)
                and ResponseVersion.objects.filter(
                    response=response, withdrawn_at__isnull=True
                ).exists()
            ),
            tab="response",
        ),
    )


def shown_schedule(response):
    """The schedule the response page shows: the pending one, else one that failed since the
    last publication (the office must know it was not published)."""
    return (
        response.scheduled_publications.filter(
            state__in=(
                ScheduledPublication.State.READY,
                ScheduledPublication.State.RUNNING,
                ScheduledPublication.State.FAILED,
            )
        )
        .order_by("-updated_at", "-pk")
        .first()
    )


def _force_detail(request, response, page):
    """What a force contributor sees: the report, the invitation and reply-by date, and the
    force's own comments. Never the office's text."""
    return render(
        request,
        "responses/force_detail.html",
        _base_context(
            response,
            page_title=response.report.title,
            page=page,
            report_page=ReportPage(response.report),
            next_action=page.next_action(user=request.user, roles=set(), is_force=True),
            can_edit=can_edit_force_comments(request.user, response),
            reply_by_passed=deadlines.is_late(due=response.force_reply_by, on=_today()),
        ),
    )


@office_required()
def history(request, pk):
    response = _office_response(request, pk)
    return render(
        request,
        "responses/history.html",
        _base_context(
            response,
            page_title=f"History - {response.report.title}",
            entries=response_history(response, viewer=request.user),
            tab="history",
        ),
    )


# --- Sections --------------------------------------------------------------------------------


@office_required()
def invite(request, pk):
    """s55(4): invite the chief officer's comments by a date; email the force's contributors."""
    response = _office_response(request, pk)
    today = _today()
    form = InviteForm(
        _posted(request),
        response=response,
        initial={
            "invited_on": max(today, response.report.published_on),
            "reply_by": response.force_reply_by
            or deadlines.suggested_force_reply_by(due=response.due_date, today=today),
        },
    )
    problems = []
    recipients = list(notifications.force_invitation_recipients(response))
    if request.method == "POST" and form.is_valid():
        try:
            services.response_invite_force(
                response=response,
                invited_on=form.cleaned_data["invited_on"],
                reply_by=form.cleaned_data["reply_by"],
                acting_user=request.user,
                force_contact=form.cleaned_data["force_contact"],
            )
        except WorkflowError as error:
            problems = error.problems
        else:
            contact = form.cleaned_data["force_contact"]
            recipients = [contact] if contact is not None else recipients
            reply_by = long_date(form.cleaned_data["reply_by"], weekday=True)
            emailed = [u for u in recipients if u.email]
            if emailed:
                names = ", ".join(u.display_name for u in emailed)
                messages.success(
                    request,
                    _(
                        "The force has been invited to comment by %(reply_by)s. An email with a link to this response has been sent to %(names)s."
                    )
                    % {"reply_by": reply_by, "names": names},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The force has been invited to comment by %(reply_by)s, but nobody at %(name)s uses Section 55 Tracker, so no email was sent: send the invitation to the chief officer yourself."
                    )
                    % {"reply_by": reply_by, "name": response.policing_body.force.name},
                )
            return _detail(response)
    return render(
        request,
        "responses/invite.html",
        _base_context(
            response,
            page_title=_("Invite the force to comment"),
            form=form,
            problems=problems,
            recipients=recipients,
        ),
    )


_FORCE_FIELDS = (
    "force_comments",
    "force_comments_cy",
    "force_comments_none_submitted",
    "force_comments_received_on",
    "force_comments_author_name",
    "force_comments_author_role",
)


@office_required()
def force_comments(request, pk):
    """The office records the comments the chief officer sent (for example by letter)."""
    response = _office_response(request, pk)
    force = response.policing_body.force
    submitted = bool(response.force_comments_submitted_at or response.force_comments_none_submitted)
    initial = {
        "lock_version": response.lock_version,
        "text": response.force_comments if submitted else "",
        "none_submitted": response.force_comments_none_submitted,
        "received_on": response.force_comments_received_on or _today(),
        "author_name": response.force_comments_author_name or force.chief_officer_name,
        "author_role": response.force_comments_author_role or force.chief_officer_title,
    }
    bilingual = response.policing_body.publishes_bilingually
    if bilingual:
        initial |= {
            "text_cy": response.force_comments_cy if submitted else "",
            "text_one_language": one_language_initial(response, "force_comments"),
        }

    def make_form(data):
        form = ForceCommentsForm(data, initial=initial)
        if bilingual:
            add_welsh(form, "text", one_language_key="force_comments")
        return form

    edit = _edit(
        request,
        response,
        make_form=make_form,
        save=lambda data, version: services.response_record_force_comments(
            response=response,
            acting_user=request.user,
            text=data["text"],
            text_cy=data.get("text_cy", ""),
            received_on=data["received_on"],
            author_name=data["author_name"],
            author_role=data["author_role"],
            none_submitted=data["none_submitted"],
            one_language=({"force_comments": data["text_one_language"]} if bilingual else None),
            expected_lock_version=version,
        ),
        fields=_FORCE_FIELDS,
    )
    if edit.saved:
        messages.success(request, _("The force's comments have been recorded."))
        return _detail(response)
    return render(
        request,
        "responses/force_comments.html",
        _base_context(
            response,
            page_title=_("The force's comments"),
            form=edit.form,
            problems=edit.problems,
            conflict=edit.conflict,
        ),
    )


#: The office's own long texts, each on its own page: (field, label, success message).
TEXT_SECTIONS = {
    "office_comments": (
        gettext_lazy("{holder}'s comments"),
        gettext_lazy("The {holder_lower}'s comments have been saved."),
    ),
    "reply_to_force": (
        gettext_lazy("Reply to the force's comments"),
        gettext_lazy("The reply to the force has been saved."),
    ),
    "internal_notes": (
        gettext_lazy("Internal notes"),
        gettext_lazy("The internal notes have been saved."),
    ),
}


@office_required()
def text_section(request, pk, field):
    """The office's comments (s55(5)(a)), its reply to the force's comments (s55(5)(c)) or its
    internal notes."""
    if field not in TEXT_SECTIONS:
        raise Http404(_("No such section"))
    response = _office_response(request, pk)
    holder = response.policing_body.holder_title
    label, done = (
        text.format(holder=f"The {holder}", holder_lower=holder.lower())
        for text in TEXT_SECTIONS[field]
    )
    hint = None
    if field == "internal_notes":
        hint = _("For the office only: never published and never shown to the force.")
    form_kwargs = {"label": label} | ({"hint": hint} if hint else {})
    initial = {"lock_version": response.lock_version, "text": getattr(response, field)}
    # A public text of a body that publishes bilingually is written in Welsh and English.
    bilingual = response.policing_body.publishes_bilingually and field != "internal_notes"
    if bilingual:
        initial |= {
            "text_cy": getattr(response, f"{field}_cy"),
            "text_one_language": one_language_initial(response, field),
        }

    def make_form(data):
        form = TextSectionForm(data, initial=initial, **form_kwargs)
        if bilingual:
            add_welsh(form, "text", one_language_key=field)
        return form

    def save(data, version):
        texts = {field: data["text"]}
        if bilingual:
            texts |= {
                f"{field}_cy": data["text_cy"],
                "one_language": {field: data["text_one_language"]},
            }
        return services.response_update_text(
            response=response, acting_user=request.user, expected_lock_version=version, **texts
        )

    edit = _edit(
        request,
        response,
        make_form=make_form,
        save=save,
        fields=(field, f"{field}_cy") if bilingual else (field,),
    )
    if edit.saved:
        messages.success(request, done)
        return _detail(response)
    if edit.conflict:
        edit.conflict["text"] = getattr(edit.conflict["current"], field)
    context = _base_context(
        response,
        page_title=label,
        form=edit.form,
        problems=edit.problems,
        conflict=edit.conflict,
        field=field,
        heading=label,
    )
    if field == "reply_to_force":
        context["force_text"] = response.force_comments if _force_replied(response) else ""
    return render(request, "responses/text_section.html", context)


def _force_replied(response) -> bool:
    return bool(response.force_comments_submitted_at or response.force_comments_none_submitted)


@office_required()
def finding_list(request, pk, kind):
    """Every recommendation (or AFI) with the force's comment and the office's explanation."""
    response = _office_response(request, pk)
    page = _page(response)
    is_recs = kind == Finding.Kind.RECOMMENDATION
    return render(
        request,
        "responses/finding_list.html",
        _base_context(
            response,
            page_title="Recommendations" if is_recs else _("Areas for improvement"),
            page=page,
            rows=page.recommendations if is_recs else page.afis,
            is_recommendations=is_recs,
            editable=Status(response.status) in EDITABLE_STATUSES,
            force_replied=_force_replied(response),
        ),
    )


def _row_or_404(page, finding_pk):
    row = page.row_for(finding_pk)
    if row is None:
        raise Http404(_("That recommendation is not in this report"))
    return row


@office_required()
def explanation(request, pk, finding_pk):
    """s55(5B): the explanation for one recommendation (or the response to one AFI), with the
    force's comment beside it."""
    response = _office_response(request, pk)
    page = _page(response)
    row = _row_or_404(page, finding_pk)
    is_rec = row.finding.kind == Finding.Kind.RECOMMENDATION
    existing = row.explanation
    initial = {
        "lock_version": response.lock_version,
        "kind": existing.kind if existing else "",
        "text": existing.text if existing else "",
        "force_comment": existing.force_comment if existing else "",
    }
    bilingual = response.policing_body.publishes_bilingually
    keys = {
        "text": f"explanation:{row.finding.pk}",
        "force_comment": f"force_comment:{row.finding.pk}",
    }
    if bilingual:
        for name, key in keys.items():
            initial[f"{name}_cy"] = getattr(existing, f"{name}_cy") if existing else ""
            initial[f"{name}_one_language"] = one_language_initial(response, key)

    def make_form(data):
        form = ExplanationForm(data, initial=initial, is_recommendation=is_rec)
        if bilingual:
            for name, key in keys.items():
                add_welsh(form, name, one_language_key=key)
        return form

    def save(data, version):
        welsh = {}
        if bilingual:
            welsh = {
                "text_cy": data["text_cy"],
                "force_comment_cy": data["force_comment_cy"],
                "one_language": {key: data[f"{name}_one_language"] for name, key in keys.items()},
            }
        return services.explanation_save(
            response=response,
            finding=row.finding,
            acting_user=request.user,
            kind=data["kind"],
            text=data["text"],
            force_comment=data["force_comment"],
            expected_lock_version=version,
            **welsh,
        )

    edit = _edit(
        request,
        response,
        make_form=make_form,
        save=save,
        finding=row.finding,
        findings=[row.finding],
    )
    if edit.saved:
        messages.success(
            request, _("The explanation for %(label)s has been saved.") % {"label": row.label}
        )
        target = "recommendations" if is_rec else "afis"
        return redirect(
            reverse(f"responses:{target}", args=[response.pk]) + f"#finding-{row.finding.pk}"
        )
    form, problems, conflict = edit.form, edit.problems, edit.conflict
    rows = page.recommendations if is_rec else page.afis
    index = rows.index(row)
    return render(
        request,
        "responses/explanation.html",
        _base_context(
            response,
            page_title=_("Explanation for %(label)s") % {"label": row.label},
            form=form,
            row=row,
            problems=problems,
            conflict=conflict,
            is_recommendation=is_rec,
            position=index + 1,
            total=len(rows),
            next_row=rows[index + 1] if index + 1 < len(rows) else None,
            force_replied=_force_replied(response),
            reference_options=(
                services.reference_options(response, row.finding)
                if is_rec and response.status in EDITABLE_STATUSES
                else []
            ),
        ),
    )


@office_required()
@require_POST
def explanation_by_reference(request, pk, finding_pk):
    """Answer a recommendation by reference to the office's explanation of a linked one
    (`services.explanation_answer_by_reference`)."""
    response = _office_response(request, pk)
    page = _page(response)
    row = _row_or_404(page, finding_pk)
    url = reverse("responses:explanation", args=[response.pk, finding_pk])
    target = next(
        (
            e
            for e in services.reference_options(response, row.finding)
            if str(e.pk) == request.POST.get("refers_to", "")
        ),
        None,
    )
    try:
        if target is None:
            raise WorkflowError(_("Choose the explanation to refer to."))
        services.explanation_answer_by_reference(
            response=response,
            finding=row.finding,
            refers_to=target,
            acting_user=request.user,
            expected_lock_version=request.POST.get("lock_version") or None,
        )
    except WorkflowError as error:
        for problem in error.problems:
            messages.error(request, problem)
        return redirect(url)
    messages.success(
        request,
        _("%(label)s is answered by reference to %(reference)s of %(title)s.")
        % {
            "label": row.label,
            "reference": target.finding.reference or _("the linked recommendation"),
            "title": target.response.report.title,
        },
    )
    return redirect(
        reverse("responses:recommendations", args=[response.pk]) + f"#finding-{finding_pk}"
    )


@office_required()
@require_POST
def not_for_local_action(request, pk, finding_pk):
    """One click for a recommendation addressed only to others: kind "no action" and a text
    naming the addressee. Never replaces an explanation somebody has written."""
    response = _office_response(request, pk)
    page = _page(response)
    row = _row_or_404(page, finding_pk)
    url = reverse("responses:recommendations", args=[response.pk]) + f"#finding-{finding_pk}"
    if not row.only_for_others:
        messages.error(
            request,
            _("%(label)s is addressed to the force: explain the action on it.")
            % {"label": row.label},
        )
        return redirect(url)
    if row.explanation and row.explanation.text.strip():
        messages.error(
            request,
            _("%(label)s already has an explanation: change it on its own page.")
            % {"label": row.label},
        )
        return redirect(url)
    try:
        services.explanation_save(
            response=response,
            finding=row.finding,
            acting_user=request.user,
            kind=Explanation.Kind.NO_ACTION,
            text=not_for_local_action_text(row),
        )
    except WorkflowError as error:
        for problem in error.problems:
            messages.error(request, problem)
    else:
        messages.success(
            request, _("%(label)s is explained as not for local action.") % {"label": row.label}
        )
    return redirect(url)


# --- Actions ---------------------------------------------------------------------------------


@office_required()
def start_drafting(request, pk):
    response = _office_response(request, pk)
    problems = []
    if request.method == "POST":
        try:
            services.response_start_drafting(response=response, acting_user=request.user)
        except WorkflowError as error:
            problems = error.problems
        else:
            messages.success(request, _("Drafting started."))
            return _detail(response)
    return render(
        request,
        "responses/start_drafting.html",
        _base_context(response, page_title=_("Start drafting"), problems=problems),
    )


@office_required()
def submit(request, pk):
    response = _office_response(request, pk)
    page = _page(response)
    problems = []
    if request.method == "POST":
        try:
            services.response_submit_for_approval(response=response, acting_user=request.user)
        except WorkflowError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _(
                    "Submitted for approval. Another member of the office with the approver role can now approve it or send it back."
                ),
            )
            return _detail(response)
    return render(
        request,
        "responses/submit.html",
        _base_context(response, page_title=_("Submit for approval"), page=page, problems=problems),
    )


@office_required()
def approve(request, pk):
    response = _action_response(request, pk, "approve")
    page = _page(response)
    body = response.policing_body
    form = ApproveForm(
        _posted(request),
        initial={
            "signatory_name": response.signatory_name or body.holder_name,
            "signatory_title": response.signatory_title or body.holder_title,
        },
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            services.response_approve(
                response=response,
                acting_user=request.user,
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_title=form.cleaned_data["signatory_title"],
            )
        except WorkflowError as error:
            problems = error.problems
        else:
            messages.success(request, _("Approved. It can now be published."))
            return _detail(response)
    return render(
        request,
        "responses/approve.html",
        _base_context(
            response,
            page_title=_("Approve the response"),
            page=page,
            form=form,
            problems=problems,
            force_replied=_force_replied(response),
            **redactions_context(response, services.redactable_texts(response)),
        ),
    )


#: The actions that need only a reason: (workflow action, service, title, label, hint, button,
#: done message).
REASON_ACTIONS = {
    "send-back": (
        "send back",
        services.response_send_back,
        gettext_lazy("Send the response back to drafting"),
        gettext_lazy("Why are you sending it back?"),
        gettext_lazy("Say what needs to change. The drafters see this in the response's history."),
        gettext_lazy("Send back"),
        gettext_lazy("Sent back to drafting."),
    ),
    "not-required": (
        "mark as not required",
        services.response_mark_not_required,
        gettext_lazy("Mark the response as not required"),
        gettext_lazy("Why is no response required?"),
        gettext_lazy(
            "For example: the force is clearly not the subject of this national report, or a force-specific report carries the same recommendations and is answered instead."
        ),
        gettext_lazy("Mark as not required"),
        gettext_lazy("Marked as not required."),
    ),
    "reinstate": (
        "reinstate",
        services.response_reinstate,
        gettext_lazy("Reinstate the response"),
        gettext_lazy("Why is a response needed after all?"),
        "",
        "Reinstate",
        gettext_lazy("Reinstated: the response is not started."),
    ),
    "amend": (
        "amend",
        services.response_amend,
        gettext_lazy("Amend the published response"),
        gettext_lazy("Why is the published response being amended?"),
        gettext_lazy(
            "The published version stays on the website until the amended one is published. The reason is published with the new version."
        ),
        gettext_lazy("Start the amendment"),
        gettext_lazy("The response is open for amendment."),
    ),
    "withdraw": (
        "withdraw",
        services.response_withdraw,
        gettext_lazy("Withdraw the published version"),
        gettext_lazy("Why is it being withdrawn?"),
        gettext_lazy(
            "Its page and PDF stop being served at once. This reason is published in a note with the date, in place of the text, so write it for the public (for example: personal data was published by mistake). That the response was published on its date stays on the record; you can then amend it and publish a corrected version."
        ),
        gettext_lazy("Withdraw this version"),
        gettext_lazy(
            "Withdrawn: the public page now shows the note. Amend the response to publish a corrected version."
        ),
    ),
}


@office_required()
def redactions(request, pk):
    """Passages of the texts to be published marked as redacted (responses/redaction.py): the
    list, what the public will see of each text that has one, and the form to mark another."""
    response = _office_response(request, pk)
    texts = services.redactable_texts(response)
    form = RedactionForm(_posted(request), texts=texts)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.redaction_add(
                response=response,
                field=data["field"],
                passage=data["passage"],
                reason=data["reason"],
                other_reason=data["other_reason"],
                acting_user=request.user,
            )
        except WorkflowError as error:
            problems = error.problems
        else:
            messages.success(request, _("The passage is redacted in what the public will see."))
            return redirect("responses:redactions", pk=response.pk)
    return render(
        request,
        "responses/redactions.html",
        _base_context(
            response,
            page_title="Redactions",
            form=form,
            problems=problems,
            **redactions_context(response, texts),
            may_redact=response.status in REDACTION_STATUSES,
        ),
    )


def redactions_context(response, texts) -> dict:
    """The redactions and, for each text that has one, the text as the public will see it."""
    rows = list(response.redactions.order_by("field", "pk"))
    stale = set(services.stale_redaction_labels(response))
    for row in rows:
        row.text_label = texts.get(row.field, (row.field, ""))[0]
        row.stale = row.text_label in stale
    previews = []
    for key, (label, text) in texts.items():
        marks = [row.marked() for row in rows if row.field == key]
        if marks:
            previews.append({"label": label, "text": redaction.apply(text, marks)})
    return {"redactions": rows, "redacted_previews": previews, "stale_redactions": stale}


@office_required()
@require_POST
def redaction_remove(request, pk, redaction_pk):
    response = _office_response(request, pk)
    row = get_object_or_404(response.redactions, pk=redaction_pk)
    try:
        services.redaction_remove(redaction_id=row.pk, acting_user=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The redaction is removed: the passage will be published."))
    return redirect("responses:redactions", pk=response.pk)


def withdrawable_versions(response) -> list[ResponseVersion]:
    """The response's published versions not withdrawn, the latest first."""
    return list(
        ResponseVersion.objects.filter(response=response, withdrawn_at__isnull=True)
        .only("number", "published_on")
        .order_by("-number")
    )


def add_version_choice(form, response) -> None:
    """Which version to withdraw, when more than one is still published: the latest, or an
    earlier one an amendment replaced (`services.response_withdraw`)."""
    versions = withdrawable_versions(response)
    if len(versions) > 1:
        latest = response.versions.order_by("-number").values_list("number", flat=True).first()
        add_withdraw_version(form, versions, latest=latest)


@office_required()
def reason_action(request, pk, action):
    workflow_action, service, title, label, hint, button, done = REASON_ACTIONS[action]
    response = _action_response(request, pk, workflow_action)
    form = ReasonForm(_posted(request), label=label, hint=hint)
    # The reasons the public reads (not required, an amendment, a withdrawal) come in Welsh and
    # English from a body that publishes bilingually; a send-back or reinstatement stays
    # internal.
    welsh = (
        action in ("not-required", "amend", "withdraw")
        and response.policing_body.publishes_bilingually
    )
    one_language = action in ("not-required", "withdraw")
    if welsh:
        add_welsh(form, "reason", one_language_key="reason" if one_language else None)
    if action == "withdraw":
        add_version_choice(form, response)
    problems = []
    if request.method == "POST" and form.is_valid():
        extra = {}
        if form.cleaned_data.get("version"):
            extra["version_number"] = int(form.cleaned_data["version"])
        if welsh:
            extra["reason_cy"] = form.cleaned_data["reason_cy"]
        if welsh and one_language:
            extra["one_language_reason"] = form.cleaned_data["reason_one_language"]
        try:
            service(
                response=response,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                **extra,
            )
        except WorkflowError as error:
            problems = error.problems
        else:
            messages.success(request, done)
            return _detail(response)
    return render(
        request,
        "responses/reason_action.html",
        _base_context(
            response,
            page_title=title,
            form=form,
            problems=problems,
            button=button,
            warning=action in ("not-required", "withdraw"),
        ),
    )


@office_required()
def publish(request, pk):
    response = _action_response(request, pk, "publish")
    today = _today()
    body = response.policing_body
    form = PublishForm(
        _posted(request),
        initial={
            "published_on": today,
            "url": response.published_url,
            "signatory_name": response.signatory_name or body.holder_name,
            "signatory_title": response.signatory_title or body.holder_title,
        },
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.response_publish(
                response=response,
                published_on=data["published_on"],
                url=data["url"],
                late_reason=data["late_reason"],
                signatory_name=data["signatory_name"],
                signatory_title=data["signatory_title"],
                acting_user=request.user,
            )
        except WorkflowError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _(
                    "Published. Now send copies to HMICFRS and the Home Secretary (s55(6)) and record when you did. The public page will be available in a moment: this page says when."
                ),
            )
            return redirect("responses:copies", pk=response.pk)
    late = not response.published_on and deadlines.is_late(due=response.due_date, on=today)
    return render(
        request,
        "responses/publish.html",
        _base_context(
            response, page_title=_("Publish the response"), form=form, problems=problems, late=late
        ),
    )


@office_required()
@require_POST
def send_copies(request, pk):
    """s55(6): send the copies of the latest version by email (`services.response_send_copies`)."""
    response = _office_response(request, pk)
    try:
        services.response_send_copies(response=response, acting_user=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The copies are being sent: each date is recorded when its email has gone."),
        )
    return redirect("responses:copies", pk=response.pk)


@office_required()
def schedule(request, pk):
    """Schedule an approved response to be published at a date and time (UK time), or change
    its schedule (`services.publication_schedule`); the beat's sweep publishes it."""
    response = _action_response(request, pk, "publish")
    pending = pending_schedule(response)
    initial = {}
    if pending is not None:
        local = timezone.localtime(pending.publish_at)
        initial = {
            "day": local.date(),
            "at": local.time(),
            "url": pending.url,
            "late_reason": pending.late_reason,
        }
    form = ScheduleForm(_posted(request), initial=initial)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row, warnings = services.publication_schedule(
                response=response,
                publish_at=form.publish_at(),
                url=data["url"],
                late_reason=data["late_reason"],
                acting_user=request.user,
            )
        except WorkflowError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Scheduled: it will be published on %(scheduled_time_text)s.")
                % {"scheduled_time_text": services.scheduled_time_text(row.publish_at)},
            )
            for warning in warnings:
                messages.warning(request, warning)
            return _detail(response)
    return render(
        request,
        "responses/schedule.html",
        _base_context(
            response,
            page_title="Schedule the publication",
            form=form,
            problems=problems,
            pending=pending,
        ),
    )


def pending_schedule(response):
    return response.scheduled_publications.filter(
        state__in=(ScheduledPublication.State.READY, ScheduledPublication.State.RUNNING)
    ).first()


@office_required()
@require_POST
def schedule_cancel(request, pk):
    response = _action_response(request, pk, "publish")
    try:
        services.publication_schedule_cancel(response=response, acting_user=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The scheduled publication is cancelled."))
    return _detail(response)


#: The copies belong to the published version, which keeps no history of its own: any save of
#: the response since the page was opened counts as a change to them, so the editor sees what is
#: saved now before saving again (never a silent overwrite of someone else's dates).
_COPY_FIELDS = ("lock_version",)


@office_required()
def copies(request, pk):
    """s55(6): when copies went to HMICFRS and the Home Secretary (and the body's scrutiny body,
    if it has one, and the chief officer, as offices do)."""
    response = _office_response(request, pk)
    version = latest_version(response)
    initial = {"lock_version": response.lock_version} | {
        key: getattr(version, name) if version else None
        for key, name in services.COPY_FIELDS.items()
    }
    body = response.policing_body
    edit = _edit(
        request,
        response,
        make_form=lambda data: CopiesForm(data, initial=initial, policing_body=body),
        save=lambda data, version: services.response_record_copies(
            response=response,
            acting_user=request.user,
            expected_lock_version=version,
            **{key: data[key] for key in services.COPY_FIELDS if key in data},
        ),
        fields=_COPY_FIELDS,
    )
    if edit.saved:
        messages.success(request, _("The copies sent have been recorded."))
        return _detail(response)
    return render(
        request,
        "responses/copies.html",
        _base_context(
            response,
            page_title=_("Copies sent"),
            version=version,
            copy_addresses=s55_copies.copy_addresses(body),
            # Made by a worker just after publishing: say honestly whether it is there yet.
            public_page=public_page_state(version),
            copy_emails=(
                OutgoingEmail.objects.filter(
                    kind=s55_copies.KIND, key__startswith=s55_copies.email_key(version.pk, "")
                ).order_by("pk")
                if version
                else []
            ),
            conflict_version=latest_version(response) if edit.conflict else None,
            form=edit.form,
            problems=edit.problems,
            conflict=edit.conflict,
        ),
    )


# --- The force's page ----------------------------------------------------------------------

_FORCE_DRAFT_FIELDS = (
    "force_comments",
    "force_comments_cy",
    "force_comments_author_name",
    "force_comments_author_role",
)


@force_required
def force_edit(request, pk):
    """The force contributor writes the force's comments and its comment on each
    recommendation, saves a draft, and submits them to the office (which locks them and emails
    the office's drafters). After the reply-by date they can still submit: it is marked late."""
    response = get_response_for(request.user, pk)
    if not is_force_contributor_for(request.user, response):
        raise PermissionDenied(_("Only the force's contributors write the force's comments."))
    if request.method == "GET" and not can_edit_force_comments(request.user, response):
        messages.info(request, _("The force's comments can no longer be changed here."))
        return _detail(response)
    page = _page(response)
    force = response.policing_body.force
    initial = {
        "lock_version": response.lock_version,
        "text": response.force_comments,
        "author_name": response.force_comments_author_name or force.chief_officer_name,
        "author_role": response.force_comments_author_role or force.chief_officer_title,
    } | {f"rec_{row.finding.pk}": row.force_comment for row in page.recommendations}
    submitting = request.POST.get("action") == "submit"
    # A body that publishes bilingually: the force may write in Welsh, English or both.
    bilingual = response.policing_body.publishes_bilingually
    if bilingual:
        initial["text_cy"] = response.force_comments_cy

    def make_form(data):
        form = ForceDraftForm(data, initial=initial, recommendations=page.recommendations)
        if bilingual:
            add_welsh(form, "text")
        return form

    form = make_form(None)
    edit = _edit(
        request,
        response,
        make_form=make_form,
        check=lambda form: form.check_submittable() if submitting else None,
        save=lambda data, version: services.response_save_force_draft(
            response=response,
            acting_user=request.user,
            expected_lock_version=version,
            text=data["text"],
            author_name=data["author_name"],
            author_role=data["author_role"],
            comments=form.comments(data),
            submit=submitting,
            none_submitted=data["none_submitted"],
            text_cy=data["text_cy"] if bilingual else None,
        ),
        fields=_FORCE_DRAFT_FIELDS,
        findings=[row.finding for row in page.recommendations],
        explanation_fields=("force_comment",),
    )
    if edit.saved:
        if submitting:
            late = deadlines.is_late(due=response.force_reply_by, on=_today())
            messages.success(
                request,
                _("Your comments have been submitted to %(office_name)s")
                % {"office_name": response.policing_body.office_name}
                + (_(", after the reply-by date") if late else "")
                + _(". They can no longer be changed here."),
            )
            return _detail(response)
        messages.success(request, _("Draft saved. Submit it to the office when it is ready."))
        return redirect("responses:force-edit", pk=response.pk)
    return render(
        request,
        "responses/force_edit.html",
        _base_context(
            response,
            page_title=_("The force's comments"),
            form=edit.form,
            problems=edit.problems,
            conflict=edit.conflict,
            reply_by_passed=deadlines.is_late(due=response.force_reply_by, on=_today()),
        ),
    )

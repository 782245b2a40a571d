"""The importer's pages: paste or upload, check and correct the proposal, confirm.

Every page works without JavaScript: each correction is a small form that posts and comes back
to the preview at the item it changed. Drafts are looked up within the user's office, so
another office's draft is a 404. Office drafters, approvers and admins only.
"""

from __future__ import annotations

import copy
import logging
from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Force
from accounts.permissions import office_required, user_office
from core.uploads import body_limit
from inspections.models import (
    Addressee,
    Grade,
    GradingFramework,
    ImportDraft,
    Report,
    ReportType,
    Scope,
)
from inspections.timescales import parse_timescale

from . import draft as drafts
from . import forms, selectors
from .draft import DraftError
from .extract import MAX_BYTES, ExtractionError
from .services import (
    import_draft_confirm,
    import_draft_correct,
    import_draft_create,
    import_draft_discard,
)

logger = logging.getLogger(__name__)


# --- Start: paste or upload ----------------------------------------------------------------


_TOO_BIG = gettext_lazy(
    "That is more than the importer takes (2 MB). Split the document, or paste only the parts you need."
)


def _start_page(request, form, *, problems=(), status=200):
    office = user_office(request.user)
    return render(
        request,
        "importer/start.html",
        {
            "form": form,
            "problems": list(problems),
            "drafts": selectors.open_drafts(office),
            "page_title": (_("Error:") + " " if problems or form.errors else "")
            + _("Import a document"),
        },
        status=status,
    )


def _refuse_too_big(request, message):
    """The start page with the message, for a body refused by `body_limit` (413)."""
    if user_office(request.user) is None:
        return None  # not signed in to an office: the generic page, nothing of ours
    return _start_page(request, forms.ImportStartForm(), problems=[message])


@body_limit(
    # A pasted text is sent percent-encoded (up to three bytes per byte); the form fields
    # themselves are held to DATA_UPLOAD_MAX_MEMORY_SIZE and each file to MAX_BYTES.
    4 * MAX_BYTES,
    max_file_bytes=MAX_BYTES,
    message=_TOO_BIG,
    refuse=_refuse_too_big,
)
@office_required()
def import_start(request):
    """Paste or upload. A body, or a file, over the importer's limit is refused before it is
    read or stored (core.uploads), with the message on this page."""
    office = user_office(request.user)
    if request.method != "POST":
        return _start_page(request, forms.ImportStartForm())
    form = forms.ImportStartForm(request.POST, request.FILES)
    if not form.is_valid():
        return _start_page(request, form, status=400)
    upload = form.cleaned_data.get("upload")
    try:
        if upload is not None:
            draft = import_draft_create(
                policing_body=office,
                acting_user=request.user,
                data=upload.read(MAX_BYTES + 1),
                filename=upload.name,
            )
        else:
            draft = import_draft_create(
                policing_body=office, acting_user=request.user, text=form.cleaned_data["text"]
            )
    except (ExtractionError, DraftError) as error:
        form.add_error("upload" if upload is not None else "text", str(error))
        return _start_page(request, form, status=400)
    except Exception:  # the promise is a message on the page for any input, never a 500
        logger.exception("Import failed for %s", upload.name if upload else _("pasted text"))
        form.add_error(
            "upload" if upload is not None else "text",
            _(
                "Something went wrong reading this document, and it has been logged. Try pasting its text instead, or ask your administrator."
            ),
        )
        return _start_page(request, form, status=400)
    return redirect("importer:preview", pk=draft.pk)


# --- The preview ---------------------------------------------------------------------------


def _draft_for(request, pk) -> ImportDraft:
    return get_object_or_404(selectors.drafts_for(user_office(request.user)), pk=pk)


def _open_draft_for(request, pk) -> ImportDraft:
    draft = _draft_for(request, pk)
    if draft.status != ImportDraft.Status.OPEN:
        raise Http404(_("This import is finished."))
    return draft


def _source(draft: ImportDraft, spans) -> str:
    return drafts.source_text(draft.text, spans)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _preview_context(draft: ImportDraft) -> dict:
    payload = draft.payload
    report = payload["report"]
    published = _date(report["published_on"])
    force_names = dict(Force.objects.filter(slug__in=report["forces"]).values_list("slug", "name"))
    items = []
    references = {
        item["id"]: item["reference"] or _("a cause of concern") for item in payload["items"]
    }
    for index, item in enumerate(payload["items"]):
        timescale = None
        if item["kind"] == "recommendation":
            timescale = parse_timescale(item["timescale_text"], published_on=published)
        items.append(
            {
                **item,
                "kind_label": drafts.FINDING_KIND_LABELS.get(item["kind"], item["kind"]),
                "source": _source(draft, item["spans"]),
                "addressee_labels": [_ADDRESSEE_LABELS.get(a, a) for a in item["addressees"]],
                "timescale": timescale,
                "cause_reference": references.get(item.get("cause")) if item.get("cause") else "",
                "first": index == 0,
                "last": index == len(payload["items"]) - 1,
            }
        )
    response = payload["response"]
    comments = [
        {
            "key": key,
            "label": label,
            "text": response[key]["text"],
            "source": _source(draft, response[key]["spans"]),
            "author_name": response[key].get("author_name", ""),
            "author_role": response[key].get("author_role", ""),
        }
        for key, label in drafts.COMMENT_TARGETS.items()
    ]
    not_placed = [
        {**entry, "source": _source(draft, entry["spans"]), "can_split": _can_split(entry)}
        for entry in payload["not_placed"]
    ]
    recognised = [
        {**entry, "source": _source(draft, entry["spans"])} for entry in payload["recognised"]
    ]
    matches = selectors.matching_reports(payload)
    problems = drafts.check_ready(payload, today=timezone.localdate())
    return {
        "draft": draft,
        "payload": payload,
        "parser_messages": [drafts.message_text(m) for m in payload["messages"]],
        "report": report,
        "report_type_label": _REPORT_TYPE_LABELS.get(report["report_type"], report["report_type"]),
        "scope_label": _SCOPE_LABELS.get(report["scope"], report["scope"]),
        "framework_label": _FRAMEWORK_LABELS.get(report["grading_framework"], ""),
        "force_names": [force_names.get(slug, slug) for slug in report["forces"]],
        "sources": {key: _source(draft, spans) for key, spans in report["spans"].items()},
        "judgements": [
            {
                **j,
                "grade_label": _GRADE_LABELS.get(j["grade"], j["grade"]),
                "source": _source(draft, j["spans"]),
            }
            for j in payload["judgements"]
        ],
        "items": items,
        "response": response,
        "response_date_source": _source(draft, response.get("published_on_spans", [])),
        "comments": comments,
        "checklist": response["checklist"],
        "not_placed": not_placed,
        "recognised": recognised,
        "discarded": payload["discarded"],
        "confirm_form": forms.ConfirmForm(matches=matches) if matches else None,
        "matches": matches,
        "ready_problems": problems,
        "place_choices": forms.PLACE_CHOICES,
        "published_on": published,
        "response_published_on": _date(response["published_on"]),
        "source_kind_label": _SOURCE_KINDS.get(draft.source_kind, draft.source_kind),
    }


_SOURCE_KINDS = {
    "text": "text",
    "html": gettext_lazy("web page"),
    "docx": gettext_lazy("Word document"),
    "pdf": "PDF",
}


def _can_split(entry: dict) -> bool:
    return len(entry["spans"]) > 1 or "\n\n" in entry["text"].strip()


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


_ADDRESSEE_LABELS = _labels(Addressee.choices)
_GRADE_LABELS = _labels(Grade.choices)
_REPORT_TYPE_LABELS = _labels(ReportType.choices)
_SCOPE_LABELS = _labels(Scope.choices)
_FRAMEWORK_LABELS = _labels(GradingFramework.choices)


def _render_preview(request, draft, *, problems=(), status=200):
    context = _preview_context(draft)
    context["problems"] = list(problems)
    context["page_title"] = (_("Error:") + " " if problems else "") + _("Check the import")
    return render(request, "importer/preview.html", context, status=status)


@office_required()
def draft_preview(request, pk):
    draft = _draft_for(request, pk)
    if draft.status == ImportDraft.Status.CONFIRMED and draft.report_id:
        return redirect("inspections:report-detail", pk=draft.report_id)
    if draft.status != ImportDraft.Status.OPEN:
        raise Http404(_("This import was discarded."))
    return _render_preview(request, draft)


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _change(request, draft, correction, *, anchor: str = "", success: str = "", **arguments):
    """Apply a named correction (`drafts.CORRECTIONS`) and go back to the preview, or show the
    preview with the problem."""
    try:
        draft = import_draft_correct(
            draft=draft,
            acting_user=request.user,
            correction=correction,
            expected_lock_version=_version(request),
            **arguments,
        )
    except DraftError as error:
        draft.refresh_from_db()
        return _render_preview(request, draft, problems=[str(error)], status=409)
    if success:
        messages.success(request, success)
    url = reverse("importer:preview", kwargs={"pk": draft.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


@office_required()
def draft_details(request, pk):
    draft = _open_draft_for(request, pk)
    # Labelled as the page names them (Force.name_for_page): marked English on a Welsh page.
    force_choices = [(force.slug, force.name_for_page().html) for force in Force.objects.all()]
    if request.method == "POST":
        form = forms.ReportDetailsForm(request.POST, force_choices=force_choices)
        if form.is_valid():
            return _change(
                request,
                draft,
                drafts.set_report_details,
                cleaned=form.cleaned_data,
                anchor="report-details",
            )
    else:
        form = forms.ReportDetailsForm(
            initial=forms.ReportDetailsForm.initial_from(draft.payload["report"]),
            force_choices=force_choices,
        )
    return render(
        request,
        "importer/form_page.html",
        {
            "draft": draft,
            "form": form,
            "heading": _("Report details"),
            "anchor": "report-details",
            "page_title": (_("Error:") + " " if form.errors else "") + _("Report details"),
        },
        status=400 if form.errors else 200,
    )


@office_required()
def draft_judgements(request, pk):
    draft = _open_draft_for(request, pk)
    initial = [
        {"id": j["id"], "area": j["area"], "grade": j["grade"]} for j in draft.payload["judgements"]
    ]
    if request.method == "POST":
        formset = forms.JudgementFormSet(request.POST, initial=initial)
        if formset.is_valid():
            rows = [
                (
                    f.cleaned_data.get("id", ""),
                    f.cleaned_data.get("area", ""),
                    f.cleaned_data.get("grade", ""),
                )
                for f in formset.forms
                if f.cleaned_data
            ]
            ids = {row[0] for row in rows}
            rows += [(j["id"], "", "") for j in initial if j["id"] not in ids]
            return _change(
                request,
                draft,
                drafts.set_judgements,
                judgements=rows,
                anchor="judgements",
            )
    else:
        formset = forms.JudgementFormSet(initial=initial)
    return render(
        request,
        "importer/judgements.html",
        {
            "draft": draft,
            "formset": formset,
            "page_title": (_("Error:") + " " if formset.total_error_count() else "")
            + _("Graded judgements"),
        },
        status=400 if formset.total_error_count() else 200,
    )


@office_required()
def draft_response(request, pk):
    draft = _open_draft_for(request, pk)
    checklist = draft.payload["response"]["checklist"]
    if request.method == "POST":
        form = forms.ResponseDetailsForm(request.POST, checklist=checklist)
        if form.is_valid():
            return _change(
                request,
                draft,
                drafts.set_response_details,
                cleaned=form.cleaned_data,
                anchor="response-details",
            )
    else:
        form = forms.ResponseDetailsForm(
            initial=forms.ResponseDetailsForm.initial_from(draft.payload["response"]),
            checklist=checklist,
        )
    return render(
        request,
        "importer/form_page.html",
        {
            "draft": draft,
            "form": form,
            "heading": _("The published response"),
            "anchor": "response-details",
            "page_title": (_("Error:") + " " if form.errors else "") + _("The published response"),
        },
        status=400 if form.errors else 200,
    )


def _causes(payload: dict, excluding: str = "") -> list[dict]:
    return [i for i in payload["items"] if i["kind"] == "cause_of_concern" and i["id"] != excluding]


@office_required()
def item_edit(request, pk, item_id):
    draft = _open_draft_for(request, pk)
    try:
        item = drafts.find_item(draft.payload, item_id)
    except DraftError as error:
        raise Http404(str(error)) from error
    causes = _causes(draft.payload, excluding=item_id)
    if request.method == "POST":
        form = forms.ItemForm(request.POST, causes=causes)
        if form.is_valid():
            data = form.cleaned_data
            return _change(
                request,
                draft,
                drafts.update_item,
                item_id=item_id,
                kind=data["kind"],
                text=data["text"],
                reference=data.get("reference", ""),
                addressees=data.get("addressees") or [],
                timescale_text=data.get("timescale_text", ""),
                cause=data.get("cause") or None,
                explanation=data.get("explanation", ""),
                explanation_kind=data.get("explanation_kind", ""),
                force_comment=data.get("force_comment", ""),
                explanation_cy=data.get("explanation_cy", ""),
                force_comment_cy=data.get("force_comment_cy", ""),
                anchor=f"item-{item_id}",
            )
    else:
        form = forms.ItemForm(initial={**item, "cause": item.get("cause") or ""}, causes=causes)
    return render(
        request,
        "importer/item_form.html",
        {
            "draft": draft,
            "form": form,
            "item": item,
            "source": _source(draft, item["spans"]),
            "heading": f"Change {item['reference'] or drafts.FINDING_KIND_LABELS[item['kind']].lower()}",
            "page_title": (_("Error:") + " " if form.errors else "") + _("Change an item"),
        },
        status=400 if form.errors else 200,
    )


@office_required()
def item_add(request, pk):
    draft = _open_draft_for(request, pk)
    if request.method == "POST":
        form = forms.ItemAddForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            return _change(
                request,
                draft,
                drafts.add_item,
                kind=data["kind"],
                text=data["text"],
                anchor="items",
                success=_("Item added at the end of the list."),
            )
    else:
        form = forms.ItemAddForm()
    return render(
        request,
        "importer/form_page.html",
        {
            "draft": draft,
            "form": form,
            "heading": _("Add an item"),
            "anchor": "items",
            "page_title": (_("Error:") + " " if form.errors else "") + _("Add an item"),
        },
        status=400 if form.errors else 200,
    )


@office_required()
def item_split(request, pk, item_id):
    draft = _open_draft_for(request, pk)
    try:
        item = drafts.find_item(draft.payload, item_id)
    except DraftError as error:
        raise Http404(str(error)) from error
    problems = []
    if request.method == "POST":
        form = forms.SplitForm(request.POST)
        if form.is_valid():
            text = form.cleaned_data["text"]
            try:
                drafts.split_item(copy.deepcopy(draft.payload), item_id, text)  # a dry run
            except DraftError as error:
                problems = [str(error)]
            else:
                return _change(
                    request,
                    draft,
                    drafts.split_item,
                    item_id=item_id,
                    text=text,
                    anchor=f"item-{item_id}",
                )
    else:
        form = forms.SplitForm(initial={"text": drafts.split_suggestion(item["text"])})
    return render(
        request,
        "importer/split.html",
        {
            "draft": draft,
            "form": form,
            "item": item,
            "problems": problems,
            "page_title": (_("Error:") + " " if form.errors or problems else "")
            + _("Split an item"),
        },
        status=400 if form.errors or problems else 200,
    )


#: action -> (the correction, its arguments besides the item, the message).
_ITEM_ACTIONS = {
    "up": (drafts.move_item, {"direction": "up"}, ""),
    "down": (drafts.move_item, {"direction": "down"}, ""),
    "merge": (drafts.merge_item_with_next, {}, gettext_lazy("Items merged.")),
    "delete": (
        drafts.delete_item,
        {},
        gettext_lazy("Item deleted. It is listed under “Discarded” if you need it back."),
    ),
    "unplace": (
        drafts.unplace_item,
        {},
        gettext_lazy("Item moved to “Not placed”."),
    ),
}


@office_required()
@require_POST
def item_action(request, pk, item_id, action):
    draft = _open_draft_for(request, pk)
    if action not in _ITEM_ACTIONS:
        raise Http404(_("No such action."))
    correction, arguments, success = _ITEM_ACTIONS[action]
    anchor = f"item-{item_id}" if action in ("up", "down", "merge") else "items"
    return _change(
        request, draft, correction, anchor=anchor, success=success, item_id=item_id, **arguments
    )


@office_required()
@require_POST
def text_action(request, pk, entry_id, action):
    draft = _open_draft_for(request, pk)
    if action == "place":
        form = forms.PlaceForm(request.POST)
        if not form.is_valid():
            return _render_preview(
                request, draft, problems=[_("Choose where to place the text.")], status=400
            )
        target = form.cleaned_data["target"]
        return _change(
            request,
            draft,
            drafts.place_text,
            entry_id=entry_id,
            target=target,
            anchor="not-placed",
            success=_("Placed as: %(value)s.") % {"value": dict(forms.PLACE_CHOICES)[target]},
        )
    if action == "split":
        return _change(
            request,
            draft,
            drafts.split_text,
            anchor="not-placed",
            entry_id=entry_id,
            source=draft.text,
        )
    if action == "discard":
        return _change(
            request,
            draft,
            drafts.discard_text,
            entry_id=entry_id,
            anchor="not-placed",
            success=_("Text discarded. It is listed under “Discarded” if you need it back."),
        )
    raise Http404(_("No such action."))


@office_required()
@require_POST
def text_discard_all(request, pk):
    draft = _open_draft_for(request, pk)
    return _change(
        request,
        draft,
        drafts.discard_all_text,
        anchor="not-placed",
        success=_(
            "All the text that was not placed has been discarded. It is listed under “Discarded” if you need any of it back."
        ),
    )


@office_required()
@require_POST
def restore(request, pk, entry_id):
    draft = _open_draft_for(request, pk)
    return _change(
        request,
        draft,
        drafts.restore,
        discarded_id=entry_id,
        anchor="discarded",
        success="Restored.",
    )


@office_required()
@require_POST
def draft_confirm(request, pk):
    draft = _open_draft_for(request, pk)
    matches = selectors.matching_reports(draft.payload)
    existing = None
    if matches:
        form = forms.ConfirmForm(request.POST, matches=matches)
        if not form.is_valid():
            return _render_preview(
                request,
                draft,
                problems=[_("Choose whether to add the response to the report already recorded.")],
                status=400,
            )
        choice = form.cleaned_data["report"]
        if choice != "new":
            existing = Report.objects.get(pk=int(choice))
    try:
        draft = import_draft_confirm(
            draft=draft,
            acting_user=request.user,
            existing_report=existing,
            expected_lock_version=_version(request),
        )
    except DraftError as error:
        draft.refresh_from_db()
        return _render_preview(request, draft, problems=error.problems, status=400)
    response_imported = draft.payload["response"]["include"]
    messages.success(
        request,
        _("Imported: the report")
        + (_(" and the published response were") if response_imported else _(" was"))
        + " created.",
    )
    return redirect("inspections:report-detail", pk=draft.report_id)


@office_required()
@require_POST
def draft_discard(request, pk):
    draft = _open_draft_for(request, pk)
    try:
        import_draft_discard(
            draft=draft, acting_user=request.user, expected_lock_version=_version(request)
        )
    except DraftError as error:
        draft.refresh_from_db()
        return _render_preview(request, draft, problems=[str(error)], status=409)
    messages.success(request, _("The import was discarded. Nothing was created."))
    return redirect("importer:start")

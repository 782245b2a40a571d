"""Tracker pages: the list with filters, sorting, exports and bulk change; an item's page with
its full timeline; adding updates with evidence; proposing and deciding closure; the force's
proposals for the public page and the office's decisions on them; evidence downloads; "Track
this"; packs for the office's scrutiny body.

Every item is fetched from `selectors.items_visible_to(user)`, so an item of another office or
force gives 404. Every change calls a service in `tracking.services`; a refused change shows
the service's words in the GOV.UK error summary. There is no page that edits or deletes a
progress update, an evidence file or a panel pack: a correction is a new update.
"""

from dataclasses import dataclass
from functools import cache
from html import escape

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import (
    has_office_role,
    member_required,
    national_viewer_required,
    office_required,
    office_roles,
    user_office,
)
from core.i18n import text_for_page
from core.pagination import KeysFirstPaginator
from core.templatetags.govuk import render_tag
from core.uploads import body_limit
from inspections.forms import TagsForm
from inspections.models import Finding
from responses.permissions import get_response_for

from . import exports, packs, services
from .filters import TrackerFilter
from .forms import (
    BulkChangeForm,
    ClosureDecisionForm,
    ClosureProposeForm,
    ItemDetailsForm,
    PanelPackForm,
    ProgressUpdateForm,
    PublicProposalDecisionForm,
)
from .models import ClosureProposal, PanelPack
from .rag import Rag, Status, rag_for
from .selectors import (
    ItemPage,
    evidence_visible_to,
    force_people,
    get_item_for,
    is_overdue,
    items_visible_to,
    list_page_items,
    national_open_work,
    office_people,
    packs_for_office,
    pending_public_proposal_count,
    pending_public_proposals,
    public_proposal_for,
    response_findings_tracking,
    update_for_item,
    with_redactions,
)
from .workflow import TrackingError

PAGE_SIZE = 50


def _today():
    return timezone.localdate()


def _item_url(item) -> str:
    return reverse("tracking:item-detail", args=[item.pk])


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- The list --------------------------------------------------------------------------------


def _filtered(request):
    today = _today()
    return TrackerFilter(
        request.GET, items_visible_to(request.user), user=request.user, today=today
    ), today


#: Stands for an item's id in a reversed item address (see `ListRow`).
_ID = 987654321


@dataclass
class ListRow:
    """One row of the tracker list, its cells' words worked out here: the template only places
    them. Rendering each row's translations, links, dates and filters in the template cost
    most of the page's time at national scale (bench/staff_load.py)."""

    pk: int
    status: str
    reference: str
    url: str
    label: str
    title: str
    select_label: str
    text: str
    meta: str
    also: list[tuple[str, str]]
    status_tag: str
    rag_tag: str
    target: str
    overdue: bool
    office_lead: str
    force_lead: str
    last_update: str
    last_update_ago: str


def list_rows(items, *, today, office, lead_names) -> list[ListRow]:
    """The page's rows from `selectors.list_page_items`' values; each translation, date
    format and address is made once a page. `lead_names` names the leads by id
    (`TrackerFilter.lead_names`)."""
    address = reverse("tracking:item-detail", args=[_ID])

    def url(pk) -> str:
        return address.replace(str(_ID), str(pk))

    @cache
    def day(value) -> str:
        return date_format(value, "j M Y")

    kinds = {value: str(label) for value, label in Finding.Kind.choices}

    def label(reference, kind) -> str:
        # TrackerItem.label: the finding's reference, or what kind of finding it is.
        return reference or kinds.get(kind, kind)

    nobody = gettext("nobody")
    office_words = gettext("Office: %(display_name)s")
    force_words = gettext("Force: %(display_name)s")
    select_words = gettext("Select %(label)s, %(title)s")
    of_words = gettext("%(label)s of %(title)s")
    none, none_yet = gettext("None"), gettext("None yet")
    today_word, yesterday_word = gettext("today"), gettext("yesterday")
    status_tags = {s.value: render_tag(s.label, s.colour) for s in Status}
    rag_tags = {r.value: render_tag(r.label, r.colour) for r in Rag}
    office_pk = office.pk if office else None
    rows = []
    for item in items:
        title = item["title"]
        item_label = label(item["reference"], item["kind"])
        status, target_date, updated = item["status"], item["target_date"], item["last_update_on"]
        # Escaped here: the office is named as the page names it (PolicingBody.name_for_page's
        # rule), in a <span lang="en-GB"> on a Welsh page where it has no Welsh name.
        meta = [escape(title)]
        if item["area"]:
            meta.append(escape(item["area"]))
        if item["policing_body_id"] != office_pk:
            meta.append(text_for_page(item["body_name"], item["body_name_cy"]).html)
        # The day of the latest update, or the day tracking started (`last_activity`).
        n = (today - (updated or item["tracked_on"])).days
        if updated:
            last_update = day(updated)
            if n == 0:
                ago = today_word
            elif n == 1:
                ago = yesterday_word
            else:
                ago = ngettext("%(n)s day ago", "%(n)s days ago", n) % {"n": n}
        else:
            last_update = none_yet + (
                ngettext(": tracked for %(n)s day", ": tracked for %(n)s days", n) % {"n": n}
                if n
                else ""
            )
            ago = ""
        office_lead = lead_names.get(item["office_lead_id"]) or nobody
        force_lead = lead_names.get(item["force_lead_id"]) or nobody
        rows.append(
            ListRow(
                pk=item["pk"],
                status=status,
                reference=item["reference"],
                url=url(item["pk"]),
                label=item_label,
                title=title,
                select_label=select_words % {"label": item_label, "title": title},
                text=Truncator(item["text"]).words(24, truncate=" …"),
                meta="; ".join(meta),
                also=[
                    (url(pk), of_words % {"label": label(reference, kind), "title": other_title})
                    for pk, reference, kind, other_title in item["also"]
                ],
                status_tag=status_tags[status],
                rag_tag=rag_tags[rag_for(status=status, target_date=target_date, today=today)],
                target=day(target_date) if target_date else none,
                overdue=is_overdue(status=status, target_date=target_date, today=today),
                office_lead=office_words % {"display_name": office_lead},
                force_lead=force_words % {"display_name": force_lead},
                last_update=last_update,
                last_update_ago=ago,
            )
        )
    return rows


#: A row of the tracker list (templates/tracking/item_list.html places them). Written here, not
#: in the template, because the template language resolved some 25 lookups a row, 1,300 a page:
#: a third of the page's CPU after everything else was made once a page (docs/benchmarks.md).
#: Every value is escaped as the template escaped it (`html.escape`, which Django's own
#: autoescaping uses); the tags are already HTML (`render_tag`).
_ROW = (
    '\n      <tr class="govuk-table__row">\n        {select}\n'
    '        <td class="govuk-table__cell">\n'
    '          <a class="govuk-link govuk-!-font-weight-bold" href="{url}">{label}'
    '<span class="govuk-visually-hidden">, {title}</span></a>\n'
    '          <span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-1">{text}</span>\n'
    '          <span class="govuk-body-s govuk-!-display-block app-timeline__meta">{meta}</span>\n'
    "          {also}\n"
    "        </td>\n"
    '        <td class="govuk-table__cell">{status_tag}</td>\n'
    '        <td class="govuk-table__cell">{rag_tag}</td>\n'
    '        <td class="govuk-table__cell app-nowrap">{target}{overdue}</td>\n'
    '        <td class="govuk-table__cell govuk-body-s">\n'
    "          {office_lead}<br>\n"
    "          {force_lead}\n"
    "        </td>\n"
    '        <td class="govuk-table__cell govuk-body-s">{last_update}{ago}</td>\n'
    "      </tr>\n      "
)
_SELECT = (
    "\n"
    '        <td class="govuk-table__cell">\n'
    '          <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">\n'
    '            <div class="govuk-checkboxes__item">\n'
    '              <input class="govuk-checkboxes__input" id="select-{pk}" name="items" '
    'type="checkbox" value="{pk}">\n'
    '              <label class="govuk-label govuk-checkboxes__label" for="select-{pk}">'
    '<span class="govuk-visually-hidden">{select_label}</span></label>\n'
    "            </div>\n"
    "          </div>\n"
    "        </td>\n"
    "        "
)
_ALSO = (
    '<span class="govuk-body-s govuk-!-display-block app-timeline__meta">{also_tracks} '
    '<a class="govuk-link" href="{url}">{text}</a> {same}</span>'
)


def rows_html(rows: list[ListRow], *, is_office: bool) -> str:
    """The `<tr>` of each of `list_rows`' rows, as the page's table body holds them."""
    overdue = '<br><strong class="app-deadline--overdue">{}</strong>'.format(
        escape(gettext("Overdue"))
    )
    also_tracks = escape(gettext("Also tracks"))
    same = escape(gettext("(the same recommendation)"))
    parts = []
    for row in rows:
        parts.append(
            _ROW.format(
                select=_SELECT.format(pk=row.pk, select_label=escape(row.select_label))
                if is_office
                else "",
                url=escape(row.url),
                label=escape(row.label),
                title=escape(row.title),
                text=escape(row.text),
                meta=row.meta,  # escaped already
                also="".join(
                    _ALSO.format(
                        also_tracks=also_tracks, url=escape(url), text=escape(text), same=same
                    )
                    for url, text in row.also
                ),
                status_tag=row.status_tag,
                rag_tag=row.rag_tag,
                target=escape(row.target),
                overdue=overdue if row.overdue else "",
                office_lead=escape(row.office_lead),
                force_lead=escape(row.force_lead),
                last_update=escape(row.last_update),
                ago="<br>" + escape(row.last_update_ago) if row.last_update_ago else "",
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@member_required
def item_list(request):
    tracker, today = _filtered(request)
    paginator = KeysFirstPaginator(per_page=PAGE_SIZE, keys=tracker.keys(), load=list_page_items)
    page = paginator.get_page(request.GET.get("page"))
    query = _query_without(request, "page")
    is_office = bool(office_roles(request.user))
    chosen = tracker.form.cleaned_data.get("report") if tracker.form.is_valid() else None
    office = user_office(request.user)
    rows = list_rows(page, today=today, office=office, lead_names=tracker.lead_names)
    return render(
        request,
        "tracking/item_list.html",
        {
            "page_title": "Tracker",
            "filter": tracker,
            "form": tracker.form,
            "page_obj": page,
            "rows": rows,
            "rows_html": rows_html(rows, is_office=is_office),
            "query": query,
            "report": chosen,
            "all_reports_query": _query_without(request, "page", "report"),
            "is_office": is_office,
            "office": office,
            "rag_colours": {r.value: r.colour for r in Rag},
            "list_url": request.get_full_path(),
            "pending_public": pending_public_proposal_count(request.user) if is_office else 0,
        },
    )


@member_required
def export(request, fmt: str):
    tracker, today = _filtered(request)
    if not tracker.form.is_valid():
        problems = "; ".join(e for errors in tracker.form.errors.values() for e in errors)
        return HttpResponse(
            gettext("The filters are not valid (%(problems)s): correct them on the tracker page.")
            % {"problems": problems},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = exports.rows_for(tracker.qs, today=today, lead_names=tracker.lead_names)
    headings = exports.headings()  # translated now, like rows_for's labels
    if fmt == "csv":
        # Streamed: the rows leave as they are written, a few dozen kilobytes at a
        # time (with a byte order mark first, so that Excel reads the file as UTF-8).
        chunks = exports.csv_chunks(rows, headings=headings)
        response = StreamingHttpResponse(
            (("\ufeff" + chunk if n == 0 else chunk).encode() for n, chunk in enumerate(chunks)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(
            exports.to_xlsx(rows, headings=headings),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    name = exports.filename(fmt, today=today)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Bulk change ----------------------------------------------------------------------------------


def _office_items(request, ids):
    """The selected items that the user's offices own (others are silently left out: they
    were never offered)."""
    bodies = list(office_roles(request.user))
    clean = [int(i) for i in ids if str(i).isdigit()]
    return list(
        items_visible_to(request.user)
        .filter(pk__in=clean, policing_body_id__in=bodies)
        .select_related("finding__report", "policing_body__force", "office_lead", "force_lead")
        .order_by("finding__report__published_on", "finding__position", "pk")
    )


def _people_for(items):
    bodies = sorted({i.policing_body_id for i in items})
    forces = sorted({i.policing_body.force_id for i in items})
    office = {p.pk: p for body in bodies for p in office_people(body)}
    force = {p.pk: p for f in forces for p in force_people(f)}
    return list(office.values()), list(force.values())


@office_required()
def bulk_change(request):
    source = request.POST if request.method == "POST" else request.GET
    items = _office_items(request, source.getlist("items"))
    list_url = _safe_next(request, reverse("tracking:item-list"))
    if not items:
        messages.error(
            request,
            gettext("Select at least one item to change, then choose Change selected items."),
        )
        return redirect(list_url)
    office, force = _people_for(items)
    form = BulkChangeForm(
        request.POST if request.method == "POST" else None,
        office_people=office,
        force_people=force,
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes or set(changes) == {"reason"}:
            problems = [gettext("Choose what to change.")]
        else:
            try:
                services.tracker_items_bulk_update(items=items, acting_user=request.user, **changes)
            except TrackingError as error:
                problems = error.problems
            else:
                count = len(items)
                messages.success(
                    request,
                    ngettext("%(count)s item changed.", "%(count)s items changed.", count)
                    % {"count": count},
                )
                return redirect(list_url)
    return render(
        request,
        "tracking/bulk_change.html",
        {
            "page_title": gettext("Change selected items"),
            "items": items,
            "form": form,
            "problems": problems,
            "list_url": list_url,
        },
    )


# --- An item ----------------------------------------------------------------------------------------


@member_required
def item_detail(request, pk):
    item = get_item_for(request.user, pk)
    page = ItemPage(item, user=request.user, today=_today())
    return render(
        request,
        "tracking/item_detail.html",
        {
            "page_title": f"{item.label}: {item.finding.report.title}",
            "item": item,
            "page": page,
            "rag": page.rag,
            "rag_colour": Rag(page.rag).colour,
            "status": Status(item.status),
        },
    )


def _require_office_for(request, item):
    if not has_office_role(request.user, item.policing_body_id):
        raise PermissionDenied(gettext("Only the office's staff can do this."))


@office_required()
def item_edit(request, pk):
    item = get_item_for(request.user, pk)
    _require_office_for(request, item)
    office, force = _people_for([item])
    form = ItemDetailsForm(
        request.POST or None, item=item, office_people=office, force_people=force
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, gettext("Nothing was changed."))
            return redirect(_item_url(item))
        try:
            services.tracker_items_bulk_update(
                items=[item],
                acting_user=request.user,
                reason=form.cleaned_data.get("reason", ""),
                **changes,
            )
        except TrackingError as error:
            problems = error.problems
        else:
            messages.success(request, gettext("The item's details have been saved."))
            return redirect(_item_url(item))
    return render(
        request,
        "tracking/item_edit.html",
        {
            "page_title": gettext("Change leads, target date or area"),
            "item": item,
            "form": form,
            "problems": problems,
        },
    )


@office_required()
def item_tags(request, pk):
    """The item's themes and the office's plan priorities (`tracker_item_set_tags`)."""
    item = get_item_for(request.user, pk)
    _require_office_for(request, item)
    form = TagsForm(
        request.POST or None,
        chosen_themes=list(item.themes.all()),
        body=item.policing_body,
        chosen_priorities=list(item.plan_priorities.all()),
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            services.tracker_item_set_tags(
                item=item,
                acting_user=request.user,
                themes=form.cleaned_data["themes"],
                plan_priorities=form.cleaned_data["priorities"],
            )
        except TrackingError as error:
            problems = error.problems
        else:
            messages.success(request, gettext("The item's themes and priorities have been saved."))
            return redirect(_item_url(item))
    return render(
        request,
        "tracking/item_tags.html",
        {
            "page_title": gettext("Themes and priorities"),
            "item": item,
            "form": form,
            "problems": problems,
        },
    )


#: Evidence is sent with an update or a closure proposal: several files, each checked later by
#: `evidence.inspect_upload`, together at most S55_EVIDENCE_MAX_REQUEST_BYTES.
evidence_body_limit = body_limit(
    lambda: settings.S55_EVIDENCE_MAX_REQUEST_BYTES,
    message=(
        gettext_lazy(
            "Choose fewer or smaller evidence files: add the others with another update. Each file can be up to the size the form says."
        )
    ),
)


@evidence_body_limit
@member_required
def update_add(request, pk):
    item = get_item_for(request.user, pk)
    page = ItemPage(item, user=request.user, today=_today())
    if not page.can_update:  # pragma: no cover - items_visible_to already limits this
        raise PermissionDenied
    corrects_id = request.POST.get("corrects") or request.GET.get("corrects")
    corrects = update_for_item(item, corrects_id) if corrects_id else None
    form = ProgressUpdateForm(
        request.POST or None,
        request.FILES or None,
        statuses=[] if corrects else page.status_choices,
        current=item.status,
        by_force=not page.is_office,
        initial={"date": _today()},
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update = services.progress_update_add(
                item=item,
                acting_user=request.user,
                text=data["text"],
                date=data["date"],
                status=data.get("status") or "",
                is_public=data["is_public"],
                corrects=corrects,
                files=data["files"],
                redactions=data["redactions"],
            )
        except TrackingError as error:
            problems = error.problems
        else:
            done = (
                gettext("Your correction has been added.")
                if corrects
                else gettext("Your update has been added.")
            )
            if hasattr(update, "public_proposal"):
                done += gettext(
                    " The office will decide what of it appears on the public response page."
                )
            messages.success(request, done)
            return redirect(_item_url(item))
    return render(
        request,
        "tracking/update_form.html",
        {
            "page_title": gettext("Correct an update") if corrects else gettext("Add an update"),
            "item": item,
            "page": page,
            "form": form,
            "corrects": corrects,
            "problems": problems,
        },
    )


@evidence_body_limit
@member_required
def closure_propose(request, pk):
    item = get_item_for(request.user, pk)
    page = ItemPage(item, user=request.user, today=_today())
    form = ClosureProposeForm(
        request.POST or None,
        request.FILES or None,
        by_force=not page.is_office,
        initial={"date": _today()},
    )
    problems = []
    if not page.can_propose_closure:
        problems = [
            gettext(
                "Closure can only be proposed for an item that is open or in progress; this one is %(lower)s."
            )
            % {"lower": Status(item.status).label.lower()}
        ]
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.closure_propose(
                item=item,
                acting_user=request.user,
                text=data["text"],
                date=data["date"],
                is_public=data["is_public"],
                files=data["files"],
            )
        except TrackingError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                gettext(
                    "Closure has been proposed. Someone in the office will approve or refuse it."
                ),
            )
            return redirect(_item_url(item))
    return render(
        request,
        "tracking/closure_propose.html",
        {
            "page_title": gettext("Propose closure"),
            "item": item,
            "page": page,
            "form": form,
            "problems": problems,
        },
    )


@member_required
def closure_decide(request, pk, proposal_pk):
    item = get_item_for(request.user, pk)
    _require_office_for(request, item)
    proposal = get_object_or_404(
        ClosureProposal.objects.select_related("proposed_by", "update", "decided_by"),
        item=item,
        pk=proposal_pk,
    )
    page = ItemPage(item, user=request.user, today=_today())
    force_text_proposed = proposal.update.is_public and any(
        p.update_id == proposal.update_id for p in page.pending_public
    )
    form = ClosureDecisionForm(request.POST or None, force_text_proposed=force_text_proposed)
    problems = []
    own = proposal.proposed_by_id == request.user.pk
    if own:
        problems = [
            gettext(
                "You proposed closing this item, so someone else in the office must approve or refuse it."
            )
        ]
    elif not proposal.is_pending:
        problems = [
            gettext("This proposal has already been %(lower)s.")
            % {"lower": proposal.get_decision_display().lower()}
        ]
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.closure_decide(
                proposal=proposal,
                acting_user=request.user,
                approve=data["decision"] == "approve",
                reason=data["reason"],
                is_public=data["is_public"],
                publish_proposal_text=data.get("publish_proposal_text", False),
            )
        except TrackingError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                gettext("Closure approved: the item is complete.")
                if data["decision"] == "approve"
                else gettext("Closure refused: the item is back with the force."),
            )
            return redirect(_item_url(item))
    evidence = next(
        (e.evidence for e in page.timeline if e.update and e.update.pk == proposal.update_id), []
    )
    return render(
        request,
        "tracking/closure_decide.html",
        {
            "page_title": gettext("Approve or refuse closure"),
            "item": item,
            "proposal": proposal,
            "evidence": evidence,
            "form": form,
            "problems": problems,
            "can_decide": not own and proposal.is_pending,
        },
    )


# --- The force's proposals for the public page -------------------------------------------------


@office_required()
def proposal_list(request):
    """What the force has proposed for the public pages of the user's office, waiting for a
    decision."""
    return render(
        request,
        "tracking/proposal_list.html",
        {
            "page_title": gettext("Proposals for the public page"),
            "office": user_office(request.user),
            "is_office": True,
            "proposals": list(pending_public_proposals(request.user)),
        },
    )


@member_required
def proposal_decide(request, pk, proposal_pk):
    item = get_item_for(request.user, pk)
    _require_office_for(request, item)
    proposal = public_proposal_for(request.user, item, proposal_pk)
    # The office reads the passages redacted before it decides; its own words start from the
    # text as the public would read it.
    update = with_redactions(proposal.update)
    form = PublicProposalDecisionForm(request.POST or None, initial={"text": update.public_text})
    problems = []
    if not proposal.is_pending:
        problems = [
            gettext("This proposal has already been decided: %(lower)s.")
            % {"lower": proposal.get_decision_display().lower()}
        ]
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.public_proposal_decide(
                proposal=proposal,
                acting_user=request.user,
                decision=data["decision"],
                text=data["text"],
                reason=data["reason"],
            )
        except TrackingError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                {
                    "approved": gettext("Approved: it is on the public response page."),
                    "edited": gettext("Published in the office's words."),
                    "declined": gettext(
                        "Not published. The force can see why on the item's timeline."
                    ),
                }[data["decision"]],
            )
            return redirect(_safe_next(request, _item_url(item)))
    return render(
        request,
        "tracking/proposal_decide.html",
        {
            "page_title": gettext("Decide what the public page shows"),
            "item": item,
            "proposal": proposal,
            "update": update,
            "form": form,
            "problems": problems,
            "can_decide": proposal.is_pending,
            "next": _safe_next(request, ""),
        },
    )


@member_required
def evidence_download(request, pk):
    """An evidence file with its original name, only for the office and the force concerned."""
    evidence = evidence_visible_to(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(gettext("The file is missing from storage.")) from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Track this ---------------------------------------------------------------------------------


@office_required()
def response_tracking(request, pk):
    response = get_response_for(request.user, pk, for_write=True)
    rows = response_findings_tracking(response)
    return render(
        request,
        "tracking/response_tracking.html",
        {
            "page_title": gettext("Track recommendations: %(title)s")
            % {"title": response.report.title},
            "response": response,
            "rows": rows,
            "untracked": sum(1 for _, item in rows if item is None),
        },
    )


@require_POST
@office_required()
def track(request, pk):
    response = get_response_for(request.user, pk, for_write=True)
    back = reverse("tracking:response-tracking", args=[response.pk])
    if request.POST.get("finding") == "all":
        created = services.tracker_items_create_for_response(
            response=response, acting_user=request.user
        )
        count = len(created)
        messages.success(
            request,
            ngettext(
                "%(count)s item added to the tracker.",
                "%(count)s items added to the tracker.",
                count,
            )
            % {"count": count}
            if count
            else gettext("Every recommendation for local action and every AFI is already tracked."),
        )
        return redirect(back)
    finding = get_object_or_404(
        Finding.objects.select_related("report"),
        pk=request.POST.get("finding") if str(request.POST.get("finding", "")).isdigit() else 0,
        report_id=response.report_id,
    )
    try:
        item = services.tracker_item_create(
            finding=finding, policing_body=response.policing_body, acting_user=request.user
        )
    except TrackingError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(request, gettext("%(label)s is now tracked.") % {"label": item.label})
    return redirect(back)


# --- Panel packs -------------------------------------------------------------------------------


def pack_list_title(office) -> str:
    """ "Packs for the Norfolk Police and Crime Panel"; "Progress packs" where the office has
    no scrutiny body (the City of London)."""
    if office.scrutiny_body_name:
        return gettext("Packs for the %(scrutiny_body_name)s") % {
            "scrutiny_body_name": office.scrutiny_body_name
        }
    return gettext("Progress packs")


@office_required()
def pack_list(request):
    office = user_office(request.user)
    return render(
        request,
        "tracking/pack_list.html",
        {
            "page_title": pack_list_title(office),
            "office": office,
            "packs": list(packs_for_office(office.pk)),
        },
    )


@office_required()
def pack_create(request):
    office = user_office(request.user)
    form = PanelPackForm(request.POST or None, initial={"as_at": _today()})
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            pack = services.panel_pack_create(
                policing_body=office,
                as_at=form.cleaned_data["as_at"],
                title=form.cleaned_data["title"],
                acting_user=request.user,
            )
        except TrackingError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                gettext("The pack “%(title)s” has been made and stored.") % {"title": pack.title},
            )
            return redirect("tracking:pack-list")
    return render(
        request,
        "tracking/pack_form.html",
        {
            "page_title": gettext("Make a panel pack"),
            "office": office,
            "form": form,
            "problems": problems,
        },
    )


@office_required()
def pack_download(request, pk):
    bodies = list(office_roles(request.user))
    pack = get_object_or_404(
        PanelPack.objects.select_related("policing_body"), pk=pk, policing_body_id__in=bodies
    )
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{packs.pack_filename(pack)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The national read-only view ----------------------------------------------------------------


@national_viewer_required
def national(request):
    """For national read-only staff: the status of the open work of the offices that opted in
    (`tracking.selectors.national_open_work`). Read-only: no form, no action."""
    return render(
        request,
        "tracking/national.html",
        {
            "page_title": gettext("Open work shared by offices"),
            "offices": national_open_work(today=_today()),
        },
    )

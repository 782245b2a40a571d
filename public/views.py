"""The public site: published responses as accessible pages, search, statistics, open data.

No sign-in. Every page reads the public tables only (see public/models.py), so drafts, amendments
in progress, internal notes and history cannot appear. Pages are cached whole (public/caching.py)
and the response page answers conditional requests (ETag / Last-Modified).
"""

import re
from datetime import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import condition, require_safe

from accounts.models import PolicingBody
from core.dates import long_date
from core.i18n import content_lang_attribute
from inspections.models import Addressee, ReportType, addressee_label
from responses.bilingual import ENGLISH, WELSH
from responses.deadlines import S55_COMMENCEMENT
from responses.pdf import document_for_version, render_snapshot
from responses.statute import duty_statement

from . import register, selectors, trends
from .caching import cached_page, shared_cache_headers, shared_cacheable
from .csvfiles import csv_response
from .forms import RegisterFilterForm, ResponseFilterForm, StatisticsFilterForm
from .models import PublishedItem, PublishedResponse

PAGE_SIZE = 20


def pdf_url(response_id: int, number: int, *, welsh: bool = False) -> str:
    """The public download of a version's frozen PDF, or of its Welsh document ("" until the
    PDF room's URL exists)."""
    try:
        return reverse(
            "pdf:version-cy" if welsh else "pdf:version",
            kwargs={"pk": response_id, "number": number},
        )
    except NoReverseMatch:
        return ""


def on_time_text(record: PublishedResponse) -> str:
    """s55(5A): "Yes", "No, 3 days late", or why there was no deadline."""
    if record.days_late is None:
        return _(
            "No statutory deadline: the report was published before the 56-day rule came into "
            "force on %(date)s"
        ) % {"date": long_date(S55_COMMENCEMENT)}
    if record.days_late == 0:
        return _("Yes")
    return ngettext("No, %(days)s day late", "No, %(days)s days late", record.days_late) % {
        "days": record.days_late
    }


# --- Home and list ---------------------------------------------------------------------------


@require_safe
def home(request):
    def page():
        return render(
            request,
            "public/home.html",
            {
                "page_title": "",
                "duty_statement": _(duty_statement()),
                "latest": selectors.latest_published(limit=10),
                "filter_form": ResponseFilterForm(choices=selectors.filter_choices()),
            },
        )

    return cached_page(request, stamp=selectors.public_stamp(), render=page)


def _filter_form(request) -> ResponseFilterForm:
    form = ResponseFilterForm(
        request.GET if request.GET else None, choices=selectors.filter_choices()
    )
    if form.is_bound:
        form.is_valid()
    return form


@require_safe
def response_list(request):
    def page():
        form = _filter_form(request)
        filters = form.filters()
        records = selectors.published_responses(filters)
        page_obj = _paginate(request, records, searched=bool(filters.q))
        office = (
            PolicingBody.objects.filter(slug=filters.office).first() if filters.office else None
        )
        csv_query = urlencode(
            {
                k: v
                for k, v in {
                    "q": filters.q,
                    "year": filters.year or "",
                    "report_type": filters.report_type,
                    "office": filters.office,
                }.items()
                if v
            }
        )
        title = _("Published responses")
        if filters.q:
            title = _("Search results for ‘%(q)s’") % {"q": filters.q}
        return render(
            request,
            "public/response_list.html",
            {
                "page_title": title
                + (
                    _(" (page %(number)s)") % {"number": page_obj.number}
                    if page_obj.number > 1
                    else ""
                ),
                "heading": title,
                "form": form,
                "filters": filters,
                "page_obj": page_obj,
                "records": page_obj.object_list,
                "ranked": selectors.is_ranked(records),
                "office": office,
                "csv_url": reverse("public:response-list-csv")
                + (f"?{csv_query}" if csv_query else ""),
            },
        )

    return cached_page(request, stamp=selectors.public_stamp(), render=page)


def _paginate(request, queryset, *, searched: bool = False, size: int = PAGE_SIZE):
    from django.core.paginator import Paginator

    paginator_class = selectors.SearchPaginator if searched else Paginator
    return paginator_class(queryset, size).get_page(request.GET.get("page"))


RESPONSE_CSV_HEADER = [
    "response_id",
    "page_url",
    "policing_body",
    "force",
    "report_title",
    "report_type",
    "report_published_on",
    "due_date",
    "response_published_on",
    "published_within_56_days",
    "days_late",
    "latest_version",
    "latest_version_published_on",
    "hmicfrs_report_url",
    "pdf_url",
    "report_corrections",
    "published_in_welsh",
    "pdf_url_cy",
]


def corrections_text(record) -> str:
    """The public notes of corrections of the report, for one CSV cell."""
    return " ".join(f"{note['on']}: {note['text']}" for note in record.corrections)


def response_csv_rows(records):
    site = settings.SITE_URL
    for record in records.iterator(chunk_size=1000):
        on_time = record.is_on_time
        yield [
            record.response_id,
            site + reverse("public:response", kwargs={"pk": record.response_id}),
            record.policing_body.name,
            record.policing_body.force.name,
            record.report_title,
            ReportType(record.report_type).label,
            record.report_published_on.isoformat(),
            record.due_date.isoformat() if record.due_date else "",
            record.first_published_on.isoformat(),
            "" if on_time is None else ("yes" if on_time else "no"),
            "" if record.days_late is None else record.days_late,
            record.version_number,
            record.latest_published_on.isoformat(),
            record.report_url,
            (site + url) if (url := pdf_url(record.response_id, record.version_number)) else "",
            corrections_text(record),
            "yes" if record.bilingual else "no",
            (site + pdf_url(record.response_id, record.version_number, welsh=True))
            if record.bilingual
            else "",
        ]


@require_safe
def response_list_csv(request):
    """The list of published responses as CSV, with the same search and filters as the page."""
    form = _filter_form(request)
    records = selectors.published_responses(form.filters())
    return csv_response("published-responses.csv", RESPONSE_CSV_HEADER, response_csv_rows(records))


# --- One response ----------------------------------------------------------------------------


def _page_state(request, pk: int) -> dict | None:
    """What decides whether the response page changed: one small query, once per request."""
    cache_attr = "_public_page_state"
    if not hasattr(request, cache_attr):
        state = (
            PublishedResponse.objects.filter(response_id=pk)
            .values(
                "pk",
                "refreshed_at",
                "progress_changed_at",
                "version__html_sha256",
                "version__pdf_sha256",
                "withdrawn_on",
                "version__pdf_cy_sha256",
                # Moves when copies are recorded (s55(6)): the page shows them live.
                "response__lock_version",
            )
            .first()
        )
        setattr(request, cache_attr, state)
    return getattr(request, cache_attr)


def _etag(request, pk: int) -> str | None:
    state = _page_state(request, pk)
    if state is None:
        return None
    signed_in = "s" if request.COOKIES.get(settings.SESSION_COOKIE_NAME) else "p"
    return "-".join(
        [
            str(state["pk"]),
            str(int(state["refreshed_at"].timestamp() * 1000)),
            # The tracker's public progress beside the published text.
            str(int(p.timestamp() * 1000)) if (p := state["progress_changed_at"]) else "0",
            (state["version__html_sha256"] or "none")[:16],
            (state["version__pdf_sha256"] or "none")[:16],
            (state["version__pdf_cy_sha256"] or "none")[:16],
            str(state["response__lock_version"]),
            signed_in,
        ]
    )


def _last_modified(request, pk: int) -> datetime | None:
    state = _page_state(request, pk)
    if state is None:
        return None
    return max(filter(None, (state["refreshed_at"], state["progress_changed_at"])))


_HEADING = re.compile(r"<(/?)h([1-5])\b", re.IGNORECASE)


def demote_headings(html: str) -> str:
    """The frozen snapshot starts at h1; inside the page, under the page's own h1, it starts at
    h2. Only the tag names change (the snapshot is our own template's markup)."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)


def response_body_html(record: PublishedResponse, *, welsh: bool = False) -> str:
    """The latest version's frozen HTML snapshot (its Welsh one, with `welsh`, for a response
    published in Welsh and English); if the PDF room has not stored it yet (it is rendered
    after publication), the same template rendered from the data as it stood when the
    version was published (never the live draft of an amendment in progress)."""
    snapshot = record.version.html_snapshot_cy if welsh else record.version.html_snapshot
    if not snapshot:
        language = WELSH if welsh else ENGLISH
        snapshot = render_snapshot(document_for_version(record.version, language=language))
    return demote_headings(snapshot)


@require_safe
@shared_cacheable
@condition(etag_func=_etag, last_modified_func=_last_modified)
def response_detail(request, pk: int):
    state = _page_state(request, pk)
    if state is None:
        raise Http404("No published response has that number.")
    stamp = _etag(request, pk)
    if state["withdrawn_on"] is not None:
        return withdrawn_page(request, selectors.published_record(pk))

    def page():
        record = selectors.published_record(pk)
        if record is None:
            raise Http404("No published response has that number.")
        versions = selectors.published_versions(pk)
        for version in versions:
            # A withdrawn version's PDF answers 410 with its note: no link to it.
            version.download_url = "" if version.withdrawn_at else pdf_url(pk, version.number)
            if not version.withdrawn_at and (version.html_cy_sha256 or version.pdf_cy_sha256):
                version.download_url_cy = pdf_url(pk, version.number, welsh=True)
        latest = versions[-1] if versions else None
        body = record.policing_body
        # The Welsh page of a response published in Welsh shows the Welsh document; otherwise
        # the English one, marked as English on a Welsh page (never silently).
        welsh = record.bilingual and translation.get_language() == "cy"
        return render(
            request,
            "public/response_detail.html",
            {
                # A page's title and description cannot mark a language: the body is named
                # in the page's language where it can be (PolicingBody.name_for_page).
                "page_title": _("%(body)s response to %(title)s")
                % {"body": body.short_name_for_page().text, "title": record.report_title},
                "meta_description": _(
                    "The %(body)s's response under section 55 of the Police Act 1996 to the "
                    "%(inspectorate)s report %(title)s, published %(date)s."
                )
                % {
                    "body": body.name_for_page().text,
                    "inspectorate": record.inspectorate.abbreviation,
                    "title": record.report_title,
                    "date": long_date(record.report_published_on),
                },
                "record": record,
                "body": body,
                "force": body.force,
                "on_time_text": on_time_text(record),
                "body_html": mark_safe(response_body_html(record, welsh=welsh)),  # noqa: S308 - our template, sanitised markup
                "body_lang": "" if welsh else content_lang_attribute(),
                "progress": selectors.published_progress(record),
                "versions": versions,
                "latest": latest,
                "pdf_size": getattr(record, "pdf_size", None),
                "pdf_cy_size": getattr(record, "pdf_cy_size", None),
                "office_feed_url": reverse("public:office-feed", kwargs={"slug": body.slug}),
            },
        )

    return cached_page(request, stamp=stamp, render=page)


def withdrawn_page(request, record: PublishedResponse):
    """410 Gone, with the public note of each withdrawn version (which, why and when), the
    statutory record that stays (the response was published on its date), and any earlier
    version that was not withdrawn: superseded by the withdrawn one, it is not shown as the
    response, but its PDF stays published as the record of what was published then
    (docs/decisions/0016-withdrawing-any-version.md)."""
    body = record.policing_body
    earlier = [
        version
        for version in selectors.published_versions(record.response_id)
        if not version.withdrawn_at
    ]
    for version in earlier:
        version.download_url = pdf_url(record.response_id, version.number)
        if version.html_cy_sha256 or version.pdf_cy_sha256:
            version.download_url_cy = pdf_url(record.response_id, version.number, welsh=True)
    return render(
        request,
        "public/response_withdrawn.html",
        {
            "page_title": _("Withdrawn: %(body)s response to %(title)s")
            % {"body": body.short_name_for_page().text, "title": record.report_title},
            "record": record,
            "body": body,
            "note": record.withdrawal,
            "notes": record.withdrawal_notes,
            "earlier_versions": earlier,
            "on_time_text": on_time_text(record),
            "office_feed_url": reverse("public:office-feed", kwargs={"slug": body.slug}),
        },
        status=410,
    )


# --- Statistics ------------------------------------------------------------------------------


@require_safe
def statistics(request):
    def page():
        choices = selectors.filter_choices()
        form = StatisticsFilterForm(
            request.GET if request.GET else None, years=choices.years, offices=choices.offices
        )
        year, office = None, ""
        if form.is_bound and form.is_valid():
            year, office = form.cleaned_data["year"], form.cleaned_data["office"] or ""
        stats = selectors.statistics(year=year, office=office)
        over_time = _over_time(stats, office=office, today=timezone.localdate())
        return render(
            request,
            "public/statistics.html",
            {
                "page_title": _("Statistics"),
                "meta_description": _(
                    "How many Section 55 responses each policing body published within the "
                    "56 days, how late the others were, and what the responses said about the "
                    "recommendations."
                ),
                "form": form,
                "stats": stats,
                "chart": _chart(stats),
                "over_time": over_time,
            },
        )

    return cached_page(request, stamp=register.register_stamp(timezone.localdate()), render=page)


def _over_time(stats, *, office: str, today) -> dict:
    """The statistics over time (public/trends.py) and their charts' geometry (SVG: CSP
    forbids inline styles). Every chart has a table with the same numbers."""
    years = trends.on_time_by_year(
        selectors.statistics(office=office).rows if stats.year else stats.rows
    )
    bar, gap, height, top = 44, 16, 160, 24
    for index, rate in enumerate(years):
        rate.x = 40 + index * (bar + gap)
        rate.height = round(height * (rate.percent or 0) / 100)
        rate.y = top + height - rate.height
        rate.text_x = rate.x + bar // 2
        rate.label_y = top + height + 18
        rate.value_y = max(rate.y - 6, 14)
    rates_chart = {
        "years": years,
        "bar": bar,
        "width": 60 + max(len(years), 1) * (bar + gap),
        "height": top + height + 30,
        "axis_y": top + height,
        "top": top,
        "mid": top + height // 2,
    }

    forces = trends.peel_grades(office=office)
    colours = ["#00703c", "#85994b", "#1d70b8", "#f47738", "#d4351c"]
    rows, row_height, label_width, area = [], 30, 330, 300
    largest = max((i.graded for f in forces for i in f.inspections), default=0) or 1
    for force in forces:
        for inspection in force.inspections:
            x, segments = label_width, []
            for grade, count, colour in zip(trends.GRADES, inspection.counts, colours, strict=True):
                width = round(area * count / largest)
                if width:
                    segments.append(
                        {
                            "x": x,
                            "width": width,
                            "colour": colour,
                            "count": count,
                            "text_x": x + width // 2,
                            "label": grade.label,
                        }
                    )
                x += width
            rows.append(
                {
                    "force": force.force_for_page,
                    "inspection": inspection,
                    "segments": segments,
                    "y": 10 + len(rows) * row_height,
                    "text_y": 10 + len(rows) * row_height + 17,
                }
            )
    grades_chart = {
        "rows": rows,
        "label_width": label_width,
        "width": label_width + area + 20,
        "height": 20 + max(len(rows), 1) * row_height + 40,
        "legend_y": 20 + len(rows) * row_height,
        "legend": [
            {"label": g.label, "colour": c, "x": i * 130, "text_x": i * 130 + 22}
            for i, (g, c) in enumerate(zip(trends.GRADES, colours, strict=True))
        ],
    }

    bodies = trends.open_and_overdue(today=today, office=office)
    most = max((b.open for b in bodies), default=0) or 1
    label_width, area, row_height = 290, 360, 44
    for index, body in enumerate(bodies):
        body.y = 10 + index * row_height
        body.open_width = round(area * body.open / most)
        body.overdue_width = round(area * body.overdue / most)
        body.open_text_x = label_width + body.open_width + 6
        body.overdue_y = body.y + 18
        body.overdue_text_x = label_width + body.overdue_width + 6
        body.text_y = body.y + 14
        body.overdue_text_y = body.y + 32
    progress_chart = {
        "bodies": bodies,
        "label_width": label_width,
        "width": label_width + area + 60,
        "height": 20 + max(len(bodies), 1) * row_height + 30,
        "legend_y": 20 + len(bodies) * row_height,
    }
    return {"rates": rates_chart, "grades": grades_chart, "progress": progress_chart}


def _chart(stats) -> dict:
    """Bar geometry for the on-time chart (an SVG: CSP forbids inline styles). Each bar is one
    office's published responses, split into on time and late; the table beneath has the same
    numbers."""
    by_office: dict[str, dict] = {}
    for row in stats.rows:
        entry = by_office.setdefault(
            row.office_slug,
            {"office": row.short_for_page, "on_time": 0, "late": 0, "no_deadline": 0},
        )
        entry["on_time"] += row.on_time
        entry["late"] += row.late
        entry["no_deadline"] += row.no_deadline
    bars = list(by_office.values())
    largest = max((b["on_time"] + b["late"] for b in bars), default=0) or 1
    label_width, bar_area, row_height = 290, 400, 34
    for index, bar in enumerate(bars):
        bar["y"] = 10 + index * row_height
        bar["text_y"] = bar["y"] + 17
        bar["on_time_width"] = round(bar_area * bar["on_time"] / largest)
        bar["late_width"] = round(bar_area * bar["late"] / largest)
        bar["late_x"] = label_width + bar["on_time_width"]
        bar["total_x"] = bar["late_x"] + bar["late_width"] + 6
    return {
        "bars": bars,
        "label_width": label_width,
        "width": label_width + bar_area + 60,
        "height": 20 + max(len(bars), 1) * row_height + 30,
        "legend_y": 20 + len(bars) * row_height,
    }


# --- Open data, API docs and the small pages -------------------------------------------------------


@require_safe
def open_data(request):
    return shared_cache_headers(
        request,
        render(
            request,
            "public/open_data.html",
            {
                "page_title": _("Open data"),
                "meta_description": _(
                    "Download the published Section 55 responses, the reports and their "
                    "recommendations as CSV, or read them from the JSON API."
                ),
            },
        ),
    )


@require_safe
def accessibility(request):
    return shared_cache_headers(
        request,
        render(request, "public/accessibility.html", {"page_title": _("Accessibility statement")}),
    )


@require_safe
def accessibility_staff(request):
    """The staff pages' statement: public, so anyone can read it before signing in."""
    return shared_cache_headers(
        request,
        render(
            request,
            "public/accessibility_staff.html",
            {"page_title": _("Accessibility statement for the staff pages")},
        ),
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Staff pages need a sign-in and have nothing to index; the API's data is in the pages.
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /responses/",
        "Disallow: /reports/",
        "Disallow: /import/",
        "Disallow: /reminders/",
        "Disallow: /tracker/",
        # The email sign-up forms and the emailed links' pages: nothing to index, and a link
        # a crawler found must not be fetched over and over.
        "Disallow: /email-updates/",
        "Disallow: /cy/email-updates/",
        "Allow: /api/docs/",
        "Disallow: /api/",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('public:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


RECOMMENDATION_CSV_HEADER = [
    "response_id",
    "policing_body",
    "report_id",
    "report_title",
    "report_published_on",
    "kind",
    "number",
    "reference",
    "text",
    "addressees",
    "timescale",
    "explanation_kind",
    "explanation",
    "chief_officer_comment",
    "explanation_cy",
    "chief_officer_comment_cy",
]


@require_safe
def recommendations_csv(request):
    """Every recommendation and AFI of every published response, with its explanation."""
    items = (
        PublishedItem.objects.select_related("record__policing_body")
        .only(
            "record__response_id",
            "record__report_id",
            "record__report_title",
            "record__report_published_on",
            "record__policing_body__name",
            "record__policing_body__kind",
            "kind",
            "number",
            "reference",
            "text",
            "addressees",
            "timescale_text",
            "explanation_kind",
            "explanation",
            "force_comment",
            "explanation_cy",
            "force_comment_cy",
        )
        .order_by("-record__first_published_on", "record_id", "position")
    )

    def rows():
        for item in items.iterator(chunk_size=2000):
            record = item.record
            yield [
                record.response_id,
                record.policing_body.name,
                record.report_id,
                record.report_title,
                record.report_published_on.isoformat(),
                item.get_kind_display(),
                item.number,
                item.reference,
                item.text,
                "; ".join(
                    str(addressee_label(a, body=record.policing_body))
                    for a in item.addressees
                    if a in Addressee.values
                ),
                item.timescale_text,
                item.get_explanation_kind_display() if item.explanation_kind else "",
                item.explanation,
                item.force_comment,
                item.explanation_cy,
                item.force_comment_cy,
            ]

    return csv_response("published-recommendations.csv", RECOMMENDATION_CSV_HEADER, rows())


REPORT_CSV_HEADER = [
    "report_id",
    "title",
    "published_on",
    "report_type",
    "inspection_type",
    "scope",
    "forces",
    "hmicfrs_url",
    "published_responses",
]


@require_safe
def reports_csv(request):
    """The reports that have at least one published response."""
    reports = selectors.public_reports().annotate(
        published_count=Count("public_records", distinct=True)
    )

    def rows():
        for report in reports.order_by("-published_on", "id"):
            yield [
                report.pk,
                report.title,
                report.published_on.isoformat(),
                report.get_report_type_display(),
                report.type_of_inspection,
                report.get_scope_display(),
                "; ".join(f.name for f in report.forces.all()),
                report.hmicfrs_url,
                report.published_count,
            ]

    return csv_response("reports.csv", REPORT_CSV_HEADER, rows())


# --- The recommendation register and a report's page -------------------------------------------

REGISTER_PAGE_SIZE = 25

REGISTER_QUERY_FIELDS = (
    "q",
    "office",
    "force",
    "report_type",
    "year",
    "status",
    "addressee",
    "overdue",
    "kind",
    "theme",
    "sort",
)


def _register_form(request, *, stamp: str = "") -> RegisterFilterForm:
    """The register's filters, their choices cached under the public stamp (`stamp` if the
    view has read it already: one query, not one for each list of choices)."""
    stamp = stamp or selectors.public_stamp()
    form = RegisterFilterForm(
        request.GET if request.GET else None,
        choices=selectors.filter_choices(stamp),
        forces=register.force_choices(stamp),
        themes=register.theme_choices(stamp),
        statuses=register.STATUS_CHOICES,
        addressees=Addressee.choices,
        sorts=[(value, label) for value, (label, _ordering) in register.SORTS.items()],
    )
    if form.is_bound:
        form.is_valid()
    return form


def _same_query(request, *, names=REGISTER_QUERY_FIELDS) -> str:
    """The request's filters (not its page), to carry over to the CSV and API links."""
    query = urlencode([(k, request.GET[k]) for k in names if request.GET.get(k)])
    return f"?{query}" if query else ""


@require_safe
def register_page(request):
    today = timezone.localdate()
    public_stamp, stamp = register.register_stamps(today)

    def page():
        form = _register_form(request, stamp=public_stamp)
        filters = form.filters()
        items = register.register_items(filters, today=today)
        page_obj = register.page_rows(
            selectors.SearchPaginator if filters.q else Paginator,
            items,
            number=request.GET.get("page"),
            size=REGISTER_PAGE_SIZE,
        )
        rows = [
            register.RegisterRow(item=item, today=today)
            for item in register.with_bodies(page_obj.object_list, register.bodies())
        ]
        title = _("Recommendation register")
        return render(
            request,
            "public/register.html",
            {
                "page_title": title
                + (
                    _(" (page %(number)s)") % {"number": page_obj.number}
                    if page_obj.number > 1
                    else ""
                ),
                "meta_description": _(
                    "Every recommendation and area for improvement that a policing body has "
                    "published its response to, what it said, and its progress since."
                ),
                "form": form,
                "filters": filters,
                "page_obj": page_obj,
                "rows": rows,
                "csv_url": reverse("public:register-csv") + _same_query(request),
                "api_url": reverse("public:api-register-list") + _same_query(request),
            },
        )

    return cached_page(request, stamp=stamp, render=page)


@require_safe
def register_csv(request):
    """The register as CSV, streamed, with the page's search and filters (not its paging)."""
    today = timezone.localdate()
    form = _register_form(request)
    items = register.register_items(form.filters(), today=today)

    def rows():
        bodies = register.bodies()
        # In a transaction, the rows are read from a cursor as they are sent; outside one the
        # cursor is held past its transaction, which makes PostgreSQL read every row first
        # (bench/register_bench.py: a second before the first row of the whole register).
        with transaction.atomic():
            yield from register.csv_rows(items, bodies, today=today)

    return shared_cache_headers(
        request,
        csv_response("recommendation-register.csv", register.CSV_HEADER, rows(), escaped=True),
    )


@require_safe
def report_page(request, pk: int):
    today = timezone.localdate()

    def page():
        answers = register.report_answers(pk, today=today)
        if answers is None:
            raise Http404("No published response to that report.")
        return render(
            request,
            "public/report.html",
            {
                "page_title": _("Every body's response to %(title)s") % {"title": answers.title},
                "meta_description": _(
                    "Which policing bodies have published their response to the report "
                    "%(title)s, when, and what each said about its recommendations."
                )
                % {"title": answers.title},
                "answers": answers,
                "today": today,
                "register_url": reverse("public:register") + f"?report={pk}",
            },
        )

    # A body's reason for not responding is read live (`register.report_answers`).
    stamp = f"{register.register_stamp(today)}|{register.not_required_stamp(pk)}"
    return cached_page(request, stamp=stamp, render=page)

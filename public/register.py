"""The recommendation register: every recommendation and area for improvement that a policing
body has published a response to, across all bodies, with what the body said and what it has
made public of its progress since.

Read from the public copies only (`PublishedItem`, docs/decisions/0008-public-copies.md), so
nothing unpublished can show: an item is there once its response is published, with the
explanation as published and the public status the office published
(`public.services.published_progress_copy`, the rule in `tracking.publicity`). The page, the
CSV (streamed) and the API use the one query here (`register_items`) with the same filters and
the same fields (`register_row`), and a page costs a fixed number of queries whatever the
number of rows (tests/public/test_register_query_counts.py; bench/register_bench.py).
"""

import json
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    JSONField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast
from django.urls import get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Force, PolicingBody
from core.i18n import TextForPage, text_for_page
from inspections.models import Addressee, Report, ReportType, Theme, addressee_label
from responses import deadlines
from responses.models import Explanation, Response, Status
from tracking.rag import ACTIVE_STATUSES, is_overdue
from tracking.rag import Status as TrackerStatus

from .csvfiles import csv_cell
from .models import PublishedItem, PublishedResponse
from .selectors import MAX_QUERY_LENGTH, RANKED_MATCHES_LIMIT, count_matches, public_stamp

#: The status filter's value for items the office does not track.
NOT_TRACKED = "not_tracked"

STATUS_CHOICES = [*TrackerStatus.choices, (NOT_TRACKED, _("Not tracked"))]

SORTS = {
    # value: (label, ordering)
    "newest": (_("Newest report first"), ("-report_published_on", "record_id", "position")),
    "oldest": (_("Oldest report first"), ("report_published_on", "record_id", "position")),
    "target_date": (
        _("Earliest target date first"),
        (F("target_date").asc(nulls_last=True), "-report_published_on", "record_id", "position"),
    ),
    "last_update": (
        _("Latest public update first"),
        (
            F("last_public_update_on").desc(nulls_last=True),
            "-report_published_on",
            "record_id",
            "position",
        ),
    ),
    "body": (
        _("Policing body (A to Z)"),
        ("policing_body__name", "-report_published_on", "record_id", "position"),
    ),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    force: str = ""  # a force's slug
    office: str = ""  # a policing body's slug
    report_type: str = ""
    year: int | None = None
    status: str = ""  # a tracker status, or NOT_TRACKED
    addressee: str = ""
    overdue: bool | None = None
    kind: str = ""  # recommendation or afi
    theme: str = ""  # a theme's slug (see `theme_filter`)
    report: int | None = None
    sort: str = ""

    @property
    def active(self) -> bool:
        return any(
            (
                self.q,
                self.force,
                self.office,
                self.report_type,
                self.year,
                self.status,
                self.addressee,
                self.overdue is not None,
                self.kind,
                self.theme,
                self.report,
            )
        )


def theme_choices(stamp: str = "") -> list[tuple[str, str]]:
    """The themes (inspections.models.Theme, the maintained list) that tag the recommendation
    of at least one published item, in the list's order: one query, kept in the cache for ten
    minutes at most (tagging does not move the public stamp, `stamp` if read already)."""
    key = f"public:register-themes:{stamp or public_stamp()}"
    themes = cache.get(key)
    if themes is None:
        themes = list(
            Theme.objects.filter(
                Exists(PublishedItem.objects.filter(finding__themes=OuterRef("pk")))
            ).values_list("slug", "name")
        )
        cache.set(key, themes, 60 * 10)
    return themes


def theme_filter(queryset: QuerySet, theme: str) -> QuerySet:
    """The items whose recommendation is tagged with `theme` (a slug)."""
    return queryset.filter(finding__themes__slug=theme)


def overdue_q(today: date) -> Q:
    """Past the target date its timescale gives and still active in the office's public
    tracker: `tracking.rag.is_overdue`, applied to the public status, in the database."""
    return Q(public_status__in=list(ACTIVE_STATUSES), target_date__lt=today)


#: What a row shows: all on the item itself (no join); its body comes from `bodies()`.
ROW_FIELDS = (
    "id",
    "response_id",
    "policing_body_id",
    "report_id",
    "report_title",
    "report_url",
    "report_published_on",
    "report_type",
    "kind",
    "number",
    "reference",
    "text",
    "addressees",
    "timescale_text",
    "timescale_kind",
    "target_date",
    "explanation_kind",
    # The explanation as published (s55(5B)), and in Welsh for a bilingual body.
    "explanation",
    "explanation_cy",
    "public_status",
    "last_public_update_on",
    "finding_id",
)


def bodies() -> dict[int, PolicingBody]:
    """Every policing body with its force, by id: one query (43 rows), so that a row's body
    is not a join on every row."""
    return {body.pk: body for body in PolicingBody.objects.select_related("force")}


def with_bodies(items, bodies_by_id: dict[int, PolicingBody]):
    """The items, each with its body (and force) from `bodies_by_id`, lazily."""
    for item in items:
        item.policing_body = bodies_by_id[item.policing_body_id]
        yield item


def register_items(filters: RegisterFilters, *, today: date) -> QuerySet:
    """The register's rows matching `filters`, in the chosen order (by relevance when searching
    and no order is chosen), with what a row shows from the item alone (its body from
    `bodies()`): one query for a page."""
    queryset = PublishedItem.objects.only(*ROW_FIELDS)
    # The body by its id, found in a subquery rather than a join: with the id known before the
    # items are read, one body's rows come in order from its index (`public_item_body_newest`)
    # instead of being read whole and sorted (bench/register_bench.py).
    if filters.force:
        queryset = queryset.filter(
            policing_body__in=Subquery(
                PolicingBody.objects.filter(force__slug=filters.force).order_by().values("pk")
            )
        )
    if filters.office:
        queryset = queryset.filter(
            policing_body=Subquery(
                PolicingBody.objects.filter(slug=filters.office).order_by().values("pk")[:1]
            )
        )
    if filters.report_type:
        queryset = queryset.filter(report_type=filters.report_type)
    if filters.year:
        queryset = queryset.filter(
            report_published_on__gte=date(filters.year, 1, 1),
            report_published_on__lte=date(filters.year, 12, 31),
        )
    if filters.report:
        queryset = queryset.filter(report_id=filters.report)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status == NOT_TRACKED:
        queryset = queryset.filter(public_status="")
    elif filters.status:
        queryset = queryset.filter(public_status=filters.status)
    if filters.addressee:
        queryset = queryset.filter(_addressee_q(filters.addressee))
    if filters.overdue is not None:
        queryset = (
            queryset.filter(overdue_q(today))
            if filters.overdue
            else queryset.exclude(overdue_q(today))
        )
    if filters.theme:
        queryset = theme_filter(queryset, filters.theme)
    ordering = SORTS.get(filters.sort or DEFAULT_SORT, SORTS[DEFAULT_SORT])[1]
    text = " ".join(filters.q.split())[:MAX_QUERY_LENGTH]
    if not text:
        return queryset.order_by(*ordering)
    return _search(queryset, text, ordering=ordering, ranked=not filters.sort)


def page_rows(paginator_class, items: QuerySet, *, number, size: int):
    """A page of the register: the page's ids first (from an index, whatever the page's
    depth), then those rows. Three queries: the count, the ids, the rows."""
    page = paginator_class(items.values_list("id", flat=True), size).get_page(number)
    ids = list(page.object_list)
    found = PublishedItem.objects.only(*ROW_FIELDS).order_by().in_bulk(ids)
    page.object_list = [found[pk] for pk in ids]
    return page


def _addressee_q(code: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(addressees__contains=[code])
    # SQLite has no JSON containment: the list is stored as JSON text, each code quoted.
    return Q(addressees__icontains=f'"{code}"')


def _search(queryset: QuerySet, text: str, *, ordering, ranked: bool) -> QuerySet:
    """Full-text search over the report's title, the recommendation and the explanation (in
    Welsh too, for a bilingual body).

    PostgreSQL: each item's stored, weighted vector (GIN index), a web-search style query,
    by relevance unless an order was chosen or more than RANKED_MATCHES_LIMIT items match (as
    the response search, `public.selectors.search`). SQLite: every word somewhere (icontains).
    """
    if connection.vendor == "postgresql":
        # English words stemmed, Welsh words as written (no PostgreSQL stemmer for Welsh:
        # `public.services.item_search_vector_expression`).
        query = SearchQuery(text, search_type="websearch", config="english") | SearchQuery(
            text, search_type="websearch", config="simple"
        )
        matches = queryset.filter(search_vector=query)
        # Whether there are more than RANKED_MATCHES_LIMIT: the first so many matches, in no
        # order (the model's default order would join and sort every match to count a few).
        probe = matches.order_by().values("pk")[: RANKED_MATCHES_LIMIT + 1]
        if not ranked or count_matches(probe) > RANKED_MATCHES_LIMIT:
            return matches.order_by(*ordering)
        return matches.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", *ordering
        )
    for word in text.split():
        word = word.strip("\"'")
        if word.startswith("-") or not word:
            continue
        queryset = queryset.filter(
            Q(text__icontains=word)
            | Q(explanation__icontains=word)
            | Q(explanation_cy__icontains=word)
            | Q(report_title__icontains=word)
        )
    return queryset.order_by(*ordering)


# --- One row, the same for the page, the CSV and the API ------------------------------------

CSV_HEADER = [
    "response_id",
    "response_url",
    "finding_id",
    "kind",
    "number",
    "reference",
    "text",
    "report_id",
    "report_title",
    "report_type",
    "report_published_on",
    "report_page_url",
    "hmicfrs_report_url",
    "policing_body",
    "policing_body_name",
    "force",
    "force_name",
    "addressees",
    "timescale",
    "timescale_kind",
    "target_date",
    "explanation_kind",
    "explanation",
    "explanation_cy",
    "public_status",
    "last_public_update_on",
    "overdue",
]


_PATH_FORMATS: dict[tuple, tuple[str, str]] = {}


def _path_formats() -> tuple[str, str]:
    """The response's and the report's public paths with a place for the id, in the active
    language: reversed once, not on each of the CSV's thousands of rows."""
    key = (get_language(), get_urlconf())
    formats = _PATH_FORMATS.get(key)
    if formats is None:
        formats = _PATH_FORMATS[key] = tuple(
            reverse(name, kwargs={"pk": 1}).replace("/1/", "/{}/")
            for name in ("public:response", "public:report")
        )
    return formats


@dataclass(frozen=True)
class RegisterRow:
    item: PublishedItem
    today: date

    @property
    def response_id(self) -> int:
        return self.item.response_id

    @property
    def response_path(self) -> str:
        return _path_formats()[0].format(self.item.response_id)

    @property
    def report_path(self) -> str:
        return _path_formats()[1].format(self.item.report_id)

    @property
    def addressee_labels(self) -> list[str]:
        body = self.item.policing_body
        return [
            str(addressee_label(code, body=body))
            for code in self.item.addressees
            if code in Addressee.values
        ]

    @property
    def explanation_kind_label(self) -> str:
        kind = self.item.explanation_kind
        return Explanation.Kind(kind).label if kind else ""

    @property
    def status_choice(self) -> TrackerStatus | None:
        """The public status (None: the body does not track the item)."""
        status = self.item.public_status
        return TrackerStatus(status) if status else None

    @property
    def overdue(self) -> bool:
        status = self.item.public_status
        return bool(status) and is_overdue(
            status=status, target_date=self.item.target_date, today=self.today
        )


#: What a CSV row reads of an item: tuples (`values_list`), never model instances.
CSV_FIELDS = (
    "response_id",
    "finding_id",
    "kind",
    "number",
    "reference",
    "text",
    "report_id",
    "report_title",
    "report_type",
    "report_published_on",
    "report_url",
    "policing_body_id",
    "addressees_json",
    "timescale_text",
    "timescale_kind",
    "target_date",
    "explanation_kind",
    "explanation",
    "explanation_cy",
    "public_status",
    "last_public_update_on",
)


class _Lookup(dict):
    """A dict that makes (and keeps) the value of a key it does not have yet with `make`."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


def csv_rows(items: QuerySet, bodies_by_id: dict[int, PolicingBody], *, today: date):
    """The CSV's rows (CSV_HEADER) of `items` (`register_items`), their cells escaped with
    `csv_cell` wherever they can hold text: the same values as the API's fields (`RegisterRow`).

    A whole body's export is thousands of rows, so each row is a tuple read in batches of 2,000
    from the cursor, and everything a row shares with others (its body and force, the labels
    of its kind, report type and addressees, the start and end of its links) is made once and
    looked up (bench/register_bench.py)."""
    site = settings.SITE_URL
    response_link, report_link = (csv_cell(site + path).split("{}", 1) for path in _path_formats())
    body_cells = {
        pk: (
            csv_cell(body.slug),
            csv_cell(body.name),
            csv_cell(body.force.slug),
            csv_cell(body.force.name),
        )
        for pk, body in bodies_by_id.items()
    }

    def addressees_cell(key) -> str:
        body_id, codes = key
        body = bodies_by_id[body_id]
        return csv_cell(
            "; ".join(
                str(addressee_label(code, body=body))
                for code in json.loads(codes)
                if code in Addressee.values
            )
        )

    kinds = _Lookup(lambda kind: csv_cell(dict(PublishedItem.Kind.choices).get(kind, kind)))
    report_types = _Lookup(lambda value: csv_cell(ReportType(value).label))
    addressees = _Lookup(addressees_cell)
    choices = _Lookup(csv_cell)  # the values of the fields with choices
    active = frozenset(str(status) for status in ACTIVE_STATUSES)
    for (
        response_id,
        finding_id,
        kind,
        number,
        reference,
        text,
        report_id,
        report_title,
        report_type,
        published_on,
        report_url,
        body_id,
        addressees_json,
        timescale_text,
        timescale_kind,
        target_date,
        explanation_kind,
        explanation,
        explanation_cy,
        status,
        last_update,
    ) in (
        # The addressees as the JSON text stored: the few distinct lists are decoded once each.
        items.annotate(addressees_json=Cast("addressees", TextField()))
        .values_list(*CSV_FIELDS)
        .iterator(chunk_size=2000)
    ):
        body_slug, body_name, force_slug, force_name = body_cells[body_id]
        yield [
            response_id,
            f"{response_link[0]}{response_id}{response_link[1]}",
            finding_id or "",
            kinds[kind],
            number,
            csv_cell(reference),
            csv_cell(text),
            report_id,
            csv_cell(report_title),
            report_types[report_type],
            published_on.isoformat(),
            f"{report_link[0]}{report_id}{report_link[1]}",
            csv_cell(report_url),
            body_slug,
            body_name,
            force_slug,
            force_name,
            addressees[body_id, addressees_json],
            csv_cell(timescale_text),
            choices[timescale_kind],
            target_date.isoformat() if target_date else "",
            choices[explanation_kind],
            csv_cell(explanation),
            csv_cell(explanation_cy),
            choices[status or NOT_TRACKED],
            last_update.isoformat() if last_update else "",
            "yes" if status in active and target_date is not None and target_date < today else "no",
        ]


# --- Choices, the cache stamp, and a report's page --------------------------------------------


def register_stamps(today: date) -> tuple[str, str]:
    """The public stamp (`public.selectors.public_stamp`) and the register's (`register_stamp`),
    from one query."""
    stamps = PublishedResponse.objects.aggregate(
        refreshed=Max("refreshed_at"), progress=Max("progress_changed_at")
    )
    public = stamps["refreshed"].isoformat() if stamps["refreshed"] else "empty"
    progress = stamps["progress"].isoformat() if stamps["progress"] else "none"
    return public, "|".join([public, progress, today.isoformat()])


def register_stamp(today: date) -> str:
    """Changes whenever a register row can change: a publication or refresh, a change of
    public progress, and the day (overdue is judged on today). One query."""
    return register_stamps(today)[1]


def not_required_stamp(report_id: int) -> str:
    """Changes when a body records, or takes back, that the report needs no response from it
    (its reason is on the report's page, read live like the tracker's progress): part of the
    report page's cache key. One query."""
    found = Response.objects.filter(report_id=report_id, status=Status.NOT_REQUIRED).aggregate(
        changed=Max("updated_at"), count=Count("pk")
    )
    changed = found["changed"].isoformat() if found["changed"] else "none"
    return f"{found['count']}|{changed}"


def force_choices(stamp: str = "") -> list[tuple[str, str]]:
    """The forces whose policing bodies have published a response (cached with the public
    stamp, `stamp` if read already, like `public.selectors.filter_choices`)."""
    key = f"public:register-forces:{stamp or public_stamp()}"
    forces = cache.get(key)
    if forces is None:
        forces = list(
            Force.objects.filter(
                Exists(PublishedResponse.objects.filter(policing_body__force=OuterRef("pk")))
            )
            .order_by("name")
            .values_list("slug", "name")
        )
        cache.set(key, forces, 60 * 60 * 24)
    return forces


@dataclass
class BodyAnswer:
    """One body a report concerns: its published response, if any, and the verdict; or, where
    the body recorded that no response is required of it, its reason (in the page's language
    where given so: `not_required_reason`)."""

    body: PolicingBody
    record: PublishedResponse | None
    due: date | None
    overdue_unpublished: bool
    not_required: TextForPage | None = None
    #: Why a bilingual body gave the reason in one language only, shown beside it.
    not_required_one_language: str = ""


def not_required_reason(body) -> tuple[TextForPage | None, str]:
    """The reason a body (annotated by `report_answers`) recorded for not responding, as the
    page in the active language shows it, and why it is in one language only, if so."""
    english = getattr(body, "not_required_en", None)
    welsh = getattr(body, "not_required_cy", None)
    if english is None and welsh is None:
        return None, ""
    shown = text_for_page(english or "", welsh or "")
    reasons = getattr(body, "not_required_one_language", None) or {}
    one_language = str(reasons.get("not_required_reason", "")) if shown.lang else ""
    return shown, one_language


@dataclass
class ItemAnswers:
    """One recommendation or AFI of a report, and what each body published about it."""

    kind: str
    kind_label: str
    number: int
    reference: str
    text: str
    addressees: list[str]
    timescale_text: str
    answers: list[PublishedItem]


@dataclass
class ReportAnswers:
    report: Report
    title: str
    due: date | None
    bodies: list[BodyAnswer]
    items: list[ItemAnswers]

    @property
    def published_count(self) -> int:
        return sum(1 for b in self.bodies if b.record is not None)


def report_answers(report_id: int, *, today: date) -> ReportAnswers | None:
    """A report that has at least one published response: each body it concerns
    (`Report.bodies_concerned`), whether and when it published, on time or how late (the
    copy's `days_late`, from `responses.deadlines`), and for each recommendation and AFI
    what each body said. Nothing about a body's unpublished response is shown: without a
    published response a body is "not published", with the statutory due date, whatever its
    response's state, except that a body that recorded no response is required of it shows
    its reason. Four queries."""
    records = list(
        PublishedResponse.objects.filter(report_id=report_id)
        .select_related("policing_body__force")
        .only(
            "id",
            "response_id",
            "report_id",
            "report_title",
            "report_published_on",
            "report_type",
            "report_url",
            "due_date",
            "first_published_on",
            "latest_published_on",
            "days_late",
            "version_number",
            "policing_body__name",
            "policing_body__short_name",
            "policing_body__name_cy",
            "policing_body__slug",
            "policing_body__kind",
            "policing_body__force__name",
        )
    )
    if not records:
        return None
    report = Report.objects.only("id", "scope", "published_on", "report_type", "hmicfrs_url").get(
        pk=report_id
    )
    by_body = {record.policing_body_id: record for record in records}
    due = deadlines.statutory_due_date(report.published_on) if report.attracts_s55 else None
    # A body that recorded that no response is required of it (`response_mark_not_required`):
    # its reason is public (in Welsh and English from a bilingual body, responses/bilingual.py),
    # read in the same query as the bodies.
    not_required = Response.objects.filter(
        report_id=report_id, policing_body=OuterRef("pk"), status=Status.NOT_REQUIRED
    )
    bodies = []
    for body in (
        report.bodies_concerned()
        .select_related("force")
        .annotate(
            not_required_en=Subquery(not_required.values("not_required_reason")[:1]),
            not_required_cy=Subquery(not_required.values("not_required_reason_cy")[:1]),
            not_required_one_language=Subquery(
                not_required.values("one_language_reasons")[:1],
                output_field=JSONField(),
            ),
        )
        .order_by("name")
    ):
        reason, one_language = not_required_reason(body)
        bodies.append(
            BodyAnswer(
                body=body,
                record=by_body.get(body.pk),
                due=due,
                overdue_unpublished=(
                    body.pk not in by_body
                    and reason is None
                    and deadlines.is_late(due=due, on=today)
                ),
                not_required=reason if body.pk not in by_body else None,
                not_required_one_language=one_language,
            )
        )
    # A body whose response is published but the report no longer names it (a correction of
    # the report's forces) still shows what it published.
    shown = {b.body.pk for b in bodies}
    bodies += [
        BodyAnswer(body=r.policing_body, record=r, due=due, overdue_unpublished=False)
        for r in records
        if r.policing_body_id not in shown
    ]
    groups: dict[tuple, ItemAnswers] = {}
    for item in (
        PublishedItem.objects.filter(report_id=report_id)
        .select_related("policing_body")
        .only(
            "id",
            "kind",
            "number",
            "reference",
            "text",
            "addressees",
            "timescale_text",
            "explanation_kind",
            "explanation",
            "explanation_cy",
            "public_status",
            "last_public_update_on",
            "finding_id",
            "policing_body__name",
            "policing_body__short_name",
            "policing_body__name_cy",
            "policing_body__kind",
            "response_id",
        )
        .order_by("kind", "number", "policing_body__name")
    ):
        key = (item.kind, item.finding_id or f"{item.kind}-{item.number}")
        group = groups.get(key)
        if group is None:
            group = groups[key] = ItemAnswers(
                kind=item.kind,
                kind_label=item.get_kind_display(),
                number=item.number,
                reference=item.reference,
                text=item.text,
                addressees=[
                    str(addressee_label(a)) for a in item.addressees if a in Addressee.values
                ],
                timescale_text=item.timescale_text,
                answers=[],
            )
        group.answers.append(item)
    order = {PublishedItem.Kind.RECOMMENDATION: 0, PublishedItem.Kind.AREA_FOR_IMPROVEMENT: 1}
    items = sorted(groups.values(), key=lambda g: (order.get(g.kind, 2), g.number))
    return ReportAnswers(
        report=report, title=records[0].report_title, due=due, bodies=bodies, items=items
    )

"""Reads for the public site. Everything here starts from the public tables (`public.models`), which
hold only what was published, and costs a fixed number of queries whatever the data size."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear, Length
from django.utils.functional import cached_property

from accounts.models import PolicingBody
from core.i18n import TextForPage, text_for_page
from inspections.models import Finding, Report, ReportType
from responses.models import Explanation, ResponseVersion
from tracking.selectors import public_progress_for_response

from .models import PublishedItem, PublishedResponse

#: Longest search text accepted; longer input is cut (a search box, not a document).
MAX_QUERY_LENGTH = 200

#: Above this many matches a search is listed newest first instead of by rank.
RANKED_MATCHES_LIMIT = 1000


def is_ranked(queryset: QuerySet) -> bool:
    """True when `search` ordered the results by relevance."""
    return "rank" in queryset.query.annotations


def public_stamp() -> str:
    """Changes whenever anything the public can see changes: part of every cached page's key."""
    newest = PublishedResponse.objects.aggregate(newest=Max("refreshed_at"))["newest"]
    return newest.isoformat() if newest else "empty"


def latest_published(*, limit: int = 10) -> list[PublishedResponse]:
    return list(PublishedResponse.objects.for_list()[:limit])


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Full-text search over report titles, recommendations and the published text.

    PostgreSQL: the stored, weighted `search_vector` (GIN index) matched with a web-search style
    query ("violent crime", "stalking -harassment", quoted phrases) and ordered by rank, unless
    more than RANKED_MATCHES_LIMIT responses match: then newest first (see docs/benchmarks.md).
    SQLite: every word must appear somewhere (icontains); newest first.
    """
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        # English words stemmed, and Welsh words as written (`search_vector_expression`).
        query = SearchQuery(text, search_type="websearch", config="english") | SearchQuery(
            text, search_type="websearch", config="simple"
        )
        matches = queryset.filter(search_vector=query)
        if count_matches(matches[: RANKED_MATCHES_LIMIT + 1]) > RANKED_MATCHES_LIMIT:
            # A word in nearly every response ("force"): ranking thousands of near-equal
            # matches costs a read of every one of them and tells the reader little.
            return matches.order_by("-first_published_on", "-id")
        return matches.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", "-first_published_on", "-id"
        )
    for word in text.split():
        word = word.strip("\"'")
        if word.startswith("-") or not word:
            continue
        queryset = queryset.filter(
            Q(report_title__icontains=word)
            | Q(recommendations_text__icontains=word)
            | Q(response_text__icontains=word)
            | Q(response_text_cy__icontains=word)
        )
    return queryset


@contextmanager
def _search_index_scans():
    """On PostgreSQL, let the planner read the search's matches through the GIN index only.

    Counting the matches of a word found in most responses ("force"), the planner prefers a
    sequential scan, because it does not price reading each row's search vector back out of
    TOAST storage: 23 ms for 8,000 responses, against 2.3 ms through the index, which needs no
    vector at all (measured in bench/public_load.py; see docs/benchmarks.md). The setting is
    local to the transaction and put back before it returns.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        cursor.execute("SET LOCAL enable_seqscan = on")


def count_matches(queryset: QuerySet) -> int:
    """How many rows a queryset that `search` filtered has: through the search index on
    PostgreSQL (see `_search_index_scans`)."""
    with _search_index_scans():
        return queryset.count()


class SearchPaginator(Paginator):
    """A paginator for a search's results, counting them with `count_matches`."""

    @cached_property
    def count(self) -> int:
        return count_matches(self.object_list)


@dataclass(frozen=True)
class ListFilters:
    q: str = ""
    year: int | None = None
    report_type: str = ""
    office: str = ""  # a policing body's slug

    @property
    def active(self) -> bool:
        return bool(self.q or self.year or self.report_type or self.office)


def published_responses(filters: ListFilters) -> QuerySet:
    """The published responses matching `filters`, for the list page, its CSV and the API."""
    queryset = PublishedResponse.objects.for_list()
    if filters.year:
        queryset = queryset.filter(report_published_on__year=filters.year)
    if filters.report_type:
        queryset = queryset.filter(report_type=filters.report_type)
    if filters.office:
        queryset = queryset.filter(policing_body__slug=filters.office)
    return search(queryset, filters.q)


@dataclass(frozen=True)
class FilterChoices:
    years: list[int]
    report_types: list[tuple[str, str]]
    offices: list[tuple[str, str]]


def filter_choices(stamp: str = "") -> FilterChoices:
    """The years, report types and offices that have published responses: three queries, then
    kept in the cache until something is published (the key holds the public stamp, `stamp`
    when the caller has read it already)."""
    key = f"public:filter-choices:{stamp or public_stamp()}"
    choices = cache.get(key)
    if choices is None:
        choices = _filter_choices()
        cache.set(key, choices, 60 * 60 * 24)
    return choices


def _filter_choices() -> FilterChoices:
    years = (
        PublishedResponse.objects.annotate(year=ExtractYear("report_published_on"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    types = set(
        PublishedResponse.objects.values_list("report_type", flat=True).distinct().order_by()
    )
    offices = PolicingBody.objects.filter(
        Exists(PublishedResponse.objects.filter(policing_body=OuterRef("pk")))
    ).values_list("slug", "name")
    return FilterChoices(
        years=list(years),
        report_types=[(value, label) for value, label in ReportType.choices if value in types],
        offices=list(offices),
    )


# --- One response -------------------------------------------------------------------------------


def published_record(response_id: int) -> PublishedResponse | None:
    """The public record of a response with its latest version (without the PDF bytes, with their
    size), office and force, in one query."""
    return (
        PublishedResponse.objects.select_related("policing_body__force", "version")
        .defer("version__pdf", "version__pdf_cy", "search_vector")
        .annotate(pdf_size=Length("version__pdf"), pdf_cy_size=Length("version__pdf_cy"))
        .filter(response_id=response_id)
        .first()
    )


def published_versions(response_id: int) -> list[ResponseVersion]:
    """Every published version, oldest first, with the PDF's size but not its bytes."""
    return list(
        ResponseVersion.objects.filter(response_id=response_id)
        .defer("pdf", "html_snapshot", "pdf_cy", "html_snapshot_cy")
        .annotate(pdf_size=Length("pdf"), pdf_cy_size=Length("pdf_cy"))
        .order_by("number")
    )


@dataclass(frozen=True)
class ItemProgress:
    """A published recommendation or AFI with what the office has made public of its progress
    since: the tracker status (None if the office does not track it) and the public updates,
    newest first."""

    item: PublishedItem
    status: str | None
    status_label: str
    updates: list[dict]


def published_progress(record: PublishedResponse) -> list[ItemProgress]:
    """Each recommendation and AFI of the published version, in the document's order, with its
    tracker status and public updates (`tracking.selectors.public_progress_for_response`: only
    updates marked public, no names, no evidence, no leads). Empty when the office tracks none of
    them. Three queries, whatever the number of items and updates."""
    # The public record names the same office and report as its response.
    progress = public_progress_for_response(record)
    if not progress:
        return []
    items = record.items.only("id", "finding_id", "kind", "number", "reference").order_by(
        "position"
    )
    entries = []
    for item in items:
        found = progress.get(item.finding_id)
        entries.append(
            ItemProgress(
                item=item,
                status=found["status"] if found else None,
                status_label=found["status_label"] if found else "",
                updates=list(reversed(found["public_updates"])) if found else [],
            )
        )
    return entries


# --- Statistics ----------------------------------------------------------------------------------


class OfficeNames:
    """The names of the body a statistics row counts, from the row's `office`, `office_cy` and
    (where it has one) `office_short`, as `PolicingBody.name_for_page` and
    `short_name_for_page` give them."""

    @property
    def office_for_page(self) -> TextForPage:
        return text_for_page(self.office, self.office_cy)

    @property
    def short_for_page(self) -> TextForPage:
        return text_for_page(getattr(self, "office_short", "") or self.office, self.office_cy)


@dataclass
class OfficeYear(OfficeNames):
    """One office's published responses to the reports of one year."""

    office: str
    office_slug: str
    year: int
    office_short: str = ""
    #: The office's Welsh name (`PolicingBody.name_cy`), blank where it has none.
    office_cy: str = ""
    published: int = 0
    on_time: int = 0
    late_days: list[int] = field(default_factory=list)
    no_deadline: int = 0

    @property
    def late(self) -> int:
        return len(self.late_days)

    @property
    def median_days_late(self) -> float | None:
        return median(self.late_days) if self.late_days else None

    @property
    def most_days_late(self) -> int | None:
        return max(self.late_days) if self.late_days else None

    @property
    def on_time_percent(self) -> int | None:
        judged = self.on_time + self.late
        return round(100 * self.on_time / judged) if judged else None


@dataclass
class ExplanationCounts(OfficeNames):
    """Recommendations by what the published explanation said (s55(5B))."""

    office: str
    office_slug: str
    office_cy: str = ""
    action_taken: int = 0
    action_proposed: int = 0
    no_action: int = 0
    not_stated: int = 0

    @property
    def total(self) -> int:
        return self.action_taken + self.action_proposed + self.no_action + self.not_stated


@dataclass
class Statistics:
    rows: list[OfficeYear]
    totals: OfficeYear
    recommendations: list[ExplanationCounts]
    recommendation_totals: ExplanationCounts
    years: list[int]
    year: int | None


def statistics(*, year: int | None = None, office: str = "") -> Statistics:
    """Per office and year of the report: responses published on time (on or before day 56,
    s55(5A)) and how late the others were; and the recommendations by what the published
    explanation said. Two queries plus one for the years, whatever the number of responses."""
    records = PublishedResponse.objects.all()
    if office:
        records = records.filter(policing_body__slug=office)
    years = sorted(
        set(records.annotate(y=ExtractYear("report_published_on")).values_list("y", flat=True)),
        reverse=True,
    )
    if year:
        records = records.filter(report_published_on__year=year)
    rows: dict[tuple[str, int], OfficeYear] = {}
    totals = OfficeYear(office="All offices", office_slug="", year=year or 0)
    for name, short, name_cy, slug, report_year, days_late in (
        records.annotate(y=ExtractYear("report_published_on"))
        .values_list(
            "policing_body__name",
            "policing_body__short_name",
            "policing_body__name_cy",
            "policing_body__slug",
            "y",
            "days_late",
        )
        .order_by("policing_body__name", "-y")
    ):
        row = rows.setdefault(
            (slug, report_year),
            OfficeYear(name, slug, report_year, office_short=short, office_cy=name_cy),
        )
        for target in (row, totals):
            target.published += 1
            if days_late is None:
                target.no_deadline += 1
            elif days_late == 0:
                target.on_time += 1
            else:
                target.late_days.append(days_late)

    counts: dict[str, ExplanationCounts] = {}
    recommendation_totals = ExplanationCounts(office="All offices", office_slug="")
    kind_field = {
        Explanation.Kind.ACTION_TAKEN: "action_taken",
        Explanation.Kind.ACTION_PROPOSED: "action_proposed",
        Explanation.Kind.NO_ACTION: "no_action",
    }
    for name, name_cy, slug, kind, number in (
        PublishedItem.objects.filter(record__in=records, kind=PublishedItem.Kind.RECOMMENDATION)
        .values_list(
            "record__policing_body__name",
            "record__policing_body__name_cy",
            "record__policing_body__slug",
            "explanation_kind",
        )
        .annotate(number=Count("id"))
        .order_by("record__policing_body__name", "explanation_kind")
    ):
        row = counts.setdefault(
            slug, ExplanationCounts(office=name, office_slug=slug, office_cy=name_cy)
        )
        attribute = kind_field.get(kind, "not_stated")
        for target in (row, recommendation_totals):
            setattr(target, attribute, getattr(target, attribute) + number)
    return Statistics(
        rows=list(rows.values()),
        totals=totals,
        recommendations=list(counts.values()),
        recommendation_totals=recommendation_totals,
        years=years,
        year=year,
    )


# --- Open data -------------------------------------------------------------------------------------


def public_reports() -> QuerySet:
    """Reports with at least one published response: the ones the open data describes."""
    return Report.objects.filter(
        Exists(PublishedResponse.objects.filter(report=OuterRef("pk")))
    ).prefetch_related("forces", "judgements")


def public_findings() -> QuerySet:
    """Recommendations and AFIs of those reports, each with the explanations published for it."""
    return (
        Finding.objects.filter(
            kind__in=[Finding.Kind.RECOMMENDATION, Finding.Kind.AREA_FOR_IMPROVEMENT],
            report__in=Report.objects.filter(
                Exists(PublishedResponse.objects.filter(report=OuterRef("pk")))
            ),
        )
        .select_related("report")
        .prefetch_related(
            Prefetch(
                "published_items",
                queryset=PublishedItem.objects.select_related("record__policing_body"),
            )
        )
        .order_by("-report__published_on", "report_id", "position", "id")
    )


def feed_versions(*, office: PolicingBody | None = None, limit: int = 50) -> list:
    """The latest published versions (new responses and amendments), newest first, each with
    its response's public record. Versions of responses without a public record are left out."""
    versions = (
        ResponseVersion.objects.filter(response__public_record__isnull=False)
        .select_related("response__public_record__policing_body")
        .defer("pdf", "html_snapshot")
        .order_by("-created_at", "-id")
    )
    if office is not None:
        versions = versions.filter(response__policing_body=office)
    return list(versions[:limit])


def feed_last_modified(*, office: PolicingBody | None = None) -> date | None:
    records = PublishedResponse.objects.all()
    if office is not None:
        records = records.filter(policing_body=office)
    return records.aggregate(newest=Max("refreshed_at"))["newest"]

"""Statistics over time for the public statistics page and the API (issue 18, point 6):

- the share of responses each body published within the 56 days (s55(5A)), by year of the
  report (`public.selectors.statistics` counts them; `on_time_by_year` sums its rows by year);
- the graded judgements of each force over its successive PEEL inspections;
- each body's open and overdue recommendations, as its published progress has them.

Read from the public copies and, for the grades, from the reports that have a published
response (the grades are HMICFRS's published judgements, as the open data's reports carry
them). A fixed number of queries whatever the data size.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from core.i18n import TextForPage, text_for_page
from inspections.models import Grade, GradedJudgement, ReportType, Scope
from tracking.rag import ACTIVE_STATUSES
from tracking.rag import Status as TrackerStatus

from .models import PublishedItem, PublishedResponse
from .register import overdue_q
from .selectors import OfficeNames

#: The grades a chart shows, best first ("not graded" is counted apart).
GRADES = [
    Grade.OUTSTANDING,
    Grade.GOOD,
    Grade.ADEQUATE,
    Grade.REQUIRES_IMPROVEMENT,
    Grade.INADEQUATE,
]


@dataclass
class YearRate:
    year: int
    on_time: int = 0
    late: int = 0
    no_deadline: int = 0

    @property
    def judged(self) -> int:
        return self.on_time + self.late

    @property
    def percent(self) -> int | None:
        return round(100 * self.on_time / self.judged) if self.judged else None


def on_time_by_year(rows) -> list[YearRate]:
    """The on-time share per year of the report, oldest first, from the statistics' rows (one
    per body and year: `public.selectors.OfficeYear`)."""
    years: dict[int, YearRate] = {}
    for row in rows:
        rate = years.setdefault(row.year, YearRate(year=row.year))
        rate.on_time += row.on_time
        rate.late += row.late
        rate.no_deadline += row.no_deadline
    return [years[y] for y in sorted(years)]


@dataclass
class Inspection:
    report_id: int
    title: str
    published_on: date
    grades: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> list[int]:
        return [self.grades.get(g.value, 0) for g in GRADES]

    @property
    def not_graded(self) -> int:
        return self.grades.get(Grade.NOT_GRADED.value, 0)

    @property
    def graded(self) -> int:
        return sum(self.counts)


@dataclass
class ForceGrades:
    force: str
    force_slug: str
    inspections: list[Inspection] = field(default_factory=list)
    #: The force's Welsh name (`Force.name_cy`), blank where it has none.
    force_cy: str = ""

    @property
    def force_for_page(self) -> TextForPage:
        """The force's name as `Force.name_for_page` gives it."""
        return text_for_page(self.force, self.force_cy)


def peel_grades(*, office: str = "") -> list[ForceGrades]:
    """Each force's graded judgements, by PEEL inspection, oldest first: the force-specific
    PEEL reports that have at least one published response. One query."""
    judgements = GradedJudgement.objects.filter(
        report__report_type=ReportType.PEEL,
        report__scope=Scope.FORCE,
    ).filter(Exists(PublishedResponse.objects.filter(report=OuterRef("report"))))
    if office:
        judgements = judgements.filter(report__forces__policing_body__slug=office)
    forces: dict[str, ForceGrades] = {}
    inspections: dict[tuple[str, int], Inspection] = {}
    for force_name, force_cy, force_slug, report_id, title, published_on, grade, number in (
        judgements.values_list(
            "report__forces__name",
            "report__forces__name_cy",
            "report__forces__slug",
            "report_id",
            "report__title",
            "report__published_on",
            "grade",
        )
        .annotate(number=Count("id"))
        .order_by("report__forces__name", "report__published_on", "report_id", "grade")
    ):
        entry = forces.setdefault(
            force_slug, ForceGrades(force=force_name, force_slug=force_slug, force_cy=force_cy)
        )
        inspection = inspections.get((force_slug, report_id))
        if inspection is None:
            inspection = inspections[(force_slug, report_id)] = Inspection(
                report_id=report_id, title=title, published_on=published_on
            )
            entry.inspections.append(inspection)
        inspection.grades[grade] = number
    return list(forces.values())


@dataclass
class BodyProgress(OfficeNames):
    office: str
    office_slug: str
    office_short: str
    #: The body's Welsh name (`PolicingBody.name_cy`), blank where it has none.
    office_cy: str = ""
    recommendations: int = 0
    tracked: int = 0
    open: int = 0
    overdue: int = 0
    complete: int = 0

    @property
    def not_tracked(self) -> int:
        return self.recommendations - self.tracked


def open_and_overdue(*, today: date, office: str = "") -> list[BodyProgress]:
    """Per body: its published recommendations, how many it tracks in public, how many are
    open (not yet complete or closed), overdue (`public.register.overdue_q`) and complete.
    One query."""
    items = PublishedItem.objects.filter(kind=PublishedItem.Kind.RECOMMENDATION)
    if office:
        items = items.filter(policing_body__slug=office)
    rows = (
        items.values(
            "policing_body__name",
            "policing_body__slug",
            "policing_body__short_name",
            "policing_body__name_cy",
        )
        .annotate(
            recommendations=Count("id"),
            tracked=Count("id", filter=~Q(public_status="")),
            open=Count("id", filter=Q(public_status__in=list(ACTIVE_STATUSES))),
            overdue=Count("id", filter=overdue_q(today)),
            complete=Count("id", filter=Q(public_status=TrackerStatus.COMPLETE)),
        )
        .order_by("policing_body__name")
    )
    return [
        BodyProgress(
            office=row["policing_body__name"],
            office_slug=row["policing_body__slug"],
            office_short=row["policing_body__short_name"],
            office_cy=row["policing_body__name_cy"],
            recommendations=row["recommendations"],
            tracked=row["tracked"],
            open=row["open"],
            overdue=row["overdue"],
            complete=row["complete"],
        )
        for row in rows
    ]

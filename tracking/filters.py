"""The tracker list's filters and sorting (django-filter), shared by the page and its CSV and
XLSX exports so that an export holds exactly the rows the page lists."""

import copy
from datetime import date, timedelta
from functools import cache, cached_property, partial

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_lazy

from accounts.models import PlanPriority
from core.forms import QuickSelect
from inspections.models import Finding, Report, ReportType, Theme

from .models import TrackerItem
from .rag import Rag, Status
from .selectors import (
    ReportOrderKeys,
    last_activity_expression,
    not_updated_since_q,
    overdue_q,
    rag_q,
    rag_rank_expression,
    with_list_columns,
)

SORTS = {
    "report": (
        gettext_lazy("Report, newest first"),
        # Two reports of the same day and title keep their items apart (by the report's id);
        # the list pages through this order with `selectors.ReportOrderKeys`.
        [
            "-finding__report__published_on",
            "finding__report__title",
            "finding__report_id",
            "finding__position",
            "pk",
        ],
    ),
    "target": (
        gettext_lazy("Target date, soonest first"),
        [F("target_date").asc(nulls_last=True), "pk"],
    ),
    "rag": (
        gettext_lazy("RAG rating, red first"),
        ["rag_rank", F("target_date").asc(nulls_last=True), "pk"],
    ),
    "stale": (gettext_lazy("Longest without an update first"), ["last_activity", "pk"]),
    "status": ("Status", ["status_rank", F("target_date").asc(nulls_last=True), "pk"]),
}
DEFAULT_SORT = "report"
ME, NOBODY = "me", "none"


class TrackerFilter(django_filters.FilterSet):
    """Filters for the items a person can see. `today` fixes the day RAG and "overdue" are
    worked out for; `user` is who "me" means."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="filter_search",
        help_text=gettext_lazy("Words in the recommendation, its reference or its report's title."),
    )
    # Set by links to one report's items (the response's "Track recommendations" page), not
    # chosen from a list: an office tracks hundreds of reports over the years (465 in ten
    # years at national scale), a list too long to use that cost more than the rest of the
    # page to build (bench/staff_load.py). The search box finds a report by its title.
    report = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Report"),
        field_name="finding__report",
        queryset=Report.objects.none(),
        widget=forms.HiddenInput,
    )
    report_type = django_filters.ChoiceFilter(
        label=gettext_lazy("Report type"),
        field_name="finding__report__report_type",
        choices=ReportType.choices,
        empty_label=gettext_lazy("All types"),
        widget=QuickSelect,
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Recommendation or AFI"),
        field_name="finding__kind",
        choices=[
            (Finding.Kind.RECOMMENDATION.value, gettext_lazy("Recommendations")),
            (Finding.Kind.AREA_FOR_IMPROVEMENT.value, gettext_lazy("Areas for improvement")),
        ],
        empty_label=gettext_lazy("Both"),
        widget=QuickSelect,
    )
    area = django_filters.ChoiceFilter(
        label=gettext_lazy("Area"),
        field_name="area",
        empty_label=gettext_lazy("All areas"),
        widget=QuickSelect,
    )
    theme = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Theme"),
        method="filter_theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=gettext_lazy("All themes"),
        widget=QuickSelect,
    )
    priority = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Police and Crime Plan priority"),
        method="filter_priority",
        queryset=PlanPriority.objects.none(),
        empty_label=gettext_lazy("All priorities"),
        widget=QuickSelect,
    )
    owner = django_filters.ChoiceFilter(
        label=gettext_lazy("Owner"),
        method="filter_owner",
        empty_label=gettext_lazy("Anyone"),
        help_text=gettext_lazy("Office or force lead."),
        widget=QuickSelect,
    )
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("Status"),
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        # A column of the item itself: no join that could repeat a row, so no DISTINCT (which
        # made PostgreSQL sort every matching row's columns before counting them).
        distinct=False,
    )
    rag = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("RAG rating"),
        method="filter_rag",
        choices=Rag.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Only items past their target date"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )
    no_update_days = django_filters.NumberFilter(
        label=gettext_lazy("No update for at least this many days"),
        method="filter_no_update",
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    sort = django_filters.ChoiceFilter(
        label=gettext_lazy("Sort by"),
        method="filter_sort",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label=None,
        widget=QuickSelect,
    )

    def __init__(self, data=None, queryset=None, *, user, today: date, **kwargs):
        self.user = user
        self.today = today
        # Linked recommendations are tracked once: an item tracked with another is listed under
        # that one (`TrackerItem.tracked_with`), never as a row of its own.
        queryset = queryset.filter(tracked_with__isnull=True)
        # The items only: the exports' columns (`with_list_columns`) are added by `qs`, and the
        # RAG rating and the last activity by the filter and the sort that use them; the page
        # reads only the ids (`keys`).
        super().__init__(data, queryset, **kwargs)
        # Only to check a chosen report (one query, and only when one is chosen): a semi-join,
        # not a join and DISTINCT (which sorted every item's report row first).
        self.filters["report"].queryset = Report.objects.filter(
            pk__in=queryset.values("finding__report_id")
        )
        self.filters["priority"].queryset = PlanPriority.objects.filter(
            policing_body_id__in=queryset.values("policing_body_id")
        ).order_by("policing_body__name", "position", "title")
        # The areas and the leads offered, read when the form is drawn or a chosen area or
        # owner is checked (never for an export, which names the leads itself): a choice
        # field calls a callable for its choices each time it goes through them.
        self.form.fields["area"].choices = lambda: self._area_choices
        self.form.fields["owner"].choices = lambda: self._owner_choices
        # The themes and priorities offered, read when the form is drawn (never for an
        # export) with one ordinary query: a model choice list is otherwise read through a
        # server-side cursor, three round trips. The fields' querysets check what is chosen.
        # Made once: the widget goes through its choices twice (for `required`, then to draw).
        for name in ("theme", "priority"):
            field = self.form.fields[name]
            field.widget.choices = cache(partial(_model_choices, field))

    @cached_property
    def _areas_and_leads(self) -> tuple[list[str], set[int]]:
        """The items' areas (in the database's order) and the ids of their office and force
        leads, from one read of the items: an office's items were read three times, once for
        the areas and once for each lead column, 7.4 ms of the database's time for the tracker
        list at national scale against 3.5 (bench/staff_load.py)."""
        areas, leads = [], set()
        for area, office_lead, force_lead in (
            self.queryset.order_by("area")
            .values_list("area", "office_lead_id", "force_lead_id")
            .distinct()
        ):
            if area and (not areas or areas[-1] != area):
                areas.append(area)
            leads.update((office_lead, force_lead))
        leads.discard(None)
        return areas, leads

    @cached_property
    def _area_choices(self) -> list[tuple[str, str]]:
        return [(area, area) for area in self._areas_and_leads[0]]

    @cached_property
    def lead_names(self) -> dict[int, str]:
        """{id: name} of everyone who leads any of these items, by name (read when first
        asked for; no query when no one leads any)."""
        people = (
            get_user_model()
            .objects.filter(pk__in=sorted(self._areas_and_leads[1]))
            .order_by("full_name", "username")
        )
        return {p.pk: p.display_name for p in people}

    @cached_property
    def _owner_choices(self) -> list[tuple[str, str]]:
        return [
            (ME, "Me"),
            (NOBODY, gettext("No office lead")),
            *[(str(pk), name) for pk, name in self.lead_names.items()],
        ]

    @property
    def sort_key(self) -> str:
        """The order the items are in (a key of `SORTS`)."""
        chosen = (
            self.form.cleaned_data.get("sort") if self.is_bound and self.form.is_valid() else ""
        )
        return chosen if chosen in SORTS else DEFAULT_SORT

    def keys(self):
        """The ids of the filtered items, in their order: a queryset, or for the default order
        (reports newest first) `ReportOrderKeys`, which pages through it without sorting every
        item."""
        if self.sort_key == "report":
            return ReportOrderKeys(self.items)
        return self.items.values_list("pk", flat=True)

    @property
    def items(self):
        """The filtered, sorted items, without the exports' columns; none at all while a
        filter is invalid (the page shows the error), so a mistyped filter never lists or
        exports everything."""
        if not hasattr(self, "_items"):
            if self.is_bound and not self.form.is_valid():
                self._items = self.queryset.none()
                return self._items
            qs = super().qs
            if not (self.is_bound and self.form.cleaned_data.get("sort")):
                qs = self.filter_sort(qs, "sort", DEFAULT_SORT)
            self._items = qs
        return self._items

    @property
    def qs(self):
        """`items` with the columns of the exports (`selectors.with_list_columns`)."""
        if not hasattr(self, "_sorted_qs"):
            self._sorted_qs = with_list_columns(self.items, today=self.today)
        return self._sorted_qs

    def filter_search(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(finding__text__icontains=word)
                | Q(finding__reference__icontains=word)
                | Q(finding__report__title__icontains=word)
            )
        return queryset

    def filter_theme(self, queryset, name, value):
        """The item's own themes or its recommendation's (a semi-join: no duplicate rows)."""
        if not value:
            return queryset
        return queryset.filter(
            Q(
                pk__in=TrackerItem.themes.through.objects.filter(theme=value).values(
                    "trackeritem_id"
                )
            )
            | Q(finding__in=Finding.themes.through.objects.filter(theme=value).values("finding_id"))
        )

    def filter_priority(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(
                pk__in=TrackerItem.plan_priorities.through.objects.filter(
                    planpriority=value
                ).values("trackeritem_id")
            )
            | Q(
                finding__in=Finding.plan_priorities.through.objects.filter(
                    planpriority=value
                ).values("finding_id")
            )
        )

    def filter_owner(self, queryset, name, value):
        if value == ME:
            return queryset.filter(Q(office_lead=self.user) | Q(force_lead=self.user))
        if value == NOBODY:
            return queryset.filter(office_lead__isnull=True)
        return queryset.filter(Q(office_lead_id=value) | Q(force_lead_id=value))

    def filter_rag(self, queryset, name, value):
        return queryset.filter(rag_q(self.today, value)) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q(self.today)) if value else queryset

    def filter_no_update(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(not_updated_since_q(self.today - timedelta(days=int(value) - 1)))

    def filter_sort(self, queryset, name, value):
        key = value if value in SORTS else DEFAULT_SORT
        # The ranks are built only for the sort that needs them: each is a CASE over every
        # status, and resolving it cost more than a page's rows (bench/staff_load.py).
        if key == "rag":
            queryset = queryset.alias(rag_rank=rag_rank_expression(self.today))
        elif key == "status":
            queryset = queryset.alias(status_rank=_status_rank())
        elif key == "stale":
            queryset = queryset.alias(last_activity=last_activity_expression())
        return queryset.order_by(*SORTS[key][1])


class _DeclaredFilters(dict):
    """`TrackerFilter.base_filters`, which django-filter deep-copies for every filter set:
    copied here a filter at a time, each with its own `extra` (which a filter set changes)
    and its own filter method (bound to the copy, whose `parent` is the filter set), but
    sharing the labels, choices and widgets that nothing changes: a form field deep-copies
    its widget, and a choice field makes its own list of choices. Deep-copying every lazy
    label, choice and widget cost 0.3 ms a request (bench/staff_load.py)."""

    def __deepcopy__(self, memo):
        return {name: _copy_filter(declared) for name, declared in self.items()}


def _copy_filter(declared: django_filters.Filter) -> django_filters.Filter:
    copied = copy.copy(declared)
    copied.extra = dict(declared.extra)
    copied.__dict__.pop("_field", None)  # made from `extra` when first asked for
    if declared.method is not None:
        copied.method = declared.method  # a FilterMethod of the copy's own
    return copied


TrackerFilter.base_filters = _DeclaredFilters(TrackerFilter.base_filters)


def _model_choices(field) -> list[tuple]:
    return [
        ("", field.empty_label),
        *((field.prepare_value(obj), field.label_from_instance(obj)) for obj in field.queryset),
    ]


def _status_rank():
    from django.db.models import Case, IntegerField, Value, When

    order = [
        Status.OPEN,
        Status.IN_PROGRESS,
        Status.PENDING_SIGN_OFF,
        Status.COMPLETE,
        Status.SUPERSEDED,
        Status.NOT_ACCEPTED,
    ]
    return Case(
        *[When(status=s, then=Value(n)) for n, s in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )

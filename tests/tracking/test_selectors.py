"""Tracker pages cost a fixed number of queries whatever the number of items, updates, evidence
files and people."""

from datetime import date

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Finding
from tests.factories import RecommendationFactory, ReportFactory, force_user, office_user
from tracking.filters import TrackerFilter
from tracking.rag import Status
from tracking.selectors import ReportOrderKeys, items_visible_to
from tracking.services import (
    closure_propose,
    progress_update_add,
    tracker_item_create,
    tracker_items_bulk_update,
)

from .conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:  # a streamed export reads its rows as it is sent
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


def _grow(report, norfolk, drafter, count):
    """More items, each with its own leads and an update."""
    for _ in range(count):
        item = tracker_item_create(
            finding=RecommendationFactory(report=report), policing_body=norfolk, acting_user=drafter
        )
        lead = office_user(norfolk)
        tracker_items_bulk_update(
            items=[item],
            acting_user=drafter,
            office_lead=lead,
            force_lead=force_user(norfolk.force),
        )
        progress_update_add(
            item=item, acting_user=lead, text="Progress.", status=Status.IN_PROGRESS
        )


def _led(items, norfolk, drafter):
    """Leads for `items`, as `_grow` gives its items: the leads' names are read only when
    someone leads an item (a query fewer when no one does)."""
    tracker_items_bulk_update(
        items=items,
        acting_user=drafter,
        office_lead=office_user(norfolk),
        force_lead=force_user(norfolk.force),
    )


@pytest.mark.parametrize(
    "query", ["", "?status=in_progress&rag=red&sort=rag", "?owner=me&overdue=on&no_update_days=3"]
)
def test_the_list_costs_the_same_whatever_the_number_of_items(
    client, items, report, norfolk, drafter, query
):
    client.force_login(drafter)
    url = reverse("tracking:item-list") + query
    _led(items, norfolk, drafter)
    few = _queries(client, url)

    _grow(report, norfolk, drafter, 8)

    assert _queries(client, url) == few


@pytest.mark.parametrize("name", ["tracking:export-xlsx", "tracking:export-csv"])
@pytest.mark.parametrize("query", ["", "?status=open&status=in_progress&sort=target"])
def test_the_export_costs_the_same_whatever_the_number_of_items(
    client, items, report, norfolk, drafter, name, query
):
    client.force_login(drafter)
    url = reverse(name) + query
    _led(items, norfolk, drafter)
    few = _queries(client, url)

    _grow(report, norfolk, drafter, 5)

    assert _queries(client, url) == few


def _history(item, drafter, lead, force_person):
    """One of everything the timeline shows: an update with a file, a correction of it, a
    status change and a change of leads."""
    update = progress_update_add(
        item=item,
        acting_user=force_person,
        text="With a file.",
        files=[upload("a.pdf", pdf_bytes())],
    )
    progress_update_add(item=item, acting_user=drafter, text="Correction.", corrects=update)
    progress_update_add(item=item, acting_user=drafter, text="Moving.", status=Status.IN_PROGRESS)
    progress_update_add(item=item, acting_user=drafter, text="Back.", status=Status.OPEN)
    tracker_items_bulk_update(
        items=[item], acting_user=drafter, office_lead=lead, area=lead.username
    )


def test_the_item_page_costs_the_same_whatever_its_history(
    client, item, drafter, approver, force_person, norfolk
):
    client.force_login(drafter)
    url = reverse("tracking:item-detail", args=[item.pk])
    _history(item, drafter, approver, force_person)
    few = _queries(client, url)

    for _ in range(3):
        _history(item, drafter, office_user(norfolk), force_person)
    closure_propose(item=item, acting_user=force_person, text="Done.")

    assert _queries(client, url) == few


def test_postgresql_reads_the_tracker_sort_keys_from_indexes(postgres_required):
    # inspections/migrations/0011: the tracker list's default order (report date, title,
    # position) read from covering indexes, not from each finding's and report's row.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('inspections_finding_sort_keys', 'inspections_report_sort_keys')"
        )
        definitions = dict(cursor.fetchall())

    assert '(id) INCLUDE (report_id, "position")' in definitions["inspections_finding_sort_keys"]
    assert "(id) INCLUDE (published_on, title)" in definitions["inspections_report_sort_keys"]


def test_the_filters_read_the_areas_and_leads_only_to_offer_or_check_them(
    items, drafter, approver, force_person, norfolk
):
    tracker_items_bulk_update(
        items=items[:1], acting_user=drafter, office_lead=approver, area="Custody"
    )
    visible = items_visible_to(drafter)
    query = QueryDict("status=open&status=in_progress&sort=target")

    # Filtering without an area or owner chosen (an export) reads neither.
    with CaptureQueriesContext(connection) as captured:
        tracker = TrackerFilter(query, visible, user=drafter, today=date(2024, 1, 1))
        assert tracker.form.is_valid()
    assert captured.captured_queries == []

    # A chosen area or owner is checked against the items' own.
    assert _tracker(drafter, f"area=Custody&owner={approver.pk}").form.is_valid()
    assert set(_tracker(drafter, "area=Nowhere").form.errors) == {"area"}
    assert set(_tracker(drafter, f"owner={office_user(norfolk).pk}").form.errors) == {"owner"}

    # The form offers them, each once, in order.
    tracker_items_bulk_update(items=items[1:], acting_user=drafter, area="Audit")
    form = _tracker(drafter).form
    assert str(form["area"]).count("<option") == 3
    assert '<option value="Audit">Audit</option><option value="Custody">Custody</option>' in str(
        form["area"]
    )
    assert f'<option value="{approver.pk}">{approver.display_name}</option>' in str(form["owner"])


def test_each_filter_set_has_the_filters_it_changes_to_itself(items, drafter, approver):
    tracker_items_bulk_update(items=items[:1], acting_user=drafter, office_lead=approver)
    mine, theirs = _tracker(drafter, "owner=me"), _tracker(approver, "owner=me")
    declared = TrackerFilter.base_filters

    # What no filter set changes is shared, not deep-copied for each.
    assert mine.filters["kind"].extra["choices"] is declared["kind"].extra["choices"]
    assert (
        mine.filters["no_update_days"].extra["widget"] is declared["no_update_days"].extra["widget"]
    )
    # What one changes is its own: the filters, their `extra`, their parent and method.
    assert mine.filters["owner"] is not theirs.filters["owner"]
    assert mine.filters["owner"].extra is not declared["owner"].extra
    assert mine.filters["owner"].parent is mine and theirs.filters["owner"].parent is theirs
    assert [i.pk for i in mine.qs] == [] and [i.pk for i in theirs.qs] == [items[0].pk]
    assert mine.filters["report"].queryset is not theirs.filters["report"].queryset


# --- The default order, paged by report -----------------------------------------------------


def _tracked(norfolk, drafter, *, title, published_on, count):
    report = ReportFactory(title=title, published_on=published_on, forces=[norfolk.force])
    findings = [RecommendationFactory(report=report) for _ in range(count)]
    # Positions out of step with the ids: the list follows the position.
    for finding, position in zip(findings, reversed(range(1, count + 1)), strict=True):
        Finding.objects.filter(pk=finding.pk).update(position=position)
    for finding in findings:
        tracker_item_create(finding=finding, policing_body=norfolk, acting_user=drafter)


@pytest.fixture
def reports_of_items(norfolk, drafter):
    """Eleven items over five reports: two of the same day and title, one older, two newer."""
    _tracked(norfolk, drafter, title="B", published_on=date(2021, 5, 1), count=3)
    _tracked(norfolk, drafter, title="A", published_on=date(2021, 5, 1), count=2)
    _tracked(norfolk, drafter, title="A", published_on=date(2021, 5, 1), count=2)
    _tracked(norfolk, drafter, title="C", published_on=date(2019, 1, 1), count=1)
    _tracked(norfolk, drafter, title="Z", published_on=date(2023, 9, 9), count=3)


def _tracker(drafter, query=""):
    return TrackerFilter(
        QueryDict(query), items_visible_to(drafter), user=drafter, today=date(2024, 1, 1)
    )


@pytest.mark.parametrize("query", ["", "status=open", "q=A"])
def test_the_default_order_pages_by_report_as_the_export_sorts(reports_of_items, drafter, query):
    tracker = _tracker(drafter, query)
    expected = list(tracker.qs.values_list("pk", flat=True))  # the exports' ORDER BY
    keys = tracker.keys()

    assert isinstance(keys, ReportOrderKeys)
    assert keys.count() == len(expected)
    for size in range(1, len(expected) + 2):
        pages = [keys[start : start + size] for start in range(0, len(expected), size)]
        assert [pk for page in pages for pk in page] == expected, size


def test_the_default_order_costs_three_queries_whatever_the_number_of_reports(
    reports_of_items, norfolk, drafter
):
    def queries():
        keys = _tracker(drafter).keys()
        with CaptureQueriesContext(connection) as captured:
            keys.count()
            keys[2:6]
        return len(captured)

    few = queries()
    for n in range(6):
        _tracked(norfolk, drafter, title=f"More {n}", published_on=date(2022, 1, n + 1), count=2)

    assert queries() == few == 3


def test_postgresql_has_the_filtered_lists_indexes(postgres_required):
    """A filtered list's count and page of ids, and the filters' areas and leads, find the
    office's tracked items by an index (tracking/migrations/0010), the count and the choices
    from the index alone: they read every item's row, 2.2 ms of the database's 3.5 for the
    filtered tracker list at national scale against 0.8 (docs/benchmarks.md). With a test's
    few rows PostgreSQL reads the table whatever the indexes, so what is checked here is that
    they are what those queries need, for the items that are not tracked with another."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('tracker_item_body_status', 'tracker_item_body_choices')"
        )
        definitions = dict(cursor.fetchall())

    status = definitions["tracker_item_body_status"]
    choices = definitions["tracker_item_body_choices"]
    assert "(policing_body_id, status, target_date)" in status
    assert "(policing_body_id, area, office_lead_id, force_lead_id)" in choices
    for definition in (status, choices):
        assert definition.endswith("WHERE (tracked_with_id IS NULL)")

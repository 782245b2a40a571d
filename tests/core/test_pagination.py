"""KeysFirstPaginator: pages of whole rows in the queryset's order, found by sorting keys only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pagination import KeysFirstPaginator
from inspections.models import Finding
from tests.factories import RecommendationFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings():
    """Seven recommendations over three reports whose titles sort apart from their ids."""
    made = []
    for title, count in (("C report", 2), ("A report", 3), ("B report", 2)):
        report = ReportFactory(title=title)
        made += [RecommendationFactory(report=report) for _ in range(count)]
    return made


def _ordered():
    return Finding.objects.select_related("report").order_by("report__title", "-position", "pk")


def test_pages_hold_the_querysets_rows_in_its_order(findings):
    expected = list(_ordered())
    paginator = KeysFirstPaginator(_ordered(), 3)

    pages = [list(paginator.page(n)) for n in paginator.page_range]

    assert paginator.count == 7
    assert [f.pk for page in pages for f in page] == [f.pk for f in expected]
    assert [len(page) for page in pages] == [3, 3, 1]


def test_a_page_costs_three_queries_with_its_related_rows_loaded(findings):
    paginator = KeysFirstPaginator(_ordered(), 3)

    with CaptureQueriesContext(connection) as captured:
        page = paginator.get_page(2)
        titles = [f.report.title for f in page]

    assert len(captured) == 3  # the count, the page's keys, the page's rows
    assert titles == ["B report", "B report", "C report"]


def test_an_empty_list_has_one_empty_page():
    paginator = KeysFirstPaginator(_ordered(), 3)

    page = paginator.get_page(1)

    assert list(page) == []
    assert paginator.count == 0

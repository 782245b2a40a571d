"""Reads for the public site: counting a search's matches (public.selectors)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from public import selectors
from public.models import PublishedResponse

from .conftest import publish

pytestmark = pytest.mark.django_db


def _search(text: str):
    return selectors.published_responses(selectors.ListFilters(q=text))


def test_counting_a_search_counts_its_matches_only():
    publish(title="Fraud inspection", published_on=date(2020, 2, 1))
    publish(title="Custody inspection", office_comments="A word on fraud.")
    publish(title="Custody inspection")

    assert selectors.count_matches(_search("fraud")) == 2
    assert selectors.count_matches(_search("custody")) == 2
    assert selectors.count_matches(_search("burglary")) == 0
    assert selectors.count_matches(PublishedResponse.objects.all()) == 3


def test_the_search_paginator_counts_like_the_plain_one():
    for _ in range(3):
        publish(title="Fraud inspection")
    publish(title="Custody inspection")

    searched = selectors.SearchPaginator(_search("fraud"), 2)

    assert searched.count == 3
    assert searched.num_pages == 2
    assert len(searched.page(2).object_list) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner setting is PostgreSQL's")
def test_a_search_is_counted_through_the_index_and_the_setting_is_put_back():
    publish(title="Fraud inspection")

    with CaptureQueriesContext(connection) as queries:
        assert selectors.count_matches(_search("fraud")) == 1
    sql = [q["sql"] for q in queries.captured_queries]
    count_at = next(i for i, s in enumerate(sql) if s.startswith("SELECT COUNT(*)"))

    assert sql[count_at - 1] == "SET LOCAL enable_seqscan = off"
    assert sql[count_at + 1] == "SET LOCAL enable_seqscan = on"
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner setting is PostgreSQL's")
def test_a_failed_count_does_not_leave_the_setting_behind(monkeypatch):
    publish(title="Fraud inspection")

    def fail(self):
        raise RuntimeError("the count failed")

    monkeypatch.setattr("django.db.models.query.QuerySet.count", fail)
    with pytest.raises(RuntimeError):
        selectors.count_matches(_search("fraud"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"

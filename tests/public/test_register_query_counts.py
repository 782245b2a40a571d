"""The register page, its CSV and API, a report's page and the statistics cost the same,
pinned number of queries whatever the number of recommendations (5 against 50), each tracked
with a change of status and a public update, with the page cache out of the way."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public.models import PublishedItem
from tests.conftest import tasks_inline
from tests.factories import policing_body
from tracking.models import TrackerItem
from tracking.rag import Status
from tracking.services import progress_update_add

from .conftest import ensure_reference_data, publish, run_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small_and_large(django_db_setup, django_db_blocker):
    """Norfolk's response with 5 recommendations and 5 AFIs, Suffolk's with 50 and 50, every
    item tracked with a change of status and a public update (rolled back after the module)."""
    with django_db_blocker.unblock(), transaction.atomic(), tasks_inline():
        ensure_reference_data()
        small = publish(title="Small report", recommendations=5, afis=5)
        large = publish(
            body=policing_body("suffolk-pcc"), title="Large report", recommendations=50, afis=50
        )
        for response in (small, large):
            for item in TrackerItem.objects.filter(
                policing_body=response.policing_body, finding__report=response.report
            ):
                run_on_commit(
                    progress_update_add,
                    item=item,
                    acting_user=response.drafter,
                    text=f"Public progress on item {item.pk}.",
                    date=date(2020, 3, 2),
                    status=Status.IN_PROGRESS,
                    is_public=True,
                )
        # The public status was copied onto the register's rows (the event ran on commit).
        assert PublishedItem.objects.filter(public_status=Status.IN_PROGRESS).count() == 110
        yield small, large
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(captured)


#: A register page with no cache (here: the dummy cache): the page's stamp (which is also
#: the choices' stamp), the filter choices (the years, types and bodies), the forces, the
#: themes, the count, the page's ids, its rows and the bodies (43 rows, not a join on every
#: row). With a cache the choices cost nothing more than their stamp.
REGISTER_PAGE = 10


def test_the_register_page_costs_the_same_for_5_or_50_recommendations(client, small_and_large):
    url = reverse("public:register")
    assert queries(client, url, {"office": "norfolk-pcc"}) == REGISTER_PAGE
    assert queries(client, url, {"office": "suffolk-pcc"}) == REGISTER_PAGE
    assert queries(client, url, {"status": "in_progress", "sort": "target_date"}) == (REGISTER_PAGE)


def test_a_search_of_the_register_costs_the_same_for_5_or_50(client, small_and_large):
    url = reverse("public:register")
    small = queries(client, url, {"q": "report", "office": "norfolk-pcc"})
    assert queries(client, url, {"q": "report", "office": "suffolk-pcc"}) == small
    # A page's queries; on PostgreSQL the count of matches and the check for more than 1,000
    # of them each run in a transaction of their own that reads through the search index
    # (here a savepoint, SET LOCAL, the count, SET LOCAL, the release): 4 + 5 more.
    assert small == REGISTER_PAGE + (9 if connection.vendor == "postgresql" else 0)


def test_the_register_csv_and_api_cost_the_same_for_5_or_50(client, small_and_large):
    csv_url, api_url = reverse("public:register-csv"), reverse("public:api-register-list")
    small_csv = queries(client, csv_url, {"office": "norfolk-pcc"})
    assert queries(client, csv_url, {"office": "suffolk-pcc"}) == small_csv
    # The choices' stamp and the filter choices as on the page (5), the bodies, then one
    # cursor for the rows, in a transaction (here a savepoint and its release).
    assert small_csv == 10
    small_api = queries(client, api_url, {"office": "norfolk-pcc", "page_size": 200})
    assert queries(client, api_url, {"office": "suffolk-pcc", "page_size": 200}) == small_api
    assert small_api == 3  # the count, the rows and the bodies


def test_a_reports_page_costs_the_same_for_5_or_50(client, small_and_large):
    small, large = small_and_large
    small_page = queries(client, reverse("public:report", args=[small.report_id]))
    assert queries(client, reverse("public:report", args=[large.report_id])) == small_page
    # The stamp, the stamp of the bodies' "not required" records, the records, the report,
    # the bodies it concerns (with any reason for not responding) and the items.
    assert small_page == 6


def test_the_statistics_cost_the_same_for_5_or_50(client, small_and_large):
    small = queries(client, reverse("public:api-statistics"), {"office": "norfolk-pcc"})
    assert queries(client, reverse("public:api-statistics"), {"office": "suffolk-pcc"}) == small
    assert small == 5  # years, on time, explanations, grades, open and overdue

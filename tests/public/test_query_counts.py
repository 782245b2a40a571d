"""The list and response pages cost the same number of queries whatever the number of
recommendations (5 against 50), tracked with public and private progress updates, with the page
cache out of the way."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public.models import PublishedResponse
from responses.models import ResponseVersion
from tests.conftest import tasks_inline
from tracking.models import TrackerItem
from tracking.rag import Status
from tracking.services import progress_update_add

from .conftest import ensure_reference_data, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small_and_large(django_db_setup, django_db_blocker):
    """Two published responses, one with 5 recommendations and 5 AFIs, one with 50 and 50, each
    item tracked with a change of status, a public update and a private one (built once for the
    module, rolled back after it)."""
    with django_db_blocker.unblock(), transaction.atomic(), tasks_inline():
        ensure_reference_data()
        small = publish(title="Small report", recommendations=5, afis=5)
        large = publish(title="Large report", recommendations=50, afis=50)
        for response in (small, large):
            for item in TrackerItem.objects.filter(
                policing_body=response.policing_body, finding__report=response.report
            ):
                progress_update_add(
                    item=item,
                    acting_user=response.drafter,
                    text="Work has begun.",
                    date=date(2020, 3, 1),
                    status=Status.IN_PROGRESS,
                )
                progress_update_add(
                    item=item,
                    acting_user=response.drafter,
                    text=f"Public progress on item {item.pk}.",
                    date=date(2020, 3, 2),
                    is_public=True,
                )
                progress_update_add(
                    item=item,
                    acting_user=response.drafter,
                    text="A note for the office.",
                    date=date(2020, 3, 3),
                )
        yield small, large
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_list_page_does_not_grow_with_recommendations(client, small_and_large):
    small, large = small_and_large
    only_small = queries(client, reverse("public:response-list") + "?q=small")
    both = queries(client, reverse("public:response-list") + "?q=report")

    assert both == only_small


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "no-snapshot"])
def test_the_response_page_does_not_grow_with_recommendations(client, small_and_large, snapshot):
    small, large = small_and_large
    if not snapshot:
        ResponseVersion.objects.update(html_snapshot="", html_sha256="")
    assert PublishedResponse.objects.get(response=large).items.count() == 100
    large_page = client.get(reverse("public:response", args=[large.pk])).content.decode()
    assert large_page.count("Public progress on item") == 100

    small_count = queries(client, reverse("public:response", args=[small.pk]))
    large_count = queries(client, reverse("public:response", args=[large.pk]))

    assert large_count == small_count

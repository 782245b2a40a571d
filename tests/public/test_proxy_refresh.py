"""After a publication, amendment or progress change, the reverse proxy's cached copies of the
pages it alters are refreshed by a recorded, retried task queued on commit.

The proxy here is a small HTTP server on loopback that records what it is asked for (the real
nginx is exercised in tests/deploy/test_production_shape.py)."""

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from inspections.links import finding_link_create
from inspections.models import FindingLink
from public import services as public_services
from public import tasks
from public.models import PublishedItem, PublishedResponse
from public.services import (
    ProxyRefreshFailed,
    proxy_pages_refresh,
    stale_at_proxy_response_ids,
)
from responses.models import ResponseVersion
from responses.pdf import version_freeze
from responses.services import response_record_copies
from tests.factories import policing_body
from tracking.rag import Status as TrackerStatus
from tracking.services import progress_update_add

from .conftest import publish, run_on_commit
from .test_caching import _first_item
from .test_services import amend_and_publish

pytestmark = pytest.mark.django_db


class RecordingProxy(ThreadingHTTPServer):
    def __init__(self, status: int = 200):
        self.status = status
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, self.headers["Host"]))
                self.send_response(server.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def proxy(settings):
    server = RecordingProxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.S55_PROXY_REFRESH_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SITE_URL = "https://tracker.example.org"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def queued(monkeypatch):
    """The response ids `proxy_refresh` was queued for (the broker is not what is tested)."""
    ids: list[int] = []

    def enqueue_task(name, response_id):
        assert name == tasks.proxy_refresh.name  # the name services.py queues it by
        ids.append(response_id)

    monkeypatch.setattr(public_services, "enqueue_task", enqueue_task)
    monkeypatch.setattr(tasks.proxy_refresh, "delay", ids.append)  # the catch-up's own queueing
    return ids


def test_a_refresh_asks_the_proxy_for_every_page_the_response_changes(proxy):
    response = publish()
    record = PublishedResponse.objects.get(response=response)

    assert proxy_pages_refresh(response_id=response.pk) == len(proxy.requests)

    paths = {path for path, _host in proxy.requests}
    assert {
        reverse("public:response", args=[response.pk]),
        reverse("public:home"),
        reverse("public:response-list"),
        reverse("public:feed"),
        reverse("public:office-feed", kwargs={"slug": record.policing_body.slug}),
        reverse("public:api-response-detail", kwargs={"id": response.pk}),
    } <= paths
    # Asked as a visitor to the public address would ask, so the copies are the public ones.
    assert {host for _path, host in proxy.requests} == {"tracker.example.org"}
    record.refresh_from_db()
    assert record.proxy_refreshed_at is not None
    assert record.proxy_refresh_error == ""
    assert response.pk not in stale_at_proxy_response_ids()


def test_the_pdf_is_refreshed_once_it_is_stored(proxy):
    response = publish()
    version = ResponseVersion.objects.get(response=response)
    pdf = reverse("pdf:version", kwargs={"pk": response.pk, "number": 1})
    ResponseVersion.objects.filter(pk=version.pk).update(pdf_sha256="")

    proxy_pages_refresh(response_id=response.pk)
    assert pdf not in {path for path, _host in proxy.requests}

    version_freeze(version_id=version.pk)
    PublishedResponse.objects.filter(response=response).update(proxy_refreshed_at=None)
    proxy_pages_refresh(response_id=response.pk)
    assert pdf in {path for path, _host in proxy.requests}


def test_a_refresh_run_twice_asks_the_proxy_once(proxy):
    response = publish()
    proxy_pages_refresh(response_id=response.pk)
    asked = len(proxy.requests)

    assert proxy_pages_refresh(response_id=response.pk) == 0
    assert len(proxy.requests) == asked


def test_a_proxy_that_fails_is_recorded_and_the_refresh_raises_to_be_retried(proxy):
    response = publish()
    proxy.status = 502

    with pytest.raises(ProxyRefreshFailed):
        proxy_pages_refresh(response_id=response.pk)

    record = PublishedResponse.objects.get(response=response)
    assert "HTTP 502" in record.proxy_refresh_error
    assert record.proxy_refreshed_at is None
    assert response.pk in stale_at_proxy_response_ids()


def test_an_unreachable_proxy_is_recorded(settings):
    response = publish()
    settings.S55_PROXY_REFRESH_URL = "http://127.0.0.1:9"  # discard: nothing listens

    with pytest.raises(ProxyRefreshFailed):
        proxy_pages_refresh(response_id=response.pk)

    assert PublishedResponse.objects.get(response=response).proxy_refresh_error


def test_the_refresh_task_retries_a_failed_refresh():
    assert ProxyRefreshFailed in tasks.proxy_refresh.autoretry_for
    assert tasks.proxy_refresh.max_retries >= 5


def test_publication_queues_a_refresh_on_commit(proxy, queued):
    response = publish()

    # Once per transaction that changed the page (publishing also creates tracker items).
    assert set(queued) == {response.pk}


def test_an_amendment_queues_a_refresh_and_makes_the_copies_owed_again(proxy, queued):
    response = publish()
    proxy_pages_refresh(response_id=response.pk)
    queued.clear()

    amend_and_publish(
        response, office_comments="New.", reason="Corrected", published_on=date(2020, 4, 1)
    )

    assert set(queued) == {response.pk}
    assert response.pk in stale_at_proxy_response_ids()


def test_a_public_progress_change_queues_a_refresh(proxy, queued):
    response = publish()
    proxy_pages_refresh(response_id=response.pk)
    queued.clear()

    run_on_commit(
        progress_update_add,
        item=_first_item(response),
        acting_user=response.drafter,
        text="The audit has started.",
        date=date(2020, 3, 1),
        is_public=True,
    )

    assert set(queued) == {response.pk}
    assert response.pk in stale_at_proxy_response_ids()


def test_recording_the_copies_queues_a_refresh_of_the_page_that_lists_them(proxy, queued):
    """The page lists each version's s55(6) copies as recorded now ("response.copies_recorded",
    config/events.py): the proxy's copy saying "not recorded yet" is replaced."""
    response = publish()
    proxy_pages_refresh(response_id=response.pk)
    queued.clear()
    proxy.requests.clear()

    run_on_commit(
        response_record_copies,
        response=response,
        acting_user=response.drafter,
        hmicfrs=date(2020, 3, 2),
        home_secretary=date(2020, 3, 2),
    )

    assert set(queued) == {response.pk}
    assert response.pk in stale_at_proxy_response_ids()
    assert proxy_pages_refresh(response_id=response.pk) > 0
    page = reverse("public:response", args=[response.pk])
    assert page in [path for path, _host in proxy.requests]


def test_recording_copies_of_a_response_not_on_the_public_site_queues_nothing(proxy, queued):
    response = publish()
    response.public_record.delete()
    queued.clear()

    run_on_commit(
        response_record_copies,
        response=response,
        acting_user=response.drafter,
        hmicfrs=date(2020, 3, 2),
    )

    assert queued == []


def test_without_a_proxy_nothing_is_queued_or_asked(settings, queued):
    settings.S55_PROXY_REFRESH_URL = ""
    response = publish()

    assert queued == []
    assert proxy_pages_refresh(response_id=response.pk) == 0


def test_a_worker_catching_up_queues_every_refresh_still_owed(proxy, queued):
    first, second = publish(title="First"), publish(title="Second")
    proxy_pages_refresh(response_id=first.pk)
    queued.clear()

    assert tasks.proxy_refresh_owed() == 1
    assert queued == [second.pk]


def test_public_refresh_with_proxy_queues_every_published_response(proxy, queued):
    first, second = publish(title="First"), publish(title="Second")
    for response in (first, second):
        proxy_pages_refresh(response_id=response.pk)
    queued.clear()

    call_command("public_refresh", "--proxy", stdout=StringIO())

    assert sorted(queued) == sorted([first.pk, second.pk])


def test_a_progress_change_refreshes_the_pages_of_every_response_the_item_is_tracked_for(
    proxy, queued
):
    """Linked recommendations are tracked once (`TrackerItem.tracked_with`): the progress of
    the item tracked shows on the public page of the response to the other report too, so that
    page's cache key, the register's copy of its status and the proxy's copies follow it."""
    body = policing_body()
    earlier = publish(body=body, title="Custody 2019")
    later = publish(body=body, title="Custody 2021")
    repeated = _first_item(later)
    run_on_commit(
        finding_link_create,
        finding=repeated.finding,
        linked_to=_first_item(earlier).finding,
        kind=FindingLink.Kind.CARRIED_OVER,
        acting_user=later.drafter,
    )
    repeated.refresh_from_db()
    assert repeated.tracked_with == _first_item(earlier)
    for response in (earlier, later):
        proxy_pages_refresh(response_id=response.pk)
    queued.clear()
    before = {
        r.response_id: r.progress_changed_at
        for r in PublishedResponse.objects.filter(response__in=[earlier, later])
    }

    run_on_commit(
        progress_update_add,
        item=_first_item(earlier),
        acting_user=earlier.drafter,
        text="The custody audit has started.",
        date=date(2020, 3, 1),
        status=TrackerStatus.IN_PROGRESS,
        is_public=True,
    )

    assert set(queued) == {earlier.pk, later.pk}
    assert {earlier.pk, later.pk} <= set(stale_at_proxy_response_ids())
    for record in PublishedResponse.objects.filter(response__in=[earlier, later]):
        assert record.progress_changed_at != before[record.response_id]
    shown = PublishedItem.objects.get(record__response=later, finding=repeated.finding)
    assert shown.public_status == TrackerStatus.IN_PROGRESS

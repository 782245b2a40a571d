"""Published pages are cached whole and invalidated when a response is amended or the tracker
changes what its page shows; the response page and the feeds answer conditional requests (ETag /
Last-Modified)."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from public.caching import (
    BROWSER_MAX_AGE,
    CACHE_HEADER,
    NONCE_PLACEHOLDER,
    SHARED_MAX_AGE,
    STALE_IF_ERROR,
    STALE_WHILE_REVALIDATE,
)
from tracking.models import TrackerItem
from tracking.rag import Status
from tracking.services import progress_update_add

from .conftest import publish, run_on_commit
from .test_services import amend_and_publish

pytestmark = pytest.mark.django_db


def nonce_of(response) -> tuple[str, str]:
    """(the nonce in the page's inline script, the nonce the CSP header allows)."""
    in_page = re.search(r'<script nonce="([^"]+)"', response.content.decode()).group(1)
    in_header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return in_page, in_header


@pytest.mark.parametrize("url_name", ["public:home", "public:response-list", "public:statistics"])
def test_list_pages_are_served_from_the_cache_until_something_is_published(client, url_name):
    response = publish(title="First inspection")
    url = reverse(url_name)

    first = client.get(url)
    second = client.get(url)
    assert first[CACHE_HEADER] == "miss"
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content.replace(
        nonce_of(first)[0].encode(), nonce_of(second)[0].encode()
    )

    amend_and_publish(
        response,
        office_comments="Amended.",
        reason="Corrected",
        published_on=date(2020, 4, 1),
    )
    third = client.get(url)
    assert third[CACHE_HEADER] == "miss"


def test_a_cached_page_carries_this_requests_nonce_so_its_script_still_runs(client):
    publish()
    client.get(reverse("public:home"))

    hit = client.get(reverse("public:home"))

    assert hit[CACHE_HEADER] == "hit"
    in_page, in_header = nonce_of(hit)
    assert in_page == in_header
    assert NONCE_PLACEHOLDER not in hit.content.decode()


def test_the_response_page_changes_as_soon_as_an_amendment_is_published(client):
    response = publish(office_comments="What version one said.")
    url = reverse("public:response", args=[response.pk])
    assert "What version one said." in client.get(url).content.decode()
    assert client.get(url)[CACHE_HEADER] == "hit"

    amend_and_publish(
        response,
        office_comments="What version two says.",
        reason="Updated plan",
        published_on=date(2020, 4, 1),
    )

    page = client.get(url)
    assert page[CACHE_HEADER] == "miss"
    assert "What version two says." in page.content.decode()
    assert "What version one said." not in page.content.decode()


def test_people_with_a_session_never_get_a_cached_page(client):
    publish()
    url = reverse("public:home")
    client.get(url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "some-session"

    page = client.get(url)

    assert CACHE_HEADER not in page


def test_the_response_page_answers_conditional_requests(client):
    response = publish()
    url = reverse("public:response", args=[response.pk])

    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    # Shared caches keep the page (the proxy's copy is refreshed on publication, see
    # test_proxy_refresh.py) and revalidate it with the ETag once it is older than s-maxage.
    assert "public" in first["Cache-Control"]

    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified["Cache-Control"] == first["Cache-Control"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304

    amend_and_publish(
        response, office_comments="New.", reason="Corrected", published_on=date(2020, 4, 1)
    )
    after = client.get(url, headers={"if-none-match": etag})
    assert after.status_code == 200
    assert after["ETag"] != etag


def test_the_etag_differs_for_a_signed_in_visitor(client):
    response = publish()
    url = reverse("public:response", args=[response.pk])
    public = client.get(url)["ETag"]

    client.cookies[settings.SESSION_COOKIE_NAME] = "some-session"

    assert client.get(url)["ETag"] != public


@pytest.mark.parametrize("office", [None, "norfolk-pcc"])
def test_the_feeds_answer_conditional_requests(client, office):
    response = publish()
    url = (
        reverse("public:office-feed", kwargs={"slug": office}) if office else reverse("public:feed")
    )

    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 304

    amend_and_publish(
        response, office_comments="New.", reason="Corrected", published_on=date(2020, 4, 1)
    )
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200


def _first_item(response):
    return TrackerItem.objects.filter(
        policing_body=response.policing_body, finding__report=response.report
    ).earliest("finding__position", "finding_id")


def test_the_cached_response_page_shows_a_public_update_once_it_is_added(client):
    response = publish()
    url = reverse("public:response", args=[response.pk])
    first = client.get(url)
    assert client.get(url)[CACHE_HEADER] == "hit"

    run_on_commit(
        progress_update_add,
        item=_first_item(response),
        acting_user=response.drafter,
        text="The audit has started.",
        date=date(2020, 3, 1),
        is_public=True,
    )

    page = client.get(url)
    assert page[CACHE_HEADER] == "miss"
    assert "The audit has started." in page.content.decode()
    assert page["ETag"] != first["ETag"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200


def test_a_change_of_status_moves_the_etag_on_and_a_private_note_does_not(client):
    response = publish()
    url = reverse("public:response", args=[response.pk])
    item = _first_item(response)
    etag = client.get(url)["ETag"]

    run_on_commit(
        progress_update_add,
        item=item,
        acting_user=response.drafter,
        text="A note for the office only.",
        date=date(2020, 3, 1),
    )
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304

    run_on_commit(
        progress_update_add,
        item=item,
        acting_user=response.drafter,
        text="Work has begun.",
        date=date(2020, 3, 2),
        status=Status.IN_PROGRESS,
    )
    after = client.get(url, headers={"if-none-match": etag})
    assert after.status_code == 200
    assert "In progress" in after.content.decode()
    assert "Work has begun." not in after.content.decode()


SHARED = (
    f"public, max-age={BROWSER_MAX_AGE}, s-maxage={SHARED_MAX_AGE}, "
    f"stale-while-revalidate={STALE_WHILE_REVALIDATE}, stale-if-error={STALE_IF_ERROR}"
)


def _public_urls(response) -> list[str]:
    return [
        reverse("public:home"),
        reverse("public:response-list"),
        reverse("public:response-list") + "?q=inspection",
        reverse("public:response", args=[response.pk]),
        reverse("public:statistics"),
        reverse("public:open-data"),
        reverse("public:feed"),
        reverse("public:office-feed", kwargs={"slug": response.policing_body.slug}),
        reverse("public:api-response-list"),
        reverse("public:api-response-detail", kwargs={"id": response.pk}),
        reverse("public:api-report-list"),
    ]


def test_public_answers_tell_shared_caches_how_long_to_keep_them(client):
    response = publish()

    for url in _public_urls(response):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Cache-Control"] == SHARED, url
        assert "Cookie" in answer["Vary"], url


def test_answers_made_for_a_session_are_never_kept_by_a_shared_cache(client):
    response = publish()
    client.force_login(response.drafter)

    for url in _public_urls(response):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control, url
        assert "public" not in cache_control, url
        assert "s-maxage" not in cache_control, url


def test_staff_pages_are_never_public(client):
    response = publish()
    client.force_login(response.drafter)

    for url in (reverse("responses:dashboard"), reverse("responses:detail", args=[response.pk])):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "public" not in answer.get("Cache-Control", ""), url

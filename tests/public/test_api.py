"""The open data API: read-only JSON of published content, open CORS for GET on /api/ only,
throttling, and an OpenAPI schema the docs page is built from."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from responses.services import response_amend, response_update_text
from tests.factories import make_response, policing_body

from .conftest import publish

pytestmark = pytest.mark.django_db


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_published_responses_show_their_published_version_only(client):
    response = publish(office_comments="Published comments.", recommendations=2, afis=1)
    drafter = response.drafter
    response = response_amend(
        response=response, reason="Secret reason", acting_user=response.approver
    )
    response_update_text(response=response, acting_user=drafter, office_comments="Draft words.")
    make_response(body=policing_body("suffolk-pcc"))

    listing = get_json(client, reverse("public:api-response-list"))
    detail = get_json(client, reverse("public:api-response-detail", args=[response.pk]))

    assert listing["count"] == 1
    assert listing["results"][0] == detail
    assert detail["id"] == response.pk
    assert detail["office_comments"] == "Published comments."
    assert detail["published_on"] == "2020-02-20"
    assert detail["due_date"] == "2020-03-02"
    assert detail["published_within_56_days"] is True
    assert detail["days_late"] == 0
    assert detail["policing_body"]["slug"] == "norfolk-pcc"
    assert detail["policing_body"]["force"]["slug"] == "norfolk"
    assert [i["kind"] for i in detail["items"]] == ["recommendation", "recommendation", "afi"]
    assert detail["versions"] == [
        {
            "number": 1,
            "published_on": "2020-02-20",
            "reason": "",
            "reason_cy": "",
            "pdf_url": detail["versions"][0]["pdf_url"],
            "pdf_sha256": detail["versions"][0]["pdf_sha256"],
            # Norfolk publishes in English only: no Welsh document.
            "pdf_url_cy": "",
            "pdf_cy_sha256": "",
            "withdrawn": False,
        }
    ]
    assert detail["bilingual"] is False
    assert detail["page_url"].endswith(f"/published/{response.pk}/")
    assert "Draft words." not in str(listing) + str(detail)
    assert "Secret reason" not in str(listing) + str(detail)


def test_responses_can_be_searched_and_filtered(client):
    norfolk = publish(title="Custody inspection", office_comments="About stalking.")
    late = publish(
        body=policing_body("suffolk-pcc"),
        title="PEEL inspection",
        published_on=date(2020, 3, 10),
        late_reason="Panel postponed.",
    )
    url = reverse("public:api-response-list")

    def ids(**params):
        return [r["id"] for r in get_json(client, url, **params)["results"]]

    assert ids(q="stalking") == [norfolk.pk]
    assert ids(office="suffolk-pcc") == [late.pk]
    assert ids(force="norfolk") == [norfolk.pk]
    assert ids(on_time="true") == [norfolk.pk]
    assert ids(on_time="false") == [late.pk]
    assert ids(year=2020, report_type="cdi") == sorted([norfolk.pk, late.pk], reverse=True)
    assert client.get(url, {"year": "soon"}).status_code == 400
    assert client.get(url, {"year": "99999"}).status_code == 400


def test_reports_and_recommendations_cover_reports_with_a_published_response(client):
    response = publish(recommendations=2, afis=1)
    unpublished = make_response(body=policing_body("suffolk-pcc"))

    reports = get_json(client, reverse("public:api-report-list"))
    findings = get_json(client, reverse("public:api-recommendation-list"))
    only_afis = get_json(client, reverse("public:api-recommendation-list"), kind="afi")

    assert [r["id"] for r in reports["results"]] == [response.report_id]
    assert reports["results"][0]["response_ids"] == [response.pk]
    assert reports["results"][0]["forces"] == [{"slug": "norfolk", "name": "Norfolk Constabulary"}]
    assert findings["count"] == 3
    assert {f["report"] for f in findings["results"]} == {response.report_id}
    explanation = findings["results"][0]["explanations"][0]
    assert explanation["response_id"] == response.pk
    assert explanation["policing_body"] == "norfolk-pcc"
    assert explanation["kind"] == "action_proposed"
    assert only_afis["count"] == 1
    not_found = client.get(reverse("public:api-report-detail", args=[unpublished.report_id]))
    assert not_found.status_code == 404


def test_unpublished_responses_are_not_found(client):
    draft = make_response()

    assert client.get(reverse("public:api-response-detail", args=[draft.pk])).status_code == 404


def test_the_api_is_read_only(client):
    response = publish()
    url = reverse("public:api-response-detail", args=[response.pk])

    for method in (client.post, client.put, client.patch, client.delete):
        assert method(url, data={}, content_type="application/json").status_code == 405


def test_cors_is_open_for_reading_the_api_and_nothing_else(client):
    publish()
    origin = {"origin": "https://news.example"}

    api = client.get(reverse("public:api-response-list"), headers=origin)
    page = client.get(reverse("public:response-list"), headers=origin)
    preflight = client.options(
        reverse("public:api-response-list"),
        headers={**origin, "access-control-request-method": "GET"},
    )

    assert api["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in page
    assert preflight.status_code == 200
    assert set(preflight["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }
    assert "Access-Control-Allow-Credentials" not in api


def test_clients_are_throttled(client, monkeypatch):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    url = reverse("public:api-report-list")

    statuses = [client.get(url).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert "Retry-After" in client.get(url)


def test_the_schema_and_docs_describe_every_endpoint(client):
    schema = client.get(reverse("public:api-schema"), {"format": "json"}).json()
    docs = client.get(reverse("public:api-docs")).content.decode()

    assert set(schema["paths"]) == {
        "/api/reports/",
        "/api/reports/{id}/",
        "/api/recommendations/",
        "/api/recommendations/{id}/",
        "/api/responses/",
        "/api/responses/{id}/",
        "/api/register/",
        "/api/statistics/",
    }
    for path in schema["paths"]:
        assert f"GET {path}" in docs
    assert "published_within_56_days" in docs
    assert "List published responses" in docs


def test_the_english_api_docs_show_english_paths_whichever_page_asked_first(client):
    from public.api_docs import documented_operations

    documented_operations.cache_clear()
    client.get("/cy/api/docs/")  # a Welsh page builds the cached operations
    docs = client.get(reverse("public:api-docs")).content.decode()
    assert "GET /api/reports/" in docs
    assert "GET /cy/api/" not in docs

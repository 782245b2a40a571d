"""The public pages: home, the list with search and filters, a response, statistics, open data,
and the small things (robots.txt, sitemap.xml, 404 and 500 pages, titles and descriptions)."""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from responses.models import ResponseVersion
from responses.services import response_amend, response_update_text
from tests.factories import make_response, policing_body

from .conftest import publish

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The visible text of a page, with tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_list_filters_by_office_year_and_type(client):
    norfolk_body, suffolk_body = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    a = publish(body=norfolk_body, title="Norfolk custody 2020")
    b = publish(body=suffolk_body, title="Suffolk custody 2020")
    c = publish(
        body=suffolk_body,
        title="Suffolk PEEL 2022",
        report_type="peel",
        report_published_on=date(2022, 5, 10),
        published_on=date(2022, 6, 1),
    )
    url = reverse("public:response-list")

    def listed(**params):
        html = client.get(url, params).content.decode()
        return {r.pk for r in (a, b, c) if f'href="/published/{r.pk}/"' in html}

    assert listed() == {a.pk, b.pk, c.pk}
    assert listed(office="suffolk-pcc") == {b.pk, c.pk}
    assert listed(year=2022) == {c.pk}
    assert listed(report_type="cdi") == {a.pk, b.pk}
    assert listed(office="suffolk-pcc", report_type="cdi") == {b.pk}


def test_a_filter_value_that_is_not_offered_is_reported(client):
    publish()

    page = client.get(reverse("public:response-list"), {"year": "1066"})

    assert page.status_code == 200
    assert "There is a problem" in text_of(page)
    assert 'href="#id_year"' in page.content.decode()


def test_the_list_is_paginated(client):
    from public.views import PAGE_SIZE

    body = policing_body()
    for n in range(PAGE_SIZE + 1):
        publish(body=body, title=f"Inspection {n:02d}", recommendations=1, afis=0)

    first = client.get(reverse("public:response-list"))
    second = client.get(reverse("public:response-list"), {"page": 2})

    assert f"{PAGE_SIZE + 1} published responses" in text_of(first)
    assert text_of(first).count(" response to Inspection ") == PAGE_SIZE
    assert text_of(second).count(" response to Inspection ") == 1
    assert 'aria-label="Pagination"' in first.content.decode()


def test_search_matches_recommendations_and_the_published_text_but_not_drafts(client):
    found = publish(title="Inspection of custody", office_comments="We will tackle stalking.")
    draft = make_response()
    response_update_text(
        response=draft, acting_user=found.drafter, office_comments="stalking in the draft"
    )
    url = reverse("public:response-list")

    html = client.get(url, {"q": "stalking"}).content.decode()
    assert f'href="/published/{found.pk}/"' in html
    assert f'href="/published/{draft.pk}/"' not in html
    assert "1 published response found" in html

    html = client.get(url, {"q": "custody"}).content.decode()
    assert f'href="/published/{found.pk}/"' in html

    html = client.get(url, {"q": "problem"}).content.decode()  # recommendation text
    assert f'href="/published/{found.pk}/"' in html

    no_match = client.get(url, {"q": "xylophone"})
    assert "No published responses match \u2018xylophone\u2019" in text_of(no_match)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_search_ranks_title_matches_above_text_matches(client):
    in_text = publish(title="Custody inspection", office_comments="Some words about fraud.")
    in_title = publish(title="Fraud inspection", office_comments="Nothing else.")

    html = client.get(reverse("public:response-list"), {"q": "fraud"}).content.decode()

    assert html.index(f"/published/{in_title.pk}/") < html.index(f"/published/{in_text.pk}/")


def test_the_list_downloads_as_csv_with_the_same_filters(client):
    a = publish(title="Norfolk custody")
    publish(body=policing_body("suffolk-pcc"), title="Suffolk custody")

    response = client.get(reverse("public:response-list-csv"), {"office": "norfolk-pcc"})
    rows = csv_rows(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row["response_id"] for row in rows] == [str(a.pk)]
    assert rows[0]["published_within_56_days"] == "yes"
    assert rows[0]["due_date"] == "2020-03-02"
    assert rows[0]["page_url"].endswith(f"/published/{a.pk}/")


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client):
    publish(title='=HYPERLINK("http://evil.example")')

    rows = csv_rows(client.get(reverse("public:response-list-csv")))

    assert rows[0]["report_title"].startswith("'=")


def test_recommendations_and_reports_download_as_csv(client):
    response = publish(recommendations=2, afis=1)

    items = csv_rows(client.get(reverse("public:recommendations-csv")))
    reports = csv_rows(client.get(reverse("public:reports-csv")))

    assert [(i["kind"], i["number"]) for i in items] == [
        ("Recommendation", "1"),
        ("Recommendation", "2"),
        ("Area for improvement", "1"),
    ]
    assert items[0]["explanation_kind"] == "Action proposed"
    assert [r["report_id"] for r in reports] == [str(response.report_id)]
    assert reports[0]["published_responses"] == "1"


def test_an_amendment_in_progress_shows_the_published_version_even_without_a_snapshot(client):
    response = publish(office_comments="The words that were published.")
    drafter = response.drafter
    ResponseVersion.objects.filter(response=response).update(html_snapshot="", html_sha256="")
    response = response_amend(response=response, reason="Typo", acting_user=response.approver)
    response_update_text(
        response=response, acting_user=drafter, office_comments="Unpublished new words."
    )

    text = text_of(client.get(reverse("public:response", args=[response.pk])))

    assert "The words that were published." in text
    assert "Unpublished new words." not in text


def test_the_version_history_lists_each_amendment_with_its_reason(client):
    from .test_services import amend_and_publish

    response = publish()
    amend_and_publish(
        response,
        office_comments="Corrected.",
        reason="The date of the panel meeting was wrong.",
        published_on=date(2020, 4, 1),
    )

    text = text_of(client.get(reverse("public:response", args=[response.pk])))

    assert "Latest version Version 2, published 1 April 2020" in text
    assert "Version 1, published 20 February 2020 First publication." in text
    assert (
        "Version 2, published 1 April 2020 Amended because: The date of the panel meeting was wrong."
        in text
    )
    assert "Response published on 20 February 2020" in text


def test_statistics_count_on_time_and_late_per_office_and_year(client):
    body = policing_body()
    publish(body=body)
    publish(body=body, published_on=date(2020, 3, 6), late_reason="Panel postponed.")
    publish(body=body, published_on=date(2020, 3, 12), late_reason="Panel postponed.")
    publish(body=policing_body("suffolk-pcc"))

    text = text_of(client.get(reverse("public:statistics")))
    only_norfolk = text_of(client.get(reverse("public:statistics"), {"office": "norfolk-pcc"}))

    # Published, on time, late, median days late, most days late, no deadline.
    assert "Norfolk Police and Crime Commissioner 2020 3 1 2 7 10 0" in text
    assert "Suffolk Police and Crime Commissioner 2020 1 1 0" in text
    assert "4 responses published: 3 on time" not in text
    assert "4 responses published: 2 on time, 2 late (50% on time)" in text
    assert "Norfolk Police and Crime Commissioner 2020 3 1 2" in only_norfolk
    assert "Suffolk Police and Crime Commissioner 2020" not in only_norfolk
    # Recommendations by what the explanation said: 2 per response, all "action proposed".
    assert "All 0 8 0 0 8" in text
    assert (
        '<svg class="app-chart__svg" role="img"'
        in client.get(reverse("public:statistics")).content.decode()
    )


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_staff_pages(client):
    text = client.get(reverse("public:robots")).content.decode()

    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /responses/" in text
    assert "Disallow: /admin/" in text


def test_the_404_page_is_in_the_site_style(client):
    page = client.get("/no-such-page/")

    assert page.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page.content.decode()
    assert "govuk-service-navigation" in page.content.decode()


def test_the_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html
    assert "/static/dist/app.css" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_a_search_matching_very_many_responses_lists_them_newest_first(client, monkeypatch):
    monkeypatch.setattr("public.selectors.RANKED_MATCHES_LIMIT", 1)
    older = publish(title="Fraud inspection", published_on=date(2020, 2, 1))
    newer = publish(title="Custody inspection", office_comments="A word on fraud.")

    html = client.get(reverse("public:response-list"), {"q": "fraud"}).content.decode()

    assert html.index(f"/published/{newer.pk}/") < html.index(f"/published/{older.pk}/")


def test_a_report_from_before_19_july_2017_is_named_as_hmics(client):
    """The inspectorate's name follows the report's date: HMIC before 19 July 2017."""
    old = publish(report_published_on=date(2016, 3, 10), published_on=date(2016, 4, 1))
    new = publish()

    old_page = client.get(reverse("public:response", args=[old.pk])).content.decode()
    new_page = client.get(reverse("public:response", args=[new.pk])).content.decode()

    assert '<dt class="govuk-summary-list__key">HMIC report</dt>' in old_page
    assert "published by Her Majesty&#x27;s Inspectorate of Constabulary (HMIC)" in old_page
    assert "the HMIC report" in old_page  # the page's description
    assert '<dt class="govuk-summary-list__key">HMICFRS report</dt>' in new_page

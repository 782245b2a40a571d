"""The public pages on the Norfolk demo (built once for this module): the done-when journey's
facts without a browser, and what must never be public."""

import re

import pytest
from django.urls import reverse

from public.models import PublishedResponse
from responses.models import Response

from .test_pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def norfolk(norfolk_demo):
    return Response.objects.get(
        report__title="Norfolk Constabulary Crime Data Integrity inspection 2019"
    )


def test_searching_violent_crime_finds_the_norfolk_cdi_response(client, norfolk):
    page = client.get(reverse("public:response-list"), {"q": "violent crime"})

    assert page.status_code == 200
    assert f'href="/published/{norfolk.pk}/"' in page.content.decode()
    assert "Search results for \u2018violent crime\u2019" in text_of(page)
    # The late PEEL response says nothing about violent crime.
    assert "PEEL 2021/22" not in text_of(page)


def test_the_norfolk_response_page_shows_the_statutory_facts_in_order(client, norfolk):
    page = client.get(reverse("public:response", args=[norfolk.pk]))
    text = text_of(page)

    assert page.status_code == 200
    facts = [
        "Report published on 7 January 2020",
        "Response due by 2 March 2020",
        "Response published on 24 January 2020",
        "Published within the 56-day period Yes",
    ]
    positions = [text.index(fact) for fact in facts]
    assert positions == sorted(positions)
    assert (
        "Read Norfolk Constabulary Crime Data Integrity inspection 2019 on the HMICFRS website"
        in text
    )
    # The frozen snapshot is the body: the reference form's sections, then download and history.
    sections = [
        "Key findings",
        "Recommendations",
        "Areas for improvement",
        "Chief Constable's response to the report and any recommendations",
        "Police and Crime Commissioner's response to the report and any recommendations",
        "Download the response as a PDF",
        "Version history",
    ]
    positions = [text.index(section) for section in sections]
    assert positions == sorted(positions)
    assert "take steps to identify and address gaps in its systems" in text
    assert "I will be closely monitoring progress over the coming months" in text


def test_the_response_page_demotes_the_snapshot_headings_under_its_own_h1(client, norfolk):
    html = client.get(reverse("public:response", args=[norfolk.pk])).content.decode()

    assert len(re.findall(r"<h1\b", html)) == 1
    assert '<h2 class="govuk-heading-l">Norfolk Police and Crime Commissioner response' in html


def test_a_late_response_says_how_many_days_late(client, norfolk_demo):
    late = Response.objects.get(report__title="PEEL 2021/22: an inspection of Norfolk Constabulary")

    text = text_of(client.get(reverse("public:response", args=[late.pk])))

    assert "Published within the 56-day period No, 4 days late" in text


def test_home_lists_the_latest_responses_and_offers_search(client, norfolk):
    page = client.get(reverse("public:home"))
    html = page.content.decode()

    assert page.status_code == 200
    assert '<form method="get" action="/published/" role="search"' in html
    assert 'name="q"' in html
    assert f'href="/published/{norfolk.pk}/"' in html
    assert 'type="application/atom+xml"' in html


def test_unpublished_responses_do_not_exist_publicly(client, norfolk_demo):
    drafts = Response.objects.exclude(pk__in=Response.objects.published())
    assert drafts.exists()

    for draft in drafts:
        assert client.get(reverse("public:response", args=[draft.pk])).status_code == 404
    assert client.get(reverse("public:response", args=[999999])).status_code == 404


def test_small_pages_have_titles_and_descriptions(client, norfolk):
    pages = {
        reverse("public:home"): "Section 55 Tracker",
        reverse("public:response-list"): "Published responses - Section 55 Tracker",
        reverse("public:response", args=[norfolk.pk]): (
            "Norfolk OPCC response to Norfolk Constabulary Crime Data Integrity inspection 2019"
        ),
        reverse("public:statistics"): "Statistics - Section 55 Tracker",
        reverse("public:open-data"): "Open data - Section 55 Tracker",
        reverse("public:accessibility"): "Accessibility statement - Section 55 Tracker",
        reverse("public:api-docs"): "Open data API - Section 55 Tracker",
    }
    for url, title in pages.items():
        html = client.get(url).content.decode()
        assert f"<title>{title}" in html, url
        description = re.search(r'<meta name="description" content="([^"]+)"', html)
        assert description and len(description.group(1)) > 30, url


def test_the_sitemap_lists_published_responses_only(client, norfolk_demo):
    xml = client.get(reverse("public:sitemap")).content.decode()

    for response in Response.objects.all():
        listed = f"/published/{response.pk}/</loc>" in xml
        assert listed == PublishedResponse.objects.filter(response=response).exists()
    assert "<loc>http://testserver/statistics/</loc>" in xml

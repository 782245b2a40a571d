"""The "done when" journey in real Chromium, signed out: from the home page, search "violent crime",
find and read the Norfolk CDI 2019 response, see it was published on time, download the PDF (its
SHA-256 is the one on the page), subscribe to the feed, reach the API docs. axe-core (WCAG 2.0,
2.1 and 2.2 A and AA) finds nothing on any public page template on the way, nor on the others:
statistics, open data, the accessibility statement, a search with no results, a filter error,
the 404 and the 500 page."""

import hashlib
import re

import feedparser
import pytest
from django.template.loader import render_to_string

from .conftest import ensure_reference_data

pytestmark = [
    pytest.mark.browser,
    # The live server reads committed data; the reference data comes back after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: The innermost elements that reach past the right edge of the screen.
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
    .slice(0, 8)
    .map(e => e.tagName + "." + e.className + ": " + (e.textContent || "").trim().slice(0, 60))"""

NORFOLK = "Norfolk OPCC response to Norfolk Constabulary Crime Data Integrity inspection 2019"


@pytest.fixture
def demo(transactional_db):
    from responses.demo import build_demo
    from responses.models import ResponseVersion
    from responses.pdf import version_freeze
    from tests.factories import DEMO_PASSWORD

    ensure_reference_data()
    build_demo(password=DEMO_PASSWORD)  # commits, so the publication hooks run as in production
    # What the Celery worker does after each publication in `make run`: store the frozen PDF.
    for version_id in ResponseVersion.objects.values_list("pk", flat=True):
        version_freeze(version_id=version_id)


def assert_accessible(axe, page, name):
    violations = axe(page)
    assert violations == [], (name, [(v["id"], v["help"], len(v["nodes"])) for v in violations])


def test_a_new_visitor_finds_reads_downloads_subscribes_and_reaches_the_api(
    demo, live_server, page, axe, screenshot_dir
):
    page.goto(live_server.url + "/")
    assert page.title() == "Section 55 Tracker"
    assert_accessible(axe, page, "home")
    page.screenshot(path=str(screenshot_dir / "public-home.png"), full_page=True)

    # Search from the home page.
    page.get_by_label("Search").fill("violent crime")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/published/\?q=violent\+crime"))
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Search results for \u2018violent crime\u2019"
    )
    assert_accessible(axe, page, "search results")
    page.screenshot(path=str(screenshot_dir / "public-search.png"), full_page=True)

    # Read the response.
    page.get_by_role("link", name=NORFOLK).click()
    page.wait_for_url(re.compile(r"/published/\d+/$"))
    assert "Norfolk Constabulary Crime Data Integrity inspection 2019" in page.title()
    row = page.locator(".govuk-summary-list__row", has_text="Published within the 56-day period")
    assert row.locator("dd").inner_text().strip() == "Yes"
    assert page.get_by_role("heading", name="Recommendations", exact=True).is_visible()
    assert_accessible(axe, page, "response")
    page.screenshot(path=str(screenshot_dir / "public-response.png"), full_page=True)

    # Download the PDF: the bytes are a PDF whose SHA-256 is the one printed on the page.
    shown_hash = page.locator(".app-hash code").inner_text().strip()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download the response as a PDF")).click()
    data = open(download_info.value.path(), "rb").read()  # noqa: PTH123, SIM115 - Playwright's temp file
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == shown_hash

    # Subscribe: the office's feed is linked from the page and is Atom with this response.
    feed_link = page.get_by_role(
        "link", name=re.compile(r"Subscribe to the Norfolk .* \(Atom feed\)")
    )
    feed = page.request.get(live_server.url + feed_link.get_attribute("href"))
    assert feed.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(feed.body())
    assert parsed.version == "atom10"
    assert NORFOLK in [entry.title for entry in parsed.entries]

    # On a phone the page fits the screen.
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(screenshot_dir / "public-response-320.png"), full_page=True)
    too_wide = page.evaluate(OVERFLOWING)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, too_wide
    page.set_viewport_size({"width": 1280, "height": 900})

    # Reach the API docs through the footer's open data link.
    page.locator("footer").get_by_role("link", name="Open data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Open data"
    assert_accessible(axe, page, "open data")
    page.get_by_role("link", name="Read the API documentation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Open data API"
    assert page.get_by_text("GET /api/responses/{id}/").first.is_visible()
    assert_accessible(axe, page, "API docs")
    api = page.request.get(live_server.url + "/api/responses/?q=violent+crime")
    assert [r["policing_body"]["slug"] for r in api.json()["results"]] == ["norfolk-pcc"]


def test_every_other_public_page_template_passes_axe(demo, live_server, page, axe, screenshot_dir):
    pages = {
        "statistics": "/statistics/",
        "statistics-filtered": "/statistics/?office=norfolk-pcc&year=2020",
        "accessibility": "/accessibility/",
        "list": "/published/",
        "no-results": "/published/?q=xylophone",
        "filter-error": "/published/?year=1066",
        "not-found": "/published/999999/",
        "late-response": None,
    }
    page.goto(live_server.url + "/published/?q=PEEL")
    pages["late-response"] = page.get_by_role(
        "link", name="Norfolk OPCC response to PEEL 2021/22: an inspection of Norfolk Constabulary"
    ).get_attribute("href")
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == (404 if name == "not-found" else 200), name
        assert_accessible(axe, page, name)
        page.screenshot(path=str(screenshot_dir / f"public-{name}.png"), full_page=True)
        if name == "not-found":
            assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
        if name == "filter-error":
            assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()

    # The 500 page as Django's handler renders it (no request, no context), served in place.
    html = render_to_string("500.html")
    page.route(
        "**/server-error-page",
        lambda route: route.fulfill(status=500, body=html, content_type="text/html"),
    )
    page.goto(live_server.url + "/server-error-page")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Sorry, there is a problem with the service"
    )
    assert_accessible(axe, page, "500")
    page.screenshot(path=str(screenshot_dir / "public-500.png"), full_page=True)

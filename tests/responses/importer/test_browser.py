"""The importer in real Chromium, as a new drafter would use it: paste the reference document,
correct nothing but the date the document does not give, confirm. With JavaScript off, and
every page checked with axe-core."""

from datetime import date

import pytest
from django.conf import settings as django_settings

from responses.models import Response, Status
from tests.conftest import VIEWPORT

from .conftest import NORFOLK, fixture_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser):
    """A page with JavaScript switched off: the importer must work without it."""
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def _sign_in(page, client, live_server, user):
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def _no_violations(check_axe, page):
    violations = check_axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_an_approver_imports_the_reference_document_without_javascript(
    no_js_page, client, live_server, screenshot_dir, approver
):
    page = _sign_in(no_js_page, client, live_server, approver)
    page.goto(f"{live_server.url}/import/")
    page.get_by_label("Paste the text").fill(fixture_text(NORFOLK))
    page.get_by_role("button", name="Read the document").click()
    page.wait_for_url("**/import/*/")
    assert page.locator("h1").inner_text() == "Check the import"
    assert page.locator(".govuk-summary-card[id^=item-]").count() == 22
    page.screenshot(path=str(screenshot_dir / "import-preview.png"), full_page=True)

    # Confirming first says what is missing: the date the response was published.
    page.get_by_role("button", name="Confirm and import").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the date the response was published" in summary.inner_text()

    page.get_by_role("link", name="Change the published response").click()
    date_group = page.get_by_role("group", name="Date the response was published")
    date_group.get_by_label("Day").fill("20")
    date_group.get_by_label("Month").fill("2")
    date_group.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Save and go back").click()
    page.wait_for_url("**/import/*/#response-details")
    assert "20 February 2020" in page.locator("#response-details + p + dl").inner_text()

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url("**/reports/*/")
    response = Response.objects.get()
    assert (response.status, response.published_on, response.imported) == (
        Status.PUBLISHED,
        date(2020, 2, 20),
        True,
    )
    assert response.published_on <= response.due_date  # on time, as in the demo
    assert response.report.findings.count() == 22


def test_the_importer_pages_pass_axe(page, client, live_server, axe, screenshot_dir, drafter):
    page = _sign_in(page, client, live_server, drafter)
    page.goto(f"{live_server.url}/import/")
    _no_violations(axe, page)
    page.get_by_role("button", name="Read the document").click()  # nothing given
    assert page.locator(".govuk-error-summary").is_visible()
    _no_violations(axe, page)

    page.get_by_label("Paste the text").fill(
        "Lorem ipsum dolor sit amet.\n\nConsectetur adipiscing elit.\n\nSed do eiusmod tempor."
    )
    page.get_by_role("button", name="Read the document").click()
    page.wait_for_url("**/import/*/")
    assert page.get_by_text("Nothing in this text was recognised").is_visible()
    page.screenshot(path=str(screenshot_dir / "import-not-placed.png"), full_page=True)
    _no_violations(axe, page)

    page.goto(f"{live_server.url}/import/")
    page.get_by_label("Paste the text").fill(fixture_text(NORFOLK))
    page.get_by_role("button", name="Read the document").click()
    page.wait_for_url("**/import/*/")
    _no_violations(axe, page)
    norfolk = page.url
    # On a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size(VIEWPORT)
    # Every page template of the importer: the form page, the judgements, an item, a split.
    for link in (
        "Change the report details",
        "Change the graded judgements",
        "Change item 14",
        "Split item 2",
    ):
        page.goto(norfolk)
        page.get_by_role("link", name=link, exact=True).click()
        _no_violations(axe, page)

"""The PDF panel of the staff response page in real Chromium: it passes axe-core, its links work
from the keyboard, and the preview and the download are PDFs."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from responses.models import Status
from responses.pdf import version_freeze

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference_data(transactional_db):
    """Committed data for another thread or server means a transactional test, which may start
    from the empty database another transactional test's flush left behind: load the forces and
    policing bodies with the idempotent loader their data migration runs."""
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def signed_in(page, live_server, client):
    def sign_in(user):
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

    return sign_in


def test_the_pdf_panel_on_the_response_page(
    reference_data, signed_in, live_server, axe, flow, drafter, screenshot_dir
):
    flow.drive(Status.PUBLISHED)
    version = version_freeze(version_id=flow.refreshed().versions.get().pk)
    page = signed_in(drafter)

    page.goto(live_server.url + reverse("responses:detail", args=[flow.response.pk]))

    panel = page.locator("section.app-pdf-links")
    assert panel.get_by_role("heading", name="PDF").is_visible()
    assert panel.get_by_text(version.pdf_sha256).is_visible()
    panel.screenshot(path=str(screenshot_dir / "response-pdf-panel.png"))
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]

    # On a phone the panel fits the screen: the long hash wraps instead of overflowing.
    page.set_viewport_size({"width": 320, "height": 800})
    widths = panel.evaluate("e => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right]")
    page.screenshot(path=str(screenshot_dir / "response-pdf-panel-320.png"), full_page=True)
    assert widths[0] <= widths[1] and widths[2] <= 320, widths
    page.set_viewport_size({"width": 1280, "height": 900})

    # Keyboard: focus the preview link and follow it with Enter; the browser receives a PDF.
    preview = panel.get_by_role("link", name="Preview PDF of the response as it is now")
    preview.focus()
    with page.expect_response(lambda r: "/preview.pdf" in r.url) as got:
        page.keyboard.press("Enter")
    assert got.value.status == 200
    assert got.value.headers["content-type"] == "application/pdf"

    download = page.request.get(
        live_server.url + reverse("pdf:version", args=[flow.response.pk, 1])
    )
    assert download.status == 200
    assert download.body() == bytes(version.pdf)

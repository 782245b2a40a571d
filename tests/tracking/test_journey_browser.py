"""The tracker's "done when" journey in real Chromium, on the demo data of `make run`: Norfolk
Constabulary's contributor records progress with an evidence file on a recommendation of the
Norfolk CDI 2019 report and proposes closure; the office's approver approves it; the office
downloads the XLSX of the tracker and a Police and Crime Panel pack. axe-core (WCAG 2.0, 2.1 and
2.2 A and AA) finds nothing on any tracker page on the way, and the pages fit a 320 px screen."""

import io
import re

import pytest

pytestmark = [
    pytest.mark.browser,
    # The live server reads committed data; the reference data comes back after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CDI = "Norfolk Constabulary Crime Data Integrity inspection 2019"
#: The list's link to R1 of that report (its report's title is visually hidden in the link).
R1_LINK = re.compile(rf"^R1\s*, {CDI}$")


@pytest.fixture
def demo(transactional_db):
    """The demo data, built as `make run` builds it: committed, so the publication hooks run
    and the published Norfolk CDI response's recommendations and AFIs are on the tracker."""
    from importlib import import_module

    from django.apps import apps

    from accounts.models import PolicingBody
    from responses.demo import build_demo
    from tests.factories import DEMO_PASSWORD

    if not PolicingBody.objects.exists():
        import_module("accounts.migrations.0002_reference_data").load(apps, None)
    build_demo(password=DEMO_PASSWORD)
    return DEMO_PASSWORD


def _sign_in(browser, live_server, username, password):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/sign-in/?next=/tracker/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/tracker/$"))
    return page


def _check(page, axe, screenshot_dir, name):
    """No axe-core violations; nothing wider than a 320 px screen (a wide table scrolls in its
    own focusable box)."""
    violations = axe(page)
    assert violations == [], (
        name,
        [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations],
    )
    page.screenshot(path=str(screenshot_dir / f"tracker-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(screenshot_dir / f"tracker-{name}-320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 320, f"{name} is {width}px wide on a 320px screen"


def _pdf(tmp_path):
    from tests.tracking.conftest import pdf_bytes

    path = tmp_path / "Crime recording audit.pdf"
    path.write_bytes(pdf_bytes())
    return path


def test_force_records_progress_and_proposes_closure_office_approves_and_downloads(
    demo, live_server, browser, axe, screenshot_dir, tmp_path
):
    from openpyxl import load_workbook

    from tracking.models import EvidenceFile, PanelPack, TrackerItem
    from tracking.rag import Status
    from tracking.selectors import public_progress_for_response

    item = TrackerItem.objects.get(
        policing_body__slug="norfolk-pcc", finding__report__title=CDI, finding__reference="R1"
    )

    # --- Norfolk Constabulary's contributor --------------------------------------------------
    page = _sign_in(browser, live_server, "force", demo)
    assert page.get_by_role("heading", level=1).inner_text() == "Tracker"
    _check(page, axe, screenshot_dir, "list-force")
    page.get_by_role("link", name=R1_LINK).click()
    page.wait_for_url(re.compile(rf"/tracker/{item.pk}/$"))
    _check(page, axe, screenshot_dir, "item-force")

    page.get_by_role("button", name="Add an update").click()
    _check(page, axe, screenshot_dir, "update-form")
    page.get_by_label("What has been done").fill(
        "The force audited 100 violent crime incidents: 96 were recorded correctly."
    )
    page.get_by_label("Change it to in progress").check()
    page.get_by_label("Propose this update for the public response page").check()
    page.locator("input[type=file]").set_input_files(str(_pdf(tmp_path)))
    page.get_by_role("button", name="Add the update").click()
    page.wait_for_url(re.compile(rf"/tracker/{item.pk}/$"))
    assert "Your update has been added." in page.inner_text(".govuk-notification-banner")
    assert page.get_by_role("link", name="Crime recording audit.pdf").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Crime recording audit.pdf").click()
    assert download.value.suggested_filename == "Crime recording audit.pdf"
    assert (
        open(download.value.path(), "rb").read().startswith(b"%PDF-")  # noqa: PTH123, SIM115
    )

    page.get_by_role("button", name="Propose closure").click()
    _check(page, axe, screenshot_dir, "closure-propose")
    page.get_by_label("What has been done to complete the work").fill(
        "The re-audit found every violent crime incident recorded correctly."
    )
    page.get_by_label("Propose this for the public response page").check()
    page.locator("input[type=file]").set_input_files(str(_pdf(tmp_path)))
    page.get_by_role("button", name="Propose closure").click()
    page.wait_for_url(re.compile(rf"/tracker/{item.pk}/$"))
    assert "Waiting for sign-off" in page.inner_text("main")
    item.refresh_from_db()
    assert item.status == Status.PENDING_SIGN_OFF
    assert EvidenceFile.objects.filter(update__item=item).count() == 2
    page.context.close()

    # --- The office's approver -----------------------------------------------------------------
    page = _sign_in(browser, live_server, "approver", demo)
    _check(page, axe, screenshot_dir, "list-office")
    page.get_by_role("link", name=R1_LINK).click()
    _check(page, axe, screenshot_dir, "item-office")
    page.get_by_role("link", name="Approve or refuse closure").click()
    _check(page, axe, screenshot_dir, "closure-decide")
    page.get_by_label("Approve closure: the item becomes complete").check()
    page.get_by_label("Reason (optional)").fill("Audit results seen at the accountability board.")
    page.get_by_label("Show the decision on the public response page").check()
    page.get_by_role("button", name="Save the decision").click()
    page.wait_for_url(re.compile(rf"/tracker/{item.pk}/$"))
    assert "Closure approved: the item is complete." in page.inner_text(
        ".govuk-notification-banner"
    )
    item.refresh_from_db()
    assert item.status == Status.COMPLETE

    # What the public response page is given for this recommendation: the office's decision.
    # The force's texts were proposals the office has not approved (the update still waits;
    # the closure text was not ticked for publication), so they are not public.
    response = item.finding.report.responses.get(policing_body=item.policing_body)
    progress = public_progress_for_response(response)[item.finding_id]
    assert progress["status_label"] == "Complete"
    assert [u["status_label"] for u in progress["public_updates"]] == ["Complete"]

    # The other office pages pass too.
    page.goto(live_server.url + f"/tracker/{item.pk}/details/")
    _check(page, axe, screenshot_dir, "item-edit")
    page.goto(live_server.url + f"/tracker/responses/{response.pk}/")
    _check(page, axe, screenshot_dir, "track-this")
    page.goto(live_server.url + "/tracker/?sort=rag")
    page.locator(f"#select-{item.pk}").check(force=True)
    others = TrackerItem.objects.filter(finding__report=item.finding.report).exclude(pk=item.pk)
    page.locator(f"#select-{others.first().pk}").check(force=True)
    page.get_by_role("button", name="Change selected items").click()
    _check(page, axe, screenshot_dir, "bulk-change")

    # --- Downloads: the tracker as XLSX, and a panel pack ------------------------------------
    page.goto(live_server.url + "/tracker/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active  # noqa: PTH123, SIM115
    rows = list(sheet.iter_rows(values_only=True))
    headings = list(rows[0])
    r1 = next(r for r in rows[1:] if r[headings.index("Reference")] == "R1" and r[3] == CDI)
    assert r1[headings.index("Status")] == "Complete"
    # Linked recommendations are tracked once: an item tracked with another is not a row.
    assert (
        len(rows) - 1
        == TrackerItem.objects.filter(
            policing_body__slug="norfolk-pcc", tracked_with__isnull=True
        ).count()
    )

    page.get_by_role("link", name="Packs for scrutiny").click()
    _check(page, axe, screenshot_dir, "packs")
    page.get_by_role("button", name="Make a pack").click()
    _check(page, axe, screenshot_dir, "pack-form")
    page.get_by_role("button", name="Make the pack").click()
    page.wait_for_url(re.compile(r"/tracker/packs/$"))
    pack = PanelPack.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Progress on HMICFRS recommendations")).click()
    data = open(download.value.path(), "rb").read()  # noqa: PTH123, SIM115
    assert data == bytes(pack.pdf)
    assert data.startswith(b"%PDF-")
    page.context.close()

"""The Word documents in real Chromium: from the staff response page, by keyboard, the draft's
and a published version's .docx download as files Word (here python-docx) opens, with the
response's sections as headings; the page with their links passes axe-core."""

import io

import docx
import pytest
from django.urls import reverse

from responses.models import Status

from .test_pdf_browser import reference_data, signed_in  # noqa: F401 - fixtures
from .test_word import SECTIONS, full_text, headings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download_by_keyboard(page, link):
    """Focus the link, press Enter and return the downloaded file's name and bytes."""
    link.focus()
    with page.expect_download() as got:
        page.keyboard.press("Enter")
    download = got.value
    with open(download.path(), "rb") as file:
        return download.suggested_filename, file.read()


def test_the_word_documents_download_from_the_response_page(
    reference_data,  # noqa: F811
    signed_in,  # noqa: F811
    live_server,
    axe,
    flow,
    drafter,
):
    flow.drive(Status.PUBLISHED)
    page = signed_in(drafter)
    page.goto(live_server.url + reverse("responses:detail", args=[flow.response.pk]))

    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]

    draft_link = page.get_by_role(
        "link", name="Download as a Word document (.docx) of the response as it is now"
    )
    name, content = download_by_keyboard(page, draft_link)
    assert name.endswith(".docx"), name
    document = docx.Document(io.BytesIO(content))
    assert headings(document, 2) == SECTIONS

    version_link = page.get_by_role("link", name="Version 1 as a Word document (.docx)")
    name, content = download_by_keyboard(page, version_link)
    assert name.endswith(".docx"), name
    published = docx.Document(io.BytesIO(content))
    assert headings(published, 2) == SECTIONS
    assert flow.report.title in full_text(published)

    # The server says what the file is, so a browser on a phone offers to open it in Word.
    served = page.request.get(
        live_server.url + reverse("pdf:version-docx", args=[flow.response.pk, 1])
    )
    assert served.status == 200
    assert served.headers["content-type"] == DOCX

"""Who gets which PDF: staff preview the response as it is now (marked DRAFT until published);
anyone downloads a published version's frozen bytes, with a good file name."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from responses.models import Status
from responses.pdf import version_freeze
from responses.services import response_update_text
from tests.factories import force_user, office_user, policing_body

from .test_pdf import pdf_pages_text

pytestmark = pytest.mark.django_db

LONG_COMMENTS = "\n\n".join(
    f"Paragraph {n}: the commissioner will ask the chief constable for evidence of progress on "
    "crime recording at every accountability meeting, and will publish what the force reports."
    for n in range(1, 40)
)


def preview_url(response):
    return reverse("pdf:preview", args=[response.pk])


def test_preview_asks_a_signed_out_person_to_sign_in(client, response):
    got = client.get(preview_url(response))

    assert got.status_code == 302
    assert got["Location"].startswith("/accounts/sign-in/")


def test_an_office_drafter_previews_a_draft_marked_on_every_page(client, flow, drafter):
    flow.response = response_update_text(
        response=flow.response, acting_user=drafter, office_comments=LONG_COMMENTS
    )
    client.force_login(drafter)

    got = client.get(preview_url(flow.response))

    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith('inline; filename="norfolk-pcc-response-')
    assert f'-draft-{timezone.localdate():%Y-%m-%d}.pdf"' in got["Content-Disposition"]
    assert "no-store" in got["Cache-Control"]
    pages = pdf_pages_text(got.content)
    assert len(pages) >= 2
    for page in pages:
        assert "DRAFT - not published" in page
    assert "Paragraph 39: the commissioner" in " ".join(pages)


def test_a_force_contributor_cannot_preview_the_offices_draft(client, flow, norfolk):
    flow.do("invite the force")
    contributor = force_user(norfolk.force)
    client.force_login(contributor)

    assert client.get(preview_url(flow.response)).status_code == 403


def test_a_force_contributor_not_yet_invited_does_not_see_the_response(client, response, norfolk):
    client.force_login(force_user(norfolk.force))

    assert client.get(preview_url(response)).status_code == 404


def test_another_office_cannot_preview_the_response(client, response):
    suffolk = office_user(policing_body("suffolk-pcc"), Membership.Role.OPCC_DRAFTER)
    client.force_login(suffolk)

    assert client.get(preview_url(response)).status_code == 404


def test_anyone_downloads_a_published_version(client, flow):
    flow.drive(Status.PUBLISHED)
    url = reverse("pdf:version", args=[flow.response.pk, 1])

    got = client.get(url)

    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == (
        'attachment; filename="norfolk-pcc-response-norfolk-crime-data-integrity-inspection-'
        '2019-version-1.pdf"'
    )
    assert int(got["Content-Length"]) == len(got.content)
    assert "DRAFT" not in " ".join(pdf_pages_text(got.content))
    # A second request with the ETag costs nothing.
    again = client.get(url, headers={"if-none-match": got["ETag"]})
    assert again.status_code == 304


def test_there_is_nothing_to_download_before_publication(client, flow):
    flow.drive(Status.APPROVED)

    assert client.get(reverse("pdf:version", args=[flow.response.pk, 1])).status_code == 404


def test_a_version_that_does_not_exist_is_not_found(client, flow):
    flow.drive(Status.PUBLISHED)

    assert client.get(reverse("pdf:version", args=[flow.response.pk, 2])).status_code == 404
    assert client.get(reverse("pdf:version", args=[flow.response.pk + 1, 1])).status_code == 404


def test_downloads_only_answer_get_and_head(client, flow):
    flow.drive(Status.PUBLISHED)

    got = client.post(reverse("pdf:version", args=[flow.response.pk, 1]))

    assert got.status_code == 405


def test_the_response_page_offers_the_preview_at_any_stage_and_downloads_once_published(
    client, flow, drafter
):
    client.force_login(drafter)
    detail = reverse("responses:detail", args=[flow.response.pk])
    download = reverse("pdf:version", args=[flow.response.pk, 1])

    before = client.get(detail).content.decode()
    flow.drive(Status.PUBLISHED)
    version = version_freeze(version_id=flow.refreshed().versions.get().pk)
    after = client.get(detail).content.decode()

    assert preview_url(flow.response) in before
    assert download not in before
    assert preview_url(flow.response) in after
    assert download in after
    assert version.pdf_sha256 in after

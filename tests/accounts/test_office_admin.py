"""The office admin's pages: the office's people and its branding, and nobody else's."""

import io
import os

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.forms import contrast_with_white
from accounts.models import Membership
from accounts.services import MembershipError, membership_add

pytestmark = pytest.mark.django_db

USERS = "/accounts/office/users/"
ADD = "/accounts/office/users/add/"
BRANDING = "/accounts/office/branding/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def errors(response) -> list[str]:
    return [li.get_text(strip=True) for li in soup(response).select(".govuk-error-summary li")]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin_client(client, office_admin):
    client.force_login(office_admin)
    return client


@pytest.mark.parametrize("url", [USERS, ADD, BRANDING])
def test_only_office_admins(client, url, drafter, contributor):
    assert client.get(url).status_code == 302
    for user in (drafter, contributor):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_people_list_shows_only_this_office(admin_client, drafter, suffolk_drafter):
    page = soup(admin_client.get(USERS))
    names = [th.get_text(" ", strip=True) for th in page.select("tbody th")]
    assert any("Dana Drafter" in n for n in names)
    assert not any("Sam" in n for n in names)


def test_adding_a_person_is_an_invitation(admin_client):
    """The old "Add a person" page sent its email from the view; a person now joins by an
    invitation (accounts.invitations: a recorded email, sent once). Its address redirects."""
    response = admin_client.get(ADD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/office/invitations/new/"
    posted = admin_client.post(
        ADD, {"full_name": "Pat Policy", "email": "pat@example.org", "role": "opcc_approver"}
    )
    assert posted["Location"] == "/accounts/office/invitations/new/"
    assert not get_user_model().objects.filter(email="pat@example.org").exists()
    assert mail.outbox == []


def test_the_invitation_form_says_what_is_missing(admin_client):
    assert errors(admin_client.post("/accounts/office/invitations/new/", {})) == [
        "Enter the person's full name",
        "Enter the person's email address",
        "Choose the person's role",
    ]


def _add(office_admin, email, role, body=None):
    return membership_add(
        body=body or office_admin.memberships.get().policing_body,
        email=email,
        full_name="x",
        role=role,
        acting_user=office_admin,
    )


def test_someone_from_another_organisation_is_invited_not_added(office_admin, suffolk_drafter):
    with pytest.raises(MembershipError, match="already belongs to another organisation") as error:
        _add(office_admin, suffolk_drafter.email, Membership.Role.OPCC_DRAFTER)
    assert "Invite them instead" in str(error.value)
    assert not suffolk_drafter.memberships.filter(policing_body__slug="norfolk-pcc").exists()


def test_an_existing_colleague_gets_another_role(office_admin, drafter):
    _membership, created = _add(office_admin, drafter.email, Membership.Role.OPCC_APPROVER)
    assert created is False
    assert set(drafter.memberships.values_list("role", flat=True)) == {
        Membership.Role.OPCC_DRAFTER,
        Membership.Role.OPCC_APPROVER,
    }


def test_the_same_role_twice_is_refused(office_admin, drafter):
    with pytest.raises(MembershipError, match="already has the role OPCC drafter here"):
        _add(office_admin, drafter.email, Membership.Role.OPCC_DRAFTER)


def test_deactivate_and_reactivate(admin_client, drafter):
    membership = drafter.memberships.get()
    url = f"/accounts/office/users/{membership.pk}/deactivate/"
    assert "Remove Dana Drafter" in soup(admin_client.get(url)).find("h1").get_text()
    assert admin_client.post(url)["Location"] == USERS
    membership.refresh_from_db()
    assert not membership.is_active
    admin_client.force_login(drafter)
    assert admin_client.get("/responses/").status_code == 403, "no role, no staff pages"
    history = membership.history.first()
    assert history.history_change_reason == "Deactivated by the office admin"


def test_reactivate_by_adding_again(admin_client, office_admin, drafter):
    membership = drafter.memberships.get()
    admin_client.post(f"/accounts/office/users/{membership.pk}/deactivate/")
    _add(office_admin, drafter.email, Membership.Role.OPCC_DRAFTER)
    membership.refresh_from_db()
    assert membership.is_active


def test_an_admin_cannot_remove_their_own_admin_role(admin_client, office_admin):
    membership = office_admin.memberships.get()
    response = admin_client.post(f"/accounts/office/users/{membership.pk}/deactivate/")
    assert response.status_code == 400
    assert "You cannot remove your own admin role" in errors(response)[0]
    membership.refresh_from_db()
    assert membership.is_active


def test_another_offices_membership_is_404(admin_client, suffolk_drafter):
    membership = suffolk_drafter.memberships.get()
    assert (
        admin_client.get(f"/accounts/office/users/{membership.pk}/deactivate/").status_code == 404
    )
    assert (
        admin_client.post(f"/accounts/office/users/{membership.pk}/deactivate/").status_code == 404
    )
    membership.refresh_from_db()
    assert membership.is_active


# --- branding ------------------------------------------------------------------------------------


def image_file(fmt="PNG", size=(120, 60), name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 112, 184)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def branding(client, **overrides):
    data = {
        "holder_name": "Giles Orpen-Smellie",
        "holder_title": "Police and Crime Commissioner",
        "accent_colour": "#1D70B8",
        "logo_alt_text": "Norfolk Police and Crime Commissioner",
        **overrides,
    }
    return client.post(BRANDING, data)


def test_upload_a_logo_and_set_the_colour(admin_client, norfolk):
    response = branding(admin_client, logo=image_file())
    assert response["Location"] == BRANDING
    norfolk.refresh_from_db()
    assert norfolk.logo.name.startswith("logos/norfolk-pcc-logo")
    assert norfolk.logo.name.endswith(".png")
    assert norfolk.accent_colour == "#1d70b8"
    assert norfolk.holder_name == "Giles Orpen-Smellie"
    page = soup(admin_client.get("/accounts/"))
    assert page.select_one(".govuk-generic-header img")["src"] == norfolk.logo.url


def test_the_admin_keeps_the_default_signatory_and_the_words_for_no_force_comments(
    admin_client, norfolk
):
    response = branding(
        admin_client,
        holder_title="Police, Fire and Crime Commissioner",
        no_force_comments_text="The Chief Constable chose not to comment on this report.",
    )

    assert response["Location"] == BRANDING
    norfolk.refresh_from_db()
    assert norfolk.holder_name == "Giles Orpen-Smellie"
    assert norfolk.holder_title == "Police, Fire and Crime Commissioner"
    assert norfolk.no_force_comments_sentence == (
        "The Chief Constable chose not to comment on this report."
    )
    assert norfolk.history.first().history_user is not None


def test_the_holder_title_cannot_be_emptied(admin_client, norfolk):
    response = branding(admin_client, holder_title="")

    assert response.status_code == 200
    assert "Enter the title of the holder of the office" in response.content.decode()
    norfolk.refresh_from_db()
    assert norfolk.holder_title == "Police and Crime Commissioner"


def test_jpeg_is_accepted_and_named_for_its_format(admin_client, norfolk):
    branding(admin_client, logo=image_file("JPEG", name="logo.png"))
    norfolk.refresh_from_db()
    assert norfolk.logo.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            "Upload a valid image",
        ),
        (lambda: image_file("GIF", name="logo.gif"), "The logo must be a PNG or JPEG file"),
        (lambda: image_file(size=(2500, 100)), "at most 2000 by 2000 pixels"),
    ],
)
def test_logo_type_and_size_are_checked(admin_client, norfolk, upload, message):
    upload = upload() if callable(upload) else upload
    response = branding(admin_client, logo=upload)
    assert response.status_code == 200
    assert any(message in e for e in errors(response)), errors(response)
    norfolk.refresh_from_db()
    assert not norfolk.logo


def test_logo_over_1mb_is_refused(admin_client, settings, monkeypatch):
    monkeypatch.setattr("accounts.forms.LOGO_MAX_BYTES", 100)
    response = branding(admin_client, logo=image_file())
    assert any("smaller than 1 MB" in e for e in errors(response))


def test_logo_needs_a_text_alternative(admin_client):
    response = branding(admin_client, logo=image_file(), logo_alt_text="")
    assert errors(response) == ["Enter a text alternative for the logo"]


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("blue", "Enter the accent colour as a # followed by 6 hexadecimal digits, like #1d70b8"),
        ("#12345", "Enter the accent colour as a # followed by 6 hexadecimal digits, like #1d70b8"),
        ("#ffdd00", "The accent colour is too light to read on white"),
    ],
)
def test_accent_colour_is_checked(admin_client, norfolk, colour, message):
    response = branding(admin_client, accent_colour=colour)
    assert any(e.startswith(message) for e in errors(response)), errors(response)
    norfolk.refresh_from_db()
    assert norfolk.accent_colour == "#1d70b8"


def test_contrast_ratio():
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#ffffff"), 1) == 1.0
    assert contrast_with_white("#1d70b8") > 4.5


def test_remove_the_logo(admin_client, norfolk, django_capture_on_commit_callbacks):
    branding(admin_client, logo=image_file())
    norfolk.refresh_from_db()
    stored = norfolk.logo.path
    with django_capture_on_commit_callbacks(execute=True):
        response = branding(admin_client, remove_logo="on")
    assert response.status_code == 302
    norfolk.refresh_from_db()
    assert not norfolk.logo
    assert not os.path.exists(stored), "the old file is deleted once the change is saved"


def test_branding_changes_only_the_admins_office(admin_client, norfolk, suffolk):
    branding(admin_client, accent_colour="#0b0c0c")
    suffolk.refresh_from_db()
    assert suffolk.accent_colour == "#1d70b8"
    assert norfolk.history.first().history_change_reason == "Branding changed by the office admin"


# --- The logo is served in production, from storage, as what it is ---------------------------


@pytest.mark.parametrize(
    ("image_format", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")]
)
def test_the_logo_is_served_with_debug_off_as_the_image_it_is(
    admin_client, client, norfolk, settings, image_format, content_type
):
    settings.DEBUG = False
    branding(admin_client, logo=image_file(image_format, name="logo.png"))
    norfolk.refresh_from_db()

    anyone = client.__class__()
    served = anyone.get(norfolk.logo.url)

    assert served.status_code == 200
    assert served["Content-Type"] == content_type
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "public" in served["Cache-Control"] and "max-age=" in served["Cache-Control"]
    with norfolk.logo.open("rb") as stored:
        assert served.content == stored.read()
    unchanged = anyone.get(norfolk.logo.url, headers={"if-none-match": served["ETag"]})
    assert unchanged.status_code == 304


def test_only_a_current_logo_is_served_from_the_media_folder(client, norfolk, settings, tmp_path):
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "old-logo.png").write_bytes(image_file().read())

    assert client.get("/media/logos/old-logo.png").status_code == 404
    assert client.get("/media/logos/..%2Fevidence%2Fsecret.pdf").status_code == 404
    assert client.get("/media/evidence/secret.pdf").status_code == 404


def test_a_stored_logo_that_is_not_a_png_or_jpeg_is_never_served(client, norfolk, tmp_path):
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "norfolk.png").write_bytes(
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    )
    norfolk.logo.name = "logos/norfolk.png"
    norfolk.save()

    assert client.get("/media/logos/norfolk.png").status_code == 404

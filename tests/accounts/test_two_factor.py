"""Optional TOTP two-factor sign-in (django-otp), enforced for offices that require it."""

import pytest
from bs4 import BeautifulSoup
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

DASHBOARD = "/responses/"


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def unthrottle(device):
    """django-otp makes each attempt after a failure wait (1 s, 2 s, 4 s, ...); a person takes
    longer than that to type the next code, a test does not."""
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()


@pytest.fixture
def requiring(norfolk):
    norfolk.require_two_factor = True
    norfolk.save()
    return norfolk


def test_not_required_and_not_set_up_means_no_code(client, drafter):
    client.force_login(drafter)
    assert client.get(DASHBOARD).status_code == 200


def test_office_requirement_sends_people_to_set_up_first(client, requiring, drafter):
    client.force_login(drafter)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/set-up/?next=%2Fresponses%2F"


def test_public_pages_and_sign_out_are_not_blocked(client, requiring, drafter):
    client.force_login(drafter)
    assert client.get("/accounts/password-reset/").status_code == 200
    assert client.post("/accounts/sign-out/").status_code == 302


def test_opening_the_set_up_page_creates_no_device(client, requiring, drafter):
    client.force_login(drafter)

    page = soup(client.get("/accounts/two-factor/set-up/?next=/responses/"))

    assert not TOTPDevice.objects.filter(user=drafter).exists()
    start = page.select_one("main form[method=post] button[name=action][value=start]")
    assert start is not None, "a button (a POST) starts the set-up"
    assert page.select_one("main form input[name=next]")["value"] == "/responses/"


def test_starting_set_up_makes_one_device_and_shows_its_key(client, requiring, drafter):
    client.force_login(drafter)

    started = client.post(
        "/accounts/two-factor/set-up/", {"action": "start", "next": "/responses/"}
    )
    client.post("/accounts/two-factor/set-up/", {"action": "start", "next": "/responses/"})

    assert started["Location"] == "/accounts/two-factor/set-up/?next=%2Fresponses%2F"
    assert TOTPDevice.objects.filter(user=drafter, confirmed=False).count() == 1
    assert soup(client.get(started["Location"])).select_one(".app-qr-code svg") is not None


def test_set_up_with_the_qr_code_then_continue(client, requiring, drafter):
    client.force_login(drafter)
    client.post("/accounts/two-factor/set-up/", {"action": "start"})
    page = client.get("/accounts/two-factor/set-up/?next=/responses/")
    html = soup(page)
    svg = html.select_one(".app-qr-code svg")
    assert svg is not None and svg["role"] == "img", "the QR code is drawn inline"
    assert html.find("img") is None or not html.find("img").get("src", "").startswith("http")
    device = TOTPDevice.objects.get(user=drafter)
    assert not device.confirmed
    key = html.select_one(".app-secret-key").get_text().replace(" ", "")
    assert len(key) >= 32

    wrong = soup(
        client.post("/accounts/two-factor/set-up/", {"code": "000000", "next": "/responses/"})
    )
    assert "The code is not right" in wrong.select_one(".govuk-error-summary").get_text()
    unthrottle(device)

    response = client.post(
        "/accounts/two-factor/set-up/", {"code": code_for(device), "next": "/responses/"}
    )
    assert response["Location"] == "/responses/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(DASHBOARD).status_code == 200


def test_code_format_is_checked(client, drafter):
    client.force_login(drafter)
    client.post("/accounts/two-factor/set-up/", {"action": "start"})
    page = soup(client.post("/accounts/two-factor/set-up/", {"code": "12ab"}))
    assert "The code must be 6 numbers" in page.select_one(".govuk-error-summary").get_text()


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_a_person_with_a_device_enters_a_code_at_sign_in(client, drafter):
    device = confirmed_device(drafter)
    client.force_login(drafter)
    response = client.get(DASHBOARD)
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fresponses%2F"
    page = soup(client.post("/accounts/two-factor/verify/", {"code": "000000", "next": DASHBOARD}))
    assert "The code is not right" in page.select_one(".govuk-error-summary").get_text()
    unthrottle(device)
    response = client.post(
        "/accounts/two-factor/verify/", {"code": code_for(device), "next": DASHBOARD}
    )
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_a_code_cannot_be_used_twice(client, drafter):
    device = confirmed_device(drafter)
    code = code_for(device)
    client.force_login(drafter)
    client.post("/accounts/two-factor/verify/", {"code": code})
    client.logout()
    client.force_login(drafter)
    response = client.post("/accounts/two-factor/verify/", {"code": code})
    assert response.status_code == 200, "the same code was accepted twice"


def test_admin_pages_need_the_code_too(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "r@example.org", "x")
    confirmed_device(root)
    client.force_login(root)
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/verify/")


def test_office_admin_resets_a_lost_device(client, norfolk, drafter, office_admin):
    confirmed_device(drafter)
    client.force_login(office_admin)
    membership = drafter.memberships.get()
    page = soup(client.get("/accounts/office/users/"))
    row = page.find("th", string=lambda s: s and "Dana Drafter" in s).find_parent("tr")
    assert "On" in row.get_text()
    response = client.post(f"/accounts/office/users/{membership.pk}/reset-two-factor/")
    assert response["Location"] == "/accounts/office/users/"
    assert not TOTPDevice.objects.filter(user=drafter).exists()


def test_reset_two_factor_of_another_office_is_404(client, office_admin, suffolk_drafter):
    confirmed_device(suffolk_drafter)
    client.force_login(office_admin)
    membership = suffolk_drafter.memberships.get()
    assert (
        client.post(f"/accounts/office/users/{membership.pk}/reset-two-factor/").status_code == 404
    )
    assert TOTPDevice.objects.filter(user=suffolk_drafter).exists()


def test_account_page_shows_two_factor_state(client, requiring, drafter):
    client.force_login(drafter)
    device = TOTPDevice.objects.create(user=drafter, name="x", confirmed=False)
    client.post("/accounts/two-factor/set-up/", {"code": code_for(device)})
    page = soup(client.get("/accounts/"))
    assert "On: you enter a code" in page.get_text()

"""Signing in and out, and login throttling (django-axes, docs/decisions/0002-login-throttle.md)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.throttle import client_ip

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_sign_in_page_is_a_govuk_form(client):
    page = soup(client.get(SIGN_IN))
    assert page.find("h1").get_text() == "Sign in"
    username = page.find("input", id="id_username")
    assert "govuk-input" in username["class"]
    assert username["autocomplete"] == "username"
    assert page.find("input", id="id_password")["type"] == "password"
    assert page.find("a", href=reverse("accounts:password-reset"))


def test_staff_sign_in_and_land_on_the_dashboard(client, drafter):
    response = sign_in(client, "dana")
    assert response.status_code == 302
    assert response["Location"] == reverse("responses:dashboard")
    assert client.get(reverse("responses:dashboard")).status_code == 200


def test_sign_in_with_the_email_address(client, drafter):
    response = sign_in(client, drafter.email.upper())
    assert response["Location"] == reverse("responses:dashboard")


def test_sign_in_returns_to_the_page_asked_for(client, drafter):
    response = client.post(
        f"{SIGN_IN}?next=/reports/", {"username": "dana", "password": PASSWORD, "next": "/reports/"}
    )
    assert response["Location"] == "/reports/"


def test_sign_in_never_redirects_off_site(client, drafter):
    response = client.post(
        SIGN_IN, {"username": "dana", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("responses:dashboard")


def test_wrong_password_shows_the_error_summary(client, drafter):
    response = sign_in(client, "dana", "wrong-password")
    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    summary = page.find("div", class_="govuk-error-summary")
    assert "The username or password is not right" in summary.get_text()
    assert "_auth_user_id" not in client.session


def test_empty_form_names_each_field(client):
    page = soup(sign_in(client, "", ""))
    links = [a.get_text() for a in page.select(".govuk-error-summary a")]
    assert links == ["Enter your username or email address", "Enter your password"]


def test_sign_out_is_a_post_button_in_the_navigation(client, drafter):
    client.force_login(drafter)
    page = soup(client.get(reverse("responses:dashboard")))
    form = page.find("form", action=reverse("accounts:sign-out"))
    assert form["method"] == "post"
    assert form.find("button").get_text(strip=True) == "Sign out"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})


def test_public_pages_have_a_sign_in_link(client):
    page = soup(client.get(reverse("accounts:password-reset")))
    assert page.find("a", href=SIGN_IN).get_text(strip=True) == "Sign in"


def test_sign_out(client, drafter):
    client.force_login(drafter)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"), follow=True)
    assert "_auth_user_id" not in client.session
    assert "You have signed out." in response.content.decode()


# --- throttling ---------------------------------------------------------------------------------


def test_five_failures_lock_the_username_for_15_minutes(client, drafter):
    for _ in range(4):
        assert sign_in(client, "dana", "wrong").status_code == 200
    locked = sign_in(client, "dana", "wrong")
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    # Even the right password is refused while locked, from another address too.
    again = sign_in(client, "dana", REMOTE_ADDR="10.0.0.99")
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_15_minutes(client, drafter):
    for _ in range(5):
        sign_in(client, "dana", "wrong")
    assert sign_in(client, "dana").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16)
    )
    assert sign_in(client, "dana").status_code == 302


def test_five_failures_from_one_address_lock_that_address(client, drafter, office_admin):
    for number in range(5):
        sign_in(client, f"nobody{number}", "wrong", REMOTE_ADDR="192.0.2.7")
    assert sign_in(client, "ash", REMOTE_ADDR="192.0.2.7").status_code == 429
    assert sign_in(client, "ash", REMOTE_ADDR="192.0.2.8").status_code == 302


def test_distinct_usernames_known_or_not_from_one_address_lock_that_address(
    client, drafter, approver, office_admin
):
    for username in ("dana", "alex", "nobody1", "dana@example.org"):
        assert sign_in(client, username, "wrong", REMOTE_ADDR="192.0.2.20").status_code == 200
    assert sign_in(client, "nobody2", "wrong", REMOTE_ADDR="192.0.2.20").status_code == 429
    # Every account is refused from that address, even with the right password...
    assert sign_in(client, "ash", REMOTE_ADDR="192.0.2.20").status_code == 429
    assert sign_in(client, "alex", REMOTE_ADDR="192.0.2.20").status_code == 429
    # ...and no username is locked by it: each signs in from elsewhere.
    assert sign_in(client, "alex", REMOTE_ADDR="192.0.2.21").status_code == 302


def test_one_username_from_many_addresses_locks_that_username(client, drafter):
    for number in range(4):
        assert (
            sign_in(client, "dana", "wrong", REMOTE_ADDR=f"203.0.113.{number}").status_code == 200
        )
    assert sign_in(client, "dana", "wrong", REMOTE_ADDR="203.0.113.4").status_code == 429
    # The right password from a sixth address is refused: guessing one person's password from
    # many machines is still guessing it.
    assert sign_in(client, "dana", REMOTE_ADDR="203.0.113.99").status_code == 429


def test_a_client_cannot_dodge_the_address_lock_with_x_forwarded_for(client, drafter):
    for number in range(5):
        sign_in(
            client,
            f"nobody{number}",
            "wrong",
            REMOTE_ADDR="192.0.2.30",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    locked = sign_in(client, "dana", REMOTE_ADDR="192.0.2.30", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert locked.status_code == 429


def test_an_unknown_username_is_locked_like_a_known_one(client, drafter):
    """The lock cannot be used to find out whether an account exists."""
    pages = {}
    for username in ("dana", "nobody-here"):
        for number in range(5):
            sign_in(client, username, "wrong", REMOTE_ADDR=f"203.0.113.{number + 10}")
        locked = sign_in(client, username, "wrong", REMOTE_ADDR="203.0.113.50")
        text = soup(locked).find("main").get_text(" ", strip=True).replace(username, "NAME")
        pages[username] = (locked.status_code, text)
        AccessAttempt.objects.all().delete()
    assert pages["dana"] == pages["nobody-here"]
    assert pages["dana"][0] == 429


def test_a_successful_sign_in_clears_earlier_failures(client, drafter):
    for _ in range(4):
        sign_in(client, "dana", "wrong")
    assert sign_in(client, "dana").status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "dana", "wrong").status_code == 200
    assert sign_in(client, "dana").status_code == 302


def test_the_admin_login_is_throttled_too(client, django_user_model):
    django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429


def test_client_address_without_a_proxy_is_remote_addr():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.5", "a client-sent header is not trusted"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_address_behind_one_proxy_is_the_address_it_saw():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    assert client_ip(request) == "203.0.113.5", "the spoofed left-most entry is ignored"


def test_server_side_authenticate_without_a_request_still_works(drafter):
    from django.contrib.auth import authenticate

    assert authenticate(username="dana", password=PASSWORD) == drafter

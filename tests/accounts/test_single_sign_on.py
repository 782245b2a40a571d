"""Signing in with the organisation's OpenID Connect provider, against a real provider in
another process (tests/accounts/oidc_provider.py): the whole flow, each way a token or a
request can be wrong, key rotation, and what a first sign-in may (not) give a person."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts import oidc
from accounts.models import ExternalIdentity, Membership
from accounts.services import identity_provider_save, membership_add
from core.sealed import unseal

from .conftest import PASSWORD, with_password
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, wire_provider

pytestmark = pytest.mark.django_db

User = get_user_model()
ALICE = {"sub": "subject-alice-1", "email": "alice@norfolk-opcc.example", "name": "Alice Able"}


@pytest.fixture
def provider(oidc_provider, norfolk, office_admin):
    return wire_provider(norfolk, issuer=oidc_provider.issuer, acting_user=office_admin)


def go_to_provider(client, *, email="alice@norfolk-opcc.example", provider=None):
    data = {"sso-email": email} if provider is None else {"sso-provider": provider.pk}
    response = client.post(reverse("accounts:sso-start"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def come_back(client, authorize_url):
    """The browser at the provider (already signed in there), then back at the callback."""
    at_provider = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    callback = urlsplit(at_provider.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}"), at_provider.headers["Location"]


def sign_in(client, oidc_provider, person=ALICE, **kwargs):
    oidc_provider.login_as(**person)
    response, _ = come_back(client, go_to_provider(client, **kwargs))
    return response


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def refused(response, words: str):
    assert response.status_code == 403
    assert words in response.content.decode()


# --- the flow --------------------------------------------------------------------------------


def test_the_authorisation_request_uses_pkce_state_and_nonce(client, provider):
    query = parse_qs(urlsplit(go_to_provider(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email profile"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == ["http://testserver/accounts/sso/callback/"]


def test_first_sign_in_creates_an_account_with_no_role(client, provider, oidc_provider):
    response = sign_in(client, oidc_provider)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:no-access")
    user = signed_in_user(client)
    assert user.email == ALICE["email"]
    assert user.full_name == "Alice Able"
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    assert not user.is_staff and not user.is_superuser
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (oidc_provider.issuer, ALICE["sub"])
    page = client.get(reverse("accounts:no-access"))
    assert "Ask your office" in page.content.decode()
    assert client.get(reverse("responses:dashboard")).status_code == 403


def test_a_role_comes_from_the_office_admin_and_the_next_sign_in_has_it(
    client, provider, oidc_provider, norfolk, office_admin
):
    sign_in(client, oidc_provider)
    membership_add(
        body=norfolk,
        email=ALICE["email"],
        full_name="Alice Able",
        role=Membership.Role.OPCC_DRAFTER,
        acting_user=office_admin,
    )
    client.logout()

    response = sign_in(client, oidc_provider)

    assert response["Location"] == reverse("responses:dashboard")
    assert User.objects.filter(email=ALICE["email"]).count() == 1
    assert client.get(reverse("responses:dashboard")).status_code == 200


def test_the_person_goes_back_to_the_page_they_asked_for(client, provider, oidc_provider):
    sign_in(client, oidc_provider)
    user = signed_in_user(client)
    Membership.objects.create(
        user=user, role=Membership.Role.OPCC_DRAFTER, policing_body=provider.policing_body
    )
    client.logout()
    oidc_provider.login_as(**ALICE)
    start = client.post(
        reverse("accounts:sso-start"), {"sso-email": ALICE["email"], "next": "/responses/"}
    )
    response, _ = come_back(client, start["Location"])
    assert response["Location"] == "/responses/"


def test_the_organisation_can_be_chosen_instead_of_typing_an_address(
    client, provider, oidc_provider
):
    response = sign_in(client, oidc_provider, provider=provider)
    assert signed_in_user(client).email == ALICE["email"]
    assert response["Location"] == reverse("accounts:no-access")


def test_the_sign_in_page_offers_the_organisation_and_keeps_the_password_form(client, provider):
    page = client.get(reverse("accounts:sign-in")).content.decode()
    assert "Sign in with your organisation" in page
    assert "Norfolk OPCC accounts" in page
    assert 'name="password"' in page


def test_the_sign_in_page_is_as_before_when_no_organisation_has_a_provider(client, norfolk):
    page = client.get(reverse("accounts:sign-in")).content.decode()
    assert "Sign in with your organisation" not in page
    assert 'name="password"' in page


def test_an_address_no_organisation_signs_in_with_is_sent_to_the_password_form(client, provider):
    response = client.post(reverse("accounts:sso-start"), {"sso-email": "someone@example.org"})
    assert response.status_code == 400
    assert "Sign in with your username and password" in response.content.decode()


# --- matching by subject ---------------------------------------------------------------------


def test_signing_in_again_finds_the_same_account_by_subject(client, provider, oidc_provider):
    sign_in(client, oidc_provider)
    first = signed_in_user(client)
    client.logout()
    sign_in(client, oidc_provider, {**ALICE, "email": "alice.able@norfolk-opcc.example"})
    assert signed_in_user(client) == first
    assert ExternalIdentity.objects.get(user=first).email == "alice.able@norfolk-opcc.example"


def test_an_address_reused_by_another_person_does_not_bring_the_old_account(
    client, provider, oidc_provider, norfolk
):
    sign_in(client, oidc_provider)
    alice = signed_in_user(client)
    Membership.objects.create(user=alice, role=Membership.Role.OPCC_ADMIN, policing_body=norfolk)
    client.logout()

    newcomer = {"sub": "subject-of-someone-new", "email": ALICE["email"], "name": "New Person"}
    response = sign_in(client, oidc_provider, newcomer)

    someone = signed_in_user(client)
    assert someone != alice
    assert not Membership.objects.filter(user=someone).exists()
    assert response["Location"] == reverse("accounts:no-access")


def test_an_existing_password_account_with_the_same_address_is_not_taken_over(
    client, provider, oidc_provider, drafter
):
    drafter.email = ALICE["email"]
    drafter.save()
    sign_in(client, oidc_provider)
    user = signed_in_user(client)
    assert user != drafter
    assert not ExternalIdentity.objects.filter(user=drafter).exists()
    assert not Membership.objects.filter(user=user).exists()


def test_a_closed_account_cannot_sign_in_through_the_provider(client, provider, oidc_provider):
    sign_in(client, oidc_provider)
    user = signed_in_user(client)
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)
    refused(sign_in(client, oidc_provider), "This account has been closed")
    assert signed_in_user(client) is None


# --- what is refused -------------------------------------------------------------------------


def test_an_address_outside_the_organisations_domains_is_refused(client, provider, oidc_provider):
    outsider = {"sub": "subject-outsider", "email": "pat@elsewhere.example"}
    refused(sign_in(client, oidc_provider, outsider, provider=provider), "not one of")
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="pat@elsewhere.example").exists()


@pytest.mark.parametrize(
    "misbehaviour",
    [
        pytest.param({"aud": "some-other-application"}, id="wrong-audience"),
        pytest.param({"expired": True}, id="expired"),
        pytest.param({"foreign_key": True}, id="bad-signature"),
        pytest.param({"nonce": "a-nonce-from-another-request"}, id="nonce-mismatch"),
        pytest.param({"iss": "http://127.0.0.1:1/another-issuer"}, id="wrong-issuer"),
        pytest.param({"hs256": True}, id="signed-with-the-client-secret"),
    ],
)
def test_an_id_token_that_fails_a_check_is_refused(client, provider, oidc_provider, misbehaviour):
    oidc_provider.control("misbehave", misbehaviour)
    refused(sign_in(client, oidc_provider), "could not be checked")
    assert signed_in_user(client) is None
    assert not ExternalIdentity.objects.exists()


def test_the_same_answer_from_the_provider_is_refused_the_second_time(
    client, provider, oidc_provider
):
    oidc_provider.login_as(**ALICE)
    _, callback = come_back(client, go_to_provider(client))
    client.logout()
    parts = urlsplit(callback)
    replay = client.get(f"{parts.path}?{parts.query}")
    assert replay.status_code == 400
    assert "already been used" in replay.content.decode()
    assert signed_in_user(client) is None


def test_an_answer_for_a_sign_in_started_in_another_browser_is_refused(
    client, provider, oidc_provider
):
    oidc_provider.login_as(**ALICE)
    at_provider = requests.get(go_to_provider(client), allow_redirects=False, timeout=5)
    callback = urlsplit(at_provider.headers["Location"])

    other_browser = Client()
    response = other_browser.get(f"{callback.path}?{callback.query}")

    assert response.status_code == 400
    assert signed_in_user(other_browser) is None


def test_a_code_with_a_changed_state_is_refused(client, provider, oidc_provider):
    oidc_provider.login_as(**ALICE)
    at_provider = requests.get(go_to_provider(client), allow_redirects=False, timeout=5)
    query = parse_qs(urlsplit(at_provider.headers["Location"]).query)
    response = client.get(
        reverse("accounts:sso-callback"), {"code": query["code"][0], "state": "made-up"}
    )
    assert response.status_code == 400
    assert signed_in_user(client) is None


def test_a_refusal_at_the_provider_signs_nobody_in(client, provider, oidc_provider):
    query = parse_qs(urlsplit(go_to_provider(client)).query)
    response = client.get(
        reverse("accounts:sso-callback"), {"error": "access_denied", "state": query["state"][0]}
    )
    assert response.status_code == 400
    assert "access_denied" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_wrong_client_secret_is_refused_by_the_provider(client, provider, oidc_provider):
    identity_provider_save(
        provider=provider, acting_user=None, client_secret="not-the-secret", reason="Test"
    )
    refused(sign_in(client, oidc_provider), "did not confirm your sign-in")


# --- keys ------------------------------------------------------------------------------------


def test_a_rotated_signing_key_is_fetched_once_and_accepted(client, provider, oidc_provider):
    sign_in(client, oidc_provider)
    assert oidc_provider.stats()["jwks"] == 1
    client.logout()
    sign_in(client, oidc_provider)
    assert oidc_provider.stats()["jwks"] == 1, "the keys are cached between sign-ins"
    client.logout()

    oidc_provider.control("rotate-key")
    response = sign_in(client, oidc_provider)

    assert response.status_code == 302
    assert signed_in_user(client).email == ALICE["email"]
    assert oidc_provider.stats()["jwks"] == 2


def test_a_token_signed_by_an_unknown_key_is_refused_after_fetching_the_keys_again(
    client, provider, oidc_provider
):
    sign_in(client, oidc_provider)
    client.logout()
    # The provider signs with a key it does not publish, under a key id nobody knows.
    oidc_provider.control("rotate-key")
    oidc_provider.control("misbehave", {"foreign_key": True})
    refused(sign_in(client, oidc_provider), "could not be checked")
    assert oidc_provider.stats()["jwks"] == 2


# --- passwords, two-factor, signing out -------------------------------------------------------


def test_passwords_still_work_while_the_organisation_allows_them(client, provider, drafter):
    response = client.post(
        reverse("accounts:sign-in"), {"username": drafter.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_user(client) == drafter


def test_an_organisation_that_stops_passwords_refuses_its_people_s_passwords(
    client, provider, drafter, suffolk_drafter
):
    provider.passwords_allowed = False
    identity_provider_save(provider=provider, acting_user=None, reason="Test")

    response = client.post(
        reverse("accounts:sign-in"), {"username": drafter.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Sign in with Norfolk OPCC accounts" in response.content.decode()
    assert signed_in_user(client) is None
    # Another office, with no provider, signs in with its password as before.
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": with_password(suffolk_drafter).username, "password": PASSWORD},
    )
    assert signed_in_user(client) == suffolk_drafter


def test_the_office_s_two_factor_code_is_not_asked_after_the_provider_s_sign_in(
    client, provider, oidc_provider, norfolk
):
    norfolk.require_two_factor = True
    norfolk.save()
    sign_in(client, oidc_provider)
    Membership.objects.create(
        user=signed_in_user(client), role=Membership.Role.OPCC_DRAFTER, policing_body=norfolk
    )
    assert client.get(reverse("responses:dashboard")).status_code == 200


def test_signing_out_offers_the_provider_s_sign_out(client, provider, oidc_provider):
    oidc_provider.register_client(base_url="http://testserver")
    sign_in(client, oidc_provider)

    response = client.post(reverse("accounts:sign-out"))

    assert response["Location"] == reverse("accounts:signed-out")
    assert signed_in_user(client) is None
    page = client.get(reverse("accounts:signed-out")).content.decode()
    assert "Sign out of Norfolk OPCC accounts" in page
    end_session = next(
        part.split('"')[1] for part in page.split("href=")[1:] if oidc_provider.issuer in part
    )
    back = requests.get(end_session.replace("&amp;", "&"), allow_redirects=False, timeout=5)
    assert back.status_code == 302
    assert back.headers["Location"] == "http://testserver/"


def test_signing_out_after_a_password_sign_in_is_as_before(client, provider, drafter):
    client.force_login(drafter)
    response = client.post(reverse("accounts:sign-out"))
    assert response["Location"] == "/"


# --- the client secret -----------------------------------------------------------------------


def test_the_stored_client_secret_is_encrypted(provider):
    provider.refresh_from_db()
    assert CLIENT_SECRET not in provider.client_secret_sealed
    assert unseal(provider.client_secret_sealed) == CLIENT_SECRET
    assert oidc.client_secret(provider) == CLIENT_SECRET


def test_the_client_secret_can_come_from_the_environment(
    client, provider, oidc_provider, monkeypatch
):
    monkeypatch.setenv("S55_TEST_NORFOLK_OIDC_SECRET", CLIENT_SECRET)
    provider.client_secret_env = "S55_TEST_NORFOLK_OIDC_SECRET"
    identity_provider_save(provider=provider, acting_user=None, client_secret="", reason="Test")
    sign_in(client, oidc_provider)
    assert signed_in_user(client).email == ALICE["email"]


def test_the_admin_never_shows_the_client_secret(client, provider):
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(admin)
    url = reverse("admin:accounts_identityprovider_change", args=[provider.pk])
    page = client.get(url).content.decode()
    assert CLIENT_SECRET not in page
    assert provider.client_secret_sealed not in page
    assert 'type="password"' in page


def test_only_superusers_see_the_providers_in_the_admin(client, provider, office_admin):
    office_admin.is_staff = True
    office_admin.save()
    client.force_login(office_admin)
    url = reverse("admin:accounts_identityprovider_change", args=[provider.pk])
    assert client.get(url).status_code in (302, 403)

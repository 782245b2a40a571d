"""Sessions: the organisation's idle timeout, signing out everywhere, and the office admin seeing
when each member last signed in."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.middleware import LAST_ACTIVITY_KEY, idle_timeout_minutes
from accounts.models import Membership
from tests.factories import MembershipFactory

from .test_sessions import sessions_of, signed_in, signed_out

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/"


def idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time() - minutes * 60)
    session.save()


def test_a_person_idle_longer_than_their_office_allows_is_signed_out(client, drafter, norfolk):
    norfolk.idle_timeout_minutes = 15
    norfolk.save()
    client.force_login(drafter)
    client.get(ACCOUNT)
    idle_for(client, 16)
    result = client.get(ACCOUNT)
    assert result.status_code == 302
    assert result["Location"].startswith(reverse("accounts:sign-in"))
    assert sessions_of(drafter) == 0
    following = client.get(result["Location"])
    assert "done nothing for 15 minutes" in following.content.decode()


def test_a_person_active_within_the_timeout_stays_signed_in(client, drafter, norfolk):
    norfolk.idle_timeout_minutes = 15
    norfolk.save()
    client.force_login(drafter)
    client.get(ACCOUNT)
    idle_for(client, 14)
    assert client.get(ACCOUNT).status_code == 200


def test_the_shortest_timeout_of_a_persons_organisations_applies(drafter, suffolk, norfolk):
    norfolk.idle_timeout_minutes = 30
    norfolk.save()
    suffolk.idle_timeout_minutes = 10
    suffolk.save()
    MembershipFactory(user=drafter, role=Membership.Role.OPCC_DRAFTER, policing_body=suffolk)
    assert idle_timeout_minutes(type(drafter).objects.get(pk=drafter.pk)) == 10


def test_the_force_has_its_own_timeout(contributor, norfolk):
    force = norfolk.force
    force.idle_timeout_minutes = 20
    force.save()
    assert idle_timeout_minutes(type(contributor).objects.get(pk=contributor.pk)) == 20


def test_an_idle_person_on_the_public_site_just_carries_on_signed_out(client, drafter):
    client.force_login(drafter)
    client.get(ACCOUNT)
    idle_for(client, 24 * 60)
    assert client.get("/").status_code == 200
    assert sessions_of(drafter) == 0


def test_sign_out_everywhere_ends_every_session_of_the_person_only(client, drafter, office_admin):
    elsewhere = signed_in(drafter)
    other_person = signed_in(office_admin)
    client.force_login(drafter)
    result = client.post(reverse("accounts:sign-out-everywhere"))
    assert result.status_code == 302
    assert sessions_of(drafter) == 0
    assert signed_out(elsewhere)
    assert signed_out(client)
    assert not signed_out(other_person)


def test_the_account_page_offers_sign_out_everywhere(client, drafter):
    client.force_login(drafter)
    assert b"Sign out everywhere" in client.get(ACCOUNT).content


def test_the_office_admin_sees_each_members_last_sign_in(client, drafter, approver, office_admin):
    with_password_client = Client()
    from .conftest import PASSWORD

    assert with_password_client.login(username=drafter.username, password=PASSWORD)
    drafter.refresh_from_db()
    client.force_login(office_admin)
    page = client.get(reverse("accounts:office-users")).content.decode()
    assert "Last signed in" in page
    assert f"{drafter.last_login:%-d %B %Y}" in page
    approver.refresh_from_db()
    assert approver.last_login is None
    assert "Never" in page

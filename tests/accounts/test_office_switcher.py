"""A person in several offices acts for one at a time, chosen in the header; the choice is
remembered across sign-outs but only ever picks among the offices they belong to now."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.middleware import OFFICE_COOKIE
from accounts.models import Membership
from accounts.permissions import act_for_office, has_office_role, user_office
from tests.factories import MembershipFactory, make_response, office_user

pytestmark = pytest.mark.django_db

DASHBOARD = "/responses/"


@pytest.fixture
def both(norfolk, suffolk):
    """An analyst shared by Norfolk's and Suffolk's offices: drafter in each."""
    person = office_user(norfolk, Membership.Role.OPCC_DRAFTER, full_name="Sam Shared")
    MembershipFactory(user=person, role=Membership.Role.OPCC_DRAFTER, policing_body=suffolk)
    return person


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def switch(client: Client, office) -> object:
    return client.post(reverse("accounts:office-switch"), {"office": office.pk})


def test_a_person_in_two_offices_acts_for_the_first_until_they_choose(client, both, norfolk):
    client.force_login(both)
    page = client.get(reverse("accounts:account"))
    assert page.wsgi_request.office == norfolk
    assert b"Acting for" in page.content, "the header offers the switcher"


def test_a_person_in_one_office_sees_no_switcher(client, drafter):
    client.force_login(drafter)
    assert b"Acting for" not in client.get(reverse("accounts:account")).content


def test_switching_changes_the_office_of_every_page_and_permission(client, both, suffolk):
    client.force_login(both)
    result = switch(client, suffolk)
    assert result.status_code == 302 and result["Location"] == reverse("responses:dashboard")
    page = client.get(reverse("accounts:account"))
    assert page.wsgi_request.office == suffolk
    user = page.wsgi_request.user
    assert has_office_role(user, suffolk)
    assert not has_office_role(
        user,
        page.wsgi_request.user.memberships.get(policing_body__slug="norfolk-pcc").policing_body,
    )


def test_acting_for_one_office_hides_the_other_offices_response(both, norfolk, suffolk):
    norfolk_response = make_response(body=norfolk, acting_user=both)
    suffolk_response = make_response(body=suffolk, acting_user=both)
    client = signed_in(both)
    switch(client, suffolk)
    assert client.get(reverse("responses:detail", args=[norfolk_response.pk])).status_code == 404
    assert client.get(reverse("responses:detail", args=[suffolk_response.pk])).status_code == 200
    switch(client, norfolk)
    assert client.get(reverse("responses:detail", args=[norfolk_response.pk])).status_code == 200
    assert client.get(reverse("responses:detail", args=[suffolk_response.pk])).status_code == 404


def test_an_office_the_person_is_not_in_cannot_be_chosen(client, drafter, suffolk, norfolk):
    client.force_login(drafter)
    assert switch(client, suffolk).status_code == 400
    assert client.get(reverse("accounts:account")).wsgi_request.office == norfolk


def test_the_choice_survives_signing_out(both, suffolk):
    client = signed_in(both)
    switch(client, suffolk)
    client.post(reverse("accounts:sign-out"))
    assert OFFICE_COOKIE in client.cookies
    client.force_login(both)
    assert client.get(reverse("accounts:account")).wsgi_request.office == suffolk


def test_a_remembered_office_the_person_has_left_widens_nothing(both, norfolk, suffolk):
    client = signed_in(both)
    switch(client, suffolk)
    client.post(reverse("accounts:sign-out"))
    services.membership_deactivate(
        membership=both.memberships.get(policing_body=suffolk), acting_user=both
    )
    client.force_login(both)
    request = client.get(reverse("accounts:account")).wsgi_request
    assert request.office == norfolk
    assert not has_office_role(request.user, suffolk)


def test_a_remembered_office_of_someone_else_is_ignored(drafter, both, norfolk, suffolk):
    """The cookie is per browser: another person signing in there is not put in its office."""
    client = signed_in(both)
    switch(client, suffolk)
    client.post(reverse("accounts:sign-out"))
    client.force_login(drafter)
    request = client.get(reverse("accounts:account")).wsgi_request
    assert request.office == norfolk
    assert not has_office_role(request.user, suffolk)


def test_a_forged_cookie_is_ignored(both, norfolk):
    client = signed_in(both)
    client.cookies[OFFICE_COOKIE] = "999"
    assert client.get(reverse("accounts:account")).wsgi_request.office == norfolk


def test_outside_a_request_nobody_has_chosen_and_the_first_office_is_named(both, norfolk):
    assert user_office(both) == norfolk
    assert act_for_office(both, None) == norfolk

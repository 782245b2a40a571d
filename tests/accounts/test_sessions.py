"""Sessions end when the password changes and when an account or a role is taken away.

Each test signs the person in on a second device (`elsewhere`) first, then checks that the
device's next request is sent to sign in.
"""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Membership
from tests.test_admin import change_form_data

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "correct horse battery staple"
ACCOUNT = "/accounts/"


def signed_in(user) -> Client:
    device = Client()
    device.force_login(user)
    assert device.get(ACCOUNT).status_code == 200
    return device


def signed_out(device: Client) -> bool:
    response = device.get(ACCOUNT)
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:sign-in")
    )


def sessions_of(user) -> int:
    return sum(
        str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
        for session in Session.objects.all()
    )


def test_changing_the_password_ends_the_persons_other_sessions(client, drafter):
    elsewhere = signed_in(drafter)
    client.force_login(drafter)
    client.post(
        "/accounts/password-change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert signed_out(elsewhere)
    assert not signed_out(client), "the session that changed it goes on"


def test_a_password_reset_by_email_ends_every_session(client, drafter, request_reset):
    elsewhere = signed_in(drafter)
    request_reset(drafter.email)
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert signed_out(elsewhere)


def test_a_new_password_set_in_the_admin_ends_the_persons_sessions(admin_client, drafter):
    elsewhere = signed_in(drafter)
    admin_client.post(
        reverse("admin:auth_user_password_change", args=[drafter.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    drafter.refresh_from_db()
    assert drafter.check_password(NEW_PASSWORD)
    assert signed_out(elsewhere)


def test_closing_an_account_deletes_its_sessions_so_reopening_it_brings_none_back(
    drafter, office_admin
):
    elsewhere = signed_in(drafter)
    other_person = signed_in(office_admin)
    services.user_deactivate(user=drafter, acting_user=office_admin)
    assert sessions_of(drafter) == 0
    assert signed_out(elsewhere)
    drafter.is_active = True
    drafter.save()
    assert signed_out(elsewhere), "an old session must not come back with the account"
    assert not signed_out(other_person)


def test_an_account_closed_without_the_service_is_refused_on_the_next_request(drafter):
    elsewhere = signed_in(drafter)
    type(drafter).objects.filter(pk=drafter.pk).update(is_active=False)
    assert signed_out(elsewhere)


def user_change_form_data(page) -> dict:
    posted = change_form_data(page)
    # The admin shows when the account was made as a date and a time, in two fields.
    day, time = posted.pop("date_joined").split("T")
    posted |= {"date_joined_0": day, "date_joined_1": time[:8]}
    return posted


def test_closing_an_account_in_the_admin_ends_its_sessions(admin_client, drafter):
    elsewhere = signed_in(drafter)
    url = reverse("admin:accounts_user_change", args=[drafter.pk])
    posted = user_change_form_data(admin_client.get(url))
    posted.pop("is_active")  # an unticked box is not posted
    result = admin_client.post(url, posted)
    assert result.status_code == 302, result.context["adminform"].form.errors
    drafter.refresh_from_db()
    assert not drafter.is_active
    assert drafter.full_name == "Dana Drafter", "the other fields saved as usual"
    assert sessions_of(drafter) == 0
    assert signed_out(elsewhere)


def test_removing_a_role_on_the_office_page_signs_the_person_out(client, drafter, office_admin):
    elsewhere = signed_in(drafter)
    membership = drafter.memberships.get()
    client.force_login(office_admin)
    client.post(reverse("accounts:office-user-deactivate", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active
    assert signed_out(elsewhere)


def test_removing_a_role_in_the_admin_goes_through_the_service(admin_client, drafter):
    elsewhere = signed_in(drafter)
    membership = drafter.memberships.get()
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    posted = change_form_data(admin_client.get(url))
    posted.pop("is_active")
    assert admin_client.post(url, posted).status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    latest = membership.history.first()
    assert not latest.is_active
    assert latest.history_change_reason == "Edited in the admin: Is active"
    assert signed_out(elsewhere)


def test_removing_a_role_in_the_admin_signs_them_out(admin_client, admin_user, drafter):
    # Roles are changed on the membership's own admin page (through `membership_save`); the
    # person's page shows them read-only.
    elsewhere = signed_in(drafter)
    membership = drafter.memberships.get()
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    posted = change_form_data(admin_client.get(url))
    posted.pop("is_active")  # an unticked box is not posted
    result = admin_client.post(url, posted)
    assert result.status_code == 302, result.context["adminform"].form.errors
    membership.refresh_from_db()
    assert not membership.is_active
    assert membership.history.first().history_user == admin_user
    assert signed_out(elsewhere)


def test_a_role_changed_in_the_admin_signs_the_person_out(admin_client, drafter):
    elsewhere = signed_in(drafter)
    membership = drafter.memberships.get()
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    posted = change_form_data(admin_client.get(url)) | {"role": Membership.Role.OPCC_APPROVER}
    result = admin_client.post(url, posted)
    assert result.status_code == 302, result.context["adminform"].form.errors
    membership.refresh_from_db()
    assert membership.role == Membership.Role.OPCC_APPROVER and membership.is_active
    assert membership.history.first().history_change_reason == "Edited in the admin: Role"
    assert signed_out(elsewhere), "no session keeps the rights of the old role"


def test_the_persons_admin_page_shows_their_roles_and_saves_none(admin_client, drafter):
    url = reverse("admin:accounts_user_change", args=[drafter.pk])
    page = admin_client.get(url)
    posted = user_change_form_data(page)
    editable = {"role", "policing_body", "force", "is_active"}
    assert not [k for k in posted if k.startswith("memberships-0-") and k[14:] in editable]
    assert "OPCC drafter" in page.content.decode()  # the role is shown
    assert admin_client.post(url, posted).status_code == 302
    assert drafter.memberships.get().is_active


def test_a_role_removed_signs_out_only_that_person(drafter, approver, office_admin):
    colleague = signed_in(approver)
    services.membership_deactivate(membership=drafter.memberships.get(), acting_user=office_admin)
    assert not signed_out(colleague)
    assert Membership.objects.filter(user=approver, is_active=True).exists()

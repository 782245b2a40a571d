"""Roles and scoping: who sees which response, and the view decorators."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from accounts.middleware import CurrentOrganisationMiddleware
from accounts.models import Membership
from accounts.permissions import (
    can_see_office_drafts,
    force_required,
    member_required,
    office_required,
    office_roles,
    user_office,
)
from responses.permissions import can_edit_force_comments, get_response_for
from responses.services import response_invite_force, response_record_force_comments
from tests.factories import MembershipFactory, make_response, office_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(norfolk, drafter):
    return make_response(body=norfolk, acting_user=drafter)


def invite(response, drafter):
    return response_invite_force(
        response=response,
        invited_on=date(2020, 1, 8),
        reply_by=date(2020, 2, 4),
        acting_user=drafter,
    )


def test_office_roles_by_body(norfolk, suffolk, drafter):
    MembershipFactory(user=drafter, role=Membership.Role.OPCC_APPROVER, policing_body=norfolk)
    assert office_roles(drafter) == {
        norfolk.pk: {Membership.Role.OPCC_DRAFTER, Membership.Role.OPCC_APPROVER}
    }


def test_inactive_memberships_and_users_give_no_roles(norfolk, drafter):
    Membership.objects.filter(user=drafter).update(is_active=False)
    assert office_roles(type(drafter).objects.get(pk=drafter.pk)) == {}
    user = office_user(norfolk)
    user.is_active = False
    assert office_roles(user) == {}
    assert office_roles(AnonymousUser()) == {}


def test_force_contributor_has_no_office(contributor):
    assert office_roles(contributor) == {}
    assert user_office(contributor) is None


def test_office_staff_get_their_offices_response(response, drafter, office_admin):
    assert get_response_for(drafter, response.pk) == response
    assert get_response_for(office_admin, response.pk, for_write=True) == response


def test_another_office_gets_404(response, suffolk_drafter):
    with pytest.raises(Http404):
        get_response_for(suffolk_drafter, response.pk)


def test_anonymous_gets_404(response):
    with pytest.raises(Http404):
        get_response_for(AnonymousUser(), response.pk)


def test_force_sees_a_response_only_once_invited(response, drafter, contributor):
    with pytest.raises(Http404):
        get_response_for(contributor, response.pk)
    invite(response, drafter)
    assert get_response_for(contributor, response.pk) == response


def test_another_forces_contributor_gets_404(response, drafter):
    from tests.factories import force, force_user

    invite(response, drafter)
    with pytest.raises(Http404):
        get_response_for(force_user(force("suffolk")), response.pk)


def test_force_cannot_write_as_the_office(response, drafter, contributor):
    invite(response, drafter)
    with pytest.raises(PermissionDenied):
        get_response_for(contributor, response.pk, for_write=True)


def test_only_the_office_sees_its_drafts(response, drafter, contributor, suffolk_drafter):
    invite(response, drafter)
    assert can_see_office_drafts(drafter, response)
    assert not can_see_office_drafts(contributor, response)
    assert not can_see_office_drafts(suffolk_drafter, response)


def test_force_edits_its_comments_until_submitted(response, drafter, contributor):
    assert not can_edit_force_comments(contributor, response), "not invited yet"
    response = invite(response, drafter)
    assert can_edit_force_comments(contributor, response)
    assert not can_edit_force_comments(drafter, response), "the office records them instead"
    response = response_record_force_comments(
        response=response, acting_user=contributor, text="Accepted.", received_on=date(2020, 2, 1)
    )
    assert not can_edit_force_comments(contributor, response), "submitting locks them"


def _view(request, *args, **kwargs):
    return HttpResponse("ok")


def call(view, user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return view(request)


def test_office_required(drafter, office_admin, contributor):
    any_office = office_required()(_view)
    assert call(any_office, drafter).status_code == 200
    with pytest.raises(PermissionDenied):
        call(any_office, contributor)
    admin_only = office_required(Membership.Role.OPCC_ADMIN)(_view)
    assert call(admin_only, office_admin).status_code == 200
    with pytest.raises(PermissionDenied):
        call(admin_only, drafter)


def test_anonymous_is_sent_to_sign_in():
    response = call(office_required()(_view), AnonymousUser())
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/somewhere/"


def test_office_required_needs_parentheses():
    with pytest.raises(TypeError):
        office_required(_view)


def test_force_and_member_required(drafter, contributor, django_user_model):
    assert call(force_required(_view), contributor).status_code == 200
    with pytest.raises(PermissionDenied):
        call(force_required(_view), drafter)
    assert call(member_required(_view), drafter).status_code == 200
    assert call(member_required(_view), contributor).status_code == 200
    nobody = django_user_model.objects.create_user("nobody")
    with pytest.raises(PermissionDenied):
        call(member_required(_view), nobody)


def test_middleware_sets_office_and_force(norfolk, drafter, contributor):
    seen = {}

    def inner(request):
        seen["office"], seen["force"] = request.office, request.force
        return HttpResponse()

    middleware = CurrentOrganisationMiddleware(inner)
    for user, office, force in [
        (drafter, norfolk, None),
        (contributor, None, norfolk.force),
        (AnonymousUser(), None, None),
    ]:
        request = RequestFactory().get("/")
        request.user = user
        request.session = SessionStore()  # the office chosen and the idle timeout live there
        middleware(request)
        assert (seen["office"], seen["force"]) == (office, force)


def test_header_names_the_office_or_the_force(client, drafter, contributor):
    from bs4 import BeautifulSoup

    client.force_login(drafter)
    page = BeautifulSoup(client.get("/accounts/").content, "html.parser")
    assert page.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == (
        drafter.memberships.get().policing_body.short_name
    )
    client.force_login(contributor)
    page = BeautifulSoup(client.get("/accounts/").content, "html.parser")
    assert page.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == (
        "Norfolk Constabulary"
    )


def test_a_refusal_is_a_govuk_page_that_says_why(client, contributor):
    from bs4 import BeautifulSoup

    client.force_login(contributor)
    response = client.get("/reports/")
    assert response.status_code == 403
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("h1").get_text() == "You cannot open this page"
    assert page.find("a", href="/accounts/")

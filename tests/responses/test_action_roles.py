"""Who may take each workflow action, generated from `responses.workflow.ACTION_ROLES`.

For every transition of the table and every kind of person, the service is called with that
person as the acting user: it succeeds exactly when the person holds, in the response's own
office, a role the table allows for the action, and otherwise is refused with
`ActionNotAllowed` and changes nothing. The staff pages for the sign-off actions give the same
answer (403) from the same table.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from responses.models import Status
from responses.workflow import (
    ACTION_ROLES,
    OFFICE_STAFF,
    TRANSITIONS,
    ActionNotAllowed,
    actions_allowed,
)
from tests.factories import UserFactory, force_user, office_user, policing_body

pytestmark = pytest.mark.django_db

Role = Membership.Role


def _member(role):
    return lambda norfolk: office_user(norfolk, role)


def _of_another_office(norfolk):
    return office_user(policing_body("suffolk-pcc"), Role.OPCC_ADMIN)


def _former_admin(norfolk):
    user = office_user(norfolk, Role.OPCC_ADMIN)
    user.memberships.update(is_active=False)
    return user


def _superuser(norfolk):
    return UserFactory(is_superuser=True, is_staff=True)


#: person -> (how to make them, the role they hold in the response's office, if any).
PEOPLE = {
    "drafter": (_member(Role.OPCC_DRAFTER), Role.OPCC_DRAFTER),
    "approver": (_member(Role.OPCC_APPROVER), Role.OPCC_APPROVER),
    "admin": (_member(Role.OPCC_ADMIN), Role.OPCC_ADMIN),
    "force-contributor": (lambda norfolk: force_user(norfolk.force), None),
    "admin-of-another-office": (_of_another_office, None),
    "former-admin": (_former_admin, None),
    "no-role": (lambda norfolk: UserFactory(), None),
    "superuser-without-membership": (_superuser, "superuser"),
}


def _allowed(action: str, role: str | None) -> bool:
    roles = ACTION_ROLES[action]
    if role == "superuser":
        # The admin site's operator may take routine steps, never the sign-off.
        return roles == OFFICE_STAFF
    return role in roles


def _cases():
    return [
        pytest.param(
            source,
            target,
            action,
            person,
            _allowed(action, role),
            id=f"{action.replace(' ', '-')}-from-{source}-by-{person}",
        )
        for (source, target), action in TRANSITIONS.items()
        for person, (_make, role) in PEOPLE.items()
    ]


def test_every_action_of_the_transition_table_has_its_roles_and_no_other():
    assert set(ACTION_ROLES) == set(TRANSITIONS.values())
    for action, roles in ACTION_ROLES.items():
        assert roles, f"nobody may {action}"
        assert roles <= set(Membership.OFFICE_ROLES), f"{action}: only office roles"


@pytest.mark.parametrize(("source", "target", "action", "person", "allowed"), _cases())
def test_the_service_allows_an_action_only_to_the_roles_of_the_table(
    flow, norfolk, source, target, action, person, allowed
):
    flow.drive(source)
    before = flow.refreshed()
    user = PEOPLE[person][0](norfolk)

    if allowed:
        flow.do(action, as_user=user)
        assert flow.refreshed().status == target
    else:
        with pytest.raises(ActionNotAllowed, match=rf"in this office can {action}\.$"):
            flow.do(action, as_user=user)
        after = flow.refreshed()
        assert after.status == source
        assert after.lock_version == before.lock_version


#: The staff page of each action that has one, with the status it is offered in.
ACTION_PAGES = {
    "approve": ("responses:approve", Status.AWAITING_APPROVAL),
    "send back": ("responses:send-back", Status.APPROVED),
    "publish": ("responses:publish", Status.APPROVED),
    "amend": ("responses:amend", Status.PUBLISHED),
    "withdraw": ("responses:withdraw", Status.PUBLISHED),
    "mark as not required": ("responses:not-required", Status.DRAFTING),
    "reinstate": ("responses:reinstate", Status.NOT_REQUIRED),
}


@pytest.mark.parametrize("action", sorted(ACTION_PAGES))
@pytest.mark.parametrize("role", Membership.OFFICE_ROLES)
def test_the_action_page_follows_the_same_table(flow, norfolk, action, role):
    name, status = ACTION_PAGES[action]
    flow.drive(status)
    client = Client()
    user = office_user(norfolk, role)
    client.force_login(user)

    page = client.get(reverse(name, args=[flow.response.pk]))
    detail = client.get(reverse("responses:detail", args=[flow.response.pk]))

    allowed = role in ACTION_ROLES[action]
    assert page.status_code == (200 if allowed else 403)
    assert (action in detail.context["may"]) == allowed
    assert actions_allowed(user, policing_body_id=norfolk.pk) == {
        a for a, roles in ACTION_ROLES.items() if role in roles
    }

"""Who is reminded: the sweep's one-query index agrees with the accounts selectors."""

import pytest

from accounts.models import Membership
from accounts.selectors import body_members, force_contributors
from reminders.selectors import recipients_index
from tests.factories import force_user, office_user, policing_body

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_recipients_are_the_people_the_accounts_selectors_name():
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    for body in (norfolk, suffolk):
        for role in Membership.OFFICE_ROLES:
            office_user(body, role)
        force_user(body.force)
    left = office_user(norfolk, Role.OPCC_DRAFTER)
    Membership.objects.filter(user=left).update(is_active=False)
    gone = office_user(norfolk, Role.OPCC_APPROVER)
    gone.is_active = False
    gone.save()
    both = office_user(norfolk, Role.OPCC_DRAFTER)
    Membership.objects.create(user=both, role=Role.OPCC_ADMIN, policing_body=norfolk)

    index = recipients_index(
        body_ids={norfolk.pk, suffolk.pk}, force_ids={norfolk.force_id, suffolk.force_id}
    )
    for body in (norfolk, suffolk):
        for role in Membership.OFFICE_ROLES:
            expected = set(body_members(body, role).values_list("pk", flat=True))
            got = index.for_role(body_id=body.pk, force_id=body.force_id, role=role)
            assert set(got) == expected and len(got) == len(expected)
        expected = set(force_contributors(body.force).values_list("pk", flat=True))
        got = index.for_role(body_id=body.pk, force_id=body.force_id, role=Role.FORCE_CONTRIBUTOR)
        assert set(got) == expected
    assert left.pk not in index.for_role(
        body_id=norfolk.pk, force_id=norfolk.force_id, role=Role.OPCC_DRAFTER
    )


def test_the_index_is_one_query(django_assert_num_queries):
    norfolk = policing_body("norfolk-pcc")
    office_user(norfolk, Role.OPCC_DRAFTER)
    with django_assert_num_queries(1):
        recipients_index(body_ids={norfolk.pk}, force_ids={norfolk.force_id})

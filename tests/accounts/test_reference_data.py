"""The reference data loaded by migration: the 43 territorial forces of England and Wales, their
local policing bodies and the s55(6) recipients; and the membership constraint."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Force, Membership, PolicingBody, StatutoryRecipient
from tests.factories import UserFactory, force, policing_body

pytestmark = pytest.mark.django_db


def test_there_are_43_forces_each_with_one_policing_body():
    assert Force.objects.count() == 43
    assert PolicingBody.objects.count() == 43
    assert not Force.objects.filter(policing_body__isnull=True).exists()


def test_four_forces_are_in_wales():
    welsh = set(Force.objects.filter(country=Force.Country.WALES).values_list("slug", flat=True))

    assert welsh == {"dyfed-powys", "gwent", "north-wales", "south-wales"}
    assert Force.objects.filter(country=Force.Country.ENGLAND).count() == 39


def test_only_the_met_and_the_city_of_london_have_a_commissioner():
    titles = dict(Force.objects.values_list("slug", "chief_officer_title"))

    commissioners = {slug for slug, title in titles.items() if title == "Commissioner"}
    assert commissioners == {"metropolitan", "city-of-london"}
    assert all(
        title == "Chief Constable" for slug, title in titles.items() if slug not in commissioners
    )


@pytest.mark.parametrize(
    ("force_slug", "kind"),
    [
        ("metropolitan", PolicingBody.Kind.MOPAC),
        ("city-of-london", PolicingBody.Kind.COMMON_COUNCIL),
        ("greater-manchester", PolicingBody.Kind.MAYOR),
        ("west-yorkshire", PolicingBody.Kind.MAYOR),
        ("south-yorkshire", PolicingBody.Kind.MAYOR),
        ("essex", PolicingBody.Kind.PFCC),
        ("norfolk", PolicingBody.Kind.PCC),
    ],
)
def test_policing_bodies_are_not_all_pccs(force_slug, kind):
    assert force(force_slug).policing_body.kind == kind


def test_every_body_kind_in_the_data_is_a_known_kind():
    kinds = set(PolicingBody.objects.values_list("kind", flat=True))

    assert kinds <= set(PolicingBody.Kind.values)
    assert {PolicingBody.Kind.MOPAC, PolicingBody.Kind.COMMON_COUNCIL} <= kinds


def test_the_statutory_recipients_exist():
    codes = set(StatutoryRecipient.objects.values_list("code", flat=True))

    assert {"hmicfrs", "home_secretary"} <= codes


@pytest.mark.parametrize(
    ("role", "org"),
    [
        (Membership.Role.OPCC_DRAFTER, "force"),
        (Membership.Role.OPCC_APPROVER, "both"),
        (Membership.Role.OPCC_ADMIN, "neither"),
        (Membership.Role.FORCE_CONTRIBUTOR, "body"),
        (Membership.Role.FORCE_CONTRIBUTOR, "both"),
    ],
)
def test_a_membership_must_belong_to_the_organisation_its_role_needs(role, org):
    body = policing_body("norfolk-pcc")
    organisations = {
        "force": {"force": body.force},
        "body": {"policing_body": body},
        "both": {"force": body.force, "policing_body": body},
        "neither": {},
    }[org]
    user = UserFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=role, **organisations)

    assert not Membership.objects.filter(user=user).exists()


def test_office_and_force_memberships_with_the_right_organisation_are_accepted():
    body = policing_body("norfolk-pcc")
    user = UserFactory()

    Membership.objects.create(user=user, role=Membership.Role.OPCC_DRAFTER, policing_body=body)
    Membership.objects.create(user=user, role=Membership.Role.FORCE_CONTRIBUTOR, force=body.force)

    assert {m.organisation for m in user.memberships.all()} == {body, body.force}


def test_factory_users_can_sign_in_with_the_demo_password():
    user = UserFactory()

    assert user.check_password("demo-password-123")

"""The reference data loaded by migration: the 43 territorial forces of England and Wales, their
local policing bodies and the s55(6) recipients; and the membership constraint."""

from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Force, Membership, PolicingBody, StatutoryRecipient
from accounts.reference_data import FORCES
from tests.conftest import REPO_ROOT
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


# --- Scrutiny bodies and the recorded sources --------------------------------------------------


def test_every_body_but_the_city_of_london_has_its_scrutiny_body():
    names = dict(PolicingBody.objects.values_list("slug", "scrutiny_body_name"))
    kinds = dict(PolicingBody.objects.values_list("slug", "kind"))

    assert names["city-of-london-common-council"] == ""
    assert names["mopac"] == "London Assembly Police and Crime Committee"
    assert names["greater-manchester-mayor"] == "Greater Manchester Police, Fire and Crime Panel"
    assert names["york-and-north-yorkshire-mayor"] == "North Yorkshire Police, Fire and Crime Panel"
    for slug, kind in kinds.items():
        if kind == PolicingBody.Kind.PFCC:
            assert names[slug].endswith("Police, Fire and Crime Panel"), slug
        elif kind == PolicingBody.Kind.PCC:
            assert names[slug].endswith("Police and Crime Panel"), slug
    assert sum(1 for name in names.values() if name) == 42


def test_south_yorkshires_mayor_holds_the_pcc_functions_since_may_2024():
    body = policing_body("south-yorkshire-mayor")

    assert body.kind == PolicingBody.Kind.MAYOR
    assert body.holder_title == "Mayor of South Yorkshire"
    assert body.scrutiny_body_name == "South Yorkshire Police and Crime Panel"


def _documented_rows() -> dict[str, list[str]]:
    text = (REPO_ROOT / "docs" / "reference-data.md").read_text()
    rows = [line.strip("| ").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    return {row[0]: row for row in rows[1:] if not set(row[0]) <= {"-"}}


def test_every_body_has_a_source_on_its_own_website_recorded_in_the_docs():
    """docs/reference-data.md is the record of what was checked against which source: it must
    say exactly what the data says."""
    documented = _documented_rows()

    assert len(documented) == 43
    for entry in FORCES:
        body = entry["body"]
        source = urlsplit(body["source"])
        site = urlsplit(body["website"])
        assert source.scheme == "https", body["slug"]
        # The body's own site: the same domain as its website, "www." aside.
        own = {site.hostname.removeprefix("www."), source.hostname.removeprefix("www.")}
        assert len(own) == 1, body["slug"]
        assert documented[entry["name"]] == [
            entry["name"],
            body["name"],
            body["holder_title"],
            body["scrutiny_body_name"] or "None",
            body["source"],
        ]


def test_the_migration_fills_scrutiny_bodies_and_corrects_titles_but_keeps_offices_edits():
    from django.apps import apps

    migration = import_module("accounts.migrations.0004_scrutiny_body_name")
    PolicingBody.objects.filter(slug="south-yorkshire-mayor").update(
        holder_title="Deputy Mayor for Policing and Crime", scrutiny_body_name=""
    )
    PolicingBody.objects.filter(slug="norfolk-pcc").update(scrutiny_body_name="Our own panel")
    PolicingBody.objects.filter(slug="west-yorkshire-mayor").update(
        holder_title="Deputy Mayor for Policing and Crime (acting)"
    )

    migration.fill(apps, None)

    titles = dict(PolicingBody.objects.values_list("slug", "holder_title"))
    names = dict(PolicingBody.objects.values_list("slug", "scrutiny_body_name"))
    assert titles["south-yorkshire-mayor"] == "Mayor of South Yorkshire"
    assert names["south-yorkshire-mayor"] == "South Yorkshire Police and Crime Panel"
    assert names["norfolk-pcc"] == "Our own panel"
    assert titles["west-yorkshire-mayor"] == "Deputy Mayor for Policing and Crime (acting)"

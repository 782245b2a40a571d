"""Test data. Forces and policing bodies are reference data loaded by a migration, so tests look
them up (`policing_body("norfolk-pcc")`) rather than invent them.

A response cannot be built by factory_boy: it only comes into being through
`responses.services.response_create`, which computes the statutory due date. `make_response`
calls that service.
"""

from datetime import date
from functools import lru_cache

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from accounts.models import Force, Membership, PolicingBody, User
from inspections.models import Addressee, Finding, Report, ReportType, Scope
from responses.models import Response
from responses.services import response_create

DEMO_PASSWORD = "demo-password-123"

#: Norfolk's crime data integrity inspection 2019 (the reference response beside SECTION55.md).
NORFOLK_CDI_PUBLISHED = date(2020, 1, 7)


def demo_password_hash() -> str:
    """The hash of DEMO_PASSWORD, computed once per hasher: the production hasher takes about a
    second, and hashing per user would make the suite minutes long. `check_password` still
    works. Per hasher, because some tests switch to a fast one: a hash cached under the other
    could not be checked, and which ran first would decide whether a test passes."""
    return _password_hash(settings.PASSWORD_HASHERS[0])


@lru_cache(maxsize=4)
def _password_hash(hasher_path: str) -> str:
    return make_password(DEMO_PASSWORD)


def force(slug: str = "norfolk") -> Force:
    return Force.objects.get(slug=slug)


def policing_body(slug: str = "norfolk-pcc") -> PolicingBody:
    """A body from the reference data, whose office admin has recorded the holder's name (the
    default signatory: a response cannot be published unsigned)."""
    body = PolicingBody.objects.select_related("force").get(slug=slug)
    if not body.holder_name:
        body.holder_name = f"The {body.holder_title} for {body.force.short_name}"
        body.save(update_fields=["holder_name"])
    return body


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.LazyFunction(demo_password_hash)


class MembershipFactory(DjangoModelFactory):
    """An OPCC role in Norfolk's office unless told otherwise."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OPCC_DRAFTER
    policing_body = factory.LazyFunction(policing_body)
    force = None


def office_user(
    body: PolicingBody, role: str = Membership.Role.OPCC_DRAFTER, **user_fields
) -> User:
    """A user holding `role` in the office of `body`."""
    return MembershipFactory(user=UserFactory(**user_fields), role=role, policing_body=body).user


def force_user(force: Force, **user_fields) -> User:
    """A force contributor of `force`."""
    return MembershipFactory(
        user=UserFactory(**user_fields),
        role=Membership.Role.FORCE_CONTRIBUTOR,
        policing_body=None,
        force=force,
    ).user


def national_user(role: str, **user_fields) -> User:
    """A user holding a national `role` (register maintainer or national read-only), in no
    office or force."""
    assert role in Membership.NATIONAL_ROLES, role
    return MembershipFactory(
        user=UserFactory(**user_fields), role=role, policing_body=None, force=None
    ).user


class ReportFactory(DjangoModelFactory):
    """A force-specific CDI report published on 7 January 2020, covering Norfolk unless
    `forces=[...]` is given."""

    class Meta:
        model = Report
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Crime data integrity inspection {n}")
    published_on = NORFOLK_CDI_PUBLISHED
    report_type = ReportType.CRIME_DATA_INTEGRITY
    scope = Scope.FORCE

    @factory.post_generation
    def forces(self, create, extracted, **kwargs):
        if not create:
            return
        self.forces.set(extracted if extracted is not None else [force("norfolk")])


def _next_position(report: Report) -> int:
    return report.findings.count() + 1


def _next_reference(report: Report, kind: str, prefix: str) -> str:
    return f"{prefix}{report.findings.filter(kind=kind).count() + 1}"


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    report = factory.SubFactory(ReportFactory)
    kind = Finding.Kind.KEY_FINDING
    position = factory.LazyAttribute(lambda o: _next_position(o.report))
    text = factory.Sequence(lambda n: f"Finding number {n}.")


class RecommendationFactory(FindingFactory):
    """References run R1, R2, ... within each report."""

    kind = Finding.Kind.RECOMMENDATION
    reference = factory.LazyAttribute(
        lambda o: _next_reference(o.report, Finding.Kind.RECOMMENDATION, "R")
    )
    text = factory.Sequence(lambda n: f"The force should fix problem {n}.")
    addressees = factory.LazyFunction(lambda: [Addressee.FORCE.value])


class AfiFactory(FindingFactory):
    """References run AFI1, AFI2, ... within each report."""

    kind = Finding.Kind.AREA_FOR_IMPROVEMENT
    reference = factory.LazyAttribute(
        lambda o: _next_reference(o.report, Finding.Kind.AREA_FOR_IMPROVEMENT, "AFI")
    )
    text = factory.Sequence(lambda n: f"The force should improve area {n}.")


def make_response(
    *,
    report: Report | None = None,
    body: PolicingBody | None = None,
    acting_user: User | None = None,
) -> Response:
    """Open a response through the real service (so it has its statutory due date)."""
    body = body or policing_body()
    report = report or ReportFactory(forces=[body.force])
    acting_user = acting_user or office_user(body, Membership.Role.OPCC_DRAFTER)
    return response_create(report=report, policing_body=body, acting_user=acting_user)

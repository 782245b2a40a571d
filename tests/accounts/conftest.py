"""People in two offices and a force, for the accounts tests."""

from importlib import import_module

import pytest

from accounts.models import Membership
from tests.factories import DEMO_PASSWORD, force_user, office_user, policing_body

from .oidc_provider import oidc_process, oidc_provider  # noqa: F401 - fixtures

PASSWORD = DEMO_PASSWORD


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """These tests sign in many times; the production hasher takes about a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def with_password(user):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def reference_data(db):
    """The forces and offices the data migration loads. A transactional (browser) test empties
    the database when it ends, so the next one loads them again here."""
    from django.apps import apps

    from accounts.models import PolicingBody

    if not PolicingBody.objects.exists():
        import_module("accounts.migrations.0002_reference_data").load(apps, None)


@pytest.fixture
def norfolk(reference_data):
    return policing_body("norfolk-pcc")


@pytest.fixture
def suffolk(reference_data):
    return policing_body("suffolk-pcc")


@pytest.fixture
def drafter(norfolk):
    return with_password(
        office_user(
            norfolk, Membership.Role.OPCC_DRAFTER, username="dana", full_name="Dana Drafter"
        )
    )


@pytest.fixture
def approver(norfolk):
    return with_password(
        office_user(
            norfolk, Membership.Role.OPCC_APPROVER, username="alex", full_name="Alex Approver"
        )
    )


@pytest.fixture
def office_admin(norfolk):
    return with_password(
        office_user(norfolk, Membership.Role.OPCC_ADMIN, username="ash", full_name="Ash Admin")
    )


@pytest.fixture
def contributor(norfolk):
    return with_password(force_user(norfolk.force, username="fran", full_name="Fran Force"))


@pytest.fixture
def suffolk_drafter(suffolk):
    return with_password(
        office_user(suffolk, Membership.Role.OPCC_DRAFTER, username="sam", full_name="Sam")
    )


@pytest.fixture
def request_reset(client, django_capture_on_commit_callbacks):
    """`request_reset(email)`: ask for a reset link on the page, then run what the request
    recorded as a real commit and a worker would (the event's subscriber stores the email,
    which is then sent from its row: tests/conftest.py `tasks_inline`)."""

    def post(email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/accounts/password-reset/", {"email": email})

    return post

"""The sign-in and password-reset pages do not tell anyone whether an account exists.

Same words: every failed sign-in says the same thing, whatever was wrong. Same work (Django's
ModelBackend and check_password already hash a dummy password; these tests keep it so): an unknown
username, an account closed or without a password yet, and a wrong password each cost exactly one
password hash (counted, so the test cannot flake), and a timing check with a real PBKDF2 hasher
and a wide margin. The reset page answers every address the same way and sends no email itself.
"""

import time

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"
RESET = "/accounts/password-reset/"


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast), counting every password hash it computes."""

    algorithm = "counted_md5"
    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


class SlowHasher(PBKDF2PasswordHasher):
    """PBKDF2 with enough iterations (about 20-50 ms here) for a missing hash to show."""

    algorithm = "slow_pbkdf2"
    iterations = 60_000


@pytest.fixture
def accounts(django_user_model, drafter, office_admin):
    """A person with a password, one invited without a password yet, one closed."""
    invited = django_user_model.objects.create(username="ivy", email="ivy@example.org")
    invited.set_unusable_password()
    invited.save()
    office_admin.is_active = False
    office_admin.save()
    return {"with a password": drafter, "invited": invited, "closed": office_admin}


def attempts(accounts) -> dict[str, tuple[str, str]]:
    return {
        "unknown username": ("nobody-here", PASSWORD),
        "unknown email address": ("nobody@example.org", PASSWORD),
        "wrong password": (accounts["with a password"].username, "wrong password"),
        "wrong password, by email address": (accounts["with a password"].email, "wrong"),
        "invited, no password yet": (accounts["invited"].username, PASSWORD),
        "closed account": (accounts["closed"].username, PASSWORD),
    }


def sign_in(client, username, password, address):
    # Each attempt from its own address, so the throttle does not join in.
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def error_summary(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one(".govuk-error-summary").text


def test_every_failed_sign_in_says_the_same_thing(client, accounts):
    answers = {}
    for number, (case, (username, password)) in enumerate(attempts(accounts).items()):
        response = sign_in(client, username, password, f"198.51.100.{number}")
        answers[case] = (response.status_code, " ".join(error_summary(response).split()))
    assert len(set(answers.values())) == 1, answers
    status, text = next(iter(answers.values()))
    assert status == 200
    assert "The username or password is not right" in text


def test_every_failed_sign_in_costs_exactly_one_password_hash(client, accounts, settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_account_enumeration.CountingHasher"]
    for account in accounts.values():
        if account.has_usable_password():
            account.set_password(PASSWORD)
            account.save()
    hashes = {}
    for number, (case, (username, password)) in enumerate(attempts(accounts).items()):
        CountingHasher.computed = 0
        sign_in(client, username, password, f"198.51.100.{number}")
        hashes[case] = CountingHasher.computed
    assert hashes == dict.fromkeys(hashes, 1)


def test_an_unknown_or_passwordless_account_takes_as_long_as_a_wrong_password(
    client, accounts, settings
):
    """Real hashing: the quickest of five tries each (the minimum shrugs off a busy machine),
    and an answer less than half as slow as a wrong password's would give the account away."""
    settings.PASSWORD_HASHERS = ["tests.accounts.test_account_enumeration.SlowHasher"]
    known = accounts["with a password"]
    known.set_password(PASSWORD)
    known.save()
    cases = {
        "wrong password": (known.username, "wrong password"),
        "unknown username": ("nobody-here", PASSWORD),
        "invited, no password yet": (accounts["invited"].username, PASSWORD),
    }
    quickest = {}
    for number, (case, (username, password)) in enumerate(cases.items()):
        durations = []
        for attempt in range(5):
            started = time.perf_counter()
            sign_in(client, username, password, f"198.51.{number}.{attempt}")
            durations.append(time.perf_counter() - started)
        quickest[case] = min(durations)
    wrong = quickest["wrong password"]
    for case in ("unknown username", "invited, no password yet"):
        assert quickest[case] > wrong / 2, quickest


def test_the_reset_page_answers_every_address_alike_and_sends_nothing_itself(
    client, accounts, django_capture_on_commit_callbacks
):
    """The email goes from a task after the response (so SMTP's pace cannot tell addresses
    apart), and the page runs the same queries and enqueues the same task for any address."""
    answers = {}
    for case, email in {
        "has an account": accounts["with a password"].email,
        "has none": "nobody@example.org",
        "closed": accounts["closed"].email,
    }.items():
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks() as enqueued,
        ):
            response = client.post(RESET, {"email": email})
        assert mail.outbox == [], f"{case}: an email was sent while the page answered"
        answers[case] = (response.status_code, response["Location"], len(queries), len(enqueued))
    assert len(set(answers.values())) == 1, answers
    assert next(iter(answers.values()))[:2] == (302, "/accounts/password-reset/sent/")

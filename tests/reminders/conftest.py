"""Fixtures for the reminder tests: Norfolk's office and force with one person in each role,
a CDI report published Tue 7 Jan 2020 (due Mon 2 Mar 2020) with three recommendations, and
`run_day`, which runs the sweep for a fixed day and sends what it enqueued, as the worker would.
"""

from datetime import date, datetime, time
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Membership
from reminders import services
from reminders.models import Delivery, ReminderPreference
from responses.services import response_invite_force
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    force_user,
    make_response,
    office_user,
    policing_body,
)

LONDON = ZoneInfo("Europe/London")
PUBLISHED = date(2020, 1, 7)
DUE = date(2020, 3, 2)
INVITED = date(2020, 1, 8)
REPLY_BY = date(2020, 2, 4)


def at_seven(day: date) -> datetime:
    """07:00 in London on `day`: when the daily sweep runs."""
    return datetime.combine(day, time(7, 0), tzinfo=LONDON)


@pytest.fixture
def reference_data(db):
    """The forces, offices and default reminder policy that the data migrations load.

    A transactional test (the worker and concurrency tests) empties the database when it ends,
    so the next one loads them again here. This is used instead of `serialized_rollback`,
    which would make every test in the run depend on serialising every app's data.
    """
    from django.apps import apps

    from accounts.models import PolicingBody
    from reminders.models import ReminderRule

    if not PolicingBody.objects.exists():
        import_module("accounts.migrations.0002_reference_data").load(apps, None)
    if not ReminderRule.objects.exists():
        import_module("reminders.migrations.0002_default_policy").load(apps, None)


@pytest.fixture
def norfolk(reference_data):
    return policing_body("norfolk-pcc")


@pytest.fixture
def people(norfolk):
    """One person per role. The approver chose one email per reminder; the rest the digest."""
    Role = Membership.Role
    people = {
        "drafter": office_user(
            norfolk, Role.OPCC_DRAFTER, username="dana", full_name="Dana Drafter"
        ),
        "approver": office_user(
            norfolk, Role.OPCC_APPROVER, username="alex", full_name="Alex Approver"
        ),
        "admin": office_user(norfolk, Role.OPCC_ADMIN, username="ash", full_name="Ash Admin"),
        "force": force_user(norfolk.force, username="frankie", full_name="Frankie Force"),
    }
    ReminderPreference.objects.create(user=people["approver"], delivery=Delivery.INDIVIDUAL)
    return people


@pytest.fixture
def report(norfolk):
    report = ReportFactory(title="Norfolk CDI 2019", published_on=PUBLISHED, forces=[norfolk.force])
    for _ in range(3):
        RecommendationFactory(report=report)
    return report


@pytest.fixture
def response(report, norfolk, people):
    return make_response(report=report, body=norfolk, acting_user=people["drafter"])


@pytest.fixture
def invited(response, people):
    return response_invite_force(
        response=response, invited_on=INVITED, reply_by=REPLY_BY, acting_user=people["drafter"]
    )


class Enqueued:
    """Stands in for the broker in tests that do not need a real one: records what a sweep
    enqueued after commit, and `deliver` runs those sends as a worker would."""

    def __init__(self):
        self.digests: list[int] = []
        self.individual: list[int] = []

    def __call__(self, *, digests, individual):
        self.digests.extend(digests)
        self.individual.extend(individual)

    def deliver(self, *, today: date, now: datetime) -> None:
        digests, individual = self.digests, self.individual
        self.digests, self.individual = [], []
        for digest_id in digests:
            services.digest_send(digest_id=digest_id, today=today, now=now)
        for reminder_id in individual:
            services.reminder_send(reminder_id=reminder_id, today=today, now=now)


@pytest.fixture
def enqueued(monkeypatch):
    queue = Enqueued()
    monkeypatch.setattr(services, "enqueue_sends", queue)
    return queue


@pytest.fixture
def run_day(enqueued, django_capture_on_commit_callbacks):
    """`run_day(day)`: the 07:00 sweep for `day`, then the sends it enqueued."""

    def run(day: date):
        now = at_seven(day)
        with django_capture_on_commit_callbacks(execute=True):
            result = services.reminders_sweep(today=day, now=now)
        enqueued.deliver(today=day, now=now)
        return result

    return run

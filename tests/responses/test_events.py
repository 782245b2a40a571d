"""The responses' services say what happened (core.events.emit, inside their transaction);
config/events.py says what follows. Here: an amendment started, and the s55(6) copies recorded."""

from datetime import date

import pytest
from django.db import transaction

from config import events as project_events
from core.models import EventDelivery
from responses import services
from responses.models import Status
from responses.services import response_record_copies

pytestmark = pytest.mark.django_db


@pytest.fixture
def emitted(monkeypatch):
    """Each event the services emit, with its arguments and whether a transaction was open."""
    seen = []
    real = services.emit

    def emit(event, **arguments):
        seen.append((event, arguments, transaction.get_connection().in_atomic_block))
        return real(event, **arguments)

    monkeypatch.setattr(services, "emit", emit)
    return seen


def test_starting_an_amendment_says_so_inside_its_transaction_and_nothing_follows(flow, emitted):
    flow.drive(Status.PUBLISHED)
    emitted.clear()

    response = flow.do("amend")

    assert emitted == [
        (
            project_events.RESPONSE_AMENDED,
            {
                "office_id": response.policing_body_id,
                "response_id": response.pk,
                "lock_version": response.lock_version,
            },
            True,
        )
    ]
    # The registry lists no subscriber yet: nothing is recorded to run.
    assert project_events.SUBSCRIBERS[project_events.RESPONSE_AMENDED] == ()
    assert not EventDelivery.objects.filter(event=project_events.RESPONSE_AMENDED).exists()


def test_recording_copies_says_so_inside_its_transaction_with_the_version(flow, emitted):
    flow.drive(Status.PUBLISHED)
    emitted.clear()

    version = response_record_copies(
        response=flow.response,
        acting_user=flow.drafter,
        hmicfrs=date(2020, 3, 2),
        home_secretary=date(2020, 3, 3),
    )

    response = flow.refreshed()
    assert emitted == [
        (
            project_events.RESPONSE_COPIES_RECORDED,
            {
                "office_id": response.policing_body_id,
                "response_id": response.pk,
                "version_id": version.pk,
                "lock_version": response.lock_version,
            },
            True,
        )
    ]
    assert set(
        EventDelivery.objects.filter(event=project_events.RESPONSE_COPIES_RECORDED).values_list(
            "subscriber", flat=True
        )
    ) == {"public.services.refresh_after_copies"}


def test_refused_copies_say_nothing(flow, emitted):
    flow.drive(Status.PUBLISHED)
    emitted.clear()

    with pytest.raises(services.WorkflowError):
        response_record_copies(
            response=flow.response, acting_user=flow.drafter, hmicfrs=date(2000, 1, 1)
        )

    assert emitted == []

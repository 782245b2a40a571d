"""History keeps the whole reason for a change, however long (django-simple-history's own
default is a 100-character column, which PostgreSQL enforces)."""

import pytest
from django.apps import apps
from django.db import models

from core.history import timeline
from responses.models import Response
from responses.services import response_create
from tests.factories import ReportFactory, office_user, policing_body

REASON = ("The approver wants the explanation of R1 to name the board and the date. " * 30)[:2000]


def _historical_models():
    return [m for m in apps.get_models() if hasattr(m, "instance_type")]


def test_every_history_table_has_a_reason_column_of_any_length():
    historical = _historical_models()
    assert len(historical) >= 10, "the historical models were not found"

    limited = {
        m._meta.label: m._meta.get_field("history_change_reason").max_length
        for m in historical
        if not isinstance(m._meta.get_field("history_change_reason"), models.TextField)
    }

    assert limited == {}


@pytest.mark.django_db
def test_a_2000_character_reason_is_stored_and_read_back_whole():
    norfolk = policing_body("norfolk-pcc")
    drafter = office_user(norfolk, "opcc_drafter")
    response = response_create(
        report=ReportFactory(forces=[norfolk.force]),
        policing_body=norfolk,
        acting_user=drafter,
        reason=REASON,
    )

    stored = Response.history.get(id=response.pk).history_change_reason

    assert stored == REASON
    assert timeline(Response.history.filter(id=response.pk))[0].reason == REASON

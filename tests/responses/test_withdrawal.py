"""Withdrawing a published version (responses.services.response_withdraw): the approver's
decision, with a reason that is published, in the history; the statutory record stays; a
corrected version is published as an amendment."""

import pytest
from django.urls import reverse

from core.models import EventDelivery
from responses.models import ResponseVersion, Status
from responses.services import response_record_copies, response_withdraw
from responses.workflow import ActionNotAllowed, WorkflowError

from .conftest import PUBLISHED_ON

pytestmark = pytest.mark.django_db

REASON = "The name of a victim was published by mistake."


def test_withdrawing_marks_the_latest_version_and_keeps_the_publication_date(flow):
    flow.drive(Status.PUBLISHED)

    version = response_withdraw(response=flow.response, reason=REASON, acting_user=flow.approver)

    response = flow.refreshed()
    assert response.status == Status.WITHDRAWN
    assert response.published_on == PUBLISHED_ON
    assert response.published_late is False
    version.refresh_from_db()
    assert version.number == 1
    assert version.withdrawn_at is not None
    assert version.withdrawal_reason == REASON
    assert version.withdrawn_by == flow.approver
    assert version.published_on == PUBLISHED_ON


def test_withdrawal_is_in_the_history_with_who_and_why(flow):
    flow.drive(Status.PUBLISHED)

    response_withdraw(response=flow.response, reason=REASON, acting_user=flow.approver)

    latest = flow.refreshed().history.first()
    assert latest.history_change_reason == f"Version 1 withdrawn: {REASON}"
    assert latest.history_user == flow.approver
    assert latest.status == Status.WITHDRAWN


def test_withdrawal_needs_a_reason(flow):
    flow.drive(Status.PUBLISHED)

    with pytest.raises(WorkflowError, match="Say why the version is being withdrawn"):
        response_withdraw(response=flow.response, reason="  ", acting_user=flow.approver)

    assert flow.refreshed().status == Status.PUBLISHED
    assert not ResponseVersion.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_drafter_cannot_withdraw(flow):
    flow.drive(Status.PUBLISHED)

    with pytest.raises(ActionNotAllowed, match="an approver or an admin"):
        response_withdraw(response=flow.response, reason=REASON, acting_user=flow.drafter)

    assert flow.refreshed().status == Status.PUBLISHED


def test_withdrawal_emits_the_event_the_public_copies_follow(flow):
    flow.drive(Status.PUBLISHED)

    version = response_withdraw(response=flow.response, reason=REASON, acting_user=flow.approver)

    deliveries = EventDelivery.objects.filter(event="response.withdrawn")
    assert [d.arguments for d in deliveries] == [{"version_id": version.pk}]
    assert deliveries.get().subscriber.endswith("refresh_after_withdrawal")


def test_a_corrected_version_is_published_as_an_amendment_and_the_withdrawn_one_stays_withdrawn(
    flow,
):
    flow.drive(Status.WITHDRAWN)

    flow.do("amend")
    flow.write_text("The commissioner welcomes the report (corrected).")
    flow.do("submit for approval")
    flow.do("approve")
    flow.do("publish")

    response = flow.refreshed()
    assert response.status == Status.PUBLISHED
    assert response.published_on == PUBLISHED_ON
    first, second = ResponseVersion.objects.filter(response=response).order_by("number")
    assert first.withdrawn_at is not None
    assert second.withdrawn_at is None
    assert second.reason == "Corrected a date in R2."


def test_a_withdrawn_response_cannot_be_withdrawn_again(flow):
    flow.drive(Status.WITHDRAWN)

    with pytest.raises(WorkflowError, match="cannot withdraw a response that is withdrawn"):
        response_withdraw(response=flow.response, reason=REASON, acting_user=flow.approver)


# --- any published version, not only the latest ------------------------------------------------


def _amended_and_published(flow):
    """Version 1 published, then version 2 published as an amendment."""
    flow.drive(Status.PUBLISHED)
    flow.do("amend")
    flow.do("submit for approval")
    flow.do("approve")
    flow.do("publish")
    return flow.refreshed()


def test_an_earlier_version_is_withdrawn_and_the_latest_stays_published(flow):
    response = _amended_and_published(flow)
    response_record_copies(
        response=response, acting_user=flow.drafter, version_number=1, hmicfrs=PUBLISHED_ON
    )

    version = response_withdraw(
        response=response, reason=REASON, acting_user=flow.approver, version_number=1
    )

    response = flow.refreshed()
    assert response.status == Status.PUBLISHED
    assert response.published_on == PUBLISHED_ON
    first, second = ResponseVersion.objects.filter(response=response).order_by("number")
    assert version == first
    assert first.withdrawn_at is not None and first.withdrawal_reason == REASON
    assert first.withdrawn_by == flow.approver
    assert first.copy_hmicfrs_on == PUBLISHED_ON  # the statutory record stays
    assert second.withdrawn_at is None
    latest = response.history.first()
    assert latest.history_change_reason == f"Version 1 withdrawn: {REASON}"
    assert latest.history_user == flow.approver
    deliveries = EventDelivery.objects.filter(event="response.withdrawn")
    assert [d.arguments for d in deliveries] == [{"version_id": first.pk}]


def test_the_latest_is_withdrawn_after_an_earlier_one_and_the_response_is_withdrawn(flow):
    response = _amended_and_published(flow)
    response_withdraw(response=response, reason=REASON, acting_user=flow.approver, version_number=1)

    version = response_withdraw(response=flow.refreshed(), reason=REASON, acting_user=flow.approver)

    assert version.number == 2
    assert flow.refreshed().status == Status.WITHDRAWN
    assert ResponseVersion.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_the_published_version_is_withdrawn_while_its_amendment_is_written(flow):
    flow.drive(Status.PUBLISHED)
    flow.do("amend")

    response_withdraw(
        response=flow.refreshed(), reason=REASON, acting_user=flow.approver, version_number=1
    )

    assert flow.refreshed().status == Status.DRAFTING  # the amendment goes on
    assert ResponseVersion.objects.get(response=flow.response).withdrawn_at is not None


def test_an_earlier_version_needs_the_sign_off_and_is_withdrawn_once(flow):
    response = _amended_and_published(flow)

    with pytest.raises(ActionNotAllowed, match="an approver or an admin"):
        response_withdraw(
            response=response, reason=REASON, acting_user=flow.drafter, version_number=1
        )
    assert not ResponseVersion.objects.filter(withdrawn_at__isnull=False).exists()

    response_withdraw(response=response, reason=REASON, acting_user=flow.approver, version_number=1)
    with pytest.raises(WorkflowError, match="Version 1 is already withdrawn"):
        response_withdraw(
            response=flow.refreshed(), reason=REASON, acting_user=flow.approver, version_number=1
        )
    with pytest.raises(WorkflowError, match="no published version"):
        response_withdraw(
            response=flow.refreshed(), reason=REASON, acting_user=flow.approver, version_number=7
        )


def test_the_withdraw_page_asks_which_version_and_withdraws_the_earlier_one(flow, client):
    response = _amended_and_published(flow)
    client.force_login(flow.approver)
    url = reverse("responses:withdraw", args=[response.pk])

    page = client.get(url).content.decode()
    assert "Which version is being withdrawn?" in page
    assert "Version 1, published 21 February 2020 (replaced by a later version)" in page
    assert "(the latest)" in page
    answer = client.post(url, {"version": "1", "reason": REASON})

    assert answer.status_code == 302
    first, second = ResponseVersion.objects.filter(response=response).order_by("number")
    assert first.withdrawal_reason == REASON and second.withdrawn_at is None
    assert flow.refreshed().status == Status.PUBLISHED


def test_the_response_page_offers_to_withdraw_a_version_while_an_amendment_is_written(flow, client):
    flow.drive(Status.PUBLISHED)
    flow.do("amend")
    detail = reverse("responses:detail", args=[flow.response.pk])

    client.force_login(flow.approver)
    assert "Withdraw a published version" in client.get(detail).content.decode()
    client.force_login(flow.drafter)
    assert "Withdraw a published version" not in client.get(detail).content.decode()

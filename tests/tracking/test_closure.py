"""Closure: the force (or office) proposes, someone else in the office decides, with a reason
when refusing. The proposer can never decide, in the service or in the database."""

import pytest
from django.db import IntegrityError, transaction

from tests.factories import force_user
from tracking.models import ClosureProposal, ProgressUpdate
from tracking.rag import Status
from tracking.services import closure_decide, closure_propose, progress_update_add
from tracking.workflow import TrackingError

from .conftest import docx_bytes, upload

pytestmark = pytest.mark.django_db


def _propose(item, person, **kwargs):
    return closure_propose(item=item, acting_user=person, text="The audit is complete.", **kwargs)


def test_the_force_proposes_closure_with_evidence_and_the_item_awaits_sign_off(item, force_person):
    progress_update_add(
        item=item, acting_user=force_person, text="Started.", status=Status.IN_PROGRESS
    )

    proposal = _propose(item, force_person, files=[upload("plan.docx", docx_bytes())])

    item.refresh_from_db()
    assert item.status == Status.PENDING_SIGN_OFF
    assert proposal.is_pending
    assert proposal.status_before == Status.IN_PROGRESS
    assert proposal.update.kind == ProgressUpdate.Kind.CLOSURE_PROPOSED
    assert proposal.update.evidence.get().original_name == "plan.docx"


def test_the_office_approves_and_the_item_is_complete(item, force_person, drafter):
    proposal = _propose(item, force_person)

    closure_decide(proposal=proposal, acting_user=drafter, approve=True, reason="Evidence seen.")

    item.refresh_from_db()
    proposal.refresh_from_db()
    assert item.status == Status.COMPLETE
    assert (proposal.decision, proposal.decided_by, proposal.reason) == (
        ClosureProposal.Decision.APPROVED,
        drafter,
        "Evidence seen.",
    )
    assert proposal.decision_update.status_to == Status.COMPLETE
    assert proposal.decision_update.text == "Closure approved. Evidence seen."


def test_a_refusal_needs_a_reason_and_returns_the_item_to_its_status_before(
    item, force_person, drafter
):
    progress_update_add(
        item=item, acting_user=force_person, text="Started.", status=Status.IN_PROGRESS
    )
    proposal = _propose(item, force_person)

    with pytest.raises(TrackingError, match="Say why closure is refused"):
        closure_decide(proposal=proposal, acting_user=drafter, approve=False, reason=" ")
    decided = closure_decide(
        proposal=proposal, acting_user=drafter, approve=False, reason="No audit results attached."
    )

    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert decided.decision == ClosureProposal.Decision.REFUSED
    assert decided.decision_update.text == "Closure refused: No audit results attached."


def test_the_proposer_cannot_approve_or_refuse_their_own_proposal(item, drafter, approver):
    proposal = _propose(item, drafter)

    for approve in (True, False):
        with pytest.raises(TrackingError, match="someone else in the office must"):
            closure_decide(proposal=proposal, acting_user=drafter, approve=approve, reason="Fine.")

    item.refresh_from_db()
    assert item.status == Status.PENDING_SIGN_OFF
    closure_decide(proposal=proposal, acting_user=approver, approve=True)
    item.refresh_from_db()
    assert item.status == Status.COMPLETE


def test_the_database_refuses_a_decision_by_the_proposer(item, drafter):
    proposal = _propose(item, drafter)
    proposal.decision = ClosureProposal.Decision.APPROVED
    proposal.decided_by = drafter

    with pytest.raises(IntegrityError), transaction.atomic():
        proposal.save()


def test_the_force_cannot_decide_closure(item, force_person, drafter):
    other_force_person = force_user(item.policing_body.force)
    proposal = _propose(item, drafter)

    with pytest.raises(TrackingError, match="Only the office's staff can approve or refuse"):
        closure_decide(proposal=proposal, acting_user=force_person, approve=True)
    with pytest.raises(TrackingError, match="Only the office's staff"):
        closure_decide(proposal=proposal, acting_user=other_force_person, approve=True)


def test_another_office_cannot_decide_closure(item, force_person, suffolk_drafter):
    proposal = _propose(item, force_person)

    with pytest.raises(TrackingError, match="Only the office's staff"):
        closure_decide(proposal=proposal, acting_user=suffolk_drafter, approve=True)


def test_a_decision_is_taken_once(item, force_person, drafter, approver):
    proposal = _propose(item, force_person)
    closure_decide(proposal=proposal, acting_user=drafter, approve=True)

    with pytest.raises(TrackingError, match="already been approved"):
        closure_decide(proposal=proposal, acting_user=approver, approve=False, reason="No.")


def test_closure_cannot_be_proposed_twice_or_for_a_closed_item(item, force_person, drafter):
    proposal = _propose(item, force_person)

    with pytest.raises(TrackingError, match="already been proposed"):
        _propose(item, drafter)
    closure_decide(proposal=proposal, acting_user=drafter, approve=True)
    with pytest.raises(TrackingError, match="cannot become pending sign-off"):
        _propose(item, force_person)


def test_while_pending_no_update_can_change_the_status(item, force_person, drafter):
    _propose(item, force_person)

    for person, status in ((drafter, Status.IN_PROGRESS), (drafter, Status.SUPERSEDED)):
        with pytest.raises(TrackingError, match="waiting for the office's sign-off"):
            progress_update_add(item=item, acting_user=person, text="Change.", status=status)
    # An update without a status change is still welcome.
    progress_update_add(item=item, acting_user=force_person, text="More evidence to follow.")


def test_only_the_office_reopens_a_completed_item(item, force_person, drafter):
    closure_decide(proposal=_propose(item, force_person), acting_user=drafter, approve=True)

    with pytest.raises(TrackingError, match="Only the office's staff can reopen"):
        progress_update_add(
            item=item, acting_user=force_person, text="Reopen.", status=Status.IN_PROGRESS
        )
    progress_update_add(
        item=item, acting_user=drafter, text="New evidence of failings.", status=Status.IN_PROGRESS
    )
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS

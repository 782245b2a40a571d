"""Redaction (responses/redaction.py, `redaction_add`, `redaction_remove`): a marked passage is
replaced by "[redacted: reason]" in the published version's document, frozen with the version;
the staff's text and the history keep it whole; an edited passage stops publication."""

import pytest

from responses import redaction
from responses.models import Redaction, ResponseVersion, Status
from responses.pdf import document_for_preview, document_for_version, render_snapshot
from responses.services import (
    publication_problems,
    redaction_add,
    redaction_remove,
    response_update_text,
)
from responses.workflow import ActionNotAllowed, WorkflowError
from tests.factories import UserFactory

from .conftest import PUBLISHED_ON

pytestmark = pytest.mark.django_db

NAME = "Mrs Jane Example of 4 Privet Lane"
COMMENTS = f"The commissioner met {NAME} about custody. {NAME} agreed."


def test_the_marker_replaces_every_occurrence_longest_passage_first():
    marks = [
        redaction.Marked("office_comments", "Jane", "[redacted: personal data]"),
        redaction.Marked("office_comments", NAME, "[redacted: personal data]"),
    ]
    assert (
        redaction.apply(COMMENTS, marks)
        == "The commissioner met [redacted: personal data] about custody. "
        "[redacted: personal data] agreed."
    )


def test_a_published_version_is_redacted_at_the_source_and_the_staff_text_is_whole(flow):
    flow.write_text(COMMENTS)
    flow.explain_all()
    finding = flow.report.findings.recommendations().first()
    flow.explain(finding, text=f"Reviewed after {NAME} wrote to us.")
    redaction_add(
        response=flow.response,
        field="office_comments",
        passage=NAME,
        reason=Redaction.Reason.PERSONAL_DATA,
        acting_user=flow.drafter,
    )
    redaction_add(
        response=flow.response,
        field=redaction.explanation_key(finding.pk),
        passage=NAME,
        reason=Redaction.Reason.OTHER,
        other_reason="a complainant's name",
        acting_user=flow.drafter,
    )
    flow.drive(Status.PUBLISHED, prepare=False)

    version = ResponseVersion.objects.get(response=flow.response)
    document = document_for_version(version)
    html = render_snapshot(document)
    assert NAME not in html
    assert "The commissioner met [redacted: personal data] about custody." in html
    assert "Reviewed after [redacted: a complainant's name] wrote to us." in html
    assert len(version.redactions) == 2
    # The staff's text and history keep the passage.
    response = flow.refreshed()
    assert NAME in response.office_comments
    assert NAME in response.explanations.get(finding=finding).text
    assert (
        response.history.filter(
            history_change_reason="Passage of the office's comments redacted (personal data)"
        ).count()
        == 1
    )


def test_the_preview_shows_what_the_public_will_see(flow):
    flow.write_text(COMMENTS)
    redaction_add(
        response=flow.response,
        field="office_comments",
        passage=NAME,
        reason=Redaction.Reason.LEGAL_ADVICE,
        acting_user=flow.drafter,
    )

    document = document_for_preview(flow.refreshed())

    assert NAME not in document.response.office_comments
    assert "[redacted: legal advice]" in document.response.office_comments


def test_a_passage_not_in_the_text_is_refused(flow):
    flow.write_text(COMMENTS)

    with pytest.raises(WorkflowError, match="That passage is not in the office's comments"):
        redaction_add(
            response=flow.response,
            field="office_comments",
            passage="Mr Nobody",
            reason=Redaction.Reason.PERSONAL_DATA,
            acting_user=flow.drafter,
        )


def test_other_needs_its_reason_and_a_category_is_required(flow):
    flow.write_text(COMMENTS)
    common = {"response": flow.response, "field": "office_comments", "passage": NAME}

    with pytest.raises(WorkflowError, match="shown in the marker"):
        redaction_add(**common, reason=Redaction.Reason.OTHER, acting_user=flow.drafter)
    with pytest.raises(WorkflowError, match="Choose why"):
        redaction_add(**common, reason="embarrassing", acting_user=flow.drafter)
    assert not Redaction.objects.exists()


def test_an_edited_passage_stops_publication_until_marked_again(flow):
    flow.write_text(COMMENTS)
    redaction_add(
        response=flow.response,
        field="office_comments",
        passage=NAME,
        reason=Redaction.Reason.PERSONAL_DATA,
        acting_user=flow.drafter,
    )
    response_update_text(
        response=flow.refreshed(),
        acting_user=flow.drafter,
        office_comments="The commissioner met Mrs J. Example of Privet Lane about custody.",
    )

    problems = publication_problems(flow.refreshed(), published_on=PUBLISHED_ON)

    assert any(
        "A redacted passage of the office's comments is no longer in its text" in p
        for p in problems
    )
    redaction_remove(redaction_id=Redaction.objects.get().pk, acting_user=flow.drafter)
    problems = publication_problems(flow.refreshed(), published_on=PUBLISHED_ON)
    assert not any("redacted passage" in p for p in problems)


def test_only_the_offices_staff_redact_and_only_before_approval(flow, norfolk):
    flow.write_text(COMMENTS)
    common = {
        "field": "office_comments",
        "passage": NAME,
        "reason": Redaction.Reason.PERSONAL_DATA,
    }
    with pytest.raises(ActionNotAllowed):
        redaction_add(response=flow.response, acting_user=UserFactory(), **common)

    flow.explain_all()
    flow.drive(Status.APPROVED, prepare=False)
    with pytest.raises(WorkflowError, match="Send it back to drafting first"):
        redaction_add(response=flow.response, acting_user=flow.approver, **common)
    assert not Redaction.objects.exists()


def test_the_approver_can_redact_while_reading_for_approval(flow):
    flow.write_text(COMMENTS)
    flow.explain_all()
    flow.drive(Status.AWAITING_APPROVAL, prepare=False)

    redaction_add(
        response=flow.response,
        field="office_comments",
        passage=NAME,
        reason=Redaction.Reason.OPERATIONALLY_SENSITIVE,
        acting_user=flow.approver,
    )

    assert Redaction.objects.get().marker == "[redacted: operationally sensitive]"

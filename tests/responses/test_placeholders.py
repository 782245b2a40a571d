"""No placeholder reaches a published document, and publishing needs a signatory.

A draft preview may say what is still to come ("Not yet signed", "No comments have been received
from the Chief Constable yet"); a published version is a statutory document (Police Act 1996
s55(5)) and never does. Where the chief officer submitted no comments (they are optional:
"any comments submitted"), the published text says so in the office's words.
"""

from datetime import date

import pytest

from responses.models import Status
from responses.pdf import (
    DRAFT_ONLY_PHRASES,
    document_for_preview,
    document_for_version,
    render_snapshot,
)
from responses.services import response_import_published
from responses.workflow import WorkflowError
from tests.factories import RecommendationFactory, ReportFactory

from .conftest import PUBLISHED_ON

pytestmark = pytest.mark.django_db


def _frozen_text(response) -> str:
    version = response.versions.order_by("-number").first()
    return render_snapshot(document_for_version(version))


def _draft_text(response) -> str:
    return render_snapshot(document_for_preview(response))


def _publish_without_the_force(flow):
    """Invited (s55(4)) but the force never replied: the office drafts without waiting."""
    flow.write_text()
    flow.explain_all()
    flow.do("invite the force")
    flow.do("start drafting")
    flow.do("submit for approval")
    flow.do("approve")
    return flow.do("publish")


def _placeholders_in(text: str) -> list[str]:
    return [phrase for phrase in DRAFT_ONLY_PHRASES if phrase in text]


def test_a_draft_says_what_is_still_to_come(flow, norfolk):
    norfolk.holder_name = ""
    norfolk.save()

    text = _draft_text(flow.response)

    assert "Not yet signed" in text
    assert "No comments have been received from the Chief Constable yet." in text
    assert "DRAFT - not published" in text


def test_a_response_published_without_the_forces_comments_says_none_were_submitted(flow):
    assert "No comments have been received" in _draft_text(flow.response)

    published = _publish_without_the_force(flow)

    text = _frozen_text(published)
    assert "The Chief Constable did not submit comments." in text
    assert _placeholders_in(text) == []
    assert "Giles Orpen-Smellie" in text


def test_the_published_text_uses_the_offices_own_words_for_no_comments(flow, norfolk):
    norfolk.no_force_comments_text = "The Chief Constable chose not to comment on this report."
    norfolk.save()

    published = _publish_without_the_force(flow)

    text = _frozen_text(published)
    assert "The Chief Constable chose not to comment on this report." in text
    assert "did not submit comments" not in text


def test_publishing_without_a_signatory_is_refused(flow, norfolk):
    norfolk.holder_name = ""
    norfolk.save()
    flow.drive(Status.APPROVED)

    with pytest.raises(WorkflowError, match="name and title of the person who signs"):
        flow.do("publish")
    assert flow.refreshed().status == Status.APPROVED
    assert not flow.refreshed().versions.exists()


def test_the_signatory_given_at_publication_is_printed(flow, norfolk):
    from responses.services import response_publish

    norfolk.holder_name = ""
    norfolk.save()
    flow.drive(Status.APPROVED)

    published = response_publish(
        response=flow.refreshed(),
        published_on=PUBLISHED_ON,
        signatory_name="Sarah Taylor",
        signatory_title="Police and Crime Commissioner for Norfolk",
        acting_user=flow.approver,
    )

    assert (published.signatory_name, published.signatory_title) == (
        "Sarah Taylor",
        "Police and Crime Commissioner for Norfolk",
    )
    text = _frozen_text(published)
    assert "Sarah Taylor" in text
    assert _placeholders_in(text) == []


def test_the_signatory_defaults_to_the_holder_the_admin_recorded(flow, norfolk):
    flow.drive(Status.APPROVED)
    # The approval did not name anyone; the admin records the holder before publication.
    flow.response.__class__.objects.filter(pk=flow.response.pk).update(signatory_name="")
    norfolk.holder_name = "Sarah Taylor"
    norfolk.save()

    published = flow.do("publish")

    assert published.signatory_name == "Sarah Taylor"
    assert published.signatory_title == "Police and Crime Commissioner"


def test_an_imported_response_without_signatory_or_every_explanation_has_no_placeholder(
    norfolk, approver
):
    norfolk.holder_name = ""
    norfolk.save()
    report = ReportFactory(forces=[norfolk.force], published_on=date(2019, 3, 1))
    RecommendationFactory(report=report)

    imported = response_import_published(
        report=report,
        policing_body=norfolk,
        acting_user=approver,
        published_on=date(2019, 4, 1),
        office_comments="The commissioner welcomes the report.",
    )

    text = _frozen_text(imported)
    assert _placeholders_in(text) == []
    assert "No explanation was published for this recommendation." in text
    assert "The Chief Constable did not submit comments." in text

"""The statutory sentence says what s55 requires: comments on every report (with or without
recommendations), any comments of the chief officer (optional), within the 56 days beginning
with the day of publication, explaining each recommendation. One sentence, used by the
response document (PDF and public page) and the home page; frozen versions keep theirs."""

import re
from datetime import date

import pytest
from django.urls import reverse

from responses import statute
from responses.models import ResponseVersion, Status
from responses.pdf import document_for_preview, render_snapshot, version_freeze
from tests.factories import ReportFactory, make_response

pytestmark = pytest.mark.django_db

MISSTATEMENT = "respond to recommendations"


def _text(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text)


def test_the_sentence_is_worded_from_the_statute():
    duty = statute.DUTY

    assert MISSTATEMENT not in duty
    assert "every inspection report on its force, whether or not the report makes" in duty
    assert "any comments the chief officer submitted and any response to those comments" in duty
    assert "before the end of the period of 56 days beginning with the day" in duty
    assert (
        "For each recommendation, the body's comments must explain the action it has taken or "
        "proposes to take, or why it has not taken and does not propose to take any action."
    ) in duty


def test_the_response_document_states_the_duty_from_the_statute(response):
    text = _text(render_snapshot(document_for_preview(response)))

    assert statute.DUTY in text
    assert MISSTATEMENT not in text


def test_a_report_from_before_2_may_2017_is_not_given_the_56_day_rule():
    response = make_response(report=ReportFactory(published_on=date(2016, 3, 10)))

    text = _text(render_snapshot(document_for_preview(response)))

    assert statute.DUTY_BEFORE_COMMENCEMENT in text
    assert "56 days beginning" not in text
    assert "apply to reports published from 2 May 2017" in text


def test_the_home_page_does_not_make_the_chief_officers_comments_mandatory(client):
    text = _text(client.get(reverse("public:home")).content.decode())

    assert statute.DUTY in text
    assert MISSTATEMENT not in text
    assert "the chief officer's comments and" not in text
    assert "any comments the chief officer submitted" in text


def test_a_version_frozen_before_the_new_wording_keeps_its_own_text(flow):
    flow.drive(Status.PUBLISHED)
    version = version_freeze(version_id=flow.response.versions.get().pk, pdf=False)
    old = version.html_snapshot.replace(statute.DUTY, "the sentence it was published with")
    ResponseVersion.objects.filter(pk=version.pk).update(html_snapshot=old)

    again = version_freeze(version_id=version.pk, pdf=False)

    assert again.html_snapshot == old

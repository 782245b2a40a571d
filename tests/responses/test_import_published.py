"""`response_import_published`: a response the office published before it used the product,
recorded as published on its original date, marked as imported, with history."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from inspections.models import ReportType
from responses.models import Explanation, Response, Status
from responses.services import response_import_published
from responses.workflow import WorkflowError
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def _import(report, norfolk, approver, **overrides):
    arguments = {
        "report": report,
        "policing_body": norfolk,
        "acting_user": approver,
        "published_on": date(2020, 2, 20),
        "office_comments": "I welcome the report.",
        "force_comments": "The force accepts it.",
        "force_comments_author_name": "Paul Sanford",
        "force_comments_author_role": "Chief Constable",
    }
    return response_import_published(**(arguments | overrides))


def test_it_is_published_on_its_original_date_and_marked_imported(report, norfolk, approver):
    response = _import(report, norfolk, approver)
    assert response.status == Status.PUBLISHED
    assert response.imported
    assert response.published_on == date(2020, 2, 20)
    assert (response.due_date, response.publish_by) == (date(2020, 3, 2), date(2020, 3, 2))
    (version,) = response.versions.all()
    assert (version.number, version.published_on, version.published_by) == (
        1,
        date(2020, 2, 20),
        approver,
    )
    assert response.force_comments == "The force accepts it."
    assert response.signatory_title == norfolk.holder_title


def test_history_names_the_user_and_says_imported(report, norfolk, approver):
    response = _import(report, norfolk, approver)
    (record,) = response.history.all()
    assert (record.history_user, record.history_change_reason, record.status) == (
        approver,
        "Imported",
        Status.PUBLISHED,
    )


def test_the_workflow_guards_are_not_applied_to_what_was_already_published(
    report, norfolk, approver
):
    """No invitation (s55(4)), no explanations (s55(5B)) and no late reason (s55(5A)): the
    response was published before the office used the product."""
    late = _import(report, norfolk, approver, published_on=date(2020, 3, 10))
    assert late.force_invited_on is None and late.explanations.count() == 0
    assert late.late_reason == "" and late.published_on > late.due_date


def test_a_late_import_counts_as_late(report, norfolk, approver):
    response = _import(report, norfolk, approver, published_on=date(2020, 3, 3))
    assert response.published_on > response.due_date


def test_explanations_and_copies_come_with_it(report, norfolk, approver):
    r1 = report.findings.recommendations().first()
    response = _import(
        report,
        norfolk,
        approver,
        copies={"hmicfrs": date(2020, 2, 21), "panel": date(2020, 2, 24)},
        explanations=[(r1, "action_proposed", "I will monitor it.", "Accepted.")],
    )
    version = response.versions.get()
    assert (version.copy_hmicfrs_on, version.copy_panel_on) == (
        date(2020, 2, 21),
        date(2020, 2, 24),
    )
    explanation = Explanation.objects.get(response=response)
    assert (explanation.finding, explanation.kind, explanation.text, explanation.force_comment) == (
        r1,
        "action_proposed",
        "I will monitor it.",
        "Accepted.",
    )
    assert explanation.history.get().history_change_reason == "Imported"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"office_comments": "  "}, "comments"),
        ({"published_on": date(2020, 1, 6)}, "before the report"),
        # "tomorrow" is worked out when the test runs, not when it is collected: a run that
        # crosses midnight would otherwise try today's date and expect it to be refused.
        ({"published_on": "tomorrow"}, "cannot be in the future"),
        ({"copies": {"hmicfrs": date(2020, 2, 19)}}, "cannot be before the publication date"),
        ({"copies": {"press": date(2020, 2, 21)}}, "Unknown copy recipient"),
    ],
)
def test_what_is_still_checked(report, norfolk, approver, overrides, message):
    if overrides.get("published_on") == "tomorrow":
        overrides = {**overrides, "published_on": timezone.localdate() + timedelta(days=1)}
    with pytest.raises(WorkflowError, match=message):
        _import(report, norfolk, approver, **overrides)
    assert not Response.objects.exists()


def test_only_one_response_per_office_and_report(report, norfolk, approver):
    _import(report, norfolk, approver)
    with pytest.raises(WorkflowError, match="already has a response"):
        _import(report, norfolk, approver)


def test_never_for_a_report_without_a_section_55_duty(norfolk, approver):
    fire = ReportFactory(report_type=ReportType.FIRE)
    with pytest.raises(WorkflowError, match="does not need a Section 55 response"):
        _import(fire, norfolk, approver)


def test_an_explanation_for_another_reports_finding_is_refused(report, norfolk, approver):
    other = ReportFactory()
    from tests.factories import RecommendationFactory

    stranger = RecommendationFactory(report=other)
    with pytest.raises(WorkflowError, match="different report"):
        _import(report, norfolk, approver, explanations=[(stranger, "", "Text", "")])

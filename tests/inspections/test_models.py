"""Reports and their findings, recorded through the inspection services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from inspections.models import Finding, Grade, GradingFramework, Report, ReportType
from inspections.selectors import report_data_warnings
from inspections.services import finding_add, judgement_add, report_create

pytestmark = pytest.mark.django_db


# Whether s55 applies: a property of the report type, never a switch on the report.


def test_a_fire_report_never_attracts_section_55(staff):
    fire = report_create(
        acting_user=staff,
        title="Norfolk Fire and Rescue Service inspection",
        published_on=date(2022, 7, 27),
        report_type=ReportType.FIRE,
    )

    assert fire.attracts_s55 is False
    assert fire not in Report.objects.attracting_s55()


@pytest.mark.parametrize("report_type", [t for t in ReportType if t != ReportType.FIRE])
def test_every_other_report_type_attracts_section_55(staff, report_type):
    report = report_create(
        acting_user=staff,
        title="A police inspection report",
        published_on=date(2022, 11, 2),
        report_type=report_type,
    )

    assert report.attracts_s55 is True
    assert report in Report.objects.attracting_s55()


def test_a_report_has_no_switch_that_decides_section_55_for_every_office():
    names = {field.name for field in Report._meta.get_fields()}

    assert not names & {"s55_applies", "s55_exemption_reason"}


def test_report_create_records_who_and_why(staff, report):
    recorded = report.history.first()

    assert recorded.history_user == staff
    assert recorded.history_change_reason == "Report recorded"
    assert list(report.forces.values_list("slug", flat=True)) == ["norfolk"]


# Graded judgements belong to the grading framework of their report.


def _graded_report(staff, framework):
    return report_create(
        acting_user=staff,
        title=f"PEEL inspection ({framework})",
        published_on=date(2022, 4, 1),
        report_type=ReportType.PEEL,
        grading_framework=framework,
    )


def test_adequate_is_not_a_grade_under_the_four_grade_framework(staff):
    report = _graded_report(staff, GradingFramework.FOUR_GRADES)

    with pytest.raises(ValidationError) as refused:
        judgement_add(
            report=report, area="Investigating crime", grade=Grade.ADEQUATE, acting_user=staff
        )

    assert "grade" in refused.value.message_dict
    assert not report.judgements.exists()


def test_adequate_is_a_grade_under_the_five_grade_framework(staff):
    report = _graded_report(staff, GradingFramework.FIVE_GRADES)

    judgement = judgement_add(
        report=report, area="Investigating crime", grade=Grade.ADEQUATE, acting_user=staff
    )

    assert list(report.judgements.values_list("grade", flat=True)) == [Grade.ADEQUATE]
    assert str(judgement) == "Investigating crime: Adequate"


@pytest.mark.parametrize(
    "framework",
    [GradingFramework.FOUR_GRADES, GradingFramework.FIVE_GRADES, GradingFramework.NOT_GRADED],
)
def test_an_area_can_be_assessed_but_not_graded(staff, framework):
    report = _graded_report(staff, framework)

    judgement_add(report=report, area="Vetting", grade=Grade.NOT_GRADED, acting_user=staff)

    assert report.judgements.get().grade == Grade.NOT_GRADED


def test_a_report_that_is_not_graded_takes_no_grades(staff):
    report = _graded_report(staff, GradingFramework.NOT_GRADED)

    with pytest.raises(ValidationError):
        judgement_add(report=report, area="Overall", grade=Grade.GOOD, acting_user=staff)


# Recommendations' timescales: the text is kept and a date derived where possible.


@pytest.mark.parametrize(
    ("timescale_text", "kind", "target_date"),
    [
        ("Immediately", Finding.TimescaleKind.IMMEDIATE, None),
        ("Within six months", Finding.TimescaleKind.WITHIN_PERIOD, date(2020, 7, 7)),
        ("By 31 March 2021", Finding.TimescaleKind.BY_DATE, date(2021, 3, 31)),
        ("", Finding.TimescaleKind.NONE, None),
        ("When resources allow", Finding.TimescaleKind.UNRECOGNISED, None),
    ],
)
def test_finding_add_derives_a_recommendations_timescale(
    staff, report, timescale_text, kind, target_date
):
    recommendation = finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        text="The force should make sure it records all violent crime.",
        timescale_text=timescale_text,
        acting_user=staff,
    )

    stored = Finding.objects.get(pk=recommendation.pk)
    assert (stored.timescale_kind, stored.target_date) == (kind, target_date)
    assert stored.timescale_text == timescale_text


def test_only_recommendations_get_a_target_date(staff, report):
    afi = finding_add(
        report=report,
        kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
        text="The force should improve how it records equality information.",
        timescale_text="Within six months",
        acting_user=staff,
    )

    stored = Finding.objects.get(pk=afi.pk)
    assert (stored.timescale_kind, stored.target_date) == (Finding.TimescaleKind.NONE, None)


def test_findings_are_numbered_in_the_order_added(staff, report):
    for text in ("First.", "Second.", "Third."):
        finding_add(report=report, kind=Finding.Kind.KEY_FINDING, text=text, acting_user=staff)

    assert list(report.findings.values_list("text", "position")) == [
        ("First.", 1),
        ("Second.", 2),
        ("Third.", 3),
    ]


# Addressees.


def test_an_unknown_addressee_is_refused(staff, report):
    with pytest.raises(ValidationError) as refused:
        finding_add(
            report=report,
            kind=Finding.Kind.RECOMMENDATION,
            text="Someone should do something.",
            addressees=["force", "the_pope"],
            acting_user=staff,
        )

    assert "Unknown addressee: the_pope." in refused.value.message_dict["addressees"]
    assert not report.findings.exists()


def test_a_recommendation_for_the_home_office_is_not_for_local_action(staff, report):
    national = finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        text="The Home Office should fund the change.",
        addressees=["home_office"],
        acting_user=staff,
    )
    local = finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        text="Chief constables and the Home Office should act.",
        addressees=["chief_constables", "home_office"],
        acting_user=staff,
    )

    assert national.is_for_local_action is False
    assert national.addressee_labels == ["The Home Office"]
    assert local.is_for_local_action is True


# Data-quality warnings: a cause of concern always comes with a recommendation.


def _cause_of_concern(staff, report):
    return finding_add(
        report=report,
        kind=Finding.Kind.CAUSE_OF_CONCERN,
        reference="CoC1",
        text="The force is failing to record all violent crime reported to it.",
        acting_user=staff,
    )


def test_a_cause_of_concern_without_a_recommendation_is_warned_about(staff, report):
    _cause_of_concern(staff, report)

    warnings = report_data_warnings(report)

    assert len(warnings) == 1
    assert "The cause of concern CoC1 has no recommendation linked to it" in warnings[0]


def test_a_cause_of_concern_with_a_linked_recommendation_is_not_warned_about(staff, report):
    cause = _cause_of_concern(staff, report)
    finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        reference="R1",
        text="The force should train its supervisors.",
        cause_of_concern=cause,
        acting_user=staff,
    )

    assert report_data_warnings(report) == []


def test_a_recommendation_elsewhere_in_the_report_does_not_silence_the_warning(staff, report):
    _cause_of_concern(staff, report)
    finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        reference="R1",
        text="An unrelated recommendation.",
        acting_user=staff,
    )

    assert len(report_data_warnings(report)) == 1


def test_only_a_recommendation_can_belong_to_a_cause_of_concern(staff, report):
    cause = _cause_of_concern(staff, report)

    with pytest.raises(ValidationError) as refused:
        finding_add(
            report=report,
            kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
            text="An area for improvement.",
            cause_of_concern=cause,
            acting_user=staff,
        )

    assert "cause_of_concern" in refused.value.message_dict


def test_covering_force_lists_each_report_once_whoever_else_it_covers(db):
    from accounts.models import Force
    from inspections.models import Scope
    from tests.factories import ReportFactory

    norfolk, suffolk = Force.objects.get(slug="norfolk"), Force.objects.get(slug="suffolk")
    both = ReportFactory(title="Norfolk and Suffolk", forces=[norfolk, suffolk])
    national = ReportFactory(title="National", scope=Scope.NATIONAL, forces=[norfolk, suffolk])
    # A national report concerns every force, whether or not it lists any.
    unlisted = ReportFactory(title="Across England and Wales", scope=Scope.NATIONAL, forces=[])
    ReportFactory(title="Suffolk only", forces=[suffolk])

    covering = Report.objects.covering_force(norfolk).order_by("title")

    assert list(covering) == [unlisted, national, both]
    assert covering.count() == 3
    assert [d.year for d in covering.dates("published_on", "year")] == sorted(
        {r.published_on.year for r in (unlisted, national, both)}
    )

"""The report pages: the list with its filters and search, recording and editing a report,
its repeatable sections (add, remove, reorder, paste several), the report page and its history.
Data through the real services; pages through Django's test client."""

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from inspections.forms import split_pasted
from inspections.models import Addressee, Finding, GradedJudgement, Report, ReportType, Scope
from inspections.services import report_create, section_version
from responses.models import Explanation, Response, Status
from tests.factories import (
    AfiFactory,
    FindingFactory,
    RecommendationFactory,
    ReportFactory,
    force,
    force_user,
    make_response,
    office_user,
    policing_body,
)
from tests.responses import test_views as response_pages

pytestmark = pytest.mark.django_db

#: Browser tests load the reference data themselves (see the fixture's docstring).
reference_data = response_pages.reference_data


@pytest.fixture
def norfolk():
    return policing_body("norfolk-pcc")


@pytest.fixture
def drafter(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_DRAFTER, full_name="Dana Drafter")


@pytest.fixture
def cdi(drafter):
    """Norfolk's CDI 2019 report, recorded through the real service."""
    return report_create(
        acting_user=drafter,
        forces=[force("norfolk")],
        title="Norfolk Constabulary Crime Data Integrity inspection 2019",
        published_on=date(2020, 1, 7),
        report_type=ReportType.CRIME_DATA_INTEGRITY,
    )


def text_of(html: bytes) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html.decode()))).strip()


def errors_in_summary(html: bytes) -> str:
    match = re.search(rb'<div class="govuk-error-summary".*?</div>\s*</div>\s*</div>', html, re.S)
    assert match, "no GOV.UK error summary on the page"
    return text_of(match.group(0))


def section_url(report, section):
    return reverse("inspections:report-section", args=[report.pk, section])


def management(prefix="form", total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "500",
    }


def section_post(report, kind, rows, *, paste="", version=None):
    """The POST of a section page: `rows` are dicts of each row's fields (with "pk" for the
    saved ones, which must come first, as the page shows them)."""
    initial = sum(1 for row in rows if row.get("pk"))
    data = management(total=len(rows), initial=initial)
    for index, row in enumerate(rows):
        for name, value in row.items():
            if isinstance(value, list):
                data[f"form-{index}-{name}"] = value
            elif value is not None:
                data[f"form-{index}-{name}"] = str(value)
    data["paste"] = paste
    data["version"] = version if version is not None else section_version(report, kind)
    return data


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_the_offices_reports_and_national_ones_only(client, drafter, cdi):
    national = ReportFactory(
        title="Vetting, misconduct and misogyny", scope=Scope.NATIONAL, forces=[]
    )
    suffolk_only = ReportFactory(title="Suffolk PEEL 2022", forces=[force("suffolk")])
    client.force_login(drafter)

    text = text_of(client.get(reverse("inspections:report-list")).content)

    assert cdi.title in text
    assert national.title in text
    assert suffolk_only.title not in text


def test_the_list_filters_by_year_type_and_response_status_and_searches(
    client, drafter, norfolk, cdi
):
    peel = ReportFactory(
        title="PEEL 2023 Norfolk", published_on=date(2023, 5, 2), report_type=ReportType.PEEL
    )
    make_response(report=cdi, body=norfolk, acting_user=drafter)
    client.force_login(drafter)
    listing = reverse("inspections:report-list")

    def titles(**query):
        text = text_of(client.get(listing, query).content)
        return {title for title in (cdi.title, peel.title) if title in text}

    assert titles(year=2020) == {cdi.title}
    assert titles(report_type="peel") == {peel.title}
    assert titles(status="none") == {peel.title}
    assert titles(status=Status.NOT_STARTED) == {cdi.title}
    assert titles(q="integrity norfolk") == {cdi.title}
    assert titles(q="nothing like this") == set()


def test_the_list_is_paginated_keeping_the_filters(client, drafter):
    for n in range(30):
        ReportFactory(title=f"Report {n:02d}", report_type=ReportType.PEEL)
    client.force_login(drafter)

    page = client.get(reverse("inspections:report-list"), {"report_type": "peel"})

    html = page.content.decode()
    assert "30 reports" in text_of(page.content)
    assert 'href="?report_type=peel&amp;page=2"' in html


def test_the_list_makes_the_same_number_of_queries_for_5_or_50_reports(
    client, drafter, norfolk, django_assert_num_queries
):
    for _ in range(5):
        make_response(report=ReportFactory(), body=norfolk, acting_user=drafter)
    client.force_login(drafter)
    client.get(reverse("inspections:report-list"))
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("inspections:report-list"))
    for _ in range(45):
        ReportFactory()

    with django_assert_num_queries(len(five.captured_queries)):
        client.get(reverse("inspections:report-list"))


# --- Recording and editing a report ----------------------------------------------------------


def details(**overrides):
    data = {
        "title": "Norfolk Constabulary Crime Data Integrity inspection 2019",
        "hmicfrs_url": "https://hmicfrs.justiceinspectorates.gov.uk/publications/norfolk-cdi-2019/",
        "published_on_day": "7",
        "published_on_month": "1",
        "published_on_year": "2020",
        "report_type": ReportType.CRIME_DATA_INTEGRITY,
        "inspection_type_label": "Thematic",
        "scope": Scope.FORCE,
        "forces": [str(force("norfolk").pk)],
        "lead_inspectorate": "hmicfrs",
        "grading_framework": "four",
        "summary": "",
    }
    data.update(overrides)
    return data


def test_recording_a_report_goes_through_the_service_and_opens_its_page(client, drafter):
    client.force_login(drafter)

    page = client.post(reverse("inspections:report-create"), details())

    report = Report.objects.get(title="Norfolk Constabulary Crime Data Integrity inspection 2019")
    assert page.status_code == 302
    assert page.url == reverse("inspections:report-detail", args=[report.pk])
    assert report.published_on == date(2020, 1, 7)
    assert list(report.forces.all()) == [force("norfolk")]
    assert report.history.first().history_user == drafter
    assert report.history.first().history_change_reason == "Report recorded"


def test_the_new_report_form_preselects_the_offices_force(client, drafter):
    client.force_login(drafter)

    html = client.get(reverse("inspections:report-create")).content.decode()

    norfolk_id = force("norfolk").pk
    assert re.search(rf'<input[^>]*value="{norfolk_id}"[^>]*checked', html)


def test_a_bad_date_and_a_missing_title_are_explained(client, drafter):
    client.force_login(drafter)

    page = client.post(
        reverse("inspections:report-create"),
        details(title="", published_on_day="31", published_on_month="2"),
    )

    assert page.status_code == 200
    summary = errors_in_summary(page.content)
    assert "Date published must be a real date" in summary
    assert "This field is required" in summary or "Enter" in summary
    assert not Report.objects.exists()


def test_a_force_specific_report_needs_exactly_one_force(client, drafter):
    client.force_login(drafter)

    page = client.post(
        reverse("inspections:report-create"),
        details(forces=[str(force("norfolk").pk), str(force("suffolk").pk)]),
    )

    assert "Select the one force a force-specific report covers" in errors_in_summary(page.content)


def test_a_fire_report_never_needs_a_section_55_response(client, drafter):
    client.force_login(drafter)

    client.post(
        reverse("inspections:report-create"),
        details(title="Norfolk Fire and Rescue Service 2022", report_type=ReportType.FIRE),
    )

    report = Report.objects.get(title="Norfolk Fire and Rescue Service 2022")
    assert report.attracts_s55 is False
    assert not Response.objects.filter(report=report).exists()


def test_recording_a_report_opens_the_response_of_the_body_it_covers(client, drafter, norfolk):
    client.force_login(drafter)

    client.post(reverse("inspections:report-create"), details())

    report = Report.objects.get(title="Norfolk Constabulary Crime Data Integrity inspection 2019")
    response = Response.objects.get(report=report)
    assert (response.policing_body, response.status) == (norfolk, Status.NOT_STARTED)
    assert response.due_date == date(2020, 3, 2)


def test_recording_a_national_report_opens_a_response_for_every_body(client, drafter):
    client.force_login(drafter)

    client.post(
        reverse("inspections:report-create"),
        details(
            title="Vetting, misconduct and misogyny",
            report_type=ReportType.NATIONAL_THEMATIC,
            scope=Scope.NATIONAL,
            forces=[],
        ),
    )

    report = Report.objects.get(title="Vetting, misconduct and misogyny")
    assert report.responses.count() == 43
    assert set(report.responses.values_list("status", flat=True)) == {Status.NOT_STARTED}


def test_a_force_added_by_a_correction_gets_its_response(client, drafter, norfolk, cdi):
    # The forces a report covers are a shared fact: they change through a correction (they
    # used to change on the details page).
    client.force_login(drafter)
    correct = reverse("corrections:new", args=[cdi.pk])

    page = client.post(
        correct,
        details(
            scope=Scope.MULTI_FORCE,
            forces=[str(force("norfolk").pk), str(force("suffolk").pk)],
            reason="The report covers Suffolk too.",
        ),
    )

    assert page.status_code == 302
    opened = Response.objects.get(report=cdi, policing_body__slug="suffolk-pcc")
    assert opened.status == Status.NOT_STARTED


def test_editing_the_details_saves_them_and_the_forces(client, drafter, cdi):
    client.force_login(drafter)
    edit = reverse("inspections:report-edit", args=[cdi.pk])
    version = re.search(r'name="version" value="([^"]+)"', client.get(edit).content.decode())[1]

    page = client.post(
        edit, details(title="Norfolk CDI 2019", summary="Requires improvement.", version=version)
    )

    assert page.status_code == 302
    cdi.refresh_from_db()
    assert cdi.title == "Norfolk CDI 2019"
    assert cdi.summary == "Requires improvement."


def test_the_publication_date_is_corrected_on_its_own_page_with_a_reason(
    client, drafter, norfolk, cdi
):
    # The edit page used to take a new date with a reason; the date is now one of the shared
    # facts a correction changes (recorded, in every response's history, told to each office).
    response = make_response(report=cdi, body=norfolk, acting_user=drafter)
    client.force_login(drafter)
    edit = reverse("inspections:report-edit", args=[cdi.pk])
    version = re.search(r'name="version" value="([^"]+)"', client.get(edit).content.decode())[1]

    client.post(edit, details(published_on_day="8", version=version))
    assert Report.objects.get(pk=cdi.pk).published_on == date(2020, 1, 7)

    correct = reverse("corrections:new", args=[cdi.pk])
    moved = details(published_on_day="8")
    refused = client.post(correct, moved)

    assert "Enter why the report is being corrected" in errors_in_summary(refused.content)
    assert Report.objects.get(pk=cdi.pk).published_on == date(2020, 1, 7)

    page = client.post(correct, moved | {"reason": "HMICFRS published a day later."})

    assert page.status_code == 302
    assert Report.objects.get(pk=cdi.pk).published_on == date(2020, 1, 8)
    assert Response.objects.get(pk=response.pk).due_date == date(2020, 3, 3)


def test_a_2000_character_correction_reason_is_kept_whole_in_every_history(
    client, drafter, norfolk, cdi
):
    response = make_response(report=cdi, body=norfolk, acting_user=drafter)
    reason = ("HMICFRS put the report on its website a day after the date on its cover. " * 30)[
        :2000
    ].strip()
    client.force_login(drafter)
    # The date is corrected on the correction page (it used to be the edit page).
    correct = reverse("corrections:new", args=[cdi.pk])

    page = client.post(correct, details(published_on_day="8") | {"reason": reason})

    assert page.status_code == 302
    assert cdi.history.first().history_change_reason.endswith(reason)
    assert Response.history.filter(id=response.pk).first().history_change_reason.endswith(reason)
    history = client.get(reverse("inspections:report-history", args=[cdi.pk])).content.decode()
    assert reason in unescape(history)


def test_a_stale_details_edit_is_refused_and_keeps_the_editors_text(client, drafter, cdi):
    client.force_login(drafter)
    edit = reverse("inspections:report-edit", args=[cdi.pk])
    version = re.search(r'name="version" value="([^"]+)"', client.get(edit).content.decode())[1]
    other = office_user(policing_body("norfolk-pcc"))
    client.force_login(other)
    client.post(edit, details(summary="The other person's summary.", version=version))
    client.force_login(drafter)

    page = client.post(edit, details(summary="My own summary.", version=version))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Someone else changed this report" in html
    assert "My own summary." in html  # kept in the form
    assert "The other person's summary." in text_of(page.content)  # their change, shown
    assert Report.objects.get(pk=cdi.pk).summary == "The other person's summary."


# --- Sections ------------------------------------------------------------------------------


def test_adding_recommendations_with_addressees_and_a_derived_timescale(client, drafter, cdi):
    client.force_login(drafter)

    page = client.post(
        section_url(cdi, "recommendations"),
        section_post(
            cdi,
            Finding.Kind.RECOMMENDATION,
            [
                {
                    "reference": "",
                    "text": "The force should immediately review its backlog.",
                    "addressees": [Addressee.FORCE.value],
                    "timescale_text": "within six months",
                    "ORDER": "",
                },
            ],
        ),
    )

    assert page.status_code == 302
    rec = Finding.objects.get(report=cdi, kind=Finding.Kind.RECOMMENDATION)
    assert rec.reference == "R1"
    assert rec.addressees == ["force"]
    assert rec.timescale_kind == Finding.TimescaleKind.WITHIN_PERIOD
    assert rec.target_date == date(2020, 7, 7)
    assert rec.history.first().history_change_reason == "Recommendation added"
    shown = text_of(client.get(section_url(cdi, "recommendations")).content)
    assert "by 7 July 2020" in shown


def test_a_recommendation_needs_an_addressee(client, drafter, cdi):
    client.force_login(drafter)

    page = client.post(
        section_url(cdi, "recommendations"),
        section_post(
            cdi,
            Finding.Kind.RECOMMENDATION,
            [{"reference": "R1", "text": "Do it.", "addressees": [], "timescale_text": ""}],
        ),
    )

    assert "Item 1: Select who the recommendation is addressed to" in errors_in_summary(
        page.content
    )
    assert not Finding.objects.filter(report=cdi).exists()


def test_pasting_several_items_adds_one_per_line_numbered_in_order(client, drafter, cdi):
    client.force_login(drafter)
    pasted = (
        "- take steps to identify and address gaps;\n"
        "- provide further crime recording training; and\n"
        "- make sure that it adequately supervises **all** crime recording decisions.\n"
    )

    page = client.post(
        section_url(cdi, "recommendations"),
        section_post(cdi, Finding.Kind.RECOMMENDATION, [], paste=pasted),
    )

    assert page.status_code == 302
    recs = list(Finding.objects.filter(report=cdi).recommendations().order_by("position"))
    assert [r.reference for r in recs] == ["R1", "R2", "R3"]
    assert (
        recs[2].text == "make sure that it adequately supervises **all** crime recording decisions."
    )
    assert all(r.addressees == ["force"] for r in recs)


def test_forty_items_can_be_entered_in_one_save(client, drafter, cdi):
    client.force_login(drafter)
    pasted = "\n".join(f"Area for improvement number {n}." for n in range(1, 41))

    client.post(
        section_url(cdi, "areas-for-improvement"),
        section_post(cdi, Finding.Kind.AREA_FOR_IMPROVEMENT, [], paste=pasted),
    )

    afis = list(Finding.objects.filter(report=cdi).areas_for_improvement().order_by("position"))
    assert len(afis) == 40
    assert afis[0].reference == "AFI1" and afis[39].reference == "AFI40"


def test_split_pasted_keeps_a_findings_own_bullets_with_it():
    pasted = (
        "We also found the force has:\n"
        "- created an action plan;\n"
        "• effective processes.\n"
        "Work remains to be done, however.\n"
    )

    assert split_pasted(pasted) == [
        "We also found the force has:\n- created an action plan;\n- effective processes.",
        "Work remains to be done, however.",
    ]
    assert split_pasted("1. first\n2. second\n") == ["first", "second"]
    assert split_pasted("  \n\n") == []


def test_reordering_removing_and_editing_in_one_save(client, drafter, cdi):
    a = FindingFactory(report=cdi, text="First.")
    b = FindingFactory(report=cdi, text="Second.")
    c = FindingFactory(report=cdi, text="Third.")
    rec = RecommendationFactory(report=cdi)
    client.force_login(drafter)

    page = client.post(
        section_url(cdi, "key-findings"),
        section_post(
            cdi,
            Finding.Kind.KEY_FINDING,
            [
                {"pk": a.pk, "reference": "", "text": "First.", "ORDER": "2"},
                {"pk": b.pk, "reference": "", "text": "Second.", "ORDER": "", "DELETE": "on"},
                {"pk": c.pk, "reference": "", "text": "Third, corrected.", "ORDER": "1"},
            ],
        ),
    )

    assert page.status_code == 302
    kept = list(Finding.objects.filter(report=cdi).key_findings().order_by("position"))
    assert [f.text for f in kept] == ["Third, corrected.", "First."]
    assert not Finding.objects.filter(pk=b.pk).exists()
    # The recommendation of another section keeps its place after the key findings.
    assert Finding.objects.get(pk=rec.pk).position > max(f.position for f in kept)
    assert Finding.history.filter(id=b.pk).first().history_change_reason == "Key finding removed"


def test_a_recommendation_a_response_has_answered_cannot_be_removed(client, drafter, norfolk, cdi):
    rec = RecommendationFactory(report=cdi)
    response = make_response(report=cdi, body=norfolk, acting_user=drafter)
    Explanation.objects.create(response=response, finding=rec, kind="action_taken", text="Done.")
    client.force_login(drafter)

    page = client.post(
        section_url(cdi, "recommendations"),
        section_post(
            cdi,
            Finding.Kind.RECOMMENDATION,
            [
                {
                    "pk": rec.pk,
                    "reference": rec.reference,
                    "text": rec.text,
                    "addressees": ["force"],
                    "timescale_text": "",
                    "DELETE": "on",
                }
            ],
        ),
    )

    assert page.status_code == 200
    assert "R1 cannot be removed: Norfolk OPCC's response has already answered it." in (
        errors_in_summary(page.content)
    )
    assert Finding.objects.filter(pk=rec.pk).exists()


def test_a_tracked_recommendation_cannot_be_removed(client, drafter, norfolk, cdi):
    from tracking.models import TrackerItem

    rec = RecommendationFactory(report=cdi)
    TrackerItem.objects.create(
        finding=rec, report=cdi, policing_body=norfolk, tracked_on=date(2020, 3, 1)
    )
    client.force_login(drafter)

    page = client.post(
        section_url(cdi, "recommendations"),
        section_post(
            cdi,
            Finding.Kind.RECOMMENDATION,
            [
                {
                    "pk": rec.pk,
                    "reference": rec.reference,
                    "text": rec.text,
                    "addressees": ["force"],
                    "timescale_text": "",
                    "DELETE": "on",
                }
            ],
        ),
    )

    assert page.status_code == 200
    assert "R1 cannot be removed: it is being tracked" in errors_in_summary(page.content)
    assert Finding.objects.filter(pk=rec.pk).exists()


def test_a_stale_section_save_is_refused_and_keeps_the_editors_rows(client, drafter, cdi):
    a = FindingFactory(report=cdi, text="Original.")
    opened = section_version(cdi, Finding.Kind.KEY_FINDING)
    client.force_login(office_user(policing_body("norfolk-pcc")))
    client.post(
        section_url(cdi, "key-findings"),
        section_post(
            cdi, Finding.Kind.KEY_FINDING, [{"pk": a.pk, "text": "Their edit.", "reference": ""}]
        ),
    )
    client.force_login(drafter)

    page = client.post(
        section_url(cdi, "key-findings"),
        section_post(
            cdi,
            Finding.Kind.KEY_FINDING,
            [{"pk": a.pk, "text": "My edit.", "reference": ""}],
            version=opened,
        ),
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "Someone else changed the key findings" in html
    assert "My edit." in html
    assert "Their edit." in html
    assert Finding.objects.get(pk=a.pk).text == "Their edit."
    # The page now carries the current version: saving again is the editor's informed choice.
    version = re.search(r'name="version" value="([^"]+)"', html)[1]
    assert version == section_version(cdi, Finding.Kind.KEY_FINDING)


def test_save_and_add_another_returns_with_an_extra_row(client, drafter, cdi):
    client.force_login(drafter)
    data = section_post(
        cdi, Finding.Kind.KEY_FINDING, [{"reference": "", "text": "One.", "ORDER": ""}]
    )

    page = client.post(section_url(cdi, "key-findings"), data | {"add_another": "1"})

    assert page.status_code == 302
    assert "?add=1" in page.url
    again = client.get(page.url).content.decode()
    assert 'name="form-TOTAL_FORMS" value="3"' in again  # the saved one, plus two blank rows


def test_graded_judgements_are_added_and_checked_against_the_framework(client, drafter, cdi):
    client.force_login(drafter)
    rows = [{"area": "Crime data integrity", "grade": "adequate"}]

    # "Adequate" is a grade only from PEEL 2021/22; this report is not graded at all.
    refused = client.post(section_url(cdi, "judgements"), section_post(cdi, "judgements", rows))

    assert "Select a valid choice" in errors_in_summary(refused.content)

    Report.objects.filter(pk=cdi.pk).update(grading_framework="four")
    refused = client.post(section_url(cdi, "judgements"), section_post(cdi, "judgements", rows))
    assert "Select a valid choice" in errors_in_summary(refused.content)

    rows[0]["grade"] = "requires_improvement"
    page = client.post(section_url(cdi, "judgements"), section_post(cdi, "judgements", rows))

    assert page.status_code == 302
    judgement = GradedJudgement.objects.get(report=cdi)
    assert judgement.get_grade_display() == "Requires improvement"


# --- The report page -----------------------------------------------------------------------


def test_the_report_page_shows_findings_in_order_with_warnings_and_the_response(
    client, drafter, cdi
):
    FindingFactory(report=cdi, text="A key finding.")
    FindingFactory(report=cdi, kind=Finding.Kind.CAUSE_OF_CONCERN, text="A cause of concern.")
    RecommendationFactory(report=cdi, text="Recommendation one.", timescale_text="immediately")
    AfiFactory(report=cdi, text="An area for improvement.")
    client.force_login(drafter)

    page = client.get(reverse("inspections:report-detail", args=[cdi.pk]))

    text = text_of(page.content)
    assert "has no recommendation linked to it" in text  # report_data_warnings
    sections = text[text.index("Graded judgements") :]
    order = [
        "A key finding.",
        "A cause of concern.",
        "Recommendation one.",
        "An area for improvement.",
    ]
    assert [sections.index(t) for t in order] == sorted(sections.index(t) for t in order)
    assert "No response started" in text or "has not started" in text
    assert "Start the response" in text


def test_start_the_response_creates_it_and_opens_its_page(client, drafter, norfolk, cdi):
    client.force_login(drafter)

    page = client.post(reverse("inspections:start-response", args=[cdi.pk]))

    response = Response.objects.get(report=cdi, policing_body=norfolk)
    assert page.status_code == 302
    assert page.url == reverse("responses:detail", args=[response.pk])
    assert response.due_date == date(2020, 3, 2)


def test_start_the_response_is_refused_with_the_reason_for_a_fire_report(client, drafter):
    fire = ReportFactory(report_type=ReportType.FIRE)
    client.force_login(drafter)

    page = client.post(reverse("inspections:start-response", args=[fire.pk]))

    assert page.status_code == 400
    assert "does not need a Section 55 response" in errors_in_summary(page.content)
    assert not Response.objects.exists()


def test_the_report_page_makes_the_same_number_of_queries_with_5_or_50_recommendations(
    client, drafter, norfolk, django_assert_num_queries
):
    def report_with(n):
        report = ReportFactory()
        FindingFactory(report=report, kind=Finding.Kind.CAUSE_OF_CONCERN)
        for _ in range(n):
            RecommendationFactory(report=report)
        make_response(report=report, body=norfolk, acting_user=drafter)
        return report

    small, large = report_with(5), report_with(50)
    client.force_login(drafter)
    client.get(reverse("inspections:report-detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("inspections:report-detail", args=[small.pk]))

    with django_assert_num_queries(len(five.captured_queries)):
        client.get(reverse("inspections:report-detail", args=[large.pk]))


def test_the_history_names_findings_and_shows_what_changed(client, drafter, cdi):
    client.force_login(drafter)
    client.post(
        section_url(cdi, "recommendations"),
        section_post(
            cdi,
            Finding.Kind.RECOMMENDATION,
            [{"reference": "R1", "text": "Fix it.", "addressees": ["force"], "timescale_text": ""}],
        ),
    )
    rec = Finding.objects.get(report=cdi)
    client.post(
        section_url(cdi, "recommendations"),
        section_post(
            cdi,
            Finding.Kind.RECOMMENDATION,
            [
                {
                    "pk": rec.pk,
                    "reference": "R1",
                    "text": "Fix it.",
                    "addressees": ["force", "home_office"],
                    "timescale_text": "",
                }
            ],
        ),
    )

    text = text_of(client.get(reverse("inspections:report-history", args=[cdi.pk])).content)

    assert "Recommendation R1: Recommendation edited" in text
    assert "Addressees Changed from The force → to The force, The Home Office" in text
    assert "Dana Drafter" in text
    assert "Report details: Report recorded" in text


# --- Who may see what ----------------------------------------------------------------------


def test_another_forces_report_is_not_found(client, drafter):
    suffolk_only = ReportFactory(forces=[force("suffolk")])
    client.force_login(drafter)

    for name in ("report-detail", "report-edit", "report-history"):
        assert client.get(reverse(f"inspections:{name}", args=[suffolk_only.pk])).status_code == 404
    assert client.get(section_url(suffolk_only, "recommendations")).status_code == 404
    assert (
        client.post(reverse("inspections:start-response", args=[suffolk_only.pk])).status_code
        == 404
    )


def test_force_contributors_and_anonymous_people_cannot_use_the_report_pages(client, cdi):
    assert client.get(reverse("inspections:report-list")).status_code == 302
    client.force_login(force_user(force("norfolk")))

    assert client.get(reverse("inspections:report-list")).status_code == 403
    assert client.get(reverse("inspections:report-detail", args=[cdi.pk])).status_code == 403


def test_an_unknown_section_is_not_found(client, drafter, cdi):
    client.force_login(drafter)

    assert client.get(section_url(cdi, "nonsense")).status_code == 404


# --- In a real browser: accessibility, a 320 px screen ----------------------------------------


@pytest.mark.browser
def test_every_report_page_passes_axe_and_fits_a_320px_screen(
    reference_data, live_server, page, axe, screenshot_dir
):
    _check_page, _sign_in = response_pages._check_page, response_pages._sign_in

    drafter = office_user(policing_body("norfolk-pcc"), full_name="Dana Drafter")
    cdi = report_create(
        acting_user=drafter,
        forces=[force("norfolk")],
        title="Norfolk Constabulary Crime Data Integrity inspection 2019",
        published_on=date(2020, 1, 7),
        report_type=ReportType.CRIME_DATA_INTEGRITY,
        grading_framework="four",
        hmicfrs_url="https://hmicfrs.justiceinspectorates.gov.uk/publications/a-very-long-address-that-must-wrap-on-a-small-screen/",
    )
    FindingFactory(report=cdi, text="We also found the force has:\n\n- a plan;\n- a team.")
    cause = FindingFactory(report=cdi, kind=Finding.Kind.CAUSE_OF_CONCERN, reference="CoC1")
    RecommendationFactory(report=cdi, cause_of_concern=cause, timescale_text="immediately")
    RecommendationFactory(report=cdi, addressees=[Addressee.HOME_OFFICE.value])
    AfiFactory(report=cdi)
    _sign_in(page.context, live_server, drafter)
    base = live_server.url
    pages = {
        "report-list": reverse("inspections:report-list"),
        "report-list-filtered": reverse("inspections:report-list") + "?year=2020&q=norfolk",
        "report-create": reverse("inspections:report-create"),
        "report-detail": reverse("inspections:report-detail", args=[cdi.pk]),
        "report-edit": reverse("inspections:report-edit", args=[cdi.pk]),
        "report-history": reverse("inspections:report-history", args=[cdi.pk]),
        "section-judgements": section_url(cdi, "judgements"),
        "section-key-findings": section_url(cdi, "key-findings"),
        "section-recommendations": section_url(cdi, "recommendations"),
    }
    for name, path in pages.items():
        _check_page(page, axe, base + path, screenshot_dir, name)

    # A section page with errors: the error summary and the fields in error pass too.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + section_url(cdi, "recommendations"))
    page.get_by_label("Addressed to", exact=False).first  # noqa: B018 - present
    page.locator('input[name="form-0-addressees"]:checked').uncheck()
    page.get_by_role("button", name="Save and return to the report").click()
    page.wait_for_selector(".govuk-error-summary")
    assert "Select who the recommendation is addressed to" in page.inner_text(
        ".govuk-error-summary"
    )
    assert axe(page) == []

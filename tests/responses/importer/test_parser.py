"""The parser: the reference document and six other layouts read into the expected structure,
and the rules for real-world text (line endings, quotes, bullets, lists, wrapped lines,
headings, dates) one by one."""

from datetime import date

import pytest

from inspections.models import Addressee, Finding, Grade, GradingFramework, ReportType, Scope
from responses.demo import norfolk_cdi_2019 as demo
from responses.importer import parser
from responses.importer.extract import extract_upload

from .conftest import FORCE_NAMES, NORFOLK, fixture_bytes, fixture_text


def parse(text: str) -> parser.ParseResult:
    return parser.parse(text, forces=FORCE_NAMES)


def kinds(result, kind):
    return [item for item in result.items if item.kind == kind]


def covered(result) -> set[int]:
    positions = set()
    for span in result.placed_spans() + result.not_placed_spans():
        positions.update(range(span.start, span.end))
    return positions


def assert_covers_input(result) -> None:
    """Every non-space character of the input is in a placed or a not-placed span."""
    seen = covered(result)
    missing = [i for i, c in enumerate(result.source) if not c.isspace() and i not in seen]
    assert not missing, repr(result.source[missing[0] : missing[0] + 60])


# --- The reference document ----------------------------------------------------------------


@pytest.fixture(scope="module")
def norfolk():
    return parse(fixture_text(NORFOLK))


def test_norfolk_report_details(norfolk):
    assert norfolk.title.value == "Norfolk Constabulary Crime Data Integrity inspection 2019"
    assert norfolk.published_on.value == date(2020, 1, 7)
    assert norfolk.inspection_type_label.value == "Thematic"
    assert norfolk.report_type.value == ReportType.CRIME_DATA_INTEGRITY
    assert [force.value for force in norfolk.forces] == ["norfolk"]
    assert norfolk.scope == Scope.FORCE


def test_norfolk_overall_judgement_comes_from_the_commissioners_words(norfolk):
    assert [(j.area, j.grade) for j in norfolk.judgements] == [
        ("Crime data integrity", Grade.REQUIRES_IMPROVEMENT)
    ]
    assert norfolk.grading_framework == GradingFramework.FOUR_GRADES


def test_norfolk_key_findings_are_the_demos_with_four_bullets_in_the_first_list(norfolk):
    findings = kinds(norfolk, parser.KEY_FINDING)
    assert [f.text for f in findings] == demo.KEY_FINDINGS
    first_list = next(f for f in findings if f.bullets)
    assert len(first_list.bullets) == 4
    assert first_list.bullets[0].startswith("created and implemented a crime data integrity")


def test_norfolk_cause_of_concern(norfolk):
    causes = kinds(norfolk, parser.CAUSE_OF_CONCERN)
    assert [(c.reference, c.text) for c in causes] == [("Cause of concern", demo.CAUSE_OF_CONCERN)]


def test_norfolk_recommendations_with_addressee_timescale_and_cause(norfolk):
    recommendations = kinds(norfolk, parser.RECOMMENDATION)
    assert [r.text for r in recommendations] == demo.RECOMMENDATIONS
    assert [r.reference for r in recommendations] == ["R1", "R2", "R3"]
    cause = norfolk.items.index(kinds(norfolk, parser.CAUSE_OF_CONCERN)[0])
    for recommendation in recommendations:
        assert recommendation.addressees == [Addressee.FORCE]
        assert recommendation.timescale_text == "immediately"
        assert recommendation.timescale_kind == Finding.TimescaleKind.IMMEDIATE
        # "Immediately" is immediate with no date (statutory integrity 12): no target date.
        assert recommendation.target_date is None
        assert recommendation.cause == cause


def test_norfolk_six_areas_for_improvement(norfolk):
    afis = kinds(norfolk, parser.AFI)
    assert [a.text for a in afis] == demo.AFIS
    assert [a.reference for a in afis] == [f"AFI {i}" for i in range(1, 7)]
    assert all(a.timescale_text == "" and a.addressees == [] for a in afis)


def test_norfolk_both_responses(norfolk):
    assert norfolk.force_comments.text == demo.FORCE_COMMENTS
    assert norfolk.force_comments.author_name == "Paul Sanford"
    assert norfolk.force_comments.author_role == "Deputy Chief Constable of Norfolk Constabulary"
    assert norfolk.office_comments.text == demo.OFFICE_COMMENTS
    assert norfolk.reply_to_force is None


def test_norfolk_checklist_is_four_ticks(norfolk):
    assert [(c.ticked, c.recipient) for c in norfolk.checklist] == [
        (True, "hmicfrs"),
        (True, "chief_officer"),
        (True, "panel"),
        (True, "website"),
    ]
    assert norfolk.checklist[0].text == "Response forwarded to HMICFRS Section 55 Responses"


def test_norfolk_leaves_nothing_unplaced(norfolk):
    assert norfolk.not_placed == []
    assert norfolk.messages == []
    labels = [r.label for r in norfolk.recognised]
    assert labels.count("Heading") == 7
    assert "Statutory statement" in labels and "Document heading" in labels
    assert_covers_input(norfolk)


def test_every_item_keeps_the_text_it_came_from(norfolk):
    source = norfolk.source
    recommendation = kinds(norfolk, parser.RECOMMENDATION)[2]
    pieces = [source[s.start : s.end] for s in recommendation.spans]
    assert pieces == [
        "The force should immediately:",
        "- make sure that it adequately supervises **all** crime recording decisions made by "
        "officers and staff.",
    ]


def test_the_values_are_the_models_choices():
    assert set(parser.FINDING_KINDS) == set(Finding.Kind.values)
    assert set(parser.ADDRESSEES) == set(Addressee.values)
    assert set(parser.GRADES) == set(Grade.values)
    types = {
        parser.PEEL, parser.PEEL_SPOTLIGHT, parser.CDI, parser.THEMATIC, parser.JOINT,
        parser.CHILD_PROTECTION, parser.CUSTODY, parser.STATE_OF_POLICING, parser.COMMISSIONED,
        parser.ACCELERATED, parser.FIRE, parser.OTHER_TYPE,
    }  # fmt: skip
    assert types == set(ReportType.values)
    assert {parser.SCOPE_FORCE, parser.SCOPE_MULTI, parser.SCOPE_NATIONAL} == set(Scope.values)
    assert {parser.FOUR_GRADES, parser.FIVE_GRADES, parser.NOT_GRADED} == set(
        GradingFramework.values
    )


# --- Six more layouts ----------------------------------------------------------------------


def test_hmicfrs_summary_page():
    text = extract_upload(fixture_bytes("hmicfrs-summary-page.html")).text
    result = parse(text)
    assert result.title.value == "Cleveland Police: National child protection inspection"
    assert result.published_on.value == date(2023, 3, 14)
    assert result.report_type.value == ReportType.CHILD_PROTECTION
    assert [f.value for f in result.forces] == ["cleveland"]
    findings = kinds(result, parser.KEY_FINDING)
    assert len(findings) == 3
    assert findings[1].bullets[2].startswith("doesn't always record the voice of the child")
    causes = kinds(result, parser.CAUSE_OF_CONCERN)
    assert len(causes) == 1 and causes[0].text.startswith("Cleveland Police does not consistently")
    recommendations = kinds(result, parser.RECOMMENDATION)
    assert [r.reference for r in recommendations] == ["R1", "R2", "R3"]
    assert all(r.timescale_text == "within three months" for r in recommendations)
    assert all(r.target_date == date(2023, 6, 14) for r in recommendations)
    assert all(r.cause == result.items.index(causes[0]) for r in recommendations)
    assert len(kinds(result, parser.AFI)) == 2
    assert not result.is_response
    # The page's "Related documents" is not part of the report: shown as not placed.
    assert [n.text for n in result.not_placed] == [
        "Related documents\n\nCleveland Police: National child protection inspection (PDF document)"
    ]
    assert_covers_input(result)


def test_numbered_sections_response_with_windows_line_endings_and_smart_quotes():
    raw = fixture_text("numbered-sections-response.txt")
    assert "\r\n" in raw and "\u2019" in raw and "\u00a0" in raw
    result = parse(raw)
    assert result.title.value == (
        "PEEL spotlight report: The police response to stalking in Cheshire Constabulary"
    )
    assert result.published_on.value == date(2024, 1, 5)  # "05/01/2024", day first
    assert result.response_published_on.value == date(2024, 2, 28)
    assert result.report_type.value == ReportType.PEEL_SPOTLIGHT
    assert [f.value for f in result.forces] == ["cheshire"]
    findings = kinds(result, parser.KEY_FINDING)
    assert [f.text[:40] for f in findings] == [
        "Cheshire Constabulary has improved how i",
        "However, the force doesn't always apply ",
    ]
    assert "the force's specialist stalking co\u2011ordinator gives" in findings[0].text
    afis = kinds(result, parser.AFI)
    assert [a.text for a in afis] == [
        "investigating officers apply for stalking protection orders in every case where one "
        "would protect the victim;",
        "supervisors review every stalking risk assessment within 24 hours; and",
        "victims are told about the support available from specialist services.",
    ]
    r1, r2 = kinds(result, parser.RECOMMENDATION)
    assert (r1.reference, r1.addressees, r1.timescale_text) == ("R1", ["force"], "by 31 July 2024")
    assert r1.target_date == date(2024, 7, 31)
    assert r1.explanation.startswith("I have asked the Chief Constable to report the findings")
    assert r1.force_comment == "The review has started and will report in June 2024."
    assert (r2.addressees, r2.timescale_text) == (["chief_constables"], "within six months")
    assert r2.target_date == date(2024, 7, 5)
    assert r2.explanation == "I will monitor training completion rates each quarter."
    assert result.force_comments.text.startswith("The Constabulary welcomes the report")
    assert "- A stalking improvement plan is in place." in result.force_comments.text
    assert result.office_comments.text.startswith("I welcome this report.")
    assert result.reply_to_force.text.startswith("I am pleased that the Constabulary accepts")
    assert [(c.ticked, c.recipient) for c in result.checklist] == [
        (True, "hmicfrs"),
        (True, "home_secretary"),
        (True, "panel"),
        (False, "chief_officer"),
    ]
    assert result.not_placed == []
    assert_covers_input(result)


def test_formal_letter():
    result = parse(fixture_text("formal-letter-response.txt"))
    assert result.layout == "letter"
    assert result.title.value == "PEEL 2021/22: An inspection of Kent Police"
    assert result.published_on.value == date(2023, 1, 20)
    assert result.response_published_on.value == date(2023, 3, 14)  # the letter's date
    assert result.report_type.value == ReportType.PEEL
    assert [f.value for f in result.forces] == ["kent"]
    assert result.office_comments.text.startswith("I write under section 55")
    assert result.office_comments.text.count("\n\n") == 2  # three paragraphs
    assert result.force_comments.text.startswith('"Kent Police welcomes the inspection')
    assert result.reply_to_force.text == (
        "I welcome the Chief Constable's commitment and will hold him to account for "
        "delivering the plan."
    )
    assert result.signatory.value == {
        "name": "Matthew Scott",
        "title": "Police and Crime Commissioner for Kent",
    }
    assert [(j.area, j.grade) for j in result.judgements] == [("Investigating crime", "good")]
    assert result.grading_framework == GradingFramework.FIVE_GRADES
    assert result.items == []
    assert result.not_placed == []
    assert_covers_input(result)


def test_press_statement():
    result = parse(fixture_text("press-statement.txt"))
    assert result.layout == "press"
    assert result.title.value == (
        "An inspection of vetting, misconduct, and misogyny in the police service"
    )
    assert result.published_on.value == date(2022, 11, 2)
    assert result.response_published_on.value == date(2022, 12, 15)
    assert result.report_type.value == ReportType.NATIONAL_THEMATIC
    assert result.scope == Scope.NATIONAL and result.forces == []
    office = result.office_comments.text
    assert office.startswith("Police and Crime Commissioner Lisa Townsend said:")
    assert '"I will be asking the Chief Constable for regular updates' in office
    force = result.force_comments.text
    assert force.startswith("Chief Constable Tim De Meyer said:")
    assert force.endswith(
        "He added that a new counter-corruption team would start work in January."
    )
    assert (result.force_comments.author_name, result.force_comments.author_role) == (
        "Tim De Meyer",
        "Chief Constable",
    )
    # The introduction and the notes to editors are the office's words about itself.
    assert [n.where for n in result.not_placed] == [
        "at the start",
        'under the heading "Notes to editors"',
    ]
    assert_covers_input(result)


def test_peel_report_with_graded_areas():
    result = parse(fixture_text("peel-graded-areas.txt"))
    assert result.title.value == "PEEL 2023\u201325: An inspection of West Mercia Police"
    assert result.published_on.value == date(2024, 3, 12)
    assert result.report_type.value == ReportType.PEEL
    assert [f.value for f in result.forces] == ["west-mercia"]
    assert [(j.area, j.grade) for j in result.judgements] == [
        ("Investigating crime", "adequate"),
        ("Protecting vulnerable people", "requires_improvement"),
        ("Managing offenders and suspects", "good"),
        ("Responding to the public", "inadequate"),
        ("Building, supporting and protecting the workforce", "outstanding"),
    ]
    assert result.grading_framework == GradingFramework.FIVE_GRADES
    (finding,) = kinds(result, parser.KEY_FINDING)
    assert len(finding.bullets) == 2
    (cause,) = kinds(result, parser.CAUSE_OF_CONCERN)
    recommendations = kinds(result, parser.RECOMMENDATION)
    assert [r.text for r in recommendations] == [
        "make sure it answers emergency calls within the national standard; and",
        "make sure it has enough call handlers on every shift to meet demand.",
    ]
    assert all(r.cause == result.items.index(cause) for r in recommendations)
    assert [a.reference for a in kinds(result, parser.AFI)] == ["AFI 1", "AFI 2"]
    (practice,) = kinds(result, parser.PRACTICE)
    assert practice.text.startswith('The force\'s "Clear, Hold, Build" approach')
    assert [n.text for n in result.not_placed] == [
        "Throughout our inspection reports, we grade forces on a five-point scale."
    ]
    assert_covers_input(result)


def test_national_thematic_with_recommendations_to_several_addressees():
    result = parse(fixture_text("national-thematic.txt"))
    assert result.published_on.value == date(2024, 8, 21)
    assert result.report_type.value == ReportType.NATIONAL_THEMATIC
    assert result.inspection_type_label.value == "National thematic"
    assert result.scope == Scope.NATIONAL and result.forces == []
    assert len(kinds(result, parser.KEY_FINDING)) == 3
    recommendations = kinds(result, parser.RECOMMENDATION)
    assert [
        (r.reference, sorted(r.addressees), r.timescale_kind, r.target_date)
        for r in recommendations
    ] == [
        ("R1", ["college_of_policing", "home_office", "npcc"], "by_date", date(2025, 3, 31)),
        ("R2", ["chief_constables"], "within_period", date(2025, 2, 21)),
        ("R3", ["policing_bodies"], "by_date", date(2025, 12, 31)),
        ("R4", ["college_of_policing"], "immediate", None),
        ("R5", ["other"], "none", None),
    ]
    assert [a.reference for a in kinds(result, parser.AFI)] == ["AFI 1", "AFI 2"]
    assert len(kinds(result, parser.PRACTICE)) == 1
    assert result.not_placed == []
    assert_covers_input(result)


# --- Real-world text, rule by rule ---------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "7th January 2020",
        "7 January 2020",
        "07/01/2020",
        "7 Jan 2020",
        "Tuesday 7 January 2020",
        "2020-01-07",
    ],
)
def test_british_date_formats(written):
    result = parse(f"Title: A report on Norfolk Constabulary\nDate published: {written}\n")
    assert result.published_on.value == date(2020, 1, 7)


def test_an_impossible_date_is_not_read():
    assert parser.find_date("31/02/2020") is None


@pytest.mark.parametrize(
    "bullet",
    [
        "-",
        "*",
        "\u2022",
        "\u2013",
        "\u25aa",
        "\u25cf",
        "o",
        "\uf0b7",
        "1.",
        "1)",
        "(a)",
        "a)",
        "i.",
    ],
)
def test_bullets_of_any_kind(bullet):
    result = parse(
        f"Recommendations\n\nThe force should immediately:\n{bullet} do one thing;\n{bullet} do another."
    )
    texts = [item.text for item in kinds(result, parser.RECOMMENDATION)]
    assert texts == ["do one thing;", "do another."]


@pytest.mark.parametrize(
    "heading",
    [
        "AREAS FOR IMPROVEMENT:",
        "Areas for improvement",
        "3. Areas for Improvement",
        "## Areas for improvement",
        "**Areas for improvement**",
        "Areas For Improvement (AFIs)",
    ],
)
def test_headings_in_capitals_or_not_numbered_or_marked_up(heading):
    result = parse(f"{heading}\n\n- The force should record crime accurately.")
    assert [item.kind for item in result.items] == [parser.AFI]


def test_sections_in_any_order_and_missing_ones():
    result = parse(
        "Recommendations\n\n- The force should fix the backlog.\n\n"
        "Key findings\n\nThe force is improving.\n\n"
        "Areas for improvement\n\n- The force should train staff."
    )
    assert [item.kind for item in result.items] == [
        parser.RECOMMENDATION,
        parser.KEY_FINDING,
        parser.AFI,
    ]


def test_wrapped_lines_join_and_short_separate_lines_do_not():
    wrapped = parse(
        "Key findings\n\nThe force has improved how it records crime since our last\n"
        "inspection, but it still needs to do more to supervise decisions\n"
        "made by its staff."
    )
    assert [i.text for i in wrapped.items] == [
        "The force has improved how it records crime since our last inspection, but it still "
        "needs to do more to supervise decisions made by its staff."
    ]
    separate = parse("Key findings\n\nThe force answers calls quickly.\nVictims are satisfied.")
    assert [i.text for i in separate.items] == [
        "The force answers calls quickly.",
        "Victims are satisfied.",
    ]


def test_a_wrapped_bullet_continues_on_the_next_line():
    result = parse(
        "Recommendations\n\nThe force should:\n- make sure that every\n  report is recorded; and\n- train staff."
    )
    assert [i.text for i in kinds(result, parser.RECOMMENDATION)] == [
        "make sure that every report is recorded; and",
        "train staff.",
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n", "\u2028"])
def test_any_line_ending(newline):
    text = newline.join(
        [
            "KEY FINDINGS:",
            "",
            "The force is improving.",
            "",
            "Cause for concern:",
            "",
            "The force fails victims.",
        ]
    )
    result = parse(text)
    assert [(i.kind, i.text) for i in result.items] == [
        (parser.KEY_FINDING, "The force is improving."),
        (parser.CAUSE_OF_CONCERN, "The force fails victims."),
    ]
    assert_covers_input(result)


def test_smart_quotes_and_odd_spaces_are_normalised_but_spans_point_at_the_original():
    text = "Key findings\n\n\u201cThe force\u2019s\u00a0work\u200b is good,\u201d we said."
    result = parse(text)
    (item,) = result.items
    assert item.text == '"The force\'s work is good," we said.'
    assert text[item.spans[0].start : item.spans[0].end].startswith("\u201cThe force\u2019s")


def test_a_recommendation_with_its_own_heading_keeps_its_bullets_together():
    result = parse(
        "Recommendation 2\n\nWithin six months, the force should:\n- review its policy; and\n- train its staff."
    )
    (item,) = result.items
    assert item.reference == "R2"
    assert (
        item.text
        == "Within six months, the force should:\n\n- review its policy; and\n- train its staff."
    )
    assert item.timescale_text == "within six months"


def test_random_text_is_all_not_placed_with_a_helpful_message():
    text = (
        "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs.\n\n"
        "Sphinx of black quartz, judge my vow. How vexingly quick daft zebras jump!"
    )
    result = parse(text)
    assert result.items == [] and not result.is_response
    assert len(result.not_placed) == 1
    assert result.messages[0].startswith("Nothing in this text was recognised")
    assert_covers_input(result)


def test_another_language_is_not_placed():
    text = "Canfyddiadau allweddol\n\nMae'r heddlu wedi gwella sut mae'n cofnodi troseddau."
    result = parse(text)
    assert result.items == []
    assert result.not_placed and result.messages
    assert_covers_input(result)


def test_empty_text():
    result = parse("")
    assert result.items == [] and result.not_placed == []
    assert result.messages == ["There is no text to import."]


def test_forces_are_matched_from_the_data_passed_in():
    only_kent = [parser.ForceName("kent", ("Kent Police", "Kent"))]
    result = parser.parse(
        "Title: An inspection of Kent Police and Norfolk Constabulary", forces=only_kent
    )
    assert [f.value for f in result.forces] == ["kent"]


def test_two_forces_make_a_multi_force_report():
    result = parse(
        "Title: Joint inspection of Norfolk Constabulary and Suffolk Constabulary\nPublished: 1 March 2021"
    )
    assert sorted(f.value for f in result.forces) == ["norfolk", "suffolk"]
    assert result.scope == Scope.MULTI_FORCE
    assert result.report_type.value == ReportType.JOINT


def test_a_short_name_of_three_letters_counts_only_with_police():
    met = [parser.ForceName("metropolitan", ("Metropolitan Police Service", "Met"))]
    assert parser.parse("Title: We met the force", forces=met).forces == []
    assert [f.value for f in parser.parse("Title: Met Police custody", forces=met).forces] == [
        "metropolitan"
    ]


def test_the_result_is_plain_data():
    result = parse(fixture_text(NORFOLK))
    data = result.to_dict()
    assert data["published_on"]["value"] == "2020-01-07"
    assert data["items"][12]["kind"] == "cause_of_concern"
    assert "source" not in data

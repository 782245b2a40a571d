"""The history and the workflow's refusals in the reader's language.

The services store each history reason in English whoever acts (`core.history.Reason`,
responses/reasons.py); the history tab shows it, and what each entry changed, in its reader's
language. A refusal names the workflow's action in the reader's language too, so a Welsh
refusal has no English action inside it.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Membership
from accounts.services import user_set_language
from core.history import Reason, reason_text
from inspections.links import finding_link_create
from inspections.models import FindingLink, Scope
from responses.bilingual import reason_problem
from responses.models import Redaction, Status
from responses.services import redaction_add, response_record_copies, response_send_back
from responses.workflow import ACTION_LABELS, ACTION_ROLES, TRANSITIONS, WorkflowError
from tests.factories import RecommendationFactory, ReportFactory, office_user, policing_body
from tests.public.test_welsh_pages import interface_text
from tracking import workflow as tracking_workflow

pytestmark = pytest.mark.django_db


def _reasons(response) -> list[str]:
    return list(
        response.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", flat=True
        )
    )


def _history_page(user, response, language: str) -> str:
    user_set_language(user=user, language=language)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("responses:history", args=[response.pk]))
    assert page.status_code == 200
    return interface_text(page.content.decode())


def test_the_common_actions_are_stored_in_english_whoever_acts(flow, drafter, approver):
    with translation.override("cy"):  # a Welsh reader acting
        flow.do("invite the force")
        flow.force_replies()
        flow.write_text()
        flow.explain_all()
        flow.do("submit for approval")
        response_send_back(
            response=flow.refreshed(), reason="Say more about R1.", acting_user=approver
        )
        redaction_add(
            response=flow.refreshed(),
            field="office_comments",
            passage="welcomes",
            reason=Redaction.Reason.PERSONAL_DATA,
            acting_user=drafter,
        )

    reasons = _reasons(flow.refreshed())
    assert "Force invited to comment by 4 February 2020" in reasons
    assert "Submitted for approval" in reasons
    assert "Sent back: Say more about R1." in reasons
    assert "Passage of the office's comments redacted (personal data)" in reasons


def test_a_welsh_reader_sees_the_history_in_welsh_and_an_english_reader_in_english(
    flow, drafter, approver
):
    flow.do("invite the force")
    flow.force_replies()
    flow.write_text()
    flow.explain_all()
    flow.do("submit for approval")
    response_send_back(response=flow.refreshed(), reason="Say more about R1.", acting_user=approver)
    redaction_add(
        response=flow.refreshed(),
        field="office_comments",
        passage="welcomes",
        reason=Redaction.Reason.PERSONAL_DATA,
        acting_user=drafter,
    )
    response = flow.refreshed()

    welsh = _history_page(drafter, response, "cy")
    for sentence in (
        "Gwahoddwyd yr heddlu i roi sylwadau erbyn 4 Chwefror 2020",
        "Cyflwynwyd i'w gymeradwyo",
        # What the approver typed stays as typed, inside the Welsh sentence.
        "Anfonwyd yn ôl: Say more about R1.",
        "Darn o sylwadau'r swyddfa wedi'i olygu (data personol)",
        "Esboniad ar gyfer R1 wedi'i gadw",
        "Newidiwyd gan",
        "Statws",
    ):
        assert sentence in welsh, sentence
    for english in (
        "Force invited to comment",
        "Submitted for approval",
        "Sent back:",
        "Passage of",
        "Explanation for R1 saved",
        "Changed by",
        "(blank)",
    ):
        assert english not in welsh, english

    english = _history_page(drafter, response, "en-gb")
    for sentence in (
        "Force invited to comment by 4 February 2020",
        "Submitted for approval",
        "Sent back: Say more about R1.",
        "Passage of the office's comments redacted (personal data)",
        "Explanation for R1 saved",
    ):
        assert sentence in english, sentence
    assert "Cyflwynwyd" not in english


def test_a_reason_no_template_matches_is_shown_as_stored():
    with translation.override("cy"):
        assert reason_text("Fixed a typo the office noticed") == "Fixed a typo the office noticed"
        assert reason_text("") == ""


def test_a_reason_is_matched_whole_and_its_terms_translated():
    reason = Reason("Checked %(what)s against %(other)s, twice", terms=("what",))
    stored = reason(what="the office's comments", other="the draft")
    assert stored == "Checked the office's comments against the draft, twice"
    with translation.override("cy"):
        # Not in the catalogue: the template stays English, the term is translated.
        assert reason_text(stored) == "Checked sylwadau'r swyddfa against the draft, twice"
        assert reason_text(stored + " more") == stored + " more"


def test_every_workflow_action_has_a_welsh_label():
    actions = set(TRANSITIONS.values()) | set(ACTION_ROLES)
    assert actions <= set(ACTION_LABELS)
    assert set(tracking_workflow.TRANSITIONS.values()) <= set(tracking_workflow.ACTION_LABELS)
    with translation.override("cy"):
        for labels in (ACTION_LABELS, tracking_workflow.ACTION_LABELS):
            for action, label in labels.items():
                assert str(label) != action, f"{action!r} has no Welsh label"


def test_a_welsh_refusal_names_the_action_in_welsh(flow):
    flow.drive(Status.APPROVED)
    with translation.override("cy"), pytest.raises(WorkflowError) as refused:
        flow.do("reinstate")
    message = str(refused.value)
    assert message.startswith("Ni ellir adfer ymateb sydd wedi'i gymeradwyo"), message
    assert "reinstate" not in message

    with translation.override("en-gb"), pytest.raises(WorkflowError) as refused:
        flow.do("reinstate")
    assert str(refused.value).startswith("You cannot reinstate a response that is approved")


def test_a_welsh_role_refusal_names_the_roles_and_the_action_in_welsh(flow, drafter):
    flow.drive(Status.AWAITING_APPROVAL)
    with translation.override("cy"), pytest.raises(WorkflowError) as refused:
        flow.do("approve", as_user=drafter)
    assert str(refused.value) == (
        "Dim ond cymeradwywr neu weinyddwr yn y swyddfa hon sy'n cael cymeradwyo."
    )
    with translation.override("en-gb"), pytest.raises(WorkflowError) as refused:
        flow.do("approve", as_user=drafter)
    assert str(refused.value) == "Only an approver or an admin in this office can approve."


def test_the_reports_history_reasons_are_shown_in_welsh_too():
    with translation.override("cy"):
        assert reason_text("Report edited") == "Adroddiad wedi'i olygu"
        # The kind of finding is itself a catalogue message, translated inside the sentence.
        assert reason_text("Recommendation removed") == "Argymhelliad wedi'i ddileu"
    with translation.override("en-gb"):
        assert reason_text("Recommendation removed") == "Recommendation removed"


def test_the_copies_recorded_by_a_welsh_reader_are_stored_in_english_and_shown_in_welsh(
    flow, drafter
):
    flow.drive(Status.PUBLISHED)
    with translation.override("cy"):
        response_record_copies(
            response=flow.response, acting_user=drafter, hmicfrs=date(2020, 2, 21)
        )

    stored = _reasons(flow.refreshed())[-1]
    assert stored == "Copies of version 1 recorded: HMICFRS 21 Feb 2020"
    with translation.override("cy"):
        assert reason_text(stored) == "Copïau o fersiwn 1 wedi'u cofnodi: HMICFRS 21 Chw 2020"


@pytest.mark.parametrize(
    ("stored", "welsh"),
    [
        (
            "Copies of version 2 recorded: HMICFRS 21 Feb 2020, Home Secretary 3 Mar 2020, "
            "panel 4 Mar 2020, chief officer 5 Mar 2020",
            "Copïau o fersiwn 2 wedi'u cofnodi: HMICFRS 21 Chw 2020, Ysgrifennydd Cartref "
            "3 Maw 2020, corff craffu 4 Maw 2020, prif swyddog 5 Maw 2020",
        ),
        ("Copies of version 2 recorded: none", "Copïau o fersiwn 2 wedi'u cofnodi: dim"),
        (
            "Copies of version 2 sent by email to HMICFRS (Section 55 responses), "
            "The Home Secretary, The scrutiny body, The chief officer",
            "Copïau o fersiwn 2 wedi'u hanfon drwy e-bost at HMICFRS (ymatebion Adran 55), "
            "Yr Ysgrifennydd Cartref, Y corff craffu, Y prif swyddog",
        ),
        (
            "Copies of version 1 sent by email on publication to The Home Secretary",
            "Copïau o fersiwn 1 wedi'u hanfon drwy e-bost wrth gyhoeddi at Yr Ysgrifennydd Cartref",
        ),
        (
            "R2 answered by reference to R1 of Vetting, misconduct and misogyny",
            "R2 wedi'i ateb drwy gyfeirio at R1 o Vetting, misconduct and misogyny",
        ),
        (
            "A recommendation answered by reference to the linked recommendation of Vetting",
            "Argymhelliad wedi'i ateb drwy gyfeirio at yr argymhelliad cysylltiedig o Vetting",
        ),
    ],
)
def test_the_copies_and_answers_by_reference_are_shown_in_welsh(stored, welsh):
    with translation.override("cy"):
        assert reason_text(stored) == welsh
    with translation.override("en-gb"):
        assert reason_text(stored) == stored


def test_a_redaction_refused_after_approval_is_refused_in_the_readers_language(flow, drafter):
    flow.drive(Status.APPROVED)
    with translation.override("cy"), pytest.raises(WorkflowError) as refused:
        redaction_add(
            response=flow.refreshed(),
            field="office_comments",
            passage="welcomes",
            reason=Redaction.Reason.PERSONAL_DATA,
            acting_user=drafter,
        )
    assert str(refused.value).startswith("Mae'r ymateb yn ")
    assert str(refused.value).endswith("Anfonwch ef yn ôl i'w ddrafftio yn gyntaf.")


def test_a_bilingual_bodys_reason_in_one_language_is_refused_in_the_readers_language():
    body = policing_body("dyfed-powys-pcc")
    with translation.override("cy"):
        problem = reason_problem(body, reason="Withdrawn.", reason_cy="", one_language="")
    assert problem == (
        f"Mae {body.name_cy or body.name} yn cyhoeddi yn Gymraeg ac yn Saesneg: rhowch y "
        "rheswm yn Gymraeg hefyd, neu cofnodwch pam y'i rhoddir mewn un iaith yn unig."
    )


def test_a_link_made_by_a_welsh_reader_is_stored_in_english_and_shown_in_welsh():
    office = policing_body("dyfed-powys-pcc")
    drafter = office_user(office, Membership.Role.OPCC_DRAFTER)
    national = ReportFactory(
        scope=Scope.NATIONAL, report_type="thematic", published_on=date(2022, 11, 2), forces=[]
    )
    peel = ReportFactory(report_type="peel", published_on=date(2023, 6, 1), forces=[office.force])
    original = RecommendationFactory(report=national)
    copy = RecommendationFactory(report=peel)
    with translation.override("cy"):
        link = finding_link_create(
            finding=copy,
            linked_to=original,
            kind=FindingLink.Kind.REPEATS_NATIONAL,
            acting_user=drafter,
        )
    stored = link.history.first().history_change_reason
    with translation.override("en-gb"):
        kind = FindingLink.Kind.REPEATS_NATIONAL.label.lower()
    assert stored == f"Linked: {kind}"
    with translation.override("cy"):
        assert reason_text(stored) == f"Wedi'i gysylltu: {gettext(kind)}"
        assert gettext(kind) != kind

"""A change of the findings of a report other bodies respond to is a correction: recorded with
who and why (a reason is required), a line in every response's history whatever its status,
each office told (email through `reminders`' CorrectionNotice rows, and its dashboard), the
public page of a published response noting it while keeping the findings it answered; offices
that may not change the findings propose a correction, which the register maintainer makes in
the report's section or declines (docs/decisions/0009-report-facts-ownership.md)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from accounts.models import Membership
from config.celery import app as celery_app
from inspections.models import Finding, ReportCorrection, Scope
from inspections.services import SectionItem, finding_update, findings_save_section
from public.models import PublishedResponse
from public.services import published_responses_refresh
from reminders.models import CorrectionNotice
from responses.corrections import report_correction_decide, report_findings_correction_propose
from responses.models import Response, Status
from tests.factories import (
    MembershipFactory,
    RecommendationFactory,
    ReportFactory,
    UserFactory,
    force,
    make_response,
    office_user,
    policing_body,
)

from .conftest import Flow

pytestmark = pytest.mark.django_db

WHY = "HMICFRS's published report gives R1 a six-month timescale."


def register_maintainer(**fields):
    return MembershipFactory(
        user=UserFactory(**fields),
        role=Membership.Role.REGISTER_MAINTAINER,
        policing_body=None,
        force=None,
    ).user


@pytest.fixture
def eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def committed(callable_, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return callable_(**kwargs)


@pytest.fixture
def world():
    """A national report: Norfolk's response published, Suffolk's approved, Essex's not
    started, Kent's marked not required."""
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    essex, kent = policing_body("essex-pfcc"), policing_body("kent-pcc")
    people = {
        name: office_user(body, email=f"{name}@example.org")
        for name, body in (("norfolk", norfolk), ("suffolk", suffolk), ("essex", essex))
    }
    report = ReportFactory(title="Vetting, misconduct and misogyny", scope=Scope.NATIONAL)
    recommendation = RecommendationFactory(report=report, reference="R1", timescale_text="")
    flows = {}
    for name, body in (("norfolk", norfolk), ("suffolk", suffolk)):
        flows[name] = Flow(
            response=make_response(report=report, body=body, acting_user=people[name]),
            drafter=people[name],
            approver=office_user(body, Membership.Role.OPCC_APPROVER),
        )
    flows["norfolk"].drive(Status.PUBLISHED)
    flows["suffolk"].drive(Status.APPROVED)
    make_response(report=report, body=essex, acting_user=people["essex"])
    kent_response = make_response(report=report, body=kent)
    Flow(response=kent_response, drafter=office_user(kent), approver=None).do(
        "mark as not required"
    )
    return {
        "report": report,
        "recommendation": recommendation,
        "people": people,
        "bodies": {"norfolk": norfolk, "suffolk": suffolk, "essex": essex, "kent": kent},
        "maintainer": register_maintainer(full_name="Rita Register", email="rita@example.org"),
    }


def _correct_r1(world, *, reason=WHY, proposal=None):
    return findings_save_section(
        report=world["report"],
        kind=Finding.Kind.RECOMMENDATION,
        items=[
            SectionItem(
                pk=world["recommendation"].pk, values={"timescale_text": "Within six months"}
            )
        ],
        acting_user=world["maintainer"],
        reason=reason,
        proposal=proposal,
    )


def _response(world, name):
    return Response.objects.get(report=world["report"], policing_body=world["bodies"][name])


def test_a_change_to_a_shared_reports_findings_needs_a_reason(world):
    with pytest.raises(ValidationError, match="Say why the findings are being changed"):
        _correct_r1(world, reason="  ")

    assert Finding.objects.get(pk=world["recommendation"].pk).timescale_text == ""
    assert not ReportCorrection.objects.exists()


def test_a_findings_correction_is_recorded_in_every_responses_history(world, eager):
    committed(_correct_r1, world=world)

    correction = ReportCorrection.objects.get()
    assert correction.status == ReportCorrection.Status.APPLIED
    assert (correction.decided_by, correction.reason) == (world["maintainer"], WHY)
    assert correction.findings_changed == "Recommendation edited: R1"
    line = f"Report's findings corrected (Recommendation edited: R1). Why: {WHY}"
    for name, status in (
        ("norfolk", Status.PUBLISHED),
        ("suffolk", Status.DRAFTING),  # approved, so sent back as before
        ("essex", Status.NOT_STARTED),
        ("kent", Status.NOT_REQUIRED),
    ):
        response = _response(world, name)
        assert response.status == status, name
        reasons = list(response.history.values_list("history_change_reason", "history_user"))
        assert (line, world["maintainer"].pk) in reasons, name


def test_the_response_approved_before_the_change_is_still_sent_back(world, eager):
    committed(_correct_r1, world=world)

    suffolk = _response(world, "suffolk")
    assert suffolk.status == Status.DRAFTING
    assert suffolk.history.filter(
        history_change_reason__startswith="Sent back: the report's findings changed"
    ).exists()


def test_each_office_with_a_response_is_emailed_and_its_dashboard_tells_it(client, world, eager):
    committed(_correct_r1, world=world)

    correction = ReportCorrection.objects.get()
    told = {n.recipient.email for n in CorrectionNotice.objects.filter(correction=correction)}
    assert {"norfolk@example.org", "suffolk@example.org", "essex@example.org"} <= told
    assert "rita@example.org" not in told
    essex_mail = next(m for m in mail.outbox if m.to == ["essex@example.org"])
    assert (
        essex_mail.subject
        == "Vetting, misconduct and misogyny: the report's findings were corrected"
    )
    assert "Register maintainer corrected the report's findings" in essex_mail.body
    assert "Findings corrected: Recommendation edited: R1." in essex_mail.body
    assert WHY in essex_mail.body

    client.force_login(world["people"]["essex"])
    dashboard = client.get(reverse("responses:dashboard")).content.decode()
    assert "Findings corrected: Recommendation edited: R1." in dashboard


def test_a_published_response_keeps_its_findings_and_its_public_page_notes_the_correction(
    client, world, eager
):
    norfolk = _response(world, "norfolk")
    published_responses_refresh()  # the copy publication made (its hook did not run here)
    before = PublishedResponse.objects.get(response=norfolk)
    assert before.corrections == []

    committed(_correct_r1, world=world)

    record = PublishedResponse.objects.get(response=norfolk)
    assert [item.timescale_text for item in record.items.all()] == [""]
    assert len(record.corrections) == 1
    note = record.corrections[0]["text"]
    assert "findings in this report were corrected" in note
    assert "Recommendation edited: R1" in note
    assert "answers the findings as they stood when it was published" in note
    page = client.get(reverse("public:response", args=[norfolk.pk])).content.decode()
    assert "Recommendation edited: R1" in page
    # The Welsh page writes the note in Welsh; the reference is as written, marked English.
    welsh = client.get("/cy" + reverse("public:response", args=[norfolk.pk])).content.decode()
    assert (
        "Cywirwyd canfyddiadau HMICFRS yn yr adroddiad hwn yn y gofrestr. Canfyddiadau wedi"
        '&#x27;u cywiro: Argymhelliad wedi&#x27;i olygu: <span lang="en-GB">R1</span>.' in welsh
    )
    assert "findings in this report were corrected" not in welsh


def test_the_corrections_page_names_the_changes_in_its_readers_language(client, world):
    """What a correction changed in the findings was shown as stored, in English, on a Welsh
    page; the references stay as written, marked as English."""
    from accounts.services import user_set_language

    _correct_r1(world)
    correction = ReportCorrection.objects.get(report=world["report"])
    reader = world["people"]["essex"]
    client.force_login(reader)
    url = reverse("corrections:detail", args=[correction.pk])
    assert "Recommendation edited: R1" in client.get(url).content.decode()

    user_set_language(user=reader, language="cy")
    welsh = client.get(url).content.decode()
    assert 'Argymhelliad wedi&#x27;i olygu: <span lang="en-GB">R1</span>' in welsh
    assert "Recommendation edited" not in welsh


def test_an_office_changing_its_own_force_specific_reports_findings_records_no_correction():
    norfolk = policing_body("norfolk-pcc")
    drafter = office_user(norfolk)
    report = ReportFactory(forces=[force("norfolk")])
    recommendation = RecommendationFactory(report=report)
    make_response(report=report, body=norfolk, acting_user=drafter)

    finding_update(finding=recommendation, acting_user=drafter, text="Better words.")

    assert not ReportCorrection.objects.exists()


def test_an_office_changing_a_multi_force_report_it_shares_records_a_correction(eager):
    norfolk, suffolk = policing_body("norfolk-pcc"), policing_body("suffolk-pcc")
    drafter = office_user(norfolk, email="n@example.org")
    suffolk_drafter = office_user(suffolk, email="s@example.org")
    report = ReportFactory(scope=Scope.MULTI_FORCE, forces=[force("norfolk"), force("suffolk")])
    recommendation = RecommendationFactory(report=report, reference="R1")
    make_response(report=report, body=norfolk, acting_user=drafter)
    make_response(report=report, body=suffolk, acting_user=suffolk_drafter)

    with pytest.raises(ValidationError):
        finding_update(finding=recommendation, acting_user=drafter, text="Better words.")
    committed(
        finding_update,
        finding=recommendation,
        acting_user=drafter,
        text="Better words.",
        reason="Copied wrongly from the report.",
    )

    correction = ReportCorrection.objects.get()
    assert correction.proposed_by_office == norfolk
    assert [m.to for m in mail.outbox] == [["s@example.org"]]


# --- proposing a findings correction ----------------------------------------------------------


def test_an_office_proposes_a_findings_correction_and_the_maintainer_makes_it(world, eager):
    proposal = report_findings_correction_propose(
        report=world["report"],
        acting_user=world["people"]["suffolk"],
        findings="R1 has a timescale: within six months.",
        reason=WHY,
    )
    assert proposal.status == ReportCorrection.Status.PROPOSED
    assert proposal.proposed_by_office == world["bodies"]["suffolk"]
    assert Finding.objects.get(pk=world["recommendation"].pk).timescale_text == ""
    with pytest.raises(ValidationError, match="made in the report's sections"):
        report_correction_decide(correction=proposal, acting_user=world["maintainer"], accept=True)

    committed(_correct_r1, world=world, reason="As Suffolk proposed.", proposal=proposal)

    proposal.refresh_from_db()
    assert ReportCorrection.objects.count() == 1
    assert proposal.status == ReportCorrection.Status.APPLIED
    assert proposal.decided_by == world["maintainer"]
    assert proposal.proposed_by == world["people"]["suffolk"]
    assert proposal.findings_changed == "Recommendation edited: R1"
    assert Finding.objects.get(pk=world["recommendation"].pk).timescale_text == "Within six months"


def test_a_findings_proposal_needs_what_and_why_and_can_be_declined(world):
    with pytest.raises(ValidationError):
        report_findings_correction_propose(
            report=world["report"], acting_user=world["people"]["essex"], findings="", reason=WHY
        )
    proposal = report_findings_correction_propose(
        report=world["report"],
        acting_user=world["people"]["essex"],
        findings="R1 should be an area for improvement.",
        reason="I think so.",
    )

    report_correction_decide(
        correction=proposal,
        acting_user=world["maintainer"],
        accept=False,
        note="HMICFRS lists it as a recommendation.",
    )

    proposal.refresh_from_db()
    assert proposal.status == ReportCorrection.Status.REJECTED
    assert Finding.objects.get(pk=world["recommendation"].pk).kind == Finding.Kind.RECOMMENDATION


def test_the_section_page_asks_why_and_shows_the_proposal_it_makes(client, world):
    proposal = report_findings_correction_propose(
        report=world["report"],
        acting_user=world["people"]["suffolk"],
        findings="R1 has a timescale: within six months.",
        reason=WHY,
    )
    client.force_login(world["maintainer"])
    url = reverse("inspections:report-section", args=[world["report"].pk, "recommendations"])

    page = client.get(f"{url}?proposal={proposal.pk}").content.decode()

    assert "Why the findings are being changed" in page
    assert "R1 has a timescale: within six months." in page
    assert f'name="proposal" value="{proposal.pk}"' in page

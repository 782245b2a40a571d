"""Demo data, built only through the domain services so that history and guards are real."""

import io
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import Force, Membership, PolicingBody
from accounts.services import plan_priority_create
from inspections.links import finding_link_create
from inspections.models import (
    Addressee,
    Finding,
    FindingLink,
    GradingFramework,
    Report,
    ReportType,
    Scope,
    Theme,
)
from inspections.services import (
    finding_add,
    finding_set_plan_priorities,
    finding_set_themes,
    judgement_add,
    report_create,
)
from responses import deadlines
from responses.models import Explanation, Response
from responses.pdf import safe_accent
from responses.services import (
    explanation_answer_by_reference,
    explanation_save,
    publication_schedule,
    redaction_add,
    response_amend,
    response_approve,
    response_invite_force,
    response_publish,
    response_record_copies,
    response_record_force_comments,
    response_start_drafting,
    response_submit_for_approval,
    response_update_text,
    response_withdraw,
    responses_create_for_report,
)

from . import dyfed_powys
from . import norfolk_cdi_2019 as norfolk

Kind = Finding.Kind

USERS = [
    # username, full name, job title, role, organisation slug
    ("drafter", "Dana Drafter", "Policy Officer", Membership.Role.OPCC_DRAFTER, "norfolk-pcc"),
    ("approver", "Alex Approver", "Chief Executive", Membership.Role.OPCC_APPROVER, "norfolk-pcc"),
    ("admin", "Ash Admin", "Office Manager", Membership.Role.OPCC_ADMIN, "norfolk-pcc"),
    (
        "force",
        "Frankie Force",
        "Staff Officer to the Chief Constable",
        Membership.Role.FORCE_CONTRIBUTOR,
        "norfolk",
    ),
    ("other-drafter", "Sam Suffolk", "Policy Officer", Membership.Role.OPCC_DRAFTER, "suffolk-pcc"),
    # The Welsh office, which publishes in Welsh and English (responses/demo/dyfed_powys.py).
    (
        "dp-drafter",
        "Carys Evans",
        "Swyddog Polisi",
        Membership.Role.OPCC_DRAFTER,
        "dyfed-powys-pcc",
    ),
    (
        "dp-approver",
        "Rhodri Price",
        "Prif Weithredwr",
        Membership.Role.OPCC_APPROVER,
        "dyfed-powys-pcc",
    ),
]

#: Demo users who chose Welsh for the staff pages (`User.language`).
WELSH_USERS = {"dp-drafter", "dp-approver"}


def _users(password: str) -> dict:
    User = get_user_model()
    users = {}
    for username, full_name, job_title, role, org in USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "job_title": job_title,
                "email": f"{username}@example.org",
            },
        )
        user.set_password(password)
        if username in WELSH_USERS:
            user.language = "cy"
        if username == "admin":
            user.is_staff = True
            user.is_superuser = True
        user.save()
        if role == Membership.Role.FORCE_CONTRIBUTOR:
            Membership.objects.get_or_create(
                user=user, role=role, force=Force.objects.get(slug=org)
            )
        else:
            Membership.objects.get_or_create(
                user=user, role=role, policing_body=PolicingBody.objects.get(slug=org)
            )
        users[username] = user
    return users


#: The demo office's logo, as an office admin would upload it (drawn here: not a real logo).
DEMO_LOGO = "logos/norfolk-opcc-demo.png"


def demo_logo_png(accent: str) -> bytes:
    """A stand-in logo for the demo office: a badge in its accent colour and a wordmark."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (520, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((6, 6, 114, 114), radius=20, fill=accent)
    draw.text((60, 60), "N", fill="white", font=ImageFont.load_default(size=72), anchor="mm")
    wordmark = ImageFont.load_default(size=34)
    draw.text((134, 40), "Norfolk OPCC", fill="#0b0c0c", font=wordmark, anchor="lm")
    draw.text((134, 84), "demo logo", fill="#505a5f", font=wordmark, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _give_logo(body: PolicingBody) -> None:
    if default_storage.exists(DEMO_LOGO):
        body.logo.name = DEMO_LOGO
    else:
        png = demo_logo_png(safe_accent(body.accent_colour))
        body.logo.save(DEMO_LOGO.removeprefix("logos/"), ContentFile(png), save=False)


def build_demo(*, password: str, logo: bool = True) -> bool:
    """Create the demo data if it is not there yet; always (re)set the demo users' passwords.
    With `logo`, the Norfolk office has a (drawn) logo, as if its admin had uploaded one.
    Returns True when data was created."""
    with transaction.atomic():
        users = _users(password)
        if Report.objects.filter(title=norfolk.TITLE).exists():
            return False
        norfolk_body = PolicingBody.objects.select_related("force").get(slug="norfolk-pcc")
        suffolk_body = PolicingBody.objects.select_related("force").get(slug="suffolk-pcc")
        if not norfolk_body.holder_name:
            norfolk_body.holder_name = "Giles Orpen-Smellie"
            norfolk_body.email = "opccn@norfolk.police.uk"
            norfolk_body.logo_alt_text = "Norfolk Police and Crime Commissioner"
            if logo:
                _give_logo(norfolk_body)
            norfolk_body.save()
        _norfolk_cdi(users, norfolk_body)
        today = timezone.localdate()
        _recent_reports(users, norfolk_body, suffolk_body, today)
        _publishing(users, norfolk_body, today)
        _dyfed_powys(users, today)
        _national_vetting(users, norfolk_body, suffolk_body, password)
        _linked_peel(users, norfolk_body)
    return True


def _add_findings(report, items, user):
    """items: (kind, text, extra fields) in report order."""
    added = []
    for kind, text, extra in items:
        added.append(finding_add(report=report, kind=kind, text=text, acting_user=user, **extra))
    return added


def _record(*, acting_user, open_responses=True, **fields):
    """Record a report as the report pages do: the bodies it concerns get their responses
    (without `open_responses`, the caller opens them once the findings are in, as the importer
    does: findings changed once other offices respond are a correction of shared findings)."""
    report = report_create(acting_user=acting_user, **fields)
    if open_responses:
        responses_create_for_report(report=report, acting_user=acting_user)
    return report


def _response(report, body) -> Response:
    """The body's response, opened when the report was recorded."""
    return Response.objects.get(report=report, policing_body=body)


def _norfolk_cdi(users, body):
    drafter, approver, force_user = users["drafter"], users["approver"], users["force"]
    report = _record(
        acting_user=drafter,
        forces=[body.force],
        title=norfolk.TITLE,
        hmicfrs_url=norfolk.URL,
        published_on=norfolk.PUBLISHED_ON,
        report_type=ReportType.CRIME_DATA_INTEGRITY,
        inspection_type_label="Thematic",
        scope=Scope.FORCE,
        grading_framework=GradingFramework.FOUR_GRADES,
    )
    judgement_add(
        report=report,
        area="Crime data integrity",
        grade="requires_improvement",
        acting_user=drafter,
    )
    items = [(Kind.KEY_FINDING, text, {}) for text in norfolk.KEY_FINDINGS]
    items.append(
        (Kind.CAUSE_OF_CONCERN, norfolk.CAUSE_OF_CONCERN, {"reference": "Cause of concern"})
    )
    findings = _add_findings(report, items, drafter)
    cause = findings[-1]
    recs = _add_findings(
        report,
        [
            (
                Kind.RECOMMENDATION,
                text,
                {
                    "reference": f"R{i}",
                    "addressees": [Addressee.FORCE],
                    "timescale_text": "immediately",
                    "cause_of_concern": cause,
                },
            )
            for i, text in enumerate(norfolk.RECOMMENDATIONS, 1)
        ],
        drafter,
    )
    afis = _add_findings(
        report,
        [
            (Kind.AREA_FOR_IMPROVEMENT, text, {"reference": f"AFI {i}"})
            for i, text in enumerate(norfolk.AFIS, 1)
        ],
        drafter,
    )

    response = _response(report, body)
    response = response_invite_force(
        response=response,
        invited_on=norfolk.FORCE_INVITED_ON,
        reply_by=norfolk.FORCE_REPLY_BY,
        acting_user=drafter,
    )
    # The force's comments arrive before the office writes anything that refers to them.
    response = response_record_force_comments(
        response=response,
        acting_user=force_user,
        text=norfolk.FORCE_COMMENTS,
        received_on=norfolk.FORCE_COMMENTS_RECEIVED_ON,
        author_name="Paul Sanford",
        author_role="Deputy Chief Constable of Norfolk Constabulary",
    )
    for rec, (kind, text, force_comment) in zip(recs, norfolk.EXPLANATIONS, strict=True):
        explanation_save(
            response=response,
            finding=rec,
            kind=kind,
            text=text,
            force_comment=force_comment,
            acting_user=drafter,
        )
    for afi, text in zip(afis, norfolk.AFI_RESPONSES, strict=True):
        explanation_save(
            response=response, finding=afi, kind="action_proposed", text=text, acting_user=drafter
        )
    response = response_update_text(
        response=response,
        acting_user=drafter,
        office_comments=norfolk.OFFICE_COMMENTS,
        reply_to_force=norfolk.REPLY_TO_FORCE,
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(
        response=response,
        acting_user=approver,
        signatory_name="Lorne Green",
        signatory_title="Police and Crime Commissioner for Norfolk",
    )
    response = response_publish(
        response=response,
        published_on=norfolk.RESPONSE_PUBLISHED_ON,
        url="https://www.norfolk-pcc.gov.uk/",
        acting_user=approver,
    )
    response_record_copies(
        response=response,
        acting_user=drafter,
        hmicfrs=norfolk.COPIES_SENT_ON,
        home_secretary=norfolk.COPIES_SENT_ON,
        panel=norfolk.PANEL_COPY_SENT_ON,
        chief_officer=norfolk.COPIES_SENT_ON,
    )


def _report(
    user, body, *, title, published_on, report_type=ReportType.PEEL, scope=Scope.FORCE, **extra
):
    return _record(
        acting_user=user,
        forces=[body.force] if scope != Scope.NATIONAL else [],
        title=title,
        published_on=published_on,
        report_type=report_type,
        scope=scope,
        **extra,
    )


def _simple_recs(
    report, user, count, *, addressees=(Addressee.FORCE,), timescale="within six months"
):
    return _add_findings(
        report,
        [
            (
                Kind.RECOMMENDATION,
                f"Recommendation {i} of the {report.title} report: the force should improve its "
                "processes in the area the inspection examined.",
                {"reference": f"R{i}", "addressees": list(addressees), "timescale_text": timescale},
            )
            for i in range(1, count + 1)
        ],
        user,
    )


def _recent_reports(users, norfolk_body, suffolk_body, today):
    drafter, approver, force_user = users["drafter"], users["approver"], users["force"]

    # Overdue: published 60 days ago, still drafting.
    overdue = _report(
        drafter,
        norfolk_body,
        title="Norfolk Constabulary: custody services inspection",
        published_on=today - timedelta(days=60),
        report_type=ReportType.CUSTODY,
        lead_inspectorate="hmicfrs",
        participating_inspectorates=["hmi_prisons"],
    )
    _simple_recs(overdue, drafter, 2)
    response = _response(overdue, norfolk_body)
    response = response_invite_force(
        response=response,
        invited_on=overdue.published_on + timedelta(days=2),
        reply_by=overdue.published_on + timedelta(days=27),
        acting_user=drafter,
    )
    response_record_force_comments(
        response=response,
        acting_user=force_user,
        none_submitted=True,
        received_on=overdue.published_on + timedelta(days=30),
    )

    # Due in 7 days (published 48 days ago; day 1 is publication day, so due on day 56), drafting
    # with explanations missing: today's 7-days-before reminder is due as soon as the demo starts.
    soon = _report(
        drafter,
        norfolk_body,
        title="PEEL spotlight report: Norfolk Constabulary's response to stalking",
        published_on=today - timedelta(days=48),
        report_type=ReportType.PEEL_SPOTLIGHT,
    )
    recs = _simple_recs(soon, drafter, 3)
    response = _response(soon, norfolk_body)
    response = response_invite_force(
        response=response,
        invited_on=soon.published_on + timedelta(days=1),
        reply_by=deadlines.default_force_reply_by(due=response.due_date),
        acting_user=drafter,
    )
    response_record_force_comments(
        response=response,
        acting_user=force_user,
        text="The Constabulary accepts the recommendations and has appointed a lead for each.",
        received_on=soon.published_on + timedelta(days=25),
        author_name="Paul Sanford",
        author_role="Chief Constable",
    )
    for rec in recs[:1]:
        explanation_save(
            response=response,
            finding=rec,
            kind="action_proposed",
            text="The Commissioner will monitor delivery of the force's plan at the accountability forum.",
            acting_user=drafter,
        )

    # Awaiting the force: published 10 days ago.
    waiting = _report(
        drafter,
        norfolk_body,
        title="PEEL 2025-29: an inspection of Norfolk Constabulary",
        published_on=today - timedelta(days=10),
        grading_framework=GradingFramework.FIVE_GRADES,
    )
    judgement_add(report=waiting, area="Investigating crime", grade="adequate", acting_user=drafter)
    judgement_add(
        report=waiting, area="Protecting vulnerable people", grade="good", acting_user=drafter
    )
    _simple_recs(waiting, drafter, 2)
    response = _response(waiting, norfolk_body)
    response_invite_force(
        response=response,
        invited_on=waiting.published_on + timedelta(days=1),
        reply_by=deadlines.default_force_reply_by(due=response.due_date),
        acting_user=drafter,
    )

    # National thematic with recommendations to others.
    thematic = _report(
        drafter,
        norfolk_body,
        title="An inspection of how well the police and other agencies tackle fraud (national thematic)",
        published_on=today - timedelta(days=20),
        report_type=ReportType.NATIONAL_THEMATIC,
        scope=Scope.NATIONAL,
        open_responses=False,
    )
    _add_findings(
        thematic,
        [
            (
                Kind.RECOMMENDATION,
                "By 31 March 2027, the Home Office should publish a national fraud strategy that sets "
                "clear responsibilities for policing and other agencies.",
                {
                    "reference": "R1",
                    "addressees": [Addressee.HOME_OFFICE],
                    "timescale_text": "by 31 March 2027",
                },
            ),
            (
                Kind.RECOMMENDATION,
                "Within six months, the College of Policing should publish guidance on fraud "
                "investigation for frontline officers.",
                {
                    "reference": "R2",
                    "addressees": [Addressee.COLLEGE_OF_POLICING],
                    "timescale_text": "within six months",
                },
            ),
            (
                Kind.RECOMMENDATION,
                "Within 12 months, chief constables should make sure victims of fraud receive regular "
                "updates on their case.",
                {
                    "reference": "R3",
                    "addressees": [Addressee.CHIEF_CONSTABLES],
                    "timescale_text": "within 12 months",
                },
            ),
            (
                Kind.AREA_FOR_IMPROVEMENT,
                "Forces should improve how they record fraud reports.",
                {"reference": "AFI 1"},
            ),
        ],
        drafter,
    )
    # Recording it opens every office's response (national: it concerns them all): each is
    # not started, with its clock running, until that office starts it or records why not.
    responses_create_for_report(report=thematic, acting_user=drafter)

    # Published late, with a reason: PEEL 2021/22.
    late = _report(
        drafter,
        norfolk_body,
        title="PEEL 2021/22: an inspection of Norfolk Constabulary",
        published_on=date(2022, 5, 10),
        grading_framework=GradingFramework.FIVE_GRADES,
        hmicfrs_url="https://hmicfrs.justiceinspectorates.gov.uk/",
    )
    judgement_add(report=late, area="Preventing crime", grade="good", acting_user=drafter)
    recs = _simple_recs(late, drafter, 1)
    response = _response(late, norfolk_body)
    response = response_invite_force(
        response=response,
        invited_on=date(2022, 5, 11),
        reply_by=date(2022, 6, 7),
        acting_user=drafter,
    )
    response = response_record_force_comments(
        response=response,
        acting_user=force_user,
        text="The force welcomes the report.",
        received_on=date(2022, 6, 7),
        author_name="Paul Sanford",
        author_role="Chief Constable",
    )
    explanation_save(
        response=response,
        finding=recs[0],
        kind="action_taken",
        text="The force has completed the work and the Commissioner has reviewed the evidence.",
        acting_user=drafter,
    )
    response = response_update_text(
        response=response,
        acting_user=drafter,
        office_comments="I welcome this report and will monitor the force's progress.",
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(response=response, acting_user=approver)
    response_publish(
        response=response,
        published_on=date(2022, 7, 8),
        late_reason="The Police and Crime Panel meeting that considered the response was postponed.",
        acting_user=approver,
    )

    # Suffolk: another office's draft, to show isolation between offices.
    suffolk_report = _report(
        users["other-drafter"],
        suffolk_body,
        title="PEEL 2025-29: an inspection of Suffolk Constabulary",
        published_on=today - timedelta(days=15),
        grading_framework=GradingFramework.FIVE_GRADES,
    )
    _simple_recs(suffolk_report, users["other-drafter"], 2)
    response = _response(suffolk_report, suffolk_body)
    response = response_start_drafting(response=response, acting_user=users["other-drafter"])
    response_update_text(
        response=response,
        acting_user=users["other-drafter"],
        office_comments="Suffolk draft: not to be seen by other offices.",
    )


#: The demo's redacted passage, withdrawn version and scheduled response (issue: publishing as
#: offices do it): titles, so tests and people can find them.
REDACTED_TITLE = "Norfolk Constabulary: an inspection of how the police treat victims of crime"
REDACTED_PASSAGE = "Mrs Jean Example of Thorpe St Andrew"
WITHDRAWN_TITLE = "Norfolk Constabulary: an inspection of police vetting"
SCHEDULED_TITLE = "Norfolk Constabulary: an inspection of roads policing"


def _ready_to_approve(users, body, *, title, published_on, office_comments):
    drafter, force_user = users["drafter"], users["force"]
    report = _report(drafter, body, title=title, published_on=published_on)
    recs = _simple_recs(report, drafter, 1)
    response = response_invite_force(
        response=_response(report, body),
        invited_on=published_on + timedelta(days=1),
        reply_by=published_on + timedelta(days=21),
        acting_user=drafter,
    )
    response = response_record_force_comments(
        response=response,
        acting_user=force_user,
        text="The Constabulary accepts the recommendation.",
        received_on=published_on + timedelta(days=20),
        author_name="Paul Sanford",
        author_role="Chief Constable",
    )
    explanation_save(
        response=response,
        finding=recs[0],
        kind="action_proposed",
        text="The Commissioner will review the force's plan at the accountability forum.",
        acting_user=drafter,
    )
    return response_update_text(
        response=response, acting_user=drafter, office_comments=office_comments
    )


def _publishing(users, body, today):
    """A published response with a redacted passage, a version withdrawn and replaced, and an
    approved response scheduled for tomorrow morning."""
    drafter, approver = users["drafter"], users["approver"]

    # A redacted passage: the public sees "[redacted: personal data]".
    response = _ready_to_approve(
        users,
        body,
        title=REDACTED_TITLE,
        published_on=today - timedelta(days=40),
        office_comments=(
            f"I met {REDACTED_PASSAGE}, whose experience of reporting a burglary shows why "
            "this report matters, and I will hold the Chief Constable to account for every "
            "recommendation."
        ),
    )
    redaction_add(
        response=response,
        field="office_comments",
        passage=REDACTED_PASSAGE,
        reason="personal_data",
        acting_user=drafter,
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(response=response, acting_user=approver)
    response_publish(
        response=response, published_on=today - timedelta(days=2), acting_user=approver
    )

    # A version withdrawn (a name published by mistake) and a corrected one published.
    response = _ready_to_approve(
        users,
        body,
        title=WITHDRAWN_TITLE,
        published_on=today - timedelta(days=45),
        office_comments="I thank PC Alan Sample for his account of the vetting backlog.",
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(response=response, acting_user=approver)
    response = response_publish(
        response=response, published_on=today - timedelta(days=6), acting_user=approver
    )
    response_withdraw(
        response=response,
        reason="An officer's name was published by mistake.",
        acting_user=approver,
    )
    response = response_amend(
        response=response, reason="The officer's name is removed.", acting_user=approver
    )
    response = response_update_text(
        response=response,
        acting_user=drafter,
        office_comments="I thank the officers who explained the vetting backlog to my office.",
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(response=response, acting_user=approver)
    response_publish(
        response=response, published_on=today - timedelta(days=3), acting_user=approver
    )

    # Approved, and scheduled for 09:30 tomorrow (UK time).
    response = _ready_to_approve(
        users,
        body,
        title=SCHEDULED_TITLE,
        published_on=today - timedelta(days=30),
        office_comments="I welcome this report on roads policing.",
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(response=response, acting_user=approver)
    publication_schedule(
        response=response,
        publish_at=timezone.make_aware(datetime.combine(today + timedelta(days=1), time(9, 30))),
        acting_user=approver,
    )


def _dyfed_powys(users, today):
    """The Welsh office (it publishes in Welsh and English): a response published in both
    languages 5 days ago, and a draft with one explanation still to be written in Welsh."""
    drafter, approver = users["dp-drafter"], users["dp-approver"]
    body = PolicingBody.objects.select_related("force").get(slug="dyfed-powys-pcc")
    if not body.holder_name:
        body.holder_name = dyfed_powys.HOLDER_NAME
        body.save(update_fields=["holder_name"])

    published = _report(
        drafter,
        body,
        title=dyfed_powys.PUBLISHED_TITLE,
        published_on=today - timedelta(days=40),
        report_type=ReportType.PEEL_SPOTLIGHT,
    )
    recs = _welsh_recs(published, drafter, dyfed_powys.PUBLISHED_RECOMMENDATIONS)
    response = _response(published, body)
    response = response_invite_force(
        response=response,
        invited_on=published.published_on + timedelta(days=2),
        reply_by=published.published_on + timedelta(days=20),
        acting_user=drafter,
    )
    # The force sent its comments in both languages.
    response = response_record_force_comments(
        response=response,
        acting_user=drafter,
        text=dyfed_powys.FORCE_COMMENTS,
        text_cy=dyfed_powys.FORCE_COMMENTS_CY,
        received_on=published.published_on + timedelta(days=18),
        author_role="Chief Constable of Dyfed-Powys Police",
    )
    for rec, (kind, text, text_cy) in zip(recs, dyfed_powys.EXPLANATIONS, strict=True):
        explanation_save(
            response=response,
            finding=rec,
            kind=kind,
            text=text,
            text_cy=text_cy,
            acting_user=drafter,
        )
    response = response_update_text(
        response=response,
        acting_user=drafter,
        office_comments=dyfed_powys.OFFICE_COMMENTS,
        office_comments_cy=dyfed_powys.OFFICE_COMMENTS_CY,
        reply_to_force=dyfed_powys.REPLY_TO_FORCE,
        reply_to_force_cy=dyfed_powys.REPLY_TO_FORCE_CY,
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(response=response, acting_user=approver)
    response_publish(
        response=response,
        published_on=today - timedelta(days=5),
        url="https://www.dyfedpowys-pcc.org.uk/",
        acting_user=approver,
    )

    draft = _report(
        drafter,
        body,
        title=dyfed_powys.DRAFT_TITLE,
        published_on=today - timedelta(days=15),
        report_type=ReportType.CUSTODY,
        lead_inspectorate="hmicfrs",
        participating_inspectorates=["hmi_prisons"],
    )
    recs = _welsh_recs(draft, drafter, dyfed_powys.DRAFT_RECOMMENDATIONS)
    response = _response(draft, body)
    response = response_invite_force(
        response=response,
        invited_on=draft.published_on + timedelta(days=1),
        reply_by=draft.published_on + timedelta(days=14),
        acting_user=drafter,
    )
    response = response_record_force_comments(
        response=response,
        acting_user=drafter,
        none_submitted=True,
        received_on=draft.published_on + timedelta(days=14),
    )
    for rec, (kind, text, text_cy) in zip(recs, dyfed_powys.DRAFT_EXPLANATIONS, strict=True):
        explanation_save(
            response=response,
            finding=rec,
            kind=kind,
            text=text,
            text_cy=text_cy,
            acting_user=drafter,
        )
    response_update_text(
        response=response,
        acting_user=drafter,
        office_comments=dyfed_powys.DRAFT_OFFICE_COMMENTS,
        office_comments_cy=dyfed_powys.DRAFT_OFFICE_COMMENTS_CY,
    )


def _welsh_recs(report, user, recommendations):
    return _add_findings(
        report,
        [
            (
                Kind.RECOMMENDATION,
                text,
                {
                    "reference": f"R{i}",
                    "addressees": [Addressee.FORCE],
                    "timescale_text": timescale,
                },
            )
            for i, (text, timescale) in enumerate(recommendations, 1)
        ],
        user,
    )


#: The national thematic report that three bodies have answered in the demo: the public
#: recommendation register, the report's page of every body's response and the statistics
#: show it. Its clock: published Wednesday 2 November 2022, due Tuesday 27 December 2022.
NATIONAL_TITLE = "An inspection of vetting, misconduct and misogyny in the police service"
NATIONAL_PUBLISHED_ON = date(2022, 11, 2)


def _office_pair(body: PolicingBody, password: str) -> tuple:
    """A drafter and an approver of `body` (for the demo's other offices' publications)."""
    User = get_user_model()
    pair = []
    for role, title in (
        (Membership.Role.OPCC_DRAFTER, "Policy Officer"),
        (Membership.Role.OPCC_APPROVER, "Chief Executive"),
    ):
        user, _ = User.objects.get_or_create(
            username=f"{body.force.slug}-{role}",
            defaults={
                "full_name": f"{body.force.short_name} {title}",
                "job_title": title,
                "email": f"{body.force.slug}-{role}@example.org",
            },
        )
        user.set_password(password)
        user.save()
        Membership.objects.get_or_create(user=user, role=role, policing_body=body)
        pair.append(user)
    if not body.holder_name:
        body.holder_name = f"The {body.holder_title} for {body.force.short_name}"
        body.save(update_fields=["holder_name"])
    return tuple(pair)


def _national_vetting(users, norfolk_body, suffolk_body, password):
    """A national thematic report answered by Norfolk and Suffolk on time and by Essex late."""
    report = _report(
        users["drafter"],
        norfolk_body,
        title=NATIONAL_TITLE,
        published_on=NATIONAL_PUBLISHED_ON,
        report_type=ReportType.NATIONAL_THEMATIC,
        scope=Scope.NATIONAL,
        hmicfrs_url="https://hmicfrs.justiceinspectorates.gov.uk/",
        open_responses=False,
    )
    recs = _add_findings(
        report,
        [
            (
                Kind.RECOMMENDATION,
                "By 30 April 2023, chief constables should make sure that every vetting decision "
                "records the reasons for it, including where adverse information was found.",
                {
                    "reference": "R1",
                    "addressees": [Addressee.CHIEF_CONSTABLES],
                    "timescale_text": "by 30 April 2023",
                },
            ),
            (
                Kind.RECOMMENDATION,
                "By 31 October 2023, the College of Policing should update its guidance on "
                "vetting so that it sets out how forces should deal with misogynistic behaviour.",
                {
                    "reference": "R2",
                    "addressees": [Addressee.COLLEGE_OF_POLICING],
                    "timescale_text": "by 31 October 2023",
                },
            ),
            (
                Kind.RECOMMENDATION,
                "Within six months, local policing bodies should satisfy themselves that their "
                "force's arrangements for handling misconduct allegations are effective.",
                {
                    "reference": "R3",
                    "addressees": [Addressee.POLICING_BODIES],
                    "timescale_text": "within six months",
                },
            ),
        ],
        users["drafter"],
    )
    # Every body's response opens once the findings are in (as the importer does).
    responses_create_for_report(report=report, acting_user=users["drafter"])
    essex_body = PolicingBody.objects.select_related("force").get(slug="essex-pfcc")
    answers = [
        (
            norfolk_body,
            (users["drafter"], users["approver"]),
            date(2022, 12, 20),
            "",
            ["action_proposed", "no_action", "action_proposed"],
        ),
        (
            suffolk_body,
            _office_pair(suffolk_body, password),
            date(2022, 12, 23),
            "",
            ["action_taken", "no_action", "action_proposed"],
        ),
        (
            essex_body,
            _office_pair(essex_body, password),
            date(2023, 1, 10),
            "The response waited for the Police, Fire and Crime Panel's meeting.",
            ["action_proposed", "no_action", "action_taken"],
        ),
    ]
    texts = {
        "action_taken": "The force has reviewed its vetting records and the {holder} has "
        "examined the review at the accountability board.",
        "action_proposed": "The {holder} will ask the force for a plan and review its delivery "
        "at the accountability board each quarter.",
        "no_action": "This recommendation is for the College of Policing; the {holder} will "
        "take its updated guidance into account when it is published.",
    }
    for body, (drafter, approver), published_on, late_reason, kinds in answers:
        response = _response(report, body)
        response = response_invite_force(
            response=response,
            invited_on=date(2022, 11, 4),
            reply_by=date(2022, 12, 1),
            acting_user=drafter,
        )
        response = response_record_force_comments(
            response=response,
            acting_user=drafter,
            none_submitted=True,
            received_on=date(2022, 12, 1),
        )
        for rec, kind in zip(recs, kinds, strict=True):
            explanation_save(
                response=response,
                finding=rec,
                kind=kind,
                text=texts[kind].format(holder=body.holder_title),
                acting_user=drafter,
            )
        response = response_update_text(
            response=response,
            acting_user=drafter,
            office_comments=(
                f"The {body.holder_title} welcomes this national inspection and will hold the "
                "chief officer to account for the force's vetting and its handling of misconduct."
            ),
        )
        response = response_submit_for_approval(response=response, acting_user=drafter)
        response = response_approve(response=response, acting_user=approver)
        response_publish(
            response=response,
            published_on=published_on,
            late_reason=late_reason,
            acting_user=approver,
        )


#: A force-specific recommendation linked to the national one it repeats (the national vetting
#: report above): Norfolk's PEEL report repeats R1, its response answers it by reference to the
#: office's published explanation of R1, and the tracker follows the two as one. Its clock:
#: published Thursday 1 June 2023, due Wednesday 26 July 2023.
PEEL_TITLE = "PEEL 2023-25: An inspection of Norfolk Constabulary"
PEEL_PUBLISHED_ON = date(2023, 6, 1)


def _linked_peel(users, norfolk_body):
    national = Report.objects.get(title=NATIONAL_TITLE)
    original = national.findings.recommendations().get(reference="R1")
    report = _report(
        users["drafter"],
        norfolk_body,
        title=PEEL_TITLE,
        published_on=PEEL_PUBLISHED_ON,
        report_type=ReportType.PEEL,
        hmicfrs_url="https://hmicfrs.justiceinspectorates.gov.uk/",
    )
    first, copy = _add_findings(
        report,
        [
            (
                Kind.RECOMMENDATION,
                "Within six months, the force should make sure it answers non-emergency calls "
                "within its published target times.",
                {
                    "reference": "R1",
                    "addressees": [Addressee.FORCE],
                    "timescale_text": "within six months",
                },
            ),
            (
                Kind.RECOMMENDATION,
                "By 30 September 2023, the chief constable should make sure that every vetting "
                "decision records the reasons for it, including where adverse information was "
                "found.",
                {
                    "reference": "R2",
                    "addressees": [Addressee.FORCE],
                    "timescale_text": "by 30 September 2023",
                },
            ),
        ],
        users["drafter"],
    )
    finding_link_create(
        finding=copy,
        linked_to=original,
        kind=FindingLink.Kind.REPEATS_NATIONAL,
        acting_user=users["drafter"],
    )
    vetting = Theme.objects.get(slug="vetting")
    finding_set_themes(finding=copy, acting_user=users["drafter"], themes=[vetting])
    confidence = plan_priority_create(
        body=norfolk_body,
        acting_user=users["admin"],
        title="Confidence in policing",
        description="Public trust in the force, its officers and its staff.",
    )
    finding_set_plan_priorities(
        finding=copy, body=norfolk_body, acting_user=users["drafter"], priorities=[confidence]
    )
    response = _response(report, norfolk_body)
    response = response_invite_force(
        response=response,
        invited_on=date(2023, 6, 5),
        reply_by=date(2023, 7, 3),
        acting_user=users["drafter"],
    )
    response = response_record_force_comments(
        response=response,
        acting_user=users["drafter"],
        none_submitted=True,
        received_on=date(2023, 7, 3),
    )
    explanation_save(
        response=response,
        finding=first,
        kind="action_proposed",
        text="The commissioner will review the force's call handling at the accountability "
        "board each quarter.",
        acting_user=users["drafter"],
    )
    referred = Explanation.objects.get(
        response__report=national, response__policing_body=norfolk_body, finding=original
    )
    explanation_answer_by_reference(
        response=response, finding=copy, refers_to=referred, acting_user=users["drafter"]
    )
    response = response_update_text(
        response=Response.objects.get(pk=response.pk),
        acting_user=users["drafter"],
        office_comments=(
            "The commissioner welcomes the inspection. Its recommendation on vetting repeats the "
            "national one, which the commissioner has already answered."
        ),
    )
    response = response_submit_for_approval(response=response, acting_user=users["drafter"])
    response = response_approve(response=response, acting_user=users["approver"])
    response_publish(
        response=response, published_on=date(2023, 7, 14), acting_user=users["approver"]
    )

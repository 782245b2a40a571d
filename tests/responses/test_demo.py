"""`manage.py load_demo`: the demo a new user sees, built through the real services."""

import calendar
import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

import responses.demo as demo_module
from accounts.models import ExternalIdentity, IdentityProvider, Membership, PolicingBody
from inspections.models import Addressee, Finding, FindingLink, Report
from responses.demo import DEMO_LOGO
from responses.demo import single_sign_on as sso
from responses.models import Explanation, Response, ResponseVersion, Status
from responses.pdf import document_for_version, render_snapshot, response_preview_pdf
from tests.factories import office_user, policing_body
from tests.responses.test_pdf import figures_alt_text


def load(password: str | None = "demo-pass-2026") -> str:  # noqa: S107 - demo password
    out = StringIO()
    call_command("load_demo", password=password, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return load()


def norfolk_cdi():
    return Response.objects.select_related("report", "policing_body").get(
        report__title="Norfolk Constabulary Crime Data Integrity inspection 2019"
    )


def test_the_demo_has_norfolk_cdi_2019_every_state_and_every_demo_user(demo, client):
    """One load, checked four ways (a load takes seconds): the statutory facts, the sections
    of the reference, the other states, and the users."""
    _check_norfolk_cdi_dates()
    _check_norfolk_cdi_sections()
    _check_states()
    _check_users(demo)


def _check_norfolk_cdi_dates():
    response = norfolk_cdi()

    assert response.status == Status.PUBLISHED
    assert response.due_date == date(2020, 3, 2)
    assert response.published_on <= response.due_date
    assert response.versions.count() == 1


def _check_norfolk_cdi_sections():
    response = norfolk_cdi()
    findings = Finding.objects.filter(report=response.report)

    assert findings.causes_of_concern().count() == 1
    assert findings.recommendations().count() == 3
    assert findings.areas_for_improvement().count() == 6
    assert findings.key_findings().count() >= 4
    assert response.force_comments.startswith("Deputy Chief Constable of Norfolk")
    assert response.force_comments_author_name == "Paul Sanford"
    assert "Police Accountability Forum" in response.office_comments
    assert response.explanations.filter(finding__kind="recommendation").count() == 3
    assert all(e.is_complete for e in response.explanations.all())
    version = response.versions.get()
    assert all(
        [
            version.copy_hmicfrs_on,
            version.copy_home_secretary_on,
            version.copy_panel_on,
            version.copy_chief_officer_on,
        ]
    )


def _check_states():
    today = timezone.localdate()
    norfolk = Response.objects.filter(policing_body__slug="norfolk-pcc")

    assert norfolk.overdue(today=today).exists()
    assert norfolk.due_within(7, today=today).exists()
    assert norfolk.filter(due_date=today + timedelta(days=7)).exists()  # a 7-day reminder
    assert norfolk.filter(status=Status.AWAITING_FORCE).exists()
    assert norfolk.filter(status=Status.PUBLISHED).count() >= 2
    late = norfolk.get(report__title__startswith="PEEL 2021/22")
    assert late.published_on > late.due_date and late.late_reason
    thematic = Report.objects.get(report_type="thematic", title__contains="fraud")
    addressees = {a for f in thematic.findings.recommendations() for a in f.addressees}
    assert {Addressee.HOME_OFFICE, Addressee.COLLEGE_OF_POLICING} <= addressees
    # The national thematic concerns every office: recording it opened each one's response.
    assert thematic.responses.count() == PolicingBody.objects.count()
    assert set(thematic.responses.values_list("status", flat=True)) == {Status.NOT_STARTED}
    # A national thematic report that three bodies answered (the public register and the
    # report's page of every body's response show it): two on time, Essex late with a reason.
    national = Report.objects.get(title=demo_module.NATIONAL_TITLE)
    published = national.responses.filter(status=Status.PUBLISHED)
    assert set(published.values_list("policing_body__slug", flat=True)) == {
        "norfolk-pcc",
        "suffolk-pcc",
        "essex-pfcc",
    }
    assert [r.published_late for r in published.order_by("published_on")] == [False, False, True]
    assert published.get(policing_body__slug="essex-pfcc").late_reason
    assert national.responses.exclude(status=Status.PUBLISHED).count() == (
        PolicingBody.objects.count() - 3
    )
    suffolk = Response.objects.get(policing_body__slug="suffolk-pcc", report__scope="force")
    assert suffolk.status == Status.DRAFTING and suffolk.published_on is None
    assert not suffolk.report.forces.filter(slug="norfolk").exists()
    assert today - timedelta(days=60) == norfolk.overdue(today=today).first().report.published_on


def _check_users(demo):
    roles = {
        (m.user.username, m.role, m.organisation.slug)
        for m in Membership.objects.select_related("user", "policing_body", "force")
    }

    assert {
        ("drafter", "opcc_drafter", "norfolk-pcc"),
        ("approver", "opcc_approver", "norfolk-pcc"),
        ("admin", "opcc_admin", "norfolk-pcc"),
        ("force", "force_contributor", "norfolk"),
        ("other-drafter", "opcc_drafter", "suffolk-pcc"),
    } <= roles
    for username in ("drafter", "approver", "admin", "force", "other-drafter"):
        assert get_user_model().objects.get(username=username).check_password("demo-pass-2026")
    assert "drafter" in demo and "demo-pass-2026" in demo


def test_loading_again_changes_nothing_but_the_passwords_taken_from_the_environment(
    demo, monkeypatch
):
    counts = (Report.objects.count(), Response.objects.count(), ResponseVersion.objects.count())
    monkeypatch.setenv("S55_DEMO_PASSWORD", "from-the-environment-1")

    output = load(password=None)

    assert "already present" in output
    assert "from-the-environment-1" in output
    assert counts == (
        Report.objects.count(),
        Response.objects.count(),
        ResponseVersion.objects.count(),
    )
    assert get_user_model().objects.get(username="force").check_password("from-the-environment-1")


def test_the_demo_office_has_a_logo_that_its_pdf_shows(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load()
    body = PolicingBody.objects.get(slug="norfolk-pcc")

    assert body.logo.name == DEMO_LOGO
    assert (tmp_path / DEMO_LOGO).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    pdf, _ = response_preview_pdf(norfolk_cdi())
    assert figures_alt_text(pdf) == ["Norfolk Police and Crime Commissioner"]

    # Loading the demo into a new database keeps the file it finds rather than adding another.
    body.logo = ""
    demo_module._give_logo(body)
    assert body.logo.name == DEMO_LOGO
    assert [p.name for p in (tmp_path / "logos").iterdir()] == ["norfolk-opcc-demo.png"]


# --- The demo tells the truth: its dates agree with each other and with its text ---------------

_MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m}
_DAY_MONTH = re.compile(r"\bon (\d{1,2}) (" + "|".join(_MONTHS) + r")\b")


def _dates_mentioned(text: str, *, year: int) -> list[date]:
    return [date(year, _MONTHS[month], int(day)) for day, month in _DAY_MONTH.findall(text)]


def test_the_demos_dates_are_coherent(demo):
    """One load, checked twice (a load takes seconds): the dates, and the order of the
    Norfolk response's history."""
    _check_dates()
    _check_force_comments_come_first()


def _check_dates():
    """Every demo response: the force is invited after the report, its comments arrive before
    the office's text refers to them and before publication, the office's text never promises
    a meeting on a date already past when it was published, and copies follow publication."""
    checked = 0
    for response in Response.objects.select_related("report").filter(published_on__isnull=False):
        office_text = " ".join(
            [response.office_comments, response.reply_to_force]
            + [e.text for e in response.explanations.all()]
        )
        for mentioned in _dates_mentioned(office_text, year=response.published_on.year):
            assert mentioned > response.published_on, (response.report.title, mentioned)
            if response.force_comments_received_on:
                assert response.force_comments_received_on < mentioned
        if response.force_invited_on:
            assert response.report.published_on <= response.force_invited_on
        if response.force_comments_received_on:
            assert response.force_invited_on <= response.force_comments_received_on
            assert response.force_comments_received_on <= response.published_on
        for version in response.versions.all():  # s55(6): copies of each version
            for sent in (
                version.copy_hmicfrs_on,
                version.copy_home_secretary_on,
                version.copy_panel_on,
                version.copy_chief_officer_on,
            ):
                assert sent is None or sent >= version.published_on
        checked += 1
    assert checked >= 2


def _check_force_comments_come_first():
    """In the Norfolk response's history the force's comments are recorded before the office's
    comments, its reply to the force or any explanation quoting the force."""
    response = norfolk_cdi()
    history = list(response.history.order_by("history_date", "history_id"))
    comments_at = next(h.history_date for h in history if h.force_comments)
    first_office_text = next(
        h.history_date for h in history if h.office_comments or h.reply_to_force
    )
    explanations = Explanation.history.filter(response_id=response.pk).exclude(force_comment="")

    assert comments_at <= first_office_text
    assert explanations.exists()
    assert all(e.history_date >= comments_at for e in explanations)
    assert response.published_on < date(2020, 1, 28)  # the forum its text looks ahead to


def test_the_demo_office_signs_in_with_the_local_provider_and_robin_has_a_role(db):
    admin = office_user(policing_body("norfolk-pcc"), Membership.Role.OPCC_ADMIN, username="ash")
    for _ in range(2):  # idempotent, as `make run` runs it each time
        provider = sso.build_demo_single_sign_on(acting_user=admin)

    assert IdentityProvider.objects.get() == provider
    assert provider.issuer == sso.ISSUER
    assert provider.allows_email(sso.ROBIN["email"])
    assert not provider.allows_email(sso.ELSEWHERE["email"])
    identity = ExternalIdentity.objects.get(subject=sso.ROBIN["sub"])
    assert (
        Membership.objects.filter(
            user=identity.user, role=Membership.Role.OPCC_DRAFTER, is_active=True
        ).count()
        == 1
    )
    assert not ExternalIdentity.objects.filter(subject=sso.NICO["sub"]).exists()


def test_the_demo_has_a_welsh_office_with_a_bilingual_published_response_and_a_draft(demo):
    from responses.bilingual import translation_problems
    from responses.demo import dyfed_powys

    responses = Response.objects.filter(policing_body__slug="dyfed-powys-pcc").exclude(
        report__scope="national"
    )
    published = responses.get(report__title=dyfed_powys.PUBLISHED_TITLE)
    draft = responses.get(report__title=dyfed_powys.DRAFT_TITLE)

    assert published.policing_body.publishes_bilingually
    assert published.status == Status.PUBLISHED
    assert published.published_on <= published.due_date
    assert published.office_comments_cy.startswith("Mae'r Comisiynydd yn croesawu")
    assert all(e.text_cy for e in published.explanations.all())
    version = published.versions.get()
    assert version.reason_cy == ""  # a first publication has no amendment reason
    assert draft.status == Status.DRAFTING
    problems = translation_problems(
        draft,
        findings=list(draft.report.findings.all()),
        explanations=list(draft.explanations.all()),
    )
    assert problems == [
        "The Welsh text of the explanation for recommendation 2 (R2) is missing: Dyfed-Powys "
        "Police and Crime Commissioner publishes in Welsh and English, so add it, or record "
        "why this text is published in one language only."
    ]
    roles = {
        (m.user.username, m.role)
        for m in Membership.objects.filter(policing_body__slug="dyfed-powys-pcc")
    }
    assert {("dp-drafter", "opcc_drafter"), ("dp-approver", "opcc_approver")} <= roles
    assert get_user_model().objects.get(username="dp-drafter").language == "cy"
    assert "dp-drafter" in demo and "dp-approver" in demo


def test_the_demo_shows_a_redaction_a_withdrawn_and_replaced_version_and_a_schedule(demo):
    from responses.demo import (
        REDACTED_PASSAGE,
        REDACTED_TITLE,
        SCHEDULED_TITLE,
        WITHDRAWN_TITLE,
    )
    from responses.models import ScheduledPublication
    from responses.pdf import document_for_version

    redacted = Response.objects.get(report__title=REDACTED_TITLE)
    assert REDACTED_PASSAGE in redacted.office_comments
    document = document_for_version(redacted.versions.get())
    assert REDACTED_PASSAGE not in document.response.office_comments
    assert "[redacted: personal data]" in document.response.office_comments

    withdrawn = Response.objects.get(report__title=WITHDRAWN_TITLE)
    first, second = withdrawn.versions.order_by("number")
    assert first.withdrawn_at is not None and second.withdrawn_at is None
    assert withdrawn.status == Status.PUBLISHED

    scheduled = Response.objects.get(report__title=SCHEDULED_TITLE)
    assert scheduled.status == Status.APPROVED
    assert scheduled.scheduled_publications.get().state == ScheduledPublication.State.READY


def test_the_demo_links_norfolks_peel_recommendation_to_the_national_one(demo):
    """One force-specific recommendation linked to the national thematic one it repeats,
    answered by reference to Norfolk's published explanation, which the public page links to."""
    link = FindingLink.objects.select_related("finding__report", "linked_to__report").get()
    assert link.kind == FindingLink.Kind.REPEATS_NATIONAL
    assert link.finding.report.title == demo_module.PEEL_TITLE
    assert link.linked_to.report.title == demo_module.NATIONAL_TITLE
    peel = Response.objects.get(report=link.finding.report, policing_body__slug="norfolk-pcc")
    assert peel.status == Status.PUBLISHED
    assert peel.published_on <= peel.due_date
    answer = Explanation.objects.get(response=peel, finding=link.finding)
    assert answer.refers_to.finding == link.linked_to
    assert answer.refers_to.response.policing_body == peel.policing_body
    # What the public page shows (the snapshot, frozen by a worker after the load, is this).
    shown = render_snapshot(document_for_version(peel.versions.get()))
    assert "Answered by reference: see our response to" in shown
    national = Response.objects.get(report=link.linked_to.report, policing_body=peel.policing_body)
    assert f"/published/{national.pk}/#recommendation-{link.linked_to.pk}" in shown
    assert {t.slug for t in link.finding.themes.all()} == {"vetting"}
    assert [p.title for p in link.finding.plan_priorities.all()] == ["Confidence in policing"]

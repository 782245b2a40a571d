"""The back-office admin: every page loads for a superuser, and it never changes what only the
services may change (a response's status and statutory dates, a finding's derived timescale,
a report's publication date without a reason)."""

from datetime import date

import pytest
from django.contrib import admin
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from accounts.models import Membership, PolicingBody
from accounts.permissions import forget_memberships
from inspections.models import Finding, Report, ReportType
from inspections.services import finding_add, judgement_add, report_create
from responses.models import Explanation, Response, ResponseVersion, Status
from responses.services import (
    explanation_save,
    response_create,
    response_start_drafting,
    response_submit_for_approval,
    response_update_text,
)

NORFOLK_PUBLISHED = date(2020, 1, 7)  # a Tuesday; due Mon 2 Mar 2020 (publication + 55 days)


@pytest.fixture
def data(admin_user):
    """A CDI report for Norfolk with a cause of concern, its recommendation, an AFI and a
    graded judgement; Norfolk's response with one explanation; a membership."""
    norfolk = PolicingBody.objects.select_related("force").get(slug="norfolk-pcc")
    report = report_create(
        acting_user=admin_user,
        title="Norfolk crime data integrity inspection 2019",
        published_on=NORFOLK_PUBLISHED,
        report_type=ReportType.CRIME_DATA_INTEGRITY,
        grading_framework="four",
        forces=[norfolk.force],
    )
    cause = finding_add(
        report=report,
        kind=Finding.Kind.CAUSE_OF_CONCERN,
        text="The force does not record enough reported crime.",
        reference="CoC 1",
        acting_user=admin_user,
    )
    recommendation = finding_add(
        report=report,
        kind=Finding.Kind.RECOMMENDATION,
        text="The force should improve its crime recording.",
        reference="R1",
        addressees=["force"],
        timescale_text="within six months",
        cause_of_concern=cause,
        acting_user=admin_user,
    )
    finding_add(
        report=report,
        kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
        text="The force should audit its incident logs.",
        reference="AFI 1",
        acting_user=admin_user,
    )
    judgement_add(
        report=report, area="Overall", grade="requires_improvement", acting_user=admin_user
    )
    response = response_create(report=report, policing_body=norfolk, acting_user=admin_user)
    # Explanations are written by the office's staff (and its force): the superuser is also
    # Norfolk's office admin.
    Membership.objects.create(
        user=admin_user, role=Membership.Role.OPCC_ADMIN, policing_body=norfolk
    )
    forget_memberships(admin_user)
    explanation_save(
        response=response,
        finding=recommendation,
        acting_user=admin_user,
        kind=Explanation.Kind.ACTION_PROPOSED,
        text="The commissioner will ask for a crime recording plan.",
    )
    return {
        "body": norfolk,
        "report": report,
        "recommendation": recommendation,
        "response": Response.objects.get(pk=response.pk),
    }


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _post_value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_post_value(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _form_data(form) -> dict:
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue  # an unchecked box or an empty field is simply not posted
        data[bound.html_name] = "on" if value is True else _post_value(value)
    return data


def change_form_data(page) -> dict:
    """What a browser would post back from an admin change page, unchanged."""
    data = _form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= _form_data(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= _form_data(form)
    return data


@pytest.mark.django_db
def test_every_registered_model_has_working_admin_pages(admin_client, data):
    assert admin.site._registry, "nothing is registered"
    for model, model_admin in admin.site._registry.items():
        name = model._meta.label
        assert admin_client.get(_url(model, "changelist")).status_code == 200, name
        add = admin_client.get(_url(model, "add"))
        can_add = model_admin.has_add_permission(add.wsgi_request)
        assert add.status_code == (200 if can_add else 403), name
        obj = model_admin.get_queryset(add.wsgi_request).first()
        if obj is None:
            continue
        assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200, name
        if hasattr(model, "history"):
            assert admin_client.get(_url(model, "history", obj.pk)).status_code == 200, name


@pytest.mark.django_db
def test_registered_models_include_everything_with_history():
    with_history = {
        m
        for m in admin.site._registry
        if hasattr(m, "history") and not m._meta.label.startswith("auth.")
    }
    from django.apps import apps

    expected = {
        m
        for m in apps.get_models()
        if hasattr(m, "history") and m._meta.app_label in {"accounts", "inspections", "responses"}
    }
    assert expected <= with_history


@pytest.mark.django_db
def test_posting_the_response_form_cannot_change_its_status_or_deadline(
    admin_client, admin_user, data
):
    response = data["response"]
    url = _url(Response, "change", response.pk)
    posted = change_form_data(admin_client.get(url)) | {
        "status": Status.PUBLISHED,
        "due_date": "2030-01-01",
        "published_on": "2020-02-01",
        "lock_version": "99",
        "office_comments": "The commissioner welcomes the report.",
    }

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    saved = Response.objects.get(pk=response.pk)
    assert saved.status == Status.NOT_STARTED
    assert saved.due_date == date(2020, 3, 2)
    assert saved.published_on is None
    assert saved.office_comments == "The commissioner welcomes the report."
    assert saved.lock_version == response.lock_version + 1
    latest = saved.history.first()
    assert latest.history_user == admin_user
    assert "Office comments" in latest.history_change_reason


@pytest.mark.django_db
def test_response_form_refuses_a_save_over_someone_elses_change(admin_client, data):
    response = data["response"]
    url = _url(Response, "change", response.pk)
    posted = change_form_data(admin_client.get(url)) | {"office_comments": "Mine."}
    Response.objects.filter(pk=response.pk).update(lock_version=response.lock_version + 1)

    result = admin_client.post(url, posted)

    assert result.status_code == 200
    assert "Someone else saved this response" in str(result.context["adminform"].form.errors)
    assert Response.objects.get(pk=response.pk).office_comments == ""


@pytest.mark.django_db
def test_start_drafting_action_uses_the_service_and_shows_refusals(admin_client, data):
    response = data["response"]
    url = _url(Response, "changelist")
    action = {"action": "start_drafting", admin.helpers.ACTION_CHECKBOX_NAME: [response.pk]}

    admin_client.post(url, action)
    assert Response.objects.get(pk=response.pk).status == Status.DRAFTING

    again = admin_client.post(url, action, follow=True)
    assert again.status_code == 200
    shown = [str(m) for m in again.context["messages"]]
    assert any("You cannot start drafting a response that is drafting" in m for m in shown)


@pytest.mark.django_db
def test_adding_a_response_in_the_admin_computes_its_statutory_due_date(admin_client, data):
    suffolk = PolicingBody.objects.get(slug="suffolk-pcc")

    result = admin_client.post(
        _url(Response, "add"), {"report": data["report"].pk, "policing_body": suffolk.pk}
    )

    assert result.status_code == 302
    created = Response.objects.get(report=data["report"], policing_body=suffolk)
    assert created.status == Status.NOT_STARTED
    assert created.due_date == date(2020, 3, 2)
    assert created.history.first().history_change_reason == "Response opened in the admin"


@pytest.mark.django_db
def test_no_response_can_be_added_to_a_fire_report(admin_client, admin_user, data):
    fire = report_create(
        acting_user=admin_user,
        title="Norfolk Fire and Rescue Service inspection",
        published_on=date(2024, 1, 5),
        report_type=ReportType.FIRE,
    )

    result = admin_client.post(
        _url(Response, "add"), {"report": fire.pk, "policing_body": data["body"].pk}
    )

    assert result.status_code == 200
    assert "does not need a Section 55 response" in str(result.context["adminform"].form.errors)
    assert not Response.objects.filter(report=fire).exists()


@pytest.mark.django_db
def test_finding_saved_in_the_admin_derives_its_timescale(admin_client, data):
    finding = data["recommendation"]
    url = _url(Finding, "change", finding.pk)
    posted = change_form_data(admin_client.get(url)) | {
        "timescale_text": "within three months",
        "timescale_kind": Finding.TimescaleKind.NONE,
        "target_date": "2099-01-01",
    }

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    finding.refresh_from_db()
    assert finding.timescale_kind == Finding.TimescaleKind.WITHIN_PERIOD
    assert finding.target_date == date(2020, 4, 7)


@pytest.mark.django_db
def test_finding_added_on_the_report_page_derives_its_timescale(admin_client, data):
    report = data["report"]
    url = _url(Report, "change", report.pk)
    posted = change_form_data(admin_client.get(url))
    row = int(posted["findings-TOTAL_FORMS"])
    posted |= {
        "findings-TOTAL_FORMS": row + 1,
        f"findings-{row}-kind": Finding.Kind.RECOMMENDATION,
        f"findings-{row}-position": 9,
        f"findings-{row}-reference": "R2",
        f"findings-{row}-text": "The force should act at once.",
        f"findings-{row}-addressees": ["force"],
        f"findings-{row}-timescale_text": "Immediately",
    }

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    added = report.findings.get(reference="R2")
    assert added.timescale_kind == Finding.TimescaleKind.IMMEDIATE
    assert added.target_date is None  # "immediately" asks for action now, not by a date


@pytest.mark.django_db
def test_a_reports_shared_facts_are_read_only_and_point_to_a_correction(admin_client, data):
    # The admin used to correct the date on the change page; a correction of a report's shared
    # facts is now its own recorded action (/corrections/), which also tells every office.
    report, response = data["report"], data["response"]
    url = _url(Report, "change", report.pk)
    page = admin_client.get(url)
    posted = change_form_data(page) | {"published_on": "2024-01-05", "scope": "national"}

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    assert reverse("corrections:new", args=[report.pk]) in page.text
    saved = Report.objects.get(pk=report.pk)
    assert (saved.published_on, saved.scope) == (NORFOLK_PUBLISHED, "force")
    assert Response.objects.get(pk=response.pk).due_date == date(2020, 3, 2)


@pytest.mark.django_db
def test_report_page_shows_data_warnings(admin_client, admin_user, data):
    finding_add(
        report=data["report"],
        kind=Finding.Kind.CAUSE_OF_CONCERN,
        text="Victims are not kept informed.",
        reference="CoC 2",
        acting_user=admin_user,
        # The superuser is not Norfolk's office: Norfolk's response follows these findings.
        why="Missed when the report was recorded.",
    )

    page = admin_client.get(_url(Report, "change", data["report"].pk))

    assert "The cause of concern CoC 2 has no recommendation linked to it" in page.text


@pytest.mark.django_db
def test_office_text_is_frozen_once_the_response_leaves_drafting(admin_client, admin_user, data):
    response = response_update_text(
        response=data["response"],
        acting_user=admin_user,
        office_comments="The commissioner welcomes the report.",
    )
    response_start_drafting(response=response, acting_user=admin_user)
    response = response_submit_for_approval(response=response, acting_user=admin_user)
    url = _url(Response, "change", response.pk)
    page = admin_client.get(url)
    assert "office_comments" not in page.context["adminform"].form.fields
    posted = change_form_data(page) | {
        "office_comments": "Rewritten after submission.",
        "internal_notes": "Chased the approver.",
    }

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    saved = Response.objects.get(pk=response.pk)
    assert saved.status == Status.AWAITING_APPROVAL
    assert saved.office_comments == "The commissioner welcomes the report."
    assert saved.internal_notes == "Chased the approver."


@pytest.mark.django_db
def test_a_report_with_judgements_and_findings_can_be_added_in_one_go(admin_client):
    norfolk = PolicingBody.objects.get(slug="norfolk-pcc")
    posted = {
        "title": "Norfolk PEEL 2023-2025",
        "published_on": "2024-01-05",
        "report_type": ReportType.PEEL,
        "scope": "force",
        "forces": [norfolk.force_id],
        "lead_inspectorate": "hmicfrs",
        "grading_framework": "five",
        "judgements-TOTAL_FORMS": 1,
        "judgements-INITIAL_FORMS": 0,
        "judgements-0-position": 1,
        "judgements-0-area": "Investigating crime",
        "judgements-0-grade": "adequate",
        "findings-TOTAL_FORMS": 1,
        "findings-INITIAL_FORMS": 0,
        "findings-0-kind": Finding.Kind.RECOMMENDATION,
        "findings-0-position": 1,
        "findings-0-reference": "R1",
        "findings-0-text": "The force should answer 999 calls faster.",
        "findings-0-addressees": ["force"],
        "findings-0-timescale_text": "By 31 March 2025",
    }

    result = admin_client.post(_url(Report, "add"), posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    report = Report.objects.get(title="Norfolk PEEL 2023-2025")
    assert report.judgements.get().grade == "adequate"
    finding = report.findings.get()
    assert finding.timescale_kind == Finding.TimescaleKind.BY_DATE
    assert finding.target_date == date(2025, 3, 31)
    # Recording it opened Norfolk's response, its clock running from the publication date.
    response = Response.objects.get(report=report)
    assert (response.policing_body, response.status) == (norfolk, Status.NOT_STARTED)
    assert response.due_date == date(2024, 2, 29)


@pytest.mark.django_db
def test_a_fire_report_added_in_the_admin_never_attracts_s55(admin_client):
    posted = {
        "title": "Norfolk Fire and Rescue Service inspection",
        "published_on": "2024-01-05",
        "report_type": ReportType.FIRE,
        "scope": "force",
        "lead_inspectorate": "hmicfrs",
        "grading_framework": "none",
        "judgements-TOTAL_FORMS": 0,
        "judgements-INITIAL_FORMS": 0,
        "findings-TOTAL_FORMS": 0,
        "findings-INITIAL_FORMS": 0,
    }

    result = admin_client.post(_url(Report, "add"), posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    report = Report.objects.get(title=posted["title"])
    assert report.attracts_s55 is False
    assert not Response.objects.filter(report=report).exists()


@pytest.mark.django_db
def test_explanations_edited_on_the_response_page_go_through_the_service(
    admin_client, admin_user, data
):
    response = data["response"]
    url = _url(Response, "change", response.pk)
    page = admin_client.get(url)
    posted = change_form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    posted[f"{prefix}-0-text"] = "The commissioner has asked for a plan by March."

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    explanation = Explanation.objects.get(response=response)
    assert explanation.text == "The commissioner has asked for a plan by March."
    assert explanation.history.first().history_user == admin_user
    reasons = list(
        Response.objects.get(pk=response.pk).history.values_list("history_change_reason", flat=True)
    )
    assert "Explanation saved" in reasons


@pytest.mark.django_db
def test_the_response_admin_changes_no_workflow_field_behind_the_services(admin_client, data):
    """The force's comments, publication and copies are recorded by their services only."""
    response = data["response"]
    url = _url(Response, "change", response.pk)
    page = admin_client.get(url)
    form = page.context["adminform"].form
    for name in ["force_comments", "published_url", "imported", "copy_hmicfrs_on"]:
        assert name not in form.fields, name
    posted = change_form_data(page) | {
        "force_comments": "Written in the admin.",
        "published_url": "https://example.org/response",
        "copy_hmicfrs_on": "2020-02-01",
    }

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    saved = Response.objects.get(pk=response.pk)
    assert saved.force_comments == ""
    assert saved.published_url == ""
    # s55(6) copies belong to each published version, recorded by their service only.
    assert not ResponseVersion.objects.filter(
        response=saved, copy_hmicfrs_on__isnull=False
    ).exists()
    assert saved.lock_version == response.lock_version  # nothing changed, nothing saved


@pytest.mark.django_db
def test_responses_and_explanations_are_never_deleted_in_the_admin(admin_client, data):
    response = data["response"]
    explanation = Explanation.objects.get(response=response)

    assert admin_client.get(_url(Response, "delete", response.pk)).status_code == 403
    assert admin_client.get(_url(Explanation, "delete", explanation.pk)).status_code == 403
    page = admin_client.get(_url(Response, "change", response.pk))
    assert not page.context["inline_admin_formsets"][0].formset.can_delete


@pytest.mark.django_db
def test_a_finding_a_response_has_answered_is_not_removed_in_the_admin(admin_client, data):
    report, recommendation = data["report"], data["recommendation"]
    url = _url(Report, "change", report.pk)
    page = admin_client.get(url)
    posted = change_form_data(page)
    findings = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Finding
    )
    row = next(i for i, form in enumerate(findings.forms) if form.instance == recommendation)
    posted[f"{findings.prefix}-{row}-DELETE"] = "on"

    result = admin_client.post(url, posted, follow=True)

    assert Finding.objects.filter(pk=recommendation.pk).exists()
    assert Explanation.objects.filter(finding=recommendation).exists()
    assert "has already answered it" in result.content.decode()
    assert admin_client.get(_url(Finding, "delete", recommendation.pk)).status_code == 403


@pytest.mark.django_db
def test_an_admin_action_that_needs_a_reason_asks_for_it_and_calls_the_service(
    admin_client, admin_user, data
):
    response = data["response"]
    url = _url(Response, "changelist")
    chosen = {"action": "mark_not_required", admin.helpers.ACTION_CHECKBOX_NAME: [response.pk]}

    asked = admin_client.post(url, chosen)
    assert asked.status_code == 200
    assert "reason" in asked.context["form"].fields
    assert Response.objects.get(pk=response.pk).status == Status.NOT_STARTED

    refused = admin_client.post(url, chosen | {"apply": "1", "reason": ""})
    assert refused.context["form"].errors
    assert Response.objects.get(pk=response.pk).status == Status.NOT_STARTED

    done = admin_client.post(
        url, chosen | {"apply": "1", "reason": "Covered by the regional response."}, follow=True
    )
    saved = Response.objects.get(pk=response.pk)
    assert saved.status == Status.NOT_REQUIRED
    assert saved.not_required_reason == "Covered by the regional response."
    assert saved.history.first().history_user == admin_user
    assert "Marked not required for 1 response" in done.content.decode()


# --- One write path: the report admin saves through the services --------------------------


def _forget_events():
    """The data above was recorded through the services, which said the findings changed."""
    from core.models import EventDelivery

    EventDelivery.objects.all().delete()


def _findings_changed():
    from core.models import EventDelivery

    return list(
        EventDelivery.objects.filter(event="report.findings_changed").values_list(
            "arguments", flat=True
        )
    )


@pytest.mark.django_db
def test_a_report_edited_in_the_admin_goes_through_report_update(admin_client, admin_user, data):
    report = data["report"]
    url = _url(Report, "change", report.pk)
    posted = change_form_data(admin_client.get(url)) | {"title": "Norfolk CDI 2019 (revised)"}

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    latest = Report.objects.get(pk=report.pk).history.first()
    assert (latest.title, latest.history_user, latest.history_change_reason) == (
        "Norfolk CDI 2019 (revised)",
        admin_user,
        "Edited in the admin: Title",
    )


@pytest.mark.django_db
def test_a_report_edit_over_someone_elses_change_is_refused_in_the_admin(
    admin_client, admin_user, data
):
    report = data["report"]
    url = _url(Report, "change", report.pk)
    posted = change_form_data(admin_client.get(url)) | {"title": "My title"}
    # Someone saves the report's details after this page was opened.
    from inspections.services import report_update

    report_update(report=report, acting_user=admin_user, title="Their title")

    result = admin_client.post(url, posted)

    assert result.status_code == 200
    assert "Someone else changed this report" in str(result.context["adminform"].form.errors)
    assert Report.objects.get(pk=report.pk).title == "Their title"


@pytest.mark.django_db
def test_a_finding_edited_in_the_admin_says_the_findings_changed(admin_client, admin_user, data):
    finding = data["recommendation"]
    url = _url(Finding, "change", finding.pk)
    posted = change_form_data(admin_client.get(url)) | {
        "text": "The force should record all crime."
    }
    _forget_events()

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    latest = Finding.objects.get(pk=finding.pk).history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        admin_user,
        "Edited in the admin: Text",
    )
    (event,) = _findings_changed()
    assert event["report_id"] == finding.report_id
    assert "R1" in event["change"]


@pytest.mark.django_db
def test_findings_added_and_judgements_changed_on_the_reports_admin_page_go_through_the_services(
    admin_client, admin_user, data
):
    report = data["report"]
    url = _url(Report, "change", report.pk)
    posted = change_form_data(admin_client.get(url))
    row = int(posted["findings-TOTAL_FORMS"])
    posted |= {
        "findings-TOTAL_FORMS": row + 1,
        f"findings-{row}-kind": Finding.Kind.AREA_FOR_IMPROVEMENT,
        f"findings-{row}-position": 9,
        f"findings-{row}-reference": "AFI 2",
        f"findings-{row}-text": "The force should train its call handlers.",
        "judgements-0-grade": "inadequate",
    }
    _forget_events()

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    added = report.findings.get(reference="AFI 2")
    assert added.history.first().history_change_reason == "Added in the admin"
    (event,) = _findings_changed()
    assert "AFI 2" in event["change"]
    judgement = report.judgements.get()
    assert judgement.grade == "inadequate"
    assert judgement.history.first().history_change_reason == "Edited in the admin: Grade"


@pytest.mark.django_db
def test_a_judgement_deleted_in_the_admin_is_removed_by_the_service(admin_client, admin_user, data):
    from inspections.models import GradedJudgement

    judgement = data["report"].judgements.get()

    result = admin_client.post(_url(GradedJudgement, "delete", judgement.pk), {"post": "yes"})

    assert result.status_code == 302
    assert not GradedJudgement.objects.filter(pk=judgement.pk).exists()
    removed = GradedJudgement.history.filter(id=judgement.pk).first()
    assert (removed.history_type, removed.history_user, removed.history_change_reason) == (
        "-",
        admin_user,
        "Deleted in the admin",
    )


@pytest.mark.django_db
def test_reports_are_never_deleted_in_the_admin(admin_client, data):
    assert admin_client.get(_url(Report, "delete", data["report"].pk)).status_code == 403


# --- reference data and the reminder policy: the admin saves through the services ---------------


def _spy(monkeypatch, module, name: str) -> list:
    """Record each call of `module.name` and let it run."""
    calls = []
    real = getattr(module, name)

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


@pytest.mark.django_db
def test_an_office_edited_in_the_admin_is_saved_by_policing_body_save(
    admin_client, admin_user, data, monkeypatch
):
    from accounts import services

    calls = _spy(monkeypatch, services, "policing_body_save")
    body = data["body"]
    url = _url(PolicingBody, "change", body.pk)
    posted = change_form_data(admin_client.get(url)) | {"office_name": "The commissioner's office"}
    posted = {k: v for k, v in posted.items() if not isinstance(v, FieldFile)}  # no file posted

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    assert [(c["body"].pk, c["acting_user"]) for c in calls] == [(body.pk, admin_user)]
    latest = PolicingBody.objects.get(pk=body.pk).history.first()
    assert (latest.office_name, latest.history_user, latest.history_change_reason) == (
        "The commissioner's office",
        admin_user,
        "Edited in the admin: Office name",
    )


@pytest.mark.django_db
def test_a_force_edited_in_the_admin_is_saved_by_force_save(
    admin_client, admin_user, data, monkeypatch
):
    from accounts import services
    from accounts.models import Force

    calls = _spy(monkeypatch, services, "force_save")
    force = data["body"].force
    url = _url(Force, "change", force.pk)
    posted = change_form_data(admin_client.get(url)) | {"short_name": "Norfolk Police"}

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    assert [c["force"].pk for c in calls] == [force.pk]
    latest = Force.objects.get(pk=force.pk).history.first()
    assert (latest.short_name, latest.history_user) == ("Norfolk Police", admin_user)
    assert latest.history_change_reason.startswith("Edited in the admin: ")


@pytest.mark.django_db
def test_statutory_recipients_deleted_in_bulk_in_the_admin_go_through_the_service(
    admin_client, admin_user, monkeypatch
):
    from accounts import services
    from accounts.models import StatutoryRecipient

    calls = _spy(monkeypatch, services, "statutory_recipient_delete")
    kept = list(StatutoryRecipient.objects.values_list("pk", flat=True))
    first = StatutoryRecipient.objects.create(name="Test recipient one", code="test-one")
    second = StatutoryRecipient.objects.create(name="Test recipient two", code="test-two")
    removed = sorted([first.pk, second.pk])

    result = admin_client.post(
        _url(StatutoryRecipient, "changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )

    assert result.status_code == 302
    assert sorted(c["recipient"].name for c in calls) == [first.name, second.name]
    assert sorted(StatutoryRecipient.objects.values_list("pk", flat=True)) == sorted(kept)
    gone = StatutoryRecipient.history.filter(id=removed[0], history_type="-").get()
    assert (gone.history_user, gone.history_change_reason) == (admin_user, "Deleted in the admin")


@pytest.mark.django_db
def test_a_reminder_rule_edited_in_the_admin_is_saved_by_reminder_rule_save(
    admin_client, admin_user, monkeypatch
):
    from reminders import services
    from reminders.models import ReminderRule

    calls = _spy(monkeypatch, services, "reminder_rule_save")
    rule = ReminderRule.objects.order_by("position", "code").first()
    url = _url(ReminderRule, "change", rule.pk)
    posted = change_form_data(admin_client.get(url)) | {"name": "Renamed in the admin"}

    result = admin_client.post(url, posted)

    assert result.status_code == 302, result.context["adminform"].form.errors
    assert [c["rule"].pk for c in calls] == [rule.pk]
    latest = ReminderRule.objects.get(pk=rule.pk).history.first()
    assert (latest.name, latest.history_user, latest.history_change_reason) == (
        "Renamed in the admin",
        admin_user,
        "Edited in the admin: Name",
    )


@pytest.mark.django_db
def test_a_statutory_reminder_rule_is_never_removed_by_its_service(admin_user):
    from reminders import services
    from reminders.models import ReminderRule

    rule = ReminderRule.objects.filter(statutory=True).first()
    assert rule is not None, "the default rules include statutory ones"

    with pytest.raises(ValueError):
        services.reminder_rule_delete(rule=rule, acting_user=admin_user, reason="test")

    assert ReminderRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.django_db
def test_reminder_preferences_and_calendar_tokens_are_not_edited_in_the_admin(
    admin_client, admin_user
):
    from reminders.models import CalendarToken, Delivery, ReminderPreference
    from reminders.services import calendar_token_create, preference_update

    preference = preference_update(user=admin_user, delivery=Delivery.DIGEST, muted_rules=[])
    calendar_token_create(user=admin_user)
    token = CalendarToken.objects.get(user=admin_user)

    assert admin_client.get(_url(ReminderPreference, "add")).status_code == 403
    assert (
        admin_client.post(_url(ReminderPreference, "change", preference.pk), {}).status_code == 403
    )
    assert (
        admin_client.post(
            _url(ReminderPreference, "delete", preference.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert admin_client.post(_url(CalendarToken, "change", token.pk), {}).status_code == 403
    assert (
        admin_client.post(_url(CalendarToken, "delete", token.pk), {"post": "yes"}).status_code
        == 403
    )
    assert ReminderPreference.objects.filter(pk=preference.pk).exists()
    assert CalendarToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_person_and_a_membership_edited_in_the_admin_are_saved_by_their_services(
    admin_client, admin_user, data, monkeypatch
):
    from accounts import services
    from tests.accounts.test_sessions import user_change_form_data

    user_calls = _spy(monkeypatch, services, "user_save")
    membership_calls = _spy(monkeypatch, services, "membership_save")
    membership = Membership.objects.filter(is_active=True).select_related("user").first()
    person = membership.user

    url = reverse("admin:accounts_user_change", args=[person.pk])
    posted = user_change_form_data(admin_client.get(url)) | {"job_title": "Head of scrutiny"}
    result = admin_client.post(url, posted)
    assert result.status_code == 302, result.context["adminform"].form.errors
    assert [(c["user"].pk, c["acting_user"]) for c in user_calls] == [(person.pk, admin_user)]
    person.refresh_from_db()
    assert person.job_title == "Head of scrutiny"

    url = _url(Membership, "change", membership.pk)
    result = admin_client.post(url, change_form_data(admin_client.get(url)))
    assert result.status_code == 302, result.context["adminform"].form.errors
    assert [c["membership"].pk for c in membership_calls] == [membership.pk]
    assert membership_calls[0]["acting_user"] == admin_user

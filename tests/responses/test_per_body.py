"""Who a report concerns and who must respond to it, decided per body.

A report that concerns a body opens that body's response ("not started") when it is recorded,
so its clock, dashboard and reminders start that day; whether a body need not respond is that
body's own decision ("not required", with its reason), never a switch on the shared report.
Only fire and rescue reports carry no Section 55 duty for anyone.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import PolicingBody
from inspections.models import ReportType, Scope
from inspections.services import report_create, report_update
from reminders import services as reminders
from reminders.models import Reminder
from responses.models import Response, Status
from responses.services import (
    OPENED_WITH_REPORT,
    response_import_published,
    response_invite_force,
    response_mark_not_required,
    response_start_drafting,
    responses_create_for_report,
)
from responses.workflow import WorkflowError
from tests.factories import force, policing_body

pytestmark = pytest.mark.django_db


def _record(drafter, *, forces=(), **fields):
    """Record a report as every recording path does: the report, then its responses."""
    fields = {
        "title": "An inspection",
        "published_on": date(2024, 1, 5),
        "report_type": ReportType.PEEL,
        "scope": Scope.FORCE,
        **fields,
    }
    report = report_create(acting_user=drafter, forces=forces, **fields)
    responses_create_for_report(report=report, acting_user=drafter)
    return report


def _statuses(report) -> dict[str, str]:
    return dict(Response.objects.filter(report=report).values_list("policing_body__slug", "status"))


# Point 10: a report that concerns a body creates its response.


def test_a_force_specific_report_opens_its_bodys_response_with_the_statutory_dates(drafter):
    report = _record(drafter, forces=[force("norfolk")])

    response = Response.objects.get(report=report)
    assert response.policing_body.slug == "norfolk-pcc"
    assert response.status == Status.NOT_STARTED
    # Published Fri 5 Jan 2024: day 56 is Thu 29 Feb 2024 (s55(5A)).
    assert (response.due_date, response.publish_by) == (date(2024, 2, 29), date(2024, 2, 29))


def test_a_multi_force_report_opens_a_response_for_each_force_it_covers(drafter):
    report = _record(drafter, scope=Scope.MULTI_FORCE, forces=[force("norfolk"), force("suffolk")])

    assert _statuses(report) == {"norfolk-pcc": "not_started", "suffolk-pcc": "not_started"}


def test_a_national_report_opens_a_response_for_every_body(drafter):
    report = _record(drafter, scope=Scope.NATIONAL, report_type=ReportType.NATIONAL_THEMATIC)

    statuses = _statuses(report)
    assert set(statuses) == set(PolicingBody.objects.values_list("slug", flat=True))
    assert len(statuses) == 43
    assert set(statuses.values()) == {Status.NOT_STARTED}


def test_a_fire_report_opens_no_response(drafter):
    report = _record(drafter, forces=[force("norfolk")], report_type=ReportType.FIRE)

    assert not Response.objects.filter(report=report).exists()


def test_each_opened_response_says_who_recorded_the_report_and_why(drafter):
    report = _record(drafter, forces=[force("norfolk")])

    record = Response.objects.get(report=report).history.get()
    assert (record.history_user, record.history_change_reason) == (drafter, OPENED_WITH_REPORT)
    assert record.history_type == "+"


def test_another_office_sees_who_opened_its_response_as_the_recording_office(client, drafter):
    """Norfolk's drafter recorded the national report; Suffolk's history of the response it
    opened for Suffolk names the Norfolk office, not the person."""
    report = _record(drafter, scope=Scope.NATIONAL)
    suffolk = Response.objects.get(report=report, policing_body__slug="suffolk-pcc")
    client.force_login(_office_drafter("suffolk-pcc"))

    page = client.get(reverse("responses:history", args=[suffolk.pk])).content.decode()

    assert OPENED_WITH_REPORT in page
    assert drafter.full_name not in page
    assert policing_body("norfolk-pcc").office_name in page


def test_opening_again_leaves_every_existing_response_as_it_is(drafter, norfolk):
    report = _record(drafter, scope=Scope.NATIONAL)
    norfolks = Response.objects.get(report=report, policing_body=norfolk)
    response_start_drafting(response=norfolks, acting_user=drafter)

    assert responses_create_for_report(report=report, acting_user=drafter) == []

    assert Response.objects.filter(report=report).count() == 43
    assert Response.objects.get(pk=norfolks.pk).status == Status.DRAFTING


def test_a_force_added_to_a_report_gets_its_response(drafter):
    report = _record(drafter, forces=[force("norfolk")])

    report_update(
        report=report,
        acting_user=drafter,
        scope=Scope.MULTI_FORCE,
        forces=[force("norfolk"), force("essex")],
    )
    opened = responses_create_for_report(report=report, acting_user=drafter)

    assert [r.policing_body.slug for r in opened] == ["essex-pfcc"]
    assert set(_statuses(report)) == {"norfolk-pcc", "essex-pfcc"}


def test_opening_costs_the_same_queries_for_one_body_or_all_43(drafter, django_assert_num_queries):
    one = report_create(
        acting_user=drafter,
        forces=[force("norfolk")],
        title="Force-specific",
        published_on=date(2024, 1, 5),
        report_type=ReportType.PEEL,
        scope=Scope.FORCE,
    )
    national = report_create(
        acting_user=drafter,
        title="National",
        published_on=date(2024, 1, 5),
        report_type=ReportType.NATIONAL_THEMATIC,
        scope=Scope.NATIONAL,
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as for_one:
        assert len(responses_create_for_report(report=one, acting_user=drafter)) == 1
    with django_assert_num_queries(len(for_one)):
        assert len(responses_create_for_report(report=national, acting_user=drafter)) == 43


def test_the_reminders_sweep_sees_a_response_nobody_has_opened(drafter, norfolk):
    """Recorded 48 days after publication, nobody in the office has touched it: the
    7-days-before reminder of the statutory deadline is still due for the office."""
    today = date(2024, 2, 22)
    report = _record(drafter, forces=[force("norfolk")], published_on=today - timedelta(days=48))

    reminders.reminders_sweep(
        today=today, now=datetime.combine(today, time(7), tzinfo=ZoneInfo("Europe/London"))
    )

    reminder = Reminder.objects.get(response__report=report)
    assert reminder.response.policing_body == norfolk
    assert reminder.rule.code == "statutory-deadline"
    assert reminder.recipient_id == drafter.pk


# Point 1: "not required" is one body's decision.


def test_one_body_not_required_leaves_every_other_body_free_to_respond(drafter, norfolk):
    report = _record(drafter, scope=Scope.NATIONAL, report_type=ReportType.NATIONAL_THEMATIC)
    suffolk = Response.objects.get(report=report, policing_body__slug="suffolk-pcc")
    suffolk_drafter = _office_drafter("suffolk-pcc")

    response_mark_not_required(
        response=suffolk,
        reason="Suffolk's force-specific report carries the same recommendations.",
        acting_user=suffolk_drafter,
    )

    statuses = _statuses(report)
    assert statuses.pop("suffolk-pcc") == Status.NOT_REQUIRED
    assert set(statuses.values()) == {Status.NOT_STARTED}
    norfolks = Response.objects.get(report=report, policing_body=norfolk)
    assert norfolks.not_required_reason == ""
    invited = response_invite_force(
        response=norfolks,
        invited_on=report.published_on,
        reply_by=report.published_on + timedelta(days=14),
        acting_user=drafter,
    )
    assert invited.status == Status.AWAITING_FORCE


def _office_drafter(slug):
    from tests.factories import office_user

    return office_user(policing_body(slug))


def test_an_imported_response_fills_in_the_one_opened_with_the_report(drafter, approver, norfolk):
    report = _record(drafter, forces=[force("norfolk")])
    opened = Response.objects.get(report=report, policing_body=norfolk)

    imported = response_import_published(
        report=report,
        policing_body=norfolk,
        acting_user=approver,
        published_on=date(2024, 2, 20),
        office_comments="The commissioner welcomes the report.",
    )

    assert imported.pk == opened.pk
    saved = Response.objects.get(pk=opened.pk)
    assert (saved.status, saved.imported, saved.due_date) == (
        Status.PUBLISHED,
        True,
        date(2024, 2, 29),
    )
    assert saved.versions.count() == 1


def test_an_import_is_refused_where_the_body_recorded_that_it_need_not_respond(
    drafter, approver, norfolk
):
    report = _record(drafter, forces=[force("norfolk")])
    response_mark_not_required(
        response=Response.objects.get(report=report),
        reason="Answered in the force-specific report.",
        acting_user=drafter,
    )

    with pytest.raises(WorkflowError, match="Answered in the force-specific report"):
        response_import_published(
            report=report,
            policing_body=norfolk,
            acting_user=approver,
            published_on=date(2024, 2, 20),
            office_comments="The commissioner welcomes the report.",
        )

    assert Response.objects.get(report=report).status == Status.NOT_REQUIRED

"""The data migration that moves "no Section 55 response needed" from the shared report to each
body's response (responses.0003_not_required_per_body) keeps every reason.

Run against the real schema: the database is migrated back to before the report's switch was
removed, reports are switched off as they were, and the migrations are applied again.
"""

from datetime import date
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from responses.models import Response, Status

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = import_module("responses.migrations.0003_not_required_per_body")
#: The schema it runs on: the reports still with their switch, the responses before it.
BEFORE = [dep for dep in MIGRATION.Migration.dependencies if dep[0] in ("inspections", "responses")]
REASON = "The force-specific PEEL report carries the same recommendations."


@pytest.fixture
def old_schema(transactional_db):
    """The models as they were before the change (with `s55_applies`), on a database migrated
    back to them; the migrations are applied again by `migrate_forward`. The forces and bodies
    are loaded with the idempotent loader of their data migration (a transactional test may
    start from the empty database another one's flush left)."""

    from django.apps import apps as current_apps

    import_module("accounts.migrations.0002_reference_data").load(current_apps, None)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    migrate_forward()


def migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _report(apps, *, scope="force", forces=(), report_type="thematic", applies=False, reason=""):
    Report = apps.get_model("inspections", "Report")
    report = Report.objects.create(
        title=f"Report {Report.objects.count() + 1}",
        published_on=date(2024, 1, 5),
        report_type=report_type,
        scope=scope,
        s55_applies=applies,
        s55_exemption_reason=reason,
    )
    Force = apps.get_model("accounts", "Force")
    report.forces.set(Force.objects.filter(slug__in=forces))
    return report.pk


def _response(apps, report_id, slug, status, **fields):
    Response = apps.get_model("responses", "Response")
    PolicingBody = apps.get_model("accounts", "PolicingBody")
    return Response.objects.create(
        report_id=report_id,
        policing_body=PolicingBody.objects.get(slug=slug),
        status=status,
        **fields,
    ).pk


def test_a_switched_off_national_report_becomes_every_bodys_not_required_with_its_reason(
    old_schema,
):
    report = _report(old_schema, scope="national", reason=REASON)

    migrate_forward()

    responses = Response.objects.filter(report_id=report)
    assert responses.count() == 43
    assert set(responses.values_list("status", "not_required_reason")) == {
        (Status.NOT_REQUIRED, REASON)
    }
    opened = responses.get(policing_body__slug="norfolk-pcc")
    assert opened.due_date == date(2024, 2, 29)
    assert opened.history.get().history_change_reason.startswith(
        f"As recorded on the report: {REASON[:40]}"
    )


def test_existing_responses_keep_their_work_and_their_own_reason(old_schema):
    report = _report(
        old_schema,
        scope="multi_force",
        forces=["norfolk", "suffolk", "essex", "kent"],
        reason=REASON,
    )
    not_started = _response(old_schema, report, "norfolk-pcc", "not_started")
    drafting = _response(
        old_schema, report, "suffolk-pcc", "drafting", internal_notes="Chased the force."
    )
    own = _response(
        old_schema, report, "essex-pfcc", "not_required", not_required_reason="Essex's own."
    )

    migrate_forward()

    saved = Response.objects.in_bulk([not_started, drafting, own])
    assert (saved[not_started].status, saved[not_started].not_required_reason) == (
        Status.NOT_REQUIRED,
        REASON,
    )
    assert saved[drafting].status == Status.DRAFTING
    assert saved[drafting].internal_notes.startswith("Chased the force.\n\n")
    assert REASON in saved[drafting].internal_notes
    assert saved[own].not_required_reason == "Essex's own."
    kent = Response.objects.get(report_id=report, policing_body__slug="kent-pcc")
    assert (kent.status, kent.not_required_reason) == (Status.NOT_REQUIRED, REASON)


def test_reports_that_attract_s55_and_fire_reports_are_left_alone(old_schema):
    applies = _report(old_schema, forces=["norfolk"], applies=True)
    fire = _report(old_schema, forces=["norfolk"], report_type="fire")

    migrate_forward()

    assert not Response.objects.filter(report_id__in=[applies, fire]).exists()


def test_running_the_migration_twice_changes_nothing_more(old_schema):
    report = _report(old_schema, forces=["norfolk"], reason=REASON)
    _response(old_schema, report, "norfolk-pcc", "drafting")

    MIGRATION.decide_per_body(old_schema, None)
    MIGRATION.decide_per_body(old_schema, None)
    migrate_forward()

    response = Response.objects.get(report_id=report)
    assert response.internal_notes.count(REASON) == 1
    assert response.history.count() == 1

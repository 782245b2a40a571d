"""Fixtures for the public site: published responses made through the real services, with the
publication hooks run as they run after a real commit."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import TestCase

from accounts.models import Membership
from responses.services import (
    explanation_save,
    response_approve,
    response_invite_force,
    response_publish,
    response_record_force_comments,
    response_submit_for_approval,
    response_update_text,
)
from tests.conftest import tasks_inline
from tests.factories import (
    DEMO_PASSWORD,
    AfiFactory,
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

REPORT_PUBLISHED_ON = date(2020, 1, 7)  # due Mon 2 Mar 2020
ON_TIME = date(2020, 2, 20)


def run_on_commit(callable_, *args, **kwargs):
    """Run `callable_` and then, as a real commit would, the on_commit callbacks it queued
    (the publication hooks: the frozen PDF, the public copy)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return callable_(*args, **kwargs)


def publish(
    *,
    body=None,
    recommendations: int = 2,
    afis: int = 1,
    title: str | None = None,
    report_published_on: date = REPORT_PUBLISHED_ON,
    published_on: date = ON_TIME,
    office_comments: str = "The commissioner welcomes the report and will hold the force to account.",
    force_comments: str = "The force accepts every recommendation.",
    explanation: str = "The commissioner will review progress at each accountability meeting.",
    late_reason: str = "",
    report_type: str = "cdi",
    report=None,
    office_comments_cy: str = "",
    force_comments_cy: str = "",
    explanation_cy: str = "",
):
    """A response to a new report (or to `report`, answering its recommendations and AFIs),
    taken through invite, force comments, drafting, approval and publication by the real
    services; returns the response (published, version 1). The `_cy` texts are the Welsh
    versions a bilingual body publishes (`publish_bilingual`)."""
    body = body or policing_body()
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    approver = office_user(body, Membership.Role.OPCC_APPROVER)
    if report is None:
        report = ReportFactory(
            forces=[body.force],
            published_on=report_published_on,
            report_type=report_type,
            **({"title": title} if title else {}),
        )
        recs = [RecommendationFactory(report=report) for _ in range(recommendations)]
        areas = [AfiFactory(report=report) for _ in range(afis)]
    else:
        report_published_on = report.published_on
        recs = list(report.findings.recommendations())
        areas = list(report.findings.areas_for_improvement())
    response = make_response(report=report, body=body, acting_user=drafter)
    response = response_invite_force(
        response=response,
        invited_on=report_published_on,
        reply_by=report_published_on,
        acting_user=drafter,
    )
    response = response_record_force_comments(
        response=response,
        acting_user=drafter,
        text=force_comments,
        text_cy=force_comments_cy,
        received_on=report_published_on,
        author_name="A Chief",
        author_role="Chief Constable",
    )
    for finding in recs + areas:
        explanation_save(
            response=response,
            finding=finding,
            kind="action_proposed",
            text=explanation,
            text_cy=explanation_cy,
            acting_user=drafter,
        )
    response = response_update_text(
        response=response,
        acting_user=drafter,
        office_comments=office_comments,
        office_comments_cy=office_comments_cy,
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(
        response=response, acting_user=approver, signatory_name="Giles Orpen-Smellie"
    )
    response = run_on_commit(
        response_publish,
        response=response,
        published_on=published_on,
        late_reason=late_reason,
        acting_user=approver,
    )
    response.drafter = drafter
    response.approver = approver
    return response


WELSH_COMMENTS = "Mae'r comisiynydd yn croesawu'r adroddiad a bydd yn dwyn yr heddlu i gyfrif."
WELSH_FORCE_COMMENTS = "Mae'r heddlu'n derbyn pob argymhelliad."
WELSH_EXPLANATION = "Bydd y comisiynydd yn adolygu'r cynnydd ym mhob cyfarfod atebolrwydd."


def publish_bilingual(**kwargs):
    """A response of Dyfed-Powys's office (a body that publishes in Welsh and English: the
    Welsh Language Standards) with every public text in both languages, published."""
    kwargs.setdefault("body", policing_body("dyfed-powys-pcc"))
    kwargs.setdefault("office_comments_cy", WELSH_COMMENTS)
    kwargs.setdefault("force_comments_cy", WELSH_FORCE_COMMENTS)
    kwargs.setdefault("explanation_cy", WELSH_EXPLANATION)
    return publish(**kwargs)


def ensure_reference_data():
    """The forces and policing bodies come from a data migration; a transactional test elsewhere
    may have emptied the tables (it flushes when it ends), so load them again if they are gone."""
    from importlib import import_module

    from django.apps import apps

    from accounts.models import PolicingBody
    from inspections.models import Theme

    if not PolicingBody.objects.exists():
        import_module("accounts.migrations.0002_reference_data").load(apps, None)
    if not Theme.objects.exists():
        import_module("inspections.migrations.0008_themes_reference_data").load(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request):
    if "django_db" in request.keywords or request.node.get_closest_marker("django_db"):
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached public pages must not leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def norfolk_demo(django_db_setup, django_db_blocker):
    """The Norfolk demo (built once per module through the real services, with the publication
    hooks run), rolled back when the module's tests are done."""
    from responses.demo import build_demo

    with django_db_blocker.unblock(), transaction.atomic():
        ensure_reference_data()
        with tasks_inline(), TestCase.captureOnCommitCallbacks(execute=True):
            build_demo(password=DEMO_PASSWORD)
        yield
        transaction.set_rollback(True)

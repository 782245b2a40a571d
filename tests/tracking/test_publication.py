"""Publishing a response puts its recommendations and AFIs on the tracker (once), and the
public response page can show each one's status and public updates."""

import pytest
from django.utils import timezone

from config.events import RESPONSE_PUBLISHED, SUBSCRIBERS
from inspections.models import Addressee
from responses.models import ResponseVersion
from responses.models import Status as ResponseStatus
from tests.factories import AfiFactory, RecommendationFactory, ReportFactory, make_response
from tests.responses.conftest import Flow
from tracking.models import TrackerItem
from tracking.publicity import Decision
from tracking.rag import Status
from tracking.selectors import public_progress_for_response
from tracking.services import (
    closure_decide,
    closure_propose,
    progress_update_add,
    public_proposal_decide,
    track_after_publication,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(norfolk, drafter, approver, django_capture_on_commit_callbacks):
    """Norfolk's response to a report with a local recommendation, one addressed only to the
    Home Office, and an AFI, published through the real services (hooks run on commit)."""
    report = ReportFactory(forces=[norfolk.force])
    RecommendationFactory(report=report)
    RecommendationFactory(report=report, addressees=[Addressee.HOME_OFFICE])
    AfiFactory(report=report)
    flow = Flow(
        response=make_response(report=report, body=norfolk, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    with django_capture_on_commit_callbacks(execute=True):
        flow.drive(ResponseStatus.PUBLISHED)
    return flow.response


def test_the_hook_is_registered():
    assert track_after_publication in SUBSCRIBERS[RESPONSE_PUBLISHED]


def test_publishing_tracks_local_recommendations_and_afis_for_the_office(
    published, norfolk, approver
):
    items = list(TrackerItem.objects.filter(policing_body=norfolk).select_related("finding"))

    assert sorted(i.finding.reference for i in items) == ["AFI1", "R1"]
    assert all(i.status == Status.OPEN for i in items)
    assert all(i.created_by == approver for i in items)  # who published
    assert all(i.tracked_on == timezone.localdate() for i in items)


def test_running_the_hook_again_adds_nothing(published, norfolk):
    version = ResponseVersion.objects.get(response=published)

    track_after_publication(version.pk)
    track_after_publication(version.pk)

    assert TrackerItem.objects.filter(policing_body=norfolk).count() == 2


def test_the_subscriber_raises_so_its_failure_is_recorded_and_retried():
    # It runs in a worker after the publication committed: a failure is recorded on its
    # delivery (tests/core/test_events.py), not logged and forgotten.
    with pytest.raises(ResponseVersion.DoesNotExist):
        track_after_publication(999999)


def test_public_progress_shows_status_and_only_public_updates(
    published, norfolk, drafter, approver, force_person
):
    r1 = TrackerItem.objects.get(policing_body=norfolk, finding__reference="R1")
    progress_update_add(item=r1, acting_user=force_person, text="Internal detail.")
    public = progress_update_add(
        item=r1, acting_user=force_person, text="Audit done.", is_public=True
    )
    # The force's public text is a proposal: the office approves it.
    public_proposal_decide(
        proposal=public.public_proposal, acting_user=approver, decision=Decision.APPROVED
    )
    closure_decide(
        proposal=closure_propose(
            item=r1, acting_user=force_person, text="All done.", is_public=True
        ),
        acting_user=drafter,
        approve=True,
        is_public=True,
        publish_proposal_text=True,
    )

    progress = public_progress_for_response(published)

    entry = progress[r1.finding_id]
    assert entry["status"] == Status.COMPLETE
    assert entry["status_label"] == "Complete"
    assert [u["text"] for u in entry["public_updates"]] == [
        "Audit done.",
        "All done.",
        "Closure approved.",
    ]
    assert entry["public_updates"][0]["date"] == public.date
    assert entry["public_updates"][2]["status_label"] == "Complete"
    assert all("author" not in u for u in entry["public_updates"])
    afi = TrackerItem.objects.get(policing_body=norfolk, finding__reference="AFI1")
    assert progress[afi.finding_id] == {
        "status": Status.OPEN,
        "status_label": "Open",
        "public_updates": [],
    }
    home_office = published.report.findings.get(reference="R2")
    assert home_office.pk not in progress


def test_a_corrected_public_update_is_replaced_by_its_correction(published, norfolk, drafter):
    r1 = TrackerItem.objects.get(policing_body=norfolk, finding__reference="R1")
    wrong = progress_update_add(
        item=r1, acting_user=drafter, text="1000 incidents audited.", is_public=True
    )
    progress_update_add(
        item=r1, acting_user=drafter, text="100 incidents audited.", is_public=True, corrects=wrong
    )

    updates = public_progress_for_response(published)[r1.finding_id]["public_updates"]

    assert [(u["text"], u["is_correction"]) for u in updates] == [("100 incidents audited.", True)]


def test_public_progress_is_only_the_responding_offices(published, suffolk, suffolk_drafter):
    from tracking.services import tracker_item_create

    finding = published.report.findings.get(reference="R1")
    # A national view: Suffolk tracks the same finding; it must not leak onto Norfolk's page.
    published.report.forces.add(suffolk.force)
    other = tracker_item_create(finding=finding, policing_body=suffolk, acting_user=suffolk_drafter)
    progress_update_add(item=other, acting_user=suffolk_drafter, text="Suffolk's.", is_public=True)

    progress = public_progress_for_response(published)

    assert progress[finding.pk]["public_updates"] == []


def test_public_progress_costs_two_queries(published, django_assert_num_queries):
    with django_assert_num_queries(2):
        public_progress_for_response(published)


def test_responses_published_before_the_tracker_are_tracked_by_the_migration(
    norfolk, drafter, approver
):
    """Published without the hook running (as before the tracker existed): the data migration
    adds the same items, with their "tracking started" history, and adds nothing a second
    time."""
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # The models as the migration sees them (no history signals), not the app's own.
    loader = MigrationExecutor(connection).loader
    # (The latest states: the database has its latest tables.)
    now = [n for n in loader.graph.leaf_nodes() if n[0] in ("responses", "tracking")]
    apps = loader.project_state(now).apps
    report = ReportFactory(forces=[norfolk.force])
    RecommendationFactory(report=report)
    RecommendationFactory(report=report, addressees=[Addressee.HOME_OFFICE])
    AfiFactory(report=report)
    flow = Flow(
        response=make_response(report=report, body=norfolk, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    flow.drive(ResponseStatus.PUBLISHED)  # what follows runs on commit, not inside the test
    assert not TrackerItem.objects.exists()
    migration = import_module("tracking.migrations.0002_track_published_responses")

    migration.track_published(apps, None)
    migration.track_published(apps, None)

    items = TrackerItem.objects.filter(policing_body=norfolk).select_related("finding")
    assert sorted(i.finding.reference for i in items) == ["AFI1", "R1"]
    for item in items:
        assert item.created_by == approver
        assert item.history.get().history_change_reason == (
            "Tracking started for a response published earlier"
        )

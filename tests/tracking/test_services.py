"""Tracker services: creating items, dated append-only progress updates, corrections, status
changes by who may make them, and bulk changes (all or nothing)."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.models import Addressee, Finding
from tests.factories import AfiFactory, RecommendationFactory, ReportFactory
from tracking import services
from tracking.models import AppendOnlyError, EvidenceFile, ProgressUpdate, TrackerItem
from tracking.rag import Status
from tracking.services import (
    UNCHANGED,
    progress_update_add,
    tracker_item_create,
    tracker_items_bulk_update,
)
from tracking.workflow import TrackingError

from .conftest import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


# --- Creating items -------------------------------------------------------------------------------


def test_an_item_takes_its_target_date_from_the_recommendations_timescale(item, findings):
    assert findings[0].timescale_text == "within six months"
    assert item.target_date == date(2020, 7, 7)
    assert item.status == Status.OPEN
    assert item.tracked_on == _today()
    assert item.history.first().history_change_reason == "Tracking started"


def test_an_item_takes_the_area_of_a_report_with_one_graded_judgement(norfolk, drafter):
    from inspections.services import judgement_add

    report = ReportFactory(forces=[norfolk.force], grading_framework="four")
    judgement_add(
        report=report, area="Crime data integrity", grade="inadequate", acting_user=drafter
    )
    finding = RecommendationFactory(report=report)

    item = tracker_item_create(finding=finding, policing_body=norfolk, acting_user=drafter)

    assert item.area == "Crime data integrity"


def test_a_finding_is_tracked_once_per_office(item, findings, norfolk, drafter):
    with pytest.raises(TrackingError, match="already tracks"):
        tracker_item_create(finding=findings[0], policing_body=norfolk, acting_user=drafter)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrackerItem.objects.create(
            finding=findings[0],
            report=findings[0].report,
            policing_body=norfolk,
            tracked_on=_today(),
        )


def test_only_recommendations_and_afis_are_tracked(report, norfolk, drafter):
    key_finding = report.findings.create(kind=Finding.Kind.KEY_FINDING, text="A finding.")

    with pytest.raises(TrackingError, match="Only recommendations and areas for improvement"):
        tracker_item_create(finding=key_finding, policing_body=norfolk, acting_user=drafter)


def test_an_office_cannot_track_another_forces_report(findings, suffolk, suffolk_drafter):
    with pytest.raises(TrackingError, match="not about Suffolk Constabulary"):
        tracker_item_create(finding=findings[0], policing_body=suffolk, acting_user=suffolk_drafter)


def test_only_the_offices_staff_start_tracking(findings, norfolk, force_person, suffolk_drafter):
    for person in (force_person, suffolk_drafter):
        with pytest.raises(TrackingError, match="Only the office's staff"):
            tracker_item_create(finding=findings[0], policing_body=norfolk, acting_user=person)


# --- Progress updates -----------------------------------------------------------------------------


def test_an_update_records_date_author_text_and_evidence(item, force_person):
    content = pdf_bytes()
    day = _today() - timedelta(days=3)

    update = progress_update_add(
        item=item,
        acting_user=force_person,
        text="Audit of 100 incidents done.",
        date=day,
        files=[upload("audit.pdf", content)],
    )

    assert (update.date, update.author, update.text) == (
        day,
        force_person,
        "Audit of 100 incidents done.",
    )
    assert update.status_to == ""
    evidence = EvidenceFile.objects.get(update=update)
    assert evidence.original_name == "audit.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.file.read() == content
    assert evidence.file.name.startswith("evidence/") and not evidence.file.name.endswith(".pdf")
    item.refresh_from_db()
    assert item.last_update_on == day
    assert item.status == Status.OPEN


def test_a_status_change_is_an_update_and_the_items_status_is_the_latest_change(item, force_person):
    first = progress_update_add(
        item=item, acting_user=force_person, text="Work started.", status=Status.IN_PROGRESS
    )
    progress_update_add(item=item, acting_user=force_person, text="Half the audits done.")

    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert (first.status_from, first.status_to) == (Status.OPEN, Status.IN_PROGRESS)
    latest_change = item.updates.exclude(status_to="").order_by("-date", "-created_at").first()
    assert latest_change.status_to == item.status


def test_an_update_needs_text(item, drafter):
    with pytest.raises(TrackingError, match="Enter what has been done"):
        progress_update_add(item=item, acting_user=drafter, text="   ")


def test_an_update_cannot_be_dated_in_the_future_or_before_the_report(item, drafter):
    with pytest.raises(TrackingError, match="cannot be in the future"):
        progress_update_add(
            item=item, acting_user=drafter, text="Soon.", date=_today() + timedelta(days=1)
        )
    with pytest.raises(TrackingError, match="before the report was published"):
        progress_update_add(item=item, acting_user=drafter, text="Early.", date=date(2019, 12, 31))


def test_a_status_change_cannot_be_dated_before_the_last_one(item, drafter):
    progress_update_add(item=item, acting_user=drafter, text="Started.", status=Status.IN_PROGRESS)

    with pytest.raises(
        TrackingError, match="cannot be dated before the item's last change of status"
    ):
        progress_update_add(
            item=item,
            acting_user=drafter,
            text="Back to open.",
            status=Status.OPEN,
            date=_today() - timedelta(days=10),
        )


def test_a_bad_evidence_file_refuses_the_whole_update(item, force_person):
    with pytest.raises(TrackingError, match="not a real PDF"):
        progress_update_add(
            item=item,
            acting_user=force_person,
            text="See attached.",
            files=[upload("report.pdf", b"MZ\x90\x00" + b"\x00" * 100)],
        )

    assert not ProgressUpdate.objects.filter(item=item).exists()


@pytest.mark.parametrize("status", [Status.COMPLETE, Status.PENDING_SIGN_OFF])
def test_nobody_can_complete_an_item_or_put_it_pending_with_a_plain_update(item, drafter, status):
    with pytest.raises(TrackingError):
        progress_update_add(item=item, acting_user=drafter, text="Done.", status=status)

    item.refresh_from_db()
    assert item.status == Status.OPEN


@pytest.mark.parametrize("status", [Status.SUPERSEDED, Status.NOT_ACCEPTED])
def test_only_the_office_closes_an_item_without_completing_it(item, drafter, force_person, status):
    with pytest.raises(TrackingError, match="Only the office's staff"):
        progress_update_add(item=item, acting_user=force_person, text="Not needed.", status=status)

    progress_update_add(
        item=item, acting_user=drafter, text="Replaced by R4 of 2023.", status=status
    )
    item.refresh_from_db()
    assert item.status == status


def test_another_organisation_cannot_update_an_item(item, suffolk_drafter, suffolk_force_person):
    for person in (suffolk_drafter, suffolk_force_person):
        with pytest.raises(
            TrackingError, match="Only the office's staff and the force's contributors"
        ):
            progress_update_add(item=item, acting_user=person, text="Not ours.")


# --- Append-only, in the services and below them -------------------------------------------------


def test_the_services_offer_no_way_to_change_or_delete_an_update():
    """The only service for updates, evidence and packs adds one; nothing else touches them."""
    import inspect

    own = {
        name
        for name, value in inspect.getmembers(services, inspect.isfunction)
        if value.__module__ == "tracking.services" and not name.startswith("_")
    }
    about_records = {
        n for n in own if n.startswith(("progress_update", "evidence", "panel_pack", "closure"))
    }

    assert about_records == {
        "progress_update_add",
        "panel_pack_create",
        "closure_propose",
        "closure_decide",
    }


def test_a_correction_is_a_new_update_and_leaves_the_original_as_it_was(
    item, force_person, drafter
):
    original = progress_update_add(
        item=item, acting_user=force_person, text="Audit of 1000 incidents.", is_public=True
    )

    correction = progress_update_add(
        item=item, acting_user=drafter, text="It was 100 incidents, not 1000.", corrects=original
    )

    assert correction.pk != original.pk
    assert correction.corrects == original
    reloaded = ProgressUpdate.objects.get(pk=original.pk)
    assert (reloaded.text, reloaded.is_public, reloaded.author) == (
        "Audit of 1000 incidents.",
        True,
        force_person,
    )
    assert list(item.updates.order_by("created_at")) == [original, correction]


def test_a_correction_must_be_of_the_same_item(items, drafter):
    other = progress_update_add(item=items[1], acting_user=drafter, text="On R2.")

    with pytest.raises(TrackingError, match="same item"):
        progress_update_add(item=items[0], acting_user=drafter, text="Fix.", corrects=other)


def test_an_update_refuses_to_be_saved_again_or_deleted(item, drafter):
    update = progress_update_add(item=item, acting_user=drafter, text="Recorded.")

    update.text = "Rewritten."
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    with pytest.raises(AppendOnlyError):
        ProgressUpdate.objects.filter(pk=update.pk).update(text="Rewritten.")
    with pytest.raises(AppendOnlyError):
        ProgressUpdate.objects.filter(pk=update.pk).delete()
    with pytest.raises(AppendOnlyError):
        item.updates.all().delete()

    assert ProgressUpdate.objects.get(pk=update.pk).text == "Recorded."


def test_evidence_refuses_to_be_saved_again_or_deleted(item, drafter):
    update = progress_update_add(
        item=item, acting_user=drafter, text="Attached.", files=[upload("a.pdf", pdf_bytes())]
    )
    evidence = update.evidence.get()

    evidence.original_name = "renamed.pdf"
    with pytest.raises(AppendOnlyError):
        evidence.save()
    with pytest.raises(AppendOnlyError):
        evidence.delete()
    with pytest.raises(AppendOnlyError):
        EvidenceFile.objects.all().delete()


def test_an_item_with_updates_cannot_be_deleted(item, drafter):
    from django.db.models import ProtectedError

    progress_update_add(item=item, acting_user=drafter, text="Recorded.")

    with pytest.raises(ProtectedError):
        item.delete()


# --- Creating items for a published response ----------------------------------------------------


def test_a_responses_items_are_every_local_recommendation_and_every_afi(norfolk, drafter):
    from tests.factories import make_response

    report = ReportFactory(forces=[norfolk.force])
    local = RecommendationFactory(report=report)
    RecommendationFactory(report=report, addressees=[Addressee.HOME_OFFICE])
    afi = AfiFactory(report=report)
    response = make_response(report=report, body=norfolk, acting_user=drafter)

    created = services.tracker_items_create_for_response(response=response, acting_user=drafter)
    again = services.tracker_items_create_for_response(response=response, acting_user=drafter)

    assert [i.finding for i in created] == [local, afi]
    assert again == []
    assert TrackerItem.objects.filter(policing_body=norfolk).count() == 2


# --- Bulk change --------------------------------------------------------------------------------


def test_bulk_change_sets_leads_target_date_and_area_on_many_items(
    items, drafter, approver, force_person
):
    target = date(2026, 12, 31)

    tracker_items_bulk_update(
        items=items[:2],
        acting_user=drafter,
        office_lead=approver,
        force_lead=force_person,
        target_date=target,
        area="Crime recording",
        reason="Agreed at the accountability meeting.",
    )

    for changed in TrackerItem.objects.filter(pk__in=[i.pk for i in items[:2]]):
        assert (changed.office_lead, changed.force_lead, changed.target_date, changed.area) == (
            approver,
            force_person,
            target,
            "Crime recording",
        )
        assert changed.history.first().history_change_reason == (
            "Agreed at the accountability meeting."
        )
        assert changed.history.first().history_user == drafter
    untouched = TrackerItem.objects.get(pk=items[2].pk)
    assert untouched.office_lead is None and untouched.target_date is None


def test_bulk_change_leaves_unchanged_what_is_not_given_and_clears_what_is_none(
    items, drafter, approver
):
    tracker_items_bulk_update(items=items, acting_user=drafter, office_lead=approver)

    tracker_items_bulk_update(
        items=items, acting_user=drafter, target_date=None, office_lead=UNCHANGED
    )

    for changed in TrackerItem.objects.filter(pk__in=[i.pk for i in items]):
        assert changed.office_lead == approver
        assert changed.target_date is None


def test_bulk_status_change_records_an_update_on_each_item(items, drafter):
    tracker_items_bulk_update(
        items=items, acting_user=drafter, status=Status.IN_PROGRESS, reason="Plan agreed."
    )

    for changed in TrackerItem.objects.filter(pk__in=[i.pk for i in items]):
        assert changed.status == Status.IN_PROGRESS
        update = changed.updates.get()
        assert (update.text, update.status_to, update.author, update.kind) == (
            "Plan agreed.",
            Status.IN_PROGRESS,
            drafter,
            ProgressUpdate.Kind.BULK_CHANGE,
        )


def test_bulk_status_change_needs_a_reason(items, drafter):
    with pytest.raises(TrackingError, match="Say why the status is changing"):
        tracker_items_bulk_update(items=items, acting_user=drafter, status=Status.IN_PROGRESS)


def test_bulk_change_is_all_or_nothing(items, drafter, approver, force_person):
    from tracking.services import closure_propose

    closure_propose(item=items[1], acting_user=force_person, text="Done.")

    with pytest.raises(TrackingError) as refusal:
        tracker_items_bulk_update(
            items=items,
            acting_user=drafter,
            office_lead=approver,
            status=Status.SUPERSEDED,
            reason="Replaced by the 2023 report.",
        )

    assert len(refusal.value.problems) == 1
    assert items[1].label in refusal.value.problems[0]
    assert not TrackerItem.objects.filter(office_lead=approver).exists()
    assert TrackerItem.objects.filter(status=Status.SUPERSEDED).count() == 0


def test_bulk_change_refuses_a_lead_from_another_organisation(
    items, drafter, suffolk_drafter, force_person
):
    with pytest.raises(TrackingError, match="does not work in the office of"):
        tracker_items_bulk_update(items=items, acting_user=drafter, office_lead=suffolk_drafter)
    with pytest.raises(TrackingError, match="is not a contributor for Norfolk Constabulary"):
        tracker_items_bulk_update(items=items, acting_user=drafter, force_lead=drafter)
    with pytest.raises(TrackingError, match="does not work in the office"):
        tracker_items_bulk_update(items=items, acting_user=drafter, office_lead=force_person)


def test_only_the_offices_staff_make_bulk_changes(items, force_person, suffolk_drafter):
    for person in (force_person, suffolk_drafter):
        with pytest.raises(TrackingError, match="Only the office's staff"):
            tracker_items_bulk_update(items=items, acting_user=person, area="Anything")


def test_bulk_change_without_a_reason_says_what_changed(items, drafter, approver):
    tracker_items_bulk_update(
        items=items[:2], acting_user=drafter, office_lead=approver, area="Crime recording"
    )

    reasons = {i.history.first().history_change_reason for i in items[:2]}
    assert reasons == {"Changed for 2 items: office lead, area"}


def test_a_long_reason_is_kept_whole_in_the_history_and_the_update(items, drafter):
    reason = ("The panel agreed the new plan. " * 70).strip()

    tracker_items_bulk_update(items=items[:1], acting_user=drafter, area="X", reason=reason)
    tracker_items_bulk_update(
        items=items[1:2], acting_user=drafter, status=Status.IN_PROGRESS, reason=reason
    )

    changed = TrackerItem.objects.get(pk=items[0].pk)
    assert changed.history.first().history_change_reason == reason
    moved = TrackerItem.objects.get(pk=items[1].pk)
    assert moved.updates.get().text == reason

"""Scheduled publication (`publication_schedule`, `scheduled_publications_run`): an approved
response is published at its Europe/London date and time by the beat's sweep, exactly once,
with two sweeps at the same time or a sweep killed after claiming; the schedule can be changed
or cancelled until it runs; a day after the publish-by date is warned about, a day after the
statutory due date refused without a reason."""

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from accounts.models import Membership
from core.dates import long_date
from core.history import reason_text
from responses.models import ResponseVersion, ScheduledPublication, Status
from responses.services import (
    publication_schedule,
    publication_schedule_cancel,
    response_invite_force,
    response_send_back,
    scheduled_publications_run,
    scheduled_time_text,
)
from responses.workflow import ActionNotAllowed, WorkflowError
from tests.conftest import require
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    make_response,
    office_user,
    policing_body,
)

from .conftest import Flow

LONDON = ZoneInfo("Europe/London")
State = ScheduledPublication.State


def approved_flow(*, report_age_days: int = 10) -> Flow:
    """A Norfolk response to a report published `report_age_days` ago, approved."""
    body = policing_body("norfolk-pcc")
    body.holder_name = "Giles Orpen-Smellie"
    body.save(update_fields=["holder_name"])
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER)
    approver = office_user(body, Membership.Role.OPCC_APPROVER)
    published_on = timezone.localdate() - timedelta(days=report_age_days)
    report = ReportFactory(forces=[body.force], published_on=published_on)
    RecommendationFactory(report=report)
    flow = Flow(
        response=make_response(report=report, body=body, acting_user=drafter),
        drafter=drafter,
        approver=approver,
    )
    flow.write_text()
    flow.explain_all()
    flow.response = response_invite_force(
        response=flow.response, invited_on=published_on, reply_by=published_on, acting_user=drafter
    )
    flow.do("start drafting")
    flow.do("submit for approval")
    flow.do("approve")
    return flow


def tomorrow_at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=1), time(hour, minute), LONDON)


def arrive(schedule: ScheduledPublication) -> None:
    """Time passes: the scheduled moment is a minute ago (and its day today)."""
    ScheduledPublication.objects.filter(pk=schedule.pk).update(
        publish_at=timezone.now() - timedelta(minutes=1)
    )


@pytest.mark.django_db
def test_the_sweep_publishes_a_due_schedule_once_as_the_person_who_scheduled_it():
    flow = approved_flow()
    schedule, warnings = publication_schedule(
        response=flow.response, publish_at=tomorrow_at(9, 30), acting_user=flow.approver
    )
    assert warnings == []
    assert scheduled_publications_run() == []  # not due yet
    arrive(schedule)

    assert scheduled_publications_run() == [schedule.pk]
    assert scheduled_publications_run() == []

    response = flow.refreshed()
    assert response.status == Status.PUBLISHED
    assert response.published_on == timezone.localdate()
    (version,) = ResponseVersion.objects.filter(response=response)
    assert version.published_by == flow.approver
    schedule.refresh_from_db()
    assert schedule.state == State.DONE
    assert schedule.version == version
    reasons = list(response.history.values_list("history_change_reason", flat=True))
    assert "Published" in reasons
    assert any(r.startswith("Publication scheduled for ") and "at 9:30am" in r for r in reasons)


@pytest.mark.django_db
def test_the_schedule_can_be_changed_and_cancelled_until_it_runs():
    flow = approved_flow()
    first, _ = publication_schedule(
        response=flow.response, publish_at=tomorrow_at(9), acting_user=flow.approver
    )
    moved, _ = publication_schedule(
        response=flow.response, publish_at=tomorrow_at(14), acting_user=flow.approver
    )
    assert moved.pk == first.pk
    assert timezone.localtime(moved.publish_at).hour == 14

    publication_schedule_cancel(response=flow.response, acting_user=flow.approver)
    arrive(moved)

    assert scheduled_publications_run() == []
    assert flow.refreshed().status == Status.APPROVED
    moved.refresh_from_db()
    assert moved.state == State.CANCELLED
    with pytest.raises(WorkflowError, match="no scheduled publication"):
        publication_schedule_cancel(response=flow.response, acting_user=flow.approver)


@pytest.mark.django_db
def test_a_welsh_approvers_schedule_is_stored_in_english_and_shown_in_each_readers_language():
    """The history keeps English sentences (they were f-strings with the day in the approver's
    language) and shows them with the day and time in the reader's language; a drafter's
    refusal to cancel is in the page's language too."""
    flow = approved_flow()
    day = tomorrow_at(9).date()
    with translation.override("cy"):
        publication_schedule(
            response=flow.response, publish_at=tomorrow_at(9, 30), acting_user=flow.approver
        )
        publication_schedule(
            response=flow.response, publish_at=tomorrow_at(14), acting_user=flow.approver
        )
        with pytest.raises(ActionNotAllowed) as refused:
            publication_schedule_cancel(response=flow.response, acting_user=flow.drafter)
        assert str(refused.value) == (
            "Dim ond cymeradwywr neu weinyddwr yn y swyddfa hon sy'n cael cyhoeddi."
        )
        publication_schedule_cancel(response=flow.response, acting_user=flow.approver)
        welsh_day = long_date(day, weekday=True)
        assert scheduled_time_text(tomorrow_at(14)) == f"{welsh_day} am 2:00yh"
    english_day = long_date(day, weekday=True)

    stored = list(
        flow.refreshed()
        .history.order_by("history_id")
        .values_list("history_change_reason", flat=True)
    )[-3:]
    assert stored == [
        f"Publication scheduled for {english_day} at 9:30am",
        f"Publication moved to {english_day} at 2:00pm",
        f"Scheduled publication ({english_day} at 2:00pm) cancelled",
    ]
    with translation.override("cy"):
        assert [reason_text(reason) for reason in stored] == [
            f"Cyhoeddi wedi'i drefnu ar gyfer {welsh_day} am 9:30yb",
            f"Cyhoeddi wedi'i symud i {welsh_day} am 2:00yh",
            f"Cyhoeddi a drefnwyd ({welsh_day} am 2:00yh) wedi'i ganslo",
        ]
    with translation.override("en-gb"):
        assert [reason_text(reason) for reason in stored] == stored
        with pytest.raises(ActionNotAllowed, match="Only an approver or an admin in this office"):
            publication_schedule_cancel(response=flow.response, acting_user=flow.drafter)


@pytest.mark.django_db
def test_after_the_publish_by_date_warns_and_after_the_due_date_needs_a_reason():
    flow = approved_flow(report_age_days=55)  # due today
    response = flow.refreshed()
    after_due = tomorrow_at(10)

    with pytest.raises(WorkflowError, match="after the due date"):
        publication_schedule(response=response, publish_at=after_due, acting_user=flow.approver)
    assert not ScheduledPublication.objects.exists()

    schedule, warnings = publication_schedule(
        response=response,
        publish_at=after_due,
        late_reason="The panel met late.",
        acting_user=flow.approver,
    )
    assert schedule.late_reason == "The panel met late."
    assert len(warnings) == 1 and "after the publish-by date" in warnings[0]


@pytest.mark.django_db
def test_only_the_sign_off_schedules_and_only_an_approved_response():
    flow = approved_flow()
    with pytest.raises(ActionNotAllowed):
        publication_schedule(
            response=flow.response, publish_at=tomorrow_at(9), acting_user=flow.drafter
        )
    with pytest.raises(WorkflowError, match="in the future"):
        publication_schedule(
            response=flow.response,
            publish_at=timezone.now() - timedelta(hours=1),
            acting_user=flow.approver,
        )
    response_send_back(response=flow.response, reason="More on R1.", acting_user=flow.approver)
    with pytest.raises(WorkflowError, match="cannot publish a response that is drafting"):
        publication_schedule(
            response=flow.refreshed(), publish_at=tomorrow_at(9), acting_user=flow.approver
        )


@pytest.mark.django_db
def test_a_response_sent_back_after_scheduling_is_not_published_and_the_office_sees_why():
    flow = approved_flow()
    schedule, _ = publication_schedule(
        response=flow.response, publish_at=tomorrow_at(9), acting_user=flow.approver
    )
    response_send_back(response=flow.response, reason="More on R1.", acting_user=flow.approver)
    arrive(schedule)

    assert scheduled_publications_run() == []

    schedule.refresh_from_db()
    assert schedule.state == State.FAILED
    assert "cannot publish a response that is drafting" in schedule.error
    assert not ResponseVersion.objects.exists()


@pytest.mark.django_db
def test_a_sweep_killed_after_claiming_is_finished_by_a_later_one_and_only_once():
    flow = approved_flow()
    schedule, _ = publication_schedule(
        response=flow.response, publish_at=tomorrow_at(9), acting_user=flow.approver
    )
    arrive(schedule)
    # A sweep claimed it and its worker died before publishing (nothing was committed).
    ScheduledPublication.objects.filter(pk=schedule.pk).update(
        state=State.RUNNING, claimed_at=timezone.now() - timedelta(minutes=2)
    )
    assert scheduled_publications_run() == []  # another sweep may still be at work

    later = timezone.now() + timedelta(minutes=15)
    assert scheduled_publications_run(now=later) == [schedule.pk]
    assert scheduled_publications_run(now=later) == []
    assert ResponseVersion.objects.filter(response=flow.response).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_publish_once_on_postgresql():
    require(connection.vendor == "postgresql", "the row locks under test are PostgreSQL's")
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    flows = [approved_flow() for _ in range(3)]
    schedules = []
    for flow in flows:
        schedule, _ = publication_schedule(
            response=flow.response, publish_at=tomorrow_at(9), acting_user=flow.approver
        )
        arrive(schedule)
        schedules.append(schedule)

    start = threading.Barrier(2)
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def sweep():
        try:
            start.wait()
            results.append(scheduled_publications_run())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    published = sorted(results[0] + results[1])
    assert published == sorted(s.pk for s in schedules)
    for flow in flows:
        assert ResponseVersion.objects.filter(response=flow.response).count() == 1
    assert set(ScheduledPublication.objects.values_list("state", flat=True)) == {State.DONE}

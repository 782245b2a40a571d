"""The public copy of a published response: made after publication, frozen at that version,
unchanged by an amendment in progress, replaced when the amendment is published."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from core.events import subscriber_name
from core.models import DeliveryStatus, EventDelivery
from public.models import PublishedItem, PublishedResponse
from public.services import (
    published_response_refresh,
    published_responses_refresh,
    refresh_after_publication,
    stale_response_ids,
)
from responses.services import (
    explanation_save,
    response_amend,
    response_approve,
    response_publish,
    response_submit_for_approval,
    response_update_text,
)

from .conftest import publish, run_on_commit

pytestmark = pytest.mark.django_db


def amend_and_publish(
    response,
    *,
    office_comments: str,
    reason: str,
    published_on: date,
    already_amended: bool = False,
):
    drafter, approver = response.drafter, response.approver
    if not already_amended:
        response = response_amend(response=response, reason=reason, acting_user=approver)
    response = response_update_text(
        response=response, acting_user=drafter, office_comments=office_comments
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(response=response, acting_user=approver)
    return run_on_commit(
        response_publish, response=response, published_on=published_on, acting_user=approver
    )


def test_publication_copies_the_published_content_into_the_public_tables():
    response = publish(recommendations=3, afis=2, office_comments="We welcome **this** report.")

    record = PublishedResponse.objects.get(response=response)
    assert record.version_number == 1
    assert record.office_comments == "We welcome **this** report."
    assert record.summary == "We welcome this report."
    assert record.force_comments == "The force accepts every recommendation."
    assert record.force_comments_author == "A Chief, Chief Constable"
    assert record.first_published_on == date(2020, 2, 20)
    assert record.due_date == date(2020, 3, 2)
    assert record.days_late == 0
    kinds = list(record.items.values_list("kind", "number"))
    assert kinds == [
        ("recommendation", 1),
        ("recommendation", 2),
        ("recommendation", 3),
        ("afi", 1),
        ("afi", 2),
    ]
    assert set(record.items.values_list("explanation_kind", flat=True)) == {"action_proposed"}


def test_a_late_publication_records_how_many_days_late():
    response = publish(published_on=date(2020, 3, 6), late_reason="The panel met late.")

    record = PublishedResponse.objects.get(response=response)
    assert record.days_late == 4
    assert not record.is_on_time


def test_a_report_before_the_56_day_rule_has_no_days_late():
    response = publish(report_published_on=date(2016, 6, 1), published_on=date(2016, 9, 30))

    record = PublishedResponse.objects.get(response=response)
    assert record.due_date is None
    assert record.days_late is None
    assert record.is_on_time is None


def test_an_amendment_in_progress_leaves_the_published_copy_alone_even_when_refreshed():
    response = publish(office_comments="Published words.")
    drafter = response.drafter
    response = response_amend(
        response=response, reason="Correct a date", acting_user=response.approver
    )
    response = response_update_text(
        response=response, acting_user=drafter, office_comments="Draft words of the amendment."
    )
    finding = response.report.findings.recommendations().first()
    explanation_save(
        response=response,
        finding=finding,
        kind="action_taken",
        text="Draft explanation of the amendment.",
        acting_user=drafter,
    )

    # A refresh now (the command, a retried hook) must rebuild version 1 as it was published.
    record = published_response_refresh(response_id=response.pk)

    assert record.office_comments == "Published words."
    assert "Draft" not in record.response_text
    item = record.items.get(finding=finding)
    assert item.explanation_kind == "action_proposed"
    assert (
        item.explanation == "The commissioner will review progress at each accountability meeting."
    )


def test_publishing_an_amendment_replaces_the_copy_and_keeps_the_first_date():
    response = publish(office_comments="Version one.")
    response = amend_and_publish(
        response,
        office_comments="Version two.",
        reason="The force's plan was updated.",
        published_on=date(2020, 4, 1),
    )

    record = PublishedResponse.objects.get(response=response)
    assert record.version_number == 2
    assert record.office_comments == "Version two."
    assert record.first_published_on == date(2020, 2, 20)
    assert record.latest_published_on == date(2020, 4, 1)
    assert record.days_late == 0
    assert PublishedResponse.objects.count() == 1
    assert PublishedItem.objects.filter(record=record).count() == 3


def test_refreshing_is_idempotent():
    response = publish()
    first = PublishedResponse.objects.get(response=response)

    published_response_refresh(response_id=response.pk)
    published_response_refresh(response_id=response.pk)

    again = PublishedResponse.objects.get(response=response)
    assert again.pk == first.pk
    assert again.items.count() == first.items.count() == 3
    assert again.refreshed_at > first.refreshed_at


def test_stale_records_are_found_and_repaired_by_the_command():
    response = publish()
    PublishedResponse.objects.filter(response=response).delete()
    assert stale_response_ids() == [response.pk]

    call_command("public_refresh")

    assert stale_response_ids() == []
    assert PublishedResponse.objects.filter(response=response).exists()
    assert published_responses_refresh() == 0


def test_a_failing_refresh_does_not_break_the_publication_and_is_recorded_until_replayed(
    monkeypatch,
):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    with monkeypatch.context() as patched:
        patched.setattr("public.services.published_response_refresh", broken)
        response = publish()

    response.refresh_from_db()
    assert response.status == "published"
    assert not PublishedResponse.objects.filter(response=response).exists()
    failed = EventDelivery.objects.get(subscriber=subscriber_name(refresh_after_publication))
    assert failed.status == DeliveryStatus.FAILED
    assert "database went away" in failed.error

    call_command("events_replay", stdout=StringIO())

    assert PublishedResponse.objects.filter(response=response).exists()
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.DONE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search vector is PostgreSQL's")
def test_the_search_vector_is_stored_on_postgresql():
    response = publish(title="Vetting, misconduct and misogyny")

    record = PublishedResponse.objects.get(response=response)
    assert "vet" in record.search_vector


def test_migrate_refreshes_missing_public_copies():
    from django.apps import apps
    from django.db.models.signals import post_migrate

    response = publish()
    PublishedResponse.objects.filter(response=response).delete()

    post_migrate.send(
        sender=apps.get_app_config("public"),
        app_config=apps.get_app_config("public"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )

    assert PublishedResponse.objects.filter(response=response).exists()

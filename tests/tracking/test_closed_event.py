"""When the office closes a tracked item ("tracker.item_closed", config/events.py), the force
is told: one stored email per person (core/outbox.py), sent once, for the office to read."""

import pytest
from django.core import mail

from config import events as project_events
from core.models import EmailStatus, OutgoingEmail
from tracking.notifications import send_item_closed
from tracking.rag import Status
from tracking.services import closure_decide, closure_propose, progress_update_add

pytestmark = pytest.mark.django_db


def _closed_emails():
    return OutgoingEmail.objects.filter(kind="tracker_item_closed").order_by("to")


def test_approving_closure_tells_the_force_once_with_a_link_to_the_item(
    item, force_person, drafter, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    proposal = closure_propose(item=item, acting_user=force_person, text="Audit done.")
    assert not _closed_emails().exists()  # a proposal closes nothing

    with django_capture_on_commit_callbacks(execute=True):
        closure_decide(proposal=proposal, acting_user=drafter, approve=True)

    (email,) = _closed_emails()
    assert (email.to, email.recipient_id, email.status) == (
        force_person.email,
        force_person.pk,
        EmailStatus.SENT,
    )
    assert email.office_id == item.policing_body_id
    assert "its status is now complete" in email.text
    assert f"https://tracker.example.org/tracker/{item.pk}/" in email.text
    assert [m.to for m in mail.outbox] == [[force_person.email]]

    # The same closing update again (a delivery offered twice) stores nothing new.
    proposal.refresh_from_db()
    send_item_closed(item_id=item.pk, update_id=proposal.decision_update_id)
    assert _closed_emails().count() == 1


def test_the_office_marking_an_item_superseded_tells_the_force(
    item, force_person, drafter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        progress_update_add(
            item=item, acting_user=drafter, text="Replaced by R9.", status=Status.SUPERSEDED
        )

    assert [(e.to, "its status is now superseded" in e.text) for e in _closed_emails()] == [
        (force_person.email, True)
    ]


def test_progress_and_a_refused_closure_tell_the_force_nothing(
    item, force_person, drafter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        progress_update_add(
            item=item, acting_user=drafter, text="Started.", status=Status.IN_PROGRESS
        )
        proposal = closure_propose(item=item, acting_user=force_person, text="Done.")
        closure_decide(proposal=proposal, acting_user=drafter, approve=False, reason="No proof.")

    assert not _closed_emails().exists()


def test_the_registry_says_the_force_is_told():
    assert send_item_closed in project_events.SUBSCRIBERS[project_events.TRACKER_ITEM_CLOSED]

"""The email outbox (core/outbox.py): each email is a row created once and sent once, its words
kept; a mail server that refuses it leaves it FAILED with the reason, and it is sent once when
the server is back."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from core import outbox
from core.models import EmailStatus, OutgoingEmail
from core.outbox import Email

pytestmark = pytest.mark.django_db


def create(capture, **kwargs):
    with capture(execute=True):
        return outbox.emails_create(
            kind="force_invitation",
            key="response-1-3",
            emails=[Email(to="fran@example.org", subject="Invitation", text="Please comment.")],
            office_id=None,
            **kwargs,
        )


def test_an_email_is_stored_with_its_words_and_sent_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    (email_id,) = create(django_capture_on_commit_callbacks)
    create(django_capture_on_commit_callbacks)  # the same occasion again adds nothing

    assert [m.to for m in mailoutbox] == [["fran@example.org"]]
    email = OutgoingEmail.objects.get()
    assert (email.pk, email.status, email.attempts) == (email_id, EmailStatus.SENT, 1)
    assert email.text == "Please comment."
    assert outbox.email_send(email_id=email_id) == ""  # a second task finds it sent
    assert len(mailoutbox) == 1


def test_a_refused_email_is_recorded_and_sent_once_when_the_server_is_back(
    mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    real_send = EmailMultiAlternatives.send

    def down(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    (email_id,) = create(django_capture_on_commit_callbacks)

    email = OutgoingEmail.objects.get(pk=email_id)
    assert email.status == EmailStatus.FAILED
    assert "Connection unexpectedly closed" in email.error
    assert mailoutbox == []

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    assert outbox.emails_replay() == {"sent": 1, "failed": 0}
    assert outbox.emails_replay() == {"sent": 0, "failed": 0}
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)


def test_an_email_claimed_by_a_worker_that_died_is_never_sent_again_but_shown_stuck(
    mailoutbox, monkeypatch
):
    monkeypatch.setattr(outbox, "enqueue_emails", lambda ids: None)
    (email_id,) = outbox.emails_create(
        kind="k", key="x", emails=[Email(to="a@example.org", subject="s", text="t")], office_id=1
    )
    long_ago = timezone.now() - timedelta(hours=2)
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENDING, claimed_at=long_ago
    )

    assert outbox.email_send(email_id=email_id) == ""
    assert outbox.emails_sweep(lost_after=timedelta(minutes=5)) == []
    assert outbox.emails_replay() == {"sent": 0, "failed": 0}
    assert mailoutbox == []
    assert outbox.is_stuck(OutgoingEmail.objects.get(pk=email_id))

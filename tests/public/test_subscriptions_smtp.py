"""Email subscriptions against a real SMTP server (aiosmtpd, started as
tests/responses/test_copies_sent.py starts it): the confirmation email arrives, its link
confirms; a publication's email arrives with its List-Unsubscribe headers; the one-click POST
to the address in that header, as a mail client sends it, deletes the address."""

import email
import email.policy
import mailbox
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import EmailStatus, OutgoingEmail
from public import subscriptions
from public.models import EmailSubscription
from tests.factories import policing_body
from tests.responses.test_copies_sent import _free_port, _start_smtp

from .conftest import publish

pytestmark = pytest.mark.django_db


def received(maildir) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
        for m in mailbox.Maildir(maildir)
    ]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_sign_up_confirm_publish_and_unsubscribe_from_the_received_emails(
    client, settings, tmp_path
):
    port = _free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    maildir = tmp_path / "maildir"
    server = _start_smtp(port, maildir, tmp_path)
    try:
        body = policing_body()
        with TestCase.captureOnCommitCallbacks(execute=True):
            answer = client.post(
                reverse("public:subscribe", args=[body.slug]), {"email": "Reader@Example.org"}
            )
        assert answer.status_code == 302

        (confirmation,) = received(maildir)
        assert confirmation["To"] == "reader@example.org"
        assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        (confirm_url,) = re.findall(
            r"https?://\S+/email-updates/confirm/\S+", text_of(confirmation)
        )
        assert client.post(urlsplit(confirm_url).path).status_code == 200
        assert EmailSubscription.objects.get().confirmed_at is not None

        response = publish(body=body, title="Roads policing")

        notices = [m for m in received(maildir) if "Roads policing" in m["Subject"]]
        assert len(notices) == 1
        notice = notices[0]
        page = reverse("public:response", args=[response.pk])
        assert any(urlsplit(u).path == page for u in re.findall(r"https?://\S+", text_of(notice)))
        header = notice["List-Unsubscribe"]
        assert re.fullmatch(r"<https?://\S+/email-updates/unsubscribe/\S+/>", header)
        # The token was put in as the email was sent: the stored words have none.
        unsubscribe_path = urlsplit(header.strip("<>")).path
        token = unsubscribe_path.rstrip("/").rsplit("/", 1)[1]
        stored = OutgoingEmail.objects.get(kind="subscription_notice")
        assert token not in stored.text + stored.html + str(stored.headers)
        assert token in text_of(notice)

        # The mail client's one-click unsubscribe (RFC 8058): a POST with no cookie or token.
        one_click = Client(enforce_csrf_checks=True).post(
            unsubscribe_path,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert one_click.status_code == 200
        assert not EmailSubscription.objects.exists()
        assert not OutgoingEmail.objects.filter(to="reader@example.org").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_subscriber_emails_refused_by_a_mail_server_that_is_down_go_on_the_next_sweep(
    client, settings, tmp_path
):
    """The subscription emails are outbox rows like every other email: a send the server
    refuses is recorded FAILED, and the beat's sweep (core.tasks.sweep, `emails_sweep`) sends
    it once the server is back, with the same retries and backoff as the rest."""
    port = _free_port()  # nothing listens there yet: the connection is refused
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    body = policing_body()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("public:subscribe", args=[body.slug]), {"email": "reader@example.org"})
    subscription = EmailSubscription.objects.get()
    subscription.confirmed_at = timezone.now()
    subscription.save(update_fields=["confirmed_at"])
    publish(body=body, title="Roads policing")

    rows = OutgoingEmail.objects.filter(kind__in=subscriptions.KINDS)
    assert sorted(rows.values_list("kind", "status")) == [
        (subscriptions.KIND_CONFIRM, EmailStatus.FAILED),
        (subscriptions.KIND_NOTICE, EmailStatus.FAILED),
    ]

    maildir = tmp_path / "maildir"
    server = _start_smtp(port, maildir, tmp_path)
    try:
        later = timezone.now() + outbox.LOST_AFTER + timedelta(minutes=1)
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert len(outbox.emails_sweep(now=later)) == 2
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert outbox.emails_sweep(now=later) == []
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert {r.status for r in rows} == {EmailStatus.SENT}
    messages = received(maildir)
    assert sorted(m["Subject"] for m in messages) == sorted(rows.values_list("subject", flat=True))
    assert all(m["List-Unsubscribe"] for m in messages)

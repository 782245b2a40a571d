"""The s55(6) copies sent from the product (`response_send_copies`, responses/copies.py): one
recorded email per recipient per version, the frozen PDF attached, a link and its SHA-256;
each recipient's copy date set from the actual sending; nothing sent twice; a hand-recorded
date kept. Against a real SMTP server (aiosmtpd, as tests/core/test_reliability.py starts it):
the attachments are the published bytes, a server that is down is retried, and each recipient
receives one email."""

import email
import hashlib
import mailbox
import os
import socket
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.utils import timezone

from core.models import EmailStatus, OutgoingEmail
from core.outbox import emails_replay
from responses.models import ResponseVersion, Status
from responses.services import response_record_copies, response_send_copies, response_withdraw
from responses.workflow import WorkflowError

pytestmark = pytest.mark.django_db

ADDRESSES = {
    "hmicfrs": "s55@hmicfrs.example.org",
    "home_secretary": "s55@homeoffice.example.org",
    "panel": "panel@norfolk.example.org",
    "chief_officer": "chief@norfolk-police.example.org",
}


@pytest.fixture
def addresses(settings, norfolk):
    settings.S55_COPY_HMICFRS_EMAIL = ADDRESSES["hmicfrs"]
    settings.S55_COPY_HOME_SECRETARY_EMAIL = ADDRESSES["home_secretary"]
    norfolk.panel_email = ADDRESSES["panel"]
    norfolk.save(update_fields=["panel_email"])
    norfolk.force.chief_officer_email = ADDRESSES["chief_officer"]
    norfolk.force.save(update_fields=["chief_officer_email"])
    return ADDRESSES


def _send(flow, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return response_send_copies(response=flow.response, acting_user=flow.drafter, **kwargs)


def test_one_email_per_recipient_with_the_pdf_a_link_and_the_hash_and_the_dates_follow(
    flow, addresses, django_capture_on_commit_callbacks
):
    flow.drive(Status.PUBLISHED)

    _send(flow, django_capture_on_commit_callbacks)

    version = ResponseVersion.objects.get(response=flow.response)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses.values())
    for message in mail.outbox:
        ((name, content, mimetype),) = message.attachments
        assert mimetype == "application/pdf" and name.endswith(".pdf")
        assert hashlib.sha256(content).hexdigest() == version.pdf_sha256
        assert f"SHA-256 of the PDF: {version.pdf_sha256}" in message.body
        assert f"/published/{flow.response.pk}/" in message.body
    rows = OutgoingEmail.objects.filter(kind="s55_copy")
    assert rows.count() == 4
    assert all(r.status == EmailStatus.SENT and r.message_id.startswith("<") for r in rows)
    today = timezone.localdate()
    assert (
        version.copy_hmicfrs_on,
        version.copy_home_secretary_on,
        version.copy_panel_on,
        version.copy_chief_officer_on,
    ) == (today, today, today, today)
    assert version.statutory_copies_sent


def test_asking_again_sends_nothing_twice(flow, addresses, django_capture_on_commit_callbacks):
    flow.drive(Status.PUBLISHED)
    _send(flow, django_capture_on_commit_callbacks)
    _send(flow, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 4
    assert OutgoingEmail.objects.filter(kind="s55_copy").count() == 4


def test_a_date_recorded_by_hand_is_kept(flow, addresses, django_capture_on_commit_callbacks):
    flow.drive(Status.PUBLISHED)
    version = ResponseVersion.objects.get(response=flow.response)
    response_record_copies(
        response=flow.response, acting_user=flow.drafter, hmicfrs=version.published_on
    )

    _send(flow, django_capture_on_commit_callbacks)

    version.refresh_from_db()
    assert version.copy_hmicfrs_on == version.published_on
    assert version.copy_home_secretary_on == timezone.localdate()


def test_a_recipient_without_an_address_is_left_out_and_none_at_all_is_refused(
    flow, settings, norfolk, django_capture_on_commit_callbacks
):
    flow.drive(Status.PUBLISHED)
    settings.S55_COPY_HMICFRS_EMAIL = ""
    settings.S55_COPY_HOME_SECRETARY_EMAIL = ""
    with pytest.raises(WorkflowError, match="No address is recorded"):
        response_send_copies(response=flow.response, acting_user=flow.drafter)

    settings.S55_COPY_HMICFRS_EMAIL = ADDRESSES["hmicfrs"]
    _send(flow, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[ADDRESSES["hmicfrs"]]]


def test_a_withdrawn_version_is_not_sent(flow, addresses):
    flow.drive(Status.PUBLISHED)
    response_withdraw(response=flow.response, reason="Personal data.", acting_user=flow.approver)

    with pytest.raises(WorkflowError, match="was withdrawn"):
        response_send_copies(response=flow.refreshed(), acting_user=flow.drafter)


# --- a real SMTP server -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_smtp(port: int, maildir, tmp_path) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Mailbox",
            str(maildir),
        ],
        # Away from the repository: aiosmtpd's dependency `atpublic` is imported as `public`.
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    pytest.fail("The SMTP server did not start")


def test_the_copies_reach_a_real_smtp_server_once_each_after_it_was_down(
    flow, addresses, settings, tmp_path, django_capture_on_commit_callbacks
):
    port = _free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    flow.drive(Status.PUBLISHED)

    # The server is down: every email is recorded as failed, nothing is dated.
    _send(flow, django_capture_on_commit_callbacks)
    rows = OutgoingEmail.objects.filter(kind="s55_copy")
    assert {r.status for r in rows} == {EmailStatus.FAILED}
    assert ResponseVersion.objects.get(response=flow.response).copy_hmicfrs_on is None

    maildir = tmp_path / "maildir"
    server = _start_smtp(port, maildir, tmp_path)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert emails_replay() == {"sent": 4, "failed": 0}
        with django_capture_on_commit_callbacks(execute=True):
            assert emails_replay() == {"sent": 0, "failed": 0}
    finally:
        server.terminate()
        server.wait(timeout=10)

    version = ResponseVersion.objects.get(response=flow.response)
    received = [email.message_from_bytes(m.as_bytes()) for m in mailbox.Maildir(maildir)]
    assert sorted(m["To"] for m in received) == sorted(addresses.values())
    sent_ids = set(rows.values_list("message_id", flat=True))
    assert {m["Message-ID"] for m in received} == sent_ids
    for message in received:
        (pdf,) = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
        assert hashlib.sha256(pdf.get_payload(decode=True)).hexdigest() == version.pdf_sha256
    assert version.copy_hmicfrs_on == timezone.localdate()
    assert version.copy_chief_officer_on == timezone.localdate()

"""The s55(6) copies sent on publication, for an office whose admin chose it
(`PolicingBody.send_copies_on_publication`, `policing_body_set_copies_on_publication`; the
subscriber `copies_send_on_publication` of "response.published", config/events.py): each
published version goes by email to every recipient once, as the copies page's button would send
it; never twice, whether the subscriber runs again or the office also presses the button; an
office that sends its copies itself is sent nothing and still records the dates by hand.
Against the real SMTP server the suite uses for the copies (aiosmtpd)."""

import email
import hashlib
import mailbox

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, PolicingBody
from accounts.services import OfficeSettingsError, policing_body_set_copies_on_publication
from core.models import DeliveryStatus, EmailStatus, EventDelivery, OutgoingEmail
from responses.models import ResponseVersion, Status
from responses.services import (
    copies_send_on_publication,
    response_amend,
    response_approve,
    response_publish,
    response_record_copies,
    response_send_copies,
    response_submit_for_approval,
)
from tests.factories import office_user

from .conftest import PUBLISHED_ON
from .test_copies_sent import ADDRESSES, _free_port, _start_smtp

pytestmark = pytest.mark.django_db

SUBSCRIBER = "responses.services.copies_send_on_publication"


@pytest.fixture
def addresses(settings, norfolk):
    settings.S55_COPY_HMICFRS_EMAIL = ADDRESSES["hmicfrs"]
    settings.S55_COPY_HOME_SECRETARY_EMAIL = ADDRESSES["home_secretary"]
    norfolk.panel_email = ADDRESSES["panel"]
    norfolk.save(update_fields=["panel_email"])
    norfolk.force.chief_officer_email = ADDRESSES["chief_officer"]
    norfolk.force.save(update_fields=["chief_officer_email"])
    return ADDRESSES


@pytest.fixture
def admin(norfolk):
    return office_user(norfolk, Membership.Role.OPCC_ADMIN, full_name="Ash Admin")


@pytest.fixture
def smtp(settings, tmp_path):
    """The real SMTP server, listening; yields the folder its messages are delivered to."""
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
        yield maildir
    finally:
        server.terminate()
        server.wait(timeout=10)


def _received(maildir) -> list:
    if not maildir.exists():
        return []
    return [email.message_from_bytes(m.as_bytes()) for m in mailbox.Maildir(maildir)]


def _publish(flow, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        flow.drive(Status.PUBLISHED)
    return ResponseVersion.objects.get(response=flow.response)


def test_publishing_sends_each_recipient_one_copy_and_the_dates_follow(
    flow, addresses, admin, norfolk, smtp, django_capture_on_commit_callbacks
):
    policing_body_set_copies_on_publication(body=norfolk, acting_user=admin, send=True)

    version = _publish(flow, django_capture_on_commit_callbacks)

    received = _received(smtp)
    assert sorted(m["To"] for m in received) == sorted(addresses.values())
    version.refresh_from_db()
    for message in received:
        (pdf,) = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
        assert hashlib.sha256(pdf.get_payload(decode=True)).hexdigest() == version.pdf_sha256
    rows = OutgoingEmail.objects.filter(kind="s55_copy")
    assert rows.count() == 4 and {r.status for r in rows} == {EmailStatus.SENT}
    assert {m["Message-ID"] for m in received} == set(rows.values_list("message_id", flat=True))
    today = timezone.localdate()
    assert (
        version.copy_hmicfrs_on,
        version.copy_home_secretary_on,
        version.copy_panel_on,
        version.copy_chief_officer_on,
    ) == (today, today, today, today)
    (delivery,) = EventDelivery.objects.filter(subscriber=SUBSCRIBER, event="response.published")
    assert delivery.status == DeliveryStatus.DONE
    reasons = list(flow.refreshed().history.values_list("history_change_reason", flat=True))
    assert any(
        r.startswith("Copies of version 1 sent by email on publication to ") for r in reasons
    )


def test_never_twice_when_the_subscriber_runs_again_or_the_office_presses_the_button(
    flow, addresses, admin, norfolk, smtp, django_capture_on_commit_callbacks
):
    policing_body_set_copies_on_publication(body=norfolk, acting_user=admin, send=True)
    version = _publish(flow, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        copies_send_on_publication(version_id=version.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response_send_copies(response=flow.refreshed(), acting_user=flow.drafter)

    assert len(_received(smtp)) == 4
    assert OutgoingEmail.objects.filter(kind="s55_copy").count() == 4


def test_an_amendment_sends_the_copies_of_its_new_version(
    flow, addresses, admin, norfolk, smtp, django_capture_on_commit_callbacks
):
    policing_body_set_copies_on_publication(body=norfolk, acting_user=admin, send=True)
    _publish(flow, django_capture_on_commit_callbacks)
    response = response_amend(
        response=flow.refreshed(), reason="Corrected a date in R2.", acting_user=flow.approver
    )
    response = response_submit_for_approval(response=response, acting_user=flow.drafter)
    response = response_approve(response=response, acting_user=flow.approver)
    with django_capture_on_commit_callbacks(execute=True):
        response_publish(response=response, published_on=PUBLISHED_ON, acting_user=flow.approver)

    second = ResponseVersion.objects.get(response=flow.response, number=2)
    received = _received(smtp)
    assert len(received) == 8
    assert sum("(version 2)" in m["Subject"] for m in received) == 4
    assert second.copy_hmicfrs_on == timezone.localdate()


def test_an_office_that_sends_its_copies_itself_is_sent_nothing_and_records_them_by_hand(
    flow, addresses, smtp, django_capture_on_commit_callbacks
):
    version = _publish(flow, django_capture_on_commit_callbacks)

    assert _received(smtp) == []
    assert not OutgoingEmail.objects.filter(kind="s55_copy").exists()
    (delivery,) = EventDelivery.objects.filter(subscriber=SUBSCRIBER, event="response.published")
    assert delivery.status == DeliveryStatus.DONE
    response_record_copies(
        response=flow.refreshed(), acting_user=flow.drafter, hmicfrs=version.published_on
    )
    version.refresh_from_db()
    assert version.copy_hmicfrs_on == version.published_on


def test_a_version_withdrawn_before_the_subscriber_ran_is_not_sent(
    flow, addresses, admin, norfolk, django_capture_on_commit_callbacks
):
    policing_body_set_copies_on_publication(body=norfolk, acting_user=admin, send=True)
    # Published while the workers were down: the subscriber's delivery waits.
    flow.drive(Status.PUBLISHED)
    flow.do("withdraw")
    version = ResponseVersion.objects.get(response=flow.response)

    with django_capture_on_commit_callbacks(execute=True):
        assert copies_send_on_publication(version_id=version.pk) is False
    assert not OutgoingEmail.objects.filter(kind="s55_copy").exists()


def test_only_the_office_admin_changes_it_and_each_change_is_in_the_history(flow, admin, norfolk):
    with pytest.raises(OfficeSettingsError):
        policing_body_set_copies_on_publication(body=norfolk, acting_user=flow.approver, send=True)

    policing_body_set_copies_on_publication(body=norfolk, acting_user=admin, send=True)
    policing_body_set_copies_on_publication(body=norfolk, acting_user=admin, send=False)

    assert not PolicingBody.objects.get(pk=norfolk.pk).send_copies_on_publication
    changes = [
        (h.history_user, h.history_change_reason)
        for h in norfolk.history.order_by("history_date")
        if "s55(6) copies" in (h.history_change_reason or "")
    ]
    assert changes == [
        (admin, "The s55(6) copies are sent by email when a version is published"),
        (admin, "The s55(6) copies are no longer sent when a version is published"),
    ]


def test_the_office_admin_turns_it_on_from_the_office_settings_page(client, admin, norfolk):
    client.force_login(admin)
    page = client.get(reverse("accounts:office-priorities"))
    assert b"Send the s55(6) copies by email as soon as a version is published" in page.content

    answer = client.post(reverse("accounts:office-copies"), {"send": "on"})

    assert answer.status_code == 302
    assert PolicingBody.objects.get(pk=norfolk.pk).send_copies_on_publication
    client.post(reverse("accounts:office-copies"), {})
    assert not PolicingBody.objects.get(pk=norfolk.pk).send_copies_on_publication

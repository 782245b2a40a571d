"""The office's emails page and the dashboard notice: every email other than reminders is kept
with its words and its status, and what failed after a change is shown until it is done."""

import smtplib
from datetime import date

import pytest
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Template
from django.test import RequestFactory

from core.models import DeliveryStatus, EmailStatus, EventDelivery, OutgoingEmail
from responses.services import response_invite_force
from tests.factories import make_response

pytestmark = pytest.mark.django_db


def invite(response, people, capture):
    with capture(execute=True):
        return response_invite_force(
            response=response,
            invited_on=date(2020, 1, 8),
            reply_by=date(2020, 2, 4),
            acting_user=people["drafter"],
        )


@pytest.fixture
def response(report, norfolk, people):
    return make_response(report=report, body=norfolk, acting_user=people["drafter"])


def notice(rf, user) -> str:
    request = rf.get("/")
    request.user = user
    return Template('{% include "reminders/_failed_notice.html" %}').render(
        Context({"request": request})
    )


def test_the_invitation_is_on_the_office_emails_page_with_its_words(
    client, response, people, mailoutbox, django_capture_on_commit_callbacks
):
    invite(response, people, django_capture_on_commit_callbacks)

    client.force_login(people["approver"])
    page = client.get("/reminders/emails/").content.decode()
    email = OutgoingEmail.objects.get()
    assert email.status == EmailStatus.SENT
    assert email.to == people["force"].email
    assert email.subject in page
    assert "Sent" in page
    assert f"/responses/{response.pk}/" in page  # the email's own text, with its link
    assert [m.to for m in mailoutbox] == [[people["force"].email]]


def test_a_refused_email_is_shown_to_the_office_and_sent_again_when_asked(
    client,
    rf: RequestFactory,
    response,
    people,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    real_send = EmailMultiAlternatives.send

    def down(self, *args, **kwargs):
        raise smtplib.SMTPConnectError(421, "Service not available")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    invite(response, people, django_capture_on_commit_callbacks)

    assert "An email could not be sent" in notice(rf, people["drafter"])
    assert "could not be sent" not in notice(rf, people["force"])  # office staff only
    client.force_login(people["drafter"])
    page = client.get("/reminders/emails/?status=problems").content.decode()
    assert "Service not available" in page

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    email = OutgoingEmail.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reminders/emails/{email.pk}/send-again/")

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mailoutbox) == 1
    assert "could not be sent" not in notice(rf, people["drafter"])


def test_work_that_failed_after_a_change_is_shown_and_can_be_tried_again(
    client, rf, response, people, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the template is missing")

    monkeypatch.setattr("responses.notifications.render_to_string", broken)
    invite(response, people, django_capture_on_commit_callbacks)

    failed = EventDelivery.objects.get(event="response.force_invited")
    assert failed.status == DeliveryStatus.FAILED
    assert "Something that should follow a change has failed" in notice(rf, people["approver"])
    client.force_login(people["approver"])
    assert "the template is missing" in client.get("/reminders/emails/").content.decode()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reminders/emails/work/{failed.pk}/try-again/")

    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.DONE
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT
    assert "has failed" not in notice(rf, people["approver"])

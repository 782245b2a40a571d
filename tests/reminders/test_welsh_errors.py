"""Why an email was not sent, as the reminders and emails pages show it: stored in English
whoever's worker sends it (never in the worker's language), shown in the reader's language,
with the mail server's reply as received and marked as English on a Welsh page."""

import smtplib
from datetime import date, timedelta

import pytest
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Template
from django.utils import translation

from accounts.services import user_set_language
from core.models import OutgoingEmail
from core.outbox import describe_mail_error
from reminders import services
from reminders.models import Reminder, SendStatus
from responses.services import response_invite_force
from tests.factories import make_response
from tests.public.test_welsh_pages import interface_text

from .conftest import DUE, at_seven

pytestmark = pytest.mark.django_db

SEVEN_BEFORE = DUE - timedelta(days=7)
NO_ADDRESS = "Dana Drafter has no email address: add one in the admin."
NO_ADDRESS_CY = "Nid oes gan Dana Drafter gyfeiriad e-bost: ychwanegwch un yn y weinyddiaeth."
REFUSED = "The mail server did not accept the email"
REFUSED_CY = "Ni dderbyniodd y gweinydd post yr e-bost"


@pytest.fixture
def swept(invited, people, enqueued, django_capture_on_commit_callbacks):
    """The sweep of 24 Feb 2020 and its sends by a worker whose language is Welsh: Dana's
    digest fails (no address)."""
    people["drafter"].email = ""
    people["drafter"].save()
    with translation.override("cy"):
        with django_capture_on_commit_callbacks(execute=True):
            services.reminders_sweep(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
        enqueued.deliver(today=SEVEN_BEFORE, now=at_seven(SEVEN_BEFORE))
    return invited


def _page(client, user, url, language) -> str:
    user_set_language(user=user, language=language)
    client.force_login(user)
    return client.get(url).content.decode()


def test_an_error_is_stored_in_english_whatever_the_workers_language(swept, people):
    failed = Reminder.objects.get(recipient=people["drafter"])
    assert failed.status == SendStatus.FAILED
    assert failed.error == NO_ADDRESS
    with translation.override("cy"):
        refused = describe_mail_error(smtplib.SMTPConnectError(421, "Service not available"))
    assert refused == f"{REFUSED}: SMTPConnectError: (421, 'Service not available')"


def test_the_reminders_page_shows_the_error_in_its_readers_language(client, swept, people):
    english = _page(client, people["admin"], "/reminders/", "en-gb")
    assert NO_ADDRESS in english

    welsh = _page(client, people["admin"], "/reminders/", "cy")
    assert NO_ADDRESS_CY in interface_text(welsh)
    assert "has no email address" not in welsh


def test_the_dashboard_notice_shows_the_error_in_its_readers_language(rf, swept, people):
    Reminder.objects.filter(recipient=people["drafter"]).update(error=NO_ADDRESS)
    request = rf.get("/")
    request.user = people["approver"]
    template = Template('{% include "reminders/_failed_notice.html" %}')
    with translation.override("cy"):
        html = template.render(Context({"request": request}))
    assert NO_ADDRESS_CY in html
    assert "has no email address" not in html


def test_an_error_stored_before_is_shown_in_welsh_too(client, swept, people):
    """Rows written before the sentences were declared have the same English: the table finds
    them; the server's reply stays as received."""
    error = f"{REFUSED}: SMTPServerDisconnected: Connection unexpectedly closed"
    Reminder.objects.filter(recipient=people["drafter"]).update(error=error)

    welsh = _page(client, people["admin"], "/reminders/", "cy")
    assert (
        f'{REFUSED_CY}: <span lang="en-GB">SMTPServerDisconnected: Connection unexpectedly '
        "closed</span>" in welsh
    )
    assert REFUSED not in welsh
    english = _page(client, people["admin"], "/reminders/", "en-gb")
    assert error in english
    assert 'lang="en-GB">SMTPServerDisconnected' not in english


def test_the_emails_page_shows_a_refused_email_in_its_readers_language(
    client, report, norfolk, people, monkeypatch, django_capture_on_commit_callbacks
):
    def down(self, *args, **kwargs):
        raise smtplib.SMTPConnectError(421, "Service not available")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    response = make_response(report=report, body=norfolk, acting_user=people["drafter"])
    with translation.override("cy"), django_capture_on_commit_callbacks(execute=True):
        response_invite_force(
            response=response,
            invited_on=date(2020, 1, 8),
            reply_by=date(2020, 2, 4),
            acting_user=people["drafter"],
        )
    assert OutgoingEmail.objects.get().error.startswith(f"{REFUSED}: SMTPConnectError")

    url = "/reminders/emails/?status=problems"
    welsh = _page(client, people["drafter"], url, "cy")
    assert f'{REFUSED_CY}: <span lang="en-GB">SMTPConnectError: (421, ' in welsh
    assert "Service not available" not in interface_text(welsh)
    assert REFUSED not in welsh
    english = _page(client, people["drafter"], url, "en-gb")
    assert f"{REFUSED}: SMTPConnectError: (421, &#x27;Service not available&#x27;)" in english

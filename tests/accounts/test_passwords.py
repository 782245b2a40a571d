"""Password reset by email and password change."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "correct horse battery staple"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_reset_by_email_then_sign_in_with_the_new_password(client, drafter, request_reset):
    response = request_reset(drafter.email)
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [drafter.email]
    assert message.subject == "Reset your password for Section 55 Tracker"
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/\S+/)", message.body)
    assert link, message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link.group(0) in html

    form_page = client.get(link.group(1), follow=True)
    assert soup(form_page).find("h1").get_text() == "Choose a new password"
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password-reset/done/"
    drafter.refresh_from_db()
    assert drafter.check_password(NEW_PASSWORD)
    # The link works once.
    assert "This link has expired" in client.get(link.group(1), follow=True).content.decode()


def test_unknown_address_gets_the_same_page_and_no_email(request_reset):
    response = request_reset("nobody@example.org")
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_reset_form_errors(client):
    page = soup(client.post("/accounts/password-reset/", {"email": "not an address"}))
    assert [a.get_text() for a in page.select(".govuk-error-summary a")] == [
        "Enter an email address in the correct format, like name@example.org"
    ]


def test_mismatched_new_passwords(client, drafter, request_reset):
    request_reset(drafter.email)
    path = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    page = soup(client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"}))
    assert "The two passwords do not match" in page.select_one(".govuk-error-summary").get_text()


def test_change_password(client, drafter):
    client.force_login(drafter)
    page = soup(client.get("/accounts/password-change/"))
    assert page.find("label", attrs={"for": "id_old_password"}).get_text() == "Current password"
    wrong = soup(
        client.post(
            "/accounts/password-change/",
            {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    )
    assert "Your current password is not right" in wrong.select_one(".govuk-error-summary").text
    response = client.post(
        "/accounts/password-change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password has been changed." in response.content.decode()
    drafter.refresh_from_db()
    assert drafter.check_password(NEW_PASSWORD)
    assert "_auth_user_id" in client.session, "still signed in after changing it"


def test_change_password_needs_sign_in(client):
    response = client.get("/accounts/password-change/")
    assert response["Location"] == "/accounts/sign-in/?next=/accounts/password-change/"


def test_weak_new_password_is_refused_with_the_validators_message(client, drafter):
    client.force_login(drafter)
    page = soup(
        client.post(
            "/accounts/password-change/",
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        )
    )
    text = page.select_one(".govuk-error-summary").get_text()
    assert "too common" in text or "entirely numeric" in text


def test_an_invited_person_without_a_password_can_ask_for_a_new_link(drafter, request_reset):
    drafter.set_unusable_password()
    drafter.save()
    request_reset(drafter.email.upper())
    assert [m.to for m in mail.outbox] == [[drafter.email]]


def test_closed_accounts_get_no_link(drafter, request_reset):
    drafter.is_active = False
    drafter.save()
    request_reset(drafter.email)
    assert mail.outbox == []


def test_the_reset_email_is_a_stored_row_sent_once_whose_words_hold_no_working_link(
    client, drafter, request_reset
):
    """Every email goes through the outbox (core/outbox.py): the office can read the stored
    words, so they carry the link without its token, which is made as the email is sent."""
    from core import outbox
    from core.models import EmailStatus, OutgoingEmail

    request_reset(drafter.email)

    row = OutgoingEmail.objects.get(kind="password_reset")
    assert (row.to, row.recipient_id, row.status) == (drafter.email, drafter.pk, EmailStatus.SENT)
    sent = mail.outbox[0].body
    stored_link = re.search(r"http://testserver(/accounts/password-reset/\S+/\S+/)", row.text)
    sent_link = re.search(r"http://testserver(/accounts/password-reset/\S+/\S+/)", sent)
    assert "token-made-when-sent" in stored_link.group(1)
    assert stored_link.group(1) != sent_link.group(1)
    assert "This link has expired" in client.get(stored_link.group(1), follow=True).text
    # Offered again (a task delivered twice), the row is not sent again.
    assert outbox.email_send(email_id=row.pk) == ""
    assert len(mail.outbox) == 1


def test_an_unknown_address_records_the_same_work_and_stores_no_email(request_reset):
    from core.models import DeliveryStatus, EventDelivery, OutgoingEmail

    request_reset("nobody@example.org")

    delivery = EventDelivery.objects.get(event="account.password_reset_requested")
    assert delivery.status == DeliveryStatus.DONE
    assert not OutgoingEmail.objects.filter(kind="password_reset").exists()

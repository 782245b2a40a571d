"""A response's emails in each recipient's language (docs/i18n.md): the s55(4) invitation to
the force in the language the office chose for its force, else each contributor's own; the
"sent back" email in the drafter's. Dates in the email follow its language."""

from datetime import date

import pytest

from accounts.services import user_set_language
from core.models import OutgoingEmail
from responses.notifications import send_force_invitation, send_sent_back
from tests.factories import force_user, make_response, office_user, policing_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited():
    body = policing_body("norfolk-pcc")
    response = make_response(body=body)
    response.force_invited_on = date(2020, 1, 8)
    response.force_reply_by = date(2020, 2, 3)
    response.save(update_fields=["force_invited_on", "force_reply_by"])
    welsh = force_user(body.force, username="gwen", email="gwen@example.org")
    english = force_user(body.force, username="ed", email="ed@example.org")
    user_set_language(user=welsh, language="cy")
    return body, response, welsh, english


def emails_to(kind):
    return {e.to: e for e in OutgoingEmail.objects.filter(kind=kind)}


def test_the_force_invitation_is_in_each_contributor_s_language(invited):
    body, response, welsh, english = invited
    assert send_force_invitation(response.pk, 1) == 2
    sent = emails_to("force_invitation")
    cy, en = sent[welsh.email], sent[english.email]
    assert "yn gwahodd eich sylwadau" in cy.subject and "Dydd Llun 3 Chwefror 2020" in cy.subject
    assert "Annwyl gydweithiwr," in cy.text and "Dear colleague" not in cy.text
    assert "3 Chwefror 2020" in cy.html
    assert "invites your comments" in en.subject and "Monday 3 February 2020" in en.subject
    assert "Dear colleague," in en.text


def test_the_force_invitation_is_in_the_language_the_office_chose_for_its_force(invited):
    body, response, welsh, english = invited
    body.force_email_language = "cy"
    body.save(update_fields=["force_email_language"])
    send_force_invitation(response.pk, 2)
    sent = emails_to("force_invitation")
    assert all("yn gwahodd eich sylwadau" in e.subject for e in sent.values())
    assert all("Annwyl gydweithiwr," in e.text for e in sent.values())


def test_the_sent_back_email_is_in_the_drafter_s_language(invited):
    body, response, _welsh, _english = invited
    drafter = office_user(body, username="dafydd", email="dafydd@example.org")
    user_set_language(user=drafter, language="cy")
    response.submitted_for_approval_by = drafter
    response.save(update_fields=["submitted_for_approval_by"])
    assert send_sent_back(response, reason="Newidiodd y canfyddiadau") == 1
    email = emails_to("response_sent_back")[drafter.email]
    assert email.subject.startswith("Wedi'i anfon yn ôl i ddrafftio: ")
    assert "yn ôl yn y cam drafftio" in email.text

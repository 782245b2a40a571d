"""The accounts' emails in each person's language (docs/i18n.md): an invitation in the language
chosen for it (for a force contributor, by default the one the office chose for its force), a
password reset in the person's own choice."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.invitations import invitation_create
from accounts.models import Membership
from accounts.services import user_set_language

from .test_invitations import invite, link_in, send, token_of  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_an_invitation_is_in_the_language_chosen_for_it(send, office_admin, norfolk):  # noqa: F811
    send(
        lambda: invitation_create(
            body=norfolk,
            email="nia@example.org",
            full_name="Nia Newydd",
            role=Role.OPCC_DRAFTER,
            acting_user=office_admin,
            language="cy",
        )
    )
    welsh = mail.outbox[-1]
    assert welsh.subject.startswith("Rydych wedi cael gwahoddiad i ")
    assert "Helo Nia Newydd," in welsh.body and "Hello" not in welsh.body
    assert "Derbyn y gwahoddiad" in welsh.alternatives[0][0]
    # Accepting it makes Welsh the new person's choice.
    token = token_of(link_in(welsh))
    Client().post(
        reverse("accounts:invitation-accept", args=[token]),
        {
            "full_name": "Nia Newydd",
            "new_password1": "a long and unusual passphrase 5531",
            "new_password2": "a long and unusual passphrase 5531",
        },
    )
    assert Membership.objects.get(user__email="nia@example.org").user.language == "cy"

    invite(send, office_admin, norfolk, email="english@example.org")
    english = mail.outbox[-1]
    assert english.subject.startswith("You are invited to ") and "Hello Nia New," in english.body


def test_a_force_contributor_s_invitation_is_in_the_language_the_office_chose_for_its_force(
    send,  # noqa: F811
    office_admin,
    norfolk,
):
    norfolk.force_email_language = "cy"
    norfolk.save(update_fields=["force_email_language"])
    invite(send, office_admin, norfolk, role=Role.FORCE_CONTRIBUTOR, email="force@example.org")
    assert mail.outbox[-1].subject.startswith("Rydych wedi cael gwahoddiad i ")
    # Office staff are invited in English unless the admin chooses otherwise.
    invite(send, office_admin, norfolk, email="staff@example.org")
    assert mail.outbox[-1].subject.startswith("You are invited to ")


def test_the_office_chooses_its_force_s_email_language_on_its_settings_page(office_admin, norfolk):
    client = Client()
    client.force_login(office_admin)
    page = client.get(reverse("accounts:office-branding")).content.decode()
    assert 'name="force_email_language"' in page
    client.post(
        reverse("accounts:office-branding"),
        {
            "holder_name": "Giles Orpen-Smellie",
            "holder_title": "Police and Crime Commissioner",
            "accent_colour": "#1d70b8",
            "force_email_language": "cy",
        },
    )
    norfolk.refresh_from_db()
    assert norfolk.force_email_language == "cy"


def test_a_password_reset_is_in_the_person_s_language(client, drafter, request_reset):
    user_set_language(user=drafter, language="cy")
    request_reset(drafter.email)
    message = mail.outbox[-1]
    assert message.subject == "Ailosod eich cyfrinair ar gyfer Traciwr Adran 55"
    assert "Gofynnodd rhywun am ailosod y cyfrinair" in message.body
    assert "Dewiswch gyfrinair newydd" in message.alternatives[0][0]
    user_set_language(user=drafter, language="en-gb")
    request_reset(drafter.email)
    assert mail.outbox[-1].subject == "Reset your password for Section 55 Tracker"

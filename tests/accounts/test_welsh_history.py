"""The accounts' history in the reader's language: the reasons the accounts' services and the
admin write are stored in English whoever acts (accounts/reasons.py) and shown in Welsh to a
Welsh reader, names as written."""

import pytest
from django.forms import modelform_factory
from django.utils import translation

from accounts.admin import admin_reason
from accounts.models import Membership, PolicingBody
from accounts.services import membership_add
from core.history import reason_text

pytestmark = pytest.mark.django_db


def test_a_membership_added_by_a_welsh_admin_is_stored_in_english(norfolk, office_admin):
    with translation.override("cy"):
        membership, _ = membership_add(
            body=norfolk,
            email="newydd@example.org",
            full_name="Nia Newydd",
            role=Membership.Role.OPCC_DRAFTER,
            acting_user=office_admin,
        )
    reason = membership.history.first().history_change_reason
    assert reason == f"Added to {norfolk.short_name} by the office admin"
    with translation.override("cy"):
        assert reason_text(reason) == (
            f"Ychwanegwyd at {norfolk.short_name} gan weinyddwr y swyddfa"
        )


def test_an_admin_edit_names_the_fields_in_english_and_is_shown_with_them_in_welsh(norfolk):
    Form = modelform_factory(PolicingBody, fields=["panel_email", "office_name"])
    form = Form(
        data={"panel_email": "panel@example.org", "office_name": "Swyddfa'r Comisiynydd"},
        instance=norfolk,
    )
    with translation.override("cy"):  # a Welsh reader editing
        assert form.is_valid(), form.errors
        reason = admin_reason(form, change=True)

    assert reason == "Edited in the admin: Panel email, Office name"
    with translation.override("cy"):
        assert reason_text(reason) == "Golygwyd yn y gweinyddu: E-bost y panel, Enw'r swyddfa"


@pytest.mark.parametrize(
    ("stored", "welsh"),
    [
        ("Added in the admin", "Ychwanegwyd yn y gweinyddu"),
        ("Deactivated by the office admin", "Wedi'i ddadactifadu gan weinyddwr y swyddfa"),
        (
            "Reactivated in Norfolk OPCC by the office admin",
            "Ail-actifadwyd yn Norfolk OPCC gan weinyddwr y swyddfa",
        ),
        (
            "Accepted the invitation from Ash Admin (Norfolk OPCC)",
            "Derbyniwyd y gwahoddiad gan Ash Admin (Norfolk OPCC)",
        ),
        ("Sent again with a new link", "Anfonwyd eto gyda dolen newydd"),
        (
            "Priority retired by the office admin",
            "Tynnwyd blaenoriaeth yn ôl gan weinyddwr y swyddfa",
        ),
        (
            "The s55(6) copies are sent by email when a version is published",
            "Anfonir y copïau s55(6) drwy e-bost pan gyhoeddir fersiwn",
        ),
        (
            "Edited in the admin: Chief officer email",
            "Golygwyd yn y gweinyddu: E-bost y prif swyddog",
        ),
    ],
)
def test_each_reason_the_accounts_write_is_shown_in_welsh(stored, welsh):
    with translation.override("cy"):
        assert reason_text(stored) == welsh
    with translation.override("en-gb"):
        assert reason_text(stored) == stored

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


def test_every_field_the_admin_can_change_is_named_in_welsh_in_its_history(rf):
    """`admin_reason` names the changed fields by their form labels, stored in English and
    looked up in the catalogue for a Welsh reader: every label of every form (and inline form)
    of an admin that writes those reasons must be a catalogue message, or the Welsh sentence
    names it in English ("Golygwyd yn y gweinyddwr: Logo alt text")."""
    from django.conf import settings
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    from accounts.admin import AttributedHistoryAdmin
    from tests.test_translations import welsh_catalogue

    known = {entry.msgid for entry in welsh_catalogue() if entry.msgstr}
    request = rf.get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True)
    english = set()
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, AttributedHistoryAdmin):
            continue
        forms = [(model, model_admin.get_form(request, None))]
        forms += [
            (inline.model, inline.get_formset(request, None).form)
            for inline in model_admin.get_inline_instances(request, None)
        ]
        for form_model, form in forms:
            model_fields = {f.name for f in form_model._meta.get_fields()}
            with translation.override(settings.LANGUAGE_CODE):
                labels = {
                    f"{form_model._meta.label}.{name}": str(field.label or name)
                    for name, field in form.base_fields.items()
                    if name in model_fields
                }
            with translation.override("cy"):
                english |= {
                    f"{where}: {label}"
                    for where, label in labels.items()
                    # In the project's catalogue (some are the same in Welsh: "Logo") or in
                    # Django's own ("User").
                    if label not in known and reason_text(label) == label
                }
    assert sorted(english) == []

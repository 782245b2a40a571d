"""Every field a history can name is named in the reader's language.

The staff pages' history tabs (`core.history.timeline`) and the admin's History pages name a
changed field by its model field's verbose name: Django makes most of them from the field's
name, in English, and the catalogue has them (each app's `FIELD_LABELS`,
`core.history.field_label`). Any field of any model with a history can change, so each must
have a Welsh name, or a Welsh page names it in English ("Last update on")."""

from django.apps import apps
from django.conf import settings
from django.utils import translation

from core.history import field_label
from tests.test_translations import welsh_catalogue


def _historical_models():
    return [m for m in apps.get_models() if hasattr(m, "instance_type")]


def _tracked_fields():
    """(model, field) for every field a historical row keeps, but the primary key (it never
    changes, so no history names it)."""
    for historical in _historical_models():
        model = historical.instance_type
        for tracked in historical.tracked_fields:
            model_field = model._meta.get_field(tracked.name)
            if not model_field.primary_key:
                yield model, model_field


def test_every_field_a_history_can_name_has_a_welsh_name():
    # Names the same in both languages ("Logo") are in the catalogue with the same Welsh.
    same_in_welsh = {e.msgid for e in welsh_catalogue() if e.msgstr and e.msgstr == e.msgid}
    fields = list(_tracked_fields())
    assert len(fields) > 100, "the historical models' fields were not found"

    english = []
    for model, model_field in fields:
        with translation.override(settings.LANGUAGE_CODE):
            in_english = field_label(model_field.verbose_name)
        with translation.override("cy"):
            in_welsh = field_label(model_field.verbose_name)
        if in_welsh == in_english and in_english not in same_in_welsh:
            english.append(f"{model._meta.label}.{model_field.name}: {in_english}")

    assert english == []

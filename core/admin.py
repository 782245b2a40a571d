"""What every app's admin shares."""

import dataclasses

from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.history import field_label, reason_text


class ReadOnlyAdminMixin:
    """List and read; never add, change or delete. For records that only their services make
    and change (the admin must not be a second write path): put it before the ModelAdmin or
    inline class it restricts."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadersLanguageContextHelper(HistoricalRecordContextHelper):
    def format_delta_change(self, change):
        # django-simple-history names the field by its verbose name as it is: one Django made
        # from the field's name is English, so it is looked up in the catalogue as the staff
        # pages' history tabs do.
        formatted = super().format_delta_change(change)
        return dataclasses.replace(
            formatted, field=field_label(self.model._meta.get_field(change.field).verbose_name)
        )


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose History page is in the reader's language, as the staff pages'
    history tabs are: the changed fields' names (`core.history.field_label`) and the reasons,
    stored in English (`core.history.reason_text`). Every admin of a model with a history is
    one."""

    def get_historical_record_context_helper(self, request, historical_record):
        return _ReadersLanguageContextHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        # The page's rows only (read for this page, never saved): the reason in the reader's
        # language, as the page's template shows the row's own attribute.
        for record in historical_records:
            record.history_change_reason = reason_text(record.history_change_reason or "")

"""Who changed what, when and why, from django-simple-history.

Services call `attribute()` before saving so every historical row names the acting user and the
reason. `timeline()` turns historical rows into entries a non-technical person can read.

The reason is kept whole, whatever its length: settings turn django-simple-history's reason
column into a text column on every historical model
(`SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD`), so no caller shortens it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst

#: Fields that change on every save and mean nothing to a reader.
_NOISE_FIELDS = frozenset({"lock_version", "updated_at", "created_at"})


def attribute(instance: models.Model, *, acting_user, reason: str) -> None:
    """Make the next save of `instance` record `acting_user` and `reason` in its history."""
    instance._history_user = acting_user
    instance._change_reason = reason


def save_attributed(instance: models.Model, *, acting_user, reason: str) -> models.Model:
    """Save `instance` in one transaction, with its row locked when it already exists, naming
    `acting_user` and `reason` in its history. For the services of simple reference data (no
    workflow, no lock version); anything with rules has a service of its own."""
    with transaction.atomic():
        if instance.pk:
            type(instance)._default_manager.select_for_update().filter(pk=instance.pk).exists()
        attribute(instance, acting_user=acting_user, reason=reason)
        instance.save()
    return instance


def delete_attributed(instance: models.Model, *, acting_user, reason: str) -> None:
    """Delete `instance`, naming `acting_user` and `reason` in its last historical row."""
    attribute(instance, acting_user=acting_user, reason=reason)
    instance.delete()


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    who: str
    what: str
    reason: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(record, field_name: str, value, related: dict, name) -> str:
    if value in (None, ""):
        return "(blank)"
    model_field = record.instance_type._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation and model_field.many_to_one:
        obj = related.get((model_field.related_model, value))
        if obj is None:
            return f"(removed, id {value})"
        return name(obj) if model_field.related_model is get_user_model() else str(obj)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j F Y")
    return str(value)


def _related_objects(pairs) -> dict:
    """Resolve foreign-key ids to objects with one query per related model."""
    by_model: dict = {}
    for model, pk in pairs:
        by_model.setdefault(model, set()).add(pk)
    related = {}
    for model, pks in by_model.items():
        for pk, obj in model._default_manager.in_bulk(pks).items():
            related[(model, pk)] = obj
    return related


def _label(record, field_name: str) -> str:
    # capfirst, not str.capitalize(): that lower-cases the rest ("Copy sent to hmicfrs").
    return capfirst(str(record.instance_type._meta.get_field(field_name).verbose_name))


def _display_name(user) -> str:
    if user is None:
        return "System"
    return user.display_name if hasattr(user, "display_name") else str(user)


def timeline(
    records: Iterable, *, what: str = "", name: Callable[[object], str] = _display_name
) -> list[TimelineEntry]:
    """Readable entries from historical records (any order); consecutive versions of one object
    are compared in Python. Foreign keys that changed are named with one query per related
    model, so the number of queries does not grow with the number of changes.

    `name(user)` says who made each change; pages that can show people of more than one
    organisation pass `accounts.selectors.person_namer(...)`."""
    by_object: dict = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        by_object.setdefault((record.instance_type, record.id), []).append(record)

    raw = []  # (record, [ModelChange])
    fk_pairs = set()
    for versions in by_object.values():
        previous = None
        for record in versions:
            changes = []
            if previous is not None:
                for change in record.diff_against(previous).changes:
                    if change.field in _NOISE_FIELDS:
                        continue
                    changes.append(change)
                    model_field = record.instance_type._meta.get_field(change.field)
                    if model_field.is_relation and model_field.many_to_one:
                        fk_pairs.update(
                            (model_field.related_model, v)
                            for v in (change.old, change.new)
                            if v not in (None, "")
                        )
            raw.append((record, changes))
            previous = record
    related = _related_objects(fk_pairs)

    entries = []
    for record, changes in raw:
        entries.append(
            TimelineEntry(
                when=record.history_date,
                who=name(record.history_user),
                what=what or capfirst(str(record.instance_type._meta.verbose_name)),
                reason=record.history_change_reason or "",
                action={"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
                changes=[
                    FieldChange(
                        field=change.field,
                        label=_label(record, change.field),
                        old=_display(record, change.field, change.old, related, name),
                        new=_display(record, change.field, change.new, related, name),
                    )
                    for change in changes
                ],
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries

"""Who changed what, when and why, from django-simple-history.

Services call `attribute()` before saving so every historical row names the acting user and the
reason. `timeline()` turns historical rows into entries a non-technical person can read.

The reason is kept whole, whatever its length: settings turn django-simple-history's reason
column into a text column on every historical model
(`SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD`), so no caller shortens it.

Reasons are stored in English, whoever causes them, and shown in the reader's language: a
service writes a reason with a `Reason` (a catalogue message with named arguments, e.g.
`Reason(gettext_noop("Sent back: %(reason)s"))`), and `reason_text` finds the stored English
sentence's `Reason` again and renders it in the active language, its arguments as they were
(what people typed) or, for the arguments named as `terms`, translated too. A stored sentence
no `Reason` matches (older rows, reasons given by hand) is shown as stored.

The same table serves other English the product stores for people to read later (an email's
error, a closure decision's words): `reason_html` renders a stored sentence for a page, with
the arguments named as `verbatim` (someone's own words: a person's reason, a mail server's
reply) kept as written and marked with their language on a page in another.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import formats, timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext

from core.dates import clock_time, long_date
from core.i18n import content_lang_attribute

#: Fields that change on every save and mean nothing to a reader.
_NOISE_FIELDS = frozenset({"lock_version", "updated_at", "created_at"})

#: The names of fields many models share, which Django made from their names, as a history
#: shows them (the admin's History pages show every field that changed): the catalogue has
#: them, as each app's `FIELD_LABELS` has the app's own (`field_label`).
FIELD_LABELS = (
    gettext_noop("Created at"),
    gettext_noop("Created by"),
    gettext_noop("Lock version"),
    gettext_noop("Updated at"),
)


_REASONS: list["Reason"] = []


class Reason:
    """A history reason: an English catalogue message (marked with gettext_noop where it is
    written) with named `%(name)s` arguments. Calling it gives the English sentence to store;
    `reason_text` shows a stored sentence in the reader's language. Arguments named in `terms`
    are themselves catalogue messages or `Reason`s ("the office's comments", "personal data")
    and are translated with it, as is each term of a list named in `lists`; the others (what
    people typed, references, numbers) are shown as they are."""

    def __init__(
        self,
        template: str,
        *,
        terms: tuple[str, ...] = (),
        dates: tuple[str, ...] = (),
        times: tuple[str, ...] = (),
        lists: tuple[str, ...] = (),
        verbatim: tuple[str, ...] = (),
        parts: tuple[str, ...] = (),
        register: bool = True,
    ):
        self.template = template
        self.terms = frozenset(terms)
        #: Arguments that are someone's own words, not the product's (what a person typed, a
        #: mail server's reply): shown as written and, by `reason_html` on a page in another
        #: language, marked as English (`core.i18n.CONTENT_LANGUAGE`), the language they are in.
        self.verbatim = frozenset(verbatim)
        #: Arguments that are stored sentences joined with "; " ("Date published corrected
        #: from ... to ...; Scope corrected from ... to ..."): each shown as its own sentence.
        self.parts = frozenset(parts)
        #: Arguments that are lists of terms joined with ", " ("office lead, target date"):
        #: each translated as a term.
        self.lists = frozenset(lists)
        #: Arguments that are dates written out in English ("2 March 2020"): shown written out
        #: in the reader's language.
        self.dates = frozenset(dates)
        #: Arguments that are times of day as `core.dates.clock_time` writes them in English
        #: ("9:30am"): shown in the reader's language.
        self.times = frozenset(times)
        #: The words before the first argument: a stored sentence that does not start with them
        #: is not this reason's, whatever the rest (the cheap test, before the pattern's).
        self.prefix = re.split(r"%\(\w+\)s", template, maxsplit=1)[0]
        pattern = ""
        for literal, name in re.findall(r"(.*?)(?:%\((\w+)\)s|$)", template, re.DOTALL):
            pattern += re.escape(literal)
            if name:
                pattern += f"(?P<{name}>.+?)"
        self.pattern = re.compile(pattern, re.DOTALL)
        #: The more fixed words a template has, the sooner it is tried; first those with more
        #: fixed words before their first argument, so that a sentence holding another ("Sent
        #: again by ...; was: <an error>") is matched as the outer one, not taken whole as the
        #: first argument of the inner one ("<a name> has no email address: ...").
        self.weight = len(re.sub(r"%\(\w+\)s", "", template))
        # One made with register=False stays out of the table: a sentence only its own code
        # looks for (`match`), which the table could mistake for another reason's.
        if register:
            _REASONS.append(self)
            _REASONS.sort(key=lambda r: (len(r.prefix), r.weight), reverse=True)

    def __call__(self, **args) -> str:
        """The English sentence stored in the history."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.template % {name: str(value) for name, value in args.items()}

    def __str__(self) -> str:
        return self()

    def match(self, stored: str) -> dict | None:
        """The arguments of the stored sentence if it is this reason's, else None."""
        if not stored.startswith(self.prefix):
            return None
        found = self.pattern.fullmatch(stored)
        return found.groupdict() if found else None

    def render(self, args: dict, *, html: bool = False) -> str:
        """The sentence in the active language from its stored arguments; with `html`, safe
        HTML: the words escaped, and `verbatim` arguments marked with their language."""
        values = {}
        show = reason_html if html else reason_text
        for name, value in args.items():
            if name in self.dates and _date_text(value) != value:
                # A date, or a term in its place ("none"), when both are named.
                value = _date_text(value)
            elif name in self.terms:
                value = show(value)
            elif name in self.parts:
                shown = [show(part) for part in value.split("; ")]
                value = mark_safe("; ".join(map(str, shown))) if html else "; ".join(shown)  # noqa: S308
            elif name in self.lists:
                parts = [reason_text(part) for part in value.split(", ")]
                value = ", ".join(parts)
            elif name in self.dates:
                value = _date_text(value)
            elif name in self.times:
                value = _time_text(value)
            if html and not isinstance(value, SafeString):
                value = in_content_language(value) if name in self.verbatim else escape(value)
            values[name] = value
        if html:
            return mark_safe(str(escape(gettext(self.template))) % values)  # noqa: S308 - escaped
        return gettext(self.template) % values


def in_content_language(words: str) -> SafeString:
    """Someone's own words (English, `core.i18n.CONTENT_LANGUAGE`) for a page: escaped, and in
    a `<span lang="en-GB">` on a page in another language."""
    lang = content_lang_attribute()
    return format_html("<span{}>{}</span>", lang, words) if lang else escape(words)


def english(make: Callable[[], str]) -> str:
    """What `make()` says in English (the history's language): for a reason's argument built
    from a label ("Repeats a national recommendation".lower()), which would otherwise be in the
    acting person's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(make())


def _date_text(value: str) -> str:
    """'2 March 2020' (or 'Monday 2 March 2020', or '2 Mar 2020'), as stored, in the reader's
    language."""
    for pattern in ("%d %B %Y", "%A %d %B %Y", "%d %b %Y"):
        try:
            day = datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a day, not a moment
        except ValueError:
            continue
        if pattern == "%d %b %Y":
            return formats.date_format(day, "j M Y")
        return long_date(day, weekday=pattern.startswith("%A"))
    return value


def _time_text(value: str) -> str:
    """'9:30am', as stored, in the reader's language."""
    try:
        moment = datetime.strptime(value.upper(), "%I:%M%p")  # noqa: DTZ007 - a time of day
    except ValueError:
        return value
    return clock_time(moment.time())


def reason_text(stored: str) -> str:
    """A stored reason in the active language: the catalogue's translation when the sentence
    is a catalogue message, else rendered again from its `Reason` when one matches the English
    sentence whole, else (older rows, free text) as stored."""
    if not stored:
        return stored
    return _reason_text(stored, translation.get_language())


@lru_cache(maxsize=4096)
def _reason_text(stored: str, language: str | None) -> str:
    # A history tab shows the same few sentences again and again ("Draft saved", "Sent for
    # approval"), and both the sentences and the catalogue are fixed while the process runs:
    # each is matched and rendered once a language.
    translated = gettext(stored)
    if translated != stored:
        # A catalogue message whole ("HMICFRS (Section 55 responses)"), not a `Reason`'s
        # sentence that happens to start the same way ("HMICFRS %(date)s").
        return translated
    found = find_reason(stored)
    if found:
        return found[0].render(found[1])
    return stored


def reason_html(stored: str) -> SafeString:
    """A stored sentence for a page, as `reason_text` shows it, as safe HTML: its `verbatim`
    arguments (someone's own words) as written and marked with their language on a page in
    another (`<span lang="en-GB">`)."""
    if not stored:
        return mark_safe("")  # noqa: S308 - empty
    translated = gettext(stored)
    if translated != stored:
        return escape(translated)
    found = find_reason(stored)
    if found:
        return mark_safe(found[0].render(found[1], html=True))  # noqa: S308 - escaped
    return escape(stored)


@lru_cache(maxsize=4096)
def find_reason(stored: str) -> tuple[Reason, dict] | None:
    """The `Reason` whose English is the stored sentence whole, with its arguments as stored,
    or None (a sentence typed by hand, an older wording)."""
    for reason in _REASONS:
        args = reason.match(stored)
        if args is not None:
            return reason, args
    return None


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


#: What happened to a record ("Created", "Changed", "Deleted": `TimelineEntry.action`), in
#: the reader's language.
ACTION_TEXT = {
    "Created": gettext_lazy("Created"),
    "Changed": gettext_lazy("Changed"),
    "Deleted": gettext_lazy("Deleted"),
}


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    who: str
    what: str
    reason: str  # in the reader's language (`reason_text`)
    action: str  # "Created", "Changed" or "Deleted"
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def action_text(self) -> str:
        return str(ACTION_TEXT.get(self.action, self.action))


def _display(record, field_name: str, value, related: dict, name) -> str:
    if value in (None, ""):
        return gettext("(blank)")
    model_field = record.instance_type._meta.get_field(field_name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation and model_field.many_to_one:
        obj = related.get((model_field.related_model, value))
        if obj is None:
            return gettext("(removed, id %(id)s)") % {"id": value}
        return name(obj) if model_field.related_model is get_user_model() else str(obj)
    if isinstance(value, bool):
        return (
            pgettext("a yes or no value", "Yes") if value else pgettext("a yes or no value", "No")
        )
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
    # A verbose name Django made from the field's name is English: the catalogue has the
    # history's field names (their app's FIELD_LABELS), so it is looked up there.
    return field_label(record.instance_type._meta.get_field(field_name).verbose_name)


def field_label(verbose_name) -> str:
    """A field's name for the history, in the reader's language."""
    if isinstance(verbose_name, str):
        return gettext(capfirst(verbose_name))
    return capfirst(str(verbose_name))


def _display_name(user) -> str:
    if user is None:
        return gettext("System")
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
                reason=reason_text(record.history_change_reason or ""),
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

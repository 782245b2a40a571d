"""Redaction: passages of a response's published texts replaced by a visible marker.

Staff mark a passage of a text that will be published (the office's comments, its reply to the
force, the force's comments, an explanation, the force's comment on a recommendation) with a
reason category; every public output shows "[redacted: reason]" in its place. A redaction is
stored as the exact passage and the text it belongs to (`Redaction.field`, one of the keys
below), not as offsets: an edit elsewhere in the text does not move it, every occurrence of the
passage is covered, and an edit of the passage itself is caught (`is_stale`) and stops
publication until someone marks it again. When a version is published the redactions in force
are frozen on it (`ResponseVersion.redactions`), and the frozen document of that version
(`responses.pdf.document_for_version`), so its PDF, its HTML snapshot and the public copy built
from it, is redacted at the source (docs/decisions/0011-redaction-storage.md).

The marker is written in the language of the text it stands in (`marker_in`): "[redacted:
personal data]" in an English text, "[wedi'i olygu: data personol]" in a Welsh one (a bilingual
body's `_cy` texts), so each language's page, PDF, feed, CSV and API reads its own; the frozen
redactions keep the reason, not a marker in one language.

Pure functions: no ORM. The texts' names are in the reader's language when shown.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

#: The response's own text fields that can carry a redaction, with their names for people.
RESPONSE_FIELDS = {
    "office_comments": gettext_lazy("the office's comments"),
    "reply_to_force": gettext_lazy("the reply to the force's comments"),
    "force_comments": gettext_lazy("the force's comments"),
    # The Welsh versions a bilingual body publishes too (responses/bilingual.py): a passage is
    # redacted in each language it is written in.
    "office_comments_cy": gettext_lazy("the office's comments in Welsh"),
    "reply_to_force_cy": gettext_lazy("the reply to the force's comments in Welsh"),
    "force_comments_cy": gettext_lazy("the force's comments in Welsh"),
}
#: Per recommendation or area for improvement: "explanation:<finding id>" (the office's
#: explanation) and "force_comment:<finding id>" (the force's comment beside it).
EXPLANATION = "explanation"
FORCE_COMMENT = "force_comment"
#: Their Welsh versions (a bilingual body): "explanation_cy:<finding id>", ...
WELSH_SUFFIX = "_cy"


def explanation_key(finding_id: int, *, force: bool = False, welsh: bool = False) -> str:
    kind = FORCE_COMMENT if force else EXPLANATION
    return f"{kind}{WELSH_SUFFIX if welsh else ''}:{finding_id}"


def parse_key(key: str) -> tuple[str, int | None]:
    """("office_comments", None) or ("explanation", 12) or ("force_comment", 12); ValueError
    for anything else."""
    if key in RESPONSE_FIELDS:
        return key, None
    kind, _, finding_id = key.partition(":")
    kinds = (EXPLANATION, FORCE_COMMENT)
    if kind in (*kinds, *(k + WELSH_SUFFIX for k in kinds)) and finding_id.isdigit():
        return kind, int(finding_id)
    raise ValueError(f"Not a redactable text: {key!r}")


def marker(reason_label: str) -> str:
    """The visible marker in place of a passage: "[redacted: personal data]"."""
    return f"[redacted: {reason_label}]"


#: The reason categories (`responses.models.Redaction.Reason`) by name, for a marker in either
#: language; "other" shows the office's own words.
REASON_NAMES = {
    "personal_data": gettext_noop("personal data"),
    "operationally_sensitive": gettext_noop("operationally sensitive"),
    "legal_advice": gettext_noop("legal advice"),
}
OTHER = "other"


def language_of(field: str) -> str:
    """The language of the text a key names: "cy" for a Welsh one (`office_comments_cy`,
    `explanation_cy:12`), else "en"."""
    return "cy" if field.partition(":")[0].endswith(WELSH_SUFFIX) else "en"


def marker_in(language: str, *, reason: str, other_reason: str = "") -> str:
    """The marker in `language` ("en" or "cy"): "[redacted: personal data]", "[wedi'i olygu:
    data personol]" (docs/welsh-glossary.md). For "other", the office's own words, as
    written."""
    with translation.override("cy" if language == "cy" else "en-gb"):
        label = other_reason if reason == OTHER else _(REASON_NAMES.get(reason, reason))
        return _("[redacted: %(reason)s]") % {"reason": label}


@dataclass(frozen=True)
class Marked:
    """One redaction as it applies to a text: the passage, its reason (the category, and the
    words of an "other" one) and the marker in English. A redaction frozen before the reason
    was kept has only the English marker (`reason` empty)."""

    field: str
    passage: str
    marker: str
    reason: str = ""
    other_reason: str = ""

    @property
    def shown_marker(self) -> str:
        """The marker in the language of the text it stands in (`language_of`)."""
        if not self.reason:
            return self.marker
        return marker_in(
            language_of(self.field), reason=self.reason, other_reason=self.other_reason
        )

    def as_json(self) -> dict:
        return {
            "field": self.field,
            "passage": self.passage,
            "marker": self.marker,
            "reason": self.reason,
            "other_reason": self.other_reason,
        }


def apply(text: str, marks) -> str:
    """`text` with every occurrence of each mark's passage replaced by its marker, in the
    text's language. Longer passages first, so a passage inside another is not left
    half-covered."""
    for mark in sorted(marks, key=lambda m: len(m.passage), reverse=True):
        if mark.passage:
            text = text.replace(mark.passage, mark.shown_marker)
    return text


def is_stale(text: str, passage: str) -> bool:
    """The passage is no longer in its text (the text was edited): the redaction must be
    marked again before publication, or the edited passage would be published."""
    return passage not in (text or "")


def for_field(marks, field: str) -> list[Marked]:
    return [m for m in marks if m.field == field]


def from_json(rows) -> list[Marked]:
    return [
        Marked(
            row["field"],
            row["passage"],
            row["marker"],
            row.get("reason", ""),
            row.get("other_reason", ""),
        )
        for row in rows or []
    ]

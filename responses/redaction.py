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

Pure functions: no ORM. The texts' names are in the reader's language when shown.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

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


@dataclass(frozen=True)
class Marked:
    """One redaction as it applies to a text: the passage and its marker."""

    field: str
    passage: str
    marker: str

    def as_json(self) -> dict:
        return {"field": self.field, "passage": self.passage, "marker": self.marker}


def apply(text: str, marks) -> str:
    """`text` with every occurrence of each mark's passage replaced by its marker. Longer
    passages first, so a passage inside another is not left half-covered."""
    for mark in sorted(marks, key=lambda m: len(m.passage), reverse=True):
        if mark.passage:
            text = text.replace(mark.passage, mark.marker)
    return text


def is_stale(text: str, passage: str) -> bool:
    """The passage is no longer in its text (the text was edited): the redaction must be
    marked again before publication, or the edited passage would be published."""
    return passage not in (text or "")


def for_field(marks, field: str) -> list[Marked]:
    return [m for m in marks if m.field == field]


def from_json(rows) -> list[Marked]:
    return [Marked(row["field"], row["passage"], row["marker"]) for row in rows or []]

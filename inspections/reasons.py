"""The reasons the reports' services record in the history, as the catalogue knows them: shown
in the reader's language by `core.history.reason_text` (see responses/reasons.py, which does
the same for responses). Registered when the app is ready (inspections/apps.py)."""

from django.utils.translation import gettext_noop

from core.history import Reason

#: Reasons with nothing to fill in: the catalogue has them (the history looks them up).
PLAIN = (
    gettext_noop("Report edited"),
    gettext_noop("Findings corrected"),
    gettext_noop("Graded judgement added"),
    gettext_noop("Graded judgement edited"),
    gettext_noop("Graded judgement removed"),
    gettext_noop("Theme saved"),
    gettext_noop("Deleted in the admin"),
)

FINDINGS_REMOVED = Reason(gettext_noop("%(kind)s removed"), terms=("kind",))
#: A finding saved in a section's editor: its kind (`Finding.Kind`'s label).
FINDING_ADDED = Reason(gettext_noop("%(kind)s added"), terms=("kind",))
FINDING_EDITED = Reason(gettext_noop("%(kind)s edited"), terms=("kind",))
FINDING_MOVED = Reason(gettext_noop("%(kind)s moved"), terms=("kind",))
#: Each change a correction of the findings lists (`ReportCorrection.findings_changed`, the
#: changes joined with "; "): the finding's kind, and its reference or the start of its text
#: (HMICFRS's words, as written).
FINDING_REMOVED_CHANGE = Reason(
    gettext_noop("%(kind)s removed: %(finding)s"), terms=("kind",), verbatim=("finding",)
)
FINDING_ADDED_CHANGE = Reason(
    gettext_noop("%(kind)s added: %(finding)s"), terms=("kind",), verbatim=("finding",)
)
FINDING_EDITED_CHANGE = Reason(
    gettext_noop("%(kind)s edited: %(finding)s"), terms=("kind",), verbatim=("finding",)
)
FINDING_MOVED_CHANGE = Reason(
    gettext_noop("%(kind)s moved: %(finding)s"), terms=("kind",), verbatim=("finding",)
)
LINKED = Reason(gettext_noop("Linked: %(kind)s"), terms=("kind",))
#: The kinds of link as `LINKED` names them (`FindingLink.Kind`'s labels in lower case).
LINK_KINDS = (
    gettext_noop("repeats a national recommendation"),
    gettext_noop("carried over from a previous inspection"),
    gettext_noop("supersedes an earlier recommendation"),
)
LINK_REMOVED = Reason(gettext_noop("Link removed: %(reason)s"))
THEMES = Reason(gettext_noop("Themes: %(themes)s"))

#: The names of the reports', findings', links' and corrections' fields that Django made from
#: their names, as the history shows them (`core.history.field_label` looks them up in the
#: catalogue). tests/core/test_welsh_history_fields.py checks every field.
FIELD_LABELS = (
    gettext_noop("Addressees"),
    gettext_noop("Decided at"),
    gettext_noop("Decided by"),
    gettext_noop("Decision note"),
    gettext_noop("Findings changed"),
    gettext_noop("Findings proposed"),
    gettext_noop("Grading framework"),
    gettext_noop("Inspection type label"),
    gettext_noop("Linked to"),
    gettext_noop("Participating inspectorates"),
    gettext_noop("Proposed by office"),
    gettext_noop("Timescale kind"),
    gettext_noop("Timescale text"),
)

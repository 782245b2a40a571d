"""The reasons the tracker's services record in the history, in the way of
responses/reasons.py: stored in English, shown in the reader's language
(`core.history.reason_text`). Each `Reason` below is one sentence a service writes, with its
arguments named as in the service; the plain sentences and the words put inside the sentences
are catalogue messages looked up as they are. Registered when the app is ready
(tracking/apps.py). What people typed (a bulk change's reason, a decision's) stays as typed."""

from django.utils.translation import gettext, gettext_noop

from core.history import Reason

#: Reasons with nothing to fill in: the catalogue has them (the history looks them up).
PLAIN = (
    gettext_noop("Tracking started"),
    gettext_noop("Tracking started when the response was published"),
    gettext_noop("Proposed for the public page"),
    gettext_noop("Closure proposed"),
    # A closure proposal's decision (`ClosureProposal.Decision`).
    gettext_noop("Approved"),
    gettext_noop("Refused"),
    # Why the office decided a force's proposal for the public page so, when closure decided it.
    gettext_noop("Closure refused."),
    gettext_noop("Closure approved."),
    gettext_noop("Closure approved; the force's text was not published."),
)

#: The words inside the sentences below: the statuses as a progress update's reason names them
#: (`STATUS_CHANGED`), the fields a bulk change names (`services._FIELD_WORDS`), no tags.
WORDS = (
    gettext_noop("open"),
    gettext_noop("in progress"),
    gettext_noop("pending sign-off"),
    gettext_noop("complete"),
    gettext_noop("superseded"),
    gettext_noop("not accepted"),
    gettext_noop("office lead"),
    gettext_noop("force lead"),
    gettext_noop("target date"),
    gettext_noop("area"),
    gettext_noop("none"),
)

#: The text a passage of a progress update is redacted in (responses.reasons.PASSAGE_REDACTED
#: and REDACTION_REMOVED name it).
UPDATE_TEXT = Reason(gettext_noop("the update of %(date)s"), dates=("date",))

#: An item joined to the office's item for a linked recommendation (`track_linked_once`):
#: `label` is the recommendation's reference or its kind ("Recommendation").
TRACKED_WITH = Reason(
    gettext_noop("Tracked with %(label)s of %(title)s (the same recommendation)"),
    terms=("label",),
)
TAGS_CHANGED = Reason(gettext_noop("Tags changed: %(names)s"), lists=("names",))
#: A progress update that changes the status: its kind (`ProgressUpdate.Kind`) and the two
#: statuses in lower case (`WORDS`).
STATUS_CHANGED = Reason(
    gettext_noop("%(kind)s: status %(old)s -> %(new)s"), terms=("kind", "old", "new")
)
#: A bulk change without a reason of its own: the fields changed (`WORDS`).
CHANGED_FOR_ITEMS = Reason(
    gettext_noop("Changed for %(count)s items: %(fields)s"), lists=("fields",)
)
CHANGED = Reason(gettext_noop("Changed %(fields)s"), lists=("fields",))
#: The office's decision on a force's proposal for the public page (`publicity.Decision`),
#: with why (`PLAIN`'s closure sentences, or what the office typed).
PROPOSAL_APPROVED = Reason(
    gettext_noop("Approved for the public page. %(reason)s"), terms=("reason",)
)
PROPOSAL_EDITED = Reason(
    gettext_noop("Published in the office's words. %(reason)s"), terms=("reason",)
)
PROPOSAL_DECLINED = Reason(gettext_noop("Not published. %(reason)s"), terms=("reason",))

#: The names of the tracker's fields that Django made from their names, as the history shows
#: them (the admin's History pages show any field that changed; `core.history.field_label`
#: looks them up in the catalogue). tests/core/test_welsh_history_fields.py checks every field.
FIELD_LABELS = (
    gettext_noop("Decided at"),
    gettext_noop("Decided by"),
    gettext_noop("Decision"),
    gettext_noop("Decision update"),
    gettext_noop("Last update on"),
    gettext_noop("Other reason"),
    gettext_noop("Proposed at"),
    gettext_noop("Replacement"),
    gettext_noop("Status before"),
    gettext_noop("Tracked on"),
    gettext_noop("Tracked with"),
    gettext_noop("Update"),
)

#: The text of the progress update a closure decision writes (`services.closure_decide`): the
#: product's words in English around the office's reason, as typed (`verbatim`); an approval
#: without a reason is `PLAIN`'s "Closure approved.". Shown in the reader's language with the
#: reason as written, marked as English (`templatetags.tracking.progress_text`; in a panel
#: pack and an export through `DecisionWords` too); updates written before this have the same words, so they are shown the same way. Not among the
#: history's reasons: "Closure refused: status pending sign-off -> open" is `STATUS_CHANGED`'s.
CLOSURE_APPROVED_TEXT = Reason(
    gettext_noop("Closure approved. %(reason)s"), verbatim=("reason",), register=False
)
CLOSURE_REFUSED_TEXT = Reason(
    gettext_noop("Closure refused: %(reason)s"), verbatim=("reason",), register=False
)

#: The progress updates whose text the product writes around the office's own words, by kind
#: (`ProgressUpdate.Kind`): the sentence, and the one written when there is no reason.
DECISION_TEXTS = {
    "closure_approved": (CLOSURE_APPROVED_TEXT, "Closure approved."),
    "closure_refused": (CLOSURE_REFUSED_TEXT, None),
}
#: How every text of `DECISION_TEXTS` starts, in English: a text that does not start so is
#: not one (the cheap test an export makes of each row).
DECISION_STARTS = ("Closure approved.", "Closure refused: ")


class DecisionWords:
    """A closure decision's words in the active language, each translated once when made: the
    one rule of every output that shows a progress update's text (the pages' `progress_text`,
    the panel pack, the tracker's exports). The product's words are shown in the reader's
    language and the office's reason as written."""

    def __init__(self):
        self.plain = {}
        self.around = {}
        for kind, (reason, plain) in DECISION_TEXTS.items():
            before, _, after = gettext(reason.template).partition("%(reason)s")
            self.around[kind] = (before, after)
            self.plain[kind] = gettext(plain) if plain else None

    def split(self, text: str, kind: str) -> tuple[str, str | None, str] | None:
        """(the product's words before the reason, the reason as written, the words after it)
        in the active language; (the product's words, None, "") for a decision without a
        reason; None when the text is not a decision's words (another kind of update, or a
        redaction over the product's words)."""
        if kind not in DECISION_TEXTS:
            return None
        reason, plain = DECISION_TEXTS[kind]
        if plain and text.strip() == plain:
            return self.plain[kind], None, ""
        args = reason.match(text)
        if args is None:
            return None
        before, after = self.around[kind]
        return before, args["reason"], after

    def plain_text(self, text: str) -> str:
        """A text whose update's kind is not at hand (an export's cell: plain text, no
        markup): a decision's words in the active language with the reason as written, any
        other text as written. Only a text starting with `DECISION_STARTS` is looked at."""
        if not text.startswith(DECISION_STARTS):
            return text
        for kind in DECISION_TEXTS:
            parts = self.split(text, kind)
            if parts is not None:
                before, reason, after = parts
                return before + (reason or "") + after
        return text

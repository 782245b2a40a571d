"""The reasons the tracker's services record in the history, in the way of
responses/reasons.py: stored in English, shown in the reader's language
(`core.history.reason_text`). Each `Reason` below is one sentence a service writes, with its
arguments named as in the service; the plain sentences and the words put inside the sentences
are catalogue messages looked up as they are. Registered when the app is ready
(tracking/apps.py). What people typed (a bulk change's reason, a decision's) stays as typed."""

from django.utils.translation import gettext_noop

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
#: reason as written, marked as English (`templatetags.tracking.progress_text`); updates
#: written before this have the same words, so they are shown the same way. Not among the
#: history's reasons: "Closure refused: status pending sign-off -> open" is `STATUS_CHANGED`'s.
CLOSURE_APPROVED_TEXT = Reason(
    gettext_noop("Closure approved. %(reason)s"), verbatim=("reason",), register=False
)
CLOSURE_REFUSED_TEXT = Reason(
    gettext_noop("Closure refused: %(reason)s"), verbatim=("reason",), register=False
)

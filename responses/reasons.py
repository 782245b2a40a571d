"""The reasons the responses' services record in the history, as the catalogue knows them.

A service stores its reason in English ("Sent back: the explanation for R2 is unclear"); the
history tab shows it in its reader's language (`core.history.reason_text`): each `Reason`
below is one sentence a service writes, with its arguments named as in the service, and the
plain sentences are catalogue messages looked up as they are. Registered when the app is ready
(responses/apps.py). What people typed (a send-back's reason, an amendment's) stays as typed.
"""

from django.utils.translation import gettext_noop

from core.history import Reason

#: Reasons with nothing to fill in: the catalogue has them (the history looks them up).
PLAIN = (
    gettext_noop("Response opened"),
    gettext_noop("Response opened in the admin"),
    gettext_noop("Report recorded"),
    gettext_noop("Drafting started"),
    gettext_noop("Force comments recorded"),
    gettext_noop("Force comments recorded (after the reply-by date)"),
    gettext_noop("No comments submitted by the force"),
    gettext_noop("No comments submitted by the force (after the reply-by date)"),
    gettext_noop("Text edited"),
    gettext_noop("Explanation saved"),
    gettext_noop("Force's draft comments saved"),
    gettext_noop("Submitted for approval"),
    gettext_noop("Approved"),
    gettext_noop("Published"),
    gettext_noop("Imported"),
    gettext_noop("Published as scheduled"),
    gettext_noop("Correction proposed"),
    gettext_noop("Findings correction proposed"),
    gettext_noop("Correction made"),
    gettext_noop("Timescale recomputed"),
    # A correction that changed none of the facts (`corrections.correction_summary`), and the
    # words in place of a missing value.
    gettext_noop("No change."),
    gettext_noop("No change"),
    gettext_noop("(none)"),
    gettext_noop("none"),
    # The words services put in place of a missing reference.
    gettext_noop("a finding"),
    gettext_noop("a recommendation"),
    gettext_noop("A recommendation"),
    gettext_noop("the linked recommendation"),
)

FORCE_INVITED = Reason(gettext_noop("Force invited to comment by %(date)s"), dates=("date",))
FORCE_INVITED_TO = Reason(
    gettext_noop("Force invited to comment by %(date)s, addressed to %(name)s"), dates=("date",)
)
EXPLANATION_SAVED = Reason(
    gettext_noop("Explanation for %(reference)s saved"), terms=("reference",)
)
ANSWERED_BY_REFERENCE = Reason(
    gettext_noop("%(reference)s answered by reference to %(other)s"), terms=("reference",)
)
#: The same since the reference is stored whole: the other recommendation's reference (or
#: "the linked recommendation") and its report's title.
ANSWERED_BY_REFERENCE_TO = Reason(
    gettext_noop("%(reference)s answered by reference to %(other)s of %(title)s"),
    terms=("reference", "other"),
)
FORCE_COMMENT_SAVED = Reason(
    gettext_noop("Force's comment on %(reference)s saved"), terms=("reference",)
)
SENT_BACK_FINDINGS = Reason(
    gettext_noop("Sent back: the report's findings changed (%(change)s)"), parts=("change",)
)
SENT_BACK = Reason(gettext_noop("Sent back: %(reason)s"))
AMENDED_PUBLISHED = Reason(gettext_noop("Amended version %(number)s published: %(reason)s"))
AMENDMENT_STARTED = Reason(gettext_noop("Amendment started: %(reason)s"))
WITHDRAWN = Reason(gettext_noop("Version %(number)s withdrawn: %(reason)s"))
NOT_REQUIRED = Reason(gettext_noop("Marked not required: %(reason)s"))
REINSTATED = Reason(gettext_noop("Reinstated: %(reason)s"))
#: The s55(6) copies recorded: `copies` lists each recipient's copy (`COPY_SENT_ON`) or "none".
COPIES_RECORDED = Reason(
    gettext_noop("Copies of version %(number)s recorded: %(copies)s"), lists=("copies",)
)
#: One recipient's copy and its date ("HMICFRS 21 Feb 2020"), in `COPIES_RECORDED`.
COPY_SENT_ON = {
    "hmicfrs": Reason(gettext_noop("HMICFRS %(date)s"), dates=("date",)),
    "home_secretary": Reason(gettext_noop("Home Secretary %(date)s"), dates=("date",)),
    "panel": Reason(gettext_noop("panel %(date)s"), dates=("date",)),
    "chief_officer": Reason(gettext_noop("chief officer %(date)s"), dates=("date",)),
}
#: The copies sent from the product: `recipients` lists `responses.copies.copy_addresses`'
#: names of the recipients, catalogue messages, in English.
COPIES_SENT = Reason(
    gettext_noop("Copies of version %(number)s sent by email to %(recipients)s"),
    lists=("recipients",),
)
COPIES_SENT_ON_PUBLICATION = Reason(
    gettext_noop("Copies of version %(number)s sent by email on publication to %(recipients)s"),
    lists=("recipients",),
)
#: A scheduled publication's day ("Monday 2 March 2020") and time ("9:30am", `clock_time`), as
#: `responses.services.publication_schedule` and `publication_schedule_cancel` store them.
PUBLICATION_SCHEDULED = Reason(
    gettext_noop("Publication scheduled for %(date)s at %(time)s"), dates=("date",), times=("time",)
)
PUBLICATION_MOVED = Reason(
    gettext_noop("Publication moved to %(date)s at %(time)s"), dates=("date",), times=("time",)
)
SCHEDULE_CANCELLED = Reason(
    gettext_noop("Scheduled publication (%(date)s at %(time)s) cancelled"),
    dates=("date",),
    times=("time",),
)
ONE_LANGUAGE = Reason(gettext_noop("Published in one language only (%(key)s): %(reason)s"))
BOTH_LANGUAGES = Reason(gettext_noop("Both languages needed again (%(key)s)"))
PASSAGE_REDACTED = Reason(
    gettext_noop("Passage of %(text)s redacted (%(category)s)"), terms=("text", "category")
)
REDACTION_REMOVED = Reason(
    gettext_noop("Redaction of a passage of %(text)s removed (%(category)s)"),
    terms=("text", "category"),
)
CORRECTION_NOT_MADE = Reason(gettext_noop("Not made: %(note)s"))
#: The line a correction of the findings writes in every response's history
#: (`corrections.findings_history_reason`): the changes (inspections/reasons.py) and why.
FINDINGS_CORRECTED_HISTORY = Reason(
    gettext_noop("Report's findings corrected (%(changes)s). Why: %(reason)s"), parts=("changes",)
)

#: What a correction changed (`corrections.correction_summary`), for the public note, emails
#: and dashboards: each fact (`corrections._FACT_LABELS`) "corrected from ... to ...", joined
#: with "; ", or the findings' changes (inspections/reasons.py). The values are dates written
#: out, labels of the catalogue ("Thematic", "national") or names of forces.
FACT_CORRECTED = Reason(
    gettext_noop("%(fact)s corrected from %(before)s to %(after)s"),
    terms=("fact", "before", "after"),
    dates=("before", "after"),
)
FINDINGS_CORRECTED = Reason(gettext_noop("Findings corrected: %(changes)s."), parts=("changes",))
#: The facts' changes as `corrections.correction_summary` joins them ("...; ....", or "No
#: change."): only `corrections.correction_summary_text` looks for it (any sentence ends so).
FACTS_CORRECTED = Reason(gettext_noop("%(changes)s."), parts=("changes",), register=False)
#: An office's proposal of a correction of the findings: its words, as typed.
FINDINGS_PROPOSED = Reason(
    gettext_noop("Findings correction proposed: %(proposal)s"), verbatim=("proposal",)
)
#: The public note of a correction on a published response's page and in its feed entry
#: (`public.services._correction_notes`): stored in English in the public copy and shown in
#: the page's language; notes stored before this have the same words.
NOTE_DETAILS = Reason(
    gettext_noop("The report's details were corrected. %(changes)s."), parts=("changes",)
)
NOTE_DETAILS_DUE = Reason(
    gettext_noop(
        "The report's details were corrected. %(changes)s. The response's due date moved "
        "from %(old)s to %(new)s."
    ),
    parts=("changes",),
    terms=("old", "new"),
    dates=("old", "new"),
)
NOTE_FINDINGS = Reason(
    gettext_noop(
        "HMICFRS's findings in this report were corrected in the register. %(summary)s The "
        "response above answers the findings as they stood when it was published."
    ),
    terms=("summary",),
)
CORRECTED = Reason(gettext_noop("Corrected: %(reason)s"))

# The names of the texts a passage is redacted in (responses.services.redactable_texts).
EXPLANATION_TEXT = Reason(gettext_noop("the explanation for %(name)s"), terms=("name",))
FORCE_COMMENT_TEXT = Reason(gettext_noop("the force's comment on %(name)s"), terms=("name",))
EXPLANATION_TEXT_CY = Reason(gettext_noop("the explanation for %(name)s in Welsh"), terms=("name",))
FORCE_COMMENT_TEXT_CY = Reason(
    gettext_noop("the force's comment on %(name)s in Welsh"), terms=("name",)
)

#: The names of the response's and explanations' fields that Django made from their names, as
#: the history shows them (`core.history.field_label` looks them up in the catalogue).
FIELD_LABELS = (
    gettext_noop("Amendment reason"),
    gettext_noop("Approved at"),
    gettext_noop("Approved by"),
    gettext_noop("Due date"),
    gettext_noop("Explanation in Welsh"),
    gettext_noop("Finding"),
    gettext_noop("Force comment"),
    gettext_noop("Force comments"),
    gettext_noop("Force comments author name"),
    gettext_noop("Force comments author role"),
    gettext_noop("Force comments none submitted"),
    gettext_noop("Force comments received on"),
    gettext_noop("Force comments submitted at"),
    gettext_noop("Force contact"),
    gettext_noop("Force invited on"),
    gettext_noop("Force reply by"),
    gettext_noop("Imported"),
    gettext_noop("Internal notes"),
    gettext_noop("Kind"),
    gettext_noop("Late reason"),
    gettext_noop("Not required reason"),
    gettext_noop("Office comments"),
    gettext_noop("One language reasons"),
    gettext_noop("Policing body"),
    gettext_noop("Publish by"),
    gettext_noop("Published on"),
    gettext_noop("Published url"),
    gettext_noop("Refers to"),
    gettext_noop("Reply to force"),
    gettext_noop("Reply to the force in Welsh"),
    gettext_noop("Report"),
    gettext_noop("Response"),
    gettext_noop("Signatory name"),
    gettext_noop("Signatory title"),
    gettext_noop("Status"),
    gettext_noop("Submitted for approval at"),
    gettext_noop("Submitted for approval by"),
    gettext_noop("Text"),
    gettext_noop("The force's comment in Welsh"),
    gettext_noop("The force's comments in Welsh"),
    gettext_noop("The office's comments in Welsh"),
    gettext_noop("Why amended, in Welsh"),
    gettext_noop("Why not required, in Welsh"),
    # A redaction's and a scheduled publication's (the admin's History pages show them).
    gettext_noop("Attempts"),
    gettext_noop("Claim"),
    gettext_noop("Claimed at"),
    gettext_noop("Done at"),
    gettext_noop("Error"),
    gettext_noop("Other reason"),
    gettext_noop("Publish at"),
    gettext_noop("Scheduled by"),
    gettext_noop("State"),
    gettext_noop("Url"),
    gettext_noop("Version"),
)

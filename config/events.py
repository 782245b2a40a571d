"""What follows what: every domain event and the subscribers that react to it.

This is the one place that says what happens after a change. A service emits an event inside
its transaction (`core.events.emit`); for each subscriber below a delivery row is recorded in
that transaction and, after the commit, a Celery task runs the subscriber with the event's
arguments. Each runs once, in a worker, never in the web request; one that fails is retried
with backoff and then shown to the office until `manage.py events_replay` completes it
(core/events.py, docs/decisions/0005-events-and-outbox.md, docs/architecture.md).

The order below is the order the tasks are enqueued, not a promise: subscribers are
independent and may run in any order or at the same time.

`config` is the composition root: it may import every app, so the apps need not know about
each other (tracking and the public site follow publication without `responses` importing
them). The setting `S55_EVENTS` names this module; `core` imports it by that name.
"""

from accounts.services import password_reset_emails_create
from public.services import (
    public_progress_changed,
    refresh_after_copies,
    refresh_after_correction,
    refresh_after_publication,
    refresh_after_withdrawal,
)
from public.subscriptions import notify_subscribers_after_publication
from reminders.services import notify_after_correction
from responses.copies import send_copies
from responses.corrections import record_findings_correction
from responses.notifications import send_force_comments_submitted, send_force_invitation
from responses.pdf import freeze_after_publication
from responses.services import (
    copies_send_on_publication,
    record_copy_sent,
    responses_reopen_after_findings_change,
)
from tracking.notifications import send_item_closed
from tracking.services import track_after_publication, track_linked_once

#: The office published a response, or a new version of it after an amendment
#: (`responses.services.response_publish`), or recorded one it published before it used the
#: product (`response_import_published`). Arguments: version_id (the version's `number` says
#: which: 1 is the first publication, a later one an amendment's new version; the response's
#: `imported` says it was recorded from before the product).
RESPONSE_PUBLISHED = "response.published"

#: The office withdrew a published version of a response from the public site: the latest, or
#: an earlier one an amendment replaced (`responses.services.response_withdraw`). Arguments:
#: version_id.
RESPONSE_WITHDRAWN = "response.withdrawn"

#: The s55(6) copies of a published version are to be sent by email: the office asked from
#: its copies page (`responses.services.response_send_copies`), or it sends them on
#: publication (`responses.services.copies_send_on_publication`). Arguments: version_id.
RESPONSE_COPIES_REQUESTED = "response.copies_requested"

#: An s55(6) copy's email was sent (`core.outbox.email_send`, kind "s55_copy"). Arguments:
#: email_id.
S55_COPY_SENT = "email.sent.s55_copy"

#: Someone asked for a link to choose a new password, for an address that may or may not be an
#: account's (`accounts.services.password_reset_request`, from the reset page). Arguments:
#: email, domain, use_https, requested_at.
ACCOUNT_PASSWORD_RESET_REQUESTED = "account.password_reset_requested"  # noqa: S105 - an event name

#: The office reopened a published response to amend it (`responses.services.response_amend`).
#: Nothing follows yet: the public keeps reading the published version until the amended one is
#: published, and that publication is RESPONSE_PUBLISHED, with everything that follows it (the
#: new version's own s55(6) copies are owed from then: the reminders' sweep reads them).
#: Arguments: response_id, lock_version.
RESPONSE_AMENDED = "response.amended"

#: The office recorded when copies of a published version were sent: s55(6) to HMICFRS and the
#: Home Secretary, and to its scrutiny body and the chief officer
#: (`responses.services.response_record_copies`). Arguments: response_id, version_id,
#: lock_version.
RESPONSE_COPIES_RECORDED = "response.copies_recorded"

#: The office invited the chief officer's comments under s55(4)
#: (`responses.services.response_invite_force`). Arguments: response_id, lock_version.
RESPONSE_FORCE_INVITED = "response.force_invited"

#: The force submitted its comments to the office from its own page
#: (`responses.services.response_record_force_comments`, acting as a force contributor).
#: Arguments: response_id, lock_version.
RESPONSE_FORCE_COMMENTS_SUBMITTED = "response.force_comments_submitted"

#: What the public page of an office's response shows of the tracker changed: a new item, an
#: office change of status or public update or correction, or an approved force proposal
#: (`tracking.services`). Arguments: policing_body_id, report_id.
TRACKER_PUBLIC_PROGRESS_CHANGED = "tracker.public_progress_changed"

#: The office closed a tracked item: complete (it approved the closure), superseded or not
#: accepted (`tracking.services`, through a progress update or a closure decision).
#: Arguments: item_id, update_id.
TRACKER_ITEM_CLOSED = "tracker.item_closed"

#: The findings of a report were added, edited, re-classified, moved or removed
#: (`inspections.services`). Arguments: report_id, acting_user_id, change (in words).
REPORT_FINDINGS_CHANGED = "report.findings_changed"

#: A change of a report's findings that other bodies' responses follow was recorded as a
#: correction (`inspections.services._findings_changed`: a reason, who, what changed), made
#: at once or from an office's proposal. Arguments: correction_id.
REPORT_FINDINGS_CORRECTED = "report.findings_corrected"

#: A correction of a report's shared facts (publication date, type, scope, forces) was made
#: (`responses.corrections`): every response's due date and history already follow it.
#: Arguments: correction_id.
REPORT_CORRECTED = "report.corrected"

#: Someone linked a recommendation to the one it repeats, is carried over from or supersedes
#: (`inspections.links.finding_link_create`). Arguments: link_id.
FINDING_LINKED = "finding.linked"

SUBSCRIBERS = {
    ACCOUNT_PASSWORD_RESET_REQUESTED: (
        # Store an email with the link (its token made as it is sent) for each active account
        # with that address; none for an unknown one.
        password_reset_emails_create,
    ),
    REPORT_FINDINGS_CHANGED: (
        # Send every response awaiting approval or approved back to drafting, and email the
        # drafter who submitted it (s55(5B): it no longer explains every recommendation).
        responses_reopen_after_findings_change,
    ),
    REPORT_FINDINGS_CORRECTED: (
        # A line in every response's history (every status): who changed which findings, why.
        record_findings_correction,
        # Email each person in every office with a response (a CorrectionNotice row each).
        notify_after_correction,
        # Add the public note to each published response's page (its findings stay as
        # published).
        refresh_after_correction,
    ),
    RESPONSE_PUBLISHED: (
        # Freeze the version: the HTML snapshot now, the PDF queued for rendering.
        freeze_after_publication,
        # Track each recommendation and area for improvement of the published response.
        track_after_publication,
        # Copy the published version into the public site's tables (its page, search, API).
        refresh_after_publication,
        # For an office that sends its s55(6) copies on publication (its admin's choice):
        # ask for them, as its copies page's button does (RESPONSE_COPIES_REQUESTED).
        copies_send_on_publication,
        # Email each confirmed subscriber to the body's responses (public/subscriptions.py):
        # one email per subscriber and version, in their language, with the link to the public
        # page; waits (retried) until the public copy above is made. Not for the first
        # version of an imported response, nor for a version already withdrawn.
        notify_subscribers_after_publication,
    ),
    RESPONSE_WITHDRAWN: (
        # Drop the withdrawn text from the public site's tables and take in the public note
        # (its page, PDF and API answer 410 with it; feeds, search, CSV follow), then replace
        # the proxy's copies of its pages.
        refresh_after_withdrawal,
    ),
    RESPONSE_COPIES_REQUESTED: (
        # Store one email per recipient (HMICFRS, the Home Secretary, the scrutiny body, the
        # chief officer), the version's PDF attached, each sent once by the outbox.
        send_copies,
    ),
    S55_COPY_SENT: (
        # Set that recipient's copy date of the version from the day it was sent.
        record_copy_sent,
    ),
    RESPONSE_AMENDED: (),
    RESPONSE_COPIES_RECORDED: (
        # Refresh the reverse proxy's copies of the public page, which lists each version's
        # copies as recorded now (its own cache key already moved with the response).
        refresh_after_copies,
    ),
    RESPONSE_FORCE_INVITED: (
        # Email the force's contributors: the invitation, the reply-by date, a link.
        send_force_invitation,
    ),
    RESPONSE_FORCE_COMMENTS_SUBMITTED: (
        # Email the office's drafters that the force's comments are in (late or not).
        send_force_comments_submitted,
    ),
    REPORT_CORRECTED: (
        # Email each person in every office with a response (a CorrectionNotice row each).
        notify_after_correction,
        # Refresh the public copies it made stale: dates, on-time verdict, the public note.
        refresh_after_correction,
    ),
    FINDING_LINKED: (
        # Wherever an office tracks both recommendations, track them once (tracked_with).
        track_linked_once,
    ),
    TRACKER_ITEM_CLOSED: (
        # Email the force's contributors and the item's force lead that the office closed it.
        # (The public page follows through TRACKER_PUBLIC_PROGRESS_CHANGED, which the same
        # change of status emits.)
        send_item_closed,
    ),
    TRACKER_PUBLIC_PROGRESS_CHANGED: (
        # Move the public page's cache key, ETag and Last-Modified on.
        public_progress_changed,
    ),
}

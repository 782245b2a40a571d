"""The reasons the accounts' services and admin record in the history, in the way of
responses/reasons.py: stored in English, shown in the reader's language
(`core.history.reason_text`). Registered when the app is ready (accounts/apps.py).
Organisations' and people's names stay as written."""

from django.utils.translation import gettext_noop

from core.history import Reason

#: Reasons with nothing to fill in: the catalogue has them (the history looks them up).
PLAIN = (
    gettext_noop("Deactivated by the office admin"),
    gettext_noop("Branding changed by the office admin"),
    gettext_noop("Priority added by the office admin"),
    gettext_noop("Priority changed by the office admin"),
    gettext_noop("Priority retired by the office admin"),
    gettext_noop("Priority offered again by the office admin"),
    gettext_noop("Open work shared with national read-only staff"),
    gettext_noop("Open work no longer shared with national read-only staff"),
    gettext_noop("The s55(6) copies are sent by email when a version is published"),
    gettext_noop("The s55(6) copies are no longer sent when a version is published"),
    # An invitation's history (accounts/invitations.py).
    gettext_noop("Invited"),
    gettext_noop("Sent again with a new link"),
    gettext_noop("Withdrawn"),
    gettext_noop("Accepted"),
    # Any save through the admin (`accounts.admin.admin_reason`).
    gettext_noop("Added in the admin"),
    gettext_noop("Edited in the admin"),
    gettext_noop("Deleted in the admin"),
)

ADDED_TO = Reason(gettext_noop("Added to %(office)s by the office admin"))
REACTIVATED_IN = Reason(gettext_noop("Reactivated in %(office)s by the office admin"))
INVITATION_ACCEPTED = Reason(gettext_noop("Accepted the invitation from %(name)s (%(office)s)"))
#: A save through the admin that changed these fields (their labels, each a catalogue message
#: where the model names it so).
EDITED_IN_ADMIN = Reason(gettext_noop("Edited in the admin: %(fields)s"), lists=("fields",))

#: The names of the fields of organisations the admin's history names ("Edited in the admin:
#: Chief officer email"), which Django made from the fields' names: the catalogue has them.
FIELD_LABELS = (
    gettext_noop("Office name"),
    gettext_noop("Short name"),
    gettext_noop("Holder title"),
    gettext_noop("Holder name"),
    gettext_noop("Website"),
    gettext_noop("Scrutiny body name"),
    gettext_noop("Panel email"),
    gettext_noop("Chief officer name"),
    gettext_noop("Chief officer title"),
    gettext_noop("Chief officer email"),
    gettext_noop("Address"),
    # The other fields the admin can change whose labels Django made from their names or that
    # the models name in plain strings (tests/accounts/test_welsh_history.py lists them all).
    gettext_noop("Allowed email domains"),
    gettext_noop("Chief officer's title in Welsh"),
    gettext_noop("Client id"),
    gettext_noop("Client secret env"),
    gettext_noop("Code"),
    gettext_noop("Country"),
    gettext_noop("Idle timeout minutes"),
    gettext_noop("Is active"),
    gettext_noop("Issuer"),
    gettext_noop("Language of emails to the force"),
    gettext_noop("Logo"),
    gettext_noop("Logo alt text"),
    gettext_noop("Office's name in Welsh"),
    gettext_noop("Passwords allowed"),
    gettext_noop("Require two factor"),
    gettext_noop("Slug"),
    # Fields the admin does not change, which the History pages name when a service does: an
    # office's sharing, a priority's offer, an invitation's.
    gettext_noop("Share the status of open work with national read-only staff"),
    gettext_noop("Offered for tagging"),
    gettext_noop("Accepted at"),
    gettext_noop("Accepted by"),
    gettext_noop("Expires at"),
    gettext_noop("Invited by"),
    gettext_noop("Language"),
    gettext_noop("Revoked at"),
    gettext_noop("Sent at"),
    gettext_noop("Token hash"),
)

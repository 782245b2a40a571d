"""The notes the reminders' services store for people to read later, as the catalogue knows
them: stored in English, shown in the reader's language (`core.history.reason_text`), as the
history's reasons are. Registered when the app is ready (reminders/apps.py)."""

from django.utils.translation import gettext_noop

from core.history import Reason

#: A failed or stuck reminder sent again from the reminders page (`reminder_retry`): who asked,
#: and the error it had before, itself shown in the reader's language where the catalogue
#: knows it.
SENT_AGAIN = Reason(gettext_noop("Sent again by %(name)s"))
SENT_AGAIN_AFTER = Reason(gettext_noop("Sent again by %(name)s; was: %(error)s"), terms=("error",))

#: Why a reminder, a digest or a correction notice was not sent to a person with no address
#: (`services._no_address`), stored in English like every error the sends record (the others
#: are catalogue messages whole, or `core.reasons.MAIL_REFUSED`).
NO_ADDRESS = Reason(gettext_noop("%(display_name)s has no email address: add one in the admin."))

#: The names of the reminder rule's fields the admin's history names ("Edited in the admin:
#: Offsets"), which Django made from the fields' names: the catalogue has them.
FIELD_LABELS = (
    gettext_noop("Code"),
    gettext_noop("Extra roles from"),
    gettext_noop("Is active"),
    gettext_noop("Offsets"),
    gettext_noop("Position"),
    gettext_noop("Repeat every"),
    gettext_noop("Stale after days"),
    gettext_noop("Statutory"),
    gettext_noop("Subject"),
    gettext_noop("Unit"),
)

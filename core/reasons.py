"""The sentences the shared kernel stores for people to read later, as the catalogue knows
them: stored in English, shown in the reader's language (`core.history.reason_html`), as the
history's reasons are. Registered when the app is ready (core/apps.py)."""

from django.utils.translation import gettext_noop

from core.history import Reason

#: Why an email was not sent (`core.outbox.describe_mail_error`: an outbox email, a reminder,
#: a digest, a correction notice, an invitation): `error` is the mail server's reply (the
#: exception's class and message) as received, in its own language.
MAIL_REFUSED = Reason(
    gettext_noop("The mail server did not accept the email: %(error)s"), verbatim=("error",)
)

"""The reasons the tracker's services record in the history that the catalogue knows, in the
way of responses/reasons.py: stored in English, shown in the reader's language
(`core.history.reason_text`). Registered when the app is ready (tracking/apps.py)."""

from django.utils.translation import gettext_noop

from core.history import Reason

#: The text a passage of a progress update is redacted in (responses.reasons.PASSAGE_REDACTED
#: and REDACTION_REMOVED name it).
UPDATE_TEXT = Reason(gettext_noop("the update of %(date)s"), dates=("date",))

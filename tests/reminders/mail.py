"""A fake at the outer edge: an email backend that fails the first N sends, like a mail server
that is down for a while, then writes each message to a folder as an .eml file.

The count of attempts is kept in a file under a lock, so the test process and a Celery worker
in another process share it. Configure it as a mailer:

    MAILERS = {"default": {"BACKEND": "tests.reminders.mail.FlakyFileBackend",
                           "OPTIONS": {"directory": "/tmp/x", "fail_first": 2}}}
"""

import email
import fcntl
import smtplib
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FlakyFileBackend(BaseEmailBackend):
    def __init__(self, *, directory, fail_first=None, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(directory)
        self._fail_first = fail_first

    @property
    def fail_first(self) -> int:
        """From the option, or from the file `.fail_first` in the folder (so a test can change
        it for a worker that is already running)."""
        if self._fail_first is not None:
            return int(self._fail_first)
        control = self.directory / ".fail_first"
        return int(control.read_text()) if control.exists() else 0

    def send_messages(self, email_messages):
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".attempts.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            counter = self.directory / ".attempts"
            attempts = int(counter.read_text() or 0) + 1 if counter.exists() else 1
            counter.write_text(str(attempts))
        if attempts <= self.fail_first:
            raise smtplib.SMTPServerDisconnected(
                f"Connection unexpectedly closed (simulated outage, attempt {attempts})"
            )
        for message in email_messages:
            path = self.directory / f"{uuid.uuid4().hex}.eml"
            path.write_bytes(message.message().as_bytes())
        return len(email_messages)


def delivered(directory) -> list[email.message.Message]:
    """The messages the backend wrote to `directory`."""
    return [
        email.message_from_bytes(path.read_bytes())
        for path in sorted(Path(directory).glob("*.eml"))
    ]


def reset(directory, *, fail_first: int = 0) -> None:
    """Empty the folder and set how many of the next sends fail."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.eml"):
        path.unlink()
    (directory / ".attempts").unlink(missing_ok=True)
    (directory / ".fail_first").write_text(str(fail_first))


def attempts(directory) -> int:
    counter = Path(directory) / ".attempts"
    return int(counter.read_text()) if counter.exists() else 0

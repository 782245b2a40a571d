"""The one domain error type.

A service that refuses a change raises `DomainError` (or a subclass naming the room it comes
from: `responses.workflow.WorkflowError`, `tracking.workflow.TrackingError`, the importer's
`DraftError`), with a message a person can act on and `problems`, each thing that is missing
or wrong. Views show `problems` in the GOV.UK error summary; the admin shows them as messages.
"""


class DomainError(Exception):
    """A change the rules do not allow. `problems` lists each thing to fix, in words a person
    can act on (the message alone when there is one)."""

    def __init__(self, message: str, *, problems: list[str] | None = None):
        self.problems = problems or [message]
        super().__init__(message)

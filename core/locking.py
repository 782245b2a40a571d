"""Optimistic locking for editors: one rule for every editable record.

An editor's page keeps the version of what it showed; the save locks the row
(`select_for_update`), compares that version with the one saved now and refuses the save with
`ConcurrentEditError` when they differ, so nothing anyone saved in between is overwritten.

- A record with a `lock_version` counter (a response, an import draft) is bumped by
  `bump_lock_version` whenever a service saves it.
- A record edited in parts without a counter of its own (a report's details, each section of
  its findings) is versioned by `fingerprint` of the values the editor shows.

`check_version` is the one comparison both use.
"""

import hashlib

from .errors import DomainError


class ConcurrentEditError(DomainError):
    """Somebody else saved the same record since this editor opened it."""


def check_version(
    *,
    expected,
    current,
    message: str,
    error: type[Exception] = ConcurrentEditError,
) -> None:
    """Refuse (raise `error` with `message`) unless `expected` is None (the caller is not an
    editor holding a version) or equals `current`, the version saved now under the row lock.
    A form that shows the conflict before its service checks it again passes
    `error=forms.ValidationError`."""
    if expected is not None and str(expected) != str(current):
        raise error(message)


def bump_lock_version(instance) -> list[str]:
    """Count a save of `instance`; returns the field to add to `update_fields`."""
    instance.lock_version += 1
    return ["lock_version"]


def fingerprint(values) -> str:
    """A short version of `values` (a list of what an editor shows) as saved."""
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]

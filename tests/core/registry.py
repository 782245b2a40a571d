"""A registry for tests: the project's events (config/events.py) plus `test.happened`, whose
subscribers record what they did in the database, so a test (or a worker in another process)
can count how often each really ran: a `core.models.OutgoingEmail` row per run, never sent
(its kind is the subscriber's name and its key the run's arguments plus a counter)."""

import os
import time
from pathlib import Path

from config.events import SUBSCRIBERS as PROJECT
from core.models import OutgoingEmail

#: Set to make `breaks` raise (a subscriber whose dependency is down).
BROKEN = {"on": False}


def _mark(kind: str, token: str) -> None:
    n = OutgoingEmail.objects.filter(kind=kind, key__startswith=f"{token}#").count()
    OutgoingEmail.objects.create(
        kind=kind, key=f"{token}#{n + 1}", to="nobody@example.org", subject=kind, text=kind
    )


def records(*, token: str) -> None:
    _mark("records", token)


def breaks(*, token: str) -> None:
    if BROKEN["on"] or os.environ.get("S55_TEST_SUBSCRIBER_BREAKS"):
        raise RuntimeError("the thing this subscriber needs is down")
    _mark("breaks", token)


def slow(*, token: str) -> None:
    """Writes its mark, then waits while the file named by S55_TEST_SLOW_FILE exists, so a
    test can kill the worker in the middle (the mark is not yet committed)."""
    _mark("slow", token)
    flag = Path(os.environ.get("S55_TEST_SLOW_FILE", "/nonexistent"))
    deadline = time.monotonic() + 120
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


SUBSCRIBERS = {
    **PROJECT,
    "test.happened": (records, breaks),
    "test.slow": (slow,),
    "test.nothing_follows": (),
}


def runs(kind: str, token: str) -> int:
    return OutgoingEmail.objects.filter(kind=kind, key__startswith=f"{token}#").count()

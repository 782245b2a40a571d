"""A registry for tests: the project's events (config/events.py) plus `test.happened`, whose
subscribers record what they did in the database, so a test (or a worker in another process)
can count how often each really ran, and a run that rolls back leaves no trace: one row per run
in a table nothing else here reads while the tests run, Django's sessions (the key names the
subscriber, the run's token and a counter)."""

import os
import time
from pathlib import Path

from django.contrib.sessions.models import Session
from django.utils import timezone

from config.events import RESPONSE_PUBLISHED
from config.events import SUBSCRIBERS as PROJECT

#: Set to make `breaks` raise (a subscriber whose dependency is down).
BROKEN = {"on": False}


def _mark(kind: str, token: str) -> None:
    n = runs(kind, token)
    Session.objects.create(
        session_key=f"{kind}:{token}#{n + 1}"[:40], session_data="", expire_date=timezone.now()
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
    if flag.exists():
        flag.with_suffix(".started").touch()
    deadline = time.monotonic() + 120
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def breaks_after_publication(*, version_id: int) -> None:
    """A subscriber of `response.published` whose dependency is down while the environment
    variable S55_TEST_SUBSCRIBER_BREAKS is set (in the worker), and which works afterwards."""
    if os.environ.get("S55_TEST_SUBSCRIBER_BREAKS"):
        raise RuntimeError("the thing this subscriber needs is down")
    _mark("after_publication", str(version_id))


SUBSCRIBERS = {
    **PROJECT,
    RESPONSE_PUBLISHED: (*PROJECT[RESPONSE_PUBLISHED], breaks_after_publication),
    "test.happened": (records, breaks),
    "test.slow": (slow,),
    "test.nothing_follows": (),
}


def runs(kind: str, token: str) -> int:
    return Session.objects.filter(session_key__startswith=f"{kind}:{token}#").count()

"""Integration: real Redis, two real Celery workers, PostgreSQL. A due reminder is delivered
exactly once, however many sweeps run; a mail server failure is retried and still sends once.

The workers run in subprocesses on a queue of their own on Redis (database 13 of the Redis the
`redis_url` fixture found), with tests/reminders/worker_settings.py: the test database, and the
flaky mail server of tests/reminders/mail.py writing to a temporary folder.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

from config.celery import app
from reminders import tasks
from reminders.models import Delivery, Reminder, ReminderPreference, SendStatus
from responses.services import response_invite_force
from tests.conftest import REPO_ROOT
from tests.factories import RecommendationFactory, ReportFactory, make_response

from .mail import attempts, delivered, reset

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]

BROKER_DB = 13
WORKERS = 2
STARTUP_SECONDS = 60


def _broker_url(redis_url: str) -> str:
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{BROKER_DB}", "", ""))


def _drop_connections():
    """Forget the app's broker connections, so the next use connects to the current broker.
    The old pools are forgotten, not closed: kombu keeps them in a global registry by URL and
    hands the same pool back for that URL, so a closed one would fail whatever publishes there
    next in this process ("Acquire on closed pool"): this fixture itself when the test
    process's own broker is database 13, or a later test publishing to that broker."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def mail_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-mail")


@pytest.fixture(scope="module")
def workers(redis_url, django_db_setup, django_db_blocker, mail_dir):
    """Two Celery workers on a fresh queue, sharing the test database; the test process's Celery
    app publishes to the same queue while they run."""
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        # The module-scoped fixture runs before `postgres_required`; let that one decide.
        yield None
        return
    broker, queue = _broker_url(redis_url), f"s55-test-{uuid.uuid4().hex[:12]}"
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
        "CELERY_BROKER_URL": broker,
        "S55_TEST_QUEUE": queue,
        "S55_TEST_DATABASE_NAME": database,
        "S55_TEST_MAIL_DIR": str(mail_dir),
        "PYTHONPATH": str(REPO_ROOT),
    }
    reset(mail_dir)
    # Celery reads CELERY_BROKER_URL from the environment before its configuration. This
    # process only publishes sweeps (to the test queue, by name) and pings the workers.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = broker
    _drop_connections()
    names = [f"s55-test-{n}-{uuid.uuid4().hex[:6]}@localhost" for n in range(WORKERS)]
    logs = [open(mail_dir / f"worker-{n}.log", "w") for n in range(WORKERS)]  # noqa: SIM115
    processes = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=info",
                "--pool=prefork",
                "--concurrency=1",
                f"--queues={queue}",
                f"--hostname={name}",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for name, log in zip(names, logs, strict=True)
    ]
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        ready: set[str] = set()
        while time.monotonic() < deadline and ready != set(names):
            if any(p.poll() is not None for p in processes):
                break
            replies = app.control.ping(destination=names, timeout=1.0) or []
            ready = {name for reply in replies for name in reply}
        if ready != set(names):
            output = "\n".join((mail_dir / f"worker-{n}.log").read_text() for n in range(WORKERS))
            pytest.fail(f"The Celery workers did not start:\n{output[-4000:]}")
        yield {"names": names, "mail_dir": mail_dir, "queue": queue}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()
        _drop_connections()
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


@pytest.fixture
def worker_mail(workers, postgres_required, mail_dir):
    return mail_dir


@pytest.fixture
def sweep(workers):
    """Put a sweep on the workers' queue, as beat would."""
    return lambda: app.send_task(tasks.sweep.name, queue=workers["queue"])


def _response_due_in_seven_days(people, norfolk):
    today = timezone.localdate()
    report = ReportFactory(
        title="Norfolk CDI 2019", published_on=today - timedelta(days=48), forces=[norfolk.force]
    )
    for _ in range(3):
        RecommendationFactory(report=report)
    response = make_response(report=report, body=norfolk, acting_user=people["drafter"])
    # The force's reply is not due for a while, so only the statutory reminders are due.
    return response_invite_force(
        response=response,
        invited_on=today - timedelta(days=47),
        reply_by=today + timedelta(days=20),
        acting_user=people["drafter"],
    )


def _wait_until(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"Timed out after {seconds} s waiting for {what}")


def _all_finished() -> bool:
    rows = list(Reminder.objects.values_list("status", flat=True))
    return bool(rows) and all(s in (SendStatus.SENT, SendStatus.CANCELLED) for s in rows)


def test_a_due_reminder_is_delivered_exactly_once(worker_mail, sweep, people, norfolk):
    reset(worker_mail)
    _response_due_in_seven_days(people, norfolk)
    # Two beats (or a beat and a catch-up) fire the sweep at the same time; both workers run.
    sweep()
    sweep()
    _wait_until(_all_finished, seconds=60, what="the reminders to be sent")
    sweep()  # and a later sweep finds nothing more to send
    time.sleep(3)
    messages = delivered(worker_mail)
    assert sorted(m["To"] for m in messages) == ["alex@example.org", "dana@example.org"]
    by_person = {m["To"]: m for m in messages}
    assert (
        "7 days from today"
        in by_person["dana@example.org"].get_payload(0).get_payload(decode=True).decode()
    )
    assert set(Reminder.objects.values_list("recipient__username", "status", "attempts")) == {
        ("dana", SendStatus.SENT, 1),
        ("alex", SendStatus.SENT, 1),
    }


def test_a_mail_server_failure_is_retried_and_sends_once(worker_mail, sweep, people, norfolk):
    # Only Alex (one email per reminder) is reminded; the mail server refuses the first two.
    ReminderPreference.objects.filter(user=people["approver"]).update(delivery=Delivery.INDIVIDUAL)
    # The drafter opens the response, then leaves the office (only an office member may invite
    # the force: responses.workflow.ACTION_ROLES).
    _response_due_in_seven_days(people, norfolk)
    people["drafter"].memberships.update(is_active=False)
    reset(worker_mail, fail_first=2)
    sweep()
    sweep()
    _wait_until(_all_finished, seconds=90, what="the retried reminder to be sent")
    time.sleep(3)
    assert [m["To"] for m in delivered(worker_mail)] == ["alex@example.org"]
    assert attempts(worker_mail) == 3  # two failures, then the one that went
    reminder = Reminder.objects.get()
    assert reminder.status == SendStatus.SENT
    assert reminder.error == ""
    assert reminder.attempts == 3


def test_forgetting_the_connections_leaves_the_pools_usable():
    """`workers` forgets the app's pools before and after it runs. The broker it points the app
    at may be the one the test process already publishes to (database 13 of the same Redis), and
    kombu then hands back the same pool: it must still give connections."""
    app.pool  # noqa: B018 - a pool an earlier test's publishing left, as it leaves it
    _drop_connections()
    with app.pool.acquire() as conn:  # once raised "Acquire on closed pool"
        assert conn is not None
    with app.amqp.producer_pool.acquire() as producer:
        assert producer is not None

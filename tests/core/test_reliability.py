"""Reliability of what follows a change, with the real services: PostgreSQL, Redis, Celery
workers in subprocesses and an SMTP server (aiosmtpd) in a subprocess, each started and stopped
by the test.

- The mail server is down while a response goes from invitation to publication: everything is
  saved, the public page appears, and every email goes once when the server is back.
- A worker is killed (SIGKILL, the whole process group) in the middle of a subscriber: a new
  worker does the work once.
- Redis is restarted (a private redis-server on a port of its own, without persistence, so the
  queued messages are lost) while tasks are queued, and an event is emitted while it is down:
  after it is back, every subscriber has run exactly once.
- PostgreSQL goes away under a subscriber: the test terminates the worker's database session
  (pg_terminate_backend) while the subscriber is running, which is what a restart of the server
  does to it; the machine's PostgreSQL itself is not restarted, as other tests use it at the
  same time. The subscriber's work rolls back and its retry does it once.
- A subscriber that raises: the publication commits, the failure is what the office's notice
  shows, and the replay command completes it.

The workers use tests/core/worker_settings.py (the test database, a queue of the test's own,
the events registry tests/core/registry.py, whose test subscribers count their runs in the
database). These tests are marked `broker`: the test process sends the tasks to the broker
instead of running them itself.
"""

import mailbox
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from config.celery import app
from core import events
from core.models import DeliveryStatus, EmailStatus, EventDelivery, OutgoingEmail
from public.models import PublishedResponse
from reminders.selectors import failed_work_summary
from responses.models import Status
from responses.services import (
    explanation_save,
    response_approve,
    response_invite_force,
    response_publish,
    response_save_force_draft,
    response_submit_for_approval,
    response_update_text,
)
from tests.conftest import REPO_ROOT, require
from tests.core.registry import runs
from tests.factories import (
    RecommendationFactory,
    ReportFactory,
    force_user,
    make_response,
    office_user,
    policing_body,
)

pytestmark = [
    pytest.mark.services,
    pytest.mark.broker,
    pytest.mark.django_db(transaction=True),
]

BROKER_DB = 12
REDIS_SERVER = shutil.which("redis-server")
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"Timed out after {seconds} s waiting for {what}")


def _forget_connections():
    """Make the app connect afresh to the current broker (see tests/responses/test_pdf_worker)."""
    app._pool = None
    app.amqp._producer_pool = None


class Services:
    """The broker, queue, SMTP port and workers of one test; everything it starts it stops."""

    def __init__(self, *, broker: str, tmp: Path):
        self.broker = broker
        self.queue = f"s55-events-test-{uuid.uuid4().hex[:12]}"
        self.smtp_port = _free_port()
        self.tmp = tmp
        self.maildir = tmp / "maildir"
        self.slow_flag = tmp / "slow.flag"
        self.processes: list[subprocess.Popen] = []
        self.smtp: subprocess.Popen | None = None
        with connection.cursor():
            self.database = connection.settings_dict["NAME"]

    def _env(self, **extra) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.core.worker_settings",
            "CELERY_BROKER_URL": self.broker,
            "S55_TEST_QUEUE": self.queue,
            "S55_TEST_DATABASE_NAME": self.database,
            "S55_TEST_SMTP_PORT": str(self.smtp_port),
            "S55_TEST_SLOW_FILE": str(self.slow_flag),
            "PYTHONPATH": str(REPO_ROOT),
            **extra,
        }

    def start_worker(self, **env) -> subprocess.Popen:
        name = f"s55-events-{uuid.uuid4().hex[:8]}@localhost"
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
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
                f"--queues={self.queue}",
                f"--hostname={name}",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=REPO_ROOT,
            env=self._env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so SIGKILL reaches the child too
        )
        process.log, process.name = log, name
        self.processes.append(process)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if app.control.ping(destination=[name], timeout=1.0):
                return process
        pytest.fail(f"The Celery worker did not start:\n{self.log_of(process)[-4000:]}")

    def log_of(self, process) -> str:
        process.log.flush()
        return (self.tmp / f"{process.name}.log").read_text()

    def kill(self, process) -> None:
        """SIGKILL the worker and its pool child: no shutdown, no acknowledgement."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop(self, process) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        process.log.close()

    def start_smtp(self) -> None:
        self.smtp_log = open(self.tmp / "smtp.log", "a")  # noqa: SIM115 - closed in stop_smtp
        self.smtp = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                f"127.0.0.1:{self.smtp_port}",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.maildir),
            ],
            # Away from the repository: aiosmtpd's dependency `atpublic` is imported as `public`,
            # which the project's own `public` app would shadow.
            cwd=self.tmp,
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
            stdout=self.smtp_log,
            stderr=subprocess.STDOUT,
        )

        def listening():
            try:
                socket.create_connection(("127.0.0.1", self.smtp_port), timeout=1).close()
            except OSError:
                return False
            return True

        try:
            _wait_until(listening, seconds=20, what="the SMTP server")
        except BaseException:
            self.smtp_log.flush()
            print((self.tmp / "smtp.log").read_text())
            raise

    def stop_smtp(self) -> None:
        if self.smtp is not None:
            self.smtp.terminate()
            self.smtp.wait(timeout=10)
            self.smtp = None
            self.smtp_log.close()

    def delivered(self) -> list:
        if not self.maildir.exists():
            return []
        return list(mailbox.Maildir(self.maildir))

    def sweep(self) -> None:
        """What beat does every five minutes (here, without waiting five minutes)."""
        app.send_task("core.tasks.sweep", kwargs={"lost_after_seconds": 0}, queue=self.queue)

    def close(self) -> None:
        for process in self.processes:
            self.stop(process)
        self.stop_smtp()


def _point_app_at(broker: str, queue: str):
    saved = {key: app.conf[key] for key in ("broker_url", "task_default_queue")}
    saved_env = os.environ.get("CELERY_BROKER_URL")
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    os.environ["CELERY_BROKER_URL"] = broker
    app.conf.update(broker_url=broker, task_default_queue=queue)
    # core.events and core.outbox send their tasks through Celery's current app.
    app.set_current()
    app.set_default()
    _forget_connections()

    def restore():
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app.conf.update(saved)
        _forget_connections()

    return restore


@pytest.fixture
def services(redis_url, postgres_required, tmp_path):
    parts = urlsplit(redis_url)
    broker = urlunsplit((parts.scheme, parts.netloc, f"/{BROKER_DB}", "", ""))
    found = Services(broker=broker, tmp=tmp_path)
    restore = _point_app_at(broker, found.queue)
    try:
        with override_settings(S55_EVENTS="tests.core.registry"):
            yield found
    finally:
        found.close()
        restore()


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of the test's own, without persistence: `restart()` loses every queued
    message, as a Redis restarted without its data would."""
    port = _free_port()
    state = {"process": None}

    def start():
        state["process"] = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                REDIS_SERVER,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def up():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return False
            return True

        _wait_until(up, seconds=20, what="the private Redis")

    def stop():
        state["process"].kill()
        state["process"].wait(timeout=10)

    require(
        REDIS_SERVER is not None, "redis-server is not installed (apt-get install redis-server)"
    )
    start()
    try:
        yield type(
            "PrivateRedis", (), {"url": f"redis://127.0.0.1:{port}/0", "start": start, "stop": stop}
        )
    finally:
        if state["process"].poll() is None:
            stop()


def emit(event: str, **arguments) -> list[int]:
    with transaction.atomic():
        return events.emit(event, **arguments)


def _all_done(ids) -> bool:
    return EventDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.DONE).count() == len(ids)


# --- the mail server is down while a response is published ----------------------------------


def _published_with_its_emails():
    """A response taken from invitation to publication through the real services: the office
    invites the force (an email to its contributor), the force submits its comments itself (an
    email to the office's drafter), the office publishes. Returns the response and its drafter."""
    body = policing_body("norfolk-pcc")
    drafter = office_user(body, Membership.Role.OPCC_DRAFTER, email="dana@norfolk.example")
    approver = office_user(body, Membership.Role.OPCC_APPROVER, email="alex@norfolk.example")
    contributor = force_user(body.force, email="fran@police.example")
    today = timezone.localdate()
    report = ReportFactory(forces=[body.force], published_on=today - timedelta(days=30))
    recommendation = RecommendationFactory(report=report)
    response = make_response(report=report, body=body, acting_user=drafter)
    response = response_invite_force(
        response=response,
        invited_on=report.published_on,
        reply_by=today + timedelta(days=5),
        acting_user=drafter,
    )
    response = response_save_force_draft(
        response=response,
        acting_user=contributor,
        text="The force accepts the recommendation.",
        author_name="A Chief",
        author_role="Chief Constable",
        submit=True,
    )
    explanation_save(
        response=response,
        finding=recommendation,
        kind="action_proposed",
        text="The commissioner will review progress.",
        acting_user=drafter,
    )
    response = response_update_text(
        response=response, acting_user=drafter, office_comments="The commissioner welcomes it."
    )
    response = response_submit_for_approval(response=response, acting_user=drafter)
    response = response_approve(
        response=response,
        acting_user=approver,
        signatory_name="Giles Orpen-Smellie",
        signatory_title="Police and Crime Commissioner for Norfolk",
    )
    response = response_publish(response=response, published_on=today, acting_user=approver)
    return response, drafter


def test_publishing_with_the_mail_server_down_publishes_and_sends_every_email_once_later(
    services, client
):
    services.start_worker()  # no SMTP server listening yet: every send is refused

    response, _ = _published_with_its_emails()

    assert response.status == Status.PUBLISHED
    _wait_until(
        lambda: PublishedResponse.objects.filter(response=response).exists(),
        seconds=60,
        what="the public copy",
    )
    page = client.get(reverse("public:response", args=[response.pk]))
    assert page.status_code == 200
    _wait_until(
        lambda: OutgoingEmail.objects.filter(status=EmailStatus.FAILED).count() == 2,
        seconds=60,
        what="both emails to be refused",
    )
    assert services.delivered() == []

    services.start_smtp()
    services.sweep()  # beat's sweep; the send tasks' own retries may get there first
    _wait_until(
        lambda: OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == 2,
        seconds=90,
        what="the emails to be sent",
    )
    services.sweep()  # and a later sweep sends nothing again
    time.sleep(3)
    delivered = services.delivered()
    assert sorted(m["To"] for m in delivered) == ["dana@norfolk.example", "fran@police.example"]
    subjects = {m["To"]: m["Subject"] for m in delivered}
    assert "invites your comments" in subjects["fran@police.example"]
    assert "has submitted its comments" in subjects["dana@norfolk.example"]
    assert [e.attempts >= 2 for e in OutgoingEmail.objects.all()] == [True, True], list(
        OutgoingEmail.objects.values_list("to", "attempts", "status", "error")
    )
    assert set(EventDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DONE}


# --- a worker killed in the middle of a subscriber ------------------------------------------


def test_a_worker_killed_in_the_middle_of_a_subscriber_leaves_it_to_a_new_worker_once(services):
    worker = services.start_worker()
    services.slow_flag.touch()  # the subscriber waits while this file exists
    (delivery_id,) = emit("test.slow", token="kill")
    _wait_until(
        services.slow_flag.with_suffix(".started").exists,
        seconds=60,
        what="the subscriber to start",
    )

    services.kill(worker)

    assert runs("slow", "kill") == 0  # its uncommitted work went with it
    assert EventDelivery.objects.get(pk=delivery_id).status == DeliveryStatus.READY
    services.slow_flag.unlink()
    services.start_worker()  # a worker that starts enqueues what was left
    _wait_until(lambda: _all_done([delivery_id]), seconds=60, what="the new worker to run it")
    time.sleep(2)
    assert runs("slow", "kill") == 1
    assert EventDelivery.objects.get(pk=delivery_id).attempts == 1


# --- PostgreSQL goes away under a subscriber --------------------------------------------------


def test_a_subscriber_whose_database_session_is_cut_runs_once_when_it_is_back(services):
    services.start_worker()
    services.slow_flag.touch()
    (delivery_id,) = emit("test.slow", token="pg")
    _wait_until(
        services.slow_flag.with_suffix(".started").exists,
        seconds=60,
        what="the subscriber to start",
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state = 'idle in transaction'"
        )
        assert cursor.fetchall(), "the worker's session was not found"
    services.slow_flag.unlink()

    _wait_until(lambda: _all_done([delivery_id]), seconds=60, what="the retry to run it")
    time.sleep(2)
    assert runs("slow", "pg") == 1


# --- Redis restarted while tasks are queued ---------------------------------------------------


def test_redis_restarted_with_tasks_queued_and_an_event_emitted_while_it_was_down(
    services, private_redis
):
    restore = _point_app_at(private_redis.url, services.queue)
    services.broker = private_redis.url
    try:
        queued = emit("test.happened", token="queued")  # in Redis, no worker yet
        private_redis.stop()
        while_down = emit("test.happened", token="while-down")  # commits; its tasks are lost
        private_redis.start()  # empty: the queued messages are gone too
        _forget_connections()

        services.start_worker()  # a worker that starts enqueues every pending delivery

        _wait_until(lambda: _all_done(queued + while_down), seconds=90, what="every delivery")
        time.sleep(2)
        for token in ("queued", "while-down"):
            assert runs("records", token) == 1
            assert runs("breaks", token) == 1
    finally:
        restore()


# --- a subscriber that raises -------------------------------------------------------------------


def test_a_subscriber_that_raises_leaves_the_publication_and_a_visible_failure_until_replayed(
    services, client
):
    worker = services.start_worker(S55_TEST_SUBSCRIBER_BREAKS="1")
    response, drafter = _published_with_its_emails()
    failing = "tests.core.registry.breaks_after_publication"

    _wait_until(
        lambda: EventDelivery.objects.filter(
            subscriber=failing, status=DeliveryStatus.FAILED
        ).exists(),
        seconds=60,
        what="the failure to be recorded",
    )
    _wait_until(
        lambda: PublishedResponse.objects.filter(response=response).exists(),
        seconds=60,
        what="the other subscribers",
    )
    services.stop(worker)

    response.refresh_from_db()
    assert response.status == Status.PUBLISHED
    failed = EventDelivery.objects.get(subscriber=failing)
    assert "the thing this subscriber needs is down" in failed.error
    assert failed_work_summary(drafter)["work"] == 1
    client.force_login(drafter)
    assert (
        "the thing this subscriber needs is down"
        in client.get("/reminders/emails/").content.decode()
    )

    out = StringIO()
    call_command("events_replay", stdout=out)

    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.DONE
    assert runs("after_publication", str(failed.arguments["version_id"])) == 1
    assert (failed_work_summary(drafter) or {}).get("work", 0) == 0

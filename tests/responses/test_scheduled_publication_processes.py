"""Scheduled publication with the real processes (issue 19: "exactly once, even with two beats
or a restart in between"): two `celery beat` processes queue the sweep every second on Redis, a
`celery worker` runs it against the test's PostgreSQL database, and the worker is killed
(SIGKILL, its whole process group) after a sweep has claimed the due schedule and before the
publication committed. A new worker is started; a later sweep claims the schedule again and
publishes it. The response is published exactly once, as the approver who scheduled it: one
version, one delivery of each subscriber of "response.published", one s55(6) copy per
recipient (the office sends its copies on publication) received by the SMTP server.

The kill lands where it matters because the test holds the response's row lock (SELECT ... FOR
UPDATE from a connection of its own) while the schedule comes due: the sweep's claim commits,
then its publication waits for that lock; the test sees the claim and kills the worker. The
workers use tests/core/worker_settings.py, the beats tests/responses/beat_settings.py (only the
scheduled-publication entry, every S55_PUBLISH_SCHEDULED_EVERY_SECONDS); a claim not finished
after S55_SCHEDULED_PUBLICATION_STUCK_SECONDS (3 here, ten minutes by default) is claimed
again. The processes and the SMTP server come from tests/core/test_reliability.py's
`Services`."""

import mailbox
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from accounts.models import Membership
from accounts.services import policing_body_set_copies_on_publication
from core.events import registry
from core.models import DeliveryStatus, EmailStatus, EventDelivery, OutgoingEmail
from responses.models import Response, ResponseVersion, ScheduledPublication, Status
from responses.services import publication_schedule
from tests.conftest import REPO_ROOT
from tests.core.test_reliability import BROKER_DB, Services, _point_app_at, _wait_until
from tests.factories import office_user

from .test_scheduled_publication import approved_flow

pytestmark = [
    pytest.mark.services,
    pytest.mark.broker,
    pytest.mark.django_db(transaction=True),
]

BEAT_EVERY_SECONDS = "1"
STUCK_SECONDS = "3"
ADDRESSES = {
    "S55_COPY_HMICFRS_EMAIL": "s55@hmicfrs.example.org",
    "S55_COPY_HOME_SECRETARY_EMAIL": "s55@homeoffice.example.org",
}


class Processes(Services):
    """`Services` with beats: each its own schedule file, pid file and process group."""

    def start_beat(self) -> subprocess.Popen:
        name = f"beat-{uuid.uuid4().hex[:8]}"
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel=info",
                f"--schedule={self.tmp / name}",
                f"--pidfile={self.tmp / name}.pid",
            ],
            cwd=REPO_ROOT,
            env=self._env(
                DJANGO_SETTINGS_MODULE="tests.responses.beat_settings",
                S55_PUBLISH_SCHEDULED_EVERY_SECONDS=BEAT_EVERY_SECONDS,
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log, process.name = log, name
        self.processes.append(process)
        return process

    def start_worker(self, **env) -> subprocess.Popen:
        return super().start_worker(
            S55_SCHEDULED_PUBLICATION_STUCK_SECONDS=STUCK_SECONDS, **ADDRESSES, **env
        )


@pytest.fixture
def processes(redis_url, postgres_required, tmp_path):
    parts = urlsplit(redis_url)
    broker = urlunsplit((parts.scheme, parts.netloc, f"/{BROKER_DB}", "", ""))
    found = Processes(broker=broker, tmp=tmp_path)
    restore = _point_app_at(broker, found.queue)
    try:
        with override_settings(S55_EVENTS="tests.core.registry"):
            yield found
    finally:
        found.close()
        restore()


class RowLock:
    """The response's row locked from a database connection of the test's own."""

    def __init__(self, response: Response):
        self.connection = connections.create_connection("default")
        self.connection.set_autocommit(False)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Response._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
                [response.pk],
            )

    def release(self) -> None:
        self.connection.rollback()
        self.connection.close()


def test_two_beats_and_a_worker_killed_after_the_claim_publish_once(processes):
    processes.start_smtp()
    flow = approved_flow()
    body = flow.response.policing_body
    body.panel_email = "panel@norfolk.example.org"
    body.save(update_fields=["panel_email"])
    body.force.chief_officer_email = "chief@norfolk-police.example.org"
    body.force.save(update_fields=["chief_officer_email"])
    admin = office_user(body, Membership.Role.OPCC_ADMIN)
    policing_body_set_copies_on_publication(body=body, acting_user=admin, send=True)

    first = processes.start_worker()
    processes.start_beat()
    processes.start_beat()
    schedule, _ = publication_schedule(
        response=flow.response,
        publish_at=timezone.now() + timedelta(seconds=3),
        acting_user=flow.approver,
    )
    lock = RowLock(flow.response)
    try:
        _wait_until(
            lambda: ScheduledPublication.objects.filter(
                pk=schedule.pk, state=ScheduledPublication.State.RUNNING
            ).exists(),
            seconds=30,
            what="a sweep to claim the due schedule",
        )
        processes.kill(first)  # its publication is waiting for the lock: nothing committed
    finally:
        lock.release()
    schedule.refresh_from_db()
    assert schedule.state == ScheduledPublication.State.RUNNING
    assert not ResponseVersion.objects.filter(response=flow.response).exists()

    processes.start_worker()
    subscribers = len(registry()["response.published"])

    def everything_followed() -> bool:
        deliveries = EventDelivery.objects.filter(event="response.published")
        return (
            deliveries.filter(status=DeliveryStatus.DONE).count() == subscribers
            and OutgoingEmail.objects.filter(kind="s55_copy", status=EmailStatus.SENT).count() == 4
        )

    _wait_until(everything_followed, seconds=60, what="the publication and what follows it")
    time.sleep(3 * float(BEAT_EVERY_SECONDS) + 1)  # and later sweeps do nothing more

    schedule.refresh_from_db()
    assert schedule.state == ScheduledPublication.State.DONE
    assert schedule.attempts == 2  # claimed by the killed sweep, then once more
    (version,) = ResponseVersion.objects.filter(response=flow.response)
    assert schedule.version == version
    assert version.published_by == flow.approver
    response = Response.objects.get(pk=flow.response.pk)
    assert response.status == Status.PUBLISHED
    assert response.published_on == timezone.localdate(schedule.publish_at)
    reasons = list(response.history.values_list("history_change_reason", flat=True))
    assert reasons.count("Published") == 1
    deliveries = EventDelivery.objects.filter(event="response.published")
    assert deliveries.count() == subscribers
    assert set(deliveries.values_list("status", flat=True)) == {DeliveryStatus.DONE}
    assert len(set(deliveries.values_list("subscriber", flat=True))) == subscribers
    rows = OutgoingEmail.objects.filter(kind="s55_copy")
    assert rows.count() == 4
    received = list(mailbox.Maildir(processes.maildir))
    assert sorted(m["To"] for m in received) == sorted(
        [
            *ADDRESSES.values(),
            "panel@norfolk.example.org",
            "chief@norfolk-police.example.org",
        ]
    )
    version.refresh_from_db()
    assert version.copy_hmicfrs_on == timezone.localdate()

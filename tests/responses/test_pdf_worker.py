"""Integration: publishing queues the PDF on a real Redis and a real Celery worker renders and
stores it (PostgreSQL); the staff page and the public download then serve those bytes."""

import os
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.urls import reverse

from config.celery import app
from responses.models import ResponseVersion, Status
from responses.pdf import sha256

from .test_pdf import pdf_text

pytestmark = [
    pytest.mark.services,
    # The worker thread has its own database connection: the data must be committed.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def reference_data(transactional_db):
    """Committed data for another thread or server means a transactional test, which may start
    from the empty database another transactional test's flush left behind: load the forces and
    policing bodies with the idempotent loader their data migration runs."""
    from importlib import import_module

    from django.apps import apps

    import_module("accounts.migrations.0002_reference_data").load(apps, None)


BROKER_DB = 12


def _forget_connections():
    """Make the app connect afresh to the current broker. The old pools are forgotten, not
    closed: kombu keeps them in a global registry by URL, and a closed pool left there would
    fail the next test in this process that publishes to that URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(redis_url, postgres_required):
    """A Celery worker (in a thread of this process) on a fresh queue of a Redis database of
    its own; the test's own publishing goes to the same broker and queue."""
    from celery.contrib.testing.worker import start_worker

    parts = urlsplit(redis_url)
    broker = urlunsplit((parts.scheme, parts.netloc, f"/{BROKER_DB}", "", ""))
    queue = f"s55-pdf-test-{uuid.uuid4().hex[:12]}"
    keys = ("broker_url", "task_default_queue", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = broker
    app.conf.update(broker_url=broker, task_default_queue=queue, task_always_eager=False)
    _forget_connections()
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            queues=[queue],
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ):
            yield queue
    finally:
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app.conf.update(saved)
        _forget_connections()


def _wait_for_pdf(version_id: int, seconds: float = 90) -> ResponseVersion:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        version = ResponseVersion.objects.get(pk=version_id)
        if version.pdf_sha256:
            return version
        time.sleep(0.25)
    pytest.fail(f"The worker did not store the PDF within {seconds} s")


def test_a_worker_freezes_the_pdf_of_a_new_publication(
    reference_data, worker, flow, client, drafter
):
    flow.drive(Status.APPROVED)

    flow.do("publish")  # commits: the hook stores the snapshot and queues the PDF
    version = ResponseVersion.objects.get(response=flow.response, number=1)
    assert version.html_sha256 == sha256(version.html_snapshot)

    frozen = _wait_for_pdf(version.pk)
    assert frozen.pdf_sha256 == sha256(bytes(frozen.pdf))
    assert "The commissioner welcomes the report." in pdf_text(bytes(frozen.pdf))

    download = client.get(reverse("pdf:version", args=[flow.response.pk, 1]))
    assert download.content == bytes(frozen.pdf)
    client.force_login(drafter)
    page = client.get(reverse("responses:detail", args=[flow.response.pk])).content.decode()
    assert frozen.pdf_sha256 in page

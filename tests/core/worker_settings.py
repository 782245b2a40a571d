"""Settings for the real Celery workers that tests/core/test_reliability.py starts: the project's
settings, pointed at the test database, a queue of the test's own on its broker, the test's
events registry (tests/core/registry.py) and the test's SMTP server, with short retries."""

import os

from kombu import Queue

from config.settings import *  # noqa: F403
from config.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["S55_TEST_DATABASE_NAME"]
# Each connection is closed after each task, as the test database is flushed between tests.
DATABASES["default"]["CONN_MAX_AGE"] = 0

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["S55_TEST_QUEUE"]
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE),)
CELERY_TASK_ROUTES = {"reminders.tasks.*": {"queue": CELERY_TASK_DEFAULT_QUEUE}}
CELERY_TASK_ALWAYS_EAGER = False

S55_EVENTS = "tests.core.registry"
# Retries about 1, 2, 4 ... seconds apart rather than 30, 60, 120.
S55_EVENTS_RETRY_BACKOFF = 1
# Only this test's work: no reminders sweep when a worker starts.
S55_SWEEP_ON_WORKER_START = False

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "127.0.0.1",
            "port": int(os.environ["S55_TEST_SMTP_PORT"]),
            "use_tls": False,
            "timeout": 5,
        },
    }
}

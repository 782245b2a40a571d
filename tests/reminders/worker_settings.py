"""Settings for the real Celery worker that tests/reminders/test_worker.py starts: the project's
settings, pointed at the test database, a test queue on Redis and the flaky mail server."""

import os

from kombu import Queue

from config.settings import *  # noqa: F403
from config.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["S55_TEST_DATABASE_NAME"]
# Each connection is closed after each task, as the test database is flushed between tests.
DATABASES["default"]["CONN_MAX_AGE"] = 0

CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
# One queue of the test's own for everything, so nothing else on this Redis reaches the workers.
CELERY_TASK_DEFAULT_QUEUE = os.environ["S55_TEST_QUEUE"]
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE),)
CELERY_TASK_ROUTES = {"reminders.tasks.*": {"queue": CELERY_TASK_DEFAULT_QUEUE}}
CELERY_TASK_ALWAYS_EAGER = False

MAILERS = {
    "default": {
        "BACKEND": "tests.reminders.mail.FlakyFileBackend",
        "OPTIONS": {"directory": os.environ["S55_TEST_MAIL_DIR"]},
    }
}

# Retry a failed send after about 1, 2, 4 seconds rather than 30, 60, 120.
S55_REMINDER_RETRY_BACKOFF = 1

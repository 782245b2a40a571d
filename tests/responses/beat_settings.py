"""Settings for the real `celery beat` processes that
tests/responses/test_scheduled_publication_processes.py starts: the workers' settings
(tests/core/worker_settings.py: the test database and the test's own queue), with only the
project's scheduled-publication entry on the beat, at the interval the environment gives
(S55_PUBLISH_SCHEDULED_EVERY_SECONDS, config/settings.py), so the test's beats queue nothing
else."""

from tests.core.worker_settings import *  # noqa: F403
from tests.core.worker_settings import CELERY_BEAT_SCHEDULE

CELERY_BEAT_SCHEDULE = {
    "responses-publish-scheduled": CELERY_BEAT_SCHEDULE["responses-publish-scheduled"]
}

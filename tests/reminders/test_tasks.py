"""The Celery side: the beat schedule, the reminders queue, and the thin tasks."""

from celery.schedules import crontab
from django.conf import settings

from reminders import services, tasks

# The real one: every test runs with it replaced by an inline sender (tests/conftest.py).
ENQUEUE_CORRECTION_NOTICES = services.enqueue_correction_notices


def test_the_sweep_runs_at_seven_london_time_and_every_hour():
    # The schedule also holds the events machinery's catch-up (core.tasks.sweep, every five
    # minutes), added with config/events.py; the reminders sweep's own entries are unchanged.
    by_task: dict[str, list] = {}
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        by_task.setdefault(entry["task"], []).append(entry["schedule"])
    # And the scheduled publications' sweep, every minute (responses.tasks.publish_scheduled).
    assert set(by_task) == {
        "reminders.tasks.sweep",
        "core.tasks.sweep",
        "responses.tasks.publish_scheduled",
        "accounts.tasks.sweep_invitation_emails",
        "public.tasks.expire_subscriptions",
    }
    # And the invitation emails' catch-up, every five minutes (accounts.invitation_emails).
    assert by_task["accounts.tasks.sweep_invitation_emails"] == [crontab(minute="*/5")]
    assert by_task["responses.tasks.publish_scheduled"] == [crontab(minute="*")]
    # And the email subscriptions' sweep of unconfirmed sign-ups, hourly (public.subscriptions).
    assert by_task["public.tasks.expire_subscriptions"] == [crontab(minute=15)]
    assert sorted(map(str, by_task["reminders.tasks.sweep"])) == sorted(
        map(str, [crontab(hour=7, minute=0), crontab(minute=30)])
    )
    assert by_task["core.tasks.sweep"] == [crontab(minute="*/5")]
    assert settings.CELERY_TIMEZONE == "Europe/London"


def test_reminder_tasks_have_their_own_queue_that_every_worker_consumes():
    assert settings.CELERY_TASK_ROUTES["reminders.tasks.*"] == {"queue": "reminders"}
    assert {q.name for q in settings.CELERY_TASK_QUEUES} == {"celery", "reminders"}


def test_sends_acknowledge_late_and_retry_mail_errors_with_backoff():
    for task in (tasks.send_reminder, tasks.send_digest):
        assert task.acks_late
        assert OSError in task.autoretry_for
        assert task.retry_backoff
        assert task.max_retries == tasks.MAX_RETRIES
    assert tasks.sweep.acks_late


def test_a_worker_that_starts_runs_a_sweep(monkeypatch, settings):
    calls = []
    monkeypatch.setattr(tasks.sweep, "delay", lambda: calls.append("sweep"))
    tasks.sweep_when_a_worker_starts()
    assert calls == ["sweep"]
    settings.S55_SWEEP_ON_WORKER_START = False
    tasks.sweep_when_a_worker_starts()
    assert calls == ["sweep"]


def test_the_services_queue_each_send_by_the_name_of_its_task(monkeypatch):
    """services.py names the send tasks rather than importing tasks.py (which imports it): each
    name is the registered task's, so a renamed task cannot leave the sends queued to nothing."""
    queued = []
    monkeypatch.setattr(services, "enqueue_task", lambda name, *args: queued.append((name, args)))
    services.enqueue_sends(digests=[1], individual=[2])
    ENQUEUE_CORRECTION_NOTICES([3])
    assert queued == [
        (tasks.send_digest.name, (1,)),
        (tasks.send_reminder.name, (2,)),
        (tasks.send_correction_notice.name, (3,)),
    ]

from django.apps import AppConfig


def notify_after_correction(correction_id: int) -> None:
    """The correction hook: queue the notices to every office with a response to the report.
    The correction is recorded, so if queuing fails the hourly sweep creates and sends them."""
    from . import tasks

    tasks.notify_correction.delay(correction_id)


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Deadline reminders"

    def ready(self):
        from responses.corrections import CORRECTION_HOOKS

        # After a correction of a report's shared facts commits: tell each office.
        if notify_after_correction not in CORRECTION_HOOKS:
            CORRECTION_HOOKS.append(notify_after_correction)

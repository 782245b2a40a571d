"""`manage.py events_replay`: run now, in this process, every subscriber still pending after
its event (waiting, or failed however many times) and send every email waiting or failed.
What an office admin sees as failed is what this completes; run it once the cause is fixed."""

from django.core.management.base import BaseCommand

from core import events, outbox


class Command(BaseCommand):
    help = "Run pending and failed event subscribers, and send waiting and failed emails, now."

    def add_arguments(self, parser):
        parser.add_argument(
            "--id", type=int, action="append", dest="ids", help="Only this delivery (repeatable)."
        )

    def handle(self, *args, ids=None, **options):
        deliveries = events.deliveries_replay(delivery_ids=ids)
        emails = outbox.emails_replay() if ids is None else {"sent": 0, "failed": 0}
        self.stdout.write(
            f"Subscribers: {deliveries['done']} done, {deliveries['failed']} failed. "
            f"Emails: {emails['sent']} sent, {emails['failed']} failed."
        )
        if deliveries["failed"] or emails["failed"]:
            self.stderr.write("Some still fail: see their errors on the emails page or the admin.")

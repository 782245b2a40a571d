"""Copy published responses into the public tables: the stale ones, or all with --all.

Run after restoring a backup, after importing responses outside the services, or if the log
shows that the publication hook failed. Safe to run at any time (idempotent).
"""

from django.core.management.base import BaseCommand

from public.services import published_responses_refresh
from responses.models import Response


class Command(BaseCommand):
    help = "Refresh the public copies of published responses (default: only the stale ones)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Refresh every published response.")

    def handle(self, *args, **options):
        ids = (
            list(Response.objects.published().values_list("pk", flat=True))
            if options["all"]
            else None
        )
        count = published_responses_refresh(response_ids=ids)
        self.stdout.write(f"Refreshed {count} published response{'s' if count != 1 else ''}.")

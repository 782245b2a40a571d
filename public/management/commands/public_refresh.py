"""Copy published responses into the public tables: the stale ones, or all with --all.

Run after restoring a backup, after importing responses outside the services, or if the log
shows that the publication hook failed. Safe to run at any time (idempotent). With --proxy,
also queue a refresh of the reverse proxy's copies of every published response's pages (after
its cache was emptied; docs/operations.md).
"""

from django.core.management.base import BaseCommand

from public.services import proxy_refresh_all, published_responses_refresh
from public.tasks import proxy_refresh_owed
from responses.models import Response


class Command(BaseCommand):
    help = "Refresh the public copies of published responses (default: only the stale ones)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Refresh every published response.")
        parser.add_argument(
            "--proxy",
            action="store_true",
            help="Also queue a refresh of the proxy's copies of every published response's pages.",
        )

    def handle(self, *args, **options):
        ids = (
            list(Response.objects.published().values_list("pk", flat=True))
            if options["all"]
            else None
        )
        count = published_responses_refresh(response_ids=ids)
        self.stdout.write(f"Refreshed {count} published response{'s' if count != 1 else ''}.")
        if options["proxy"]:
            proxy_refresh_all()
            queued = proxy_refresh_owed()
            self.stdout.write(f"Queued the proxy's refresh of {queued} published responses.")

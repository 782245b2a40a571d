"""python manage.py load_demo [--password PASSWORD]: demo data for trying the product.

The password is --password, else $S55_DEMO_PASSWORD, else one generated on the first run and
remembered in var/demo-password. Idempotent: running it again changes nothing but the demo users' passwords (set to the given or
remembered one). Creates the Norfolk CDI 2019 report and its published response, a few reports in
other states relative to today, and demo users for the Norfolk office, Norfolk Constabulary and
the Suffolk office.
"""

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from responses.demo import build_demo


class Command(BaseCommand):
    help = "Load demo data and demo users (idempotent); prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo user.")

    def handle(self, *args, password=None, **options):
        password = password or os.environ.get("S55_DEMO_PASSWORD") or self._remembered_password()
        created = build_demo(password=password)
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded." if created else "Demo data already present.")
        )
        self.stdout.write("Demo users (password for all: %s):" % password)
        for username, description in DEMO_USERS_TEXT:
            self.stdout.write(f"  {username:<14} {description}")

    def _remembered_password(self) -> str:
        path = settings.VAR_DIR / "demo-password"
        if path.exists():
            return path.read_text().strip()
        password = secrets.token_urlsafe(12)
        path.write_text(password + "\n")
        path.chmod(0o600)
        return password


DEMO_USERS_TEXT = [
    ("drafter", "Norfolk OPCC drafter"),
    ("approver", "Norfolk OPCC approver"),
    ("admin", "Norfolk OPCC admin (also a superuser for /admin/)"),
    ("force", "Norfolk Constabulary contributor"),
    ("other-drafter", "Suffolk OPCC drafter (a different office)"),
]

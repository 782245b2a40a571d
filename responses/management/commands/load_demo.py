"""python manage.py load_demo [--password PASSWORD]: demo data for trying the product.

The password is --password, else $S55_DEMO_PASSWORD, else one generated on the first run and
remembered in var/demo-password. Idempotent: running it again changes nothing but the demo users' passwords (set to the given or
remembered one). Creates the Norfolk CDI 2019 report and its published response, a few reports in
other states relative to today, the Dyfed-Powys office's response published in Welsh and
English and its draft in progress, and demo users for the Norfolk office, Norfolk Constabulary,
the Suffolk office and the Dyfed-Powys office. The Norfolk office also signs in with the local identity provider
(responses/demo/single_sign_on.py).
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from responses.demo import build_demo
from responses.demo import single_sign_on as sso


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
        admin = get_user_model().objects.get(username="admin")
        provider = sso.build_demo_single_sign_on(acting_user=admin)
        self.stdout.write(
            f"Single sign-on: the Norfolk office signs in with the local provider at "
            f"{provider.issuer} (started by `make run`). On the sign-in page enter one of these "
            "work email addresses (or choose the office), then pick the same person:"
        )
        self.stdout.write(f"  {sso.ROBIN['email']:<34} Norfolk OPCC drafter")
        self.stdout.write(f"  {sso.NICO['email']:<34} no role yet: 'you do not have access yet'")
        self.stdout.write(
            f"  {sso.ELSEWHERE['email']:<34} (choose Norfolk) refused: not its domain"
        )

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
    ("dp-drafter", "Dyfed-Powys OPCC drafter (publishes in Welsh and English; pages in Welsh)"),
    ("dp-approver", "Dyfed-Powys OPCC approver (publishes in Welsh and English; pages in Welsh)"),
]

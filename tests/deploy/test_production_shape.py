"""The production shape, started without Docker from docker-compose.yml's own commands, and a
journey through the proxy over HTTPS.

deploy/stack.py reads each service's command and environment from docker-compose.yml; only
addresses and paths are replaced. The processes: nginx (proxy), gunicorn with DJANGO_PRODUCTION=1
(web), a Celery worker, one Celery beat, Redis (redis), the migrations (migrate) and a real SMTP
server (aiosmtpd) standing in for the outside mail server. PostgreSQL (db) is the server the
suite already uses, with a database of this test's own. The journey: an office drafter signs in,
invites the force (the force's contributor receives the email at the SMTP server), the approver
publishes an approved response; the public page and the PDF are seen through the proxy, the proxy's copies of
the lists are refreshed by the worker, and the pages are still served with gunicorn stopped.

The data before the journey is the demo (`manage.py load_demo`), plus one response taken to
"approved" by the services, as the demo takes its own there.
"""

import html
import http.client
import mailbox
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from deploy import stack
from tests.conftest import REPO_ROOT, require

pytestmark = [pytest.mark.services]

PASSWORD = "production-shape-journey-password"
#: Every service in docker-compose.yml and how this test provides it.
PROVIDED = {
    "db": "the PostgreSQL server in DATABASE_URL, with a database of this test's own",
    "redis": "redis-server from the compose command, on a port of its own",
    "migrate": "the compose command, run to completion before the others start",
    "web": "gunicorn from the compose command (DJANGO_PRODUCTION=1)",
    "worker": "the Celery worker from the compose command",
    "beat": "the one Celery beat from the compose command",
    "proxy": "nginx from the compose command, with deploy/nginx/ filled in",
}

APPROVE_ONE = """
from accounts.models import User
from responses import services
from responses.models import Response

drafter = User.objects.get(username="drafter")
approver = User.objects.get(username="approver")
response = Response.objects.get(
    report__title__startswith="PEEL spotlight report: Norfolk", policing_body__slug="norfolk-pcc"
)
for finding in services.missing_explanations(response):
    services.explanation_save(
        response=response, finding=finding, kind="action_proposed",
        text="The commissioner will review the plan at the accountability forum.",
        acting_user=drafter,
    )
response = services.response_update_text(
    response=response, acting_user=drafter,
    office_comments="The commissioner welcomes the report and will hold the force to account.",
)
response = services.response_submit_for_approval(response=response, acting_user=drafter)
response = services.response_approve(
    response=response, acting_user=approver,
    signatory_name="Giles Orpen-Smellie",
    signatory_title="Police and Crime Commissioner for Norfolk",
)
print("APPROVED", response.pk, response.report.title)
not_started = Response.objects.filter(
    policing_body=response.policing_body, status="not_started", due_date__isnull=False
).first()
print("NOT_STARTED", not_started.pk)
print("FORCE_EMAIL", User.objects.get(username="force").email)
"""


def _postgres_database(url: str, name: str) -> str:
    """A fresh database `name` on the server of `url`; returns its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(  # noqa: S603
        [  # noqa: S607 - openssl from PATH, like nginx and redis-server
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class Stack:
    def __init__(self, *, processes, https, http, env, maildir, cafile, approved, not_started):
        self.processes = processes
        self.https = https
        self.http = http
        self.env = env
        self.maildir = maildir
        self.cafile = cafile
        self.approved = approved
        self.not_started = not_started
        self.force_email = ""

    def manage(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def browser(self) -> "Browser":
        return Browser(f"https://localhost:{self.https}", cafile=self.cafile)

    def emails(self) -> list:
        return list(mailbox.Maildir(self.maildir, create=False))


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Iterator[Stack]:
    for program in ("nginx", "redis-server", "openssl"):
        require(shutil.which(program) is not None, f"{program} is not installed")
    database_url = os.environ.get("DATABASE_URL", "")
    require(database_url.startswith("postgres"), "DATABASE_URL is not a PostgreSQL database")
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        require(False, "aiosmtpd is not installed (pip install --group dev)")

    root = tmp_path_factory.mktemp("production-shape")
    name = urlsplit(database_url).path.lstrip("/") + "_production_shape"
    try:
        database = _postgres_database(database_url, name)
    except Exception as error:  # the server is down or refuses
        require(False, f"PostgreSQL at DATABASE_URL: {error}")
    ports = {
        name: stack.free_port() for name in ("web", "http", "https", "refresh", "redis", "smtp")
    }
    cert, key = _certificate(root)
    maildir = root / "mail"
    processes = stack.Processes(root)
    secret = secrets.token_urlsafe(40)
    base_env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(root),
        "LANG": "C.UTF-8",
        "S55_VAR_DIR": str(root / "var"),
        "S55_STATIC_ROOT": str(root / "static"),
    }
    # What docker-compose.yml's ${...} would be given by .env, and the addresses of the other
    # services (the Compose network names db, redis, proxy are not resolvable here).
    app_env = base_env | stack.environment(
        "web",
        {
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "S55_SITE_URL": f"https://localhost:{ports['https']}",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(ports["smtp"]),
            "EMAIL_USE_TLS": "0",
            "DEFAULT_FROM_EMAIL": "Section 55 Tracker <no-reply@localhost>",
        },
        addresses={
            "DATABASE_URL": database,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{ports['redis']}/0",
            "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/1",
            "S55_PROXY_REFRESH_URL": f"http://127.0.0.1:{ports['refresh']}",
        },
    )
    try:
        processes.start(
            "smtp",
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{ports['smtp']}",
             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
            env=base_env,
            # Not from the repository: aiosmtpd imports a package called `public` too.
            cwd=root,
        )  # fmt: skip
        processes.start(
            "redis",
            [*stack.command("redis"), "--port", str(ports["redis"]), "--bind", "127.0.0.1",
             "--dir", str(root), "--save", ""],
            env=base_env,
        )  # fmt: skip
        processes.wait_for_port("smtp", ports["smtp"])
        processes.wait_for_port("redis", ports["redis"])

        migrate = subprocess.run(  # noqa: S603
            stack.command("migrate"), cwd=REPO_ROOT, env=app_env, capture_output=True, text=True
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        # What the Dockerfile does when it builds the image.
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=REPO_ROOT, env=app_env, check=True, capture_output=True,
        )  # fmt: skip
        production = Stack(
            processes=processes,
            https=ports["https"],
            http=ports["http"],
            env=app_env,
            maildir=maildir,
            cafile=cert,
            approved=0,
            not_started=0,
        )
        production.manage("load_demo", "--password", PASSWORD)
        seeded = production.manage("shell", stdin=APPROVE_ONE)
        production.approved = int(re.search(r"APPROVED (\d+)", seeded)[1])
        production.approved_title = re.search(r"APPROVED \d+ (.+)", seeded)[1].strip()
        production.not_started = int(re.search(r"NOT_STARTED (\d+)", seeded)[1])
        production.force_email = re.search(r"FORCE_EMAIL (\S+)", seeded)[1]

        processes.start(
            "web",
            stack.command("web", options={"--bind": f"127.0.0.1:{ports['web']}"}),
            env=app_env,
        )
        processes.start("worker", stack.command("worker"), env=app_env)
        processes.start(
            "beat",
            stack.command("beat", options={"--schedule": str(root / "celerybeat-schedule")}),
            env=app_env,
        )
        proxy_values = stack.environment(
            "proxy",
            {},
            addresses={
                "S55_HTTP_LISTEN": f"127.0.0.1:{ports['http']}",
                "S55_HTTPS_LISTEN": f"127.0.0.1:{ports['https']}",
                "S55_REFRESH_LISTEN": f"127.0.0.1:{ports['refresh']}",
                "S55_UPSTREAM": f"127.0.0.1:{ports['web']}",
                "S55_TLS_CERTIFICATE": str(cert),
                "S55_TLS_CERTIFICATE_KEY": str(key),
                "S55_ACME_ROOT": str(root / "acme"),
                "S55_STATIC_ROOT": str(root / "static"),
                "S55_NGINX_CACHE_DIR": str(root / "proxy-cache"),
                "S55_NGINX_CONF_DIR": str(stack.NGINX_DIR),
            },
        )
        config = stack.nginx_config(root / "nginx", proxy_values)
        processes.start("proxy", stack.nginx_argv(config), env=base_env)
        processes.wait_for_port("proxy", ports["https"])
        processes.wait_for_port("web", ports["web"], timeout=120)
        yield production
    finally:
        processes.stop_all()


# --- A small browser: cookies, CSRF tokens and forms as the pages fill them in -------------------


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button"):
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.forms[-1]["fields"][self._select] = attrs.get("value", "")


def text(body: bytes) -> str:
    return html.unescape(body.decode())


class Browser:
    def __init__(self, origin: str, *, cafile: Path):
        self.origin = origin
        context = ssl.create_default_context(cafile=str(cafile))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()),
            urllib.request.HTTPSHandler(context=context),
        )

    def get(self, path: str):
        return self._open(urllib.request.Request(self.origin + path))  # noqa: S310 - https

    def _open(self, request):
        try:
            answer = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            return answer.status, answer.headers, answer.read()

    def form(self, path: str, *, contains: str = "") -> dict[str, str]:
        """The fields of the page's form (with `contains` among its field names) as filled in."""
        status, _headers, body = self.get(path)
        assert status == 200, (path, status)
        parser = _Forms()
        parser.feed(body.decode())
        for form in parser.forms:
            fields = form["fields"]
            # The page's own form (it posts to itself), not the sign-out button in the header.
            if (
                form["action"] in ("", path)
                and "csrfmiddlewaretoken" in fields
                and contains in " ".join(fields)
            ):
                return fields
        raise AssertionError(f"no form with {contains!r} on {path}")

    def submit(self, path: str, **changes: str):
        fields = self.form(path, contains=next(iter(changes), "")) | changes
        request = urllib.request.Request(  # noqa: S310 - https
            self.origin + path,
            data=urlencode(fields).encode(),
            headers={"Referer": self.origin + path, "Origin": self.origin},
        )
        return self._open(request)


def _wait_for(check, *, timeout: float = 120.0, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


# --- Tests -------------------------------------------------------------------------------------


def test_the_stack_starts_every_service_docker_compose_defines():
    assert set(stack.compose()["services"]) == set(PROVIDED)


def test_a_journey_through_the_proxy(production):
    visitor = production.browser()
    page = f"/published/{production.approved}/"
    # Before the publication: the public home page, now in the proxy's cache.
    status, headers, home_before = visitor.get("/")
    assert status == 200
    assert production.approved_title not in text(home_before)
    assert _wait_for(lambda: visitor.get("/")[1]["X-Cache-Status"] == "HIT", what="a cached home")
    assert visitor.get(page)[0] == 404

    drafter = production.browser()
    status, _headers, body = drafter.submit(
        "/accounts/sign-in/", username="drafter", password=PASSWORD
    )
    assert status == 200
    assert "Sign out" in body.decode()
    # Pages for a session never come from, or go into, the proxy's cache.
    for _ in range(2):
        status, headers, _body = drafter.get("/responses/")
        assert status == 200
        assert headers["X-Cache-Status"] == "BYPASS"

    # s55(4): invite the force; the force's contributor gets the email.
    status, _headers, _body = drafter.submit(f"/responses/{production.not_started}/invite/")
    assert status == 200
    # (The force may also get the beat's reminder digest, whenever the sweep runs: look for
    # the invitation itself.)
    invitation = _wait_for(
        lambda: [
            m
            for m in production.emails()
            if production.force_email in m["To"] and "invites your comments" in m["Subject"]
        ],
        what="the invitation email at the SMTP server",
    )
    assert len(invitation) == 1, [m["Subject"] for m in invitation]

    # Publish the approved response: the office's sign-off, so the approver does it
    # (responses.workflow.ACTION_ROLES); the drafter is refused.
    assert drafter.get(f"/responses/{production.approved}/publish/")[0] == 403
    approver = production.browser()
    status, _headers, body = approver.submit(
        "/accounts/sign-in/", username="approver", password=PASSWORD
    )
    assert status == 200
    assert "Sign out" in body.decode()
    status, _headers, body = approver.submit(f"/responses/{production.approved}/publish/")
    assert status == 200
    assert "Published" in body.decode()

    # The worker copies the published version into the public site's tables (config/events.py:
    # the publication's subscribers run there), so the page appears within moments, not at once.
    status, headers, public_page = _wait_for(
        lambda: (answer := visitor.get(page))[0] != 404 and answer,
        what="the worker to copy the publication to the public site",
    )
    assert status == 200
    assert production.approved_title in text(public_page)
    assert "public" in headers["Cache-Control"]
    # Edge headers once each (nginx's, Django's hidden), and Django's CSP with its nonce.
    assert len(headers.get_all("Strict-Transport-Security")) == 1
    assert len(headers.get_all("X-Content-Type-Options")) == 1
    assert "nonce-" in headers["Content-Security-Policy"]

    status, headers, pdf = visitor.get(f"/pdf/responses/{production.approved}/versions/1.pdf")
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF")

    # The worker refreshed the proxy's copy of the home page: the new response is listed
    # at once, not when the old copy expires.
    _wait_for(
        lambda: production.approved_title in text(visitor.get("/")[2]),
        what="the proxy's copy of the home page to list the publication",
    )

    # The task records the refresh once it has fetched every one of the response's addresses,
    # the home page (just seen) among them, so that record may follow a moment later.
    def refresh_recorded() -> list[str]:
        refreshed = production.manage(
            "shell",
            "-c",
            "from public.models import PublishedResponse as P; "
            f"r = P.objects.get(response_id={production.approved}); "
            "print(r.proxy_refreshed_at is not None, repr(r.proxy_refresh_error))",
        )
        return refreshed.strip().splitlines()[-1].split()

    recorded = _wait_for(
        lambda: (state := refresh_recorded())[0] == "True" and state,
        what="the worker to record the proxy's refresh",
    )
    assert recorded == ["True", "''"]

    # Static files come from the proxy.
    css = re.search(r'href="(/static/[^"]+\.css)"', public_page.decode())[1]
    status, headers, _body = visitor.get(css)
    assert status == 200
    assert "X-Cache-Status" not in headers or headers["X-Cache-Status"] == ""

    # Plain HTTP is sent to HTTPS; an oversized body is refused before Django reads it.
    plain = http.client.HTTPConnection("127.0.0.1", production.http, timeout=30)
    plain.request("GET", page, headers={"Host": f"localhost:{production.http}"})
    answer = plain.getresponse()
    assert answer.status == 301
    assert answer.headers["Location"].startswith("https://")
    upload = http.client.HTTPSConnection(
        "127.0.0.1",
        production.https,
        timeout=30,
        context=ssl.create_default_context(cafile=str(production.cafile)),
    )
    upload.putrequest("POST", "/accounts/sign-in/", skip_host=True)
    upload.putheader("Host", f"localhost:{production.https}")
    upload.putheader("Content-Type", "application/x-www-form-urlencoded")
    upload.putheader("Content-Length", str(61 * 1024 * 1024))
    upload.endheaders()
    assert upload.getresponse().status == 413

    # The application stops; the published pages stay up.
    production.processes.stop("web")
    for path in (page, f"/pdf/responses/{production.approved}/versions/1.pdf", "/"):
        status, headers, _body = visitor.get(path)
        assert status == 200, path
    assert production.approved_title in text(visitor.get(page)[2])
    # A signed-in person is never served a copy: with the application down they get an error.
    assert drafter.get("/responses/")[0] == 502
    assert production.processes.running["beat"].poll() is None
    assert production.processes.running["worker"].poll() is None

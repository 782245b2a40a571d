"""Fixtures for tests that need something real: Chromium, axe-core, Redis, PostgreSQL.

Each of them checks that the thing is there and, when it is not, calls `require`, which
skips the test on a developer's machine (pytest's -ra prints why) but fails it when
S55_REQUIRE_SERVICES=1, as .ci/run sets: on CI a missing browser or service is a broken
setup, never a reason to go green.

Data factories live beside the tests that use them, not here. This module imports nothing
from Django at import time, so `pytest -p no:django tests/test_compose.py` works too.
"""

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATH = Path("/usr/bin/chromium")
# Debian's Chromium package; Playwright's own browser download is not used.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21aa", "wcag22aa")
VIEWPORT = {"width": 1280, "height": 900}


def require(condition: bool, reason: str) -> None:
    """Skip the calling test unless `condition` holds; fail it instead on CI.

    `S55_REQUIRE_SERVICES=1` (set by .ci/run) turns the skip into a failure.
    """
    if condition:
        return
    if os.environ.get("S55_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (S55_REQUIRE_SERVICES=1, so this is a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    require(
        CHROMIUM_PATH.exists(),
        f"{CHROMIUM_PATH} not found: install Debian's chromium package (apt-get install chromium)",
    )
    return CHROMIUM_PATH


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    """One headless Chromium per test process (per xdist worker)."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed (pip install --group dev)")
    # Playwright's sync API keeps an asyncio loop running in this thread, which makes
    # Django's ORM refuse to run in it ("You cannot call this from an async context").
    # Browser tests set up data through the ORM in the same thread, so allow it here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(chromium_path), args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            require(False, f"Chromium at {chromium_path} did not start: {error}")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no shared cookies) and page for each test.

    The context bypasses Content-Security-Policy so that `axe` can inject axe-core;
    a test about the policy itself should open its own context without bypass_csp.
    """
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def axe() -> Callable[..., list[dict[str, Any]]]:
    """Return `check_axe(page, *, tags=...)`, which runs axe-core on the page and returns
    its violations (an empty list when the page passes)."""
    require(AXE_PATH.exists(), f"{AXE_PATH} not found: run `npm ci` (axe-core is in package.json)")

    def check_axe(page: Any, *, tags: Sequence[str] = AXE_TAGS) -> list[dict[str, Any]]:
        # A context that loads axe-core into each of its pages itself (`add_init_script`)
        # saves sending it to every page again.
        if not page.evaluate("() => typeof window.axe?.run === 'function'"):
            page.add_script_tag(path=str(AXE_PATH))
        return page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],  // passes and the rest are not read
                });
                return results.violations;
            }""",
            list(tags),
        )

    return check_axe


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        reachable = bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        problem = "PING returned false"
    except ImportError:
        reachable, problem = False, "the redis package is not installed"
    except (redis.RedisError, OSError) as error:
        reachable, problem = False, str(error)
    require(reachable, f"Redis at {url} is not reachable: {problem}")
    return url


@pytest.fixture
def postgres_required() -> None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    require(
        "postgresql" in engine,
        f"needs PostgreSQL, but DATABASES['default'] uses {engine} (set DATABASE_URL)",
    )


@pytest.fixture
def screenshot_dir() -> Path:
    """Where browser tests save screenshots for a person to look at (git-ignored)."""
    path = REPO_ROOT / "test-artefacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


#: Data migrations whose rows every test may rely on, with the model that shows they ran.
REFERENCE_DATA = [
    ("accounts.migrations.0002_reference_data", "accounts", "PolicingBody"),
    ("reminders.migrations.0002_default_policy", "reminders", "ReminderRule"),
    ("inspections.migrations.0008_themes_reference_data", "inspections", "Theme"),
]


def ensure_reference_data() -> None:
    """Load the data migrations' rows again if the database has lost them.

    A transactional test (live server, Celery worker, concurrency) empties every table when it
    ends, including the rows data migrations loaded. pytest-django runs those tests after all
    the others, so this reloads them only where they can be missing: two cheap queries a test.
    """
    from importlib import import_module

    from django.apps import apps

    for module, app_label, model_name in REFERENCE_DATA:
        if not apps.get_model(app_label, model_name).objects.exists():
            import_module(module).load(apps, None)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in English, as every request and task does: a Welsh page fetched by an
    earlier test leaves Welsh active in the thread, and `reverse` would then give /cy/ paths."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Every test with database access sees the reference data (forces, offices, policy)."""
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")
        ensure_reference_data()
        return
    for name in ("transactional_db", "live_server", "db"):
        if name in request.fixturenames:
            request.getfixturevalue("transactional_db" if name == "live_server" else name)
            ensure_reference_data()
            return


@contextlib.contextmanager
def tasks_inline() -> Iterator[None]:
    """The broker is the outer edge: what a worker would do after a commit (run an event's
    subscribers, send the stored emails and the correction notices) runs here, in this process, when the on_commit
    callbacks run (`django_capture_on_commit_callbacks(execute=True)` or a real commit). A
    failure is recorded on its row and not raised, as in a worker."""
    from unittest import mock

    from core import events, outbox
    from reminders import services as reminder_services

    # Each stand-in does the work inline only while this block is open, and otherwise hands
    # over to what it replaced. A test's `monkeypatch` of the same function, undone after this
    # block has closed (fixtures tear down in an order the test does not choose), may put a
    # stand-in back for good: it must then behave like the real function, or every later test
    # that sends its tasks to a real worker (marked `broker`) would run them here instead.
    active = {"on": True}
    real_enqueue = events.enqueue
    real_enqueue_emails = outbox.enqueue_emails
    real_enqueue_notices = reminder_services.enqueue_correction_notices

    def run_deliveries(delivery_ids) -> None:
        if not active["on"]:
            real_enqueue(delivery_ids)
            return
        for delivery_id in delivery_ids:
            with contextlib.suppress(Exception):
                events.delivery_run(delivery_id=delivery_id)

    def send_emails(email_ids) -> None:
        if not active["on"]:
            real_enqueue_emails(email_ids)
            return
        for email_id in email_ids:
            with contextlib.suppress(*outbox.MAIL_ERRORS):
                outbox.email_send(email_id=email_id)

    def send_correction_notices(notice_ids) -> None:
        if not active["on"]:
            real_enqueue_notices(notice_ids)
            return
        for notice_id in notice_ids:
            with contextlib.suppress(*outbox.MAIL_ERRORS):
                reminder_services.correction_notice_send(notice_id=notice_id)

    try:
        with (
            mock.patch.object(events, "enqueue", run_deliveries),
            mock.patch.object(outbox, "enqueue_emails", send_emails),
            mock.patch.object(
                reminder_services, "enqueue_correction_notices", send_correction_notices
            ),
        ):
            yield
    finally:
        active["on"] = False


@pytest.fixture(autouse=True)
def _tasks_run_inline(request: pytest.FixtureRequest) -> Iterator[None]:
    """`tasks_inline` for every test, except those marked `broker`, which send the tasks to a
    real broker and real workers (tests/core/test_reliability.py)."""
    if request.node.get_closest_marker("broker") or not _django_ready():
        yield
        return
    # The project's Celery app is the one tasks bind to (`shared_task`, `current_app`): a test
    # that started a worker or pointed an app at its own broker must not leave another app
    # current, or a later test's `.delay` would ignore its settings (task_always_eager) and go
    # to a connection pool that test closed.
    from config.celery import app as celery_app

    celery_app.set_current()
    celery_app.set_default()
    with tasks_inline():
        yield


def _django_ready() -> bool:
    try:
        from django.apps import apps

        return apps.ready
    except Exception:  # Django is not set up (pytest -p no:django)
        return False

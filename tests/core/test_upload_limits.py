"""Request bodies are limited before the application reads them (core/uploads.py).

The live test sends a real 200 MB body, streamed, to gunicorn (the production server) and
measures that the worker's peak memory and the temporary folder do not grow with it, and that
the person gets the 413 page. The others check each view's limit through the test client."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import RequestFactory

from core.uploads import LimitedUploadHandler
from tests.conftest import REPO_ROOT

MB = 1024 * 1024
BODY_BYTES = 200 * MB
#: Growth allowed for the worker's peak memory and the temporary folder: far below the body.
TOLERANCE = 20 * MB


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _peak_rss(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _folder_bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(FileNotFoundError):  # a temporary file removed meanwhile
            total += path.stat().st_size if path.is_file() else 0
    return total


@contextlib.contextmanager
def _gunicorn(tmp_path, **env_overrides):
    """gunicorn with one sync worker, its temporary files in a folder of the test's own;
    yields (port, worker pid, temporary folder) once it answers."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "S55_VAR_DIR": str(tmp_path / "var"),
        "S55_MEDIA_ROOT": str(tmp_path / "media"),
        **env_overrides,
    }
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--timeout=120",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    if probe.recv(64):
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        (worker,) = _children(server.pid)
        yield port, worker, temp
    finally:
        server.terminate()
        server.wait(timeout=30)


def _post_streamed(port: int, path: str, body_bytes: int, *, cookie: str = "") -> tuple[int, bytes]:
    """POST a multipart body of `body_bytes` with one file, written in 1 MB pieces as a browser
    would, then read the answer."""
    boundary = "----s55boundary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="huge.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    file_bytes = body_bytes - len(head) - len(tail)
    request = (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {body_bytes}\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n"
    ).encode()
    chunk = b"%PDF-" + b"a" * (MB - 5)
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(request + head)
        sent = 0
        while sent < file_bytes:
            piece = chunk[: min(MB, file_bytes - sent)]
            sock.sendall(piece)
            sent += len(piece)
        sock.sendall(tail)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    status = int(answer.split(b" ", 2)[1])
    return status, answer.partition(b"\r\n\r\n")[2]


def _refused_without_growth(port: int, worker: int, temp: Path, path: str, cookie: str = ""):
    """Send 200 MB to `path`; check the 413 page came back and that neither the worker's peak
    memory nor the temporary folder grew anywhere near the body's size meanwhile."""
    _post_streamed(port, path, 10_000, cookie=cookie)  # warm up: templates, imports
    peak_before = _peak_rss(worker)
    largest_temp = 0
    done = threading.Event()

    def watch_temp():
        nonlocal largest_temp
        while not done.is_set():
            largest_temp = max(largest_temp, _folder_bytes(temp))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch_temp)
    watcher.start()
    try:
        status, page = _post_streamed(port, path, BODY_BYTES, cookie=cookie)
    finally:
        done.set()
        watcher.join()

    assert status == 413
    assert b"What you sent is too large" in page
    assert b"Nothing you sent has been saved" in page
    assert _peak_rss(worker) - peak_before < TOLERANCE
    assert largest_temp < TOLERANCE
    assert _folder_bytes(temp) == 0


@pytest.mark.parametrize(
    "path",
    ["/tracker/1/updates/new/", "/import/", "/accounts/office/branding/", "/reports/1/edit/"],
)
def test_a_200_mb_body_is_refused_without_growing_memory_or_disk(tmp_path, path):
    with _gunicorn(tmp_path) as (port, worker, temp):
        _refused_without_growth(port, worker, temp, path)


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_drafters_200_mb_of_evidence_is_refused_the_same_way(
    postgres_required, tmp_path, client
):
    """The real case: a drafter adding an update with evidence to their own tracker item, on
    gunicorn sharing the test database (PostgreSQL) so the session and the item are real."""
    from django.conf import settings
    from django.db import connection

    from accounts.models import Membership
    from tests.factories import RecommendationFactory, ReportFactory, office_user, policing_body
    from tracking.services import tracker_item_create

    norfolk = policing_body("norfolk-pcc")
    drafter = office_user(norfolk, Membership.Role.OPCC_DRAFTER)
    finding = RecommendationFactory(report=ReportFactory(forces=[norfolk.force]))
    item = tracker_item_create(finding=finding, policing_body=norfolk, acting_user=drafter)
    client.force_login(drafter)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )

    with _gunicorn(tmp_path, DATABASE_URL=url) as (port, worker, temp):
        _refused_without_growth(port, worker, temp, f"/tracker/{item.pk}/updates/new/", cookie)

    assert not item.updates.exists()


# --- Each view's limit, through the test client ------------------------------------------------


@pytest.mark.django_db
def test_evidence_over_the_request_limit_is_refused_before_the_form_sees_it(client, settings):
    from tests.factories import office_user, policing_body

    settings.S55_EVIDENCE_MAX_REQUEST_BYTES = 50_000
    client.force_login(office_user(policing_body("norfolk-pcc")))

    response = client.post(
        "/tracker/999/updates/new/",
        {"files": SimpleUploadedFile("big.pdf", b"%PDF-" + b"a" * 60_000)},
    )

    assert response.status_code == 413
    assert "Choose fewer or smaller evidence files" in response.content.decode()


@pytest.mark.django_db
def test_other_pages_take_at_most_the_default_body(client, settings):
    settings.S55_REQUEST_MAX_BYTES = 10_000

    response = client.post("/accounts/sign-in/", {"username": "x" * 20_000, "password": "y"})

    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()


def test_the_handler_counts_the_bytes_it_receives_whatever_was_declared():
    handler = LimitedUploadHandler(RequestFactory().post("/"), max_bytes=1000)
    handler.handle_raw_input(None, {}, content_length=10, boundary=b"x")
    handler.new_file("files", "a.pdf", "application/pdf", 10)

    assert handler.receive_data_chunk(b"a" * 600, 0) == b"a" * 600
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"a" * 600, 600)
    assert handler.too_big


def test_the_handler_stops_one_file_over_its_own_limit():
    handler = LimitedUploadHandler(RequestFactory().post("/"), max_bytes=10_000, max_file_bytes=500)
    handler.new_file("upload", "a.txt", "text/plain", None)

    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"a" * 501, 0)


def test_the_development_server_shows_the_413_page_too(live_server):
    """`make run` and the browser tests use Django's own server, which refuses responses that
    carry hop-by-hop headers: the refusal must be a plain page there as well."""
    port = int(live_server.url.rsplit(":", 1)[1])

    status, page = _post_streamed(port, "/reports/1/edit/", 5 * MB)

    assert status == 413
    assert b"What you sent is too large" in page

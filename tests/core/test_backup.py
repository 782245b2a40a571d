"""The backup and restore drill: a populated instance is backed up (`manage.py backup`),
restored (`manage.py restore`) into a new empty database and an empty media folder, and the
restored instance holds every row, file and frozen PDF with the same SHA-256 and serves them.

PostgreSQL only (pg_dump and pg_restore); the restore database is this test database's name
with `_restore`, so parallel runs and other checkouts never share it.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from core.backup import DUMP, MANIFEST, MEDIA, BackupError, backup_restore, file_sha256
from responses import pdf
from responses.demo import build_demo
from responses.models import Response, ResponseVersion
from responses.pdf import version_freeze
from tests.conftest import REPO_ROOT
from tests.tracking.conftest import pdf_bytes, upload
from tracking.models import EvidenceFile, TrackerItem
from tracking.services import progress_update_add

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

#: Run in the restored instance: sign in as a member of staff, fetch each URL, print
#: {url: [status, SHA-256 of the body]}.
SERVE = """
import hashlib, json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
check = json.loads(sys.argv[1])
client = Client()
client.force_login(get_user_model().objects.get(username=check["username"]))
served = {}
for url in check["urls"]:
    page = client.get(url)
    body = b"".join(page.streaming_content) if page.streaming else page.content
    served[url] = [page.status_code, hashlib.sha256(body).hexdigest(), body[:200000].decode("utf-8", "replace")]
print(json.dumps(served))
"""


def table_digests(cursor) -> dict[str, tuple[int, str]]:
    """{table: (rows, MD5 of every row's text in order)} for every table of the database."""
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    digests = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "  # noqa: S608
            f"FROM {table} t"
        )
        digests[table] = tuple(cursor.fetchone())
    return digests


@pytest.fixture
def restore_database(postgres_required):
    """A new, empty database beside the test database, dropped afterwards."""
    source = connection.settings_dict
    name = f"{source['NAME']}_restore"
    admin = _conninfo(source, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _conninfo(settings_dict, name: str) -> str:
    parts = {
        "dbname": name,
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
    }
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items() if v})


def _database_url(settings_dict, name: str) -> str:
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def _run(*arguments: str, environment: dict) -> subprocess.CompletedProcess:
    """This interpreter in its own process (`manage.py restore` as an operator runs it, or the
    serving script) with the restored instance's settings."""
    return subprocess.run(  # noqa: S603 - this interpreter, our own arguments
        [sys.executable, *arguments],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _populate(media: Path) -> dict:
    """The demo (responses, history, a logo) with its published versions' PDFs frozen and an
    evidence file on a tracker item; returns what the restored instance must serve."""
    build_demo(password="demo-password-123")
    for version in ResponseVersion.objects.all():
        version_freeze(version_id=version.pk)
    response = Response.objects.get(report__title__startswith="Norfolk Constabulary Crime Data")
    item = TrackerItem.objects.filter(policing_body=response.policing_body).first()
    drafter = get_user_model().objects.get(username="drafter")
    update = progress_update_add(
        item=item,
        acting_user=drafter,
        text="Audit of crime recording completed; report attached.",
        files=[upload("audit.pdf", pdf_bytes(), "application/pdf")],
    )
    evidence = update.evidence.get()
    version = response.versions.get(number=1)
    assert version.pdf_sha256 and EvidenceFile.objects.count() == 1
    assert (media / response.policing_body.logo.name).is_file()
    return {
        "username": "drafter",
        "response_page": f"/responses/{response.pk}/",
        "history_tab": f"/responses/{response.pk}/history/",
        "version_pdf": f"/pdf/responses/{response.pk}/versions/1.pdf",
        "evidence": f"/tracker/evidence/{evidence.pk}/",
        "pdf_sha256": version.pdf_sha256,
        "evidence_sha256": evidence.sha256,
        "title": response.report.title,
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_and_serves_every_row_file_and_frozen_pdf(
    settings, tmp_path, monkeypatch, restore_database
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.PASSWORD_HASHERS = FAST_HASHER
    # The PDFs are frozen here, not by a Celery worker (publication's subscriber would queue them).
    monkeypatch.setattr(pdf, "enqueue_task", lambda name, *args: None)
    expected = _populate(media)
    with connection.cursor() as cursor:
        source_tables = table_digests(cursor)
    source_files = {
        path.relative_to(media).as_posix(): file_sha256(path)
        for path in media.rglob("*")
        if path.is_file()
    }

    call_command("backup", to=tmp_path / "backups")
    (backup,) = (tmp_path / "backups").iterdir()
    assert {path.name for path in backup.iterdir()} == {DUMP, MEDIA, MANIFEST}

    restored_media = tmp_path / "restored-media"
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "DATABASE_URL": _database_url(connection.settings_dict, restore_database),
        "S55_MEDIA_ROOT": str(restored_media),
    }
    restore = _run("manage.py", "restore", str(backup), environment=environment)
    assert restore.returncode == 0, restore.stderr
    assert "stored SHA-256 checked" in restore.stdout

    # Every table, row for row; every stored file, byte for byte.
    with psycopg.connect(_conninfo(connection.settings_dict, restore_database)) as conn:
        restored_tables = table_digests(conn.cursor())
    assert restored_tables == source_tables
    assert source_tables["public.responses_response"][0] >= 3
    assert source_tables["public.responses_historicalresponse"][0] > 0
    restored_files = {
        path.relative_to(restored_media).as_posix(): file_sha256(path)
        for path in restored_media.rglob("*")
        if path.is_file()
    }
    assert restored_files == source_files
    assert any(name.startswith("evidence/") for name in restored_files)
    assert any(name.startswith("logos/") for name in restored_files)

    # The restored instance serves them.
    urls = [expected[key] for key in ("response_page", "history_tab", "version_pdf", "evidence")]
    served = _run(
        "-c",
        SERVE,
        json.dumps({"username": expected["username"], "urls": urls}),
        environment=environment,
    )
    assert served.returncode == 0, served.stderr
    pages = json.loads(served.stdout.strip().splitlines()[-1])
    assert {url: page[0] for url, page in pages.items()} == dict.fromkeys(urls, 200)
    assert expected["title"] in pages[expected["response_page"]][2]
    assert pages[expected["version_pdf"]][1] == expected["pdf_sha256"]
    assert pages[expected["evidence"]][1] == expected["evidence_sha256"]

    # Never over a database that has data in it.
    elsewhere = {**environment, "S55_MEDIA_ROOT": str(tmp_path / "other-media")}
    again = _run("manage.py", "restore", str(backup), environment=elsewhere)
    assert again.returncode != 0
    assert "is not empty" in again.stderr


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    backup = tmp_path / "section55-20260101T000000Z"
    backup.mkdir()
    (backup / DUMP).write_bytes(b"not the dump that was made")
    (backup / MEDIA).write_bytes(b"")
    manifest = {
        "format": 1,
        "database": {"file": DUMP, "sha256": hashlib.sha256(b"the dump").hexdigest()},
        "media": {"file": MEDIA, "sha256": hashlib.sha256(b"").hexdigest(), "files": {}},
    }
    (backup / MANIFEST).write_text(json.dumps(manifest))

    with pytest.raises(BackupError, match="does not match its SHA-256"):
        backup_restore(backup)

"""Backup and restore of everything the service keeps: the PostgreSQL database and the stored
files under MEDIA_ROOT (evidence files, office logos). Frozen PDFs and HTML snapshots of
published responses and the panel packs are rows in the database, each beside its SHA-256.

A backup is one folder, `section55-<UTC time>/`:

- `database.pgdump`: `pg_dump --format=custom` of the whole database;
- `media.tar`: every file under MEDIA_ROOT, taken *after* the dump, so every file a dumped row
  names is in it (evidence is append-only; a file added meanwhile is harmless);
- `manifest.json`: the SHA-256 of those two files and of every stored file.

`backup_restore` refuses a backup whose files do not match its manifest and a target that is
not empty, restores the dump in one transaction, unpacks the files, then checks every file
against the manifest and every stored hash in the database against its bytes
(`stored_hashes_check`). Operators run `manage.py backup` and `manage.py restore`;
docs/operations.md gives the recovery steps and how long they take.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models

DUMP = "database.pgdump"
MEDIA = "media.tar"
MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreSummary:
    tables: int
    rows: int
    files: int
    hashes_checked: int
    seconds: float


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_environment() -> dict:
    """libpq's variables for the default database (no password on a command line)."""
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        raise BackupError(
            f"backups need PostgreSQL (DATABASE_URL), not {database['ENGINE']}; with SQLite "
            "(`make run`) copy var/ while the service is stopped"
        )
    variables = {
        "PGDATABASE": database["NAME"],
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
    }
    return {**os.environ, **{name: value for name, value in variables.items() if value}}


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, arguments built here
        command, env=_pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def backup_create(*, to: Path) -> Path:
    """Write a backup folder under `to` and return it."""
    started = datetime.now(UTC)
    folder = Path(to) / f"section55-{started:%Y%m%dT%H%M%SZ}"
    folder.mkdir(parents=True, exist_ok=False)
    try:
        _run(["pg_dump", "--format=custom", f"--file={folder / DUMP}"])
        media_root = Path(settings.MEDIA_ROOT)
        files = {}
        with tarfile.open(folder / MEDIA, "w") as archive:
            for path in _media_files(media_root):
                relative = path.relative_to(media_root).as_posix()
                files[relative] = file_sha256(path)
                archive.add(path, arcname=relative, recursive=False)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # never leave a backup without its manifest
        raise

    manifest = {
        "format": FORMAT,
        "created_at": started.isoformat(),
        "database": {"file": DUMP, "sha256": file_sha256(folder / DUMP)},
        "media": {"file": MEDIA, "sha256": file_sha256(folder / MEDIA), "files": files},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return folder


def backup_verify(folder: Path) -> dict:
    """The manifest of a backup whose dump and archive match it, or BackupError."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} has no readable {MANIFEST}: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder / MANIFEST} is not a backup manifest of format {FORMAT}")
    for part in ("database", "media"):
        path = folder / manifest[part]["file"]
        if not path.is_file() or file_sha256(path) != manifest[part]["sha256"]:
            raise BackupError(f"{path} is missing or does not match its SHA-256 in the manifest")
    return manifest


def _user_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def _hashed_fields():
    """(model, field, hash field name) for every stored content with its SHA-256 beside it:
    a binary or file field with a `<name>_sha256` sibling (the frozen PDFs of response versions
    and panel packs), and a file field of a model with a `sha256` field (evidence files)."""
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if isinstance(field, models.BinaryField | models.FileField):
                if f"{field.name}_sha256" in names:
                    yield model, field, f"{field.name}_sha256"
                elif isinstance(field, models.FileField) and "sha256" in names:
                    yield model, field, "sha256"


def stored_hashes_check() -> tuple[int, list[str]]:
    """(hashes checked, problems): every stored hash in the database against its bytes (in the
    row, or the file under MEDIA_ROOT). No problems means every one holds."""
    checked, problems = 0, []
    for model, field, hash_name in _hashed_fields():
        rows = model._base_manager.exclude(**{hash_name: ""}).values_list(
            "pk", field.name, hash_name
        )
        for pk, value, expected in rows.iterator(chunk_size=100):
            checked += 1
            label = f"{model._meta.label} {pk} {field.name}"
            if isinstance(field, models.FileField):
                path = Path(settings.MEDIA_ROOT) / value
                if not path.is_file():
                    problems.append(f"{label}: {value} is missing")
                    continue
                actual = file_sha256(path)
            else:
                actual = hashlib.sha256(bytes(value or b"")).hexdigest()
            if actual != expected:
                problems.append(f"{label}: SHA-256 {actual} is not the stored {expected}")
    return checked, problems


def backup_restore(folder: Path) -> RestoreSummary:
    """Restore a backup into the (empty) configured database and (empty) MEDIA_ROOT."""
    started = time.monotonic()
    folder = Path(folder)
    manifest = backup_verify(folder)
    if _user_tables():
        raise BackupError(
            f"the database {settings.DATABASES['default']['NAME']} is not empty: restore into a "
            "new, empty database (createdb), never over a live one"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} (MEDIA_ROOT) is not empty: restore into an empty folder")

    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(folder / DUMP),
        ]
    )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA) as archive:
        archive.extractall(media_root, filter="data")

    expected = manifest["media"]["files"]
    found = {path.relative_to(media_root).as_posix(): path for path in _media_files(media_root)}
    problems = [f"media/{name} is missing" for name in expected if name not in found]
    problems += [
        f"media/{name} does not match its SHA-256 in the manifest"
        for name, path in found.items()
        if name in expected and file_sha256(path) != expected[name]
    ]
    checked, mismatches = stored_hashes_check()
    problems += mismatches
    if problems:
        raise BackupError("the restored data does not check out:\n  " + "\n  ".join(problems))

    tables = _user_tables()
    with connection.cursor() as cursor:
        rows = 0
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - names from pg_tables
            rows += cursor.fetchone()[0]
    return RestoreSummary(
        tables=len(tables),
        rows=rows,
        files=len(found),
        hashes_checked=checked,
        seconds=time.monotonic() - started,
    )

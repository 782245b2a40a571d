"""python manage.py backup [--to FOLDER]: the database and the stored files, with a manifest.

See core/backup.py for what a backup holds and docs/operations.md for the recovery steps.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the PostgreSQL database and MEDIA_ROOT into a new folder with a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            type=Path,
            default=Path(settings.VAR_DIR) / "backups",
            help="Folder in which the backup folder is created (default: var/backups).",
        )

    def handle(self, *args, to: Path, **options):
        try:
            folder = backup_create(to=to)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(folder.as_posix())

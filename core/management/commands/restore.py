"""python manage.py restore FOLDER: a backup into an empty database and an empty MEDIA_ROOT.

Refuses a backup that does not match its manifest and a target that is not empty; checks
every restored file and every stored hash before saying it is done. See docs/operations.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder (manage.py backup) into an empty database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup folder (section55-...).")

    def handle(self, *args, folder: Path, **options):
        try:
            summary = backup_restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.tables} tables ({summary.rows} rows) and {summary.files} files; "
            f"{summary.hashes_checked} stored SHA-256 checked; {summary.seconds:.1f} s."
        )

"""Covering indexes on the columns lists sort findings by, on PostgreSQL only.

The tracker lists an office's items in its reports' order (newest report first, then title,
then the recommendation's position). Finding one page sorts every one of the office's items
(4,550 at national scale) by those columns, looking up each item's finding and report by key.
With the sort columns inside the primary-key lookups' indexes, PostgreSQL reads them from the
index alone (an index-only scan) instead of each finding's and report's row: the tracker
list's key query took about 40% less time (bench/staff_load.py, docs/benchmarks.md).

Created here by hand rather than declared in the models' Meta: `INCLUDE` columns are
PostgreSQL's, and SQLite (the zero-setup default) needs no such index.
"""

from django.db import migrations

INDEXES = {
    "inspections_finding_sort_keys": "inspections_finding (id) INCLUDE (report_id, position)",
    "inspections_report_sort_keys": "inspections_report (id) INCLUDE (published_on, title)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("inspections", "0010_one_record_per_shared_report")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]

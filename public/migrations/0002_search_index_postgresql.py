"""The GIN index on the stored search vector, on PostgreSQL only.

A GIN index is PostgreSQL syntax; SQLite (the zero-setup default) searches with icontains and
needs none, so the index is created here by hand rather than declared in the model's Meta (which
would emit `USING gin` on SQLite too). See docs/benchmarks.md for why the stored vector and this
index are needed for the search target.
"""

from django.db import migrations

INDEX = "public_pr_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON public_publishedresponse "
            "USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("public", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

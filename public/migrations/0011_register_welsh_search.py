"""The register's search finds Welsh words: each item's stored vector takes in its Welsh
explanation word for word ('simple': PostgreSQL has no Welsh stemmer), as
`public.services.item_search_vector_expression` now builds it. Items copied before this
migration with a Welsh explanation get the new vector here; PostgreSQL only (SQLite searches
the text columns)."""

from django.db import migrations


def refresh_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE public_publisheditem SET search_vector = "
        "setweight(to_tsvector('english', coalesce(report_title, '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(text, '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(explanation, '')), 'B') || "
        "setweight(to_tsvector('simple', coalesce(explanation_cy, '')), 'B') "
        "WHERE explanation_cy <> ''"
    )


class Migration(migrations.Migration):
    dependencies = [("public", "0010_register_body_order")]

    operations = [migrations.RunPython(refresh_vectors, migrations.RunPython.noop)]

"""The recommendation register's columns on each published item (public/register.py).

The body, report, report date and type are copied from the item's record, the timescale's kind
and target date from the finding, and the public status and latest public update date from the
tracker as `tracking.publicity` has it (the pure rule, on this migration's models); every later
refresh and tracker change keeps them up to date (`public.services`).
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from tracking import publicity

STATUS_CHOICES = [
    ("open", "Open"),
    ("in_progress", "In progress"),
    ("pending_sign_off", "Pending sign-off"),
    ("complete", "Complete"),
    ("superseded", "Superseded"),
    ("not_accepted", "Not accepted"),
]


def fill(apps, schema_editor):
    PublishedItem = apps.get_model("public", "PublishedItem")
    PublishedResponse = apps.get_model("public", "PublishedResponse")
    Finding = apps.get_model("inspections", "Finding")
    TrackerItem = apps.get_model("tracking", "TrackerItem")
    ProgressUpdate = apps.get_model("tracking", "ProgressUpdate")
    for record in PublishedResponse.objects.all().iterator():
        items = list(PublishedItem.objects.filter(record=record))
        findings = {
            f.pk: f for f in Finding.objects.filter(pk__in=[i.finding_id for i in items if i.finding_id])
        }
        tracked = {
            t.finding_id: t
            for t in TrackerItem.objects.filter(
                policing_body_id=record.policing_body_id, finding__report_id=record.report_id
            )
        }
        updates = list(
            ProgressUpdate.objects.filter(item__in=[t.pk for t in tracked.values()])
            .annotate(decision=models.F("public_proposal__decision"))
            .order_by("date", "created_at", "id")
        )
        decisions = {u.pk: u.decision for u in updates if u.decision}
        for item in items:
            item.response_id = record.response_id
            item.report_title = record.report_title
            item.report_url = record.report_url
            item.policing_body_id = record.policing_body_id
            item.report_id = record.report_id
            item.report_published_on = record.report_published_on
            item.report_type = record.report_type
            finding = findings.get(item.finding_id)
            if finding is not None:
                item.timescale_kind = finding.timescale_kind
                item.target_date = finding.target_date
            tracker_item = tracked.get(item.finding_id)
            if tracker_item is not None:
                mine = [u for u in updates if u.item_id == tracker_item.pk]
                item.public_status = publicity.public_status(mine, decisions).value
                shown = publicity.public_updates(mine, decisions)
                item.last_public_update_on = max((u.date for u in shown), default=None)
        PublishedItem.objects.bulk_update(
            items,
            [
                "response",
                "report_title",
                "report_url",
                "policing_body",
                "report",
                "report_published_on",
                "report_type",
                "timescale_kind",
                "target_date",
                "public_status",
                "last_public_update_on",
            ],
        )


SEARCH_INDEX = "public_item_search_gin"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON public_publisheditem "
            "USING gin (search_vector)"
        )
        # The stored vector of every item copied before this migration.
        schema_editor.execute(
            "UPDATE public_publisheditem SET search_vector = "
            "setweight(to_tsvector('english', coalesce(report_title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(text, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(explanation, '')), 'B')"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("inspections", "0001_initial"),
        ("tracking", "0004_force_public_proposals"),
        ("responses", "0001_initial"),
        ("public", "0007_welsh_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="publisheditem",
            name="response",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="responses.response",
            ),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="report_title",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="report_url",
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="policing_body",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.policingbody",
            ),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="report",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inspections.report",
            ),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="report_published_on",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="report_type",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="timescale_kind",
            field=models.CharField(
                choices=[
                    ("none", "None given"),
                    ("immediate", "Immediately"),
                    ("within_period", "Within a period"),
                    ("by_date", "By a date"),
                    ("unrecognised", "Not recognised"),
                ],
                default="none",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="target_date",
            field=models.DateField(
                blank=True,
                help_text="From the timescale as published (inspections.timescales).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="public_status",
            field=models.CharField(blank=True, choices=STATUS_CHOICES, max_length=20),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="last_public_update_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="publisheditem",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="publisheditem",
            name="response",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="responses.response",
            ),
        ),
        migrations.AlterField(
            model_name="publisheditem",
            name="report_title",
            field=models.CharField(max_length=300),
        ),
        migrations.AlterField(
            model_name="publisheditem",
            name="policing_body",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.policingbody",
            ),
        ),
        migrations.AlterField(
            model_name="publisheditem",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inspections.report",
            ),
        ),
        migrations.AlterField(
            model_name="publisheditem",
            name="report_published_on",
            field=models.DateField(),
        ),
        migrations.AlterField(
            model_name="publisheditem",
            name="report_type",
            field=models.CharField(
                choices=[
                    ("peel", "PEEL inspection"),
                    ("peel_spotlight", "PEEL spotlight report"),
                    ("cdi", "Crime data integrity"),
                    ("thematic", "National thematic inspection"),
                    ("joint", "Joint inspection"),
                    ("child_protection", "Child protection inspection"),
                    ("custody", "Custody inspection"),
                    ("state_of_policing", "State of Policing"),
                    ("commissioned", "Commissioned inspection"),
                    ("accelerated_coc", "Accelerated cause of concern letter"),
                    ("fire", "Fire and rescue inspection"),
                    ("other", "Other"),
                ],
                max_length=30,
            ),
        ),
        migrations.AddIndex(
            model_name="publisheditem",
            index=models.Index(
                fields=["-report_published_on", "record", "position", "id"],
                name="public_item_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="publisheditem",
            index=models.Index(
                fields=["policing_body", "-report_published_on"], name="public_item_body"
            ),
        ),
        migrations.AddIndex(
            model_name="publisheditem",
            index=models.Index(fields=["report", "finding"], name="public_item_report"),
        ),
        migrations.AddIndex(
            model_name="publisheditem",
            index=models.Index(fields=["public_status", "target_date"], name="public_item_status"),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
        # The register's cache stamp reads the newest progress change (public.register).
        migrations.AlterField(
            model_name="publishedresponse",
            name="progress_changed_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
    ]

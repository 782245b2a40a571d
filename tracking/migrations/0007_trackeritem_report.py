"""Each tracker item keeps its finding's report (`TrackerItem.report`), so that the tracker
list's default order (reports newest first) counts an office's items by report from an index
of the items alone (`tracking.selectors.ReportOrderKeys`, docs/decisions/0014)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def copy_reports(apps, schema_editor):
    TrackerItem = apps.get_model("tracking", "TrackerItem")
    Finding = apps.get_model("inspections", "Finding")
    TrackerItem.objects.update(
        report_id=Subquery(Finding.objects.filter(pk=OuterRef("finding_id")).values("report_id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0011_sort_key_indexes_postgresql"),
        ("tracking", "0006_progress_redaction"),
    ]

    operations = [
        migrations.AddField(
            model_name="trackeritem",
            name="report",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inspections.report",
            ),
        ),
        migrations.RunPython(copy_reports, migrations.RunPython.noop, elidable=False),
    ]

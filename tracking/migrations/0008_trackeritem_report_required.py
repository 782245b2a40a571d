"""`TrackerItem.report` is required, and indexed with the item's office for the tracker list
(set for every item by 0007, in a transaction of its own: PostgreSQL will not alter a table
with the foreign-key checks of that update still pending)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("tracking", "0007_trackeritem_report")]

    operations = [
        migrations.AlterField(
            model_name="trackeritem",
            name="report",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="inspections.report",
            ),
        ),
        migrations.AddIndex(
            model_name="trackeritem",
            index=models.Index(
                condition=Q(tracked_with__isnull=True),
                fields=["policing_body", "report"],
                name="tracker_item_body_report",
            ),
        ),
    ]

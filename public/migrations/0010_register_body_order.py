"""One body's register rows in the register's order, from the index: the page's ids and the
CSV's rows without a sort (bench/register_bench.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0009_email_subscriptions"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="publisheditem", name="public_item_body"),
        migrations.AddIndex(
            model_name="publisheditem",
            index=models.Index(
                fields=["policing_body", "-report_published_on", "record", "position", "id"],
                name="public_item_body_newest",
            ),
        ),
    ]

"""Derive every recommendation's timescale again from its text with the current rules:
"immediately" now has no target date, and "not later than <date>" is read as a date.

The timescale text is kept as written; only the kind and date derived from it change, as
`finding_derive_timescale` would set them on the next save. Reversing leaves them as they are.
"""

from django.db import migrations

from inspections.timescales import parse_timescale


def rederive(apps, schema_editor):
    Finding = apps.get_model("inspections", "Finding")
    changed = []
    for finding in Finding.objects.filter(kind="recommendation").select_related("report"):
        parsed = parse_timescale(finding.timescale_text, published_on=finding.report.published_on)
        if (finding.timescale_kind, finding.target_date) != (str(parsed.kind), parsed.target_date):
            finding.timescale_kind = str(parsed.kind)
            finding.target_date = parsed.target_date
            changed.append(finding)
    Finding.objects.bulk_update(changed, ["timescale_kind", "target_date"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_history_reason_of_any_length")]

    operations = [migrations.RunPython(rederive, migrations.RunPython.noop)]

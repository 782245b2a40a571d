"""Each policing body's scrutiny body as data (PolicingBody.scrutiny_body_name), filled for the
43 bodies from accounts/reference_data.py, and South Yorkshire's holder title corrected.

Keeps what offices changed: a scrutiny body name is filled only where it is blank, and South
Yorkshire's title only where it still reads as loaded in 0002. History rows of a body get the
name too, so a response version rendered "as it stood when published" names the body.
"""

from django.db import migrations, models

#: (slug, title as first loaded, title now): see docs/reference-data.md.
TITLE_CORRECTIONS = [
    ("south-yorkshire-mayor", "Deputy Mayor for Policing and Crime", "Mayor of South Yorkshire"),
]


def fill(apps, schema_editor):
    from accounts.reference_data import FORCES

    names = {entry["body"]["slug"]: entry["body"]["scrutiny_body_name"] for entry in FORCES}
    for model in ("PolicingBody", "HistoricalPolicingBody"):
        Model = apps.get_model("accounts", model)
        for slug, name in names.items():
            Model.objects.filter(slug=slug, scrutiny_body_name="").update(scrutiny_body_name=name)
    PolicingBody = apps.get_model("accounts", "PolicingBody")
    for slug, old, new in TITLE_CORRECTIONS:
        PolicingBody.objects.filter(slug=slug, holder_title=old).update(holder_title=new)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_history_reason_of_any_length'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpolicingbody',
            name='scrutiny_body_name',
            field=models.CharField(blank=True, help_text="The body that scrutinises this one and is sent its responses, e.g. 'Norfolk Police and Crime Panel', 'Essex Police, Fire and Crime Panel' or 'London Assembly Police and Crime Committee'. Blank where there is none (the City of London: the Common Council is itself the body).", max_length=200),
        ),
        migrations.AddField(
            model_name='policingbody',
            name='scrutiny_body_name',
            field=models.CharField(blank=True, help_text="The body that scrutinises this one and is sent its responses, e.g. 'Norfolk Police and Crime Panel', 'Essex Police, Fire and Crime Panel' or 'London Assembly Police and Crime Committee'. Blank where there is none (the City of London: the Common Council is itself the body).", max_length=200),
        ),
        migrations.AlterField(
            model_name='historicalpolicingbody',
            name='panel_email',
            field=models.EmailField(blank=True, help_text="The scrutiny body's address.", max_length=254),
        ),
        migrations.AlterField(
            model_name='policingbody',
            name='panel_email',
            field=models.EmailField(blank=True, help_text="The scrutiny body's address.", max_length=254),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

"""Load the 43 territorial police forces, their local policing bodies and the s55(6) recipients.

Idempotent (update_or_create by slug/code), so it can also refresh the data. Tests reload it
with the current models when a transactional test has emptied the tables.
"""

from django.db import migrations


def load(apps, schema_editor):
    from accounts.reference_data import FORCES, STATUTORY_RECIPIENTS

    Force = apps.get_model("accounts", "Force")
    PolicingBody = apps.get_model("accounts", "PolicingBody")
    StatutoryRecipient = apps.get_model("accounts", "StatutoryRecipient")
    for entry in FORCES:
        # As for the bodies below: only the keys the model has a field for (the Welsh names
        # came with 0013).
        force_fields = {f.name for f in Force._meta.get_fields()}
        force, _ = Force.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                key: value
                for key, value in entry.items()
                if key in force_fields and key not in ("slug", "body")
            },
        )
        body = entry["body"]
        # Every key the model (as of the migration running this) has a field for: fields added
        # later, such as scrutiny_body_name (0003), are filled when tests reload the data with
        # the current models, and by their own migration on an existing database.
        fields = {f.name for f in PolicingBody._meta.get_fields()}
        PolicingBody.objects.update_or_create(
            slug=body["slug"],
            defaults={"force": force}
            | {key: value for key, value in body.items() if key in fields and key != "slug"},
        )
    for entry in STATUTORY_RECIPIENTS:
        StatutoryRecipient.objects.update_or_create(
            code=entry["code"],
            defaults={k: entry[k] for k in ("name", "email", "address")},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

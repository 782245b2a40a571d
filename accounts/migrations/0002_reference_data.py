"""Load the 43 territorial police forces, their local policing bodies and the s55(6) recipients.

Idempotent (update_or_create by slug/code), so it can also refresh the data.
"""

from django.db import migrations


def load(apps, schema_editor):
    from accounts.reference_data import FORCES, STATUTORY_RECIPIENTS

    Force = apps.get_model("accounts", "Force")
    PolicingBody = apps.get_model("accounts", "PolicingBody")
    StatutoryRecipient = apps.get_model("accounts", "StatutoryRecipient")
    for entry in FORCES:
        force, _ = Force.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "short_name": entry["short_name"],
                "country": entry["country"],
                "chief_officer_title": entry["chief_officer_title"],
            },
        )
        body = entry["body"]
        PolicingBody.objects.update_or_create(
            slug=body["slug"],
            defaults={
                "force": force,
                "kind": body["kind"],
                "name": body["name"],
                "office_name": body["office_name"],
                "short_name": body["short_name"],
                "holder_title": body["holder_title"],
                "website": body["website"],
            },
        )
    for entry in STATUTORY_RECIPIENTS:
        StatutoryRecipient.objects.update_or_create(
            code=entry["code"],
            defaults={k: entry[k] for k in ("name", "email", "address")},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

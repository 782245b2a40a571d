"""s55(6) copies move from the response to each published version (they are copies of what was
published). A copy already recorded goes to the latest version published on or before the day it
was sent (version 1 if none was, which the services never allowed); nothing is lost."""

from django.db import migrations, models

COPY_FIELDS = ("copy_hmicfrs_on", "copy_home_secretary_on", "copy_panel_on", "copy_chief_officer_on")


def copies_to_versions(apps, schema_editor):
    Response = apps.get_model("responses", "Response")
    ResponseVersion = apps.get_model("responses", "ResponseVersion")
    filters = models.Q()
    for name in COPY_FIELDS:
        filters |= models.Q(**{f"{name}__isnull": False})
    for response in Response.objects.filter(filters).iterator():
        versions = list(ResponseVersion.objects.filter(response=response).order_by("number"))
        if not versions:
            continue
        changed = set()
        for name in COPY_FIELDS:
            sent = getattr(response, name)
            if sent is None:
                continue
            earlier = [v for v in versions if v.published_on <= sent]
            version = earlier[-1] if earlier else versions[0]
            setattr(version, name, sent)
            changed.add(version)
        for version in changed:
            version.save(update_fields=list(COPY_FIELDS))


def copies_to_responses(apps, schema_editor):
    Response = apps.get_model("responses", "Response")
    ResponseVersion = apps.get_model("responses", "ResponseVersion")
    for response in Response.objects.iterator():
        for version in ResponseVersion.objects.filter(response=response).order_by("number"):
            for name in COPY_FIELDS:
                if getattr(version, name):
                    setattr(response, name, getattr(version, name))
        response.save(update_fields=list(COPY_FIELDS))


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0004_force_contact"),
    ]

    operations = [
        migrations.AddField(
            model_name="responseversion",
            name="copy_chief_officer_on",
            field=models.DateField(
                blank=True, null=True, verbose_name="copy sent to the chief officer"
            ),
        ),
        migrations.AddField(
            model_name="responseversion",
            name="copy_hmicfrs_on",
            field=models.DateField(blank=True, null=True, verbose_name="copy sent to HMICFRS"),
        ),
        migrations.AddField(
            model_name="responseversion",
            name="copy_home_secretary_on",
            field=models.DateField(
                blank=True, null=True, verbose_name="copy sent to the Home Secretary"
            ),
        ),
        migrations.AddField(
            model_name="responseversion",
            name="copy_panel_on",
            field=models.DateField(
                blank=True, null=True, verbose_name="copy sent to the Police and Crime Panel"
            ),
        ),
        migrations.RunPython(copies_to_versions, copies_to_responses),
    ] + [
        migrations.RemoveField(model_name=model, name=name)
        for model in ("historicalresponse", "response")
        for name in COPY_FIELDS
    ]

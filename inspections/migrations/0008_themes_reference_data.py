"""Loads the maintained list of themes (reference data) as it stood when this was written;
the register maintainer keeps it from then on (inspections/themes.py)."""

from django.db import migrations

THEMES = (
    ("vulnerability", "Vulnerability", "Protecting vulnerable people."),
    ("crime-data-integrity", "Crime data integrity", "Recording crime accurately."),
    ("vetting", "Vetting", "Vetting, misconduct and counter-corruption."),
    ("custody", "Custody", "The treatment and conditions of people detained in custody."),
    ("victims", "Service to victims", "Providing a service to the victims of crime."),
    ("investigation", "Investigating crime", "Investigating crime and outcomes for victims."),
    ("response", "Responding to the public", "Answering and attending calls for service."),
    ("prevention", "Preventing crime", "Preventing and deterring crime and antisocial behaviour."),
    ("offender-management", "Managing offenders", "Managing offenders and suspects."),
    ("vawg", "Violence against women and girls", "Including domestic abuse, rape and stalking."),
    ("child-protection", "Child protection", "Protecting children and young people."),
    ("fairness", "Fairness and legitimacy", "Treating the public fairly and with respect."),
    ("workforce", "Workforce and culture", "Building, supporting and protecting the workforce."),
    ("leadership", "Leadership and management", "Leadership, planning and value for money."),
    ("fraud", "Fraud", "The response to fraud."),
    ("serious-organised-crime", "Serious and organised crime", "Tackling organised crime."),
    ("roads-policing", "Roads policing", "Keeping the roads safe."),
    ("digital-forensics", "Digital forensics", "Digital evidence and forensics."),
    ("mental-health", "Mental health", "The police response to people with mental ill health."),
)


def load(apps, schema_editor):
    Theme = apps.get_model("inspections", "Theme")
    for position, (slug, name, description) in enumerate(THEMES, 1):
        Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0007_themes_and_finding_links")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

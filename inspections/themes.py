"""The maintained list of themes, as first loaded (reference data).

Seeded from HMICFRS's own areas of inspection: the PEEL assessment framework's questions (victim
service, crime data integrity, fair and respectful treatment, prevention, response,
investigation, protecting vulnerable people, managing offenders, the workforce, leadership and
value for money) and the subjects of its national thematic inspections (vetting, misconduct and
misogyny; custody; violence against women and girls; child protection; domestic abuse; counter-
corruption; fraud; roads policing; digital forensics; serious and organised crime; race and
disproportionality; police response to mental health). The list is data: the register maintainer
adds, renames and retires themes in the admin (`inspections.services.theme_save`). Loaded by the
data migration `inspections/migrations/0008_themes_reference_data.py`; changing this list later
changes nothing already loaded (the migration copies it as it stood).
"""

#: (slug, name, description), in the order offered.
THEMES: tuple[tuple[str, str, str], ...] = (
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

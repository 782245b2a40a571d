"""The default reminder policy (issue 4). Staff change it in the admin afterwards."""

from django.db import migrations

DEFAULT_RULES = [
    {
        "code": "statutory-deadline",
        "name": "The statutory due date: before it, on the day, and daily while overdue",
        "subject": "statutory_deadline",
        "unit": "calendar",
        "offsets": "-28, -14, -7, -3, -1, 0",
        "repeat_every": 1,
        "roles": ["opcc_drafter"],
        "extra_roles": ["opcc_approver"],
        "extra_roles_from": -7,
        "stale_after_days": None,
        "statutory": True,
        "position": 10,
    },
    {
        "code": "statutory-escalation",
        "name": "Overdue: escalation to the office's admin, daily from the first day overdue",
        "subject": "statutory_deadline",
        "unit": "calendar",
        "offsets": "1",
        "repeat_every": 1,
        "roles": ["opcc_admin"],
        "extra_roles": [],
        "extra_roles_from": None,
        "stale_after_days": None,
        "statutory": True,
        "position": 20,
    },
    {
        "code": "force-reply",
        "name": "The force's reply-by date: before it, on the day, and every 2 working days while overdue",
        "subject": "force_reply",
        "unit": "working",
        "offsets": "-5, -1, 0",
        "repeat_every": 2,
        "roles": ["force_contributor"],
        "extra_roles": [],
        "extra_roles_from": None,
        "stale_after_days": None,
        "statutory": False,
        "position": 30,
    },
    {
        "code": "statutory-copies",
        "name": "Copies to HMICFRS and the Home Secretary not recorded 3 days after publication",
        "subject": "statutory_copies",
        "unit": "calendar",
        "offsets": "3",
        "repeat_every": None,
        "roles": ["opcc_drafter", "opcc_admin"],
        "extra_roles": [],
        "extra_roles_from": None,
        "stale_after_days": 14,
        "statutory": True,
        "position": 40,
    },
]


def load(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    for rule in DEFAULT_RULES:
        ReminderRule.objects.update_or_create(code=rule["code"], defaults=rule)


def unload(apps, schema_editor):
    ReminderRule = apps.get_model("reminders", "ReminderRule")
    ReminderRule.objects.filter(code__in=[r["code"] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

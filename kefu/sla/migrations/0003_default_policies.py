"""The default SLA policies of DESIGN §2, first match wins (by position).

Topic policies come first, each split by channel: a live chat about an unlock is still a
chat, owed an answer in minutes, while the unlock itself is owed days. Multi-day targets
run in calendar time, as customers count days; first and next responses by mail run in
business time. Editable (or removable) in the admin afterwards.
"""

from django.db import migrations

HOUR = 60
DAY = 24 * HOUR

CHAT = {
    "first_response_minutes": 5,
    "first_response_business": False,
    "next_response_minutes": 5,
    "next_response_business": False,
    "warn_before_minutes": 2,
}
MAIL = {
    "first_response_minutes": DAY,
    "first_response_business": True,
    "next_response_minutes": DAY,
    "next_response_business": True,
    "warn_before_minutes": HOUR,
}


def _case(update: int | None, resolution: int) -> dict[str, object]:
    return {
        "update_minutes": update,
        "update_business": False,
        "resolution_minutes": resolution,
        "resolution_business": False,
    }


DEFAULTS: list[dict[str, object]] = [
    {
        "name": "Stolen account",
        "intents": ["account_stolen"],
        "first_response_minutes": 15,
        "first_response_business": False,
        "resolution_minutes": DAY,
        "resolution_business": False,
        "warn_before_minutes": 5,
        "escalate_on_breach": True,
    },
    {"name": "Account unlock (live chat)", "intents": ["account_locked"], "channels": ["webchat"],
     **CHAT, **_case(DAY, 3 * DAY)},
    {"name": "Account unlock", "intents": ["account_locked"], **MAIL, **_case(DAY, 3 * DAY)},
    {"name": "Withdrawal investigation (live chat)", "intents": ["withdrawal_delayed"],
     "channels": ["webchat"], **CHAT, **_case(DAY, 2 * DAY)},
    {"name": "Withdrawal investigation", "intents": ["withdrawal_delayed"], **MAIL,
     **_case(DAY, 2 * DAY)},
    {"name": "Live chat", "channels": ["webchat"], **CHAT},
    {"name": "Email, help center and other channels", **MAIL, **_case(None, 5 * DAY)},
]


def add_defaults(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    if SlaPolicy.objects.exists():
        return
    for position, fields in enumerate(DEFAULTS, start=1):
        SlaPolicy.objects.create(position=position * 10, **fields)


def remove_defaults(apps, schema_editor):
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaPolicy.objects.filter(name__in=[fields["name"] for fields in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0002_clock_problem_and_basis")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]

"""The shipped policies as rows the administrator can edit.

A frozen copy of verification/policy.py DEFAULTS as it was when this migration was
written: a later change there must not rewrite what a deployment already has.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

E, P, K, D, S, A = "email_code", "phone_code", "knowledge", "id_document", "selfie", "platform_state"

DEFAULTS = {
    "unlock": ([E, P, A], "l2", 1),
    "unfreeze": ([E, P, K, D, S, A], "supervisor", 24),
    "reset_2fa": ([E, K, D, S, A], "l2", 24),
    "change_email": ([P, K, D, S, A], "l2", 24),
    "change_phone": ([E, K, D, S, A], "l2", 24),
    "change_personal_info": ([E, D, A], "l2", 24),
    "recover_account": ([E, P, K, D, S, A], "supervisor", 24),
}


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    policy = apps.get_model("verification", "VerificationPolicy")
    for kind, (checks, role, hours) in DEFAULTS.items():
        policy.objects.get_or_create(
            kind=kind,
            defaults={"required_checks": checks, "approver_role": role, "cool_down_hours": hours},
        )


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

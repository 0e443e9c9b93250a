from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kefu.core.phone_numbers import InvalidPhoneNumber, to_e164


def phone_identities_to_e164(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Phone identities stored as typed ("138 0013 8000") rewritten in E.164.

    A caller is matched by the E.164 form, so a row left as typed never matches again.
    A value libphonenumber cannot read is left as it is. Two rows that would become the
    same number cannot both hold it (one identity per address): a row already in E.164
    keeps it, otherwise the older row takes it, and the newer one is left as it is for
    an agent to merge the two customers, since moving it would join them silently.
    """
    ContactIdentity = apps.get_model("contacts", "ContactIdentity")
    rows = ContactIdentity.objects.filter(kind="phone").order_by("created_at", "pk")
    taken = set(rows.values_list("value", flat=True))
    for identity in rows.iterator():
        try:
            number = to_e164(identity.value)
        except InvalidPhoneNumber:
            continue
        if number == identity.value or number in taken:
            continue
        taken.add(number)
        identity.value = number
        identity.save(update_fields=["value"])


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_contact_email"),
    ]

    operations = [
        migrations.RunPython(phone_identities_to_e164, migrations.RunPython.noop),
    ]

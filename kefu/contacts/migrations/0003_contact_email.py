from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def copy_first_email(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Existing customers get the address their first email identity holds, as the
    # actions give new ones.
    Contact = apps.get_model("contacts", "Contact")
    ContactIdentity = apps.get_model("contacts", "ContactIdentity")
    first = (
        ContactIdentity.objects.filter(contact=models.OuterRef("pk"), kind="email")
        .order_by("pk")
        .values("value")[:1]
    )
    Contact.objects.filter(email="").update(
        email=models.functions.Coalesce(models.Subquery(first), models.Value(""))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_verbose_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="email",
            field=models.CharField(blank=True, max_length=255, verbose_name="email"),
        ),
        migrations.RunPython(copy_first_email, migrations.RunPython.noop),
    ]

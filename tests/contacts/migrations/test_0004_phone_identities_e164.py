"""The data migration that rewrites existing phone identities in E.164."""

from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from kefu.contacts.models import ContactIdentity, IdentityKind

pytestmark = pytest.mark.django_db

migration = import_module("kefu.contacts.migrations.0004_phone_identities_e164")


def _phone(contact_factory: Any, value: str, age_days: int) -> ContactIdentity:
    identity = ContactIdentity.objects.create(
        contact=contact_factory(), kind=IdentityKind.PHONE, value=value
    )
    created = timezone.now() - timedelta(days=age_days)
    ContactIdentity.objects.filter(pk=identity.pk).update(created_at=created)
    return identity


def _values() -> dict[int, str]:
    return dict(ContactIdentity.objects.filter(kind=IdentityKind.PHONE).values_list("pk", "value"))


def test_typed_numbers_become_e164_and_what_does_not_parse_stays(contact_factory: Any) -> None:
    typed = _phone(contact_factory, "+86 138 0013 8000", 3)
    national = _phone(contact_factory, "13900139000", 3)
    prefixed = _phone(contact_factory, "0085291234567", 3)
    withheld = _phone(contact_factory, "anonymous", 3)
    migration.phone_identities_to_e164(apps, connection.schema_editor())
    assert _values() == {
        typed.pk: "+8613800138000",
        national.pk: "+8613900139000",
        prefixed.pk: "+85291234567",
        withheld.pk: "anonymous",
    }
    # Email identities are not numbers.
    assert ContactIdentity.objects.filter(kind=IdentityKind.EMAIL).count() == 4


def test_a_collision_keeps_the_number_where_it_is_and_leaves_the_other_row(
    contact_factory: Any,
) -> None:
    newer = _phone(contact_factory, "138 0013 8000", 1)
    older = _phone(contact_factory, "008613800138000", 5)
    already = _phone(contact_factory, "+8613900139000", 1)
    typed_later = _phone(contact_factory, "139-0013-9000", 9)
    migration.phone_identities_to_e164(apps, connection.schema_editor())
    assert _values() == {
        older.pk: "+8613800138000",
        newer.pk: "138 0013 8000",
        already.pk: "+8613900139000",
        typed_later.pk: "139-0013-9000",
    }

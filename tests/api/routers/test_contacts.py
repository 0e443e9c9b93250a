"""/api/v1/contacts: look-ups by id and by address, never a directory dump."""

from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.test import Client

from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from tests.core.test_ids import HOSTILE_IDS, hostile_spellings


@pytest.mark.django_db
class TestContacts:
    def test_get_by_id(self, api_client: Client, contact_factory: Callable[..., Contact]) -> None:
        contact = contact_factory(name="韩梅梅", email="han@example.com", language="zh-Hant")
        response = api_client.get(f"/api/v1/contacts/{contact.pk}")
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == contact.pk
        assert body["name"] == "韩梅梅"
        assert body["language"] == "zh-Hant"
        assert body["identities"] == [
            {"kind": "email", "value": "han@example.com", "verified": False}
        ]

    def test_an_unknown_id_is_404(self, api_client: Client) -> None:
        response = api_client.get("/api/v1/contacts/999999")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    def test_a_non_numeric_id_is_a_validation_error(self, api_client: Client) -> None:
        response = api_client.get("/api/v1/contacts/abc")
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == "contact_id"

    @pytest.mark.parametrize("contact_id", [i for i in HOSTILE_IDS if i])
    def test_a_hostile_id_is_a_validation_error(self, api_client: Client, contact_id: str) -> None:
        response = api_client.get(f"/api/v1/contacts/{quote(contact_id, safe='')}")
        assert response.status_code == 422, response.content
        assert response.json()["error"]["fields"][0]["field"] == "contact_id"

    def test_another_spelling_of_an_existing_id_is_refused(
        self, api_client: Client, contact_factory: Callable[..., Contact]
    ) -> None:
        contact = contact_factory()
        for spelling in hostile_spellings(contact.pk):
            response = api_client.get(f"/api/v1/contacts/{quote(spelling, safe='')}")
            assert response.status_code == 422, spelling

    def test_lookup_by_email_in_normal_form(
        self, api_client: Client, contact_factory: Callable[..., Contact]
    ) -> None:
        contact = contact_factory(email="han@example.com")
        contact_factory(email="someone.else@example.com")
        response = api_client.get("/api/v1/contacts", {"email": " Han@Example.COM "})
        assert response.status_code == 200
        assert [c["id"] for c in response.json()["items"]] == [contact.pk]

    def test_lookup_by_phone_or_platform_id(
        self, api_client: Client, contact_factory: Callable[..., Contact]
    ) -> None:
        contact = contact_factory()
        ContactIdentity.objects.create(
            contact=contact, kind=IdentityKind.PHONE, value="+8613800138000"
        )
        ContactIdentity.objects.create(
            contact=contact, kind=IdentityKind.PLATFORM_USER, value="u-7"
        )
        by_phone = api_client.get("/api/v1/contacts", {"phone": "+86 138-0013-8000"}).json()
        by_id = api_client.get("/api/v1/contacts", {"platform_user_id": "u-7"}).json()
        assert [c["id"] for c in by_phone["items"]] == [contact.pk]
        assert [c["id"] for c in by_id["items"]] == [contact.pk]

    def test_nothing_found_is_an_empty_list(self, api_client: Client) -> None:
        response = api_client.get("/api/v1/contacts", {"email": "nobody@example.com"})
        assert response.status_code == 200
        assert response.json() == {"items": []}

    def test_a_lookup_without_an_address_finds_nobody(
        self, api_client: Client, contact_factory: Callable[..., Contact]
    ) -> None:
        """Not a list of every contact, and not an error the schema could not describe."""
        contact_factory()
        for query in ({}, {"email": ""}, {"phone": "", "platform_user_id": ""}):
            response = api_client.get("/api/v1/contacts", query)
            assert response.status_code == 200
            assert response.json() == {"items": []}

    def test_a_merged_contact_is_followed(
        self, api_client: Client, contact_factory: Callable[..., Contact]
    ) -> None:
        survivor = contact_factory()
        old = contact_factory(email="old@example.com")
        old.merged_into = survivor
        old.save(update_fields=["merged_into"])
        response = api_client.get("/api/v1/contacts", {"email": "old@example.com"})
        assert [c["id"] for c in response.json()["items"]] == [survivor.pk]

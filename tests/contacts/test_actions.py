from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from kefu.agents.models import Agent
from kefu.contacts import actions
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind, SignInCode
from kefu.conversations.models import Conversation
from kefu.core.errors import MergeRefused, SignInFailed


@pytest.mark.django_db
class TestContacts:
    def test_addresses_are_normalized_to_one_identity(self) -> None:
        first = actions.find_or_create_contact(IdentityKind.PHONE, "+86 138-0013-8000")
        second = actions.find_or_create_contact(IdentityKind.PHONE, "008613800138000")
        assert first == second
        assert ContactIdentity.objects.get().value == "+8613800138000"

    def test_a_nameless_customer_is_shown_by_their_first_email(self) -> None:
        contact = actions.find_or_create_contact(IdentityKind.EMAIL, " Li.Na@Example.com")
        actions.add_identity(contact, IdentityKind.EMAIL, "second@example.com")
        contact.refresh_from_db()
        assert contact.display_name == "li.na@example.com"

    def test_a_customer_with_neither_name_nor_email_is_shown_by_number(self) -> None:
        contact = actions.find_or_create_contact(IdentityKind.TELEGRAM, "@li_na")
        with translation.override("en"):
            assert contact.display_name == f"Customer #{contact.pk}"

    def test_a_name_wins_over_the_email(self) -> None:
        contact = actions.find_or_create_contact(IdentityKind.EMAIL, "a@example.com", name="李娜")
        assert contact.display_name == "李娜"

    def test_merge_gives_a_nameless_target_the_source_email(self, agent: Agent) -> None:
        source = actions.find_or_create_contact(IdentityKind.EMAIL, "old@example.com")
        target = actions.find_or_create_contact(IdentityKind.TELEGRAM, "li_na")
        actions.merge_contacts(source=source, target=target, actor=agent)
        target.refresh_from_db()
        assert target.display_name == "old@example.com"

    def test_merge_moves_identities_and_conversations(
        self,
        agent: Agent,
        contact_factory: Callable[..., Contact],
        conversation_factory: Callable[..., Conversation],
    ) -> None:
        source, target = contact_factory(), contact_factory()
        conversation = conversation_factory(contact=source)
        actions.merge_contacts(source=source, target=target, actor=agent)
        conversation.refresh_from_db()
        assert conversation.contact == target
        assert target.identities.count() == 2
        email = source.identities.model.objects.filter(contact=target).first()
        assert email is not None
        assert actions.find_or_create_contact(IdentityKind.EMAIL, email.value) == target
        with pytest.raises(MergeRefused):
            actions.merge_contacts(source=source, target=target, actor=agent)


@pytest.mark.django_db
class TestSignInCodes:
    def test_the_code_signs_in_once(self, contact_factory: Callable[..., Contact]) -> None:
        contact = contact_factory(email="alice@example.com")
        issued = actions.issue_sign_in_code("Alice@Example.com")
        assert actions.sign_in_with_code("alice@example.com", issued.code) == contact
        with pytest.raises(SignInFailed):
            actions.sign_in_with_code("alice@example.com", issued.code)

    def test_the_link_signs_in_once(self) -> None:
        issued = actions.issue_sign_in_code("new@example.com")
        contact = actions.sign_in_with_link(issued.link_token)
        assert contact.identities.get().verified
        with pytest.raises(SignInFailed):
            actions.sign_in_with_link(issued.link_token)

    def test_an_expired_code_is_refused(self) -> None:
        issued = actions.issue_sign_in_code("late@example.com")
        SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        # The refusal is matched by its English text, whatever language is active.
        with translation.override("en"), pytest.raises(SignInFailed, match="expired"):
            actions.sign_in_with_code("late@example.com", issued.code)
        assert not Contact.objects.exists()

    def test_a_newer_code_replaces_the_older(self) -> None:
        old = actions.issue_sign_in_code("a@example.com")
        new = actions.issue_sign_in_code("a@example.com")
        with pytest.raises(SignInFailed):
            actions.sign_in_with_link(old.link_token)
        assert actions.sign_in_with_code("a@example.com", new.code)

    def test_guessing_burns_the_code(self) -> None:
        issued = actions.issue_sign_in_code("guess@example.com")
        wrong = f"{(int(issued.code) + 1) % 1_000_000:06d}"
        for _ in range(actions.SIGN_IN_MAX_ATTEMPTS):
            with pytest.raises(SignInFailed):
                actions.sign_in_with_code("guess@example.com", wrong)
        with pytest.raises(SignInFailed):
            actions.sign_in_with_code("guess@example.com", issued.code)

    def test_only_hashes_are_stored(self) -> None:
        issued = actions.issue_sign_in_code("hash@example.com")
        row = SignInCode.objects.get()
        assert issued.code not in (row.code_hash, row.link_hash)
        assert issued.link_token not in (row.code_hash, row.link_hash)

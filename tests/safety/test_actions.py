from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.core.errors import KefuError
from kefu.safety import actions
from kefu.safety.models import OfficialChannel, OfficialKind, SafetyAlert

WIF_KEY = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"


@pytest.mark.django_db
class TestAlerts:
    def test_a_blocked_reply_is_kept_redacted(
        self, agent_factory: Callable[..., Agent], conversation_factory: Callable[..., Conversation]
    ) -> None:
        alert = actions.raise_alert(
            kind=SafetyAlert.Kind.OUTBOUND_BLOCKED,
            conversation=conversation_factory(language="en"),
            reasons=["asks_private_key"],
            agent=agent_factory(),
            blocked_reply=f"Is your private key {WIF_KEY}? Send me the other one too.",
        )
        alert.refresh_from_db()
        assert WIF_KEY not in alert.text
        assert alert.text.startswith("Is your private key [")
        assert alert.text.endswith("Send me the other one too.")

    def test_an_exposed_secret_keeps_no_text(
        self, conversation_factory: Callable[..., Conversation]
    ) -> None:
        alert = actions.raise_alert(
            kind=SafetyAlert.Kind.SECRET_EXPOSED,
            conversation=conversation_factory(),
            reasons=["private_key"],
            blocked_reply=WIF_KEY,
        )
        alert.refresh_from_db()
        assert alert.text == ""


@pytest.mark.django_db
class TestRegistry:
    def test_admins_keep_the_registry_in_normal_form(
        self, agent_factory: Callable[..., Agent]
    ) -> None:
        admin = agent_factory(role=Role.ADMIN)
        channel = actions.add_official_channel(
            actor=admin, kind=OfficialKind.PHONE, value="+86 400-123-4567", label="Hotline"
        )
        assert channel.value == "+864001234567"
        actions.retire_official_channel(actor=admin, channel=channel)
        assert not OfficialChannel.objects.get().is_active

    @pytest.mark.parametrize("role", [Role.L1, Role.L2, Role.SUPERVISOR])
    def test_nobody_else_can_add_an_official_channel(
        self, role: Role, agent_factory: Callable[..., Agent]
    ) -> None:
        with pytest.raises(PermissionDenied):
            actions.add_official_channel(
                actor=agent_factory(role=role), kind=OfficialKind.DOMAIN, value="evil.example"
            )
        assert not OfficialChannel.objects.exists()


@pytest.mark.django_db
class TestAntiPhishingCode:
    def test_set_after_a_fresh_sign_in(self, contact_factory: Callable[..., Contact]) -> None:
        contact = contact_factory()
        actions.set_anti_phishing_code(
            contact=contact, code=" Tiger42 ", signed_in_at=timezone.now()
        )
        contact.refresh_from_db()
        assert contact.anti_phishing_code == "Tiger42"

    def test_refused_on_an_old_session(self, contact_factory: Callable[..., Contact]) -> None:
        contact = contact_factory()
        with pytest.raises(actions.SignInTooOld):
            actions.set_anti_phishing_code(
                contact=contact, code="Tiger42", signed_in_at=timezone.now() - timedelta(hours=1)
            )
        with pytest.raises(KefuError):
            actions.set_anti_phishing_code(contact=contact, code="ab", signed_in_at=timezone.now())
        contact.refresh_from_db()
        assert contact.anti_phishing_code == ""

"""A customer with a platform account in the demo back end, on a conversation.

Shared by the tests of the verification actions, the portal, the console and the API.
"""

from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation
from kefu.platform.models import DemoAccount, DemoLogin, DemoNotice, DemoTransfer

# What only the real customer knows; the tests assert no agent page or API shows these.
REGISTERED_NAME = "王小明"
LAST_REGION = "Hangzhou, CN"
DEPOSIT = Decimal("1234.56")


@pytest.fixture(autouse=True)
def _fresh_state() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
    translation.deactivate()


@pytest.fixture
def platform_account(db: None) -> Callable[..., DemoAccount]:
    """A demo back-end account with registered contacts and records to be asked about."""

    def make(user_id: str = "u-90001", **fields: object) -> DemoAccount:
        fields.setdefault("registered_name", REGISTERED_NAME)
        fields.setdefault("email", "registered@example.com")
        fields.setdefault("phone", "+8613800138000")
        account = DemoAccount.objects.create(user_id=user_id, **fields)
        now = timezone.now()
        DemoTransfer.objects.create(
            account=account, reference=f"D-{user_id}", kind="deposit", asset="USDT",
            amount=DEPOSIT, network="TRC20", status="completed",
            created_at=now - timedelta(days=2),
        )  # fmt: skip
        DemoLogin.objects.create(
            account=account, at=now - timedelta(hours=5), ip="115.236.1.1",
            device="iPhone", location=LAST_REGION,
        )  # fmt: skip
        return account

    return make


@pytest.fixture
def customer(
    contact_factory: Callable[..., Contact], platform_account: Callable[..., DemoAccount]
) -> Contact:
    """A contact linked to platform account u-90001 (email in the conversation differs
    from the registered one, as an attacker's would)."""
    contact = contact_factory(email="says-it-is-me@example.net")
    account = platform_account()
    ContactIdentity.objects.create(
        contact=contact, kind=IdentityKind.PLATFORM_USER, value=account.user_id, verified=True
    )
    return contact


@pytest.fixture
def case_conversation(
    conversation_factory: Callable[..., Conversation], customer: Contact
) -> Conversation:
    return conversation_factory(contact=customer, text="我的账户被锁了", intent="account_locked")


def last_code(channel: str = "email") -> str:
    """The code the demo back end "sent" last on `channel` (its outbox)."""
    notice = DemoNotice.objects.filter(template="verification_code", channel=channel).first()
    assert notice is not None, f"no code was sent by {channel}"
    return str(notice.params["code"])

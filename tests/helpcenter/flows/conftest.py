from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.platform.models import DemoAccount, DemoTransfer


@pytest.fixture(autouse=True)
def _fresh_platform_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_language_left_behind() -> Iterator[None]:
    # Pages for zh-Hans agents and customers activate that language in this thread (the
    # viewer middleware never deactivates); later tests must not inherit it.
    yield
    translation.deactivate()


@pytest.fixture
def platform_customer(contact_factory: Callable[..., Contact]) -> Contact:
    """A signed-in customer with a withdrawal under review, one completed and one deposit."""
    contact = contact_factory(name="张伟", email="zhang.wei@example.com")
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PLATFORM_USER, value="u-7")
    account = DemoAccount.objects.create(user_id="u-7", state="active")
    now = timezone.now()
    common = {"account": account, "asset": "USDT", "network": "TRC20"}
    DemoTransfer.objects.create(
        reference="W-1042",
        kind="withdrawal",
        amount="500",
        status="under_review",
        reason="large_amount",
        reason_params={"threshold": "300 USDT"},
        created_at=now - timedelta(hours=6),
        **common,
    )
    DemoTransfer.objects.create(
        reference="W-0977",
        kind="withdrawal",
        amount="120",
        status="completed",
        tx_hash="ab" * 32,
        created_at=now - timedelta(days=3),
        **common,
    )
    DemoTransfer.objects.create(
        reference="D-5120", kind="deposit", amount="1000", status="pending",
        tx_hash="cd" * 32, created_at=now - timedelta(hours=1), **common,
    )  # fmt: skip
    return contact

"""What the console and the guided flows read from the platform, cached and failure-safe."""

import logging
from dataclasses import dataclass, field

from django.core.cache import cache

from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.platform import errors
from kefu.platform.connector import (
    AccountStatus,
    ConnectorError,
    ErrorCode,
    FeeSchedule,
    Login,
    Transfer,
    UnknownCustomer,
)
from kefu.platform.registry import connector

log = logging.getLogger(__name__)

# Long enough that paging through a conversation does not call the back end each time,
# short enough that an agent sees a review finish within the minute.
CACHE_SECONDS = 60
RECENT = 5


@dataclass(frozen=True)
class CustomerContext:
    user_id: str
    account: AccountStatus | None = None
    withdrawals: list[Transfer] = field(default_factory=list)
    deposits: list[Transfer] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)
    # Set instead of the records when the back end could not answer; shown as is.
    error: str = ""


def platform_user_id(contact: Contact) -> str:
    """The contact's id on the platform, or "" when we do not know it."""
    return (
        ContactIdentity.objects.filter(contact=contact, kind=IdentityKind.PLATFORM_USER)
        .order_by("pk")
        .values_list("value", flat=True)
        .first()
        or ""
    )


def _cache_key(user_id: str) -> str:
    return f"platform:context:{user_id}"


def forget(user_id: str) -> None:
    """Drop the cached context after a change (freeze) so the next read is fresh."""
    cache.delete(_cache_key(user_id))


def customer_context(contact: Contact) -> CustomerContext | None:
    """Account, recent transfers and logins for the sidebar; None if not a platform user."""
    user_id = platform_user_id(contact)
    if not user_id:
        return None
    cached: CustomerContext | None = cache.get(_cache_key(user_id))
    if cached is not None:
        return cached
    try:
        backend = connector()
        context = CustomerContext(
            user_id=user_id,
            account=backend.account_status(user_id),
            withdrawals=backend.withdrawals(user_id, RECENT),
            deposits=backend.deposits(user_id, RECENT),
            logins=backend.recent_logins(user_id, RECENT),
        )
    except UnknownCustomer as unknown:
        context = CustomerContext(user_id=user_id, error=errors.describe(unknown))
    except Exception as failure:
        # Any failure of someone else's system, including a bug in its connector, must
        # leave the agent a working page; the error is not cached so a retry can succeed.
        log.exception("platform connector failed for %s", user_id)
        if not isinstance(failure, ConnectorError):
            failure = ConnectorError(code=ErrorCode.UNAVAILABLE)
        return CustomerContext(user_id=user_id, error=errors.describe(failure))
    cache.set(_cache_key(user_id), context, CACHE_SECONDS)
    return context


def find_transfer(user_id: str, reference: str) -> Transfer | None:
    """A withdrawal or deposit of this customer by the number they were shown (W-1042)."""
    backend = connector()
    wanted = reference.strip().upper()
    for transfer in backend.withdrawals(user_id, 50) + backend.deposits(user_id, 50):
        if transfer.reference.upper() == wanted or (
            transfer.tx_hash and transfer.tx_hash.lower() == reference.strip().lower()
        ):
            return transfer
    return None


def fee_schedule() -> FeeSchedule | None:
    try:
        return connector().fee_schedule()
    except ConnectorError:
        return None

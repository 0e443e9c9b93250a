"""Writes of the X channel: an account's settings, and the official entry that lets
customers check an @handle is really us."""

from django.db import transaction

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.x import platform
from kefu.inboxes.x.models import XAccount
from kefu.safety.actions import register_official_channel
from kefu.safety.models import OfficialKind

# The admin page waits this long for X before it shows the error instead.
CHECK_TIMEOUT = 5.0


def register_official(account: XAccount) -> None:
    """List @username on the verification page, under the account's display name."""
    register_official_channel(
        kind=OfficialKind.X,
        value=f"@{account.username}",
        label=account.display_name or f"@{account.username}",
    )


def save_account(
    *,
    inbox: Inbox,
    user_id: str,
    username: str,
    consumer_key: str,
    consumer_secret: str,
    access_token: str,
    access_token_secret: str,
    display_name: str = "",
    api_access: bool = True,
    webhook_id: str = "",
) -> XAccount:
    """Create or update the account an inbox answers, and list it as official.

    An account without API access switches its inbox off: the reply window then refuses
    replies through X and offers the customer's other channels, instead of each reply
    failing at X. Turning access back on leaves the switch to the administrator.
    """
    if inbox.channel != Channel.X:
        raise ValueError("An X account belongs to an X inbox.")
    with transaction.atomic():
        account, _ = XAccount.objects.update_or_create(
            inbox=inbox,
            defaults={
                "user_id": user_id,
                "username": username.lstrip("@"),
                "display_name": display_name,
                "consumer_key": consumer_key,
                "consumer_secret": consumer_secret,
                "access_token": access_token,
                "access_token_secret": access_token_secret,
                "api_access": api_access,
                "webhook_id": webhook_id,
            },
        )
        if not api_access and inbox.is_active:
            Inbox.objects.filter(pk=inbox.pk).update(is_active=False)
            inbox.is_active = False
        register_official(account)
    return account


def check_credentials(account: XAccount) -> str:
    """GET /2/users/me as the account: the @username X says the keys belong to (XError
    when X refuses them)."""
    answer = platform.call(account, "GET", "/2/users/me", timeout=CHECK_TIMEOUT)
    data = answer.get("data") or {}
    return str(data.get("username", ""))

"""Writes of the WeChat channel: an account's settings, and the official entries that let
customers check it is really us."""

from django.db import transaction

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.wechat.models import WeChatAccount
from kefu.safety.actions import register_official_channel
from kefu.safety.models import OfficialKind


def register_official(account: WeChatAccount) -> None:
    """List the account's WeChat ID on the verification page, under its display name.

    The display name is the label, not a value that verifies: any account may take the
    same name, so "Kefu 客服" typed on the verify page must not come back as official.
    """
    if account.wechat_id:
        register_official_channel(
            kind=OfficialKind.WECHAT, value=account.wechat_id, label=account.display_name
        )


def save_account(
    *,
    inbox: Inbox,
    app_id: str,
    app_secret: str,
    token: str,
    original_id: str,
    display_name: str,
    wechat_id: str = "",
    encoding_aes_key: str = "",
) -> WeChatAccount:
    """Create or update the account an inbox answers, and list it as official."""
    if inbox.channel != Channel.WECHAT:
        raise ValueError("A WeChat account belongs to a WeChat inbox.")
    with transaction.atomic():
        account, _ = WeChatAccount.objects.update_or_create(
            inbox=inbox,
            defaults={
                "app_id": app_id,
                "app_secret": app_secret,
                "token": token,
                "encoding_aes_key": encoding_aes_key,
                "original_id": original_id,
                "display_name": display_name,
                "wechat_id": wechat_id,
            },
        )
        register_official(account)
    return account

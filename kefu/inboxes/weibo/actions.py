"""Writes of the Weibo channel: an account's settings, the official entry that lets
customers check it is really us, and a fan who left."""

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import IdentityKind
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.weibo.models import WeiboAccount
from kefu.safety.actions import register_official_channel
from kefu.safety.models import OfficialKind


def register_official(account: WeiboAccount) -> None:
    """List the account's uid on the verification page, labelled with its screen name.

    The uid is the value: a profile link weibo.com/u/<uid> verifies, while a screen name
    can be changed and imitated, so it is only the label.
    """
    register_official_channel(kind=OfficialKind.WEIBO, value=account.uid, label=account.screen_name)


def save_account(
    *,
    inbox: Inbox,
    uid: str,
    screen_name: str,
    app_key: str,
    app_secret: str,
    access_token: str,
) -> WeiboAccount:
    """Create or update the account an inbox answers, and list it as official."""
    if inbox.channel != Channel.WEIBO:
        raise ValueError("A Weibo account belongs to a Weibo inbox.")
    with transaction.atomic():
        account, _created = WeiboAccount.objects.update_or_create(
            inbox=inbox,
            defaults={
                "uid": uid,
                "screen_name": screen_name,
                "app_key": app_key,
                "app_secret": app_secret,
                "access_token": access_token,
            },
        )
        register_official(account)
    return account


def fan_left(uid: str) -> None:
    """The fan unfollowed: Weibo refuses replies to a fan who left, so say so in the
    composer now rather than after a failed delivery. Their next message clears it."""
    mark_unreachable(
        IdentityKind.WEIBO, uid, reason=_("The customer unfollowed the Weibo account.")
    )

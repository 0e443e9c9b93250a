"""The Weibo channel's conformance driver: Weibo's signed JSON pushes posted to the push
URL; replies against the local Weibo server.

A Weibo private message is a text or a picture, never both: a delivery with a file and a
text arrives as two pushes (the text, then the picture). A picture's push carries only
Weibo's file ids and Kefu keeps a note for it (inbound.py), so the customer never names
a file here (names_files = False) and there is no file to refuse.
"""

import hashlib
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel
from kefu.inboxes.weibo.models import WeiboAccount
from tests.inboxes.conformance.driver import Delivery
from tests.inboxes.conformance.support import heard_long_ago
from tests.inboxes.weibo import wire
from tests.inboxes.weibo.conftest import make_account, post
from tests.inboxes.weibo.weibo_server import REPLY, WeiboServer, serve
from tests.platform_server import started

NOT_APPLICABLE = {
    "test_a_refused_file_is_noted_and_the_message_kept": (
        "a Weibo picture's push has no file, only Weibo's ids: Kefu keeps a note for it"
    ),
}


def _uid(sender: str) -> str:
    return str(int(hashlib.sha256(sender.encode()).hexdigest(), 16))[:10]


def _created_at(delivery_id: str) -> str:
    # The same delivery is the same push: the same second, as Weibo's retry sends it.
    offset = int(hashlib.sha256(delivery_id.encode()).hexdigest(), 16) % 10**7
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=offset)
    return moment.astimezone(timezone.get_fixed_timezone(480)).strftime("%a %b %d %H:%M:%S %z %Y")


@dataclass
class WeiboDriver:
    account: WeiboAccount
    server: WeiboServer
    channel: str = Channel.WEIBO
    names_files = False

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        sender, created_at = _uid(delivery.sender), _created_at(delivery.delivery_id)
        pushes = []
        if delivery.text:
            pushes.append(wire.text(delivery.text, sender=sender, created_at=created_at))
        if delivery.file is not None:
            data: dict[str, object] = {"vfid": 821234567, "tovfid": 821234568}
            pushes.append(
                wire.push("image", "发了一张图片", data, sender=sender, created_at=created_at)
            )
        signing = {"secret": "forged-secret"} if forged else {}
        status = 200
        for body in pushes:
            status = post(Client(), self.account, wire.signed(body, **signing)).status_code
            if status != 200:
                return status
        return status

    def conversation(self, sender: str) -> Conversation:
        return Conversation.objects.filter(
            contact__identities__kind=IdentityKind.WEIBO,
            contact__identities__value=_uid(sender),
        ).latest("pk")

    def fail_outbound(self) -> AbstractContextManager[None]:
        body = {"error": "system error", "error_code": 10001, "request": REPLY}
        return self.server.failing(REPLY, 500, body)

    def close_window(self, conversation: Conversation) -> None:
        heard_long_ago(conversation, hours=49)


def driver(request: pytest.FixtureRequest) -> WeiboDriver:
    request.getfixturevalue("db")
    settings = request.getfixturevalue("settings")
    server = started(request, serve())
    settings.KEFU_WEIBO_API_URL = server.url
    return WeiboDriver(account=make_account(), server=server)

"""The WeChat channel's conformance driver: WeChat's signed XML posted to the webhook,
then the job it queued run; media and replies against the local WeChat server.

A WeChat message is a text or a picture, never both: a delivery with a file and a text
arrives as two messages (the text, then the picture), as a customer sends them. WeChat
names the files (by media id), so the driver says names_files = False.
"""

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel
from kefu.inboxes.wechat.models import WeChatAccount
from tests.inboxes.conformance.driver import Delivery, File
from tests.inboxes.conformance.support import heard_long_ago
from tests.inboxes.wechat import wire
from tests.inboxes.wechat.conftest import make_account, post
from tests.inboxes.wechat.wechat_server import WeChatServer, serve
from tests.platform_server import started

SEND = "/cgi-bin/message/custom/send"

NOT_APPLICABLE = {
    # The note for a refused picture is kept on the picture's own message, which has no
    # caption (tests/inboxes/wechat/test_tasks.py checks the notes).
    "test_a_refused_file_is_noted_and_the_message_kept": "a WeChat picture has no caption",
}


def _openid(sender: str) -> str:
    return "o" + hashlib.sha256(sender.encode()).hexdigest()[:27]


def _msg_id(delivery_id: str, part: str) -> str:
    return str(int(hashlib.sha256(f"{delivery_id}:{part}".encode()).hexdigest(), 16))[:19]


@dataclass
class WeChatDriver:
    account: WeChatAccount
    server: WeChatServer
    run_tasks: Callable[[], None]
    channel: str = Channel.WECHAT
    names_files = False

    def _post(self, xml: str, forged: bool) -> int:
        signing: dict[str, Any] = {"token": "forged-token"} if forged else {}
        return post(Client(), self.account, wire.signed(xml, **signing)).status_code

    def _picture(self, delivery: Delivery, file: File) -> str:
        media_id = f"MEDIA_{_msg_id(delivery.delivery_id, 'file')}"
        self.server.reply("/cgi-bin/media/get", 200, file.content, content_type=file.content_type)
        return wire.image(
            media_id, _msg_id(delivery.delivery_id, "file"), openid=_openid(delivery.sender)
        )

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        messages = []
        if delivery.text:
            messages.append(
                wire.text(
                    delivery.text,
                    _msg_id(delivery.delivery_id, "text"),
                    openid=_openid(delivery.sender),
                )
            )
        if delivery.file is not None:
            messages.append(self._picture(delivery, delivery.file))
        status = 200
        for xml in messages:
            status = self._post(xml, forged)
            if status != 200:
                return status
        self.run_tasks()
        return status

    def conversation(self, sender: str) -> Conversation:
        return Conversation.objects.filter(
            contact__identities__kind=IdentityKind.WECHAT,
            contact__identities__value=_openid(sender),
        ).latest("pk")

    def fail_outbound(self) -> AbstractContextManager[None]:
        return self.server.failing(SEND, 200, {"errcode": -1, "errmsg": "system error"})

    def close_window(self, conversation: Conversation) -> None:
        heard_long_ago(conversation, hours=49)


def driver(request: pytest.FixtureRequest) -> WeChatDriver:
    request.getfixturevalue("db")
    settings = request.getfixturevalue("settings")
    server = started(request, serve())
    settings.KEFU_WECHAT_API_URL = server.url
    from django.core.cache import cache

    cache.clear()  # no access token from another test's server
    return WeChatDriver(
        account=make_account(), server=server, run_tasks=request.getfixturevalue("run_tasks")
    )

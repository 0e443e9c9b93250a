"""The Telegram channel's driver for the adapter conformance suite
(tests/inboxes/conformance/driver.py): updates posted to the bot's webhook in Telegram's
wire format with its secret header, and a local server in api.telegram.org's place."""

import zlib
from contextlib import AbstractContextManager
from dataclasses import dataclass

import pytest

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.telegram.models import TelegramBot
from tests.inboxes.conformance.driver import Delivery
from tests.inboxes.telegram import updates
from tests.inboxes.telegram.conftest import Webhook
from tests.inboxes.telegram.telegram_server import BOT, TOKEN, TelegramServer, error, serve
from tests.platform_server import started


def _number(text: str, base: int) -> int:
    """A stable Telegram id for a driver's string (the same string, the same id)."""
    return int(text) if text.isdigit() else base + zlib.crc32(text.encode())


@dataclass
class TelegramDriver:
    webhook: Webhook
    server: TelegramServer
    channel: str = Channel.TELEGRAM

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        sender = updates.user(_number(delivery.sender, 5_000_000_000), language_code="zh-hans")
        update_id = _number(delivery.delivery_id, 1)
        if delivery.file is None:
            update = updates.text(delivery.text, update_id=update_id, sender=sender)
        else:
            file = delivery.file
            file_id = f"file-{update_id}"
            self.server.files[file_id] = (f"documents/{file_id}", file.content)
            update = updates.document(
                file_id, name=file.name, mime=file.content_type, size=len(file.content),
                caption=delivery.text, update_id=update_id, sender=sender,
            )  # fmt: skip
        response = self.webhook.post(update, secret="forged-secret" if forged else None)
        return int(response.status_code)

    def conversation(self, sender: str) -> Conversation:
        user_id = str(_number(sender, 5_000_000_000))
        return Conversation.objects.filter(
            contact__identities__kind=IdentityKind.TELEGRAM, contact__identities__value=user_id
        ).latest("pk")

    def fail_outbound(self) -> AbstractContextManager[None]:
        return self.server.failing(f"/bot{TOKEN}/send", 502, error(502, "Bad Gateway"))

    def close_window(self, conversation: Conversation) -> None:
        # What deliver() does when Telegram answers 403 "bot was blocked by the user".
        identity = conversation.contact.identities.get(kind=IdentityKind.TELEGRAM)
        mark_unreachable(
            IdentityKind.TELEGRAM, identity.value, reason="bot was blocked by the user"
        )


def driver(request: pytest.FixtureRequest) -> TelegramDriver:
    request.getfixturevalue("db")
    settings = request.getfixturevalue("settings")
    server = started(request, serve())
    settings.KEFU_TELEGRAM_API_URL = server.url
    inbox = Inbox.objects.create(name="Telegram", channel=Channel.TELEGRAM)
    bot = TelegramBot.objects.create(
        inbox=inbox, token=TOKEN, bot_id=BOT["id"], username=BOT["username"],
        display_name=BOT["first_name"],
    )  # fmt: skip
    return TelegramDriver(webhook=Webhook(bot), server=server)

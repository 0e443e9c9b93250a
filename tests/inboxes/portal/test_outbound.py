"""A portal reply is announced by email, with a link to the ticket on the public address."""

from collections.abc import Callable
from typing import Any

import pytest

from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.inboxes.portal.outbound import deliver

pytestmark = pytest.mark.django_db


def test_the_mail_links_the_ticket_on_the_public_address(
    conversation_factory: Callable[..., Conversation], settings: Any, mailoutbox: list[Any]
) -> None:
    settings.SITE_URL = "https://help.example.com:8443"
    conversation = conversation_factory()
    reply = Message.objects.create(
        conversation=conversation, kind=MessageKind.OUTBOUND, text="您的提现已完成。"
    )
    deliver(reply)
    (mail,) = mailoutbox
    ticket = f"https://help.example.com:8443/portal/tickets/{conversation.reference}/"
    assert ticket in mail.body

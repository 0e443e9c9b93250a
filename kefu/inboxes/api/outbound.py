"""Replies on API conversations are posted to the integration's webhook, if it has one."""

import hashlib
import hmac
import json

import httpx

from kefu.conversations.models import Message
from kefu.conversations.outbound import PermanentError, RetryableError
from kefu.core import http_client


def deliver(message: Message) -> None:
    conversation = message.conversation
    config = conversation.inbox.config
    url = config.get("webhook_url")
    if not url:
        # The integration polls GET /api/v1/conversations/{ref}/messages instead.
        return
    body = json.dumps(
        {
            "event": "message.created",
            "conversation": conversation.reference,
            "message_id": message.pk,
            "text": message.text,
            "author": message.author_agent.display_name if message.author_agent else "",
            "agent_public_id": message.author_agent.public_id if message.author_agent else "",
            "created_at": message.created_at.isoformat(),
        },
        ensure_ascii=False,
    ).encode()
    # Signed so the receiver can tell our calls from a forger's.
    signature = hmac.new(config.get("webhook_secret", "").encode(), body, hashlib.sha256)
    try:
        response = http_client.client().post(
            url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Kefu-Signature": "sha256=" + signature.hexdigest(),
            },
            timeout=10,
        )
    except httpx.HTTPError as error:
        raise RetryableError(str(error)) from error
    if response.status_code >= 500 or response.status_code == 429:
        raise RetryableError(f"webhook answered {response.status_code}")
    if response.status_code >= 400:
        raise PermanentError(f"webhook answered {response.status_code}")

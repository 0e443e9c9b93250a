"""Errors that reach a person: each has a stable code (for the API) and a translated message."""

from collections.abc import Sequence
from typing import Any

from django.utils.functional import Promise


class KefuError(Exception):
    """A refusal the user can act on. Nothing was changed when one is raised."""

    code = "error"
    status = 400

    def __init__(self, message: str | Promise, **params: object) -> None:
        self.message = str(message)
        self.params = params
        super().__init__(self.message)


class NotFound(KefuError):
    code = "not_found"
    status = 404


class InvalidTransition(KefuError):
    code = "invalid_status_transition"
    status = 409


class AttachmentRejected(KefuError):
    """Too large, or too many files: 413."""

    code = "attachment_rejected"
    status = 413


class UnsupportedMediaType(AttachmentRejected):
    """A file of a type the help desk does not keep: 415, whatever the channel."""

    code = "unsupported_media_type"
    status = 415


class MessageRejected(KefuError):
    code = "message_rejected"
    status = 422


class TagRejected(KefuError):
    code = "tag_rejected"
    status = 422


class ConversationChanged(KefuError):
    """Someone else replied since the agent's page (or API client) last looked: 409.

    `replies` are the messages the agent has not seen; sending again with the newest
    one's id as seen is the agent's "send anyway".
    """

    code = "conversation_changed"
    status = 409

    def __init__(self, message: str | Promise, *, replies: Sequence[Any]) -> None:
        super().__init__(message)
        self.replies = list(replies)  # conversations.models.Message, oldest first


class MergeRefused(KefuError):
    code = "merge_refused"
    status = 409


class SignInFailed(KefuError):
    code = "sign_in_failed"
    status = 400


class TransferRefused(KefuError):
    code = "transfer_refused"
    status = 409


class EscalationRefused(KefuError):
    code = "escalation_refused"
    status = 409


class PolicyRejected(KefuError):
    code = "sla_policy_rejected"
    status = 422

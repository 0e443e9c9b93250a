"""The shapes the REST API reads and writes, with the descriptions and examples of its docs.

Input schemas derive from core's InputSchema: unknown fields and U+0000 are refused.
"""

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from ninja import Field, Schema
from ninja.params import functions as params
from pydantic import BeforeValidator, ConfigDict, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kefu.agents.models import Agent
from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.models import (
    Attachment,
    Conversation,
    DeliveryStatus,
    Message,
    MessageKind,
    Priority,
    Status,
    Tier,
)
from kefu.conversations.reply_window import Alternative, ReplyWindow
from kefu.core.api_schemas import Email, InputSchema
from kefu.core.ids import MAX_ID, parse_id
from kefu.core.intents import Intent
from kefu.core.languages import Language
from kefu.inboxes.models import Channel
from kefu.sla.models import Clock, Escalation, EventKind, SlaEvent, Target
from kefu.sla.selectors import ClockState

SUBJECT_MAX_CHARS = 255
NAME_MAX_CHARS = 200
EXTERNAL_ID_MAX_CHARS = 255
TAG_MAX_CHARS = 50
MAX_TAGS = 20

# Text is blank when str.strip() leaves nothing (the conversation actions' own test): only
# Python's whitespace, which, unlike \s in the ECMAScript regex a client reads the schema
# with, includes U+001C-U+001F and U+0085. One explicit class both read the same way.
NOT_BLANK = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_NOT_BLANK = re.compile(NOT_BLANK)


def checked_text(value: str, *, allow_blank: bool = False) -> str:
    """Refuse blank or over-long message text with field codes the API documents.

    The limit is a setting read per request, not at import: a deployment may change it.
    """
    if not allow_blank and not _NOT_BLANK.search(value):
        raise PydanticCustomError("blank", "The text is blank.")
    limit = settings.KEFU_MAX_MESSAGE_CHARS
    if len(value) > limit:
        raise PydanticCustomError("string_too_long", "The text is too long.", {"max_length": limit})
    return value


def _message_text(schema: dict[str, Any]) -> None:
    # What checked_text enforces, in the schema; the limit is read when the schema is
    # built (on the first request), never at import.
    schema["maxLength"] = settings.KEFU_MAX_MESSAGE_CHARS
    schema["pattern"] = NOT_BLANK


def _message_text_or_blank(schema: dict[str, Any]) -> None:
    schema["maxLength"] = settings.KEFU_MAX_MESSAGE_CHARS


def _strict_id(value: object) -> object:
    # Pydantic's lax int parsing takes " 12", "+12", "1_000" and "12.0" from a path or a
    # query string; an id there is ASCII digits and nothing else.
    if isinstance(value, str):
        parsed = parse_id(value)
        if parsed is None:
            raise PydanticCustomError("invalid_id", "Not an id.")
        return parsed
    return value


# The constraints come first: a validator written before them would hide them from the schema.
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_strict_id)]
# An id in a path, with the example the documentation shows.
ExampleId = Annotated[Id, params.Path(examples=[123])]


# ---------------------------------------------------------------- input


class ContactIn(InputSchema):
    """Who wrote: at least one of email, phone or platform_user_id identifies the customer."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"type": "string"}}}
                for name in ("email", "phone", "platform_user_id")
            ]
        }
    )

    email: Email | None = Field(
        None, description="The customer's email address.", examples=["li@example.com"]
    )
    phone: str | None = Field(
        None,
        max_length=32,
        pattern=r"^\+?[0-9 ()\-.]{5,31}$",
        description="The customer's phone number, preferably in E.164 form.",
        examples=["+8613800138000"],
    )
    platform_user_id: str | None = Field(
        None,
        min_length=1,
        max_length=255,
        description="The customer's user id on the wallet/exchange platform. When given, it "
        "identifies the customer (it wins over email and phone).",
        examples=["u-1029384"],
    )
    name: str = Field("", max_length=NAME_MAX_CHARS, description="Display name.", examples=["李雷"])
    language: Language | None = Field(
        None,
        description="The customer's language; detected from the text when omitted.",
        examples=["zh-Hans"],
    )

    @model_validator(mode="after")
    def _identified(self) -> "ContactIn":
        if self.email is None and self.phone is None and self.platform_user_id is None:
            raise PydanticCustomError(
                "missing_identity", "Give an email, a phone or a platform_user_id."
            )
        return self

    def identity(self) -> tuple[str, str]:
        """The channel address that finds or creates the contact."""
        if self.platform_user_id is not None:
            return IdentityKind.PLATFORM_USER, self.platform_user_id
        if self.email is not None:
            return IdentityKind.EMAIL, self.email
        assert self.phone is not None  # _identified guarantees one of the three
        return IdentityKind.PHONE, self.phone


class ConversationCreate(InputSchema):
    contact: ContactIn
    subject: str = Field("", max_length=SUBJECT_MAX_CHARS, examples=["提现一直没到账"])
    text: str = Field(
        description="The customer's first message (plain text, not blank, at most 20,000 "
        "characters by default). Secrets such as recovery phrases are redacted before "
        "anything is stored.",
        examples=["我昨天提现的 USDT 到现在还没到账，订单号 W20240501。"],
        json_schema_extra=_message_text,
    )
    intent: Intent | None = Field(
        None,
        description="The triage intent when the integration already knows it (a button in "
        "the app); it sets the priority and the queue.",
        examples=["withdrawal_delayed"],
    )
    external_id: str = Field(
        "",
        max_length=EXTERNAL_ID_MAX_CHARS,
        description="Your id for this message. Sending the same id again returns the first "
        "result (status 200) instead of storing a second message: safe to retry. An id "
        "that holds a secret is stored as `sha256-…` of itself.",
        examples=["app-msg-8f14e45f"],
    )

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return checked_text(value)


class CustomerMessageIn(InputSchema):
    text: str = Field(
        description="The customer's message (not blank).",
        examples=["交易哈希是 0x5c50…e3f1，请帮忙查一下。"],
        json_schema_extra=_message_text,
    )
    external_id: str = Field(
        "",
        max_length=EXTERNAL_ID_MAX_CHARS,
        description="Your id for this message, for safe retries.",
        examples=["app-msg-45c48cce"],
    )

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return checked_text(value)


class CustomerMessageForm(InputSchema):
    """The multipart twin of CustomerMessageIn: the text may be empty when files come along."""

    text: str = Field(
        "",
        description="The customer's message (may be empty with files).",
        json_schema_extra=_message_text_or_blank,
    )
    external_id: str = Field("", max_length=EXTERNAL_ID_MAX_CHARS)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return checked_text(value, allow_blank=True)


class ReplyIn(InputSchema):
    text: str = Field(
        description="The agent's reply (not blank), sent as the token's agent. Replies that "
        "ask for a recovery phrase, key, password or code are refused (422 outbound_blocked).",
        examples=["您好，我们已经为您查询，提现正在审核中，预计 48 小时内到账。"],
        json_schema_extra=_message_text,
    )
    then_status: Status | None = Field(
        None, description="Change the status in the same step.", examples=["pending"]
    )
    via: Channel | None = Field(
        None,
        description="Send on another channel than the conversation's: one of the "
        "`reply_window.alternatives` (the customer's email, the help-center portal), offered "
        "when the conversation's channel no longer takes replies. Any other channel is "
        "refused with 409 `reply_window_closed`.",
        examples=["email"],
    )
    seen_message_id: int | None = Field(
        None,
        ge=0,
        description="The newest message id the client has seen. When another agent (or an "
        "automatic message) replied after it, nothing is sent: 409 `conversation_changed`. "
        "Send again with the newest id to send anyway.",
        examples=[1042],
    )

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return checked_text(value)


class NoteIn(InputSchema):
    text: str = Field(
        description="An internal note (not blank): seen by agents only, never sent to the "
        "customer.",
        examples=["已在后台确认，链上交易已打包。"],
        json_schema_extra=_message_text,
    )

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return checked_text(value)


class StatusIn(InputSchema):
    status: Status = Field(examples=["resolved"])


class PriorityIn(InputSchema):
    priority: Priority = Field(examples=["high"])


class AssigneeIn(InputSchema):
    agent_public_id: str | None = Field(
        description="The agent's public id (KF-…), or null to unassign. Agents take or "
        "release their own conversations; assigning someone else needs a supervisor token.",
        max_length=16,
        examples=["KF-7Q2M9A"],
    )


class TagsIn(InputSchema):
    tags: list[Annotated[str, Field(max_length=TAG_MAX_CHARS)]] = Field(
        description="The conversation's tags after the call (replaces the current set; "
        "blank names are left out).",
        max_length=MAX_TAGS,
        examples=[["vip", "usdt-trc20"]],
    )


class ConversationFilters(InputSchema):
    view: Literal["all", "mine", "unassigned"] = Field(
        "all", description="mine: assigned to the token's agent; unassigned: nobody's."
    )
    status: Status | None = None
    channel: Channel | None = None
    intent: Intent | None = None
    priority: Priority | None = None
    contact_id: Id | None = None
    sla: Literal["due_soon", "breached"] | None = Field(
        None,
        description="due_soon: the next SLA deadline is within the hour; breached: a target "
        "was missed.",
    )
    sort: Literal["activity", "deadline"] = Field(
        "activity",
        description="activity: newest activity first; deadline: next SLA deadline first "
        "(conversations without one last).",
    )
    page: int = Field(1, ge=1, le=10_000, description="1-based page number, 25 per page.")


class ContactLookup(InputSchema):
    """Any of the three; none given finds nobody (there is no listing of every contact)."""

    email: str | None = Field(None, max_length=254, examples=["li@example.com"])
    phone: str | None = Field(None, max_length=32)
    platform_user_id: str | None = Field(None, max_length=255)

    def identities(self) -> list[tuple[str, str]]:
        pairs = [
            (IdentityKind.EMAIL, self.email),
            (IdentityKind.PHONE, self.phone),
            (IdentityKind.PLATFORM_USER, self.platform_user_id),
        ]
        return [(str(kind), value) for kind, value in pairs if value]


# ---------------------------------------------------------------- output


class AgentOut(Schema):
    public_id: str = Field(examples=["KF-7Q2M9A"])
    name: str = Field(examples=["王芳"])

    @staticmethod
    def of(agent: Agent | None) -> "AgentOut | None":
        if agent is None:
            return None
        return AgentOut(public_id=agent.public_id, name=agent.display_name or agent.username)


TIER_DESCRIPTION = "1: support, 2: technical support, 3: management (escalation moves it up)."


class SlaOut(Schema):
    due_at: datetime | None = Field(description="The earliest running SLA deadline.")
    target: Target | None = Field(description="Which target that deadline is for.")
    breached: bool = Field(description="Some SLA target of this conversation was missed.")
    tier: Tier = Field(description=TIER_DESCRIPTION)

    @staticmethod
    def of(conversation: Conversation) -> "SlaOut":
        return SlaOut(
            due_at=conversation.sla_due_at,
            target=Target(conversation.sla_due_target) if conversation.sla_due_target else None,
            breached=conversation.sla_breached,
            tier=Tier(conversation.tier),
        )


class ConversationOut(Schema):
    reference: str = Field(description="The number customers quote.", examples=["K-000123"])
    status: Status
    priority: Priority
    intent: Intent | Literal[""] = Field(description="Empty while not triaged.")
    language: Language
    channel: Channel
    subject: str
    contact_id: int
    assignee: AgentOut | None
    tags: list[str]
    created_at: datetime
    last_message_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    merged_into: str | None = Field(description="Reference of the conversation it was merged into.")
    follow_up_of: str | None = Field(description="Reference of the closed conversation it follows.")
    sla: SlaOut

    @staticmethod
    def of(conversation: Conversation, *, tags: list[str] | None = None) -> "ConversationOut":
        """`tags`: the conversation's tag names when the caller already knows them (none
        on a conversation just opened), else they are read."""
        # Built by hand rather than from attributes: the fields are few, and this is the
        # hot path of conversation creation (no resolver look-ups, no dotted getters).
        return ConversationOut(
            reference=conversation.reference,
            status=Status(conversation.status),
            priority=Priority(conversation.priority),
            intent=conversation.intent,  # type: ignore[arg-type]
            language=Language(conversation.language),
            channel=Channel(conversation.channel),
            subject=conversation.subject,
            contact_id=conversation.contact_id,
            assignee=AgentOut.of(conversation.assignee) if conversation.assignee_id else None,
            tags=sorted(tag.name for tag in conversation.tags.all()) if tags is None else tags,
            created_at=conversation.created_at,
            last_message_at=conversation.last_message_at,
            first_response_at=conversation.first_response_at,
            resolved_at=conversation.resolved_at,
            merged_into=_reference(conversation.merged_into_id),
            follow_up_of=_reference(conversation.follow_up_of_id),
            sla=SlaOut.of(conversation),
        )


class AlternativeOut(Schema):
    via: Channel = Field(description="Post it as the reply's `via` to send there.")
    label: str = Field(examples=["Email a@b.c"])

    @staticmethod
    def of(alternative: Alternative) -> "AlternativeOut":
        return AlternativeOut(via=Channel(alternative.via), label=alternative.label)


class ReplyWindowOut(Schema):
    """The channel's reply window (conversations.reply_window), as of the answer."""

    open: bool = Field(description="A reply may go on the conversation's channel now.")
    mode: Literal["free", "tag", "closed"] = Field(
        description="free: a normal reply; tag: only with the channel's `tag`; closed: no "
        "reply on this channel (see `reason` and `alternatives`)."
    )
    until: datetime | None = Field(
        description="When the current mode ends; null when it does not (or when closed)."
    )
    remaining: int | None = Field(
        description="Messages the channel's quota still allows in this window (WeChat: 20 "
        "per customer message); null without a quota."
    )
    tag: str = Field(description="The message tag a reply goes with in `tag` mode.")
    reason: str = Field(
        description="Why replies are refused, in the request's language (when closed)."
    )
    alternatives: list[AlternativeOut] = Field(
        description="Where a reply can go instead when closed: post its `via` with the reply."
    )

    @staticmethod
    def of(window: ReplyWindow) -> "ReplyWindowOut":
        return ReplyWindowOut(
            open=window.open,
            mode=window.mode,  # type: ignore[arg-type]
            until=window.until,
            remaining=window.remaining,
            tag=window.tag,
            reason=window.reason,
            alternatives=[AlternativeOut.of(a) for a in window.alternatives],
        )


class ConversationDetailOut(ConversationOut):
    reply_window: ReplyWindowOut = Field(
        description="Whether, how and until when a reply may go on the conversation's channel "
        "(WeChat: 48 hours after the customer's last message, 20 messages; Telegram: not to "
        "a user who blocked the bot); other channels are always open."
    )


def _reference(pk: int | None) -> str | None:
    return Conversation(pk=pk).reference if pk is not None else None


class ClockOut(Schema):
    target: Target
    state: ClockState
    business_time: bool = Field(description="Counted in the team's working hours.")
    started_at: datetime
    due_at: datetime | None = Field(description="Empty while paused or finished.")
    remaining_seconds: int | None = Field(description="Time left when it was paused.")
    paused_at: datetime | None
    warned_at: datetime | None
    breached_at: datetime | None
    fulfilled_at: datetime | None
    stopped_at: datetime | None

    @staticmethod
    def of(clock: Clock, state: ClockState) -> "ClockOut":
        return ClockOut(
            target=Target(clock.target),
            state=state,
            business_time=clock.business,
            started_at=clock.started_at,
            due_at=clock.due_at,
            remaining_seconds=(
                int(clock.remaining.total_seconds()) if clock.remaining is not None else None
            ),
            paused_at=clock.paused_at,
            warned_at=clock.warned_at,
            breached_at=clock.breached_at,
            fulfilled_at=clock.fulfilled_at,
            stopped_at=clock.stopped_at,
        )


class SlaEventOut(Schema):
    target: Target
    kind: EventKind
    at: datetime
    due_at: datetime | None = Field(description="The deadline that applied at the time.")

    @staticmethod
    def of(event: SlaEvent) -> "SlaEventOut":
        return SlaEventOut(
            target=Target(event.target),
            kind=EventKind(event.kind),
            at=event.at,
            due_at=event.due_at,
        )


class EscalationOut(Schema):
    from_tier: Tier
    to_tier: Tier
    to_team: str | None = Field(description="The team it went to.")
    by: Literal["agent", "customer", "policy"]
    agent_public_id: str | None = None
    reason: str
    created_at: datetime

    @staticmethod
    def of(escalation: Escalation) -> "EscalationOut":
        return EscalationOut(
            from_tier=Tier(escalation.from_tier),
            to_tier=Tier(escalation.to_tier),
            to_team=escalation.to_team.name if escalation.to_team else None,
            by=_escalated_by(escalation),
            agent_public_id=escalation.by_agent.public_id if escalation.by_agent else None,
            reason=escalation.reason,
            created_at=escalation.created_at,
        )


def _escalated_by(escalation: Escalation) -> Literal["agent", "customer", "policy"]:
    if escalation.by_agent_id is not None:
        return "agent"
    return "customer" if escalation.by_contact_id is not None else "policy"


class ConversationSlaOut(SlaOut):
    reference: str = Field(examples=["K-000123"])
    clocks: list[ClockOut] = Field(description="One per target, first response first.")
    events: list[SlaEventOut] = Field(
        description="Every start, pause, fulfilment, warning, breach and stop, oldest first."
    )
    escalations: list[EscalationOut] = Field(
        description="Oldest first; listed for supervisors and administrators only."
    )


class ConversationPage(Schema):
    items: list[ConversationOut]
    page: int
    has_next: bool
    next_page: int | None


class AuthorOut(Schema):
    type: Literal["contact", "agent", "system"]
    name: str
    contact_id: int | None = None
    agent_public_id: str | None = None


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int = Field(description="Bytes.")
    url: str = Field(description="Download with the same bearer token.")

    @staticmethod
    def of(attachment: Attachment, reference: str) -> "AttachmentOut":
        return AttachmentOut(
            id=attachment.pk,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            url=f"/api/v1/conversations/{reference}/attachments/{attachment.pk}",
        )


class MessageOut(Schema):
    id: int
    conversation: str = Field(
        description="The conversation's reference. A customer message to a closed "
        "conversation opens a follow-up, so this can differ from the one posted to.",
        examples=["K-000123"],
    )
    kind: MessageKind
    author: AuthorOut
    text: str
    html: str = Field(description="Sanitized HTML rendering, when the channel had one.")
    external_id: str
    delivery_status: DeliveryStatus | Literal[""] = Field(
        description="For replies: queued, sent, retrying or failed."
    )
    via: Channel | Literal[""] = Field(
        description="For replies sent on another channel than the conversation's (the "
        "customer's email, the portal): that channel; empty otherwise."
    )
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def of(message: Message, *, with_attachments: bool = True) -> "MessageOut":
        reference = Conversation(pk=message.conversation_id).reference
        return MessageOut(
            id=message.pk,
            conversation=reference,
            kind=MessageKind(message.kind),
            author=_author(message),
            text=message.text,
            html=message.html,
            external_id=message.external_id,
            delivery_status=message.delivery_status,  # type: ignore[arg-type]
            via=message.via,  # type: ignore[arg-type]
            created_at=message.created_at,
            attachments=[AttachmentOut.of(a, reference) for a in message.attachments.all()]
            if with_attachments
            else [],
        )


class ReplyOut(MessageOut):
    reply_window: ReplyWindowOut = Field(
        description="The conversation's reply window after this reply (its quota counted)."
    )


def _author(message: Message) -> AuthorOut:
    if message.author_contact_id is not None:
        contact = message.author_contact
        assert contact is not None
        return AuthorOut(type="contact", name=contact.display_name, contact_id=contact.pk)
    if message.author_agent_id is not None:
        agent = message.author_agent
        assert agent is not None
        return AuthorOut(
            type="agent",
            name=agent.display_name or agent.username,
            agent_public_id=agent.public_id,
        )
    return AuthorOut(type="system", name="")


class IdentityOut(Schema):
    kind: IdentityKind
    value: str
    verified: bool


class ContactOut(Schema):
    id: int
    name: str
    display_name: str
    language: Language
    timezone: str
    created_at: datetime
    merged_into_id: int | None = Field(
        description="Set when this contact was merged: the surviving contact's id."
    )
    identities: list[IdentityOut]

    @staticmethod
    def of(contact: Contact) -> "ContactOut":
        return ContactOut(
            id=contact.pk,
            name=contact.name,
            display_name=contact.display_name,
            language=Language(contact.language),
            timezone=contact.timezone,
            created_at=contact.created_at,
            merged_into_id=contact.merged_into_id,
            identities=[
                IdentityOut(kind=IdentityKind(i.kind), value=i.value, verified=i.verified)
                for i in contact.identities.all()
            ],
        )


class ContactList(Schema):
    items: list[ContactOut]

"""/api/v1/conversations: open, read and work conversations as an integration.

Each operation parses, looks up through a selector, calls one action and renders a schema;
refusals are exceptions that kefu.api.errors turns into JSON.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from kefu.agents.models import Agent, Role
from kefu.api import inbound
from kefu.api.auth import acting_agent, token_inbox
from kefu.api.schemas import (
    AssigneeIn,
    ClockOut,
    ConversationCreate,
    ConversationDetailOut,
    ConversationFilters,
    ConversationOut,
    ConversationPage,
    ConversationSlaOut,
    CustomerMessageForm,
    CustomerMessageIn,
    EscalationOut,
    ExampleId,
    MessageOut,
    NoteIn,
    PriorityIn,
    ReplyIn,
    ReplyOut,
    ReplyWindowOut,
    SlaEventOut,
    SlaOut,
    StatusIn,
    TagsIn,
)
from kefu.api.selectors import agent_by_public_id, attachment_in
from kefu.conversations import actions, selectors
from kefu.conversations.attachments import ALLOWED_TYPES
from kefu.conversations.models import Conversation, Message
from kefu.conversations.reply_window import reply_window
from kefu.core.api_schemas import error_responses
from kefu.core.file_responses import FileStream
from kefu.sla import selectors as sla_selectors

router = Router(tags=["conversations"])

_READ_ERRORS = error_responses(401, 404, 422)
_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)

Payload = TypeVar("Payload", bound=Schema)


def _conversation(request: HttpRequest, reference: str) -> Conversation:
    return selectors.conversation_for_agent(acting_agent(request), reference)


def _stored(message: Message, since: datetime) -> int:
    """201 for a message stored by this request, 200 for a replay of an external_id.

    receive_message returns the first message when an external_id comes again; a message
    created before this request started can only be that replay.
    """
    return 201 if message.created_at >= since else 200


@router.post(
    "",
    response={201: ConversationOut, 200: ConversationOut, **_WRITE_ERRORS},
    summary="Open a conversation from a customer message",
    description=(
        "Stores the customer's first message in the token's inbox and opens a conversation: "
        "the contact is found or created from `platform_user_id`, `email` or `phone` (in "
        "that order), secrets in the text are redacted, and the intent sets priority and "
        "queue (`account_stolen` is urgent). Answers 201 with the new conversation, or 200 "
        "with the existing one when `external_id` was already received."
    ),
)
def create_conversation(
    request: HttpRequest, payload: ConversationCreate
) -> Status[ConversationOut]:
    started = timezone.now()
    message = actions.receive_message(inbound.new_conversation(payload, token_inbox(request)))
    status = _stored(message, started)
    # A conversation this request opened (its message is number 1) has no tags yet, so
    # the answer spares a query; a replay's conversation may have been tagged since.
    opened = status == 201 and message.seq == 1
    return Status(status, ConversationOut.of(message.conversation, tags=[] if opened else None))


@router.get(
    "",
    response={200: ConversationPage, **_READ_ERRORS},
    summary="List conversations",
    description=(
        "Newest activity first, 25 a page. Filters combine; `view=mine` means assigned to "
        "the token's agent. Use `next_page` while `has_next` is true."
    ),
)
def list_conversations(
    request: HttpRequest, filters: Query[ConversationFilters]
) -> ConversationPage:
    page = selectors.inbox_page(
        acting_agent(request),
        selectors.InboxFilters(
            view=filters.view,
            channel=filters.channel or "",
            status=filters.status or "",
            intent=filters.intent or "",
            priority=filters.priority or "",
            contact_id=filters.contact_id,
            sla=filters.sla or "",
            sort="deadline" if filters.sort == "deadline" else "",
        ),
        filters.page,
    )
    return ConversationPage(
        items=[ConversationOut.of(conversation) for conversation in page.conversations],
        page=page.page,
        has_next=page.has_next,
        next_page=page.page + 1 if page.has_next else None,
    )


@router.get(
    "/{reference}",
    response={200: ConversationDetailOut, **_READ_ERRORS},
    summary="Get a conversation",
    description=(
        "By reference: `K-000123` (also accepted: `k-123`, `123`). With its `reply_window`: "
        "whether a reply may go on the conversation's channel now, how and until when, or "
        "why not and where it can go instead."
    ),
)
def get_conversation(request: HttpRequest, reference: str) -> ConversationDetailOut:
    conversation = _conversation(request, reference)
    window = ReplyWindowOut.of(reply_window(conversation))
    return ConversationDetailOut(
        **ConversationOut.of(conversation).model_dump(), reply_window=window
    )


@router.get(
    "/{reference}/sla",
    response={200: ConversationSlaOut, **_READ_ERRORS},
    summary="Get a conversation's SLA clocks, events and escalations",
    description=(
        "The next deadline (as in the conversation's `sla`), each target's clock (running, "
        "overdue, paused, met or stopped), every SLA event oldest first, and, for a token "
        "acting as a supervisor or administrator, the escalations from tier to tier."
    ),
)
def get_conversation_sla(request: HttpRequest, reference: str) -> ConversationSlaOut:
    agent = acting_agent(request)
    conversation = selectors.conversation_for_agent(agent, reference)
    panel = sla_selectors.panel(conversation)
    # Who moved a case up and why is for supervisors (as in the console).
    supervisor = agent.has_role(Role.SUPERVISOR)
    escalations = sla_selectors.escalations_of(conversation) if supervisor else []
    now = timezone.now()
    return ConversationSlaOut(
        **SlaOut.of(conversation).model_dump(),
        reference=conversation.reference,
        clocks=[ClockOut.of(c, sla_selectors.clock_state(c, now)) for c in panel.clocks],
        events=[SlaEventOut.of(e) for e in panel.events],
        escalations=[EscalationOut.of(e) for e in escalations],
    )


@router.get(
    "/{reference}/messages",
    response={200: list[MessageOut], **_READ_ERRORS},
    summary="List a conversation's messages",
    description="Oldest first. Internal notes are left out unless `include_notes=true`.",
)
def list_messages(
    request: HttpRequest, reference: str, include_notes: bool = False
) -> list[MessageOut]:
    conversation = _conversation(request, reference)
    messages = selectors.timeline(conversation, include_notes=include_notes)
    return [MessageOut.of(message) for message in messages]


@router.post(
    "/{reference}/messages",
    response={201: MessageOut, 200: MessageOut, **_WRITE_ERRORS},
    summary="Add a customer message",
    description=(
        "A further message from the conversation's customer (only for conversations of the "
        "token's inbox). A resolved or pending conversation reopens; a closed one gets a "
        "follow-up conversation, whose reference the answer carries. 200 for a repeated "
        "`external_id`."
    ),
)
def post_customer_message(
    request: HttpRequest, reference: str, payload: CustomerMessageIn
) -> Status[MessageOut]:
    conversation = _conversation(request, reference)
    started = timezone.now()
    message = actions.receive_message(
        inbound.into_conversation(
            conversation,
            token_inbox(request),
            text=payload.text,
            external_id=payload.external_id,
        )
    )
    status = _stored(message, started)
    return Status(status, MessageOut.of(message, with_attachments=status == 200))


@router.post(
    "/{reference}/messages/multipart",
    response={
        201: MessageOut,
        200: MessageOut,
        **error_responses(400, 401, 403, 404, 413, 415, 422),
    },
    summary="Add a customer message with files",
    description=(
        f"The multipart/form-data twin of the JSON endpoint: `text`, `external_id` and 1 to "
        f"{inbound.MAX_FILES} `files` (images, PDF, text files: .txt, .csv, .json, .md, .log; "
        "10 MB each by default). Secrets in a text file are replaced by markers before it is "
        "stored. A file too large answers 413 `attachment_rejected`, a type not allowed (or a "
        "text file that cannot be read as text) 415 `unsupported_media_type` (the type is read "
        "from the bytes, not from the name). A request larger than all its files together is "
        "answered 413 `request_too_large` before it is read."
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "additionalProperties": False,
                        "properties": {"files": {"minItems": 1, "maxItems": inbound.MAX_FILES}},
                    },
                    "encoding": {
                        "files": {
                            "contentType": ", ".join(sorted(ALLOWED_TYPES)),
                            # A part without a file name is a form field, not a file.
                            "headers": {
                                "Content-Disposition": {
                                    "description": "Each file part names its file.",
                                    "schema": {
                                        "type": "string",
                                        "example": 'form-data; name="files"; filename="screen.png"',
                                    },
                                }
                            },
                        }
                    },
                }
            }
        }
    },
)
def post_customer_message_with_files(
    request: HttpRequest,
    reference: str,
    payload: Form[CustomerMessageForm],
    files: File[list[UploadedFile]],
) -> Status[MessageOut]:
    conversation = _conversation(request, reference)
    uploads = inbound.attachments_from(files)
    started = timezone.now()
    message = actions.receive_message(
        inbound.into_conversation(
            conversation,
            token_inbox(request),
            text=payload.text,
            external_id=payload.external_id,
            files=uploads,
        )
    )
    return Status(_stored(message, started), MessageOut.of(message))


@router.get(
    "/{reference}/attachments/{attachment_id}",
    response={**_READ_ERRORS},
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, with the type its bytes were checked to be.",
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for content_type in sorted(ALLOWED_TYPES)
                },
            }
        }
    },
)
def download_attachment(
    request: HttpRequest, reference: str, attachment_id: ExampleId
) -> FileStream:
    attachment = attachment_in(_conversation(request, reference), attachment_id)
    return FileStream(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


@router.post(
    "/{reference}/replies",
    response={201: ReplyOut, **_WRITE_ERRORS},
    summary="Reply as the token's agent",
    description=(
        "Stores the reply and queues its delivery on the conversation's channel, or on "
        "`via` (one of the reply window's alternatives). A reply that asks the customer for "
        "a recovery phrase, private key, password, 2FA code, remote access or a transfer is "
        "refused with 422 `outbound_blocked` (with `reasons`) and reported to supervisors. "
        "409 on a closed conversation, and 409 `reply_window_closed` (with the reason in "
        "`message`) when the channel no longer takes replies (WeChat: 48 hours after the "
        "customer's last message, 20 messages) or `via` is not one of the alternatives. "
        "409 `conversation_changed` when `seen_message_id` is given and someone else replied "
        "after it (nothing is sent; `missed_message_ids` lists those replies). The answer "
        "carries the reply window after this reply."
    ),
)
def post_reply(request: HttpRequest, reference: str, payload: ReplyIn) -> Status[ReplyOut]:
    conversation = _conversation(request, reference)
    message = actions.send_reply(
        conversation=conversation,
        agent=acting_agent(request),
        text=payload.text,
        then_status=payload.then_status or "",
        via=payload.via or "",
        seen_message_id=payload.seen_message_id,
    )
    reply = MessageOut.of(message, with_attachments=False)
    window = ReplyWindowOut.of(reply_window(conversation))
    return Status(201, ReplyOut(**reply.model_dump(), reply_window=window))


@router.post(
    "/{reference}/notes",
    response={201: MessageOut, **_WRITE_ERRORS},
    summary="Add an internal note",
    description="Seen by agents only, never delivered to the customer.",
)
def post_note(request: HttpRequest, reference: str, payload: NoteIn) -> Status[MessageOut]:
    message = actions.add_note(
        conversation=_conversation(request, reference),
        agent=acting_agent(request),
        text=payload.text,
    )
    return Status(201, MessageOut.of(message, with_attachments=False))


def _conversation_change(
    path: str,
    schema: type[Payload],
    change: Callable[[Conversation, Agent, Payload], Conversation],
    *,
    name: str,
    summary: str,
    description: str | None = None,
) -> None:
    """Register `POST /{reference}/<path>`: one action on a conversation, answered with it."""

    def handler(request: HttpRequest, reference: str, payload: Any) -> ConversationOut:
        conversation = change(_conversation(request, reference), acting_agent(request), payload)
        return ConversationOut.of(conversation)

    # django-ninja takes the body's schema from the annotation and the operation id from
    # the name (KefuAPI.get_openapi_operation_id), so each operation keeps its own.
    handler.__name__ = name
    handler.__annotations__["payload"] = schema
    router.post(
        path,
        response={200: ConversationOut, **_WRITE_ERRORS},
        summary=summary,
        description=description,
    )(handler)


def _assign(conversation: Conversation, actor: Agent, payload: AssigneeIn) -> Conversation:
    assignee = agent_by_public_id(payload.agent_public_id) if payload.agent_public_id else None
    return actions.assign(conversation=conversation, actor=actor, assignee=assignee)


def _tag(conversation: Conversation, actor: Agent, payload: TagsIn) -> Conversation:
    conversation = actions.tag(conversation=conversation, actor=actor, names=payload.tags)
    prefetch_related_objects([conversation], "tags")
    return conversation


_conversation_change(
    "/{reference}/status",
    StatusIn,
    lambda conversation, actor, payload: actions.change_status(
        conversation=conversation, actor=actor, status=payload.status
    ),
    name="set_status",
    summary="Change the status",
    description=(
        "open ⇄ pending ⇄ on_hold → resolved → closed (or resolved → open). Closed is final. "
        "A change the status machine does not allow answers 409 "
        "`invalid_status_transition` and changes nothing."
    ),
)
_conversation_change(
    "/{reference}/priority",
    PriorityIn,
    lambda conversation, actor, payload: actions.set_priority(
        conversation=conversation, actor=actor, priority=payload.priority
    ),
    name="set_priority",
    summary="Change the priority",
)
_conversation_change(
    "/{reference}/assignee",
    AssigneeIn,
    _assign,
    name="set_assignee",
    summary="Assign or unassign",
    description=(
        "`agent_public_id` null unassigns. A token's agent may take an unassigned "
        "conversation or release its own; anything else needs a supervisor's token (403)."
    ),
)
_conversation_change(
    "/{reference}/tags",
    TagsIn,
    _tag,
    name="set_tags",
    summary="Set the tags",
    description=(
        "Replaces the conversation's tags with `tags` (created on first use). Tags that hold "
        "a password, key, code or recovery phrase are refused with 422 `tag_rejected`."
    ),
)

"""The customer's record of a conversation: what was said, when, and by which agent.

Built from the customer's own timeline (internal notes never reach it), in the viewer's
language and time zone; rendered as plain text here and as printable HTML by the
`portal/record.html` template.
"""

from dataclasses import dataclass
from datetime import datetime

from django.template.defaultfilters import filesizeformat
from django.utils import dateformat, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.core.intents import Intent
from kefu.portal.labels import customer_status
from kefu.safety.exposure import SAFETY_LINE

TIME_FORMAT = "Y-m-d H:i"
RULE = "-" * 64


class Role:
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass(frozen=True)
class RecordAttachment:
    filename: str
    size: int


@dataclass(frozen=True)
class Entry:
    at: datetime
    role: str
    author: str
    # The public id customers can check on the verification page; agents only.
    agent_id: str
    text: str
    attachments: tuple[RecordAttachment, ...]


@dataclass(frozen=True)
class Record:
    reference: str
    subject: str
    topic: str
    status: str
    customer: str
    opened_at: datetime
    last_activity_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    generated_at: datetime
    time_zone: str
    entries: tuple[Entry, ...]


def message_text(message: Message) -> str:
    """What a customer reads of a message: its text, or its (sanitized) HTML as text."""
    if message.text.strip():
        return message.text
    return strip_tags(message.html).strip() if message.html else ""


def _entry(message: Message, customer: Contact) -> Entry:
    agent = message.author_agent
    if message.kind == MessageKind.SYSTEM:
        role, author, agent_id = Role.SYSTEM, _("Kefu support"), ""
    elif message.kind == MessageKind.OUTBOUND:
        role = Role.AGENT
        # A reply without an agent comes from an integration; it still speaks for support.
        author = (agent.display_name if agent is not None else "") or _("Kefu support")
        agent_id = agent.public_id if agent is not None else ""
    else:
        role, agent_id = Role.CUSTOMER, ""
        sender = message.author_contact
        author = sender.display_name if sender is not None else customer.display_name
    return Entry(
        at=message.created_at,
        role=role,
        author=author,
        agent_id=agent_id,
        text=message_text(message),
        attachments=tuple(
            RecordAttachment(filename=a.filename, size=a.size) for a in message.attachments.all()
        ),
    )


def intent_label(intent: str) -> str:
    return str(Intent(intent).label) if intent in Intent.values else ""


def build(conversation: Conversation, messages: list[Message], customer: Contact) -> Record:
    """The record of `conversation`; `messages` must be the customer-visible timeline."""
    if any(message.kind == MessageKind.NOTE for message in messages):
        # A caller passing the agents' timeline would hand notes to the customer.
        raise ValueError("internal notes cannot be part of a customer's record")
    return Record(
        reference=conversation.reference,
        subject=conversation.subject,
        topic=intent_label(conversation.intent),
        status=customer_status(conversation.status),
        customer=customer.display_name,
        opened_at=conversation.created_at,
        last_activity_at=conversation.last_message_at,
        resolved_at=conversation.resolved_at,
        closed_at=conversation.closed_at,
        generated_at=timezone.now(),
        time_zone=timezone.get_current_timezone_name(),
        entries=tuple(_entry(message, customer) for message in messages),
    )


def format_time(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), TIME_FORMAT)


def _field(label: str, value: str) -> str:
    # Chinese uses a full-width colon, so the separator is part of the translation.
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _author_line(entry: Entry) -> str:
    if entry.role == Role.AGENT and entry.agent_id:
        who = _("%(name)s · %(agent_id)s (support agent)") % {
            "name": entry.author,
            "agent_id": entry.agent_id,
        }
    elif entry.role == Role.AGENT:
        who = _("%(name)s (support agent)") % {"name": entry.author}
    elif entry.role == Role.SYSTEM:
        who = _("%(name)s (system message)") % {"name": entry.author}
    else:
        who = _("%(name)s (customer)") % {"name": entry.author}
    return f"[{format_time(entry.at)}] {who}"


def as_text(record: Record, *, verify_url: str) -> str:
    """The record as UTF-8 plain text, readable in any editor and easy to forward."""
    header = [
        _("Kefu support — conversation record"),
        "=" * 40,
        _field(_("Ticket number"), record.reference),
        _field(_("Subject"), record.subject or _("(no subject)")),
    ]
    if record.topic:
        header.append(_field(_("Topic"), record.topic))
    header += [
        _field(_("Customer"), record.customer),
        _field(_("Status"), record.status),
        _field(_("Opened"), format_time(record.opened_at)),
        _field(_("Last activity"), format_time(record.last_activity_at)),
    ]
    if record.resolved_at:
        header.append(
            _field(pgettext("record heading", "Resolved at"), format_time(record.resolved_at))
        )
    if record.closed_at:
        header.append(
            _field(pgettext("record heading", "Closed at"), format_time(record.closed_at))
        )
    header += [
        _field(_("Downloaded"), format_time(record.generated_at)),
        _field(_("Time zone"), record.time_zone),
    ]
    lines = [*header, "", RULE]
    for entry in record.entries:
        lines.append(_author_line(entry))
        if entry.text:
            lines.append(entry.text.strip())
        for attachment in entry.attachments:
            lines.append(
                "  "
                + _("Attachment: %(name)s (%(size)s)")
                % {"name": attachment.filename, "size": filesizeformat(attachment.size)}
            )
        lines.append("")
    lines += [
        RULE,
        str(SAFETY_LINE),
        _("Check that an agent id, phone number, email address or link is official: %(url)s")
        % {"url": verify_url},
        "",
    ]
    return "\n".join(lines).replace("\r\n", "\n")

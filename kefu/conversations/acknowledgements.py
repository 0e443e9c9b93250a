"""The automatic answer to a new ticket: its number and when a person will reply."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from kefu.contacts.models import Contact
from kefu.conversations import events
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from kefu.core.languages import to_django
from kefu.core.throttle import Limit, hit


def _limit() -> Limit:
    # Per sender and hour: a customer (or a robot that slipped past the loop checks)
    # writing in a burst gets a few acknowledgements, never one per message.
    return Limit("ack", settings.KEFU_EMAIL_ACKS_PER_HOUR, 3600)


def acknowledgement_text(conversation: Conversation, *, duplicate: bool) -> str:
    params = {
        "ref": conversation.reference,
        "hours": settings.KEFU_EMAIL_FIRST_RESPONSE_HOURS,
    }
    with translation.override(to_django(conversation.language)):
        if duplicate:
            return (
                _(
                    "We already have this request as %(ref)s, so your new message was added to "
                    "it rather than opening another ticket. An agent will answer within "
                    "%(hours)s hours."
                )
                % params
            )
        return (
            _(
                "We have received your request %(ref)s. An agent will answer within %(hours)s "
                "hours. Please keep %(ref)s in the subject when you write about this matter."
            )
            % params
        )


def acknowledge(conversation: Conversation, contact: Contact, *, duplicate: bool) -> Message | None:
    """Queue the acknowledgement (inside the caller's transaction); None when rate-limited."""
    from kefu.conversations.tasks import queue_delivery

    if not hit(_limit(), str(contact.pk)):
        return None
    message = Message.objects.create(
        conversation=conversation,
        kind=MessageKind.OUTBOUND,
        text=acknowledgement_text(conversation, duplicate=duplicate),
        delivery_status=DeliveryStatus.QUEUED,
    )
    queue_delivery(message.pk)
    events.message_added(message)
    return message

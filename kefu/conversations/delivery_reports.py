"""A bounce (delivery-status notification) for a message we sent: mark it failed, tell the agent."""

from django.utils.translation import gettext as _

from kefu.conversations import events
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import DeliveryStatus, Message, MessageKind


def record_bounce(inbound: InboundMessage) -> Message | None:
    """The system note added to the failed message's conversation, or None if it is not ours."""
    failed = (
        Message.objects.filter(kind=MessageKind.OUTBOUND, external_id__in=inbound.bounce_of)
        .select_related("conversation")
        .first()
    )
    if failed is None:
        return None
    if inbound.external_id:
        # The same report delivered twice (an IMAP refetch) is recorded once.
        seen = failed.conversation.messages.filter(external_id=inbound.external_id).first()
        if seen is not None:
            return seen
    reason = inbound.bounce_reason or _("no reason given")
    failed.delivery_status = DeliveryStatus.FAILED
    failed.delivery_error = reason[:500]
    failed.save(update_fields=["delivery_status", "delivery_error"])
    events.delivery_updated(failed)
    note = Message.objects.create(
        conversation=failed.conversation,
        kind=MessageKind.SYSTEM,
        text=_("The email with this reply could not be delivered: %(reason)s") % {"reason": reason},
        original=inbound.original,
        external_id=inbound.external_id[:255],
    )
    events.message_added(note)
    return note

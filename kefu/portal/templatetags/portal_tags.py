"""Template filters for portal pages: the customer's wording of states and messages."""

from django import template

from kefu.conversations.models import Message
from kefu.portal import labels, record

register = template.Library()


@register.filter
def customer_status(status: str) -> str:
    return labels.customer_status(status)


@register.filter
def intent_label(intent: str) -> str:
    return record.intent_label(intent)


@register.filter
def message_text(message: Message) -> str:
    return record.message_text(message)


@register.filter
def is_image(content_type: str) -> bool:
    return content_type.startswith("image/")

"""How a ticket's state reads to a customer (agents' wording is about their own queue)."""

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from kefu.conversations.models import Status

# "Pending customer" means something to an agent; a customer needs to be told that the
# ball is in their court. The context keeps these apart from the agents' labels.
CUSTOMER_STATUS: dict[str, Promise] = {
    Status.OPEN: pgettext_lazy("ticket status for the customer", "In progress"),
    Status.PENDING: pgettext_lazy("ticket status for the customer", "Waiting for your reply"),
    Status.ON_HOLD: pgettext_lazy("ticket status for the customer", "On hold"),
    Status.RESOLVED: pgettext_lazy("ticket status for the customer", "Resolved"),
    Status.CLOSED: pgettext_lazy("ticket status for the customer", "Closed"),
}


def customer_status(status: str) -> str:
    label = CUSTOMER_STATUS.get(status)
    return str(label) if label is not None else status

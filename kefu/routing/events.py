"""The queue's real-time signal: customers re-read their place, supervisors their board."""

from kefu.core.events import publish_on_commit

QUEUE_GROUP = "queue"


def queue_changed() -> None:
    """Publish after commit that the waiting queue or agent availability changed.

    The event carries no data: each listener re-reads what it shows, so one event serves
    the customer's position and the supervisor's board alike.
    """
    publish_on_commit([QUEUE_GROUP], {"kind": "queue.changed"})

"""Background delivery of outbound messages, with retries and a visible status."""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from kefu.conversations import events
from kefu.conversations.models import DeliveryStatus, Message
from kefu.conversations.outbound import PermanentError, RetryableError, deliverer_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def retry_delay(attempt: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min, ~2 h: long enough to outlast a provider's outage."""
    return timedelta(seconds=30 * 4 ** (attempt - 1))


def _finish(message: Message, status: str, error: str = "") -> None:
    with transaction.atomic():
        message.delivery_status = status
        message.delivery_error = error[:500]
        message.save(update_fields=["delivery_status", "delivery_error"])
        events.delivery_updated(message)


def queue_delivery(message_id: int) -> None:
    """Queue a message's delivery in the caller's transaction.

    With the database queue the job row commits with the message or not at all, so no
    crash can leave a reply stored without its delivery (or a job for a reply that was
    rolled back). Another backend cannot join the transaction: it gets the job on commit.
    """
    if isinstance(deliver_message.get_backend(), DatabaseBackend):
        deliver_message.enqueue(message_id)
    else:
        transaction.on_commit(partial(deliver_message.enqueue, message_id))


@task(queue_name="delivery")
def deliver_message(message_id: int) -> str:
    message = Message.objects.select_related(
        "conversation__inbox", "conversation__contact", "author_agent"
    ).get(pk=message_id)
    if message.delivery_status in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        return str(message.delivery_status)  # a duplicate job; the first one decided
    if message.delivery_attempts >= MAX_ATTEMPTS:
        # Only a worker that died during the last attempt leaves a job to come here.
        _finish(message, DeliveryStatus.FAILED, "gave up after the last attempt's worker died")
        return DeliveryStatus.FAILED
    # The attempt is on record before the message leaves: a worker that dies while handing
    # it over leaves an honest count, and the retry that follows the reclaim adds its own.
    Message.objects.filter(pk=message_id).update(delivery_attempts=F("delivery_attempts") + 1)
    message.delivery_attempts += 1
    try:
        deliverer_for(message.via or message.conversation.channel)(message)
    except RetryableError as error:
        if message.delivery_attempts >= MAX_ATTEMPTS:
            _finish(message, DeliveryStatus.FAILED, str(error))
            return DeliveryStatus.FAILED
        _finish(message, DeliveryStatus.RETRYING, str(error))
        delay = retry_delay(message.delivery_attempts)
        if error.retry_after is not None:
            delay = max(delay, timedelta(seconds=error.retry_after))
        when = timezone.now() + delay
        deliver_message.using(run_after=when).enqueue(message_id)
        logger.warning("delivery of message %s will be retried: %s", message_id, error)
        return DeliveryStatus.RETRYING
    except PermanentError as error:
        _finish(message, DeliveryStatus.FAILED, str(error))
        return DeliveryStatus.FAILED
    _finish(message, DeliveryStatus.SENT)
    return DeliveryStatus.SENT

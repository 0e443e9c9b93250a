"""Agent replies on a live chat reach the customer without waiting for this job.

send_reply publishes `message_added` when it commits; each chat socket on the
conversation hears it and pushes the message at once (the latency that matters). If that
push is lost — the customer was offline, a process restarted — the widget's resume on
reconnect fetches everything after the last sequence number it saw. So for a live chat
this job only confirms the message is stored and reachable. A conversation that came
from the off-hours form has no chat to resume: its customer is told by email, as on the
portal.
"""

from kefu.conversations.models import Message
from kefu.inboxes.portal import outbound as portal_outbound
from kefu.inboxes.webchat.models import ChatSession


def deliver(message: Message) -> None:
    if ChatSession.objects.filter(conversation_id=message.conversation_id).exists():
        return
    portal_outbound.deliver(message)

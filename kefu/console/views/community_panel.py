"""The conversation page's community box: the question a ticket came from, and a form
to publish the answer back to it as an official answer."""

from typing import Any

from kefu.community.queue_selectors import questions_of_conversation
from kefu.console.forms import CommunityPublishForm
from kefu.conversations.models import Conversation


def community_context(conversation: Conversation) -> dict[str, Any]:
    return {
        "community_questions": questions_of_conversation(conversation.pk),
        "community_form": CommunityPublishForm(),
        "community_error": "",
        "community_published": None,
    }

"""Building the record from a timeline, and its plain-text form."""

import pytest
from django.utils import translation

from kefu.conversations import selectors
from kefu.conversations.models import MessageKind
from kefu.portal import record

pytestmark = pytest.mark.django_db


def test_a_record_refuses_a_timeline_with_internal_notes(
    conversation_factory, agent_factory, post_message
) -> None:
    conversation = conversation_factory()
    post_message(conversation, MessageKind.NOTE, "internal", agent_factory())
    with_notes = selectors.timeline(conversation, include_notes=True)
    with pytest.raises(ValueError, match="internal notes"):
        record.build(conversation, with_notes, conversation.contact)


def test_a_reply_without_an_agent_is_signed_by_support(conversation_factory, post_message) -> None:
    conversation = conversation_factory()
    post_message(conversation, MessageKind.OUTBOUND, "automatic answer")
    with translation.override("en"):
        built = record.build(
            conversation,
            selectors.timeline(conversation, include_notes=False),
            conversation.contact,
        )
        text = record.as_text(built, verify_url="https://support.example/portal/verify/")
    assert built.entries[-1].author == "Kefu support"
    assert built.entries[-1].agent_id == ""
    assert "Kefu support (support agent)\nautomatic answer" in text
    assert "https://support.example/portal/verify/" in text


def test_attachments_are_listed_by_name_and_size(conversation_factory) -> None:
    from django.core.files.base import ContentFile

    from kefu.conversations.models import Attachment

    conversation = conversation_factory()
    attachment = Attachment(
        message=conversation.messages.get(), filename="tx.png", content_type="image/png", size=2048
    )
    attachment.file.save("x", ContentFile(b"x"), save=False)
    attachment.save()
    with translation.override("en"):
        built = record.build(
            conversation,
            selectors.timeline(conversation, include_notes=False),
            conversation.contact,
        )
        text = record.as_text(built, verify_url="/portal/verify/")
    assert "  Attachment: tx.png (2.0\xa0KB)" in text

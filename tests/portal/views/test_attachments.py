"""Downloading files: only one's own, never from a note, always as a download."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile

from kefu.conversations.models import Attachment, Message, MessageKind
from tests.conftest import portal_client_for
from tests.core.test_ids import HOSTILE_IDS, hostile_spellings

pytestmark = pytest.mark.django_db


def _attach(message: Message, name: str = "回执.pdf") -> Attachment:
    attachment = Attachment(message=message, filename=name, content_type="application/pdf", size=9)
    attachment.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment


def test_the_customer_downloads_their_file_as_an_attachment(conversation_factory) -> None:
    conversation = conversation_factory()
    attachment = _attach(conversation.messages.get())
    response = portal_client_for(conversation.contact).get(
        f"/portal/attachments/{attachment.message_id}/{attachment.pk}/"
    )
    assert response.status_code == 200
    assert response.getvalue() == b"%PDF-1.4\n"
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%9B%9E%E6%89%A7.pdf" in response["Content-Disposition"]


def test_a_file_on_an_internal_note_is_not_found(conversation_factory, agent_factory) -> None:
    conversation = conversation_factory()
    note = Message.objects.create(
        conversation=conversation, kind=MessageKind.NOTE, author_agent=agent_factory(), text="n"
    )
    attachment = _attach(note)
    response = portal_client_for(conversation.contact).get(
        f"/portal/attachments/{note.pk}/{attachment.pk}/"
    )
    assert response.status_code == 404


def test_an_attachment_id_from_another_message_is_not_found(conversation_factory) -> None:
    mine = conversation_factory()
    theirs = conversation_factory()
    their_file = _attach(theirs.messages.get())
    # My own message id with their attachment id must not find their file.
    response = portal_client_for(mine.contact).get(
        f"/portal/attachments/{mine.messages.get().pk}/{their_file.pk}/"
    )
    assert response.status_code == 404


def test_hostile_ids_are_not_found(conversation_factory) -> None:
    conversation = conversation_factory()
    attachment = _attach(conversation.messages.get())
    client = portal_client_for(conversation.contact)
    message_ids = [*HOSTILE_IDS, *hostile_spellings(attachment.message_id)]
    for raw in message_ids:
        response = client.get(f"/portal/attachments/{quote(raw, safe='')}/{attachment.pk}/")
        assert response.status_code == 404, raw
    for raw in [*HOSTILE_IDS, *hostile_spellings(attachment.pk)]:
        response = client.get(f"/portal/attachments/{attachment.message_id}/{quote(raw, safe='')}/")
        assert response.status_code == 404, raw

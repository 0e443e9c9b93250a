"""Attachment downloads: signed-in agents only, always as a download, never sniffed."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile

from kefu.conversations.models import Attachment
from tests.core.test_ids import HOSTILE_IDS, hostile_spellings


@pytest.fixture
def attachment(conversation_factory) -> Attachment:
    message = conversation_factory().messages.get()
    item = Attachment(message=message, filename="转账截图.png", content_type="image/png", size=8)
    item.file.save("ignored", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return item


def test_download_headers(agent_client, attachment):
    response = agent_client.get(f"/console/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''%E8%BD%AC%E8%B4%A6%E6%88%AA%E5%9B%BE.png"
        in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_unknown_attachment_is_404(agent_client):
    assert agent_client.get("/console/attachments/999999/").status_code == 404


def test_anonymous_visitor_cannot_download(client, attachment):
    response = client.get(f"/console/attachments/{attachment.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_a_hostile_attachment_id_is_404(agent_client, attachment):
    for raw in [*HOSTILE_IDS, *hostile_spellings(attachment.pk)]:
        response = agent_client.get(f"/console/attachments/{quote(raw, safe='')}/")
        assert response.status_code == 404, raw

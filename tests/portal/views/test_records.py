"""The downloadable record: who said what and when, in the viewer's zone, without notes."""

from datetime import UTC, datetime

import pytest

from kefu.conversations.models import Message, MessageKind, Status
from kefu.core.intents import Intent
from tests.portal.conftest import client_reading

pytestmark = pytest.mark.django_db

OPENED = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
REPLIED = datetime(2025, 3, 1, 13, 5, tzinfo=UTC)


@pytest.fixture
def conversation(conversation_factory, agent_factory, post_message):
    conversation = conversation_factory(
        text="我的 USDT 提现两天了还没到账",
        subject="提现未到账",
        intent=Intent.WITHDRAWAL_DELAYED,
        status=Status.RESOLVED,
    )
    agent = agent_factory(display_name="李娜", public_id="KF-7Q2M9A")
    post_message(conversation, MessageKind.NOTE, "SECRET-NOTE: check risk flags", agent)
    post_message(conversation, MessageKind.OUTBOUND, "您好，您的提现已完成，请查收。", agent)
    Message.objects.filter(conversation=conversation, kind=MessageKind.INBOUND).update(
        created_at=OPENED
    )
    Message.objects.filter(conversation=conversation).exclude(kind=MessageKind.INBOUND).update(
        created_at=REPLIED
    )
    conversation.created_at = OPENED
    conversation.save(update_fields=["created_at"])
    return conversation


def test_record_txt_has_times_agent_name_and_id_and_text_but_no_notes(conversation) -> None:
    client = client_reading(conversation.contact, "en")
    client.cookies["kefu_tz"] = "America/New_York"
    response = client.get(f"/portal/tickets/{conversation.reference}/record.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{conversation.reference}.txt"'
    text = response.content.decode("utf-8")
    assert f"Ticket number: {conversation.reference}" in text
    assert "Subject: 提现未到账" in text
    assert f"Customer: {conversation.contact.display_name}" in text
    assert "Time zone: America/New_York" in text
    # 12:30 and 13:05 UTC are 07:30 and 08:05 in New York (EST, UTC-5).
    assert "Opened: 2025-03-01 07:30" in text
    customer = conversation.contact.display_name
    assert f"[2025-03-01 07:30] {customer} (customer)\n我的 USDT 提现两天了还没到账" in text
    assert (
        "[2025-03-01 08:05] 李娜 · KF-7Q2M9A (support agent)\n您好，您的提现已完成，请查收。"
        in text
    )
    assert "SECRET-NOTE" not in text
    assert "never ask for your password, recovery phrase (助记词)" in text


def test_record_txt_follows_the_viewers_language_and_zone(conversation) -> None:
    client = client_reading(conversation.contact, "zh-Hant")
    client.cookies["kefu_tz"] = "Asia/Taipei"
    text = client.get(f"/portal/tickets/{conversation.reference}/record.txt").content.decode()
    assert f"工單編號：{conversation.reference}" in text
    assert "[2025-03-01 21:05] 李娜 · KF-7Q2M9A（客服專員）" in text


def test_record_html_is_a_standalone_printable_page(conversation) -> None:
    client = client_reading(conversation.contact, "en")
    client.cookies["kefu_tz"] = "Asia/Shanghai"
    response = client.get(f"/portal/tickets/{conversation.reference}/record.html")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="{conversation.reference}.html"'
    body = response.content.decode()
    assert body.lstrip().startswith("<!doctype html>")
    assert "<style nonce=" in body  # allowed by this response's Content-Security-Policy
    assert '<link rel="stylesheet"' not in body  # prints and saves on its own
    assert f'<p class="reference">{conversation.reference}</p>' in body
    assert conversation.contact.display_name in body
    assert "2025-03-01 20:30" in body
    assert '李娜 · <span class="agent-id">KF-7Q2M9A</span>' in body
    assert "您好，您的提现已完成，请查收。" in body
    assert "SECRET-NOTE" not in body
    assert "Withdrawal delayed" in body
    assert "@media print" in body


def test_record_html_can_be_downloaded_as_a_file(conversation) -> None:
    response = client_reading(conversation.contact).get(
        f"/portal/tickets/{conversation.reference}/record.html?download=1"
    )
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_record_reads_a_fixed_number_of_queries(
    conversation, agent_factory, post_message, django_assert_max_num_queries
) -> None:
    for n in range(20):
        post_message(conversation, MessageKind.OUTBOUND, f"reply {n}", agent_factory())
    client = client_reading(conversation.contact)
    # session, contact, conversation, messages with their authors, attachments
    with django_assert_max_num_queries(5):
        assert client.get(f"/portal/tickets/{conversation.reference}/record.txt").status_code == 200


def test_the_record_links_the_verification_page_on_the_public_address(
    conversation, settings
) -> None:
    settings.SITE_URL = "https://help.example.com"
    client = client_reading(conversation.contact, "en")
    text = client.get(f"/portal/tickets/{conversation.reference}/record.txt").content.decode()
    html = client.get(f"/portal/tickets/{conversation.reference}/record.html").content.decode()
    assert "https://help.example.com/portal/verify/" in text
    assert "https://help.example.com/portal/verify/" in html

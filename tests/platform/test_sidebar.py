"""The console sidebar shows the platform account and suggested articles."""

import pytest

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.platform.connector import ConnectorError
from kefu.platform.models import DemoAccount, DemoTransfer


class BrokenConnector:
    """A back end that is down: every call fails."""

    def __getattr__(self, name: str) -> object:
        def fail(*args: object, **kwargs: object) -> object:
            raise ConnectorError("connection refused")

        return fail


class BuggyConnector:
    def account_status(self, user_id: str) -> object:
        raise KeyError("a bug in someone's connector")


@pytest.fixture
def platform_conversation(conversation_factory, contact_factory):
    contact = contact_factory(name="张伟")
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PLATFORM_USER, value="u-1")
    account = DemoAccount.objects.create(user_id="u-1", state="locked", reason="risk_control")
    from django.utils import timezone

    DemoTransfer.objects.create(
        account=account,
        reference="W-1042",
        kind="withdrawal",
        asset="USDT",
        amount="500",
        network="TRC20",
        status="under_review",
        created_at=timezone.now(),
    )
    return conversation_factory(contact=contact, intent="withdrawal_delayed")


def test_sidebar_shows_account_transfers_and_articles(agent_client, platform_conversation):
    html = agent_client.get(f"/console/c/{platform_conversation.reference}/").content.decode()
    assert "平台账户" in html
    assert "u-1" in html
    assert "W-1042" in html
    assert "account-locked" in html
    assert "风控审查" in html  # the code "risk_control" in the agent's language
    assert "transfer-under_review" in html
    assert "/help/articles/" in html  # suggested articles for withdrawal_delayed


@pytest.mark.parametrize("broken", [BrokenConnector, BuggyConnector])
def test_a_failing_connector_shows_a_message_and_the_page_still_works(
    agent_client, platform_conversation, settings, broken
):
    settings.KEFU_PLATFORM_CONNECTOR = f"{__name__}.{broken.__name__}"
    response = agent_client.get(f"/console/c/{platform_conversation.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "暂时无法连接平台" in html  # the agent reads the console in zh-Hans
    assert "W-1042" not in html
    assert platform_conversation.reference in html


def test_an_unknown_platform_id_is_said_plainly(
    agent_client, conversation_factory, contact_factory
):
    contact = contact_factory()
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PLATFORM_USER, value="u-404")
    conversation = conversation_factory(contact=contact)
    html = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    assert "平台上没有 ID 为 u-404 的客户。" in html


def test_no_platform_panel_for_a_contact_we_cannot_link(agent_client, conversation_factory):
    conversation = conversation_factory()
    html = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    assert "平台账户" not in html

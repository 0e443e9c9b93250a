"""Where the portal tells a customer to send their link command, per channel."""

import pytest

from kefu.contacts.models import IdentityKind
from kefu.portal.link_channels import link_channel
from tests.inboxes.weibo.conftest import make_account as make_weibo_account
from tests.inboxes.x import wire
from tests.inboxes.x.conftest import make_account as make_x_account

pytestmark = pytest.mark.django_db


def test_x_opens_the_dm_composer_with_the_command_typed() -> None:
    make_x_account()
    channel = link_channel(IdentityKind.X)
    assert channel is not None
    assert channel.handle == f"@{wire.USERNAME}"
    assert channel.deep_link("K7P2QX9M") == (
        f"https://x.com/messages/compose?recipient_id={wire.USER_ID}&text=link-K7P2QX9M"
    )


def test_an_x_account_without_api_access_is_not_offered() -> None:
    # It could not answer the command: nothing goes out without API access.
    make_x_account(api_access=False)
    assert link_channel(IdentityKind.X) is None


def test_weibo_names_the_account_without_a_deep_link() -> None:
    account = make_weibo_account()
    channel = link_channel(IdentityKind.WEIBO)
    assert channel is not None
    assert (channel.handle, channel.deep_link("K7P2QX9M")) == (account.screen_name, "")

import pytest

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.wechat import actions
from kefu.safety.models import OfficialChannel, OfficialKind
from kefu.safety.verification import Verdict, verify
from tests.inboxes.wechat.conftest import make_account

pytestmark = pytest.mark.django_db


def test_saving_an_account_lists_its_wechat_id_under_its_name_as_official() -> None:
    account = make_account()
    [listed] = OfficialChannel.objects.filter(kind=OfficialKind.WECHAT, is_active=True)
    assert (listed.value, listed.label) == (account.wechat_id.lower(), "Kefu Exchange Support")
    # Anyone can name an account the same: the name alone does not verify.
    assert verify(account.display_name, kind=OfficialKind.WECHAT).verdict != Verdict.OFFICIAL


def test_saving_again_updates_the_account_in_place() -> None:
    account = make_account()
    saved = actions.save_account(
        inbox=account.inbox,
        app_id=account.app_id,
        app_secret="rotated",
        token=account.token,
        original_id=account.original_id,
        display_name=account.display_name,
    )
    assert saved.pk == account.pk
    assert saved.app_secret == "rotated"


def test_an_account_belongs_to_a_wechat_inbox() -> None:
    inbox = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    with pytest.raises(ValueError, match="WeChat inbox"):
        actions.save_account(
            inbox=inbox, app_id="wx1", app_secret="s", token="t", original_id="gh_1",
            display_name="x",
        )  # fmt: skip

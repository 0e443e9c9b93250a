import pytest

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.weibo import actions
from kefu.safety.models import OfficialChannel, OfficialKind
from kefu.safety.verification import Verdict, verify
from tests.inboxes.weibo import wire
from tests.inboxes.weibo.conftest import make_account

pytestmark = pytest.mark.django_db


def test_saving_an_account_lists_its_uid_as_official_and_its_profile_link_verifies() -> None:
    account = make_account()
    [listed] = OfficialChannel.objects.filter(kind=OfficialKind.WEIBO, is_active=True)
    assert (listed.value, listed.label) == (wire.ACCOUNT_UID, account.screen_name)
    link = f"https://weibo.com/u/{wire.ACCOUNT_UID}"
    assert verify(link).verdict == Verdict.OFFICIAL
    # Anyone can take the same screen name: the name alone does not verify.
    assert verify(account.screen_name, kind=OfficialKind.WEIBO).verdict != Verdict.OFFICIAL


def test_saving_again_updates_the_account_in_place() -> None:
    account = make_account()
    saved = actions.save_account(
        inbox=account.inbox,
        uid=account.uid,
        screen_name=account.screen_name,
        app_key=account.app_key,
        app_secret="rotated",
        access_token=account.access_token,
    )
    assert saved.pk == account.pk
    assert saved.app_secret == "rotated"


def test_an_account_belongs_to_a_weibo_inbox() -> None:
    inbox = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    with pytest.raises(ValueError, match="Weibo inbox"):
        actions.save_account(
            inbox=inbox, uid="1", screen_name="x", app_key="k", app_secret="s", access_token="t"
        )

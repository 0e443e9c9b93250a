"""Screening before storing: secrets, look-alike links, and invitations to talk elsewhere.

The corpus reads invitations as a class (a contact cue and a way out of the community
in one clause) in the three languages, beside the ordinary answers that must pass.
"""

import pytest

from kefu.community.models import HoldReason
from kefu.community.moderation import off_platform_invitations, screen
from kefu.conversations.inbound import InboundAttachment
from kefu.safety.models import OfficialChannel, OfficialKind

pytestmark = pytest.mark.django_db

PHRASE = "abandon ability able about above absent absorb abstract absurd abuse access accident"

HELD = [
    # English: private channels with "me"
    "DM me for support",
    "Please dm me and I will fix it",
    "PM me, I work for the exchange",
    "Send me a private message and I'll refund you",
    "d m me for help",
    "Message me on Telegram @kefu_helpdesk",
    "Contact support on WhatsApp +1 415 555 0100",
    "Add my WeChat: helper888",
    "Text me at +44 20 7946 0958",
    "Reach out to our support team on Telegram: @ExchangeSupport_Team",
    "Join t.me/exchange_support_247 for instant help",
    "Chat with an agent here: wa.me/14155550100",
    "Email me at recovery.agent@gmail.com and I'll restore the wallet",
    "I can help, hit me up on discord",
    "Message me on te1egram",
    "Inbox me for the fix",
    "Our support Telegram is @kefu_official_help",
    # Simplified Chinese
    "私信我，帮你处理",
    "加我微信 kefu8888",
    "联系客服电报 @kefu_kf",
    "有问题加我QQ 12345678",
    "请联系我们的在线客服 +86 138 0013 8000",
    "私 信 我 解决",
    "提现卡住了可以找我，电报 @fix_withdraw",
    "加v信：abc123 专人处理",
    "联系我飞机 @shenqing",
    # Traditional Chinese
    "私訊我幫你處理",
    "加我微信，客服幫你解決",
    "請聯繫客服電報 @kefu_tw",
    "有問題找我，WhatsApp +852 9123 4567",
    "聯絡我們的Line ID: kefu_tw",
]

PASSES = [
    "Contact official support via the Help Center.",
    "Check Settings > Security and turn on 2FA.",
    "Tx hash: 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "Send it to your deposit address TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE shown in the app.",
    "@alice thanks, that worked for me",
    "@alice check the network you picked",
    "Never DM anyone who says they are support.",
    "Support will never ask you to message them on Telegram.",
    "I sent a message to support yesterday and they replied.",
    "I added my wallet address to the whitelist.",
    "The withdrawal of 1500000 USDT took two hours.",
    "Order 20261207123456789 is still pending.",
    "不要加任何自称客服的微信。",
    "请通过帮助中心联系官方客服。",
    "在设置 > 安全 中开启双重验证。",
    "充值地址在资产页面可以看到。",
    "官方客服绝不会私信你索要助记词。",
    "請透過幫助中心聯繫官方客服。",
    "小心冒充客服的私訊。",
    "我也遇到同样的问题，等了两个小时就到账了。",
    "You can contact me here in this thread if it happens again.",
    "Write to support from the Help Center form.",
]


@pytest.mark.parametrize("text", HELD)
def test_invitations_to_talk_elsewhere_are_held(text: str) -> None:
    screening = screen(body=text, language=None, mentionable=["Alice"])
    assert HoldReason.OFF_PLATFORM in screening.reasons, text


@pytest.mark.parametrize("text", PASSES)
def test_ordinary_answers_pass(text: str) -> None:
    screening = screen(body=text, language=None, mentionable=["Alice"])
    assert screening.reasons == (), (text, screening.invitations)


def test_an_official_handle_or_number_is_not_an_invitation() -> None:
    OfficialChannel.objects.create(kind=OfficialKind.TELEGRAM, value="kefu_official")
    OfficialChannel.objects.create(kind=OfficialKind.PHONE, value="+14155550100")
    assert not list(off_platform_invitations("Our Telegram is @kefu_official"))
    assert not list(off_platform_invitations("Call us at +1 415 555 0100"))
    assert not list(off_platform_invitations("t.me/kefu_official"))
    assert list(off_platform_invitations("Our Telegram is @kefu_0fficial"))


def test_a_secret_is_removed_from_title_body_and_file_name() -> None:
    upload = InboundAttachment(
        filename=f"{PHRASE}.png", content_type="image/png", content=b"\x89PNG\r\n\x1a\n"
    )
    screening = screen(
        title=f"my phrase {PHRASE}", body=f"words: {PHRASE}", files=[upload], language="en"
    )
    assert screening.reasons == (HoldReason.SECRET,)
    for text in (screening.title, screening.body, screening.files[0].filename):
        assert "abandon" not in text
    assert screening.secret_kinds


def test_a_lookalike_link_is_held() -> None:
    OfficialChannel.objects.create(kind=OfficialKind.DOMAIN, value="kefu.com")
    screening = screen(body="Log in at https://kefu-support.com/login to fix it", language="en")
    assert HoldReason.LOOKALIKE_LINK in screening.reasons
    assert screening.link_warnings
    assert screen(body="See https://kefu.com/help", language="en").reasons == ()

"""The corpus: every .eml file parsed into what an agent must see (table-driven)."""
# ruff: noqa: E501  (one corpus file per table row reads better than wrapped rows)

import pytest

from kefu.inboxes.email import parsing
from kefu.inboxes.email.quotes import new_content
from tests.inboxes.email.conftest import CORPUS, corpus

# file, subject, sender, body_text (or its start…, for long ones), attachment names, flags
EXPECTED = [
    ("01_plain_english.eml", "Withdrawal stuck for 3 days", "alice.wong@example.com", "Hello,\n\nMy USDT withdrawal (TRC20) has been pending since Mo…", (), ""),
    ("02_gb2312.eml", "提现不到账", "zhangsan@163.com", "您好：\n\n我昨天提现了500 USDT，到现在还没有到账，请帮忙查一下。\n\n谢谢！", (), ""),
    ("03_gbk_labelled_gb2312.eml", "账户被冻结了", "wangkun@126.com", "我叫王堃，朱镕基的镕。我的账户今天早上被冻结了，无法登录，请尽快处理。", (), ""),
    ("04_gb18030.eml", "实名认证失败", "li.na@qq.com", "实名认证一直失败，我的名字里有生僻字“𠇔”，系统无法识别。能人工审核吗？", (), ""),
    ("05_big5_outlook_tw.eml", "回覆: 入金未到帳", "chen.zm@hinet.example.tw", "您好，我的入金已經過了六個小時還沒有到帳，交易序號如下：0x9a8b7c。", (), ""),
    ("06_utf8_labelled_latin1.eml", "Re: 手续费", "zhao.lei@example.cn", "为什么提现手续费比公告上写的高？", (), ""),
    ("07_gbk_labelled_utf8.eml", "充值没到账", "sun.li@sina.example.cn", "我昨天晚上充值了一千块钱，到现在还没有到账，订单号是二零二四零五零三。…", (), ""),
    ("08_unlabelled_gbk_raw_subject.eml", "登录失败", "zhou@example.cn", "我的手机号换了，收不到短信验证码，所以登录不了账户，请问怎么办？", (), ""),
    ("09_rfc2047_q_multi.eml", "Auszahlung / withdrawal — still pending", "zoe@example.de", "Hi, my withdrawal is still pending after 48 hours. Order W-20240503-88.", (), ""),
    ("10_raw_utf8_subject.eml", "如何修改绑定的手机号？", "lin@example.com", "我想把绑定的手机号换成新号码，旧号码已经停用了。", (), ""),
    ("11_alternative.eml", "Can't enable 2FA", "bob.lee@gmail.example.com", "Hi,\nThe Google Authenticator QR code does not load on the security page.\nBob", (), ""),
    ("12_html_only_gmail.eml", "Re: [K-000042] KYC documents", "carol@gmail.example.com", "I uploaded my passport again, please check.", (), ""),
    ("13_mixed_pdf_rfc2231.eml", "Bank statement for deposit", "dave@example.com", "Attached is the bank statement showing the transfer.", ("银行流水.pdf",), ""),
    ("14_rfc2047_filename_gb2312.eml", "转账截图", "limeng@foxmail.example.com", "附件是转账截图，请查收。", ("转账截图.png",), ""),
    ("15_inline_image.eml", "Screenshot of the error", "eve@icloud.example.com", "See the screenshot below.", ("error.png",), ""),
    ("16_forwarded.eml", "Fwd: Urgent: verify your wallet", "frank@example.com", "Is this email really from you? It asks me to enter my recove…", (), ""),
    ("17_outlook_en.eml", "RE: [K-000077] Account locked", "grace.kim@outlook.example.com", "I have reset my password but it is still locked.\n\nGrace", (), ""),
    ("18_outlook_ios.eml", "Re: Deposit missing", "henry@hotmail.example.com", "The deposit arrived now, thank you.", (), ""),
    ("19_outlook_zh.eml", "答复: [K-000105] 提现审核", "liuyang@corp.example.cn", "已经按要求上传了身份证正反面。", (), ""),
    ("20_gmail_en.eml", "Re: Fees", "ivan@gmail.example.com", "Thanks, that explains it.", (), ""),
    ("21_gmail_zh.eml", "Re: 充值问题", "zhengmin@gmail.example.com", "好的，我再等等。", (), ""),
    ("22_gmail_wrapped.eml", "Re: Unlock", "jack@gmail.example.com", "Done, I sent the selfie with my ID.", (), ""),
    ("23_qq_mail_zh.eml", "回复：[K-000130] 交易纠纷", "12345678@qq.com", "卖家一直不放币，聊天记录截图已经发了。", (), ""),
    ("24_qq_mail_en.eml", "Re: Card payment failed", "87654321@qq.com", "It failed again with error 402.", (), ""),
    ("25_foxmail.eml", "Re: 修改邮箱", "zhaoyun@foxmail.example.com", "新邮箱是 zhaoyun2024@example.com，麻烦帮我改一下。\n\nzhaoyun@foxmail.example.com", (), ""),
    ("26_163.eml", "Re:Re: 提现地址填错了", "qianqi@163.com", "地址是我自己的另一个钱包，能追回吗？", (), ""),
    ("27_126_mailmaster.eml", "Re: 实名认证", "sunba@126.com", "照片已经重新上传了。", (), ""),
    ("28_apple_mail_en.eml", "Re: Phone number change", "kate@icloud.example.com", "My new number is the one ending in 4821.", (), ""),
    ("29_apple_mail_zh.eml", "Re: 安全设置", "zhoujie@icloud.example.com", "谷歌验证器已经重新绑定好了。", (), ""),
    ("30_huawei_signature.eml", "APP打不开", "wulei@example.cn", "APP更新以后一打开就闪退，手机是Mate 60。", (), ""),
    ("31_auto_reply_en.eml", "Automatic reply: [K-000200] Your request", "leo@corp.example.com", "I am out of the office until May 10 with limited access to email.", (), "auto"),
    ("32_auto_reply_qq.eml", "自动回复: [K-000201] 您的请求", "55555@qq.com", "这是来自QQ邮箱的假期自动回复邮件。…", (), "auto"),
    ("33_bulk_newsletter.eml", "This week in crypto", "news@newsletter.example.com", "Bitcoin moved 5% this week. Read more on our site.", (), "auto"),
    ("34_exchange_oof.eml", "Out of Office: Re: Fees", "mia@exchange.example.com", "I'm away until Monday.", (), "auto"),
    ("35_dsn_postfix.eml", "Undelivered Mail Returned to Sender", "mailer-daemon@mx.kefu.example", "This is the mail system at host mx.kefu.example.…", (), "auto bounce"),
    ("36_dsn_rfc822.eml", "Delivery Status Notification (Failure)", "mailer-daemon@googlemail.example.com", "** Address not found **…", (), "auto bounce"),
    ("37_bounce_qq_text.eml", "系统退信", "postmaster@qq.com", "很抱歉您的邮件被退回来了………", (), "auto bounce"),
    ("38_dsn_delayed.eml", "Delayed Mail (still being retried)", "mailer-daemon@mx.kefu.example", "Your message could not be delivered for 4 hours.…", (), "auto bounce"),
    ("39_huge_body.eml", "Full export of failed withdrawals", "ops@partner.example.com", "Log line: withdrawal W-000000 status=pending retry=3 node=sg…", (), ""),
    ("40_disallowed_attachment.eml", "Error tool", "nina@example.com", "I attached the program that shows the error, and a screenshot.", ("wallet-fix.exe", "screen.png"), ""),
    ("41_malformed_multipart.eml", "broken", "oscar@example.com", "This body never has the announced boundary.\nMy deposit is missing.", (), ""),
    ("42_malformed_base64.eml", "", "pat@example.com", "This line is not a header…", (), ""),
    ("43_reply_plus_address.eml", "Re: Your request", "quinn@example.com", "Yes, the address starts with TQ9.", (), ""),
    ("44_subject_reference.eml", "About [K-000301] again", "rita@example.com", "Any update on my withdrawal?", (), ""),
    ("45_apple_mail_hant_big5.eml", "Re: 帳戶解鎖", "huang@example.tw", "我已經完成身分驗證，請幫我解鎖帳戶。", (), ""),
    ("46_thunderbird_signature.eml", "Re: API keys", "sam@example.org", "I rotated the API key as you suggested.", (), ""),
    ("47_subject_only.eml", "提现没到账 K-000999", "tina@example.com", "", (), ""),
]  # fmt: skip


def test_every_corpus_file_has_an_expectation() -> None:
    assert sorted(path.name for path in CORPUS.glob("*.eml")) == [row[0] for row in EXPECTED]
    assert len(EXPECTED) >= 40


@pytest.mark.parametrize(("name", "subject", "sender", "body", "files", "flags"), EXPECTED)
def test_corpus(
    name: str, subject: str, sender: str, body: str, files: tuple[str, ...], flags: str
) -> None:
    parsed = parsing.parse(corpus(name))
    assert parsed.subject == subject
    assert parsed.sender == sender
    if body.endswith("…"):  # long bodies: their start is enough
        assert parsed.body_text.startswith(body[:-1])
    else:
        assert parsed.body_text == body
    assert tuple(part.filename for part in parsed.attachments) == files
    assert parsed.auto_submitted == ("auto" in flags)
    assert (parsed.bounce is not None) == ("bounce" in flags)
    assert "\ufffd" not in parsed.subject + parsed.body_text  # nothing lost to a wrong charset


def test_quoted_history_stays_in_the_full_text() -> None:
    parsed = parsing.parse(corpus("23_qq_mail_zh.eml"))
    assert "原始邮件" in parsed.full_text
    assert "请提供聊天记录" in parsed.full_text
    assert "原始邮件" not in parsed.body_text


def test_a_forward_is_kept_whole_because_it_is_what_the_customer_asks_about() -> None:
    parsed = parsing.parse(corpus("16_forwarded.eml"))
    assert "kefu-verify.example.net" in parsed.body_text


def test_threading_headers_are_read() -> None:
    parsed = parsing.parse(corpus("17_outlook_en.eml"))
    assert parsed.message_id == "SN6PR01MB0077@namprd01.prod.outlook.example"
    assert parsed.in_reply_to == "kefu.77.2@kefu.example"
    assert parsed.references == ("kefu.77.1@kefu.example", "kefu.77.2@kefu.example")
    assert parsing.parse(corpus("43_reply_plus_address.eml")).to == (
        "support+k-000300@kefu.example",
    )


@pytest.mark.parametrize(
    ("name", "original", "permanent"),
    [
        ("35_dsn_postfix.eml", "kefu.210.1714716000@kefu.example", True),
        ("36_dsn_rfc822.eml", "kefu.211.1714716100@kefu.example", True),
        ("37_bounce_qq_text.eml", "kefu.212.1714716200@kefu.example", True),
        ("38_dsn_delayed.eml", "kefu.213.1714716300@kefu.example", False),
    ],
)
def test_bounces_name_the_message_that_failed(name: str, original: str, permanent: bool) -> None:
    bounce = parsing.parse(corpus(name)).bounce
    assert bounce is not None
    assert bounce.original_ids == (original,)
    assert bounce.permanent is permanent


def test_dsn_reason_and_recipient() -> None:
    bounce = parsing.parse(corpus("35_dsn_postfix.eml")).bounce
    assert bounce is not None
    assert bounce.recipient == "nobody@example.org"
    assert "User unknown" in bounce.reason


def test_html_part_is_kept_for_sanitizing_later() -> None:
    parsed = parsing.parse(corpus("11_alternative.eml"))
    assert "<b>not</b>" in parsed.html


def test_inline_image_is_marked_inline() -> None:
    (image,) = parsing.parse(corpus("15_inline_image.eml")).attachments
    assert image.inline
    assert image.content_type == "image/png"


def test_message_without_message_id_gets_a_stable_made_up_one() -> None:
    raw = corpus("41_malformed_multipart.eml")
    assert parsing.parse(raw).message_id == ""
    assert parsing.fallback_id(raw) == parsing.fallback_id(raw)
    assert parsing.fallback_id(raw) != parsing.fallback_id(raw + b"x")


def test_bytes_that_are_not_mail_yield_an_empty_unreadable_result() -> None:
    parsed = parsing.parse(b"\x00\x01\x02")
    assert not parsed.readable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ok\n\n-----Original Message-----\nFrom: x\n", "ok"),
        ("好的\n\n-----原始邮件-----\n发件人: x\n", "好的"),
        ("thanks\n\nOn Mon, 6 May 2024 at 10:00, A <a@b.c> wrote:\n> hi\n", "thanks"),
        ("收到\n\n在 2024年5月6日 10:00，客服 写道：\n> 您好\n", "收到"),
        ("first\n> quoted\nsecond\n", "first\nsecond"),
        ("来自上海的用户，提现没到账", "来自上海的用户，提现没到账"),
        ("> only a quote\n", "> only a quote"),
    ],
)
def test_new_content(text: str, expected: str) -> None:
    assert new_content(text) == expected


# U+0000 wherever a mail can carry it: raw in a header, RFC 2047 (=00), quoted-printable
# and base64 text, an attachment's name, the Message-ID and a bounce's report.
MAIL_WITH_NULS = (
    b"From: =?utf-8?Q?=E5=BC=A0=00=E4=B8=89?= <zhang@163.com>\r\n"
    b"To: support@kefu.example\r\n"
    b"Subject: =?utf-8?Q?=E6=8F=90=E7=8E=B0=00=E6=B2=A1=E5=88=B0=E8=B4=A6?= raw\x00tail\r\n"
    b"Message-ID: <abc\x00def@163.com>\r\n"
    b"In-Reply-To: <kefu.1\x00@kefu.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n'
    b"\r\n"
    b"--b\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"=E6=88=91=E7=9A=84=00=E6=8F=90=E7=8E=B0\r\n"
    b"--b\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"\r\n"
    b"PHA+5oiR55qEAOaPkOeOsDwvcD4=\r\n"
    b"--b\r\n"
    b'Content-Type: text/plain; name="log\x00.txt"\r\n'
    b'Content-Disposition: attachment; filename="log\x00.txt"\r\n'
    b"\r\n"
    b"line one\r\n"
    b"--b--\r\n"
)


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list):
        return [text for item in value for text in _texts(item)]
    if hasattr(value, "__dataclass_fields__"):
        return [
            text for name in value.__dataclass_fields__ for text in _texts(getattr(value, name))
        ]
    return []


def test_null_characters_are_dropped_from_every_decoded_text() -> None:
    parsed = parsing.parse(MAIL_WITH_NULS)
    assert parsed.sender_name == "张三"
    assert parsed.subject == "提现没到账 rawtail"
    assert parsed.body_text == "我的提现"
    assert parsed.html == "<p>我的提现</p>"
    assert parsed.message_id == "abcdef@163.com"
    assert parsed.in_reply_to == "kefu.1@kefu.example"
    assert [file.filename for file in parsed.attachments] == ["log.txt"]
    assert not [text for text in _texts(parsed) if "\x00" in text]


def test_null_characters_are_dropped_from_a_bounce_report() -> None:
    raw = corpus("35_dsn_postfix.eml").replace(b"User unknown", b"User\x00 unknown")
    raw = raw.replace(b"kefu.210.1714716000@", b"kefu.210.1714716000\x00@")
    bounce = parsing.parse(raw).bounce
    assert bounce is not None
    assert bounce.original_ids == ("kefu.210.1714716000@kefu.example",)
    assert "User unknown" in bounce.reason

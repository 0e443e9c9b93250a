import pytest

from kefu.safety.credentials import find_credentials


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in find_credentials(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("密码是abc123", "abc123"),
        ("密码：Xy!99", "Xy!99"),
        ("我的密码 Qwe12345", "Qwe12345"),
        ("password: hunter2", "hunter2"),
        ("my password is hunter2", "hunter2"),
        ("pwd=s3cr3t!", "s3cr3t!"),
        ("我的password是Abc12345", "Abc12345"),
        ('The password is "Tr0ub4dor&3".', "Tr0ub4dor&3"),
        ("PIN码 889900", "889900"),
    ],
)
def test_passwords_given_as_such(text: str, value: str) -> None:
    assert _found(text) == [("password", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("验证码 123456", "123456"),
        ("驗證碼是 482913", "482913"),
        ("2FA code 123456", "123456"),
        ("google authenticator code: 123 456", "123 456"),
        ("SMS code is 4821", "4821"),
        ("OTP 998877", "998877"),
        ("482913 是验证码", "482913"),
        ("the 2FA code I got is 555 666", "555 666"),
    ],
)
def test_codes_given_as_such(text: str, value: str) -> None:
    assert _found(text) == [("one_time_code", value)]


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my password",
        "密码错误",
        "验证码收不到",
        "how do I reset my password?",
        "password is wrong",
        "the code expired",
        "error code 500",
        "邀请码 123456",
        "验证码发到13800138000了",
        "密码要求8位以上",
        "reset link: https://x.example/reset-password?token=abcDEF123456",
        "pin 1234",
        "I forgot my password again,please help",
        "my password is wrong,sorry",
        "the password again.thanks",
    ],
)
def test_talk_about_passwords_and_codes_stays(text: str) -> None:
    assert _found(text) == []


def test_the_lead_in_stays_and_only_the_value_goes() -> None:
    text = "登录密码是 Aa112233，帮我登录一下"
    (finding,) = find_credentials(text)
    assert text[: finding.start] == "登录密码是 "
    assert text[finding.end :] == "，帮我登录一下"

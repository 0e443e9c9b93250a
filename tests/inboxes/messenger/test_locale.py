"""The Messenger welcome in the customer's script (the catalogues themselves are checked
for every adapter by tests/inboxes/test_locale.py)."""

from django.utils import translation

from kefu.inboxes.messenger.inbound import welcome_text


def test_the_welcome_is_in_the_language_asked() -> None:
    with translation.override("zh-hant"):
        assert "客服人員會在這個對話中回覆您" in welcome_text("Kefu Exchange")

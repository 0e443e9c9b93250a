"""Refusals carry a stable code and a message in the reader's language."""

from datetime import UTC, datetime

from django.utils import translation

from kefu.community import errors
from kefu.safety.models import SafetyAlert


def test_codes_are_stable() -> None:
    assert errors.EmptyPost().code == "empty_post"
    assert errors.PostTooLong().code == "post_too_long"
    assert errors.Banned(datetime(2030, 1, 1, tzinfo=UTC)).code == "banned"
    assert errors.name_reserved().code == "name_invalid"


def test_messages_are_translated_in_both_chinese_scripts() -> None:
    with translation.override("zh-hans"):
        assert errors.EmptyPost().message == "请先写点内容再发布。"
        assert str(SafetyAlert.Kind.COMMUNITY_POST.label) == "一条社区帖子被暂扣"
    with translation.override("zh-hant"):
        assert errors.Locked().message == "該問題已鎖定，不再接受新的回答或留言。"


def test_a_ban_says_until_when() -> None:
    with translation.override("en"):
        refused = errors.Banned(datetime(2030, 1, 2, 3, 4, tzinfo=UTC))
    assert "2030" in refused.message
    assert refused.params["until"] == "2030-01-02T03:04:00+00:00"

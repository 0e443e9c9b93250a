"""The job that stores what the webhook queued: media fetched, checked, noted when refused."""

from collections.abc import Callable
from typing import Any

from django_tasks_db.models import DBTaskResult
from mnemonic import Mnemonic

from kefu.conversations.models import Message, MessageKind
from kefu.inboxes.wechat import tasks
from kefu.inboxes.wechat.models import WeChatAccount
from tests.inboxes.wechat import wire
from tests.inboxes.wechat.wechat_server import WeChatServer

Post = Callable[..., Any]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 200
AMR = b"#!AMR\n" + b"\x3c" * 300
PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))
MEDIA = "/cgi-bin/media/get"


class ReadsOutAPhrase:
    """A customer who reads their recovery phrase into a voice message."""

    def transcribe(self, audio: bytes, content_type: str, language: str) -> str:
        return f"my words are {PHRASE}"


def only_message() -> Message:
    return Message.objects.prefetch_related("attachments").get(kind=MessageKind.INBOUND)


def test_an_image_is_fetched_and_attached(
    account: WeChatAccount,
    wechat_server: WeChatServer,
    wechat_post: Post,
    run_tasks: Callable[[], None],
) -> None:
    wechat_server.reply(MEDIA, 200, PNG, content_type="image/png")
    wechat_post(account, wire.image("MEDIA_A", "101"))
    run_tasks()
    (attachment,) = only_message().attachments.all()
    assert attachment.content_type == "image/png"
    (download,) = wechat_server.requests_to(MEDIA)
    assert download.query["media_id"] == ["MEDIA_A"]


def test_an_image_over_the_limit_is_not_downloaded_and_noted(
    account: WeChatAccount,
    wechat_server: WeChatServer,
    wechat_post: Post,
    run_tasks: Callable[[], None],
    settings: Any,
) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = 100
    wechat_server.reply(MEDIA, 200, PNG, content_type="image/png")
    wechat_post(account, wire.image("MEDIA_BIG", "102"))
    run_tasks()
    message = only_message()
    assert not message.attachments.exists()
    assert "MEDIA_BIG.jpg" in message.text
    assert message.text.startswith("[")  # the refusal note, in the site's language


def test_a_file_of_a_disallowed_type_is_noted(
    account: WeChatAccount,
    wechat_server: WeChatServer,
    wechat_post: Post,
    run_tasks: Callable[[], None],
) -> None:
    wechat_server.reply(MEDIA, 200, b"MZ\x90\x00" + b"\x00" * 100, content_type="image/jpeg")
    wechat_post(account, wire.image("MEDIA_EXE", "103"))
    run_tasks()
    message = only_message()
    assert not message.attachments.exists()
    assert "MEDIA_EXE" in message.text


def test_a_failing_download_is_retried_then_stored_with_a_note(
    account: WeChatAccount,
    wechat_server: WeChatServer,
    wechat_post: Post,
    run_tasks: Callable[[], None],
) -> None:
    wechat_server.reply(MEDIA, 502, b"Bad Gateway", content_type="text/html")
    wechat_post(account, wire.image("MEDIA_DOWN", "104"))
    run_tasks()
    assert not Message.objects.exists()
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.args_kwargs["args"][-1] == 2  # the second attempt, later
    inbox_id, openid, text, external_id, kinds, media_id, media_type, _ = retry.args_kwargs["args"]
    tasks.receive.call(
        inbox_id, openid, text, external_id, kinds, media_id, media_type, tasks.MEDIA_ATTEMPTS
    )
    message = only_message()
    assert "502" in message.text  # the note says what WeChat answered
    assert message.external_id == "msg:104"


def test_voice_keeps_wechats_recognition(
    account: WeChatAccount,
    wechat_server: WeChatServer,
    wechat_post: Post,
    run_tasks: Callable[[], None],
) -> None:
    wechat_server.reply(MEDIA, 200, AMR, content_type="audio/amr")
    wechat_post(account, wire.voice("VOICE_A", "105", recognition="我的提现还没到"))
    run_tasks()
    message = only_message()
    assert "我的提现还没到" in message.text
    (attachment,) = message.attachments.all()
    assert attachment.content_type == "audio/amr"


def test_voice_without_recognition_is_transcribed_and_screened(
    account: WeChatAccount,
    wechat_server: WeChatServer,
    wechat_post: Post,
    run_tasks: Callable[[], None],
    settings: Any,
) -> None:
    settings.KEFU_TRANSCRIBER = f"{__name__}.ReadsOutAPhrase"
    wechat_server.reply(MEDIA, 200, AMR, content_type="audio/amr")
    wechat_post(account, wire.voice("VOICE_B", "106"))
    run_tasks()
    message = only_message()
    assert "my words are" in message.text
    assert PHRASE.split()[3] not in message.text.split()


def test_a_recognised_secret_is_screened_before_the_job(
    account: WeChatAccount,
    wechat_server: WeChatServer,
    wechat_post: Post,
    run_tasks: Callable[[], None],
) -> None:
    wechat_server.reply(MEDIA, 200, AMR, content_type="audio/amr")
    wechat_post(account, wire.voice("VOICE_C", "107", recognition=f"words {PHRASE}"))
    assert PHRASE not in str(DBTaskResult.objects.get().args_kwargs)
    run_tasks()
    assert PHRASE not in only_message().text

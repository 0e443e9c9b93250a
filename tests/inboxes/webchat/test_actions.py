from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.conversations.inbound import InboundAttachment
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat import actions
from kefu.inboxes.webchat.models import Upload

pytestmark = pytest.mark.django_db


def _upload(inbox: Inbox, age: timedelta) -> Upload:
    upload = actions.store_upload(
        inbox=inbox,
        visitor_id="v1",
        upload=InboundAttachment("提现截图.txt", "text/plain", b"TX 0xabc"),
    )
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - age)
    return upload


def test_uploads_no_message_referenced_in_time_are_deleted_with_their_files(
    chat_inbox: Inbox, settings: Any
) -> None:
    settings.KEFU_UPLOAD_ORPHAN_HOURS = 24
    orphan = _upload(chat_inbox, timedelta(hours=25))
    recent = _upload(chat_inbox, timedelta(hours=23))
    assert orphan.file.storage.exists(orphan.file.name)
    assert actions.sweep_orphan_uploads() == 1
    assert list(Upload.objects.all()) == [recent]
    assert not orphan.file.storage.exists(orphan.file.name)
    assert recent.file.storage.exists(recent.file.name)

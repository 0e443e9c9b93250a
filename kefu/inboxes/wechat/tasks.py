"""The work WeChat's five seconds leave no time for: fetching the media, storing the
message (receive_message), marking an unfollowed OpenID unreachable.

The view screened the text before queueing it (a job's arguments are a database row, and
no secret may be stored): the job passes the kinds it found on as `kinds_removed`.
"""

from dataclasses import replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import IdentityKind
from kefu.conversations import attachments
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.tasks import retry_delay
from kefu.core import transcription
from kefu.core.errors import AttachmentRejected
from kefu.inboxes.wechat import inbound as wechat_inbound
from kefu.inboxes.wechat import platform, selectors, tokens
from kefu.inboxes.wechat.models import WeChatAccount
from kefu.safety.ingress import screen_inbound

# A download that keeps failing (30 s, 2 min, 8 min apart) stores the message with a note:
# WeChat keeps temporary media three days, the customer's words are not held back that long.
MEDIA_ATTEMPTS = 4


@task()
def receive(
    inbox_id: int,
    openid: str,
    text: str,
    external_id: str,
    kinds: list[str],
    media_id: str = "",
    media_type: str = "",
    attempt: int = 1,
) -> None:
    account = WeChatAccount.objects.select_related("inbox").get(inbox_id=inbox_id)
    inbound = InboundMessage(
        inbox=account.inbox,
        text=text,
        identity_kind=IdentityKind.WECHAT,
        identity_value=openid,
        external_id=external_id,
        conversation=selectors.latest_conversation(inbox_id, openid),
        kinds_removed=frozenset(kinds),
    )
    if media_id:
        try:
            inbound = _with_media(account, inbound, media_id, media_type)
        except platform.ApiError as error:
            if attempt < MEDIA_ATTEMPTS:
                receive.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
                    inbox_id, openid, text, external_id, kinds, media_id, media_type, attempt + 1
                )
                return
            note = _("the file could not be fetched from WeChat (%(error)s)") % {"error": error}
            inbound = wechat_inbound.with_notes(inbound, (), [attachments.refused_note(note)])
    receive_message(inbound)


def _with_media(
    account: WeChatAccount, inbound: InboundMessage, media_id: str, media_type: str
) -> InboundMessage:
    limit = settings.KEFU_MAX_ATTACHMENT_BYTES
    download = tokens.call(account, lambda api: api.download(media_id, limit))
    try:
        file = wechat_inbound.media_file(media_id, media_type, download)
    except AttachmentRejected as refused:
        return wechat_inbound.with_notes(inbound, (), [attachments.refused_note(refused.message)])
    kept, notes = attachments.accepted([file])
    if media_type == "voice" and kept and not inbound.text:
        # No Recognition from WeChat: Kefu's own transcriber, screened like the text was.
        heard = transcription.transcript(file.content, file.content_type, inbound.language)
        if heard:
            said = wechat_inbound.voice_text(heard)
            screened = screen_inbound(replace(inbound, text=said, kinds_removed=frozenset()))
            inbound = replace(
                screened.inbound, kinds_removed=inbound.kinds_removed | screened.kinds
            )
    return wechat_inbound.with_notes(inbound, kept, notes)


@task()
def unsubscribed(openid: str) -> None:
    mark_unreachable(
        IdentityKind.WECHAT, openid, reason=_("The customer unfollowed the WeChat account.")
    )

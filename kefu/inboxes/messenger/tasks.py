"""The work Meta's quick answer leaves no time for: fetching the files a customer sent,
storing the message (receive_message), and the Get Started welcome.

The view screened the text before queueing it (a job's arguments are a database row, and
no secret may be stored): the job passes the kinds it found on as `kinds_removed`.
"""

import logging
from dataclasses import replace

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations import attachments
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.conversations.tasks import retry_delay
from kefu.core import http_client
from kefu.core.errors import MessageRejected
from kefu.inboxes.messenger import graph, selectors
from kefu.inboxes.messenger.inbound import welcome_text
from kefu.inboxes.messenger.models import FacebookPage

logger = logging.getLogger(__name__)

# A fetch that keeps failing (30 s, 2 min, 8 min apart) stores the message with a note:
# the customer's words are not held back longer, and Meta's file URLs expire anyway.
FETCH_ATTEMPTS = 4
FETCH_TIMEOUT = 30.0


class FetchFailed(Exception):
    pass


class TooLarge(Exception):
    pass


@task()
def receive(
    inbox_id: int,
    psid: str,
    text: str,
    external_id: str,
    kinds: list[str],
    files: list[list[str]],
    attempt: int = 1,
) -> None:
    page = FacebookPage.objects.select_related("inbox").get(inbox_id=inbox_id)
    message = InboundMessage(
        inbox=page.inbox,
        text=text,
        identity_kind=IdentityKind.MESSENGER,
        identity_value=psid,
        contact_name=contact_name(page, psid),
        external_id=external_id,
        conversation=selectors.latest_conversation(inbox_id, psid),
        kinds_removed=frozenset(kinds),
    )
    kept: list[InboundAttachment] = []
    notes: list[str] = []
    for _kind, url, name in files:
        try:
            kept.append(fetch(url, name))
        except TooLarge:
            notes.append(attachments.refused_note(attachments.too_large(name).message))
        except FetchFailed as failed:
            if attempt < FETCH_ATTEMPTS:
                receive.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
                    inbox_id, psid, text, external_id, kinds, files, attempt + 1
                )
                return
            reason = _("%(name)s could not be fetched from Messenger (%(error)s)") % {
                "name": name,
                "error": failed,
            }
            notes.append(attachments.refused_note(reason))
    files_kept, refused = attachments.accepted(kept)
    full_text = "\n".join(part for part in (text, *refused, *notes) if part)
    try:
        receive_message(replace(message, text=full_text, attachments=files_kept))
    except MessageRejected as rejected:
        # Meta does not send it again; the reason is ours to fix, not the customer's.
        logger.warning("messenger message %s rejected: %s", external_id, rejected)


def fetch(url: str, name: str) -> InboundAttachment:
    """The file at Meta's URL, read no further than the attachment limit.

    The URL is signed by Meta for anyone holding it: the page's token is never sent.
    """
    limit = settings.KEFU_MAX_ATTACHMENT_BYTES
    try:
        stream = http_client.client().stream
        with stream("GET", url, timeout=FETCH_TIMEOUT, follow_redirects=True) as response:
            if response.status_code != 200:
                raise FetchFailed(f"HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise TooLarge
            content = bytearray()
            for chunk in response.iter_bytes():
                content.extend(chunk)
                if len(content) > limit:
                    raise TooLarge
            content_type = response.headers.get("content-type", "application/octet-stream")
    except httpx.HTTPError as failed:
        raise FetchFailed(type(failed).__name__) from failed
    return InboundAttachment(
        filename=name,
        content_type=content_type.split(";")[0].strip(),
        content=bytes(content),
    )


def contact_name(page: FacebookPage, psid: str) -> str:
    """The customer's name from their profile, asked only for a new customer; Meta may
    refuse it (the person's settings, the app's review): the message goes in without."""
    known = ContactIdentity.objects.filter(kind=IdentityKind.MESSENGER, value=psid).exists()
    if known:
        return ""
    try:
        profile = graph.call(page, "GET", psid, params={"fields": "first_name,last_name"})
    except graph.GraphError as refused:
        logger.info("messenger profile of a customer not given: %s", refused)
        return ""
    parts = (profile.get("first_name"), profile.get("last_name"))
    return " ".join(str(part) for part in parts if part)[:200]


@task()
def welcome(inbox_id: int, psid: str) -> None:
    """The answer to Get Started, with the safety line; not stored (nothing asked yet)."""
    page = FacebookPage.objects.select_related("inbox").get(inbox_id=inbox_id)
    body = {
        "recipient": {"id": psid},
        "messaging_type": "RESPONSE",
        "message": {"text": welcome_text(page.name)},
    }
    try:
        graph.call(page, "POST", f"{page.page_id}/messages", json=body)
    except graph.GraphError as failed:
        # A missed greeting is not worth a retry: the customer writes, an agent answers.
        logger.warning("messenger welcome of page %s not sent: %s", page.page_id, failed)

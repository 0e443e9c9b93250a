"""Attachment limits: size, and a type that must match what the bytes really are."""

from collections.abc import Sequence

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kefu.conversations.inbound import InboundAttachment
from kefu.core.errors import AttachmentRejected, UnsupportedMediaType
from kefu.core.text_files import TEXT_TYPES, read_text, text_type

# Types a support conversation needs: screenshots, documents, and text (notes, logs,
# CSV exports, JSON, Markdown), whose content is screened for secrets like a message;
# and audio: MP3 (the phone line's voicemails and recordings), Ogg Opus (Telegram's voice
# notes) and AMR (WeChat's).
_BINARY_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "audio/mpeg",
        "audio/ogg",
        "audio/amr",
    }
)
ALLOWED_TYPES = _BINARY_TYPES | TEXT_TYPES


def sniffed_type(attachment: InboundAttachment) -> str:
    """The type the content really has; a declared type or name only says where to look.

    A file named or declared as text is text when its bytes read as text, whatever its
    first bytes resemble (a log line starting "BM" is not a bitmap); a screenshot or PDF
    is recognised by its signature even under a text name.
    """
    kind = filetype.guess(attachment.content[:512])
    if kind is not None and kind.mime in _BINARY_TYPES:
        return str(kind.mime)
    as_text = text_type(attachment.filename, attachment.content_type)
    if as_text and read_text(attachment.content, attachment.charset) is not None:
        return as_text
    return str(kind.mime) if kind is not None else "application/octet-stream"


def refusal(attachment: InboundAttachment) -> str:
    """Why a file of a type that is not allowed was refused, in words the sender can act on."""
    if text_type(attachment.filename, attachment.content_type) and not filetype.guess(
        attachment.content[:512]
    ):
        return _(
            "%(name)s could not be read as text, so it was not accepted. Save it as "
            "UTF-8 text and send it again."
        ) % {"name": attachment.filename}
    return _("%(name)s is not an allowed file type (images, PDF, plain text or audio).") % {
        "name": attachment.filename
    }


def refused_note(reason: str) -> str:
    """The line kept in a message's text in place of a file that was refused."""
    return _("[Attachment not accepted: %(reason)s]") % {"reason": reason}


def accepted(files: Sequence[InboundAttachment]) -> tuple[tuple[InboundAttachment, ...], list[str]]:
    """The files within the limits, and a note for each one refused: a channel that cannot
    refuse a delivery (mail, a webhook) keeps the message and says what was left out."""
    kept: list[InboundAttachment] = []
    notes: list[str] = []
    for upload in files:
        try:
            check(upload)
        except AttachmentRejected as refused:
            notes.append(refused_note(refused.message))
            continue
        kept.append(upload)
    return tuple(kept), notes


def too_large(name: str) -> AttachmentRejected:
    limit = settings.KEFU_MAX_ATTACHMENT_BYTES
    return AttachmentRejected(
        _("%(name)s is larger than the %(limit)s limit.")
        % {"name": name, "limit": filesizeformat(limit)}
    )


def check(attachment: InboundAttachment) -> str:
    """Return the checked content type, or raise AttachmentRejected (413, too large) or
    UnsupportedMediaType (415, a type that is not kept)."""
    if len(attachment.content) > settings.KEFU_MAX_ATTACHMENT_BYTES:
        raise too_large(attachment.filename)
    content_type = sniffed_type(attachment)
    if content_type not in ALLOWED_TYPES:
        raise UnsupportedMediaType(refusal(attachment))
    return content_type


def read_upload(upload: UploadedFile) -> InboundAttachment:
    """A file from an HTTP upload, read into memory only when it is within the limit.

    Every upload path (chat, portal, console, API) reads its files here. The size comes
    from the multipart parser, which counted the bytes it stored; reading at most one
    byte past the limit keeps even a size it got wrong from filling memory.
    """
    name = upload.name or "file"
    limit = settings.KEFU_MAX_ATTACHMENT_BYTES
    if (upload.size or 0) > limit:
        raise too_large(name)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_large(name)
    return InboundAttachment(
        filename=name,
        content_type=upload.content_type or "application/octet-stream",
        content=content,
        charset=upload.charset or "",
    )

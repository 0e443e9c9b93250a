"""Attachment limits: size, and a type that must match what the bytes really are."""

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kefu.core.errors import AttachmentRejected, UnsupportedMediaType
from kefu.inboxes.base import InboundAttachment

# Types a support conversation needs: screenshots, documents, plain text and logs.
ALLOWED_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
    }
)
_TEXT_TYPES = frozenset({"text/plain", "text/csv"})


def sniffed_type(attachment: InboundAttachment) -> str:
    """The type the content really has; a declared type is only trusted for text."""
    kind = filetype.guess(attachment.content[:512])
    if kind is not None:
        return str(kind.mime)
    if attachment.content_type in _TEXT_TYPES:
        try:
            attachment.content.decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
        return attachment.content_type
    return "application/octet-stream"


def _too_large(name: str) -> AttachmentRejected:
    limit = settings.KEFU_MAX_ATTACHMENT_BYTES
    return AttachmentRejected(
        _("%(name)s is larger than the %(limit)s limit.")
        % {"name": name, "limit": filesizeformat(limit)}
    )


def check(attachment: InboundAttachment) -> str:
    """Return the checked content type, or raise AttachmentRejected (413, too large) or
    UnsupportedMediaType (415, a type that is not kept)."""
    if len(attachment.content) > settings.KEFU_MAX_ATTACHMENT_BYTES:
        raise _too_large(attachment.filename)
    content_type = sniffed_type(attachment)
    if content_type not in ALLOWED_TYPES:
        raise UnsupportedMediaType(
            _("%(name)s is not an allowed file type (images, PDF or plain text).")
            % {"name": attachment.filename}
        )
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
        raise _too_large(name)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _too_large(name)
    return InboundAttachment(
        filename=name,
        content_type=upload.content_type or "application/octet-stream",
        content=content,
    )

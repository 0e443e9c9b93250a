"""Attachment limits: size, and a type that must match what the bytes really are."""

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kefu.core.errors import AttachmentRejected
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


def check(attachment: InboundAttachment) -> str:
    """Return the checked content type, or raise AttachmentRejected."""
    limit = settings.KEFU_MAX_ATTACHMENT_BYTES
    if len(attachment.content) > limit:
        raise AttachmentRejected(
            _("%(name)s is larger than the %(limit)s limit.")
            % {"name": attachment.filename, "limit": filesizeformat(limit)}
        )
    content_type = sniffed_type(attachment)
    if content_type not in ALLOWED_TYPES:
        raise AttachmentRejected(
            _("%(name)s is not an allowed file type (images, PDF or plain text).")
            % {"name": attachment.filename}
        )
    return content_type

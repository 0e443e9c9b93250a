"""Downloading a file from one of the customer's own messages."""

from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kefu.conversations import selectors
from kefu.core.errors import NotFound
from kefu.core.file_responses import FileStream
from kefu.portal.access import PortalRequest, signed_in
from kefu.portal.views.layout import not_found_page


@signed_in
@not_found_page
@require_safe
def attachment(request: PortalRequest, message_id: int, attachment_id: int) -> HttpResponseBase:
    # The selector answers only for the customer's own, non-note messages.
    message = selectors.message_for_contact(request.contact, message_id)
    found = message.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound(_("This file was not found."))
    response = FileStream(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
    # A file is data, never a page of this site: no type guessing, no scripts, no frames.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

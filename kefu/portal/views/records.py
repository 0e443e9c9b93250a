"""Downloads of a conversation's record: printable HTML and plain text."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kefu.conversations import selectors
from kefu.core.public_address import absolute_url
from kefu.portal import record
from kefu.portal.access import PortalRequest, signed_in
from kefu.portal.views.layout import VERIFY_PATH, not_found_page


def _record(request: PortalRequest, reference: str) -> record.Record:
    conversation = selectors.conversation_for_contact(request.contact, reference)
    timeline = selectors.timeline(conversation, include_notes=False)
    return record.build(conversation, timeline, request.contact)


@signed_in
@not_found_page
@require_safe
def record_html(request: PortalRequest, reference: str) -> HttpResponse:
    """A standalone page (inline CSS, no scripts needed) that prints well and saves as PDF."""
    conversation_record = _record(request, reference)
    context = {
        "record": conversation_record,
        "verify_url": absolute_url(VERIFY_PATH),
    }
    response = render(request, "portal/record.html", context)
    filename = f"{conversation_record.reference}.html"
    disposition = "attachment" if request.GET.get("download") == "1" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@signed_in
@not_found_page
@require_safe
def record_txt(request: PortalRequest, reference: str) -> HttpResponse:
    conversation_record = _record(request, reference)
    text = record.as_text(conversation_record, verify_url=absolute_url(VERIFY_PATH))
    response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conversation_record.reference}.txt"'
    return response

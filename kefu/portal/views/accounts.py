"""Linked accounts: the customer's messaging accounts, and linking one with a code that
only that account receives (kefu.contacts.actions.start_link / confirm_link)."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.contacts.actions import LINK_REQUEST_LIFETIME, LINKABLE_KINDS, start_link, unlink
from kefu.contacts.errors import LinkFailed
from kefu.contacts.link_commands import masked_email
from kefu.contacts.models import ContactIdentity, IdentityKind, LinkRequest
from kefu.portal.access import PortalRequest, signed_in
from kefu.portal.forms import LinkCodeForm
from kefu.portal.link_channels import LinkChannel, link_channel, link_channels
from kefu.portal.linking import confirm
from kefu.portal.views.layout import render_page

# Enough of an account id for its owner to recognise it.
SHOWN_CHARACTERS = 4


def masked_value(identity: ContactIdentity) -> str:
    if identity.kind == IdentityKind.EMAIL:
        return masked_email(identity.value)
    return "•••" + identity.value[-SHOWN_CHARACTERS:]


def _page(
    request: PortalRequest,
    *,
    started: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    contact = request.contact
    identities = [
        {
            "id": identity.pk,
            "kind": identity.get_kind_display(),
            "value": masked_value(identity),
            "linked_at": identity.created_at,
            "unlinkable": identity.kind in LINKABLE_KINDS,
        }
        for identity in contact.identities.order_by("created_at")
    ]
    pending = LinkRequest.objects.filter(contact=contact, used_at__isnull=True).exists()
    context = {
        "identities": identities,
        "channels": link_channels(),
        "started": started,
        "form": LinkCodeForm(),
        "error": error,
        "show_code_form": bool(started) or pending or bool(error),
    }
    return render_page(request, "portal/accounts.html", context, status=status)


@signed_in
@require_GET
def accounts(request: PortalRequest) -> HttpResponse:
    return _page(request)


def _instructions(channel: LinkChannel, token: str) -> dict[str, Any]:
    return {
        "label": channel.label,
        "handle": channel.handle,
        "token": token,
        "deep_link": channel.deep_link(token),
        "minutes": int(LINK_REQUEST_LIFETIME.total_seconds() // 60),
    }


@signed_in
@require_POST
def start(request: PortalRequest) -> HttpResponse:
    """Shown once, in this response: only the token's hash is kept."""
    channel = link_channel(request.POST.get("kind", ""))
    if channel is None:
        messages.error(request, _("This kind of account cannot be linked."))
        return redirect("portal:accounts")
    issued = start_link(request.contact, channel.kind)
    return _page(request, started=_instructions(channel, issued.token))


@signed_in
@require_POST
def confirm_link(request: PortalRequest) -> HttpResponse:
    form = LinkCodeForm(request.POST)
    if not form.is_valid():
        # Said without the typed text: whatever was typed is not shown back.
        return _page(
            request, error=" ".join(str(e) for e in form.errors.get("code", [])), status=400
        )
    try:
        linked = confirm(request.contact, form.cleaned_data["code"])
    except LinkFailed as refused:
        # A fresh form: the typed code is never shown back.
        return _page(request, error=refused.message, status=refused.status)
    kind = linked.identity.get_kind_display()
    if linked.moved:
        messages.success(request, _("Your %(kind)s account is linked.") % {"kind": kind})
    else:
        messages.info(
            request, _("This %(kind)s account was already linked to you.") % {"kind": kind}
        )
    return redirect("portal:accounts")


@signed_in
@require_POST
def unlink_account(request: PortalRequest) -> HttpResponse:
    try:
        identity_id = int(request.POST.get("identity", ""))
        unlink(request.contact, identity_id)
    except (ValueError, LinkFailed):
        messages.error(request, _("This account is not linked to yours."))
    else:
        messages.success(request, _("The account is no longer linked to yours."))
    return redirect("portal:accounts")

"""“Is this really Kefu support?”: checking a contact against the official registry, and
reporting an impostor.

Both pages are public: the people who need them most were just contacted by a stranger
and may never have signed in.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.core import throttle
from kefu.core.errors import MessageRejected
from kefu.core.intents import Intent
from kefu.core.languages import from_django
from kefu.inboxes.portal.inbound import from_form, portal_inbox
from kefu.portal import session
from kefu.portal.access import follow_contact_language
from kefu.portal.forms import ImpostorReportForm, VerifyForm
from kefu.portal.views.layout import render_page
from kefu.portal.views.tickets import TICKET_CREATED_TAG
from kefu.safety import registry, verification
from kefu.safety.models import OfficialKind
from kefu.safety.verification import Verdict, Verification

# A person checks a handful of numbers and links; sixty in a quarter of an hour leaves
# room for a whole office behind one address, and stops a script from walking every
# agent id to learn which ones exist.
LOOKUPS_PER_IP = throttle.Limit("verify-ip", attempts=60, window_seconds=15 * 60)
# Every report opens a ticket that an agent must read.
REPORTS_PER_IP = throttle.Limit("impostor-report-ip", attempts=5, window_seconds=60 * 60)

REPORT_SENT_KEY = "portal_impostor_report"

# What the thing checked is, inside a sentence: "This is NOT an official Kefu {kind}."
KIND_IN_SENTENCE: dict[str, Promise] = {
    "agent": pgettext_lazy("verified thing, inside a sentence", "support agent"),
    OfficialKind.PHONE: pgettext_lazy("verified thing, inside a sentence", "phone number"),
    OfficialKind.EMAIL: pgettext_lazy("verified thing, inside a sentence", "email address"),
    OfficialKind.DOMAIN: pgettext_lazy("verified thing, inside a sentence", "website"),
    OfficialKind.TELEGRAM: pgettext_lazy("verified thing, inside a sentence", "Telegram account"),
    OfficialKind.X: pgettext_lazy("verified thing, inside a sentence", "X (Twitter) account"),
    OfficialKind.WECHAT: pgettext_lazy("verified thing, inside a sentence", "WeChat account"),
    OfficialKind.FACEBOOK: pgettext_lazy("verified thing, inside a sentence", "Facebook account"),
    OfficialKind.WHATSAPP: pgettext_lazy("verified thing, inside a sentence", "WhatsApp number"),
}

# Headings of the official list, in the order customers most often need them.
KIND_HEADING: dict[str, Promise] = {
    OfficialKind.DOMAIN: pgettext_lazy("official channel list", "Websites"),
    OfficialKind.EMAIL: pgettext_lazy("official channel list", "Email addresses"),
    OfficialKind.PHONE: pgettext_lazy("official channel list", "Phone numbers"),
    OfficialKind.TELEGRAM: pgettext_lazy("official channel list", "Telegram"),
    OfficialKind.X: pgettext_lazy("official channel list", "X (Twitter)"),
    OfficialKind.WECHAT: pgettext_lazy("official channel list", "WeChat"),
    OfficialKind.FACEBOOK: pgettext_lazy("official channel list", "Facebook"),
    OfficialKind.WHATSAPP: pgettext_lazy("official channel list", "WhatsApp"),
}


@dataclass(frozen=True)
class ChannelGroup:
    heading: str
    channels: list[registry.OfficialEntry]


def official_channel_groups() -> list[ChannelGroup]:
    """This site, its sender and the active registry, grouped by kind, for customers to
    compare with what they got."""
    by_kind: dict[str, list[registry.OfficialEntry]] = {}
    for row in registry.official_entries():
        by_kind.setdefault(row.kind, []).append(row)
    return [
        ChannelGroup(str(heading), by_kind[kind])
        for kind, heading in KIND_HEADING.items()
        if kind in by_kind
    ]


def _viewer(request: HttpRequest) -> Contact | None:
    contact = session.current_contact(request)
    if contact is not None:
        follow_contact_language(request, contact)
    return contact


def _verdict_words(result: Verification) -> str:
    """The answer in one line, for the report the agents read."""
    if result.verdict == Verdict.OFFICIAL:
        return _("official")
    if result.verdict == Verdict.NOT_OFFICIAL and result.imitates:
        return _("not official (imitates %(value)s)") % {"value": result.imitates}
    if result.verdict == Verdict.NOT_OFFICIAL:
        return _("not official")
    return _("not in the list of official channels")


def _report_form(contact: Contact | None, query: str) -> ImpostorReportForm:
    return ImpostorReportForm(signed_in=contact is not None, initial={"contacted_by": query})


@require_safe
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    contact = _viewer(request)
    form = VerifyForm(request.GET or None)
    result: Verification | None = None
    status = 200
    query = ""
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        if throttle.hit(LOOKUPS_PER_IP, throttle.client_address(request)):
            result = verification.verify(query, form.cleaned_data["kind"])
        else:
            form.add_error(
                None,
                _(
                    "Too many checks from your connection. "
                    "Please wait a quarter of an hour and try again."
                ),
            )
            status = 429
    context: dict[str, Any] = {
        "form": form,
        "query": query,
        "result": result,
        "kind_noun": KIND_IN_SENTENCE.get(result.kind, "") if result else "",
        "groups": official_channel_groups(),
        "report_form": _report_form(contact, query),
    }
    return render_page(request, "portal/verify.html", context, contact=contact, status=status)


def _report_text(form: ImpostorReportForm, result: Verification) -> str:
    data = form.cleaned_data
    return _(
        "I am reporting someone who said they were Kefu support.\n"
        "\n"
        "Who contacted me: %(who)s\n"
        "How: %(how)s\n"
        "The verification page says: %(verdict)s\n"
        "\n"
        "What they asked for:\n"
        "%(asked_for)s"
    ) % {
        "who": data["contacted_by"],
        "how": form.channel_label(),
        "verdict": _verdict_words(result),
        "asked_for": data["asked_for"],
    }


def _report_inbound(form: ImpostorReportForm, contact: Contact | None) -> InboundMessage:
    who = form.cleaned_data["contacted_by"]
    # Written in the reporter's language (the page's), like everything else they send us.
    subject = _("Impostor report: %(value)s") % {"value": who}
    text = _report_text(form, verification.verify(who))
    if contact is not None:
        return from_form(contact=contact, text=text, subject=subject, intent=Intent.VERIFY_SUPPORT)
    return InboundMessage(
        inbox=portal_inbox(),
        identity_kind=IdentityKind.EMAIL,
        identity_value=form.cleaned_data["email"],
        text=text,
        subject=subject,
        intent=Intent.VERIFY_SUPPORT,
        language=from_django(translation.get_language()),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def report_impostor(request: HttpRequest) -> HttpResponse:
    contact = _viewer(request)
    if request.method != "POST":
        query = request.GET.get("q", "")[:255]
        return render_page(
            request,
            "portal/report_impostor.html",
            {"form": _report_form(contact, query)},
            contact=contact,
        )
    form = ImpostorReportForm(request.POST, signed_in=contact is not None)
    if not form.is_valid():
        return render_page(
            request, "portal/report_impostor.html", {"form": form}, contact=contact, status=400
        )
    if not throttle.hit(REPORTS_PER_IP, throttle.client_address(request)):
        form.add_error(
            None,
            _("Too many reports from your connection. Please wait an hour and try again."),
        )
        return render_page(
            request, "portal/report_impostor.html", {"form": form}, contact=contact, status=429
        )
    try:
        message = receive_message(_report_inbound(form, contact))
    except MessageRejected as refused:
        form.add_error("asked_for", refused.message)
        return render_page(
            request,
            "portal/report_impostor.html",
            {"form": form},
            contact=contact,
            status=refused.status,
        )
    reference = message.conversation.reference
    if contact is not None:
        messages.success(
            request,
            _("Thank you. Your report is ticket %(reference)s; an agent will answer you here.")
            % {"reference": reference},
            extra_tags=TICKET_CREATED_TAG,
        )
        return redirect("portal:ticket", reference=reference)
    # Not signed in, and not signed in now either: anyone can type any address here, so
    # the answer goes to the mailbox, never to this browser.
    request.session[REPORT_SENT_KEY] = {"reference": reference, "email": form.cleaned_data["email"]}
    return redirect("portal:report_sent")


@require_safe
@never_cache
def report_sent(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(REPORT_SENT_KEY)
    if not isinstance(sent, dict):
        return redirect("portal:verify")
    return render_page(
        request,
        "portal/report_sent.html",
        {
            "reference": sent.get("reference", ""),
            "email": sent.get("email", ""),
            # Named here, not "the addresses listed": the reporter compares them with the reply.
            "official_emails": registry.official_emails(),
        },
        contact=_viewer(request),
    )

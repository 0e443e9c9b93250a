"""The unified inbox: one table of conversations across channels, filtered by GET params."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import InboxFilterForm
from kefu.console.htmx import is_htmx
from kefu.conversations import selectors
from kefu.conversations.models import Conversation
from kefu.conversations.search import query as search
from kefu.core.search.queries import QueryError
from kefu.inboxes.selectors import channels_with_inbox

FILTER_FIELDS = ("view", "channel", "status", "intent", "priority", "sla", "sort")


@dataclass(frozen=True)
class Row:
    conversation: Conversation
    preview: str
    # The matching passage, when the list is a search.
    snippet: SafeString | None = None


@dataclass(frozen=True)
class Request:
    form: InboxFilterForm
    filters: selectors.InboxFilters
    page: int
    search: str  # the words typed in the search box, "" for the plain inbox


def _parse(request: AgentRequest) -> Request:
    form = InboxFilterForm(request.GET)
    form.is_valid()  # invalid values are dropped: a stale bookmark still shows an inbox
    data = form.cleaned_data
    filters = selectors.InboxFilters(
        view=data.get("view") or "all",
        channel=data.get("channel") or "",
        status=data.get("status") or "",
        intent=data.get("intent") or "",
        priority=data.get("priority") or "",
        sla=data.get("sla") or "",
        sort=data.get("sort") or "",
    )
    return Request(form, filters, data.get("page") or 1, data.get("q") or "")


def _query(filters: selectors.InboxFilters, page: int = 1, search: str = "") -> str:
    params = {field: getattr(filters, field) for field in FILTER_FIELDS}
    params = {key: value for key, value in params.items() if value and value != "all"}
    if search:
        params["q"] = search
    if page > 1:
        params["page"] = str(page)
    return urlencode(params)


def _title(filters: selectors.InboxFilters) -> str:
    if filters.view == "mine":
        return _("My conversations")
    if filters.view == "unassigned":
        return _("Unassigned")
    if filters.priority == "urgent":
        return _("Urgent")
    if filters.sla == "due_soon":
        return _("Due soon")
    if filters.sla == "breached":
        return _("SLA breached")
    return _("All conversations")


def _rows(request: AgentRequest, parsed: Request) -> tuple[selectors.InboxPage, list[Row], str]:
    """The page of rows, and what is wrong with the search when it cannot be run."""
    if parsed.search:
        try:
            found = search.search_page(request.agent, parsed.filters, parsed.search, parsed.page)
        except QueryError as error:
            return selectors.InboxPage([], 1, False), [], error.message
        rows = [Row(c, "", found.snippets.get(c.pk)) for c in found.conversations]
        return found, rows, ""
    page = selectors.inbox_page(request.agent, parsed.filters, parsed.page)
    previews = selectors.previews(page.conversations)
    return page, [Row(c, previews.get(c.pk, "")) for c in page.conversations], ""


def _rows_context(request: AgentRequest) -> dict[str, Any]:
    parsed = _parse(request)
    filters, typed = parsed.filters, parsed.search
    page, rows, search_error = _rows(request, parsed)
    rows_url = reverse("console:inbox_rows")
    inbox_url = reverse("console:inbox")
    query = _query(filters, page.page, typed)
    return {
        "form": parsed.form,
        "filters": filters,
        "search": typed,
        "search_error": search_error,
        "page": page,
        "rows": rows,
        "rows_url": f"{rows_url}?{query}" if query else rows_url,
        "inbox_url": f"{inbox_url}?{query}" if query else inbox_url,
        "previous_query": _query(filters, page.page - 1, typed),
        "next_query": _query(filters, page.page + 1, typed),
        "nav": _nav(filters),
        "title": _("Search results") if typed else _title(filters),
        "view_queries": {
            view: _query(selectors.InboxFilters(**{**filters.__dict__, "view": view}), 1, typed)
            for view in ("all", "mine", "unassigned")
        },
    }


def _nav(filters: selectors.InboxFilters) -> str:
    if filters.view in ("mine", "unassigned"):
        return filters.view
    if filters.sla:
        return filters.sla
    return "urgent" if filters.priority == "urgent" else "all"


@require_GET
@agent_required
def inbox(request: AgentRequest) -> HttpResponse:
    context = _rows_context(request)
    # Only the channels something can arrive on: a filter for a channel with no inbox
    # would always come back empty.
    context["channel_choices"] = channels_with_inbox()
    return render(request, "console/inbox.html", context)


@require_GET
@agent_required
def inbox_rows(request: AgentRequest) -> HttpResponse:
    """The table and pager alone, for filter changes, paging and live refreshes."""
    context = _rows_context(request)
    response = render(request, "console/_inbox_rows.html", context)
    # A live refresh re-fetches the same list: only filter and page changes move history.
    if is_htmx(request) and request.headers.get("HX-Trigger") != "inbox-rows":
        response["HX-Push-Url"] = context["inbox_url"]
    return response


@require_GET
@agent_required
def go(request: AgentRequest) -> HttpResponse:
    """The "go to K-000123" box: straight to the conversation, or back with the inbox."""
    # Typed or pasted into a box: surrounding spaces are the box's, not the number's.
    number = selectors.parse_reference(request.GET.get("ref", "").strip())
    if number is None:
        return redirect("console:inbox")
    return redirect("console:conversation", reference=Conversation(pk=number).reference)

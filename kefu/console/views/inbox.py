"""The unified inbox: one table of conversations across channels, filtered by GET params."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import InboxFilterForm
from kefu.console.htmx import is_htmx
from kefu.conversations import selectors
from kefu.conversations.models import Conversation

FILTER_FIELDS = ("view", "channel", "status", "intent", "priority")


@dataclass(frozen=True)
class Row:
    conversation: Conversation
    preview: str


def _parse(request: AgentRequest) -> tuple[InboxFilterForm, selectors.InboxFilters, int]:
    form = InboxFilterForm(request.GET)
    form.is_valid()  # invalid values are dropped: a stale bookmark still shows an inbox
    data = form.cleaned_data
    filters = selectors.InboxFilters(
        view=data.get("view") or "all",
        channel=data.get("channel") or "",
        status=data.get("status") or "",
        intent=data.get("intent") or "",
        priority=data.get("priority") or "",
    )
    return form, filters, data.get("page") or 1


def _query(filters: selectors.InboxFilters, page: int = 1) -> str:
    params = {field: getattr(filters, field) for field in FILTER_FIELDS}
    params = {key: value for key, value in params.items() if value and value != "all"}
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
    return _("All conversations")


def _rows_context(request: AgentRequest) -> dict[str, Any]:
    form, filters, page_number = _parse(request)
    page = selectors.inbox_page(request.agent, filters, page_number)
    previews = selectors.previews(page.conversations)
    rows_url = reverse("console:inbox_rows")
    inbox_url = reverse("console:inbox")
    query = _query(filters, page.page)
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": [Row(c, previews.get(c.pk, "")) for c in page.conversations],
        "rows_url": f"{rows_url}?{query}" if query else rows_url,
        "inbox_url": f"{inbox_url}?{query}" if query else inbox_url,
        "previous_query": _query(filters, page.page - 1),
        "next_query": _query(filters, page.page + 1),
        "nav": _nav(filters),
        "title": _title(filters),
        "view_queries": {
            view: _query(selectors.InboxFilters(**{**filters.__dict__, "view": view}))
            for view in ("all", "mine", "unassigned")
        },
    }


def _nav(filters: selectors.InboxFilters) -> str:
    if filters.view in ("mine", "unassigned"):
        return filters.view
    return "urgent" if filters.priority == "urgent" else "all"


@require_GET
@agent_required
def inbox(request: AgentRequest) -> HttpResponse:
    return render(request, "console/inbox.html", _rows_context(request))


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

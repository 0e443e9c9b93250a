"""Supervisors' reports: one page of sections with charts, and each table as CSV."""

import csv
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kefu.agents.models import Role, Team
from kefu.console import report_form, report_sections
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.views.conversation import error_response
from kefu.inboxes.models import Channel, Inbox
from kefu.reports.filters import ReportFilter, ReportFilterError

# A spreadsheet runs a cell that starts with one of these as a formula; customers write
# comments and names, so such a cell is written as text (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _conversation_url(reference: str) -> str:
    return reverse("console:conversation", args=[reference])


def _refused(request: AgentRequest) -> HttpResponse | None:
    if request.agent.has_role(Role.SUPERVISOR):
        return None
    return error_response(request, _("Only supervisors can see reports."), 403)


def _parse(request: AgentRequest) -> ReportFilter:
    """The GET form's filter in the viewer's zone (the middleware activates the agent's)."""
    current = timezone.get_current_timezone()
    zone = current if isinstance(current, ZoneInfo) else ZoneInfo("UTC")
    return report_form.read_filter(request.GET, zone, timezone.localdate(timezone=zone))


@require_safe
@agent_required
def reports_page(request: AgentRequest) -> HttpResponse:
    if refused := _refused(request):
        return refused
    context: dict[str, Any] = {
        "nav": "reports",
        "teams": Team.objects.order_by("name"),
        "channels": Channel.choices,
        "inboxes": Inbox.objects.order_by("name"),
        "params": request.GET,
        "periods": report_form.PERIODS,
        "period": report_form.period_of(request.GET),
        "query": request.GET.urlencode(),
    }
    try:
        report_filter = _parse(request)
    except ReportFilterError as error:
        context["errors"] = [error.message]
        return render(request, "console/reports.html", context, status=400)
    sections = report_sections.build_sections(report_filter, _conversation_url)
    context |= {
        "filter": report_filter,
        "sections": sections,
        "charts": report_sections.chart_payload(sections),
    }
    return render(request, "console/reports.html", context)


@require_safe
@agent_required
def reports_csv(request: AgentRequest) -> HttpResponse:
    if refused := _refused(request):
        return refused
    name = request.GET.get("table", "")
    if name not in report_sections.TABLES:
        return error_response(request, _("There is no report table by that name."), 400)
    try:
        report_filter = _parse(request)
    except ReportFilterError as error:
        return error_response(request, error.message, 400)
    table = report_sections.build_table(report_filter, name, _conversation_url)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(name, report_filter)}"'
    # Excel reads a CSV as the system's legacy code page unless it starts with a BOM,
    # which turns Chinese into mojibake.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([safe_cell(cell.csv) for cell in row])
    return response


def safe_cell(value: str | int | float) -> str | int | float:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _file_name(name: str, f: ReportFilter) -> str:
    return f"kefu-{name}-{_iso(f.start)}-{_iso(f.end)}.csv"


def _iso(day: date) -> str:
    return day.strftime("%Y%m%d")


@require_safe
def old_deflection_page(request: HttpRequest) -> HttpResponseRedirect:
    """The guided flows' page became the reports' self-service section."""
    return HttpResponseRedirect(reverse("console:reports") + "?period=30d#deflection")

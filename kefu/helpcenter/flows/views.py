"""Guided flows on the help pages: plain forms, one step per page, no JavaScript needed."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_safe

from kefu.contacts.models import Contact
from kefu.core.errors import InvalidTransition, NotFound
from kefu.core.languages import from_django
from kefu.helpcenter.flows import actions, selectors
from kefu.helpcenter.flows.definitions import FLOWS
from kefu.helpcenter.flows.engine import flow_for, run_view
from kefu.helpcenter.flows.errors import FlowInputError
from kefu.helpcenter.flows.models import FlowRun
from kefu.portal.session import current_contact
from kefu.portal.views.layout import not_found_page, render_page


def _run_url(run: FlowRun) -> str:
    return reverse("flows:run", args=[run.token])


@require_safe
def flow_list(request: HttpRequest) -> HttpResponse:
    flows = [(intent, flow.title) for intent, flow in FLOWS.items()]
    return render_page(
        request, "flows/list.html", {"flows": flows}, contact=current_contact(request)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@not_found_page
def flow_start(request: HttpRequest, intent: str) -> HttpResponse:
    flow = flow_for(intent)
    contact = current_contact(request)
    if request.method != "POST":
        # Starting is a POST: a crawler following links must not count as a customer.
        return render_page(request, "flows/start.html", {"flow": flow}, contact=contact)
    language = from_django(translation.get_language() or "zh-hans")
    run = actions.start_flow(intent=intent, language=language, contact=contact)
    return HttpResponseRedirect(_run_url(run))


def _own_run(request: HttpRequest, token: str) -> tuple[FlowRun, Contact | None]:
    run = selectors.run_by_token(token)
    contact = current_contact(request)
    # A signed-in customer's run shows their platform records: theirs alone.
    if run.contact_id is not None and (contact is None or contact.pk != run.contact_id):
        raise NotFound("")
    return run, contact


@require_http_methods(["GET", "HEAD", "POST"])
@not_found_page
def flow_run(request: HttpRequest, token: str) -> HttpResponse:
    run, contact = _own_run(request, token)
    error = ""
    if request.method == "POST":
        try:
            if "email" in request.POST:
                actions.hand_off(run=run, email=request.POST.get("email", ""))
            else:
                actions.answer_step(run=run, value=request.POST.get("value", ""))
        except (FlowInputError, InvalidTransition) as refused:
            error = refused.message
        else:
            return HttpResponseRedirect(_run_url(run))
        run.refresh_from_db()
    flow = flow_for(run.intent)
    context = {
        "flow": flow,
        "run": run,
        "step": run_view(run),
        "error": error,
        "value": request.POST.get("value", "") if error else "",
        # A mistyped address comes back to be corrected, not typed again.
        "email": request.POST.get("email", "") if error else "",
    }
    return render_page(
        request, "flows/run.html", context, contact=contact, status=422 if error else 200
    )

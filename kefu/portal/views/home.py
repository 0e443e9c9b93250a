"""The portal's front page: what a customer can do here, and the sign-in form."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kefu.portal import session
from kefu.portal.access import follow_contact_language
from kefu.portal.forms import EmailForm
from kefu.portal.views.layout import render_page
from kefu.verification.selectors import cases_of_contact


@require_safe
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    contact = session.current_contact(request)
    if contact is not None:
        follow_contact_language(request, contact)
    form = EmailForm(initial={"next": request.GET.get("next", "")})
    context = {
        "form": form,
        "has_identity_cases": contact is not None and cases_of_contact(contact).exists(),
    }
    return render_page(request, "portal/home.html", context, contact=contact)

"""The portal's front page: what a customer can do here, and the sign-in form."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kefu.portal import session
from kefu.portal.access import follow_contact_language
from kefu.portal.forms import EmailForm
from kefu.portal.views.layout import render_page


@require_safe
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    contact = session.current_contact(request)
    if contact is not None:
        follow_contact_language(request, contact)
    form = EmailForm(initial={"next": request.GET.get("next", "")})
    return render_page(request, "portal/home.html", {"form": form}, contact=contact)

"""Leaving a community question's notices from the link in the email, without signing in.

GET only asks to confirm: mail scanners open links, and a scan must not unsubscribe.
The link is signed for this one use (kefu.community.notices); the page names the
question, which the person holding the mail has read already, and nothing else.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kefu.community import actions, notices
from kefu.community.links import question_url
from kefu.portal.views.layout import render_page

TEMPLATE = "community/notices/unsubscribe.html"


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    target = notices.unsubscribe_target(token)
    if target is None:
        return render_page(request, TEMPLATE, {"state": "invalid"}, status=404)
    member, question = target
    context = {"question": question, "question_url": question_url(question.pk)}
    if request.method != "POST":
        return render_page(request, TEMPLATE, context | {"state": "confirm"})
    actions.subscribe(member=member, question=question, on=False)
    return render_page(request, TEMPLATE, context | {"state": "done"})

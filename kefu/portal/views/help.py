"""The public help center: front page, categories, articles, search, "was this helpful?".

Server-rendered and complete without JavaScript; help-search.js only adds results as the
reader types, from the same search the results page uses. The search page also shows the
community's solved questions for the same words (kefu.community.search), with a way to
ask the community when neither answers.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kefu.community.search import query as community_search
from kefu.core.errors import NotFound
from kefu.core.languages import Language, from_django
from kefu.core.search.queries import QueryError
from kefu.helpcenter import actions, selectors
from kefu.helpcenter.search.query import search
from kefu.portal.views.layout import render_page

RESULTS_PER_PAGE = 20
# Beside the articles: questions other customers had answered, official answers first.
COMMUNITY_RESULTS = 5


def _language() -> Language:
    return from_django(translation.get_language() or "zh-hans")


def _not_found(request: HttpRequest) -> HttpResponse:
    return render_page(request, "portal/help/not_found.html", status=404)


@require_safe
def help_home(request: HttpRequest) -> HttpResponse:
    listings = selectors.category_listings(_language())
    return render_page(request, "portal/help/home.html", {"listings": listings})


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        listing = selectors.category_listing(slug, _language())
    except NotFound:
        return _not_found(request)
    return render_page(request, "portal/help/category.html", {"listing": listing})


@require_safe
def article(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        page = selectors.reader_article(slug, _language())
    except NotFound:
        return _not_found(request)
    voted = request.session.get(_vote_key(page.translation.pk)) is not None
    return render_page(
        request,
        "portal/help/article.html",
        {
            "page": page,
            "article_language": Language(page.translation.language),
            "voted": voted,
        },
    )


@require_safe
def search_results(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    error = ""
    results = []
    questions: list[community_search.Result] = []
    if query:
        try:
            results = search(query, _language(), limit=RESULTS_PER_PAGE)
            questions = community_search.search(
                query, _language(), limit=COMMUNITY_RESULTS, solved_only=True
            )
        except QueryError as refused:
            error = refused.message
        else:
            actions.count_search(found=bool(results or questions))
    return render_page(
        request,
        "portal/help/search.html",
        {
            "query": query,
            "results": results,
            "questions": questions,
            "ask_url": community_search.ask_url(),
            "error": error,
        },
        status=400 if error else 200,
    )


def _vote_key(translation_id: int) -> str:
    return f"help_vote_{translation_id}"


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    try:
        page = selectors.reader_article(slug, _language())
    except NotFound:
        return redirect("help:home")
    helpful = request.POST.get("helpful")
    if helpful not in {"yes", "no"}:
        messages.error(request, _("Choose “Yes” or “No” to tell us whether this helped."))
        return redirect(selectors.article_url(slug) + "#helpful")
    if request.session.session_key is None:
        request.session.save()
    session_key = request.session.session_key or ""
    counted = actions.vote(
        translation=page.translation, session_key=session_key, helpful=helpful == "yes"
    )
    request.session[_vote_key(page.translation.pk)] = helpful
    if counted:
        messages.success(request, _("Thank you for your feedback."))
    else:
        messages.info(request, _("You have already told us whether this article helped."))
    return redirect(selectors.article_url(slug) + "#helpful")

"""The public community pages: categories, questions and their threads, and posting.

Reading is public and needs no JavaScript; posting needs a signed-in customer with a
community display name (`/community/join/` asks for one the first time, then goes on to
where they were). Every write is a kefu.community action; a refusal (KefuError) comes
back on the same form, in the reader's language, with what they typed kept.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kefu.community import actions, errors, selectors
from kefu.community.models import HoldReason, Member, Post, PostKind, Question, Visibility
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.core.errors import KefuError
from kefu.core.languages import Language, from_django
from kefu.portal import session
from kefu.portal.access import PortalRequest, follow_contact_language, sign_in_url, signed_in
from kefu.portal.community_forms import (
    AnswerForm,
    AskForm,
    CommentForm,
    EditForm,
    JoinForm,
    ReportForm,
)
from kefu.portal.views.layout import not_found_page, render_page
from kefu.portal.views.tickets import TICKET_CREATED_TAG


def _language() -> Language:
    return from_django(translation.get_language() or "zh-hans")


def question_url(question: Question | selectors.QuestionRow) -> str:
    """A question's address, with a readable slug when the title has one (it is optional)."""
    slug = slugify(question.title)
    if slug:
        return reverse("community:question_slug", args=[question.id, slug])
    return reverse("community:question", args=[question.id])


def _post_url(post: Post) -> str:
    return question_url(post.question) + f"#post-{post.pk}"


def _reader(request: HttpRequest) -> tuple[Contact | None, Member | None]:
    """Who reads a public page: the signed-in customer and their member, if any."""
    contact = session.current_contact(request)
    if contact is None:
        return None, None
    follow_contact_language(request, contact)
    return contact, selectors.member_for(contact)


def _join_url(next_url: str) -> str:
    return reverse("community:join") + "?" + urlencode({"next": next_url})


def _tell_author(request: HttpRequest, post: Post) -> None:
    """Say privately what happened to what they just posted."""
    if post.visibility != Visibility.HELD:
        messages.success(request, _("Thank you, your post is published."))
    elif HoldReason.SECRET in post.hold_reasons:
        messages.warning(request, secret_warning())
    else:
        messages.info(
            request,
            _("Your post is waiting for review by a moderator. Until then only you can see it."),
        )


def secret_warning() -> str:
    return _(
        "For your safety we removed a recovery phrase or private key from your post; "
        "nobody else can see it. Treat that wallet as compromised: create a new wallet "
        "now and move all your funds there. Support will never ask for your recovery "
        "phrase, private key, password or verification codes — anyone who does is a "
        "scammer."
    )


# Reading ---------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    contact, _member = _reader(request)
    language = _language()
    return render_page(
        request,
        "portal/community/home.html",
        {
            "categories": selectors.categories(language),
            "recent": _with_urls(selectors.question_list().rows),
        },
        contact=contact,
    )


def _with_urls(rows: list[selectors.QuestionRow]) -> list[tuple[selectors.QuestionRow, str]]:
    return [(row, question_url(row)) for row in rows]


@require_safe
@not_found_page
def category(request: HttpRequest, slug: str) -> HttpResponse:
    contact, _member = _reader(request)
    found, name = selectors.category(slug, _language())
    try:
        show = selectors.Show(request.GET.get("show", "all"))
    except ValueError:
        show = selectors.Show.ALL
    after = selectors.Cursor.decode(request.GET.get("after", ""))
    listing = selectors.question_list(category=found, show=show, after=after)
    next_url = ""
    if listing.next_cursor:
        next_url = "?" + urlencode({"show": show.value, "after": listing.next_cursor})
    return render_page(
        request,
        "portal/community/category.html",
        {
            "category": found,
            "category_name": name,
            "show": show.value,
            "questions": _with_urls(listing.rows),
            "next_url": next_url,
            "first_page": after is None,
        },
        contact=contact,
    )


def _thread_page(
    request: HttpRequest,
    question_id: int,
    *,
    contact: Contact | None,
    member: Member | None,
    answer_form: AnswerForm | None = None,
    comment_form: CommentForm | None = None,
    comment_parent: int | None = None,
    status: int = 200,
) -> HttpResponseBase:
    thread = selectors.question_thread(question_id, viewer=member, language=_language())
    question = thread.question
    if question.merged_into_id is not None:
        merged = Question.objects.filter(pk=question.merged_into_id).first()
        if merged is not None:
            return redirect(question_url(merged))
    here = question_url(question)
    ticket = ""
    if thread.asked_by_viewer and question.conversation_id is not None:
        # The ticket is the asker's own: its number is shown to them alone.
        ticket = Conversation(pk=question.conversation_id).reference  # from the id: no query
    context: dict[str, Any] = {
        "ticket": ticket,
        "thread": thread,
        "question": question,
        "here": here,
        "member": member,
        "sign_in": sign_in_url(here),
        "join": _join_url(here),
        "answer_form": answer_form or AnswerForm(),
        "comment_form": comment_form or CommentForm(),
        "comment_parent": comment_parent,
        "secret_warning": secret_warning(),
        "can_answer": member is not None and not question.locked,
    }
    response = render_page(
        request, "portal/community/question.html", context, contact=contact, status=status
    )
    if member is not None:
        # Their own held posts are on it: no shared cache may keep this page.
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@not_found_page
def question(request: HttpRequest, question_id: int, slug: str = "") -> HttpResponseBase:
    contact, member = _reader(request)
    return _thread_page(request, question_id, contact=contact, member=member)


# Joining ---------------------------------------------------------------------------------


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("community:home")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def join(request: PortalRequest) -> HttpResponseBase:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if selectors.member_for(request.contact) is not None:
        return redirect(next_url)
    form = JoinForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            actions.join(contact=request.contact, display_name=form.cleaned_data["display_name"])
        except KefuError as refused:
            form.add_error("display_name", refused.message)
            status = refused.status
        else:
            return redirect(next_url)
    elif form.is_bound:
        status = 400
    return render_page(
        request,
        "portal/community/join.html",
        {"form": form, "next": next_url},
        status=status,
    )


def _member_or_join(request: PortalRequest, next_url: str) -> Member | HttpResponseRedirect:
    member = selectors.member_for(request.contact)
    if member is None:
        return HttpResponseRedirect(_join_url(next_url))
    return member


# Asking and answering ---------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def ask(request: PortalRequest) -> HttpResponseBase:
    member = _member_or_join(request, reverse("community:ask"))
    if not isinstance(member, Member):
        return member
    language = _language()
    # "Ask the community" on the help center's search page carries what was searched for.
    initial = {"title": request.GET.get("title", "")[: errors.MAX_TITLE_CHARS]}
    form = AskForm(
        request.POST if request.method == "POST" else None, language=language, initial=initial
    )
    status = 200
    if form.is_bound and form.is_valid():
        try:
            asked = actions.ask(
                author=member,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                language=language,
                category=form.chosen_category(),
            )
        except KefuError as refused:
            form.add_error(None, refused.message)
            status = refused.status
        else:
            opening = asked.posts.filter(kind=PostKind.QUESTION).first()
            if opening is not None:
                _tell_author(request, opening)
            return redirect(question_url(asked))
    elif form.is_bound:
        status = 400
    return render_page(request, "portal/community/ask.html", {"form": form}, status=status)


def _submit(
    request: PortalRequest, form: forms.Form, write: Callable[[str], Post]
) -> HttpResponseBase | int:
    """Post the form's text through `write`: the new post's address, or the status to show
    the thread again with (the form keeps the text and the refusal)."""
    if not form.is_valid():
        return 400
    try:
        posted = write(form.cleaned_data["body"])
    except KefuError as refused:
        form.add_error("body", refused.message)
        return refused.status
    _tell_author(request, posted)
    return redirect(_post_url(posted))


@require_POST
@signed_in
@not_found_page
def answer(request: PortalRequest, question_id: int) -> HttpResponseBase:
    question = selectors.listed_question(question_id)
    member = _member_or_join(request, question_url(question))
    if not isinstance(member, Member):
        return member
    form = AnswerForm(request.POST)
    status = _submit(
        request,
        form,
        lambda body: actions.answer(author=member, question=question, body=body),
    )
    if not isinstance(status, int):
        return status
    return _thread_page(
        request,
        question.pk,
        contact=request.contact,
        member=member,
        answer_form=form,
        status=status,
    )


@require_POST
@signed_in
@not_found_page
def comment(request: PortalRequest, post_id: int) -> HttpResponseBase:
    member = selectors.member_for(request.contact)
    parent = selectors.post_in_thread(post_id, viewer=member)
    if member is None:
        return HttpResponseRedirect(_join_url(_post_url(parent)))
    form = CommentForm(request.POST)
    status = _submit(
        request, form, lambda body: actions.comment(author=member, parent=parent, body=body)
    )
    if not isinstance(status, int):
        return status
    return _thread_page(
        request,
        parent.question_id,
        contact=request.contact,
        member=member,
        comment_form=form,
        comment_parent=parent.pk,
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
@not_found_page
def edit(request: PortalRequest, post_id: int) -> HttpResponseBase:
    member = selectors.member_for(request.contact)
    post = selectors.post_in_thread(post_id, viewer=member)
    if member is None or post.member_id != member.pk:
        # Someone else's post: as if it were not there to edit.
        return render_page(request, "portal/not_found.html", status=404)
    opening = post.kind == PostKind.QUESTION
    initial = {"body": post.body, "title": post.question.title if opening else ""}
    form = EditForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            edited = actions.edit(
                author=member,
                post=post,
                body=form.cleaned_data["body"],
                title=(form.cleaned_data["title"] or None) if opening else None,
            )
        except KefuError as refused:
            form.add_error(None, refused.message)
            status = refused.status
        else:
            _tell_author(request, edited)
            return redirect(_post_url(edited))
    elif form.is_bound:
        status = 400
    return render_page(
        request,
        "portal/community/edit.html",
        {"form": form, "post": post, "opening": opening, "back": _post_url(post)},
        status=status,
    )


# Small actions: a button each, then back to the thread ------------------------------------


def _refused(request: HttpRequest, refused: KefuError) -> None:
    messages.error(request, refused.message)


@require_POST
@signed_in
@not_found_page
def vote(request: PortalRequest, post_id: int) -> HttpResponseBase:
    member = selectors.member_for(request.contact)
    post = selectors.post_in_thread(post_id, viewer=member)
    if member is None:
        return HttpResponseRedirect(_join_url(_post_url(post)))
    value = {"1": 1, "-1": -1, "0": 0}.get(request.POST.get("value", ""))
    if value is None:
        messages.error(request, _("Choose to vote up or down."))
    else:
        try:
            actions.vote(member=member, post=post, value=value)
        except KefuError as refused:
            _refused(request, refused)
    return redirect(_post_url(post))


@require_POST
@signed_in
@not_found_page
def accept(request: PortalRequest, post_id: int) -> HttpResponseBase:
    member = selectors.member_for(request.contact)
    post = selectors.post_in_thread(post_id, viewer=member)
    if member is None:
        return HttpResponseRedirect(_join_url(_post_url(post)))
    try:
        actions.accept(member=member, answer=post)
    except KefuError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("You accepted this answer. Thank you for telling others."))
    return redirect(_post_url(post))


@require_POST
@signed_in
@not_found_page
def subscribe(request: PortalRequest, question_id: int) -> HttpResponseBase:
    question = selectors.listed_question(question_id)
    member = _member_or_join(request, question_url(question))
    if not isinstance(member, Member):
        return member
    on = request.POST.get("on") == "1"
    try:
        actions.subscribe(member=member, question=question, on=on)
    except KefuError as refused:
        _refused(request, refused)
    else:
        if on:
            messages.success(request, _("We will email you when this question gets an answer."))
        else:
            messages.success(request, _("You will no longer get emails about this question."))
    return redirect(question_url(question))


@require_POST
@signed_in
@not_found_page
def ask_support(request: PortalRequest, question_id: int) -> HttpResponseBase:
    """The asker takes their question to support privately: a ticket opens with it."""
    member = selectors.member_for(request.contact)
    thread = selectors.question_thread(question_id, viewer=member, language=_language())
    if member is None or not thread.asked_by_viewer:
        return render_page(request, "portal/not_found.html", status=404)
    try:
        conversation = actions.ask_support(member=member, question=thread.question)
    except KefuError as refused:
        _refused(request, refused)
        return redirect(question_url(thread.question))
    messages.success(
        request,
        _("Support has your question and will answer you here, privately."),
        extra_tags=TICKET_CREATED_TAG,
    )
    return redirect("portal:ticket", reference=conversation.reference)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
@not_found_page
def report(request: PortalRequest, post_id: int) -> HttpResponseBase:
    member = selectors.member_for(request.contact)
    post = selectors.post_in_thread(post_id, viewer=member)
    if member is None:
        return HttpResponseRedirect(_join_url(reverse("community:report", args=[post.pk])))
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        try:
            actions.report(
                member=member,
                post=post,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except KefuError as refused:
            form.add_error(None, refused.message)
            status = refused.status
        else:
            messages.success(request, _("Thank you. Moderators will look at this post."))
            return redirect(_post_url(post))
    elif form.is_bound:
        status = 400
    return render_page(
        request,
        "portal/community/report.html",
        {"form": form, "post": post, "back": _post_url(post)},
        status=status,
    )

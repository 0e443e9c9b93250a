"""Canned replies in the console: the management page, and the composer's "/" pick-list.

The pick-list endpoint answers JSON for `console/canned.js`: the matching replies already
rendered for this conversation (its language, its customer, the signed-in agent), so the
script only inserts text and never learns the placeholder rules.
"""

from typing import Any

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.agents.models import Team
from kefu.canned import actions, selectors, variables
from kefu.canned.models import BODY_FIELDS, CannedReply, Scope
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.views.conversation import error_response, with_conversation
from kefu.conversations.models import Conversation
from kefu.core.errors import KefuError
from kefu.core.languages import Language

_SEARCH_MAX = 100


class CannedReplyForm(forms.Form):
    # Shapes only: what a valid reply is (placeholders, guard, who may share) is the
    # action's to say, so the API and this page refuse the same things the same way.
    title = forms.CharField(label=gettext_lazy("Title"), max_length=actions.TITLE_MAX)
    shortcut = forms.CharField(
        label=gettext_lazy("Shortcut"),
        max_length=actions.SHORTCUT_MAX + 1,
        help_text=gettext_lazy("Typed after “/” in the reply box, such as withdrawal-48h."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Shared with"), choices=Scope.choices)
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"), queryset=Team.objects.none(), required=False
    )
    body_zh_hans = forms.CharField(
        label=gettext_lazy("Simplified Chinese"), widget=forms.Textarea, required=False
    )
    body_zh_hant = forms.CharField(
        label=gettext_lazy("Traditional Chinese"), widget=forms.Textarea, required=False
    )
    body_en = forms.CharField(label=gettext_lazy("English"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = teams

    def data_for_action(self) -> actions.CannedInput:
        data = self.cleaned_data
        return actions.CannedInput(
            title=data["title"],
            shortcut=data["shortcut"],
            scope=data["scope"],
            team=data["team"],
            bodies={language: data[column] for language, column in BODY_FIELDS.items()},
        )


def _initial(reply: CannedReply) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": reply.title,
        "shortcut": reply.shortcut,
        "scope": reply.scope,
        "team": reply.team_id,
    }
    initial.update({column: getattr(reply, column) for column in BODY_FIELDS.values()})
    return initial


@require_GET
@agent_required
def canned_list(request: AgentRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:_SEARCH_MAX]
    scope = request.GET.get("scope", "")
    replies = list(selectors.search(request.agent, query, scope)[: selectors.PAGE_SIZE])
    rows = [
        {
            "reply": reply,
            "languages": [Language(language).label for language in reply.languages()],
            "can_manage": selectors.can_manage(
                request.agent, reply.scope, reply.team, reply.owner_id
            ),
        }
        for reply in replies
    ]
    context = {
        "nav": "canned",
        "rows": rows,
        "query": query,
        "scope": scope if scope in Scope.values else "",
        "scopes": Scope.choices,
    }
    return render(request, "console/canned_list.html", context)


@require_http_methods(["GET", "POST"])
@agent_required
def canned_create(request: AgentRequest) -> HttpResponse:
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@agent_required
def canned_edit(request: AgentRequest, reply_id: int) -> HttpResponse:
    reply = selectors.visible_reply(request.agent, reply_id)
    if reply is None:
        return error_response(request, _("No such canned reply."), 404)
    if not selectors.can_manage(request.agent, reply.scope, reply.team, reply.owner_id):
        return error_response(request, _("You cannot change this canned reply."), 403)
    return _edit(request, reply)


def _edit(request: AgentRequest, reply: CannedReply | None) -> HttpResponse:
    teams = selectors.manageable_teams(request.agent)
    if request.method == "POST":
        form = CannedReplyForm(request.POST, teams=teams)
        if form.is_valid():
            try:
                if reply is None:
                    actions.create_canned_reply(actor=request.agent, data=form.data_for_action())
                else:
                    actions.update_canned_reply(
                        actor=request.agent, reply=reply, data=form.data_for_action()
                    )
            except actions.CannedRefused as refused:
                field = refused.field if refused.field in form.fields else None
                form.add_error(field, refused.message)
            except KefuError as error:
                form.add_error(None, error.message)
            else:
                return redirect("console:canned")
        status = 422
    else:
        initial = _initial(reply) if reply else {"scope": Scope.PERSONAL}
        form = CannedReplyForm(initial=initial, teams=teams)
        status = 200
    context = {
        "nav": "canned",
        "form": form,
        "reply": reply,
        "variables": list(variables.VARIABLES),
    }
    return render(request, "console/canned_edit.html", context, status=status)


@require_POST
@agent_required
def canned_delete(request: AgentRequest, reply_id: int) -> HttpResponse:
    reply = selectors.visible_reply(request.agent, reply_id)
    if reply is None:
        return error_response(request, _("No such canned reply."), 404)
    try:
        actions.delete_canned_reply(actor=request.agent, reply=reply)
    except KefuError as error:
        return error_response(request, error.message, error.status)
    return redirect("console:canned")


@require_GET
@agent_required
@with_conversation
def canned_suggest(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    query = request.GET.get("q", "")[:_SEARCH_MAX]
    replies = selectors.for_composer(request.agent, query)
    items = [
        {
            "id": item.reply.pk,
            "title": item.reply.title,
            "shortcut": item.reply.shortcut,
            "language": str(item.language),
            "text": item.text,
        }
        for item in selectors.rendered(replies, conversation, request.agent)
    ]
    return JsonResponse({"items": items})


@require_POST
@agent_required
def canned_used(request: AgentRequest, reply_id: int) -> HttpResponse:
    reply = selectors.visible_reply(request.agent, reply_id)
    if reply is None:
        return JsonResponse({"error": _("No such canned reply.")}, status=404)
    actions.record_use(agent=request.agent, reply=reply)
    return HttpResponse(status=204)

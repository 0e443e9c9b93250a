"""The SLA settings in the admin; every save goes through kefu.sla.actions."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kefu.agents.models import Agent
from kefu.core.errors import PolicyRejected
from kefu.sla import actions
from kefu.sla.models import EscalationRoute, SlaPolicy, UpdateTemplate
from kefu.sla.policies import check
from kefu.sla.updates import check_template


def _agent(request: HttpRequest) -> Agent:
    user = request.user
    assert isinstance(user, Agent)  # the admin requires a signed-in staff agent
    return user


class SlaPolicyForm(forms.ModelForm[SlaPolicy]):
    class Meta:
        model = SlaPolicy
        exclude: list[str] = []

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # Django's own hook, not in the stubs
        if self.errors:
            return
        # The same check as the action, shown on the form instead of a server error.
        try:
            check(self.instance)
        except PolicyRejected as rejected:
            self.add_error(None, rejected.message)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    form = SlaPolicyForm
    list_display = (
        "name",
        "position",
        "active",
        "first_response_minutes",
        "next_response_minutes",
        "update_minutes",
        "resolution_minutes",
    )
    list_editable = ("position", "active")
    ordering = ("position", "pk")

    def save_model(self, request: HttpRequest, obj: SlaPolicy, form: Any, change: bool) -> None:
        actions.save_policy(_agent(request), obj)

    def delete_model(self, request: HttpRequest, obj: SlaPolicy) -> None:
        actions.delete_policy(_agent(request), obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SlaPolicy]) -> None:
        for policy in queryset:
            actions.delete_policy(_agent(request), policy)


@admin.register(EscalationRoute)
class EscalationRouteAdmin(admin.ModelAdmin[EscalationRoute]):
    list_display = ("__str__", "team", "tier", "to_team")

    def save_model(
        self, request: HttpRequest, obj: EscalationRoute, form: Any, change: bool
    ) -> None:
        actions.save_route(_agent(request), obj)

    def delete_model(self, request: HttpRequest, obj: EscalationRoute) -> None:
        actions.delete_route(_agent(request), obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EscalationRoute]) -> None:
        for route in queryset:
            actions.delete_route(_agent(request), route)


class UpdateTemplateForm(forms.ModelForm[UpdateTemplate]):
    class Meta:
        model = UpdateTemplate
        fields = ("intent", "language", "title", "text")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text, language = cleaned.get("text"), cleaned.get("language")
        if text and language:
            try:
                check_template(text, language)
            except forms.ValidationError as blocked:
                self.add_error("text", blocked)
        return cleaned


@admin.register(UpdateTemplate)
class UpdateTemplateAdmin(admin.ModelAdmin[UpdateTemplate]):
    form = UpdateTemplateForm
    list_display = ("title", "intent", "language")
    list_filter = ("language", "intent")
    search_fields = ("title", "text")

"""Policies are the administrator's to edit; cases are records, read-only here."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from kefu.verification.models import CheckKind, VerificationCase, VerificationPolicy


class PolicyForm(forms.ModelForm[VerificationPolicy]):
    required_checks = forms.MultipleChoiceField(
        choices=CheckKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = VerificationPolicy
        fields = [
            "kind", "required_checks", "approver_role", "cool_down_hours",
            "document_retention_days", "max_code_attempts", "max_knowledge_attempts",
        ]  # fmt: skip


@admin.register(VerificationPolicy)
class VerificationPolicyAdmin(admin.ModelAdmin[VerificationPolicy]):
    form = PolicyForm
    list_display = ["kind", "approver_role", "cool_down_hours", "document_retention_days"]


@admin.register(VerificationCase)
class VerificationCaseAdmin(admin.ModelAdmin[VerificationCase]):
    # No documents and no cancel token: the record of who did what, nothing to misuse.
    list_display = ["reference", "kind", "state", "owner", "decided_by", "created_at"]
    list_filter = ["state", "kind"]
    fields = readonly_fields = (
        "kind", "state", "platform_user_id", "requested_change", "owner", "proposed_by",
        "proposal_note", "decided_by", "decision_reason", "created_at", "proposed_at",
        "decided_at", "executes_at", "notified_at", "executed_at", "closed_at",
        "failure_code", "failure_params",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

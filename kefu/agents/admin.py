from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kefu.agents.models import Agent, Team


@admin.register(Agent)
class AgentAdmin(UserAdmin[Agent]):
    list_display = ("username", "display_name", "public_id", "role", "availability", "is_active")
    list_filter = ("role", "availability", "is_active", "teams")
    readonly_fields = ("public_id",)
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "Kefu",
            {
                "fields": (
                    "display_name",
                    "public_id",
                    "role",
                    "language",
                    "timezone",
                    "teams",
                    "skill_languages",
                    "skill_intents",
                    "max_concurrent",
                )
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

"""Canned replies: an answer written once, in each of our languages, picked in the composer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.languages import Language


class Scope(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    TEAM = "team", _("Team")
    GLOBAL = "global", _("Everyone")


# Each language's version lives in its own column (not a child table): there are exactly
# three languages, a list needs all three to pick one, and one row keeps that one query.
BODY_FIELDS = {
    Language.ZH_HANS: "body_zh_hans",
    Language.ZH_HANT: "body_zh_hant",
    Language.EN: "body_en",
}


class CannedReply(models.Model):
    title = models.CharField(_("title"), max_length=120)
    # What the agent types after "/" in the composer; unique among the replies of one
    # owner, one team, or among the global ones (constraints below).
    shortcut = models.SlugField(_("shortcut"), max_length=40)
    body_zh_hans = models.TextField(_("text in Simplified Chinese"), blank=True)
    body_zh_hant = models.TextField(_("text in Traditional Chinese"), blank=True)
    body_en = models.TextField(_("text in English"), blank=True)
    scope = models.CharField(_("shared with"), max_length=8, choices=Scope.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_replies",
    )
    team = models.ForeignKey(
        "agents.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_replies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    usage_count = models.PositiveIntegerField(_("uses"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["-usage_count", "title", "id"]
        constraints = [
            # A personal reply has an owner and no team, a team reply a team and no
            # owner, a global one neither: visibility is decided by these two columns.
            models.CheckConstraint(
                name="canned_scope_owner_team",
                condition=(
                    Q(scope=Scope.PERSONAL, owner__isnull=False, team__isnull=True)
                    | Q(scope=Scope.TEAM, owner__isnull=True, team__isnull=False)
                    | Q(scope=Scope.GLOBAL, owner__isnull=True, team__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="canned_has_a_body",
                condition=~Q(body_zh_hans="", body_zh_hant="", body_en=""),
            ),
            models.UniqueConstraint(
                fields=["owner", "shortcut"],
                condition=Q(scope=Scope.PERSONAL),
                name="canned_personal_shortcut",
            ),
            models.UniqueConstraint(
                fields=["team", "shortcut"],
                condition=Q(scope=Scope.TEAM),
                name="canned_team_shortcut",
            ),
            models.UniqueConstraint(
                fields=["shortcut"],
                condition=Q(scope=Scope.GLOBAL),
                name="canned_global_shortcut",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def body(self, language: str) -> str:
        return str(getattr(self, BODY_FIELDS[Language(language)]))

    def languages(self) -> list[Language]:
        return [language for language in BODY_FIELDS if self.body(language)]

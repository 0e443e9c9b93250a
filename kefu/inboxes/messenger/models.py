"""A Facebook page answered by one inbox: its Messenger conversations and its comments."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.inboxes.models import Inbox


def new_verify_token() -> str:
    return secrets.token_urlsafe(32)


class FacebookPage(models.Model):
    """app_secret and page_access_token are secrets: write-only in the admin, never logged."""

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="facebook_page")
    page_id = models.CharField(_("page ID"), max_length=32, unique=True)
    name = models.CharField(_("page name"), max_length=100)
    # The page's @username (facebook.com/<username>), listed as official; may be empty.
    username = models.CharField(_("page username"), max_length=100, blank=True)
    # Signs every webhook request (X-Hub-Signature-256: HMAC-SHA256 of the raw body).
    app_secret = models.CharField(_("app secret"), max_length=64)
    # A long-lived page access token: sends messages, hides comments.
    page_access_token = models.CharField(_("page access token"), max_length=512)
    # Facebook repeats it when it checks the callback URL (hub.verify_token).
    verify_token = models.CharField(_("verify token"), max_length=64, default=new_verify_token)

    class Meta:
        verbose_name = _("Facebook page")
        verbose_name_plural = _("Facebook pages")

    def __str__(self) -> str:
        return self.name


class HiddenComment(models.Model):
    """A public comment or visitor post that held a secret: hidden (or deleted) once, its
    author told privately once, whatever Meta retries or the author edits.

    Neither the text nor any part of the secret is kept here: the conversation holds the
    comment redacted, and this row only the ids and what became of them.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not hidden yet")
        HIDDEN = "hidden", _("Hidden")
        DELETED = "deleted", _("Deleted (Facebook refused to hide it)")
        FAILED = "failed", _("Facebook refused to hide or delete it")

    page = models.ForeignKey(FacebookPage, on_delete=models.CASCADE, related_name="+")
    # A comment id, or a visitor post's id ("<page id>_<post id>").
    object_id = models.CharField(_("comment or post ID"), max_length=64)
    # "comment" or "post": the private reply names its recipient by one or the other.
    item = models.CharField(max_length=16, default="comment")
    # from.id of the webhook: an id the page sees, not a Messenger PSID.
    author_id = models.CharField(max_length=64, blank=True)
    # The language the author is told in (guessed from the words around the secret).
    language = models.CharField(max_length=8, default="zh-Hans")
    # Kinds of secret found (ids only, never the secret).
    kinds = models.JSONField(default=list)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    hidden_at = models.DateTimeField(null=True, blank=True)
    # Set once Meta took the private reply, or refused it for good (told_error says why).
    told_at = models.DateTimeField(null=True, blank=True)
    told_error = models.CharField(max_length=200, blank=True)
    # Where agents see it: the author's conversation in the page's inbox, with the alert.
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hidden comment")
        verbose_name_plural = _("hidden comments")
        constraints = [
            models.UniqueConstraint(fields=["page", "object_id"], name="hidden_comment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.object_id} ({self.outcome})"

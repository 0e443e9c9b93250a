import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.languages import Language

# Crockford-style alphabet: no 0/O or 1/I/L, so customers can read an id aloud.
_PUBLIC_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_public_id() -> str:
    return "KF-" + "".join(secrets.choice(_PUBLIC_ID_ALPHABET) for _ in range(6))


class Role(models.TextChoices):
    L1 = "l1", _("L1 agent")
    L2 = "l2", _("L2 technical support")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


# Each role can do everything the roles before it can.
ROLE_RANK = {Role.L1: 1, Role.L2: 2, Role.SUPERVISOR: 3, Role.ADMIN: 4}


class Availability(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(unique=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class CallDevice(models.TextChoices):
    NONE = "", _("Not on the phone line")
    BROWSER = "browser", _("In the console (browser phone)")
    PHONE = "phone", _("On my phone number")


class Agent(AbstractUser):
    """A member of the support team; signs in with a password and a TOTP code."""

    display_name = models.CharField(_("display name"), max_length=100)
    # Shown beside every reply so customers can check an "agent" on the verification page.
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.L1)
    # Blank until the agent chooses in their preferences: until then the console follows
    # the browser, so a new agent's pages do not change language or zone mid-enrolment.
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, blank=True, default=""
    )
    timezone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    teams = models.ManyToManyField(Team, blank=True, related_name="agents")
    skill_languages = models.JSONField(default=list, blank=True)
    skill_intents = models.JSONField(default=list, blank=True)
    availability = models.CharField(
        max_length=8, choices=Availability.choices, default=Availability.OFFLINE
    )
    max_concurrent = models.PositiveSmallIntegerField(default=8)
    # Where the agent answers hotline calls: the console's browser phone, or this number.
    answers_calls = models.CharField(
        _("answer calls"), max_length=8, choices=CallDevice.choices, default=CallDevice.NONE
    )
    phone_number = models.CharField(
        _("phone number for calls"),
        max_length=20,
        blank=True,
        help_text=_("In E.164, such as +8613800138000; used when calls ring on a phone."),
    )
    # Availability is what the agent chose; this is whether anyone is there: the last
    # heartbeat of an open console (agents.actions.mark_present). See selectors.really_online.
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[role]

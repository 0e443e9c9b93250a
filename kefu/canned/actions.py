"""Writing canned replies: every version is checked (placeholders, outbound guard) before
anything is stored."""

from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, Team
from kefu.canned import selectors, variables
from kefu.canned.models import BODY_FIELDS, CannedReply, Scope
from kefu.core import audit
from kefu.core.errors import KefuError
from kefu.core.languages import Language, from_django
from kefu.safety.guard_explanations import explain
from kefu.safety.outbound_guard import check_outbound
from kefu.safety.redaction import redact

TITLE_MAX = CannedReply._meta.get_field("title").max_length or 120
SHORTCUT_MAX = CannedReply._meta.get_field("shortcut").max_length or 40
BODY_MAX = 5000

# Errors name a version in the reader's language ("the Traditional Chinese text"); the
# Language labels are each language's own name, right for a picker, odd in a sentence.
LANGUAGE_NAMES = {
    Language.ZH_HANS: gettext_lazy("Simplified Chinese"),
    Language.ZH_HANT: gettext_lazy("Traditional Chinese"),
    Language.EN: gettext_lazy("English"),
}


class CannedRefused(KefuError):
    """The reply cannot be saved as given; `field` names the input to correct."""

    code = "canned_reply_invalid"
    status = 422

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class ShortcutTaken(CannedRefused):
    """A conflict with a stored reply, not bad input: the API answers 409."""

    code = "shortcut_taken"
    status = 409


class CannedForbidden(KefuError):
    code = "forbidden"
    status = 403


class CannedBlocked(CannedRefused):
    """A version asks the customer for a secret or a scam step (the outbound guard)."""

    code = "outbound_blocked"

    def __init__(self, message: str, field: str, reasons: tuple[str, ...]) -> None:
        super().__init__(message, field)
        self.reasons = reasons


@dataclass(frozen=True)
class CannedInput:
    title: str
    shortcut: str
    scope: str
    team: Team | None = None
    bodies: dict[Language, str] = field(default_factory=dict)


def create_canned_reply(*, actor: Agent, data: CannedInput) -> CannedReply:
    reply = CannedReply(created_by=actor)
    return _save(actor, reply, data, created=True)


def update_canned_reply(*, actor: Agent, reply: CannedReply, data: CannedInput) -> CannedReply:
    """Change a reply; every version is checked again, as if new."""
    _require_manager(actor, reply.scope, reply.team, reply.owner_id)
    return _save(actor, reply, data, created=False)


def delete_canned_reply(*, actor: Agent, reply: CannedReply) -> None:
    _require_manager(actor, reply.scope, reply.team, reply.owner_id)
    with transaction.atomic():
        audit.record(actor, "canned.deleted", reply, title=reply.title, scope=reply.scope)
        reply.delete()


def record_use(*, agent: Agent, reply: CannedReply) -> None:
    """Count that `agent` put `reply` into a reply box. Counted on insert, not on send:
    the agent usually edits the text, so a sent message cannot be traced back to the
    reply, and picking it is what tells which replies are worth keeping."""
    if not selectors.visible_to(agent).filter(pk=reply.pk).exists():
        raise CannedForbidden(_("You cannot use this canned reply."))
    # F() so two agents inserting at once both count.
    CannedReply.objects.filter(pk=reply.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=timezone.now()
    )


def _save(actor: Agent, reply: CannedReply, data: CannedInput, *, created: bool) -> CannedReply:
    cleaned = _clean(data)
    owner_id = actor.pk if cleaned.scope == Scope.PERSONAL else None
    if not created and reply.scope == Scope.PERSONAL and cleaned.scope == Scope.PERSONAL:
        owner_id = reply.owner_id  # editing keeps the owner
    _require_manager(actor, cleaned.scope, cleaned.team, owner_id)
    for language, body in cleaned.bodies.items():
        _check_placeholders(language, body)
    for language, body in cleaned.bodies.items():
        _check_guard(actor, reply if not created else actor, language, body)
    reply.title = cleaned.title
    reply.shortcut = cleaned.shortcut
    reply.scope = cleaned.scope
    reply.team = cleaned.team if cleaned.scope == Scope.TEAM else None
    reply.owner_id = owner_id
    for language, column in BODY_FIELDS.items():
        setattr(reply, column, cleaned.bodies.get(language, ""))
    if _shortcut_taken(reply):
        raise ShortcutTaken(
            _("The shortcut “%(shortcut)s” is already used by another reply shared the same way.")
            % {"shortcut": reply.shortcut},
            "shortcut",
        )
    try:
        with transaction.atomic():
            reply.save()
            audit.record(
                actor,
                "canned.created" if created else "canned.updated",
                reply,
                title=reply.title,
                scope=reply.scope,
            )
    except IntegrityError:
        # Another agent took the shortcut between the check and the insert.
        raise ShortcutTaken(
            _("The shortcut “%(shortcut)s” is already used by another reply shared the same way.")
            % {"shortcut": reply.shortcut},
            "shortcut",
        ) from None
    return reply


def _clean(data: CannedInput) -> CannedInput:
    title = data.title.strip()
    if not title:
        raise CannedRefused(_("Give the reply a title."), "title")
    if len(title) > TITLE_MAX:
        raise CannedRefused(
            _("The title is too long: at most %(max)d characters.") % {"max": TITLE_MAX}, "title"
        )
    shortcut = data.shortcut.strip().lstrip("/")
    if not shortcut or slugify(shortcut) != shortcut or len(shortcut) > SHORTCUT_MAX:
        raise CannedRefused(
            _(
                "The shortcut may hold only lower-case letters, digits, hyphens and "
                "underscores (at most %(max)d), such as “withdrawal-48h”."
            )
            % {"max": SHORTCUT_MAX},
            "shortcut",
        )
    if data.scope not in Scope.values:
        raise CannedRefused(_("Choose who the reply is shared with."), "scope")
    if data.scope == Scope.TEAM and data.team is None:
        raise CannedRefused(_("Choose the team the reply is shared with."), "team")
    bodies = {
        language: text.strip()
        for language, text in data.bodies.items()
        if language in BODY_FIELDS and text.strip()
    }
    if not bodies:
        raise CannedRefused(_("Write the reply in at least one language."), "body")
    for language, body in bodies.items():
        if len(body) > BODY_MAX:
            raise CannedRefused(
                _("The %(language)s text is too long: at most %(max)d characters.")
                % {"language": LANGUAGE_NAMES[Language(language)], "max": BODY_MAX},
                BODY_FIELDS[language],
            )
    return CannedInput(title, shortcut, data.scope, data.team, bodies)


def _require_manager(actor: Agent, scope: str, team: Team | None, owner_id: int | None) -> None:
    if not selectors.can_manage(actor, scope, team, owner_id):
        raise CannedForbidden(
            _(
                "Only supervisors can write replies shared with a team they belong to or "
                "with everyone; agents keep personal replies of their own."
            )
        )


def _check_placeholders(language: Language, body: str) -> None:
    found = variables.problems(body)
    known = ", ".join("{{" + name + "}}" for name in variables.VARIABLES)
    if found.unknown:
        raise CannedRefused(
            _(
                "The %(language)s text uses a placeholder that does not exist: %(names)s. "
                "Placeholders you can use: %(known)s."
            )
            % {
                "language": LANGUAGE_NAMES[language],
                "names": ", ".join(found.unknown),
                "known": known,
            },
            BODY_FIELDS[language],
        )
    if found.malformed:
        raise CannedRefused(
            _(
                "The %(language)s text has double braces that are not a placeholder, "
                "near “%(where)s”. Write a placeholder as {{ticket}}."
            )
            % {"language": LANGUAGE_NAMES[language], "where": found.malformed[0]},
            BODY_FIELDS[language],
        )


def _check_guard(actor: Agent, target: models.Model, language: Language, body: str) -> None:
    """Refuse a version the outbound guard would block when sent, and keep a record:
    a canned reply is sent many times by many agents, so trying to store one that asks
    for a secret is worth a supervisor's look in the audit log. No safety alert is
    raised: alerts belong to a conversation, and no customer has been written to."""
    verdict = check_outbound(variables.as_sent(body), language)
    if not verdict.blocked:
        return
    audit.record(
        actor,
        "safety.canned_blocked",
        target,
        language=str(language),
        reasons=list(verdict.reasons),
        text=redact(body, language).text,
    )
    reader = from_django(get_language() or "en")
    why = " ".join(explain(reason, reader) for reason in verdict.reasons)
    raise CannedBlocked(
        _("The %(language)s text was not saved: %(why)s")
        % {"language": LANGUAGE_NAMES[language], "why": why},
        BODY_FIELDS[language],
        verdict.reasons,
    )


def _shortcut_taken(reply: CannedReply) -> bool:
    same = CannedReply.objects.filter(scope=reply.scope, shortcut=reply.shortcut)
    if reply.scope == Scope.PERSONAL:
        same = same.filter(owner_id=reply.owner_id)
    elif reply.scope == Scope.TEAM:
        same = same.filter(team=reply.team)
    return same.exclude(pk=reply.pk).exists()


def no_such_team_message(slug: str) -> str:
    return _("There is no team “%(team)s”.") % {"team": slug}


def not_found_message() -> str:
    return _("No such canned reply.")

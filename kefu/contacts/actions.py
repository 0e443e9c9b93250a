"""Writes to contacts: finding a customer by channel address, merging duplicates, sign-in codes."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.agents.permissions import require_agent
from kefu.contacts.identities import normalize
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind, SignInCode
from kefu.core import audit
from kefu.core.errors import MergeRefused, SignInFailed
from kefu.core.languages import Language

SIGN_IN_CODE_LIFETIME = timedelta(minutes=15)
SIGN_IN_MAX_ATTEMPTS = 5


def surviving(contact: Contact) -> Contact:
    """Follow merges to the contact that now holds the record."""
    while contact.merged_into_id is not None:
        contact = Contact.objects.get(pk=contact.merged_into_id)
    return contact


def find_or_create_contact(
    kind: str, value: str, *, name: str = "", language: str = "", heard_from: bool = False
) -> Contact:
    """The contact with this address, or a new one. `heard_from`: the address just wrote
    to us, so it reaches the customer again even if the channel once said it did not."""
    value = normalize(kind, value)
    identity = ContactIdentity.objects.select_related("contact").filter(kind=kind, value=value)
    found = identity.first()
    if found is not None:
        if heard_from and found.unreachable_since is not None:
            identity.update(unreachable_since=None, unreachable_reason="")
        return surviving(found.contact)
    # The shown email is set with the row rather than by a second write.
    email = value[:255] if kind == IdentityKind.EMAIL else ""
    contact = Contact.objects.create(
        name=name[:200], language=language or Language.ZH_HANS, email=email
    )
    add_identity(contact, kind, value)
    return contact


def mark_unreachable(kind: str, value: str, *, reason: str) -> int:
    """The channel refuses messages to this address (blocked, unsubscribed); replies on it
    are refused with `reason` until the customer writes again. Returns rows changed."""
    return ContactIdentity.objects.filter(
        kind=kind, value=normalize(kind, value), unreachable_since__isnull=True
    ).update(unreachable_since=timezone.now(), unreachable_reason=reason[:200])


def create_contact(*, name: str = "", language: str = "") -> Contact:
    """A contact with no address yet (a caller whose number was withheld)."""
    return Contact.objects.create(name=name[:200], language=language or Language.ZH_HANS)


def add_identity(
    contact: Contact, kind: str, value: str, *, verified: bool = False
) -> ContactIdentity:
    """File an address under a contact; a first email also becomes their shown address."""
    value = normalize(kind, value)
    identity = ContactIdentity.objects.create(
        contact=contact, kind=kind, value=value, verified=verified
    )
    if kind == IdentityKind.EMAIL and not contact.email:
        contact.email = value[:255]
        contact.save(update_fields=["email"])
    return identity


def merge_contacts(*, source: Contact, target: Contact, actor: Agent) -> Contact:
    """Fold `source` into `target`: identities and conversations move, source stays as a link."""
    require_agent(actor)
    if source.pk == target.pk or source.merged_into_id or target.merged_into_id:
        raise MergeRefused(_("These two customers cannot be merged."))
    with transaction.atomic():
        source.identities.update(contact=target)
        source.conversations.update(contact=target)
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        if not target.email and source.email:
            target.email = source.email
            target.save(update_fields=["email"])
        audit.record(actor, "contact.merge", target, source=source.pk)
    return target


def _digest(secret: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IssuedSignIn:
    email: str
    code: str
    link_token: str


def issue_sign_in_code(email: str) -> IssuedSignIn:
    """Create a one-time code and link for `email`; the caller mails them."""
    email = normalize(IdentityKind.EMAIL, email)
    code = f"{secrets.randbelow(1_000_000):06d}"
    link_token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Only the newest code works; an older mail lying around is worthless.
        SignInCode.objects.filter(email=email, used_at__isnull=True).update(used_at=timezone.now())
        SignInCode.objects.create(
            email=email,
            code_hash=_digest(code),
            link_hash=_digest(link_token),
            expires_at=timezone.now() + SIGN_IN_CODE_LIFETIME,
        )
    return IssuedSignIn(email=email, code=code, link_token=link_token)


def _consume(sign_in: SignInCode) -> Contact:
    if sign_in.expires_at <= timezone.now():
        raise SignInFailed(_("This sign-in code has expired. Please ask for a new one."))
    sign_in.used_at = timezone.now()
    sign_in.save(update_fields=["used_at"])
    contact = find_or_create_contact(IdentityKind.EMAIL, sign_in.email)
    ContactIdentity.objects.filter(kind=IdentityKind.EMAIL, value=sign_in.email).update(
        verified=True
    )
    return contact


def sign_in_with_code(email: str, code: str) -> Contact:
    email = normalize(IdentityKind.EMAIL, email)
    with transaction.atomic():
        sign_in = (
            SignInCode.objects.select_for_update()
            .filter(email=email, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if sign_in is None:
            raise SignInFailed(_("This sign-in code is not valid. Please ask for a new one."))
        if hmac.compare_digest(sign_in.code_hash, _digest(code.strip())):
            return _consume(sign_in)
        # Six digits are guessable at scale; a few tries and the code is burnt. The
        # count is committed before the refusal is raised, or the rollback would undo it.
        sign_in.attempts += 1
        if sign_in.attempts >= SIGN_IN_MAX_ATTEMPTS:
            sign_in.used_at = timezone.now()
        sign_in.save(update_fields=["attempts", "used_at"])
    raise SignInFailed(_("This sign-in code is not valid. Please check it and try again."))


def sign_in_with_link(link_token: str) -> Contact:
    with transaction.atomic():
        sign_in = (
            SignInCode.objects.select_for_update()
            .filter(link_hash=_digest(link_token), used_at__isnull=True)
            .first()
        )
        if sign_in is None:
            raise SignInFailed(_("This sign-in link is not valid or was already used."))
        return _consume(sign_in)


def set_language(contact: Contact, language: str) -> None:
    contact.language = Language(language)
    contact.save(update_fields=["language"])

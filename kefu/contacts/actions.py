"""Writes to contacts: finding a customer by channel address, merging duplicates, sign-in
codes, and linking a messaging account to a portal account."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.agents.permissions import require_agent
from kefu.contacts.errors import LinkFailed
from kefu.contacts.identities import normalize
from kefu.contacts.models import (
    Contact,
    ContactIdentity,
    IdentityKind,
    LinkRequest,
    SignInCode,
)
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


# The channels a customer can link to their portal account: those where the customer
# proves the address by writing from it (an email address is proven by signing in).
LINKABLE_KINDS = (
    IdentityKind.TELEGRAM,
    IdentityKind.WECHAT,
    IdentityKind.MESSENGER,
    IdentityKind.X,
    IdentityKind.WEIBO,
)
LINK_REQUEST_LIFETIME = timedelta(minutes=10)
LINK_CODE_LIFETIME = timedelta(minutes=10)
LINK_MAX_ATTEMPTS = 5
# No 0/O, 1/I/L: the token is read off a screen and typed on a phone.
LINK_TOKEN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LINK_TOKEN_DIGITS = "23456789"
LINK_TOKEN_LENGTH = 8


def _link_token() -> str:
    """Eight characters with at least one digit, so an ordinary word ("link accounts")
    is never taken for a link command."""
    while True:
        token = "".join(secrets.choice(LINK_TOKEN_ALPHABET) for _i in range(LINK_TOKEN_LENGTH))
        if any(c in LINK_TOKEN_DIGITS for c in token):
            return token


def _token_digest(token: str) -> str:
    # Prefixed so that a token's hash can never be mistaken for a code's.
    return _digest(f"link-token:{token.upper()}")


def _code_digest(request_id: int, code: str) -> str:
    # Bound to the request: the same six digits of another request hash differently.
    return _digest(f"link-code:{request_id}:{code}")


@dataclass(frozen=True)
class IssuedLink:
    kind: str
    token: str
    expires_at: datetime


def start_link(contact: Contact, kind: str) -> IssuedLink:
    """A new link request of `contact` for a `kind` account; the page shows its token.

    Only the newest request of a kind works: an older token lying around is worthless.
    """
    if kind not in LINKABLE_KINDS:
        raise LinkFailed(_("This kind of account cannot be linked."))
    token = _link_token()
    now = timezone.now()
    with transaction.atomic():
        LinkRequest.objects.filter(contact=contact, kind=kind, used_at__isnull=True).update(
            used_at=now
        )
        request = LinkRequest.objects.create(
            contact=contact,
            kind=kind,
            token_hash=_token_digest(token),
            expires_at=now + LINK_REQUEST_LIFETIME,
        )
    return IssuedLink(kind=kind, token=token, expires_at=request.expires_at)


@dataclass(frozen=True)
class LinkClaim:
    """What the channel tells the one who sent a valid token: the code, and to whom."""

    code: str
    contact_email: str
    language: str
    expires_at: datetime


def claim_link(kind: str, value: str, token: str) -> LinkClaim:
    """The account (kind, value) sent `token`: issue the code the portal will ask for.

    A second claim of the same request (the customer sent the command twice, or from
    another account) replaces the code and the account: only the newest works.
    """
    now = timezone.now()
    with transaction.atomic():
        request = (
            LinkRequest.objects.select_for_update()
            .select_related("contact")
            .filter(
                token_hash=_token_digest(token),
                kind=kind,
                used_at__isnull=True,
                expires_at__gt=now,
            )
            .first()
        )
        if request is None:
            raise LinkFailed(_("This link request is not valid."))
        code = f"{secrets.randbelow(1_000_000):06d}"
        request.code_hash = _code_digest(request.pk, code)
        request.identity_value = normalize(kind, value)
        request.claimed_at = now
        request.save(update_fields=["code_hash", "identity_value", "claimed_at"])
    contact = request.contact
    # The shown address, or (a contact whose email was filed before it was copied there)
    # their first email identity: the customer must recognise their own account.
    emails = contact.identities.filter(kind=IdentityKind.EMAIL).order_by("pk")
    email = contact.email or emails.values_list("value", flat=True).first() or ""
    return LinkClaim(
        code=code,
        contact_email=email,
        language=contact.language,
        expires_at=now + LINK_CODE_LIFETIME,
    )


@dataclass(frozen=True)
class Linked:
    identity: ContactIdentity
    # False: the account was already this contact's, and nothing changed.
    moved: bool


def _matching(pending: list[LinkRequest], code: str) -> LinkRequest | None:
    for request in pending:
        if request.code_hash and hmac.compare_digest(
            request.code_hash, _code_digest(request.pk, code)
        ):
            return request
    return None


def confirm_link(contact: Contact, code: str) -> Linked:
    """The signed-in `contact` typed the code their channel account received: link it.

    Only this contact's own pending requests are compared, so a code issued to another
    customer's request never links (and counts as a failed attempt here).
    """
    code = code.strip()
    now = timezone.now()
    with transaction.atomic():
        pending = list(
            LinkRequest.objects.select_for_update()
            .filter(contact=contact, used_at__isnull=True)
            .order_by("-created_at")
        )
        request = _matching(pending, code)
        if request is not None:
            if request.claimed_at is None or request.claimed_at + LINK_CODE_LIFETIME <= now:
                raise LinkFailed(_("This code has expired. Please start again."))
            return _link(contact, request, now)
        # Six digits are guessable at scale; a few tries and the requests are burnt. The
        # count is committed before the refusal is raised, or the rollback would undo it.
        for failed in pending:
            failed.attempts += 1
            if failed.attempts >= LINK_MAX_ATTEMPTS:
                failed.used_at = now
            failed.save(update_fields=["attempts", "used_at"])
    raise LinkFailed(_("This code is not valid. Please check it and try again."))


def _locked_identity(kind: str, value: str) -> ContactIdentity | None:
    return (
        ContactIdentity.objects.select_for_update()
        .select_related("contact")
        .filter(kind=kind, value=value)
        .first()
    )


def _link(contact: Contact, request: LinkRequest, now: datetime) -> Linked:
    request.used_at = now
    request.save(update_fields=["used_at"])
    kind, value = request.kind, request.identity_value
    identity = _locked_identity(kind, value)
    if identity is None:
        try:
            with transaction.atomic():
                identity = add_identity(contact, kind, value, verified=True)
        except IntegrityError:
            # The account wrote to us meanwhile and has a contact now: moved below.
            identity = (
                ContactIdentity.objects.select_for_update()
                .select_related("contact")
                .get(kind=kind, value=value)
            )
        else:
            audit.record(None, "contact.link", contact, kind=kind, identity=identity.pk)
            return Linked(identity=identity, moved=True)
    if identity.contact_id == contact.pk:
        return Linked(identity=identity, moved=False)
    previous = identity.contact
    identity.contact = contact
    identity.verified = True
    identity.save(update_fields=["contact", "verified"])
    # The conversations that came through this account: a messaging channel takes the
    # identity kind's name (a Telegram identity writes to Telegram inboxes).
    moved = previous.conversations.filter(channel=kind).update(contact=contact)
    if not previous.identities.exists():
        # Nothing left to reach that contact by: it becomes a link to this one, as a merge
        # leaves it, and whatever else it held comes along.
        moved += previous.conversations.update(contact=contact)
        previous.merged_into = contact
        previous.save(update_fields=["merged_into"])
    audit.record(
        None,
        "contact.link",
        contact,
        kind=kind,
        identity=identity.pk,
        previous_contact=previous.pk,
        conversations=moved,
    )
    return Linked(identity=identity, moved=True)


def unlink(contact: Contact, identity_id: int) -> Contact:
    """The customer takes a messaging account off their portal account: it goes to a new
    contact of its own; the conversations already held stay where they are."""
    with transaction.atomic():
        identity = (
            ContactIdentity.objects.select_for_update()
            .filter(pk=identity_id, contact=contact, kind__in=LINKABLE_KINDS)
            .first()
        )
        if identity is None:
            raise LinkFailed(_("This account is not linked to yours."))
        alone = Contact.objects.create(language=contact.language)
        identity.contact = alone
        identity.verified = False
        identity.save(update_fields=["contact", "verified"])
        audit.record(None, "contact.unlink", contact, kind=identity.kind, identity=identity.pk)
    return alone

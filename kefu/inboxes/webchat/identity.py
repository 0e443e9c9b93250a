"""Who is chatting: an anonymous visitor's signed session, and a host site's signed user.

A visitor's session token is signed by us and kept in the browser's localStorage; it
names a random visitor id for one inbox. A host site that knows its signed-in user passes
an identity token: a JWT (HS256) signed with the inbox's shared secret
(`Inbox.config["identity_secret"]`) whose `sub` is the platform user id and which must
carry `exp`; an `email` claim counts only with `email_verified: true` (the OpenID
Connect claims), and then chat transcripts may be mailed there without a code. Anything
else — no signature, a wrong one, another algorithm, an expired or incomplete token — is
ignored: the chat goes on anonymously and nothing in the claim is believed.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kefu.contacts.identities import normalize
from kefu.contacts.models import IdentityKind
from kefu.inboxes.models import Inbox

logger = logging.getLogger(__name__)

_SESSION_SALT = "kefu.webchat.session"
SESSION_MAX_AGE = timedelta(days=90)
# A host site mints a fresh token per page load; a long-lived one is a stolen-token risk.
MAX_IDENTITY_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class Visitor:
    inbox_id: int
    visitor_id: str
    platform_user_id: str = ""
    name: str = ""
    # An address the host site vouches for (its token's email, marked verified).
    email: str = ""

    @property
    def identity(self) -> tuple[str, str]:
        """The contact identity the chat is filed under."""
        if self.platform_user_id:
            return IdentityKind.PLATFORM_USER, self.platform_user_id
        return IdentityKind.WEBCHAT, self.visitor_id


def issue_session(inbox_id: int, visitor_id: str) -> str:
    return signing.dumps({"i": inbox_id, "v": visitor_id}, salt=_SESSION_SALT, compress=True)


def visitor_from_session(inbox_id: int, token: object) -> str | None:
    """The visitor id a session token names, or None when it is not ours for this inbox."""
    if not isinstance(token, str) or not token or len(token) > 512:
        return None
    try:
        data = signing.loads(token, salt=_SESSION_SALT, max_age=SESSION_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("i") != inbox_id:
        return None
    visitor = data.get("v")
    return visitor if isinstance(visitor, str) and visitor else None


@dataclass(frozen=True)
class PlatformUser:
    user_id: str
    name: str
    email: str = ""


def _verified_email(claims: dict[str, object]) -> str:
    email = claims.get("email")
    if claims.get("email_verified") is not True or not isinstance(email, str):
        return ""
    try:
        validate_email(email.strip())
    except ValidationError:
        return ""
    return normalize(IdentityKind.EMAIL, email)


def platform_user(inbox: Inbox, token: object) -> PlatformUser | None:
    """The host site's signed-in user, when the token verifies; otherwise None."""
    secret = inbox.config.get("identity_secret")
    if not isinstance(token, str) or not token or not isinstance(secret, str) or not secret:
        return None
    try:
        claims = jwt.decode(
            token,
            secret,
            # Pinned: accepting the token's own "alg" is how "none" and key-confusion
            # attacks get in.
            algorithms=["HS256"],
            options={"require": ["sub", "exp", "iat"]},
        )
    except jwt.PyJWTError as error:
        logger.info("ignored a chat identity token for inbox %s: %s", inbox.pk, error)
        return None
    if claims["exp"] - claims["iat"] > MAX_IDENTITY_LIFETIME.total_seconds():
        logger.info("ignored a chat identity token for inbox %s: lifetime too long", inbox.pk)
        return None
    user_id = str(claims["sub"]).strip()[:255]
    if not user_id:
        return None
    name = claims.get("name")
    # Not cut here: the name is screened for secrets first, then cut to fit the contact
    # (a phrase cut short is no longer recognisable, yet still gives most of it away).
    return PlatformUser(
        user_id=user_id,
        name=name if isinstance(name, str) else "",
        email=_verified_email(claims),
    )


def identify(inbox: Inbox, session: object, identity: object) -> tuple[Visitor, str]:
    """The visitor behind a hello frame, and the session token to keep (new or the same)."""
    visitor_id = visitor_from_session(inbox.pk, session)
    token = session if visitor_id is not None and isinstance(session, str) else ""
    if visitor_id is None:
        visitor_id = uuid.uuid4().hex
        token = issue_session(inbox.pk, visitor_id)
    user = platform_user(inbox, identity)
    return (
        Visitor(
            inbox_id=inbox.pk,
            visitor_id=visitor_id,
            platform_user_id=user.user_id if user else "",
            name=user.name if user else "",
            email=user.email if user else "",
        ),
        token,
    )

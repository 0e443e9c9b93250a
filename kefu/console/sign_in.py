"""Agents' sign-in: the one password check (with its lock-out), and the state between the
password step and the second factor.

A correct password alone does not sign anyone in: the agent is only remembered as
"pending" in the session, and Django's login happens once the TOTP (or recovery) code
is accepted. So a stolen password never yields a session that any part of the site
(the admin, the API, a WebSocket) would treat as signed in.
"""

import logging
import time
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.models import Device

from kefu.agents import two_factor
from kefu.agents.models import Agent
from kefu.core import throttle

logger = logging.getLogger(__name__)

PENDING_KEY = "kefu.console.pending"
# Long enough to find the phone and open the authenticator app, short enough that a
# forgotten half-signed-in browser does not stay one code away from a session.
PENDING_SECONDS = 10 * 60

# Per-username lock-out after repeated wrong passwords: it slows guessing against one
# account without letting anyone lock the whole team out for long.
PASSWORD_ATTEMPTS = throttle.Limit("sign-in-password", attempts=5, window_seconds=15 * 60)

PasswordOutcome = Literal["ok", "wrong", "locked", "unavailable"]


@dataclass(frozen=True)
class Pending:
    agent: Agent
    next_url: str


@dataclass(frozen=True)
class PasswordCheck:
    outcome: PasswordOutcome
    agent: Agent | None = None


def _account_key(username: str) -> str:
    return username.strip().lower()


def check_password(request: HttpRequest | None, username: str, password: str) -> PasswordCheck:
    """The one place an agent's password is checked, for the console and the admin alike.

    The attempt is counted before the hash is computed, in one atomic database
    statement: concurrent guesses (from any number of app processes) each take a number,
    and only those within the limit are ever evaluated. A success clears the count.
    """
    key = _account_key(username)
    try:
        allowed = throttle.reserve(PASSWORD_ATTEMPTS, key)
    except throttle.CounterUnavailable:
        # Fail closed: without a count there is no limit, so nobody is checked.
        logger.warning("sign-in refused: the attempt counter is unavailable", exc_info=True)
        return PasswordCheck("unavailable")
    if not allowed:
        return PasswordCheck("locked")
    user = auth.authenticate(request, username=username, password=password)
    if not isinstance(user, Agent):
        return PasswordCheck("wrong")
    throttle.forget(PASSWORD_ATTEMPTS, key)
    return PasswordCheck("ok", user)


def refusal(outcome: PasswordOutcome) -> tuple[str, int]:
    """What to tell someone whose password was not accepted, and the HTTP status."""
    if outcome == "locked":
        return _("Too many failed sign-in attempts for this account. Try again in 15 minutes."), 429
    if outcome == "unavailable":
        return _("Sign-in is unavailable for a moment; try again shortly."), 503
    return _("The username or password is not correct."), 400


def safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("console:inbox")


def begin(request: HttpRequest, agent: Agent, next_url: str) -> None:
    """Remember that `agent` gave the right password; the second factor comes next."""
    # A new session key at each privilege step defeats session fixation.
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "agent": agent.pk,
        "at": time.time(),
        # Changing the password ends a half-finished sign-in, as it ends sessions.
        "hash": agent.get_session_auth_hash(),
        "next": next_url,
    }


def pending(request: HttpRequest) -> Pending | None:
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or time.time() - float(data.get("at", 0)) > PENDING_SECONDS:
        return None
    agent_id = data.get("agent")
    if not isinstance(agent_id, int):
        return None
    agent = Agent.objects.filter(pk=agent_id, is_active=True).first()
    if agent is None or agent.get_session_auth_hash() != data.get("hash"):
        return None
    return Pending(agent, str(data.get("next") or ""))


def pending_agent(request: HttpRequest) -> Agent | None:
    found = pending(request)
    return found.agent if found is not None else None


def is_verified(request: HttpRequest) -> bool:
    """Signed in and past the second factor (OTPMiddleware installs `is_verified`)."""
    check = getattr(request.user, "is_verified", None)
    return bool(request.user.is_authenticated and callable(check) and check())


def second_factor_agent(request: HttpRequest) -> Agent | None:
    """Who is at the second-factor step: a signed-in but unverified agent, or a pending one."""
    user = request.user
    if user.is_authenticated:
        return user if isinstance(user, Agent) and user.is_active else None
    return pending_agent(request)


def second_factor_url(request: HttpRequest) -> str:
    agent = second_factor_agent(request)
    if agent is not None and not two_factor.has_confirmed_totp(agent):
        return reverse("console:enrol")
    return reverse("console:verify")


def complete(request: HttpRequest, agent: Agent, device: Device) -> str:
    """Sign the agent in, mark the session as past the second factor; return where to go."""
    found = pending(request)
    next_url = safe_next(request, found.next_url if found is not None else None)
    auth.login(request, agent, backend=settings.AUTHENTICATION_BACKENDS[0])
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    return next_url


def abandon(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)

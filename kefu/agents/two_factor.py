"""TOTP enrolment, recovery codes and second-factor checks for agents (mandatory for all)."""

import re
from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kefu.agents.models import Agent
from kefu.core import audit

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"

_NOT_CODE_CHARS = re.compile(r"[^0-9a-z]")


def normalize_code(code: str) -> str:
    """Codes are read off a phone or a sheet of paper: spaces, dashes and case don't count."""
    return _NOT_CODE_CHARS.sub("", code.strip().lower())


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}" if len(token) == 8 else token


def has_confirmed_totp(agent: Agent) -> bool:
    return TOTPDevice.objects.filter(user=agent, confirmed=True).exists()


def enrolment_device(agent: Agent) -> TOTPDevice:
    """The unconfirmed authenticator being set up; the same one on every reload of the page."""
    device = TOTPDevice.objects.filter(user=agent, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=agent, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


CheckOutcome = Literal["ok", "wrong", "throttled"]


@dataclass(frozen=True)
class CheckResult:
    outcome: CheckOutcome
    device: Device | None = None


def _check(device: Device, token: str) -> CheckOutcome:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return "throttled"
    return "ok" if device.verify_token(token) else "wrong"


def confirm_enrolment(agent: Agent, code: str) -> tuple[CheckResult, list[str]]:
    """Confirm the authenticator with a code from it; on success issue fresh recovery codes."""
    token = normalize_code(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=agent, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            return CheckResult("wrong"), []
        outcome = _check(device, token)
        if outcome != "ok":
            return CheckResult(outcome), []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=agent, confirmed=False).delete()
        codes = issue_recovery_codes(agent)
        audit.record(agent, "agent.two_factor_enrolled", agent)
    return CheckResult("ok", device), codes


def issue_recovery_codes(agent: Agent) -> list[str]:
    """Replace the agent's recovery codes with RECOVERY_CODE_COUNT new single-use ones."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=agent).delete()
        device = StaticDevice.objects.create(user=agent, name=RECOVERY_DEVICE_NAME, confirmed=True)
        tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    return [format_recovery_code(token) for token in tokens]


def verify_second_factor(agent: Agent, code: str) -> CheckResult:
    """Check a 6-digit authenticator code, or a recovery code (which is used up)."""
    token = normalize_code(code)
    if not token:
        return CheckResult("wrong")
    # Six digits is an authenticator code; recovery codes are eight letters and digits.
    recovery = not (token.isdigit() and len(token) == 6)
    model: type[Device] = StaticDevice if recovery else TOTPDevice
    throttled = False
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=agent, confirmed=True):
            outcome = _check(device, token)
            if outcome == "ok":
                if recovery:
                    audit.record(agent, "agent.recovery_code_used", agent)
                return CheckResult("ok", device)
            throttled = throttled or outcome == "throttled"
    return CheckResult("throttled" if throttled else "wrong")


def recovery_codes_left(agent: Agent) -> int:
    return StaticToken.objects.filter(device__user=agent, device__confirmed=True).count()

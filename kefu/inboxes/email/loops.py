"""Recognizing mail a machine sent: never answer it automatically (RFC 3834)."""

from email.message import EmailMessage

_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})
_ROBOT_SENDERS = ("mailer-daemon@", "postmaster@", "noreply@", "no-reply@", "donotreply@")


def _header(message: EmailMessage, name: str) -> str:
    # The raw value: these are ASCII tokens, and the policy's structured header parsing
    # would cost more than the rest of this check.
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return " ".join(str(value).split()).lower()
    return ""


def is_automated(message: EmailMessage, sender: str) -> bool:
    """An auto-reply, bounce, mailing list or bulk mail: store it, never acknowledge it."""
    auto_submitted = _header(message, "Auto-Submitted")
    if auto_submitted and auto_submitted != "no":
        return True
    if _header(message, "Precedence") in _BULK_PRECEDENCE:
        return True
    if any(_header(message, name) for name in ("X-Autoreply", "X-Autorespond", "List-Id")):
        return True
    # Exchange marks its out-of-office replies this way rather than with Auto-Submitted.
    if _header(message, "X-Auto-Response-Suppress") in (
        "all",
        "oof",
        "dr, rn, nrn, oof, autoreply",
    ):
        return True
    if _header(message, "Return-Path") == "<>":
        return True
    return sender.lower().startswith(_ROBOT_SENDERS)

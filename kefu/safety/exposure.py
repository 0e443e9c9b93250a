"""What a customer is told, at once, after sending a secret that was removed."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.languages import to_django
from kefu.safety.findings import ONE_TIME_CODE, PASSWORD

# Shown on every page, in every mail and record, and in the first message of every
# conversation on a messaging channel: impostors ask for exactly these.
SAFETY_LINE = gettext_lazy(
    "Kefu support will never ask for your password, recovery phrase (助记词), private key "
    "or verification codes."
)

# Wallet secrets give away funds for good; a password or code can still be changed.
_CREDENTIALS = frozenset({PASSWORD, ONE_TIME_CODE})


def exposure_warning(kinds: frozenset[str], language: str) -> str:
    with translation.override(to_django(language)):
        if kinds - _CREDENTIALS:
            return _(
                "For your safety we removed the recovery phrase or private key from your "
                "message; nobody at support can see it. Treat it as exposed: create a new "
                "wallet now and move all your funds there. Support will never ask for your "
                "recovery phrase, private key, password or verification codes — anyone who "
                "does is a scammer."
            )
        return _(
            "For your safety we removed the password or verification code from your "
            "message; nobody at support can see it. Change your password now and keep "
            "two-factor authentication on. Support will never ask for your password or "
            "verification codes — anyone who does is a scammer."
        )

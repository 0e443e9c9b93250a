"""Reads about contacts that more than one app needs."""

from kefu.contacts.models import ContactIdentity, IdentityKind


def anti_phishing_code_for(email: str) -> str:
    """The code the owner of `email` chose to see in our mails, or "" (also for strangers)."""
    identity = (
        ContactIdentity.objects.filter(kind=IdentityKind.EMAIL, value=email.strip().lower())
        .select_related("contact")
        .first()
    )
    return identity.contact.anti_phishing_code if identity is not None else ""

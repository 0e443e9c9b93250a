"""Reads of the community that more than one page needs."""

from kefu.community.models import Member
from kefu.contacts.models import Contact


def member_for(contact: Contact) -> Member | None:
    """The contact's community membership, or None before they chose a display name."""
    return Member.objects.filter(contact=contact).first()

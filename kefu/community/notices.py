"""Email notices of the community: who hears about an answer, and what the mail says.

A notice goes to a question's subscribers when an answer is published there (or when
the one they were told about is accepted). Each mail carries the recipient's
anti-phishing code like every mail we send, a link to the question and a link that
unsubscribes from that question without signing in: a signed token (django.core.signing,
salted for this one use) naming the member and the question. Nothing in it is secret:
it can only ever turn off one subscription, and the page it opens asks before doing so.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kefu.community.models import Member, Post, Question, Subscription
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.contacts.selectors import anti_phishing_code_for
from kefu.core.languages import to_django
from kefu.core.public_address import absolute_url

UNSUBSCRIBE_SALT = "kefu.community.unsubscribe"
# A mail shows the start of the answer; the rest is one click away, on the page where it
# is rendered and sanitized.
EXCERPT_CHARS = 400


@dataclass(frozen=True)
class Unsubscribe:
    member_id: int
    question_id: int


def unsubscribe_token(member_id: int, question_id: int) -> str:
    return signing.dumps([member_id, question_id], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> Unsubscribe | None:
    """The subscription a token names, or None for a token we did not sign."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
    ):
        return None
    return Unsubscribe(value[0], value[1])


def unsubscribe_target(token: str) -> tuple[Member, Question] | None:
    """The member and question an unsubscribe link names, if both still exist."""
    target = read_unsubscribe_token(token)
    if target is None:
        return None
    member = Member.objects.filter(pk=target.member_id).first()
    question = Question.objects.filter(pk=target.question_id).first()
    if member is None or question is None:
        return None
    return member, question


def unsubscribe_url(member_id: int, question_id: int) -> str:
    token = unsubscribe_token(member_id, question_id)
    return absolute_url(reverse("community:unsubscribe", args=[token]))


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """The first `limit` characters of a post's stored (already redacted) Markdown."""
    text = body.strip()
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + "…"


def author_name(post: Post) -> str:
    if post.agent_id is not None:
        return str(post.agent)
    return post.member.display_name if post.member is not None else ""


@dataclass(frozen=True)
class Recipient:
    member: Member
    email: str  # the address the member signs in to the portal with


def recipients(members: Iterable[Member]) -> list[Recipient]:
    """`members` that have an email address (their first email identity), in order."""
    members = list(members)
    addresses: dict[int, str] = {}
    for contact_id, value in (
        ContactIdentity.objects.filter(
            contact_id__in=[m.contact_id for m in members], kind=IdentityKind.EMAIL
        )
        .order_by("-pk")
        .values_list("contact_id", "value")
    ):
        addresses[contact_id] = value  # the last written wins: the first identity
    return [Recipient(m, addresses[m.contact_id]) for m in members if m.contact_id in addresses]


def subscribers(question: Question) -> list[Member]:
    rows = Subscription.objects.filter(question=question).select_related("member__contact")
    return [s.member for s in rows.order_by("pk")]


def send(recipient: Recipient, template: str, context: dict[str, object]) -> None:
    """Mail the notice `template` (subject, txt and html) in the member's language."""
    member = recipient.member
    context = {
        **context,
        "member": member,
        "anti_phishing_code": anti_phishing_code_for(recipient.email),
        "unsubscribe_url": unsubscribe_url(member.pk, int(str(context["question_id"]))),
    }
    with translation.override(to_django(member.contact.language)):
        subject = render_to_string(f"community/email/{template}_subject.txt", context)
        text = render_to_string(f"community/email/{template}_body.txt", context)
        html = render_to_string(f"community/email/{template}_body.html", context)
    # A subject is one line, whatever a title held.
    message = EmailMultiAlternatives(" ".join(subject.split()), text, None, [recipient.email])
    message.attach_alternative(html, "text/html")
    message.send()

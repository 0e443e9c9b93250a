"""Background jobs of the portal: mailing sign-in codes."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from kefu.contacts.actions import SIGN_IN_CODE_LIFETIME, issue_sign_in_code
from kefu.contacts.selectors import anti_phishing_code_for
from kefu.core.public_address import absolute_url


@task()
def send_sign_in_code(email: str, language: str) -> None:
    """Issue a one-time code and link for `email` and mail them, in `language`.

    The code is issued here, in the worker, and not by the request: job arguments are
    stored in the queue table, and a code or link token kept there would let anyone
    who reads the database sign in as the customer (SignInCode stores only hashes).
    """
    issued = issue_sign_in_code(email)
    link = absolute_url(reverse("portal:sign_in_link", args=[issued.link_token]))
    context = {
        "code": issued.code,
        "link": link,
        "minutes": int(SIGN_IN_CODE_LIFETIME.total_seconds() // 60),
        "anti_phishing_code": anti_phishing_code_for(issued.email),
    }
    code = language if translation.check_for_language(language) else settings.LANGUAGE_CODE
    with translation.override(code):
        subject = render_to_string("portal/email/sign_in_subject.txt", context).strip()
        body = render_to_string("portal/email/sign_in_body.txt", context)
    send_mail(subject, body, None, [issued.email])

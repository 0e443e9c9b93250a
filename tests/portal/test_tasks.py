"""The sign-in mail: translated, with code, link and validity; the code never sits in the queue."""

import re

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from kefu.contacts.models import SignInCode
from kefu.portal.tasks import send_sign_in_code

pytestmark = pytest.mark.django_db


def test_the_mail_has_the_code_the_link_and_how_long_they_last(run_tasks, settings) -> None:
    settings.SITE_URL = "https://help.example.com:8443"
    send_sign_in_code.enqueue("Wang@Example.com", "en")
    run_tasks()
    (message,) = mail.outbox
    body = str(message.body)
    assert message.to == ["wang@example.com"]
    assert message.subject == "Your sign-in code for Kefu support"
    assert re.search(r"^    \d{6}$", body, re.MULTILINE)
    assert re.search(r"^https://help\.example\.com:8443/portal/sign-in/[\w-]{20,}/$", body, re.M)
    assert "valid for 15 minutes" in body
    assert "Kefu support will never ask you for this code." in body
    assert SignInCode.objects.filter(email="wang@example.com", used_at__isnull=True).count() == 1


def test_the_mail_is_in_the_language_the_customer_asked_in(run_tasks) -> None:
    send_sign_in_code.enqueue("chen@example.com", "zh-hant")
    run_tasks()
    (message,) = mail.outbox
    assert message.subject == "您的 Kefu 客服登入驗證碼"
    assert "15 分鐘" in str(message.body)
    assert "助記詞" in str(message.body)


def test_the_queue_holds_neither_the_code_nor_the_link(run_tasks) -> None:
    send_sign_in_code.enqueue("lin@example.com", "zh-hans")
    run_tasks()
    body = str(mail.outbox[0].body)
    code = re.search(r"^    (\d{6})$", body, re.MULTILINE)
    token = re.search(r"/portal/sign-in/([\w-]+)/", body)
    assert code is not None
    assert token is not None
    stored = " ".join(
        str(row) for row in DBTaskResult.objects.values_list("args_kwargs", "return_value")
    )
    assert code.group(1) not in stored
    assert token.group(1) not in stored


def test_the_sign_in_mail_shows_the_anti_phishing_code(contact_factory, mailoutbox) -> None:
    contact = contact_factory(email="tiger@example.com")
    contact.anti_phishing_code = "Tiger42"
    contact.save()
    send_sign_in_code.call("tiger@example.com", "en")
    assert mailoutbox[0].body.startswith("Your anti-phishing code: Tiger42")

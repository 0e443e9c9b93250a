"""The portal pages of guided flows: plain forms that work without JavaScript."""

import re

import pytest
from django.test import Client

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from tests.conftest import portal_client_for


def start(client: Client, intent: str) -> str:
    response = client.post(f"/help/flows/{intent}/")
    assert response.status_code == 302
    return str(response["Location"])


@pytest.mark.django_db
def test_the_list_and_start_pages_do_not_create_runs() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
    listing = client.get("/help/flows/").content.decode()
    assert "/help/flows/withdrawal_delayed/" in listing
    assert "我的提領還沒到帳" in listing
    assert client.get("/help/flows/deposit_missing/").status_code == 200
    assert not FlowRun.objects.exists()
    assert client.get("/help/flows/fees/").status_code == 404


@pytest.mark.django_db
def test_signed_in_customer_sees_their_withdrawal_and_is_handed_off(
    platform_customer: Contact,
) -> None:
    client = portal_client_for(platform_customer)
    url = start(client, "withdrawal_delayed")
    bad = client.post(url, {"value": "hello"})
    assert bad.status_code == 422
    assert "W-1042" in bad.content.decode()  # the error names the expected format
    client.post(url, {"value": "W-1042"})
    page = client.get(url).content.decode()
    assert "W-1042" in page
    assert "500 USDT" in page
    client.post(url, {"value": "help"})
    run = FlowRun.objects.get()
    assert run.outcome == RunOutcome.HANDOFF
    assert run.conversation is not None
    page = client.get(url).content.decode()
    assert run.conversation.reference in page
    assert "我们已将您提供的全部信息转交给客服" in page  # signed in: handed off at once
    assert 'name="email"' not in page


PASSED_ON = "We have passed everything you told us to a support agent."


@pytest.mark.django_db
def test_a_visitor_is_asked_for_an_email_before_anything_is_said_to_be_passed_on() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = start(client, "login_failed")
    client.post(url, {"value": "help"})
    page = client.get(url).content.decode()
    assert 'name="email"' in page
    assert "we need an email address where they can answer you" in page
    assert PASSED_ON not in page
    refused = client.post(url, {"email": "visitor@example"})
    assert refused.status_code == 422
    refused_page = refused.content.decode()
    assert "Enter your email address so an agent can reply." in refused_page
    assert 'value="visitor@example"' in refused_page  # kept to be corrected
    assert PASSED_ON not in refused_page
    assert FlowRun.objects.get().outcome == RunOutcome.IN_PROGRESS
    assert not Conversation.objects.exists()
    assert client.post(url, {"email": "Visitor@Example.com"}).status_code == 302
    run = FlowRun.objects.get()
    assert run.outcome == RunOutcome.HANDOFF
    assert run.conversation is not None
    assert run.conversation.contact.identities.get().value == "visitor@example.com"
    done = client.get(url).content.decode()
    assert f"{PASSED_ON} We will email you when they answer." in done
    assert run.conversation.reference in done


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "asks", "passed"),
    [
        ("zh-hans", "我们需要一个可以回复您的电子邮箱地址", "我们已将您提供的全部信息转交给客服"),
        ("zh-hant", "我們需要一個可以回覆您的電子郵件地址", "我們已將您提供的所有資訊轉交給客服"),
    ],
)
def test_the_hand_off_speaks_chinese_too(language: str, asks: str, passed: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    url = start(client, "login_failed")
    client.post(url, {"value": "help"})
    page = client.get(url).content.decode()
    assert asks in page
    assert passed not in page
    client.post(url, {"email": "visitor@example.com"})
    assert passed in client.get(url).content.decode()


@pytest.mark.django_db
def test_another_customers_run_is_not_found(platform_customer: Contact, contact_factory) -> None:
    url = start(portal_client_for(platform_customer), "withdrawal_delayed")
    assert portal_client_for(contact_factory()).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    assert Client().get("/help/flows/run/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_pages_speak_the_readers_language() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = start(client, "withdrawal_delayed")
    page = client.get(url).content.decode()
    assert re.search(r"[\u4e00-\u9fff]", page)
    assert FlowRun.objects.get().language == "zh-Hans"


@pytest.mark.django_db
def test_a_null_character_in_a_typed_answer_is_refused_and_not_kept() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = start(client, "transaction_failed")
    FlowRun.objects.update(step="describe")
    refused = client.post(url, {"value": "下单\x00失败"})
    assert refused.status_code == 422
    assert "空字符" in refused.content.decode()
    assert FlowRun.objects.get().collected == {}
    assert client.post(url, {"value": "下单失败"}).status_code == 302
    assert FlowRun.objects.get().collected == {"details": "下单失败"}

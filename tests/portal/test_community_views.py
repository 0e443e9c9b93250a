"""The community's public pages: reading without an account, posting signed in, and the
official badge that only staff answers can carry."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from kefu.agents.models import Agent
from kefu.community.models import HoldReason, PostKind, Question, Visibility
from kefu.contacts.models import Contact
from tests.community import threads
from tests.portal.conftest import client_reading

pytestmark = pytest.mark.django_db


def _anonymous(language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> threads.Member:
    return threads.member(contact_factory(language="en"), "alice")


@pytest.fixture
def bob(contact_factory: Callable[..., Contact]) -> threads.Member:
    return threads.member(contact_factory(language="en"), "bob")


def test_anyone_reads_the_front_page_category_and_question(
    alice: threads.Member, bob: threads.Member, django_assert_max_num_queries
) -> None:
    deposits = threads.category()
    asked = threads.question(alice, "USDT deposit missing", in_category=deposits, solved=True)
    threads.post(asked, "Check the memo.", by=bob)
    client = _anonymous()
    with django_assert_max_num_queries(4):
        home = client.get("/community/")
    html = home.content.decode()
    assert home.status_code == 200
    assert "USDT deposit missing" in html and "Solved" in html
    assert 'href="/community/c/deposits/"' in html
    listing = client.get("/community/c/deposits/?show=solved")
    assert "USDT deposit missing" in listing.content.decode()
    page = client.get(f"/community/q/{asked.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Check the memo." in html
    assert "/portal/?next=" in html  # posting asks to sign in first
    assert "Vote up" not in html


def test_question_page_queries_do_not_grow_with_answers(
    alice: threads.Member,
    bob: threads.Member,
    agent: Agent,
    django_assert_max_num_queries,
) -> None:
    asked = threads.question(alice, in_category=threads.category())
    client = client_reading(alice.contact)
    for _ in range(3):
        answer = threads.post(asked, "answer", by=bob)
        threads.post(asked, "official", by=agent)
        threads.post(asked, "thanks", by=alice, kind=PostKind.COMMENT, parent=answer)
    # session, contact, member, then the thread's five.
    with django_assert_max_num_queries(12):
        first = client.get(f"/community/q/{asked.pk}/")
    for _ in range(10):
        answer = threads.post(asked, "answer", by=bob)
        threads.post(asked, "official", by=agent)
        threads.post(asked, "thanks", by=alice, kind=PostKind.COMMENT, parent=answer)
    with django_assert_max_num_queries(12):
        later = client.get(f"/community/q/{asked.pk}/")
    assert first.status_code == later.status_code == 200


def test_a_slug_in_the_address_is_optional(alice: threads.Member) -> None:
    asked = threads.question(alice, "Where is my deposit")
    assert _anonymous().get(f"/community/q/{asked.pk}/where-is-my-deposit/").status_code == 200
    assert _anonymous().get(f"/community/q/{asked.pk}/anything/").status_code == 200
    assert _anonymous().get("/community/q/999999/").status_code == 404


def test_official_badge_is_on_staff_answers_and_links_to_verify(
    alice: threads.Member, agent: Agent
) -> None:
    asked = threads.question(alice)
    threads.post(asked, "Official help", by=agent)
    html = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert f"Official answer · {agent.display_name}" in html
    assert f'href="/portal/verify/?kind=agent&amp;q={agent.public_id}"' in html


def test_a_member_named_official_support_gets_no_badge(
    contact_factory: Callable[..., Contact], alice: threads.Member
) -> None:
    impostor = threads.member(contact_factory(), "Official Support")
    asked = threads.question(alice)
    threads.post(asked, "DM me on Telegram", by=impostor)
    html = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert "Official Support" in html
    assert "badge-official" not in html
    assert "/portal/verify/?kind=agent" not in html


def test_held_post_is_shown_to_its_author_only_with_the_secret_warning(
    alice: threads.Member, bob: threads.Member
) -> None:
    asked = threads.question(alice)
    threads.post(
        asked,
        "my phrase was [removed]",
        by=bob,
        visibility=Visibility.HELD,
        hold_reasons=(HoldReason.SECRET,),
    )
    url = f"/community/q/{asked.pk}/"
    for client in (_anonymous(), client_reading(alice.contact)):
        assert "my phrase was" not in client.get(url).content.decode()
    html = client_reading(bob.contact).get(url).content.decode()
    assert "my phrase was [removed]" in html
    assert "Waiting for review" in html
    assert "compromised" in html


def test_support_banner_shows_no_ticket_details(
    alice: threads.Member, conversation_factory: Callable[..., object]
) -> None:
    conversation = conversation_factory()
    asked = threads.question(alice, conversation=conversation)
    html = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert "Support took this question over" in html
    assert str(getattr(conversation, "reference")) not in html


def test_a_merged_question_sends_the_reader_on(alice: threads.Member) -> None:
    target = threads.question(alice, "Target")
    merged = threads.question(alice, "Old", merged_into=target)
    response = _anonymous().get(f"/community/q/{merged.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/community/q/{target.pk}/target/"


def test_html_in_a_post_is_shown_as_text(alice: threads.Member, bob: threads.Member) -> None:
    asked = threads.question(alice, "<script>alert(1)</script> title")
    threads.post(asked, "<script>alert(2)</script>", by=bob)
    html = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_posting_pages_ask_to_sign_in(alice: threads.Member) -> None:
    response = _anonymous().get("/community/ask/")
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/?next=")
    asked = threads.question(alice)
    response = _anonymous().post(f"/community/q/{asked.pk}/answer/", {"body": "hi"})
    assert response.status_code == 302 and "/portal/?next=" in response["Location"]
    assert Question.objects.get(pk=asked.pk).posts.count() == 1


def test_a_signed_in_customer_without_a_name_is_asked_for_one(
    contact_factory: Callable[..., Contact],
) -> None:
    client = client_reading(contact_factory())
    response = client.get("/community/ask/")
    assert response.status_code == 302
    assert response["Location"] == "/community/join/?next=%2Fcommunity%2Fask%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="display_name"' in page.content.decode()


def test_community_is_in_the_navigation() -> None:
    html = _anonymous().get("/help/").content.decode()
    assert re.search(r'<a href="/community/">', html)

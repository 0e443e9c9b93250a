"""The community's public pages: reading without an account, posting signed in, and the
official badge that only staff answers can carry."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.community import actions
from kefu.community.models import (
    HoldReason,
    Member,
    Post,
    PostKind,
    PostReport,
    Question,
    Visibility,
)
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from tests.community import page_threads as threads
from tests.portal.conftest import client_reading

pytestmark = pytest.mark.django_db


def _anonymous(language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> Member:
    return threads.member(contact_factory(language="en"), "alice")


@pytest.fixture
def bob(contact_factory: Callable[..., Contact]) -> Member:
    return threads.member(contact_factory(language="en"), "bob")


def test_anyone_reads_the_front_page_category_and_question(
    alice: Member, bob: Member, django_assert_max_num_queries
) -> None:
    deposits = threads.category()
    asked = threads.question(alice, "USDT deposit missing", in_category=deposits, solved=True)
    threads.post(asked, "Check the memo.", by=bob)
    client = _anonymous()
    with django_assert_max_num_queries(4):
        home = client.get("/community/")
    html = home.content.decode()
    assert home.status_code == 200
    assert "USDT deposit missing" in html
    assert "Solved" in html
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
    alice: Member,
    bob: Member,
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


def test_a_slug_in_the_address_is_optional(alice: Member) -> None:
    asked = threads.question(alice, "Where is my deposit")
    assert _anonymous().get(f"/community/q/{asked.pk}/where-is-my-deposit/").status_code == 200
    assert _anonymous().get(f"/community/q/{asked.pk}/anything/").status_code == 200
    assert _anonymous().get("/community/q/999999/").status_code == 404


def test_official_badge_is_on_staff_answers_and_links_to_verify(
    alice: Member, agent: Agent
) -> None:
    asked = threads.question(alice)
    threads.post(asked, "Official help", by=agent)
    html = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert f"Official answer · {agent.display_name}" in html
    assert f'href="/portal/verify/?kind=agent&amp;q={agent.public_id}"' in html


def test_a_member_named_official_support_gets_no_badge(
    contact_factory: Callable[..., Contact], alice: Member
) -> None:
    impostor = threads.member(contact_factory(), "Official Support")
    asked = threads.question(alice)
    threads.post(asked, "DM me on Telegram", by=impostor)
    html = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert "Official Support" in html
    assert "badge-official" not in html
    assert "/portal/verify/?kind=agent" not in html


def test_held_post_is_shown_to_its_author_only_with_the_secret_warning(
    alice: Member, bob: Member
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
    alice: Member, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    asked = threads.question(alice, conversation=conversation)
    html = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert "Support took this question over" in html
    assert conversation.reference not in html


def test_a_merged_question_sends_the_reader_on(alice: Member) -> None:
    target = threads.question(alice, "Target")
    merged = threads.question(alice, "Old", merged_into=target)
    response = _anonymous().get(f"/community/q/{merged.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/community/q/{target.pk}/target/"


def test_html_in_a_post_is_shown_as_text(alice: Member, bob: Member) -> None:
    asked = threads.question(alice, "<script>alert(1)</script> title")
    threads.post(asked, "<script>alert(2)</script>", by=bob)
    html = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<script>alert" not in html


def test_posting_pages_ask_to_sign_in(alice: Member) -> None:
    response = _anonymous().get("/community/ask/")
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/?next=")
    asked = threads.question(alice)
    response = _anonymous().post(f"/community/q/{asked.pk}/answer/", {"body": "hi"})
    assert response.status_code == 302
    assert "/portal/?next=" in response["Location"]
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


# Posting, through the actions -------------------------------------------------------------

PHRASE = "abandon " * 11 + "about"  # the BIP39 test vector


@pytest.fixture
def trusted(contact_factory: Callable[..., Contact]) -> Callable[[str], Member]:
    """A member who has posted before (a new member's first posts wait for review)."""

    def make(name: str) -> Member:
        joined = actions.join(contact=contact_factory(language="en"), display_name=name)
        joined.approved_posts = 10
        joined.save(update_fields=["approved_posts"])
        return joined

    return make


def test_joining_picks_a_name_and_continues_where_the_customer_was(
    contact_factory: Callable[..., Contact],
) -> None:
    contact = contact_factory(language="en")
    client = client_reading(contact)
    response = client.post(
        "/community/join/", {"display_name": "satoshi", "next": "/community/ask/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/community/ask/"
    assert Member.objects.get(contact=contact).display_name == "satoshi"


def test_a_staff_looking_name_is_refused_and_kept_in_the_form(
    contact_factory: Callable[..., Contact],
) -> None:
    contact = contact_factory(language="en")
    response = client_reading(contact).post(
        "/community/join/", {"display_name": "Official Support", "next": "https://evil.example/"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Official Support"' in html
    assert 'class="field-error"' in html
    assert not Member.objects.filter(contact=contact).exists()


def test_a_member_asks_another_answers_and_the_asker_accepts(
    trusted: Callable[[str], Member],
) -> None:
    asker, helper = trusted("alice"), trusted("bob")
    category = threads.category()
    client = client_reading(asker.contact)
    response = client.post(
        "/community/ask/",
        {"title": "Deposit missing", "body": "Sent *USDT* an hour ago.", "category": "deposits"},
    )
    asked = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/community/q/{asked.pk}/deposit-missing/"
    assert asked.category == category
    assert asked.visibility == Visibility.PUBLISHED
    page = client.get(response["Location"]).content.decode()
    assert "<em>USDT</em>" in page
    assert "your post is published" in page

    answered = client_reading(helper.contact).post(
        f"/community/q/{asked.pk}/answer/", {"body": "Wait for 20 confirmations."}
    )
    reply = Post.objects.get(kind=PostKind.ANSWER)
    assert answered["Location"].endswith(f"#post-{reply.pk}")
    assert "Accept this answer" in client.get(f"/community/q/{asked.pk}/").content.decode()
    client.post(f"/community/p/{reply.pk}/accept/")
    asked.refresh_from_db()
    assert asked.accepted_answer == reply
    assert asked.solved
    html = client.get(f"/community/q/{asked.pk}/").content.decode()
    assert "Accepted answer" in html


def test_only_the_asker_is_offered_accept(trusted: Callable[[str], Member]) -> None:
    asker, helper = trusted("alice"), trusted("bob")
    asked = actions.ask(author=asker, title="Help", body="please", language="en")
    actions.answer(author=helper, question=asked, body="Try this.")
    html = client_reading(helper.contact).get(f"/community/q/{asked.pk}/").content.decode()
    assert "Accept this answer" not in html


def test_an_action_refusal_keeps_the_typed_text(
    trusted: Callable[[str], Member], agent_factory: Callable[..., Agent]
) -> None:
    asker, banned = trusted("alice"), trusted("bob")
    asked = actions.ask(author=asker, title="Help", body="please", language="en")
    moderator = agent_factory(role=Role.SUPERVISOR)
    actions.ban(
        actor=moderator, member=banned, until=timezone.now() + timedelta(days=1), reason="spam"
    )
    client = client_reading(banned.contact)
    response = client.post(f"/community/q/{asked.pk}/answer/", {"body": "My long careful answer"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "My long careful answer</textarea>" in html
    assert 'class="field-error"' in html
    opening = asked.posts.get()
    response = client.post(f"/community/p/{opening.pk}/comment/", {"body": "A comment of mine"})
    assert response.status_code == 403
    assert "A comment of mine</textarea>" in response.content.decode()
    assert asked.posts.count() == 1


def test_an_empty_question_is_refused_with_the_title_kept(
    trusted: Callable[[str], Member],
) -> None:
    client = client_reading(trusted("alice").contact)
    response = client.post("/community/ask/", {"title": "My title", "body": "   "})
    assert response.status_code == 400
    assert 'value="My title"' in response.content.decode()
    assert not Question.objects.exists()


def test_a_secret_is_removed_and_the_author_warned_privately(
    trusted: Callable[[str], Member],
) -> None:
    asker, helper = trusted("alice"), trusted("bob")
    asked = actions.ask(author=asker, title="Wallet", body="empty?", language="en")
    client = client_reading(helper.contact)
    response = client.post(f"/community/q/{asked.pk}/answer/", {"body": f"Mine is {PHRASE}"})
    held = Post.objects.get(kind=PostKind.ANSWER)
    assert held.visibility == Visibility.HELD
    assert PHRASE not in held.body
    html = client.get(response["Location"]).content.decode()
    assert PHRASE not in html
    assert "Waiting for review" in html
    assert html.count("Treat that wallet as compromised") == 2  # the notice and the post
    other = client_reading(asker.contact).get(f"/community/q/{asked.pk}/").content.decode()
    assert "Waiting for review" not in other
    assert "compromised" not in other


def test_vote_subscribe_report_and_edit(trusted: Callable[[str], Member]) -> None:
    asker, reader = trusted("alice"), trusted("bob")
    asked = actions.ask(author=asker, title="Help", body="please", language="en")
    opening = asked.posts.get()
    client = client_reading(reader.contact)
    client.post(f"/community/p/{opening.pk}/vote/", {"value": "1"})
    opening.refresh_from_db()
    assert opening.score == 1
    html = client.get(f"/community/q/{asked.pk}/").content.decode()
    assert 'aria-pressed="true"' in html
    client.post(f"/community/q/{asked.pk}/subscribe/", {"on": "1"})
    assert asked.subscriptions.filter(member=reader).exists()
    client.post(f"/community/q/{asked.pk}/subscribe/", {"on": "0"})
    assert not asked.subscriptions.filter(member=reader).exists()
    form = client.get(f"/community/p/{opening.pk}/report/").content.decode()
    assert 'type="radio"' in form
    client.post(f"/community/p/{opening.pk}/report/", {"reason": "spam", "note": "ads"})
    assert PostReport.objects.get(post=opening).reason == "spam"
    assert client.get(f"/community/p/{opening.pk}/edit/").status_code == 404
    mine = client_reading(asker.contact)
    assert "please" in mine.get(f"/community/p/{opening.pk}/edit/").content.decode()
    mine.post(f"/community/p/{opening.pk}/edit/", {"title": "Help me", "body": "please, now"})
    opening.refresh_from_db()
    asked.refresh_from_db()
    assert opening.body == "please, now"
    assert asked.title == "Help me"


def test_the_asker_takes_the_question_to_support_privately(
    trusted: Callable[[str], Member],
) -> None:
    asker, reader = trusted("alice"), trusted("bob")
    asked = actions.ask(author=asker, title="Frozen account", body="Why?", language="en")
    client = client_reading(asker.contact)
    assert "Ask support privately" in client.get(f"/community/q/{asked.pk}/").content.decode()
    other = client_reading(reader.contact)
    assert "Ask support privately" not in other.get(f"/community/q/{asked.pk}/").content.decode()
    assert other.post(f"/community/q/{asked.pk}/support/").status_code == 404
    response = client.post(f"/community/q/{asked.pk}/support/")
    asked.refresh_from_db()
    assert asked.conversation is not None
    reference = asked.conversation.reference
    assert response["Location"] == f"/portal/tickets/{reference}/"
    mine = client.get(f"/community/q/{asked.pk}/").content.decode()
    assert "Escalated to support" in mine
    assert reference in mine
    assert "Ask support privately" not in mine
    public = _anonymous().get(f"/community/q/{asked.pk}/").content.decode()
    assert "Escalated to support" in public
    assert reference not in public
    assert reference not in other.get(f"/community/q/{asked.pk}/").content.decode()

"""The console's community pages in headless Chromium against `kefu serve`: the queue
shows a held post with its reason, and an official answer posted from the thread (htmx)
appears in place with the badge."""

import pytest

from tests.services import require_chromium
from tests.test_browser import (  # noqa: F401  (server: the fixture)
    ARTIFACTS,
    Server,
    kefu,
    launch,
    server,
    sign_in_agent,
)

pytestmark = pytest.mark.browser

THREAD = """
from django.utils import timezone
from kefu.community.models import Member, Post, PostKind, Question, Visibility
from kefu.contacts.models import Contact
asker = Member.objects.create(contact=Contact.objects.create(name="甲", language="zh-Hans"),
                              display_name="小甲", name_key="小甲", approved_posts=5)
helper = Member.objects.create(contact=Contact.objects.create(name="乙", language="zh-Hans"),
                               display_name="小乙", name_key="小乙")
question = Question.objects.create(title="提现一直没到账", language="zh-Hans",
                                   last_activity_at=timezone.now())
Post.objects.create(question=question, kind=PostKind.QUESTION, member=asker,
                    body="昨天提现 USDT,还没到账。")
Post.objects.create(question=question, kind=PostKind.ANSWER, member=helper,
                    body="加我电报私聊", visibility=Visibility.HELD,
                    hold_reasons=["off_platform"])
print(question.pk)
"""


def test_the_queue_and_an_official_answer_from_the_thread(server: Server) -> None:  # noqa: F811
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    question_id = kefu(server, "shell", script=THREAD).strip().splitlines()[-1]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        sign_in_agent(page, server)
        page.goto(f"{server.url}/console/community/")
        expect(page.get_by_text("加我电报私聊")).to_be_visible()
        expect(
            page.get_by_text("邀请他人到社区以外交流").or_(
                page.get_by_text("Invites people to talk outside the community")
            )
        ).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "console-community-queue.png"), full_page=True)

        page.goto(f"{server.url}/console/community/q/{question_id}/")
        page.fill("#community-answer-body", "请在提现记录中查看链上交易哈希。")
        page.get_by_role("button", name="发布官方回答").click()
        answer = page.locator(".community-post", has_text="请在提现记录中查看链上交易哈希。")
        expect(answer).to_be_visible()
        expect(answer.get_by_text("官方", exact=True)).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "console-community-thread.png"), full_page=True)
        browser.close()

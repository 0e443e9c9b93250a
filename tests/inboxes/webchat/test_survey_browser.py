"""The satisfaction survey in the chat widget, in headless Chromium against `kefu serve`.

The survey is sent by a background job (kefu.feedback's `send_survey`) in the worker
process, and reaches the app process's sockets through the channel layer: so this
server runs on Redis, as in production, not on the laptop's in-memory layer.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import require_chromium, require_redis
from tests.test_browser import ARTIFACTS, KEFU, SETUP, Server, launch, server_env, serving

pytestmark = pytest.mark.browser

RESOLVE = """
from kefu.agents.models import Agent
from kefu.conversations.actions import change_status
from kefu.conversations.models import Conversation
conversation = Conversation.objects.filter(channel="webchat").latest("pk")
change_status(conversation=conversation, actor=Agent.objects.get(username="li.na"),
              status="resolved")
"""
ANSWER = """
from kefu.feedback.models import Survey
survey = Survey.objects.get(conversation__channel="webchat")
print(survey.state, survey.rating, survey.contacted_outside, survey.comment)
"""


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Server]:
    import subprocess

    env = {**server_env(tmp_path), "KEFU_REDIS_URL": require_redis()}
    subprocess.run([*KEFU, "migrate", "-v0"], env=env, check=True)
    setup = subprocess.run(
        [*KEFU, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    )
    key, reference = setup.stdout.split()[-2:]
    output = tmp_path / "server.log"
    with serving(env, output) as url:
        yield Server(url, output, key, reference)


def _shell(server: Server, script: str) -> str:
    import subprocess

    env = {**server_env(server.output.parent), "KEFU_REDIS_URL": require_redis()}
    command = [*KEFU, "shell", "-c", script]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def test_a_resolved_chat_shows_the_survey_and_takes_four_stars_with_a_comment(
    redis_server: Server,
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 820})
        page = context.new_page()
        page.goto(redis_server.url + "/chat/demo/")
        page.get_by_role("button", name="打开客服聊天").click()
        page.get_by_label("您需要哪方面的帮助？").select_option("withdrawal_delayed")
        page.get_by_role("button", name="开始聊天").click()
        message_box = page.get_by_role("textbox", name="输入消息")
        message_box.fill("提现到账了，谢谢")
        message_box.press("Enter")
        expect(page.get_by_text("已送达")).to_be_visible(timeout=15_000)

        _shell(redis_server, RESOLVE)
        card = page.locator("li.survey")
        expect(card).to_be_visible(timeout=30_000)
        expect(card.get_by_role("heading", name="这次服务您还满意吗？")).to_be_visible()
        # Keyboard: the stars are one radio group, arrows move the choice.
        card.get_by_label("1 星（满分 5 星）").focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(card.get_by_label("4 星（满分 5 星）")).to_be_checked()
        card.get_by_label("留言（选填）").fill("回复很快，问题也解决了")
        card.get_by_text("否", exact=True).click()
        card.screenshot(path=str(ARTIFACTS / "chat-survey-form.png"))
        card.get_by_role("button", name="提交评价").click()
        expect(card.get_by_text("感谢您的评价。")).to_be_visible(timeout=15_000)
        expect(card.get_by_role("button", name="修改评价")).to_be_visible()
        expect(card.get_by_role("link", name="举报冒充者")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "chat-survey-thanks.png"))
        assert _shell(redis_server, ANSWER).splitlines()[-1].split() == [
            "answered",
            "4",
            "False",
            "回复很快，问题也解决了",
        ]

        # A page load later the card comes back from the session, answered, changeable;
        # a "yes" to the official-channels question offers the impostor report.
        page.reload()
        page.get_by_role("button", name="打开客服聊天").click()
        card = page.locator("li.survey")
        expect(card.get_by_text("感谢您的评价。")).to_be_visible(timeout=15_000)
        card.get_by_role("button", name="修改评价").click()
        expect(card.get_by_label("4 星（满分 5 星）")).to_be_checked()
        card.get_by_text("是", exact=True).click()
        card.get_by_role("button", name="提交评价").click()
        report = card.get_by_role("link", name="举报冒充者")
        expect(report).to_be_visible(timeout=15_000)
        assert report.get_attribute("href") == redis_server.url + "/portal/verify/report/"
        page.screenshot(path=str(ARTIFACTS / "chat-survey-impostor.png"))
        browser.close()

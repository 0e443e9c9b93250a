"""Admin edits go through the actions: revisions, search index, OpenCC drafts."""

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.helpcenter import actions
from kefu.helpcenter.models import ArticleTranslation, Revision, Status
from kefu.helpcenter.search.query import search
from tests.conftest import verified_client
from tests.helpcenter.factories import article, translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True))


def test_adding_a_translation_in_the_admin_indexes_it_and_drafts_zh_hant(
    admin_client: Client,
) -> None:
    target = article("fees")
    response = admin_client.post(
        "/admin/helpcenter/articletranslation/add/",
        {
            "article": target.pk,
            "language": "zh-Hans",
            "title": "手续费",
            "body": "提现手续费按网络收取。",
            "status": Status.PUBLISHED,
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = ArticleTranslation.objects.get(article=target, language="zh-Hans")
    assert saved.revisions.get().author is not None
    assert search("提币", "zh-Hans")[0].slug == "fees"
    drafted = ArticleTranslation.objects.get(article=target, language="zh-Hant")
    assert (drafted.status, drafted.machine_drafted) == (Status.DRAFT, True)


def test_editing_a_machine_draft_makes_it_a_persons_text(admin_client: Client) -> None:
    source = translation("fees", "zh-Hans", "手续费", "正文。")
    drafted = ArticleTranslation.objects.get(article=source.article, language="zh-Hant")
    response = admin_client.post(
        f"/admin/helpcenter/articletranslation/{drafted.pk}/change/",
        {
            "title": "手續費",
            "body": "校對後的正文。",
            "status": Status.DRAFT,
            "revisions-TOTAL_FORMS": "1",
            "revisions-INITIAL_FORMS": "1",
            "revisions-0-id": drafted.revisions.get().pk,
            "revisions-0-translation": drafted.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    drafted.refresh_from_db()
    assert (drafted.body, drafted.machine_drafted) == ("校對後的正文。", False)
    assert Revision.objects.filter(translation=drafted).count() == 2


def test_the_publish_action_publishes_and_indexes(admin_client: Client) -> None:
    draft = translation("launch", "en", "Launch", "Listing news.", status=Status.DRAFT)
    response = admin_client.post(
        "/admin/helpcenter/articletranslation/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert search("listing", "en")[0].slug == "launch"


def test_the_translation_list_shows_helpful_votes(admin_client: Client) -> None:
    saved = translation("fees", "en", "Fees", "Text.")
    actions.vote(translation=saved, session_key="a", helpful=True)
    actions.vote(translation=saved, session_key="b", helpful=True)
    actions.vote(translation=saved, session_key="c", helpful=False)
    html = admin_client.get("/admin/helpcenter/articletranslation/").content.decode()
    assert '<td class="field-helpful">2</td>' in html
    assert '<td class="field-not_helpful">1</td>' in html

import pytest
from django.core.management import call_command
from django.test import Client

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation, MessageKind, Status
from kefu.demo import loader
from tests.conftest import worker_shares_test_connection


@pytest.mark.django_db
def test_the_demo_has_every_status_three_languages_and_sign_in_hints(capsys) -> None:
    with worker_shares_test_connection():
        call_command("demo")
    assert set(Conversation.objects.values_list("status", flat=True)) == set(Status)
    assert set(Conversation.objects.values_list("language", flat=True)) == {
        "zh-Hans",
        "zh-Hant",
        "en",
    }
    assert Conversation.objects.filter(messages__kind=MessageKind.NOTE).exists()
    out = capsys.readouterr().out
    assert loader.DEMO_PASSWORD in out
    assert "lina00demo" in out
    li_na = Agent.objects.get(username="li.na")
    assert li_na.check_password(loader.DEMO_PASSWORD)
    client = Client()
    client.post("/console/login/", {"username": "li.na", "password": loader.DEMO_PASSWORD})
    verified = client.post("/console/login/verify/", {"code": "lina00demo"})
    assert verified.status_code == 302
    assert client.get("/console/").status_code == 200
    loaded = Conversation.objects.count()
    with worker_shares_test_connection():
        call_command("demo")  # a second run changes nothing
    assert Conversation.objects.count() == loaded

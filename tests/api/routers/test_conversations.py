"""/api/v1/conversations: the integration's view of conversations."""

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.api.models import ApiToken
from kefu.contacts.models import Contact, ContactIdentity
from kefu.conversations.models import (
    Conversation,
    DeliveryStatus,
    Message,
    MessageKind,
    Priority,
    Status,
    Tag,
)
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Inbox
from kefu.safety.markers import MARKERS
from kefu.safety.models import SafetyAlert
from tests.api.conftest import bearer_client
from tests.console.reply_windows import wechat_conversation
from tests.core.test_ids import HOSTILE_IDS, HOSTILE_REFERENCES, hostile_spellings
from tests.safety.secret_files import PHRASE_EN, WIF, Secret, file_text, one_file_of_each_kind

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def new_conversation(client: Client, **fields: Any) -> Any:
    body = {"contact": {"email": "li.lei@example.com", "name": "李雷"}, "text": "提现一直没到账"}
    body.update(fields)
    return post(client, "/api/v1/conversations", body)


@pytest.fixture
def api_conversation(
    conversation_factory: Callable[..., Conversation], api_inbox: Inbox
) -> Conversation:
    """A conversation that arrived through the token's inbox."""
    return conversation_factory(inbox=api_inbox, channel="api")


@pytest.mark.django_db
class TestCreate:
    def test_opens_a_conversation_with_priority_from_the_intent(self, api_client: Client) -> None:
        response = new_conversation(
            api_client,
            contact={"email": "Li.Lei@Example.com", "name": "Li Lei", "language": "en"},
            subject="Hacked",
            text="Someone took over my account and is withdrawing",
            intent="account_stolen",
        )
        assert response.status_code == 201
        body = response.json()
        conversation = Conversation.objects.get()
        assert body["reference"] == conversation.reference == f"K-{conversation.pk:06d}"
        assert body["priority"] == "urgent"
        assert body["intent"] == "account_stolen"
        assert body["status"] == "open"
        assert body["channel"] == "api"
        assert body["language"] == "en"
        assert body["subject"] == "Hacked"
        assert body["assignee"] is None
        assert body["tags"] == []
        contact = Contact.objects.get(pk=body["contact_id"])
        assert contact.name == "Li Lei"
        assert contact.identities.get().value == "li.lei@example.com"
        message = Message.objects.get()
        assert message.kind == MessageKind.INBOUND
        assert message.author_contact == contact

    def test_without_intent_the_first_message_is_triaged_and_language_detected(
        self, api_client: Client
    ) -> None:
        body = new_conversation(api_client).json()
        assert body["intent"] == "withdrawal_delayed"
        assert body["priority"] == "high"
        assert body["language"] == "zh-Hans"

    def test_a_known_customer_is_found_by_platform_user_id_first(self, api_client: Client) -> None:
        first = new_conversation(
            api_client, contact={"platform_user_id": "u-42", "email": "a@example.com"}
        ).json()
        second = new_conversation(
            api_client, contact={"platform_user_id": "u-42", "email": "b@example.com"}
        ).json()
        assert first["contact_id"] == second["contact_id"]
        assert first["reference"] != second["reference"]
        identity = ContactIdentity.objects.get()
        assert (identity.kind, identity.value) == ("platform_user", "u-42")

    def test_the_same_external_id_twice_stores_one_message(self, api_client: Client) -> None:
        first = new_conversation(api_client, external_id="app-1")
        again = new_conversation(api_client, external_id="app-1")
        assert first.status_code == 201
        assert again.status_code == 200
        assert again.json()["reference"] == first.json()["reference"]
        assert Message.objects.count() == 1
        assert Conversation.objects.count() == 1

    def test_query_count_is_pinned(
        self,
        api_client: Client,
        api_token: tuple[ApiToken, str],
        django_assert_num_queries: Callable[..., Any],
    ) -> None:
        ApiToken.objects.filter(pk=api_token[0].pk).update(last_used_at=timezone.now())
        # token; BEGIN; identity look-up; contact; identity; external_id check;
        # conversation; message; the contact's identities and the search document
        # (conversations/search/indexing.py); team by intent; the SLA policies, the
        # business calendar's freshness check, the clocks, their events and the next
        # deadline on the conversation (kefu.sla.clock); COMMIT. Not the tags: a
        # conversation just opened has none.
        with django_assert_num_queries(17):
            response = new_conversation(api_client, external_id="x-1", intent="deposit_missing")
        assert response.status_code == 201

    def test_a_replay_answers_with_the_tags_added_since(self, api_client: Client) -> None:
        first = new_conversation(api_client, external_id="x-1")
        assert first.json()["tags"] == []
        conversation = Conversation.objects.get()
        conversation.tags.add(Tag.objects.create(name="vip"))
        again = new_conversation(api_client, external_id="x-1")
        assert again.status_code == 200
        assert again.json()["tags"] == ["vip"]

    def test_an_external_id_holding_a_secret_is_kept_as_its_hash_and_still_deduplicates(
        self, api_client: Client
    ) -> None:
        first = new_conversation(api_client, external_id=f"app-{WIF}")
        again = new_conversation(api_client, external_id=f"app-{WIF}")
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["reference"] == first.json()["reference"]
        stored = Message.objects.get(kind=MessageKind.INBOUND).external_id
        assert WIF not in stored
        assert WIF[:40] not in stored
        assert stored.startswith("sha256-")
        url = f"/api/v1/conversations/{first.json()['reference']}/messages"
        reply = post(api_client, url, {"text": "还在吗", "external_id": f"app-{WIF}"})
        assert reply.status_code == 200  # the same id: the first message again

    def test_a_secret_in_the_text_is_not_stored(self, api_client: Client) -> None:
        phrase = "arch gather drum bullet absurd math era live bid rhythm alien cube"
        new_conversation(api_client, text=f"我的助记词是 {phrase} 请帮我找回")
        assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1
        assert not Message.objects.filter(text__contains="rhythm").exists()


@pytest.mark.django_db
class TestList:
    def test_pages_newest_activity_first(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        made = [conversation_factory() for _ in range(27)]
        first = api_client.get("/api/v1/conversations").json()
        assert len(first["items"]) == 25
        assert first["has_next"] is True
        assert first["next_page"] == 2
        assert first["items"][0]["reference"] == made[-1].reference
        second = api_client.get("/api/v1/conversations?page=2").json()
        assert [c["reference"] for c in second["items"]] == [made[1].reference, made[0].reference]
        assert second["has_next"] is False
        assert second["next_page"] is None

    def test_filters(
        self,
        api_client: Client,
        agent: Agent,
        conversation_factory: Callable[..., Conversation],
        contact_factory: Callable[..., Contact],
    ) -> None:
        contact = contact_factory()
        mine = conversation_factory(assignee=agent, intent="fees", contact=contact)
        pending = conversation_factory(status=Status.PENDING, priority=Priority.HIGH)
        other = conversation_factory(intent="deposit_missing")

        def references(query: str) -> list[str]:
            response = api_client.get(f"/api/v1/conversations?{query}")
            assert response.status_code == 200, response.content
            return [c["reference"] for c in response.json()["items"]]

        assert references("view=mine") == [mine.reference]
        assert references("view=unassigned") == [other.reference, pending.reference]
        assert references("status=pending") == [pending.reference]
        assert references("priority=high") == [pending.reference]
        assert references("intent=deposit_missing") == [other.reference]
        assert references(f"contact_id={contact.pk}") == [mine.reference]
        assert references("channel=portal&status=open") == [other.reference, mine.reference]

    @pytest.mark.parametrize("contact_id", HOSTILE_IDS)
    def test_a_hostile_contact_id_filter_is_a_validation_error(
        self, api_client: Client, contact_id: str
    ) -> None:
        response = api_client.get("/api/v1/conversations", {"contact_id": contact_id})
        assert response.status_code == 422, response.content
        assert response.json()["error"]["fields"][0]["field"] == "contact_id"

    def test_a_bad_filter_value_is_a_validation_error(self, api_client: Client) -> None:
        response = api_client.get("/api/v1/conversations?status=done&view=everything")
        assert response.status_code == 422
        fields = {f["field"]: f["code"] for f in response.json()["error"]["fields"]}
        assert fields == {"status": "invalid_choice", "view": "invalid_choice"}

    def test_query_count_does_not_grow_with_rows(
        self,
        api_client: Client,
        api_token: tuple[ApiToken, str],
        agent_factory: Callable[..., Agent],
        conversation_factory: Callable[..., Conversation],
        django_assert_num_queries: Callable[..., Any],
    ) -> None:
        ApiToken.objects.filter(pk=api_token[0].pk).update(last_used_at=timezone.now())
        for _ in range(30):
            conversation_factory(assignee=agent_factory())
        with django_assert_num_queries(3):  # token, page (with joins), tags
            assert api_client.get("/api/v1/conversations").status_code == 200


@pytest.mark.django_db
class TestRead:
    def test_get_by_reference(self, api_client: Client, api_conversation: Conversation) -> None:
        for reference in (api_conversation.reference, str(api_conversation.pk)):
            response = api_client.get(f"/api/v1/conversations/{reference}")
            assert response.status_code == 200
            assert response.json()["reference"] == api_conversation.reference

    @pytest.mark.parametrize("reference", ["K-999999", "nonsense", "K-"])
    def test_an_unknown_reference_is_404(self, api_client: Client, reference: str) -> None:
        for url in (
            f"/api/v1/conversations/{reference}",
            f"/api/v1/conversations/{reference}/messages",
        ):
            response = api_client.get(url)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        response = post(api_client, f"/api/v1/conversations/{reference}/notes", {"text": "x"})
        assert response.status_code == 404

    @pytest.mark.parametrize("reference", [r for r in HOSTILE_REFERENCES if r])
    def test_a_hostile_reference_is_404(
        self, api_client: Client, api_conversation: Conversation, reference: str
    ) -> None:
        path = f"/api/v1/conversations/{quote(reference, safe='')}"
        for response in (
            api_client.get(path),
            api_client.get(f"{path}/messages"),
            post(api_client, f"{path}/notes", {"text": "x"}),
        ):
            assert response.status_code == 404, response.content
            assert response.json()["error"]["code"] == "not_found"

    def test_another_spelling_of_an_existing_number_is_404(
        self, api_client: Client, api_conversation: Conversation
    ) -> None:
        for spelling in hostile_spellings(api_conversation.pk):
            for reference in (spelling, f"K-{spelling}"):
                response = api_client.get(f"/api/v1/conversations/{quote(reference, safe='')}")
                assert response.status_code == 404, reference
        # The documented aliases still work.
        lower = api_conversation.reference.lower()
        assert api_client.get(f"/api/v1/conversations/{lower}").status_code == 200

    @pytest.mark.parametrize("attachment_id", [i for i in HOSTILE_IDS if i])
    def test_a_hostile_attachment_id_is_refused(
        self, api_client: Client, api_conversation: Conversation, attachment_id: str
    ) -> None:
        response = api_client.get(
            f"/api/v1/conversations/{api_conversation.reference}/attachments/"
            + quote(attachment_id, safe="")
        )
        assert response.status_code == 422, response.content
        assert response.json()["error"]["fields"][0]["field"] == "attachment_id"

    def test_messages_leave_notes_out_unless_asked(
        self, api_client: Client, api_conversation: Conversation, agent: Agent
    ) -> None:
        Message.objects.create(
            conversation=api_conversation, kind=MessageKind.NOTE, author_agent=agent, text="内部"
        )
        url = f"/api/v1/conversations/{api_conversation.reference}/messages"
        kinds = [m["kind"] for m in api_client.get(url).json()]
        assert kinds == ["inbound"]
        messages = api_client.get(url + "?include_notes=true").json()
        assert [m["kind"] for m in messages] == ["inbound", "note"]
        assert messages[1]["author"] == {
            "type": "agent",
            "name": agent.display_name,
            "contact_id": None,
            "agent_public_id": agent.public_id,
        }
        assert messages[0]["author"]["type"] == "contact"
        assert messages[0]["conversation"] == api_conversation.reference


@pytest.mark.django_db
class TestCustomerMessages:
    def test_adds_a_message_and_reopens(
        self,
        api_client: Client,
        conversation_factory: Callable[..., Conversation],
        api_inbox: Inbox,
    ) -> None:
        conversation = conversation_factory(status=Status.RESOLVED, inbox=api_inbox, channel="api")
        url = f"/api/v1/conversations/{conversation.reference}/messages"
        response = post(api_client, url, {"text": "还是没到账", "external_id": "m-2"})
        assert response.status_code == 201
        assert response.json()["conversation"] == conversation.reference
        assert response.json()["author"]["contact_id"] == conversation.contact_id
        conversation.refresh_from_db()
        assert conversation.status == Status.OPEN
        again = post(api_client, url, {"text": "还是没到账", "external_id": "m-2"})
        assert again.status_code == 200
        assert again.json()["id"] == response.json()["id"]

    def test_a_closed_conversation_gets_a_follow_up(
        self,
        api_client: Client,
        conversation_factory: Callable[..., Conversation],
        api_inbox: Inbox,
    ) -> None:
        closed = conversation_factory(status=Status.CLOSED, inbox=api_inbox, channel="api")
        url = f"/api/v1/conversations/{closed.reference}/messages"
        body = post(api_client, url, {"text": "又出问题了"}).json()
        follow_up = Conversation.objects.get(follow_up_of=closed)
        assert body["conversation"] == follow_up.reference

    def test_only_into_the_tokens_inbox(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        email_thread = conversation_factory()  # the portal inbox, not the token's
        url = f"/api/v1/conversations/{email_thread.reference}/messages"
        response = post(api_client, url, {"text": "我是客户"})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        assert email_thread.messages.count() == 1

    def test_with_files(self, api_client: Client, api_conversation: Conversation) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/messages/multipart"
        response = api_client.post(
            url,
            {
                "text": "截图",
                "files": [
                    SimpleUploadedFile("screen.png", PNG, "image/png"),
                    SimpleUploadedFile("log.txt", b"error 42\n", "text/plain"),
                ],
            },
        )
        assert response.status_code == 201, response.content
        attachments = response.json()["attachments"]
        assert [(a["filename"], a["content_type"]) for a in attachments] == [
            ("screen.png", "image/png"),
            ("log.txt", "text/plain"),
        ]
        download = api_client.get(attachments[0]["url"])
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]
        assert download["Content-Type"] == "image/png"

    @pytest.mark.parametrize(("extension", "secret"), one_file_of_each_kind())
    def test_a_text_file_is_kept_with_its_secret_removed(
        self, api_client: Client, api_conversation: Conversation, extension: str, secret: Secret
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/messages/multipart"
        upload = SimpleUploadedFile(
            f"notes{extension}",
            file_text(extension, secret.line, "\r\n").encode(),
            "application/octet-stream",
        )
        response = api_client.post(url, {"text": "see the file", "files": [upload]})
        assert response.status_code == 201, response.content
        [attachment] = response.json()["attachments"]
        download = api_client.get(attachment["url"])
        stored = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
        for needle in secret.needles():
            assert needle not in stored
        assert MARKERS[secret.kind]["zh-Hans"] in stored  # the conversation's language
        api_conversation.refresh_from_db()
        assert api_conversation.secret_exposed
        assert SafetyAlert.objects.get().reasons == [secret.kind]

    def test_a_text_file_that_cannot_be_read_is_415_with_a_clear_message(
        self, api_client: Client, api_conversation: Conversation
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/messages/multipart"
        garbled = SimpleUploadedFile("notes.txt", bytes(range(0x80, 0x100)) * 8, "text/plain")
        response = api_client.post(url, {"text": "看这个", "files": [garbled]})
        assert response.status_code == 415
        error = response.json()["error"]
        assert error["code"] == "unsupported_media_type"
        assert error["message"].startswith("notes.txt could not be read as text")
        assert api_conversation.messages.count() == 1

    def test_files_alone_are_enough(
        self, api_client: Client, api_conversation: Conversation
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/messages/multipart"
        response = api_client.post(url, {"files": [SimpleUploadedFile("a.png", PNG)]})
        assert response.status_code == 201

    def test_an_oversized_file_is_413(
        self, api_client: Client, api_conversation: Conversation, settings: Any
    ) -> None:
        settings.KEFU_MAX_ATTACHMENT_BYTES = 100
        url = f"/api/v1/conversations/{api_conversation.reference}/messages/multipart"
        big = SimpleUploadedFile("big.png", PNG + b"\x00" * 200, "image/png")
        response = api_client.post(url, {"text": "大图", "files": [big]})
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "attachment_rejected"
        assert api_conversation.messages.count() == 1

    def test_a_disallowed_type_is_415(
        self, api_client: Client, api_conversation: Conversation
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/messages/multipart"
        program = SimpleUploadedFile("setup.png", b"MZ\x90\x00" + b"\x00" * 300, "image/png")
        response = api_client.post(url, {"text": "看这个", "files": [program]})
        assert response.status_code == 415
        assert response.json()["error"]["code"] == "unsupported_media_type"
        assert api_conversation.messages.count() == 1


@pytest.mark.django_db
class TestAgentWork:
    def test_reply_as_the_tokens_agent(
        self, api_client: Client, api_conversation: Conversation, agent: Agent
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/replies"
        response = post(api_client, url, {"text": "您好，正在为您查询。", "then_status": "pending"})
        assert response.status_code == 201
        body = response.json()
        assert body["kind"] == "outbound"
        assert body["delivery_status"] == DeliveryStatus.QUEUED
        assert body["author"]["agent_public_id"] == agent.public_id
        api_conversation.refresh_from_db()
        assert api_conversation.status == Status.PENDING
        assert api_conversation.first_response_at is not None

    def test_a_reply_asking_for_the_recovery_phrase_is_blocked(
        self, api_client: Client, api_conversation: Conversation
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/replies"
        response = post(api_client, url, {"text": "为了帮您恢复账户，请把您的助记词发给我。"})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "outbound_blocked"
        assert error["reasons"]
        assert error["message"]
        assert not api_conversation.messages.filter(kind=MessageKind.OUTBOUND).exists()

    def test_note(self, api_client: Client, api_conversation: Conversation) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/notes"
        response = post(api_client, url, {"text": "已核实链上记录"})
        assert response.status_code == 201
        assert response.json()["kind"] == "note"

    def test_status(self, api_client: Client, api_conversation: Conversation) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/status"
        response = post(api_client, url, {"status": "resolved"})
        assert response.status_code == 200
        assert response.json()["status"] == "resolved"
        assert response.json()["resolved_at"] is not None

    def test_an_invalid_transition_is_409_and_changes_nothing(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        closed = conversation_factory(status=Status.CLOSED)
        audit_rows = AuditEntry.objects.count()
        url = f"/api/v1/conversations/{closed.reference}/status"
        response = post(api_client, url, {"status": "open"})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_status_transition"
        closed.refresh_from_db()
        assert closed.status == Status.CLOSED
        assert AuditEntry.objects.count() == audit_rows

    def test_a_bad_status_value_is_a_validation_error(
        self, api_client: Client, api_conversation: Conversation
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/status"
        response = post(api_client, url, {"status": "done"})
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0] == {
            "field": "status",
            "code": "invalid_choice",
            "message": "Not one of the allowed values: open, pending, on_hold, resolved, closed.",
        }

    def test_priority(self, api_client: Client, api_conversation: Conversation) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/priority"
        assert post(api_client, url, {"priority": "urgent"}).json()["priority"] == "urgent"

    def test_tags_replace_the_set(self, api_client: Client, api_conversation: Conversation) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/tags"
        post(api_client, url, {"tags": ["vip", "trc20"]})
        response = post(api_client, url, {"tags": ["usdt", "vip", " "]})
        assert response.status_code == 200
        assert response.json()["tags"] == ["usdt", "vip"]

    @pytest.mark.parametrize(
        "tags",
        [["vip", "password: Hunter2-Secret!"], PHRASE_EN.split(), ["助记词", *PHRASE_EN.split()]],
    )
    def test_tags_that_hold_a_secret_are_refused_and_nothing_changes(
        self, api_client: Client, api_conversation: Conversation, tags: list[str]
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/tags"
        post(api_client, url, {"tags": ["vip"]})
        response = post(api_client, url, {"tags": tags})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "tag_rejected"
        assert "so they were not saved" in error["message"]
        assert "Hunter2" not in error["message"]
        assert "abandon" not in error["message"]
        assert list(api_conversation.tags.values_list("name", flat=True)) == ["vip"]


@pytest.mark.django_db
class TestAssignee:
    def test_an_agent_takes_and_releases_an_unassigned_conversation(
        self, api_client: Client, api_conversation: Conversation, agent: Agent
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/assignee"
        taken = post(api_client, url, {"agent_public_id": agent.public_id})
        assert taken.status_code == 200
        assert taken.json()["assignee"] == {
            "public_id": agent.public_id,
            "name": agent.display_name,
        }
        released = post(api_client, url, {"agent_public_id": None})
        assert released.json()["assignee"] is None

    def test_an_l1_token_cannot_assign_someone_else(
        self,
        api_client: Client,
        api_conversation: Conversation,
        agent_factory: Callable[..., Agent],
    ) -> None:
        colleague = agent_factory(role=Role.L1)
        url = f"/api/v1/conversations/{api_conversation.reference}/assignee"
        response = post(api_client, url, {"agent_public_id": colleague.public_id})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        api_conversation.refresh_from_db()
        assert api_conversation.assignee_id is None

    def test_a_supervisor_token_can(
        self,
        token_for: Callable[..., tuple[ApiToken, str]],
        api_conversation: Conversation,
        agent_factory: Callable[..., Agent],
    ) -> None:
        supervisor = agent_factory(role=Role.SUPERVISOR)
        colleague = agent_factory(role=Role.L1)
        client = bearer_client(token_for(supervisor)[1])
        url = f"/api/v1/conversations/{api_conversation.reference}/assignee"
        response = post(client, url, {"agent_public_id": colleague.public_id.lower()})
        assert response.status_code == 200
        assert response.json()["assignee"]["public_id"] == colleague.public_id

    def test_an_unknown_agent_is_404(
        self, api_client: Client, api_conversation: Conversation
    ) -> None:
        url = f"/api/v1/conversations/{api_conversation.reference}/assignee"
        response = post(api_client, url, {"agent_public_id": "KF-ZZZZZZ"})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
class TestReplyWindow:
    """The conversation's reply window in the detail and the reply's answer; refusals 409."""

    def test_a_portal_conversation_is_always_open(
        self, api_client: Client, api_conversation: Conversation
    ) -> None:
        body = api_client.get(f"/api/v1/conversations/{api_conversation.reference}").json()
        assert body["reply_window"] == {
            "open": True,
            "mode": "free",
            "until": None,
            "remaining": None,
            "tag": "",
            "reason": "",
            "alternatives": [],
        }

    def test_an_open_wechat_window_has_its_end_and_quota(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = wechat_conversation(conversation_factory, heard_ago=timedelta(hours=1))
        window = api_client.get(f"/api/v1/conversations/{conversation.reference}").json()[
            "reply_window"
        ]
        assert window["open"] is True
        assert window["mode"] == "free"
        assert window["remaining"] == 20
        until = datetime.fromisoformat(window["until"])
        assert timedelta(hours=46) < until - timezone.now() < timedelta(hours=47, minutes=1)

    def test_a_closed_wechat_window_has_the_reason_and_the_alternatives(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = wechat_conversation(
            conversation_factory, heard_ago=timedelta(hours=49), email="a@b.c"
        )
        window = api_client.get(f"/api/v1/conversations/{conversation.reference}").json()[
            "reply_window"
        ]
        assert window["open"] is False
        assert window["mode"] == "closed"
        assert window["until"] is None
        assert "within 48 hours of the customer's last message" in window["reason"]
        assert [a["via"] for a in window["alternatives"]] == ["email", "portal"]
        assert "a@b.c" in window["alternatives"][0]["label"]

    def test_a_reply_when_the_window_is_closed_is_409_with_the_reason(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = wechat_conversation(conversation_factory, sent=20)
        url = f"/api/v1/conversations/{conversation.reference}/replies"
        response = post(api_client, url, {"text": "还有一条"})
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "reply_window_closed"
        assert "20" in error["message"]
        assert conversation.messages.filter(kind=MessageKind.OUTBOUND).count() == 20

    def test_a_reply_via_an_alternative_is_stored_with_it(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = wechat_conversation(
            conversation_factory, heard_ago=timedelta(hours=49), email="a@b.c"
        )
        url = f"/api/v1/conversations/{conversation.reference}/replies"
        response = post(api_client, url, {"text": "已通过邮件回复您", "via": "email"})
        assert response.status_code == 201
        body = response.json()
        assert body["via"] == "email"
        assert body["reply_window"]["mode"] == "closed"
        message = conversation.messages.get(kind=MessageKind.OUTBOUND)
        assert message.via == "email"
        assert message.delivery_status == DeliveryStatus.QUEUED

    def test_the_reply_answer_counts_the_quota(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = wechat_conversation(conversation_factory, sent=18)
        url = f"/api/v1/conversations/{conversation.reference}/replies"
        response = post(api_client, url, {"text": "好的"})
        assert response.status_code == 201
        assert response.json()["via"] == ""
        assert response.json()["reply_window"]["remaining"] == 1

    def test_a_via_that_is_not_offered_is_409_and_an_unknown_channel_422(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        conversation = wechat_conversation(conversation_factory, heard_ago=timedelta(hours=49))
        url = f"/api/v1/conversations/{conversation.reference}/replies"
        no_address = post(api_client, url, {"text": "x", "via": "email"})
        assert no_address.status_code == 409
        assert no_address.json()["error"]["code"] == "reply_window_closed"
        unknown = post(api_client, url, {"text": "x", "via": "pigeon"})
        assert unknown.status_code == 422
        assert not conversation.messages.filter(kind=MessageKind.OUTBOUND).exists()

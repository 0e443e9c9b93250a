"""Refusals are JSON with stable codes; messages follow Accept-Language."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.api.errors import field_code, field_path
from kefu.conversations.models import Conversation, Message

URL = "/api/v1/conversations"


def fields_of(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"]
    assert all(f["message"] for f in error["fields"])
    return {f["field"]: f["code"] for f in error["fields"]}


def post(client: Client, body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
class TestValidation:
    def test_missing_text(self, api_client: Client) -> None:
        assert fields_of(post(api_client, {"contact": {"email": "a@example.com"}})) == {
            "text": "missing"
        }

    def test_blank_text(self, api_client: Client) -> None:
        body = {"contact": {"email": "a@example.com"}, "text": "  \n "}
        assert fields_of(post(api_client, body)) == {"text": "blank"}

    def test_text_too_long(self, api_client: Client, settings: Any) -> None:
        settings.KEFU_MAX_MESSAGE_CHARS = 50
        response = post(api_client, {"contact": {"email": "a@example.com"}, "text": "字" * 51})
        assert fields_of(response) == {"text": "too_long"}
        assert "50" in response.json()["error"]["fields"][0]["message"]
        assert not Conversation.objects.exists()

    def test_bad_intent(self, api_client: Client) -> None:
        body = {"contact": {"email": "a@example.com"}, "text": "hi", "intent": "refund"}
        response = post(api_client, body)
        assert fields_of(response) == {"intent": "invalid_choice"}
        assert "account_stolen" in response.json()["error"]["fields"][0]["message"]

    @pytest.mark.parametrize(
        "text",
        ["\x1c", "\x1d\x1e\x1f", "\u3000", "\u2028 \x85", "\t\v\f\r\n"],
    )
    def test_text_of_any_python_whitespace_is_blank(self, api_client: Client, text: str) -> None:
        """Blank as the schema's pattern says, which is what the actions strip."""
        body = {"contact": {"email": "a@example.com"}, "text": text}
        assert fields_of(post(api_client, body)) == {"text": "blank"}

    @pytest.mark.parametrize("text", ["\ufeff", "\x01", "\u200b", "。"])
    def test_text_of_anything_else_is_stored(self, api_client: Client, text: str) -> None:
        response = post(api_client, {"contact": {"email": "a@example.com"}, "text": text})
        assert response.status_code == 201, response.content

    def test_a_contact_needs_an_address(self, api_client: Client) -> None:
        body = {"contact": {"name": "匿名"}, "text": "hi"}
        assert fields_of(post(api_client, body)) == {"contact": "missing_identity"}
        nulls = {"email": None, "phone": None, "platform_user_id": None}
        assert fields_of(post(api_client, {"contact": nulls, "text": "hi"})) == {
            "contact": "missing_identity"
        }

    @pytest.mark.parametrize(
        ("contact", "field"),
        [
            ({"email": ""}, "contact.email"),
            ({"email": "li@example"}, "contact.email"),
            ({"email": " li@example.com"}, "contact.email"),
            ({"email": "li@example.com", "phone": ""}, "contact.phone"),
            ({"platform_user_id": ""}, "contact.platform_user_id"),
        ],
    )
    def test_an_address_given_must_be_one(
        self, api_client: Client, contact: dict[str, str], field: str
    ) -> None:
        response = post(api_client, {"contact": contact, "text": "hi"})
        assert field in fields_of(response)

    def test_nested_fields_are_dotted(self, api_client: Client) -> None:
        body = {"contact": {"email": "not-an-address", "language": "fr"}, "text": "hi"}
        assert fields_of(post(api_client, body)) == {
            "contact.email": "invalid",
            "contact.language": "invalid_choice",
        }

    def test_unknown_fields_are_refused(self, api_client: Client) -> None:
        body = {"contact": {"email": "a@example.com"}, "text": "hi", "priority": "urgent"}
        assert fields_of(post(api_client, body)) == {"priority": "unknown_field"}

    def test_wrong_types(self, api_client: Client) -> None:
        body = {"contact": {"email": "a@example.com"}, "text": 42}
        assert fields_of(post(api_client, body)) == {"text": "invalid_type"}

    def test_an_empty_body(self, api_client: Client) -> None:
        response = api_client.post(URL, b"", content_type="application/json")
        assert fields_of(response) == {"body": "missing"}

    def test_a_tag_over_50_characters_is_too_long_even_with_spaces_around(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        url = f"{URL}/{conversation_factory().reference}/tags"
        body = json.dumps({"tags": ["ok", " " + "t" * 50]})
        response = api_client.post(url, body, content_type="application/json")
        assert fields_of(response) == {"tags.1": "too_long"}

    def test_a_form_field_given_twice_is_refused(
        self, api_client: Client, conversation_factory: Callable[..., Conversation], api_inbox: Any
    ) -> None:
        conversation = conversation_factory(inbox=api_inbox, channel="api")
        boundary = "b"
        parts = [("text", "one"), ("text", "two")]
        body = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in parts
        )
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
        )
        body += f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
        response = api_client.generic(
            "POST",
            f"{URL}/{conversation.reference}/messages/multipart",
            body.encode(),
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert fields_of(response) == {"text": "repeated"}
        assert conversation.messages.count() == 1

    @pytest.mark.parametrize("query", ["stauts=open", "=open", "status=open&colour=red"])
    def test_a_query_parameter_the_operation_does_not_declare_is_refused(
        self, api_client: Client, query: str
    ) -> None:
        # ninja drops them silently: a misspelt filter would return every conversation.
        response = api_client.get(f"{URL}?{query}")
        assert response.status_code == 422
        assert set(fields_of(response).values()) == {"unknown_field"}

    def test_declared_query_parameters_and_form_fields_still_pass(self, api_client: Client) -> None:
        assert api_client.get(URL, {"status": "open", "page": "1"}).status_code == 200
        assert api_client.get("/api/v1/help/search", {"q": "提现"}).status_code == 200

    def test_too_many_tags(
        self, api_client: Client, conversation_factory: Callable[..., Conversation]
    ) -> None:
        url = f"{URL}/{conversation_factory().reference}/tags"
        response = api_client.post(
            url, json.dumps({"tags": [f"t{i}" for i in range(21)]}), content_type="application/json"
        )
        assert fields_of(response) == {"tags": "too_long"}


@pytest.mark.django_db
class TestMalformedJson:
    @pytest.mark.parametrize("body", [b"{not json", b'{"text": "a"', b"\xff\xfe", b"text=hi"])
    def test_is_400_malformed_json(self, api_client: Client, body: bytes) -> None:
        response = api_client.post(URL, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "malformed_json"
        assert not Message.objects.exists()


@pytest.mark.django_db
class TestLanguages:
    @pytest.mark.parametrize(
        ("accept", "expected"),
        [
            ("en", "Contact 999999 was not found."),
            ("zh-CN,zh;q=0.9", "未找到客户 999999"),
            ("zh-TW", "找不到客戶 999999"),
        ],
    )
    def test_messages_follow_accept_language(
        self, api_client: Client, accept: str, expected: str
    ) -> None:
        response = api_client.get("/api/v1/contacts/999999", HTTP_ACCEPT_LANGUAGE=accept)
        assert response.status_code == 404
        assert expected in response.json()["error"]["message"]

    @pytest.mark.parametrize(
        ("accept", "expected"),
        [("en", "This field is required."), ("zh-hans", "必填"), ("zh-hant", "必填")],
    )
    def test_validation_messages_are_translated(
        self, api_client: Client, accept: str, expected: str
    ) -> None:
        response = api_client.post(
            URL,
            json.dumps({"contact": {"email": "a@example.com"}}),
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=accept,
        )
        assert expected in response.json()["error"]["fields"][0]["message"]

    def test_unauthorized_is_translated(self) -> None:
        response = Client().get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 401
        assert "令牌" in response.json()["error"]["message"]


class TestFieldMapping:
    @pytest.mark.parametrize(
        ("error_type", "code"),
        [
            ("missing", "missing"),
            ("string_too_long", "too_long"),
            ("enum", "invalid_choice"),
            ("int_parsing", "invalid_type"),
            ("bool_type", "invalid_type"),
            ("something_new", "invalid"),
        ],
    )
    def test_codes(self, error_type: str, code: str) -> None:
        assert field_code(error_type) == code

    def test_paths(self) -> None:
        assert field_path(("body", "payload", "contact", "email")) == "contact.email"
        assert field_path(("query", "status")) == "status"
        assert field_path(("body", "payload")) == "body"
        assert field_path(("body", "payload", "tags", 3)) == "tags.3"

"""/api/v1 verification cases: the agents' side, on the demo platform back end."""

import json
import re
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, get_args

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.api.models import ApiToken
from kefu.api.verification_schemas import FreezeReason
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.platform.models import DemoAccount
from kefu.verification import actions
from kefu.verification.actions import FREEZE_REASONS
from kefu.verification.models import CheckKind, VerificationCase
from tests.verification import conftest as verification
from tests.verification.conftest import DEPOSIT, LAST_REGION, REGISTERED_NAME, last_code

# The verification tests' fixtures: a customer linked to a demo platform account, on a
# conversation; used here under the same names.
_fresh_state = verification._fresh_state
platform_account = verification.platform_account
customer = verification.customer
case_conversation = verification.case_conversation

TokenFor = Callable[..., tuple[ApiToken, str]]
HAN = re.compile(r"[\u4e00-\u9fff]")


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def client_as(token_for: TokenFor, agent: Agent, language: str = "en") -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(agent)[1]}", HTTP_ACCEPT_LANGUAGE=language)


def open_case(client: Client, conversation: Conversation, kind: str = "unlock") -> Any:
    return post(
        client, f"/api/v1/conversations/{conversation.reference}/verification-cases", {"kind": kind}
    )


def case_url(body: dict[str, Any], step: str) -> str:
    return f"/api/v1/verification-cases/{body['uuid']}/{step}"


def pass_codes(client: Client, case_body: dict[str, Any], contact: Contact) -> None:
    """The agent has the codes sent (the customer types them in the portal) and reads the
    account's security state."""
    case = VerificationCase.objects.get(uuid=case_body["uuid"])
    for kind, channel in ((CheckKind.EMAIL_CODE, "email"), (CheckKind.PHONE_CODE, "phone")):
        response = client.post(case_url(case_body, f"checks/{kind}/send-code"))
        assert response.status_code == 200, response.content
        check = case.checks.get(kind=kind)
        actions.submit_code(check=check, contact=contact, code=last_code(channel))
    response = client.post(case_url(case_body, "checks/platform_state/refresh"))
    assert response.status_code == 200, response.content


@pytest.fixture
def l2(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.L2)


@pytest.fixture
def other_l2(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.L2)


@pytest.fixture
def proposed(
    token_for: TokenFor, l2: Agent, case_conversation: Conversation, customer: Contact
) -> dict[str, Any]:
    """An unlock case opened and proposed by the L2 agent, every check passed."""
    client = client_as(token_for, l2)
    opened = open_case(client, case_conversation)
    assert opened.status_code == 201, opened.content
    pass_codes(client, opened.json(), customer)
    response = post(client, case_url(opened.json(), "propose"), {"note": "两个验证码都已通过。"})
    assert response.status_code == 200, response.content
    return dict(response.json())


@pytest.mark.django_db
class TestOpenAndRead:
    def test_opens_a_case_with_the_checks_of_its_policy(
        self, api_client: Client, agent: Agent, case_conversation: Conversation
    ) -> None:
        response = open_case(api_client, case_conversation)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["kind"] == "unlock"
        assert body["state"] == "open"
        assert body["reference"].startswith("V-")
        assert body["conversation"] == case_conversation.reference
        assert body["owner"]["public_id"] == agent.public_id
        assert [check["kind"] for check in body["checks"]] == [
            "email_code",
            "phone_code",
            "platform_state",
        ]
        assert body["steps"]
        assert all(step["text"] for step in body["steps"])
        listed = api_client.get(
            f"/api/v1/conversations/{case_conversation.reference}/verification-cases"
        )
        assert listed.status_code == 200
        assert [case["uuid"] for case in listed.json()] == [body["uuid"]]

    def test_listing_costs_the_same_queries_for_one_case_or_three(
        self, api_client: Client, case_conversation: Conversation
    ) -> None:
        url = f"/api/v1/conversations/{case_conversation.reference}/verification-cases"

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert api_client.get(url).status_code == 200
            return len(captured)

        open_case(api_client, case_conversation)
        one = queries()
        open_case(api_client, case_conversation, kind="reset_2fa")
        open_case(api_client, case_conversation, kind="change_email")
        assert queries() == one

    def test_a_customer_without_a_platform_account_is_refused_with_409(
        self,
        api_client: Client,
        conversation_factory: Callable[..., Conversation],
    ) -> None:
        conversation = conversation_factory(text="账户被锁了")
        response = open_case(api_client, conversation)
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "case_refused"
        assert error["message"]
        assert not VerificationCase.objects.exists()

    def test_the_refusal_is_worded_in_the_requests_language(
        self,
        token_for: TokenFor,
        agent: Agent,
        conversation_factory: Callable[..., Conversation],
    ) -> None:
        conversation = conversation_factory(text="账户被锁了")
        english = open_case(client_as(token_for, agent, "en"), conversation).json()["error"]
        chinese = open_case(client_as(token_for, agent, "zh-Hans"), conversation).json()["error"]
        assert chinese["code"] == english["code"] == "case_refused"
        assert not HAN.search(english["message"])
        assert HAN.search(chinese["message"])

    def test_an_unknown_kind_is_a_validation_error(
        self, api_client: Client, case_conversation: Conversation
    ) -> None:
        response = open_case(api_client, case_conversation, kind="withdraw_everything")
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == "kind"

    def test_an_unknown_case_is_404(self, api_client: Client) -> None:
        url = "/api/v1/verification-cases/3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b/cancel"
        response = post(api_client, url, {"reason": "test"})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    def test_no_token_no_cases(self, case_conversation: Conversation) -> None:
        response = Client().get(
            f"/api/v1/conversations/{case_conversation.reference}/verification-cases"
        )
        assert response.status_code == 401


@pytest.mark.django_db
class TestWhatOnlyTheCustomerKnows:
    def test_answers_and_expected_values_never_reach_the_api(
        self,
        token_for: TokenFor,
        l2: Agent,
        other_l2: Agent,
        case_conversation: Conversation,
        customer: Contact,
    ) -> None:
        client = client_as(token_for, l2)
        opened = open_case(client, case_conversation, kind="reset_2fa")
        assert opened.status_code == 201, opened.content
        case = VerificationCase.objects.get(uuid=opened.json()["uuid"])
        knowledge = case.checks.get(kind=CheckKind.KNOWLEDGE)
        actions.submit_answers(
            check=knowledge,
            contact=customer,
            answers={
                "registered_name": REGISTERED_NAME,
                "last_login_region": LAST_REGION,
                "recent_deposit": str(DEPOSIT),
            },
        )
        listed = client.get(
            f"/api/v1/conversations/{case_conversation.reference}/verification-cases"
        )
        assert listed.status_code == 200
        (body,) = listed.json()
        (result,) = [c["result"] for c in body["checks"] if c["kind"] == "knowledge"]
        assert result == {"correct": 3, "asked": 3}
        text = listed.content.decode()
        for secret in (REGISTERED_NAME, LAST_REGION, str(DEPOSIT)):
            assert secret not in text
            assert json.dumps(secret)[1:-1] not in text  # nor \\u-escaped


@pytest.mark.django_db
class TestCodes:
    def test_send_code_goes_to_the_registered_email(
        self, api_client: Client, case_conversation: Conversation
    ) -> None:
        body = open_case(api_client, case_conversation).json()
        response = api_client.post(case_url(body, "checks/email_code/send-code"))
        assert response.status_code == 200, response.content
        check = response.json()
        assert check["kind"] == "email_code"
        assert check["destination_hint"]
        assert "registered@example.com" not in check["destination_hint"]
        assert last_code("email") not in response.content.decode()

    def test_a_check_the_case_does_not_have_is_404(
        self, api_client: Client, case_conversation: Conversation
    ) -> None:
        body = open_case(api_client, case_conversation).json()
        response = api_client.post(case_url(body, "checks/knowledge/send-code"))
        assert response.status_code == 404

    def test_no_registered_phone_is_a_translated_409(
        self,
        token_for: TokenFor,
        agent: Agent,
        case_conversation: Conversation,
    ) -> None:
        DemoAccount.objects.update(phone="")
        client = client_as(token_for, agent, "zh-Hans")
        body = open_case(client, case_conversation).json()
        response = client.post(case_url(body, "checks/phone_code/send-code"))
        assert response.status_code == 409
        assert HAN.search(response.json()["error"]["message"])

    def test_a_platform_that_is_down_is_a_translated_409(
        self, token_for: TokenFor, agent: Agent, case_conversation: Conversation, settings: Any
    ) -> None:
        client = client_as(token_for, agent, "zh-Hans")
        body = open_case(client, case_conversation).json()
        # The HTTP connector, pointed at a port where nothing listens.
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        settings.KEFU_PLATFORM_CONNECTOR = "kefu.platform.http.HttpConnector"
        settings.KEFU_PLATFORM_URL = f"http://127.0.0.1:{port}/kefu"
        settings.KEFU_PLATFORM_SECRET = "s"
        response = client.post(case_url(body, "checks/email_code/send-code"))
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "case_refused"
        assert HAN.search(error["message"])
        assert VerificationCase.objects.get().checks.get(kind="email_code").state == "pending"

    def test_a_lock_the_customer_set_fails_the_security_state_check(
        self, api_client: Client, case_conversation: Conversation
    ) -> None:
        until = timezone.now() + timedelta(days=3)
        DemoAccount.objects.update(user_lock_until=until)
        body = open_case(api_client, case_conversation).json()
        response = api_client.post(case_url(body, "checks/platform_state/refresh"))
        assert response.status_code == 200, response.content
        check = response.json()
        assert check["state"] == "failed"
        shown = datetime.fromisoformat(check["result"]["locked_until"])
        assert abs(shown - until) < timedelta(seconds=1)


@pytest.mark.django_db
class TestDecision:
    def test_the_requester_cannot_approve_their_own_case(
        self, token_for: TokenFor, l2: Agent, proposed: dict[str, Any]
    ) -> None:
        response = post(client_as(token_for, l2), case_url(proposed, "approve"), {"reason": "ok"})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        assert VerificationCase.objects.get().state == "proposed"

    def test_an_agent_below_the_policys_role_cannot_approve(
        self, api_client: Client, proposed: dict[str, Any]
    ) -> None:
        response = post(api_client, case_url(proposed, "approve"), {"reason": "ok"})
        assert response.status_code == 403
        assert VerificationCase.objects.get().state == "proposed"

    def test_a_second_l2_agent_approves_and_the_cool_down_starts(
        self, token_for: TokenFor, other_l2: Agent, proposed: dict[str, Any]
    ) -> None:
        client = client_as(token_for, other_l2)
        queue = client.get("/api/v1/verification-cases/awaiting-decision")
        assert [case["uuid"] for case in queue.json()] == [proposed["uuid"]]
        response = post(client, case_url(proposed, "approve"), {"reason": "核对无误。"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["state"] == "approved"
        assert body["decided_by"]["public_id"] == other_l2.public_id
        assert body["executes_at"] is not None

    def test_the_proposer_does_not_see_their_own_case_awaiting_decision(
        self, token_for: TokenFor, l2: Agent, proposed: dict[str, Any]
    ) -> None:
        queue = client_as(token_for, l2).get("/api/v1/verification-cases/awaiting-decision")
        assert queue.status_code == 200
        assert queue.json() == []

    def test_a_second_agent_rejects(
        self, token_for: TokenFor, other_l2: Agent, proposed: dict[str, Any]
    ) -> None:
        client = client_as(token_for, other_l2)
        response = post(client, case_url(proposed, "reject"), {"reason": "证件不清晰。"})
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "rejected"

    def test_proposing_before_the_checks_passed_is_refused(
        self, api_client: Client, case_conversation: Conversation
    ) -> None:
        body = open_case(api_client, case_conversation).json()
        response = post(api_client, case_url(body, "propose"), {"note": "先提交"})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "case_refused"

    def test_a_blank_reason_is_a_validation_error(
        self, token_for: TokenFor, other_l2: Agent, proposed: dict[str, Any]
    ) -> None:
        response = post(
            client_as(token_for, other_l2), case_url(proposed, "approve"), {"reason": " "}
        )
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["code"] == "blank"

    def test_the_owner_cancels(self, api_client: Client, case_conversation: Conversation) -> None:
        body = open_case(api_client, case_conversation).json()
        response = post(api_client, case_url(body, "cancel"), {"reason": "客户不再需要。"})
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "cancelled"


@pytest.mark.django_db
class TestFreeze:
    def freeze(self, client: Client, conversation: Conversation, **fields: Any) -> Any:
        body = {"reason": "reported_stolen", "note": "有不明提现。", "confirmed": True, **fields}
        return post(client, f"/api/v1/conversations/{conversation.reference}/freeze", body)

    def test_an_l1_agent_freezes_a_stolen_account(
        self,
        api_client: Client,
        conversation_factory: Callable[..., Conversation],
        customer: Contact,
    ) -> None:
        conversation = conversation_factory(
            contact=customer, text="我的账户被盗了", intent="account_stolen"
        )
        response = self.freeze(api_client, conversation)
        assert response.status_code == 200, response.content
        assert response.json()["state"] == "frozen"
        assert DemoAccount.objects.get().state == "frozen"

    def test_an_l1_agent_may_not_freeze_outside_the_stolen_intent(
        self, api_client: Client, case_conversation: Conversation
    ) -> None:
        response = self.freeze(api_client, case_conversation)
        assert response.status_code == 403
        assert DemoAccount.objects.get().state == "active"

    def test_nothing_is_frozen_without_confirmation(
        self, token_for: TokenFor, l2: Agent, case_conversation: Conversation
    ) -> None:
        response = self.freeze(client_as(token_for, l2), case_conversation, confirmed=False)
        assert response.status_code == 409
        assert DemoAccount.objects.get().state == "active"

    def test_a_reason_outside_the_list_is_a_validation_error(
        self, token_for: TokenFor, l2: Agent, case_conversation: Conversation
    ) -> None:
        response = self.freeze(client_as(token_for, l2), case_conversation, reason="bored")
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["code"] == "invalid_choice"

    def test_the_reasons_are_those_the_action_knows(self) -> None:
        assert set(get_args(FreezeReason)) == set(FREEZE_REASONS)

    def test_there_is_no_unfreeze_endpoint(
        self, api_client: Client, case_conversation: Conversation
    ) -> None:
        url = f"/api/v1/conversations/{case_conversation.reference}/unfreeze"
        assert post(api_client, url, {"reason": "x"}).status_code == 404

"""HttpConnector against the reference server: signatures both ways, retries, failures."""

import json
import logging
import socket
import time
from decimal import Decimal
from typing import Any

import httpx
import pytest
from django.utils import translation

from kefu.platform import errors, signing
from kefu.platform.connector import (
    AccountState,
    ChangeKind,
    ChangeRequest,
    ConnectorError,
    ContactChannel,
    ErrorCode,
    PlatformConnector,
    Reason,
    UnknownCustomer,
)
from kefu.platform.contract import ACTIVE, NOBODY, USER_LOCK
from kefu.platform.http import HttpConnector
from kefu.platform.registry import connector
from tests.platform.reference_server import Answer, ReferenceServer, says_valid, unsigned


def _signed_get(server: ReferenceServer, path: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(server.url + path, headers=headers)


def _headers_for(server: ReferenceServer, path: str, secret: str = "", body: bytes = b"") -> Any:
    return signing.sign_request(secret or server.secret, "GET", "/kefu" + path, body)


def test_the_setting_picks_the_http_connector(http_connector: HttpConnector) -> None:
    backend: PlatformConnector = connector()
    assert isinstance(backend, HttpConnector)
    assert backend.account_status(ACTIVE).state == AccountState.ACTIVE


def test_records_keep_their_types_over_the_wire(http_connector: HttpConnector) -> None:
    (deposit,) = http_connector.deposits(ACTIVE, limit=1)
    assert deposit.amount == Decimal("250.5")
    assert deposit.created_at.tzinfo is not None
    assert http_connector.fee_schedule().networks[0].withdrawal_fee == Decimal("1")


def test_requests_carry_a_signature_and_the_idempotency_key(
    http_connector: HttpConnector, reference: ReferenceServer
) -> None:
    http_connector.send_code(ACTIVE, ContactChannel.EMAIL, "login", "key-1")
    (request,) = reference.received
    assert request.headers["idempotency-key"] == "key-1"
    assert request.headers["x-kefu-signature"].startswith("v1=")
    assert json.loads(request.body) == {"channel": "email", "purpose": "login"}


@pytest.mark.parametrize(
    ("sent_path", "signed_path", "signed_body"),
    [
        ("/v1/fees", "/v1/fees", b"tampered"),  # body changed on the way
        ("/v1/accounts/sandbox-locked", "/v1/accounts/sandbox-active", b""),  # path changed
    ],
)
def test_a_tampered_request_is_refused(
    reference: ReferenceServer, sent_path: str, signed_path: str, signed_body: bytes
) -> None:
    headers = _headers_for(reference, signed_path, body=signed_body)
    response = _signed_get(reference, sent_path, headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == ErrorCode.BAD_SIGNATURE


def test_a_wrong_secret_is_refused_as_a_bad_signature(
    http_connector: HttpConnector, settings: Any
) -> None:
    settings.KEFU_PLATFORM_SECRET = "not-the-shared-secret"
    with pytest.raises(ConnectorError) as refused:
        HttpConnector().account_status(ACTIVE)
    assert refused.value.code == ErrorCode.BAD_SIGNATURE


def test_a_replayed_request_is_refused(reference: ReferenceServer) -> None:
    headers = _headers_for(reference, "/v1/fees")
    assert _signed_get(reference, "/v1/fees", headers).status_code == 200
    replayed = _signed_get(reference, "/v1/fees", headers)
    assert replayed.status_code == 401


def test_a_stale_timestamp_is_refused(reference: ReferenceServer) -> None:
    stale = str(int(time.time()) - signing.TOLERANCE_SECONDS - 5)
    signature = signing.request_signature(
        reference.secret, stale, "n1", "GET", "/kefu/v1/fees", b""
    )
    headers = {signing.TIMESTAMP: stale, signing.NONCE: "n1", signing.SIGNATURE: signature}
    assert _signed_get(reference, "/v1/fees", headers).status_code == 401


@pytest.mark.parametrize("forge", [says_valid, unsigned])
def test_a_forged_or_unsigned_answer_is_refused(
    http_connector: HttpConnector, reference: ReferenceServer, forge: Any
) -> None:
    challenge = http_connector.send_code(ACTIVE, ContactChannel.PHONE, "login", "key-2")
    reference.forge = forge
    with pytest.raises(ConnectorError) as refused:
        http_connector.check_code(ACTIVE, challenge.challenge_id, "000000")
    assert refused.value.code == ErrorCode.REFUSED


def test_an_old_signed_answer_replayed_to_a_new_question_is_refused(
    http_connector: HttpConnector, reference: ReferenceServer
) -> None:
    kept: list[tuple[Answer, dict[str, str]]] = []

    def replay_the_first(answer: Answer, headers: dict[str, str]) -> Any:
        kept.append((answer, headers))
        return kept[0]

    reference.forge = replay_the_first
    http_connector.account_status(ACTIVE)
    with pytest.raises(ConnectorError) as refused:
        http_connector.account_status(ACTIVE)
    assert refused.value.code == ErrorCode.REFUSED


def test_an_answer_outside_the_contract_is_refused_and_only_logged(
    http_connector: HttpConnector, reference: ReferenceServer, caplog: pytest.LogCaptureFixture
) -> None:
    def garbage(answer: Answer, headers: dict[str, str]) -> Any:
        body = b'{"user_id": "sandbox-active", "state": "on holiday"}'
        return Answer(200, body), signing.sign_response(
            reference.secret, headers[signing.NONCE], 200, body
        )

    reference.forge = garbage
    with pytest.raises(ConnectorError) as refused:
        http_connector.account_status(ACTIVE)
    assert refused.value.code == ErrorCode.REFUSED
    assert "on holiday" in caplog.text
    assert "on holiday" not in errors.describe(refused.value)


def test_an_unknown_error_code_is_kept_and_reads_as_a_refusal(
    http_connector: HttpConnector, reference: ReferenceServer
) -> None:
    def kyc_pending(answer: Answer, headers: dict[str, str]) -> Any:
        body = b'{"error": {"code": "kyc_pending", "params": {"level": 2}}}'
        return Answer(403, body), signing.sign_response(
            reference.secret, headers[signing.NONCE], 403, body
        )

    reference.forge = kyc_pending
    with pytest.raises(ConnectorError) as refused:
        http_connector.account_status(ACTIVE)
    assert (refused.value.code, refused.value.params) == ("kyc_pending", {"level": "2"})
    with translation.override("en"):
        assert errors.describe(refused.value) == "The platform refused the request."


def test_an_unknown_customer_is_unknown_customer(http_connector: HttpConnector) -> None:
    with pytest.raises(UnknownCustomer) as unknown:
        http_connector.account_records(NOBODY)
    assert unknown.value.params == {"user_id": NOBODY}


def test_an_id_with_slashes_and_spaces_is_signed_as_sent(http_connector: HttpConnector) -> None:
    with pytest.raises(UnknownCustomer) as unknown:
        http_connector.account_status("nobody here/张")
    assert unknown.value.params == {"user_id": "nobody here/张"}


def test_a_slow_platform_times_out_and_a_code_check_is_not_retried(
    http_connector: HttpConnector, reference: ReferenceServer, settings: Any
) -> None:
    challenge = http_connector.send_code(ACTIVE, ContactChannel.PHONE, "login", "key-3")
    settings.KEFU_PLATFORM_TIMEOUT = 0.2
    reference.delay = 0.5
    with pytest.raises(ConnectorError) as slow:
        HttpConnector().check_code(ACTIVE, challenge.challenge_id, "000000")
    assert slow.value.code == ErrorCode.TIMEOUT
    assert len([r for r in reference.received if r.path.endswith("/check")]) == 1


def test_a_lost_answer_is_retried_with_the_same_key_and_executed_once(
    http_connector: HttpConnector, reference: ReferenceServer
) -> None:
    reference.failures = [503]
    change = ChangeRequest(ChangeKind.RESET_2FA, case_reference="VC-1")
    result = http_connector.execute_change(ACTIVE, change, "key-4")
    assert result.kind == ChangeKind.RESET_2FA
    sent = [r for r in reference.received if r.path.endswith("/changes")]
    assert [r.headers["idempotency-key"] for r in sent] == ["key-4", "key-4"]
    assert sent[0].headers["x-kefu-nonce"] != sent[1].headers["x-kefu-nonce"]
    assert reference.executions["changes"] == 1


def test_a_read_is_retried_three_times_before_giving_up(
    http_connector: HttpConnector, reference: ReferenceServer
) -> None:
    reference.failures = [503, 502, 500, 503]
    with pytest.raises(ConnectorError) as down:
        http_connector.fee_schedule()
    assert down.value.code == ErrorCode.UNAVAILABLE
    assert len(reference.received) == 4
    reference.failures = [503]
    assert http_connector.fee_schedule().taker_percent == Decimal("0.1")


def test_a_freeze_without_a_key_is_still_retried_safely(
    http_connector: HttpConnector, reference: ReferenceServer
) -> None:
    reference.failures = [503]
    status = http_connector.freeze_account(ACTIVE, Reason("reported_stolen"))
    assert status.state == AccountState.FROZEN
    keys = {r.headers["idempotency-key"] for r in reference.received}
    assert len(reference.received) == 2
    assert len(keys) == 1
    assert reference.executions["freeze"] == 1


def test_a_failed_code_check_is_not_retried(
    http_connector: HttpConnector, reference: ReferenceServer
) -> None:
    challenge = http_connector.send_code(ACTIVE, ContactChannel.PHONE, "login", "key-5")
    reference.failures = [502]
    with pytest.raises(ConnectorError) as down:
        http_connector.check_code(ACTIVE, challenge.challenge_id, "000000")
    assert down.value.code == ErrorCode.UNAVAILABLE
    assert reference.executions["checks"] == 1


def test_a_platform_that_is_down_is_unavailable(settings: Any) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.KEFU_PLATFORM_URL = f"http://127.0.0.1:{port}/kefu"
    settings.KEFU_PLATFORM_SECRET = "s"
    with pytest.raises(ConnectorError) as down:
        HttpConnector().fee_schedule()
    assert down.value.code == ErrorCode.UNAVAILABLE
    with translation.override("zh-hans"):
        assert errors.describe(down.value) == "暂时无法连接平台，请几分钟后再试。"


def test_neither_the_secret_nor_a_code_reaches_the_log(
    http_connector: HttpConnector, reference: ReferenceServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    challenge = http_connector.send_code(ACTIVE, ContactChannel.PHONE, "login", "key-6")
    code = reference.challenges[challenge.challenge_id].code
    reference.failures = [503]
    with pytest.raises(ConnectorError):
        http_connector.check_code(ACTIVE, challenge.challenge_id, code)
    assert code not in caplog.text
    assert reference.secret not in caplog.text


def test_errors_read_in_the_agents_language_not_the_platforms(
    http_connector: HttpConnector,
) -> None:
    change = ChangeRequest(ChangeKind.RESET_2FA)
    with pytest.raises(ConnectorError) as locked:
        http_connector.execute_change(USER_LOCK, change, "key-7")
    with translation.override("zh-hans"):
        text = errors.describe(locked.value)
    assert "客户" in text
    assert "user_lock" not in text
    with translation.override("zh-hant"):
        timeout = errors.describe(ConnectorError(code=ErrorCode.TIMEOUT))
    assert timeout == "平台未能及時回應，請幾分鐘後再試。"

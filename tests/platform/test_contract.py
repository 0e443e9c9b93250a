"""The contract suite passes against the demo back end and the HTTP reference server, and
`kefu connector-contract` reports it for an exchange's engineers."""

import uuid
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kefu.platform import contract
from kefu.platform.demo import DemoConnector
from kefu.platform.demo_data import load_sandbox
from kefu.platform.http import HttpConnector


@pytest.fixture
def demo_sandbox(db: None) -> DemoConnector:
    load_sandbox()
    return DemoConnector()


@pytest.mark.parametrize("name", contract.CHECKS)
def test_the_demo_back_end_keeps_the_contract(demo_sandbox: DemoConnector, name: str) -> None:
    contract.CHECKS[name](demo_sandbox)


@pytest.mark.parametrize("name", contract.CHECKS)
def test_the_http_connector_keeps_the_contract(http_connector: HttpConnector, name: str) -> None:
    contract.CHECKS[name](http_connector)


def test_the_command_reports_every_check(db: None, settings: Any) -> None:
    settings.KEFU_PLATFORM_CONNECTOR = "kefu.platform.demo.DemoConnector"
    out = StringIO()
    call_command("connector-contract", stdout=out)
    assert out.getvalue().count("pass  ") == len(contract.CHECKS)
    assert f"All {len(contract.CHECKS)} checks passed." in out.getvalue()


def test_the_command_fails_when_the_platform_refuses(
    http_connector: HttpConnector, settings: Any
) -> None:
    settings.KEFU_PLATFORM_SECRET = "not-the-shared-secret"
    out = StringIO()
    with pytest.raises(CommandError, match="checks failed"):
        call_command("connector-contract", stdout=out)
    assert "FAIL  account_status: unexpected error bad_signature" in out.getvalue()


def test_a_broken_implementation_fails_the_check_that_catches_it(
    demo_sandbox: DemoConnector,
) -> None:
    class ForgetsKeys(DemoConnector):
        def send_code(self, user_id: str, channel: Any, purpose: str, key: str) -> Any:
            return super().send_code(user_id, channel, purpose, f"{key}-{uuid.uuid4()}")

    outcomes = {o.name: o for o in contract.run(ForgetsKeys())}
    assert not outcomes["send_code_is_idempotent"].passed
    assert outcomes["account_status"].passed

"""docs/platform-connector.yaml says what the reference server answers, operation by
operation, so the document an exchange implements from cannot drift from the code."""

import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from kefu.platform import contract
from kefu.platform.http import HttpConnector
from tests.platform.reference_server import ReferenceServer

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "platform-connector.yaml"


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    for template, operations in document["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            operation: dict[str, Any] = operations[method.lower()]
            return operation
    raise AssertionError(f"{method} {path} is not in the document")


def _schema(document: dict[str, Any], operation: dict[str, Any], status: int) -> Any:
    response = operation["responses"].get(str(status), operation["responses"]["default"])
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def test_every_answer_of_a_contract_run_matches_the_document(
    http_connector: HttpConnector, reference: ReferenceServer
) -> None:
    document = yaml.safe_load(DOCUMENT.read_text())
    assert all(outcome.passed for outcome in contract.run(http_connector))
    assert {request.path.split("/")[-1] for request, _ in reference.answered} >= {
        "security", "records", "withdrawals", "deposits", "logins", "fees", "codes", "check",
        "notifications", "freeze", "unfreeze", "changes",
    }  # fmt: skip
    for request, answer in reference.answered:
        operation = _operation(document, request.method, request.path)
        schema = {
            **_schema(document, operation, answer.status),
            "components": document["components"],
        }
        body = json.loads(answer.body)
        errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(body)]
        assert not errors, (request.method, request.path, answer.status, errors)

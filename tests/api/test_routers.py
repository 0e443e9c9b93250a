"""The API's documentation: served from this server alone, complete and described."""

import re
from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client

from kefu.api.routers import api
from tests.services import require_chromium


@pytest.fixture
def docs_html(db: None) -> str:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    return response.content.decode()


def test_the_docs_page_references_only_local_static_files(docs_html: str) -> None:
    urls = re.findall(r'(?:src|href)="([^"]+)"', docs_html)
    assert urls, "the docs page should load Swagger UI"
    assert all(url.startswith("/static/") for url in urls), urls
    assert "//" not in "".join(urls)


def test_the_referenced_static_files_are_served(docs_html: str) -> None:
    client = Client()
    for url in re.findall(r'(?:src|href)="([^"]+)"', docs_html):
        response = client.get(url)
        assert response.status_code == 200, url
        if hasattr(response, "close"):
            response.close()


def test_swagger_does_not_call_the_online_validator(docs_html: str) -> None:
    assert '"validatorUrl": null' in docs_html


@pytest.mark.django_db
def test_the_schema_is_served_without_a_token() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/conversations" in schema["paths"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


# Public on purpose: "is this official?", help-center search and guided flows must
# answer anyone, a chat-widget visitor included (rate-limited per IP instead).
PUBLIC = {
    ("get", "/api/v1/verify"),
    ("get", "/api/v1/help/search"),
    ("get", "/api/v1/help/flows"),
    ("post", "/api/v1/help/flows/{intent}/runs"),
    ("get", "/api/v1/help/flows/runs/{token}"),
    ("post", "/api/v1/help/flows/runs/{token}/answer"),
    ("post", "/api/v1/help/flows/runs/{token}/handoff"),
}


def test_every_operation_is_described_and_secured() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/")
    ids = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path}"
            ids.add(operation["operationId"])
            if (method, path) in PUBLIC:
                assert not operation.get("security"), f"{method} {path}"
                continue
            assert operation["security"] == [{"TokenAuth": []}], f"{method} {path}"
            assert "401" in {str(code) for code in operation["responses"]}, f"{method} {path}"
    assert "create_conversation" in ids


def test_the_create_body_has_examples() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/")
    properties = schema["components"]["schemas"]["ConversationCreate"]["properties"]
    assert properties["text"]["examples"]
    assert "account_stolen" in str(schema["components"]["schemas"])


@pytest.mark.browser
def test_the_docs_render_in_a_browser_without_leaving_the_server(live_server: Any) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{live_server.url}/api/docs")
            page.wait_for_selector("text=Open a conversation from a customer message")
            assert page.locator(".opblock").count() >= 15
        finally:
            browser.close()
    server = urlparse(live_server.url).netloc
    outside = [url for url in requested if urlparse(url).netloc not in (server, "")]
    assert not outside, outside

"""Identity documents: encrypted at rest, for reviewers only, deleted after retention."""

import hashlib
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from kefu.agents.models import Agent, Role
from kefu.core.models import AuditEntry
from kefu.verification import actions
from kefu.verification.actions import CaseRefused
from kefu.verification.models import (
    CaseKind,
    CheckKind,
    CheckState,
    DocumentKind,
    VerificationCase,
    VerificationDocument,
)

# A PNG signature and header, then a marker the tests look for in the stored bytes.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + (
    b"PASSPORT-NUMBER-E12345678" * 4
)


def png(content: bytes = PNG, name: str = "front.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.fixture
def keys(settings: Any) -> list[str]:
    settings.KEFU_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    return list(settings.KEFU_DOCUMENT_KEYS)


@pytest.fixture
def case(case_conversation: Any, agent_factory: Callable[..., Agent]) -> VerificationCase:
    return actions.open_case(
        conversation=case_conversation, agent=agent_factory(), kind=CaseKind.RESET_2FA
    )


def raw(document: VerificationDocument) -> bytes:
    with default_storage.open(document.stored_name, "rb") as file:
        return bytes(file.read())


def test_a_document_is_stored_encrypted_and_read_back_by_a_reviewer(
    case: VerificationCase, keys: list[str], agent_factory: Callable[..., Agent]
) -> None:
    document = actions.upload_document(
        case=case, contact=case.contact, kind=DocumentKind.ID_FRONT, upload=png()
    )
    assert document.stored_name.startswith("verification/")
    assert b"PASSPORT-NUMBER" not in raw(document)
    assert document.sha256 == hashlib.sha256(PNG).hexdigest()
    assert case.checks.get(kind=CheckKind.ID_DOCUMENT).state == CheckState.SUBMITTED
    reviewer = agent_factory(role=Role.L2)
    assert actions.read_document(document=document, agent=reviewer) == PNG
    assert AuditEntry.objects.filter(action="verification.document_viewed").count() == 1
    with pytest.raises(PermissionDenied):
        actions.read_document(document=document, agent=agent_factory(role=Role.L1))


def test_a_rotated_key_still_reads_old_documents(
    case: VerificationCase, keys: list[str], settings: Any, agent_factory: Callable[..., Agent]
) -> None:
    old = actions.upload_document(
        case=case, contact=case.contact, kind=DocumentKind.ID_FRONT, upload=png()
    )
    new_key = Fernet.generate_key().decode()
    settings.KEFU_DOCUMENT_KEYS = [new_key, *keys]
    new = actions.upload_document(
        case=case, contact=case.contact, kind=DocumentKind.ID_BACK, upload=png()
    )
    reviewer = agent_factory(role=Role.L2)
    assert actions.read_document(document=old, agent=reviewer) == PNG
    assert Fernet(new_key.encode()).decrypt(raw(new)) == PNG


def test_without_keys_a_private_key_file_is_made_once(
    case: VerificationCase, settings: Any, tmp_path: Path, agent_factory: Callable[..., Agent]
) -> None:
    settings.KEFU_DOCUMENT_KEYS = []
    settings.VAR_DIR = tmp_path
    document = actions.upload_document(
        case=case, contact=case.contact, kind=DocumentKind.SELFIE, upload=png()
    )
    key_file = tmp_path / "document.key"
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert Fernet(key_file.read_bytes()).decrypt(raw(document)) == PNG
    assert actions.read_document(document=document, agent=agent_factory(role=Role.L2)) == PNG


def stored_files() -> list[str]:
    if not default_storage.exists("verification"):
        return []
    return list(default_storage.listdir("verification")[1])


def test_an_oversized_document_is_refused_and_nothing_stored(
    case: VerificationCase, keys: list[str], settings: Any
) -> None:
    settings.KEFU_DOCUMENT_MAX_BYTES = 64
    with translation.override("en"), pytest.raises(CaseRefused, match="larger than"):
        actions.upload_document(
            case=case, contact=case.contact, kind=DocumentKind.ID_FRONT, upload=png()
        )
    assert stored_files() == []
    assert not VerificationDocument.objects.exists()


def test_a_document_of_another_type_is_refused_and_nothing_stored(
    case: VerificationCase, keys: list[str]
) -> None:
    text = SimpleUploadedFile("id.png", b"just some text pretending", content_type="image/png")
    with translation.override("zh-hans"), pytest.raises(CaseRefused) as refused:
        actions.upload_document(
            case=case, contact=case.contact, kind=DocumentKind.ID_FRONT, upload=text
        )
    assert "PDF" in str(refused.value)
    assert "Send" not in str(refused.value)
    assert stored_files() == []
    assert case.checks.get(kind=CheckKind.ID_DOCUMENT).state == CheckState.PENDING


def test_a_pdf_is_accepted(case: VerificationCase, keys: list[str]) -> None:
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    document = actions.upload_document(
        case=case, contact=case.contact, kind=DocumentKind.ID_BACK, upload=pdf
    )
    assert document.content_type == "application/pdf"


def test_a_reviewer_of_the_policy_role_passes_or_fails_the_documents(
    case: VerificationCase, keys: list[str], agent_factory: Callable[..., Agent]
) -> None:
    actions.upload_document(case=case, contact=case.contact, kind=DocumentKind.SELFIE, upload=png())
    selfie = case.checks.get(kind=CheckKind.SELFIE)
    with pytest.raises(PermissionDenied):
        actions.review_documents(check=selfie, agent=agent_factory(role=Role.L1), passed=True)
    reviewed = actions.review_documents(
        check=selfie, agent=agent_factory(role=Role.L2), passed=False, note="Face not visible"
    )
    assert reviewed.state == CheckState.FAILED


def test_documents_are_deleted_after_the_retention_once_the_case_ends(
    case: VerificationCase, keys: list[str]
) -> None:
    document = actions.upload_document(
        case=case, contact=case.contact, kind=DocumentKind.ID_FRONT, upload=png()
    )
    actions.cancel_by_customer(case=case, contact=case.contact)
    document.refresh_from_db()
    assert document.delete_after is not None
    assert actions.sweep_documents() == ""
    assert actions.sweep_documents(timezone.now() + timedelta(days=31)) == "deleted 1"
    document.refresh_from_db()
    assert document.stored_name == ""
    assert document.deleted_at is not None
    assert stored_files() == []
    assert AuditEntry.objects.filter(action="verification.document_deleted").count() == 1

"""Identity documents encrypted at rest.

Keys come from KEFU_DOCUMENT_KEYS (comma-separated Fernet keys): the first encrypts, all
decrypt, so a new key is put first and the old one kept until the files are re-encrypted
or deleted. Without the setting a key file in the var directory is made on first use;
that is for trying Kefu out: a copy of the var directory then holds files and key together.
"""

import hashlib
import logging
import os
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import filetype
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

ALLOWED_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})
KEY_FILE = "document.key"


class DocumentRefused(Exception):
    """The file cannot be accepted; `str(error)` is for the customer."""


@dataclass(frozen=True)
class StoredDocument:
    name: str
    content_type: str
    size: int
    sha256: str


def _key_file(var_dir: str) -> bytes:
    path = Path(var_dir) / KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    log.warning(
        "Identity documents are encrypted with a key made in %s. In production set "
        "KEFU_DOCUMENT_KEYS and keep the key away from the files.",
        path,
    )
    return key


@cache
def _fernet(keys: tuple[str, ...], var_dir: str) -> MultiFernet:
    secrets = [key.encode() for key in keys] or [_key_file(var_dir)]
    return MultiFernet([Fernet(key) for key in secrets])


def _cipher() -> MultiFernet:
    # Keyed by the settings, so a test (or a rotation in a running shell) gets its own.
    return _fernet(tuple(settings.KEFU_DOCUMENT_KEYS), str(settings.VAR_DIR))


def _read(upload: UploadedFile) -> bytes:
    limit = int(settings.KEFU_DOCUMENT_MAX_BYTES)
    too_big = DocumentRefused(
        _("The file is larger than %(limit)s. Send a smaller photo or scan.")
        % {"limit": filesizeformat(limit)}
    )
    if upload.size is not None and upload.size > limit:
        raise too_big
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_big
    return content


def store(upload: UploadedFile) -> StoredDocument:
    """Check, encrypt and store the upload; DocumentRefused (nothing stored) if unfit."""
    content = _read(upload)
    kind = filetype.guess(content[:512])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise DocumentRefused(_("Send a JPEG or PNG photo, or a PDF scan."))
    name = default_storage.save(
        f"verification/{uuid.uuid4().hex}", ContentFile(_cipher().encrypt(content))
    )
    return StoredDocument(
        name=name,
        content_type=str(kind.mime),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return _cipher().decrypt(file.read())


def delete(name: str) -> None:
    default_storage.delete(name)

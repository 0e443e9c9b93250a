"""Everything Kefu asks of wechatpy, behind a small typed API.

wechatpy's last stable release is from 2021: this module is the only one that imports it,
so replacing the library is rewriting this file alone. It checks WeChat's signatures,
decrypts and encrypts safe-mode messages (WeChatCrypto), parses the XML WeChat posts and
calls WeChat's REST API (the customer-service message, temporary media, the access token).
Nothing here touches the database or the cache.
"""

import logging
from dataclasses import dataclass
from xml.parsers.expat import ExpatError

import requests
from django.conf import settings
from wechatpy import parse_message
from wechatpy.client import WeChatClient
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import (
    InvalidAppIdException,
    InvalidSignatureException,
    WeChatClientException,
)
from wechatpy.replies import TextReply
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.utils import check_signature

logger = logging.getLogger(__name__)

# WeChat's error codes for an access token that is not (or no longer) valid.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
_TIMEOUT = 10


class BadSignature(Exception):
    """The request was not signed with the account's Token."""


class Unreadable(Exception):
    """The body is not WeChat XML, or a safe-mode payload that does not decrypt."""


class ApiError(Exception):
    """WeChat refused a call (`code` is its errcode) or could not be reached (`code` None;
    `status` is the HTTP status when there was an answer)."""

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status

    @property
    def token_invalid(self) -> bool:
        return self.code in TOKEN_ERRORS


@dataclass(frozen=True)
class Keys:
    """An account's secrets as WeChat's algorithms need them."""

    app_id: str
    token: str
    # Empty when the account does not use safe mode.
    encoding_aes_key: str = ""


@dataclass(frozen=True)
class Parsed:
    """One message or event as WeChat posted it; fields it does not have are empty."""

    msg_type: str  # text, image, voice, event, …
    sender: str  # FromUserName: the customer's OpenID
    recipient: str  # ToUserName: the account's original id (gh_…)
    create_time: int
    msg_id: str = ""
    event: str = ""  # subscribe, unsubscribe, click, … (lower case)
    content: str = ""
    media_id: str = ""
    # WeChat's own speech recognition of a voice message, when the account has it on.
    recognition: str = ""
    # A menu item's key (CLICK) or a QR scene.
    event_key: str = ""


def signed(keys: Keys, signature: str, timestamp: str, nonce: str) -> bool:
    """WeChat's request signature: SHA-1 of the sorted Token, timestamp and nonce."""
    try:
        check_signature(keys.token, signature, timestamp, nonce)
    except InvalidSignatureException:
        return False
    return True


def _crypto(keys: Keys) -> WeChatCrypto:
    return WeChatCrypto(keys.token, keys.encoding_aes_key, keys.app_id)


def decrypt(keys: Keys, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
    """The plaintext XML of a safe-mode POST; BadSignature, or Unreadable."""
    try:
        return str(_crypto(keys).decrypt_message(body, msg_signature, timestamp, nonce))
    except InvalidSignatureException as error:
        raise BadSignature from error
    except InvalidAppIdException as error:
        raise BadSignature from error
    except (ExpatError, KeyError, TypeError, ValueError) as error:
        # Not XML, no <Encrypt>, bad base64, bad padding, not UTF-8: all one answer.
        raise Unreadable(type(error).__name__) from error


def decrypt_echo(keys: Keys, echostr: str, msg_signature: str, timestamp: str, nonce: str) -> str:
    """The echostr of a safe-mode URL verification, decrypted."""
    try:
        return str(
            _crypto(keys)._check_signature(msg_signature, timestamp, nonce, echostr, PrpCrypto)
        )
    except (InvalidSignatureException, InvalidAppIdException) as error:
        raise BadSignature from error
    except (KeyError, TypeError, ValueError) as error:
        raise Unreadable(type(error).__name__) from error


def encrypt(keys: Keys, xml: str, nonce: str, timestamp: str) -> str:
    """A passive reply encrypted for safe mode (the <Encrypt> envelope, signed)."""
    return str(_crypto(keys).encrypt_message(xml, nonce, timestamp))


def parse(xml: str | bytes) -> Parsed:
    """WeChat's XML, parsed by the parser production uses; Unreadable when it is not."""
    try:
        raw = parse_message(xml)
    except (ExpatError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise Unreadable(type(error).__name__) from error
    if raw is None or not raw.source or not raw.target:
        raise Unreadable("empty")
    try:
        create_time, msg_id = int(raw.time), int(raw.id)
    except (TypeError, ValueError) as error:
        raise Unreadable("CreateTime or MsgId") from error
    return Parsed(
        msg_type=str(raw.type),
        sender=str(raw.source),
        recipient=str(raw.target),
        create_time=create_time,
        msg_id=str(msg_id) if msg_id else "",
        event=str(getattr(raw, "event", "") or "").lower(),
        content=str(getattr(raw, "content", "") or ""),
        media_id=str(getattr(raw, "media_id", "") or ""),
        recognition=str(getattr(raw, "recognition", "") or ""),
        event_key=str(getattr(raw, "key", "") or ""),
    )


def text_reply(parsed: Parsed, text: str) -> str:
    """A passive text reply to `parsed` (the XML WeChat shows the customer at once)."""
    return str(TextReply(source=parsed.recipient, target=parsed.sender, content=text).render())


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    # The name WeChat gave it (Content-Disposition), or empty.
    filename: str


class _Client(WeChatClient):
    """wechatpy's client on the configured API address (a local server in tests)."""

    def fetch_access_token(self) -> dict[str, object]:
        result: dict[str, object] = self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )
        return result


def _client(app_id: str, secret: str = "", access_token: str | None = None) -> _Client:
    # auto_retry off: a token WeChat refuses is replaced by tokens.py, under its lock,
    # never by this client on its own (wechatpy #737: two workers refreshing at once).
    client = _Client(
        app_id,
        secret,
        access_token=access_token,
        session=MemoryStorage(),
        timeout=_TIMEOUT,
        auto_retry=False,
    )
    client.API_BASE_URL = f"{settings.KEFU_WECHAT_API_URL.rstrip('/')}/cgi-bin/"
    return client


def _api_error(error: Exception) -> ApiError:
    if isinstance(error, WeChatClientException):
        status = error.response.status_code if error.response is not None else None
        code = int(error.errcode) if error.errcode is not None else None
        return ApiError(
            f"WeChat error {code or status}: {error.errmsg or ''}", code=code, status=status
        )
    return ApiError(f"WeChat unreachable: {type(error).__name__}")


def fetch_token(app_id: str, secret: str) -> tuple[str, int]:
    """A new access token and its lifetime in seconds (/cgi-bin/token)."""
    try:
        result = _client(app_id, secret).fetch_access_token()
    except (WeChatClientException, requests.RequestException, ValueError) as error:
        raise _api_error(error) from error
    return str(result["access_token"]), int(str(result.get("expires_in", 7200)))


class Api:
    """WeChat's REST API with one access token (tokens.call supplies and renews it)."""

    def __init__(self, app_id: str, access_token: str) -> None:
        self._client = _client(app_id, access_token=access_token)
        self._token = access_token

    def send_text(self, openid: str, text: str) -> None:
        try:
            self._client.message.send_text(openid, text)
        except (WeChatClientException, requests.RequestException) as error:
            raise _api_error(error) from error

    def send_image(self, openid: str, media_id: str) -> None:
        try:
            self._client.message.send_image(openid, media_id)
        except (WeChatClientException, requests.RequestException) as error:
            raise _api_error(error) from error

    def upload_image(self, filename: str, content: bytes, content_type: str) -> str:
        """Upload a temporary image (kept three days by WeChat); its media_id."""
        try:
            result = self._client.media.upload("image", (filename, content, content_type))
        except (WeChatClientException, requests.RequestException) as error:
            raise _api_error(error) from error
        return str(result["media_id"])

    def download(self, media_id: str, limit: int) -> Download | None:
        """A temporary media file (media/get), or None when WeChat says it is larger than
        `limit`: the body is read only up to the limit, never in full."""
        url = f"{self._client.API_BASE_URL}media/get"
        params = {"access_token": self._token, "media_id": media_id}
        try:
            with requests.get(url, params=params, stream=True, timeout=_TIMEOUT) as response:
                return _read_media(response, media_id, limit)
        except requests.RequestException as error:
            raise _api_error(error) from error


def _read_media(response: requests.Response, media_id: str, limit: int) -> Download | None:
    if response.status_code >= 400:
        raise ApiError(f"WeChat HTTP {response.status_code}", status=response.status_code)
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if content_type in ("application/json", "text/plain"):
        # An error document (an unknown media_id, a bad token) instead of the file.
        result = response.json()
        code = int(result.get("errcode", 0))
        raise ApiError(f"WeChat error {code}: {result.get('errmsg', '')}", code=code)
    if int(response.headers.get("Content-Length") or 0) > limit:
        return None
    content = response.raw.read(limit + 1, decode_content=True)
    if len(content) > limit:
        return None
    disposition = response.headers.get("Content-Disposition", "")
    filename = disposition.partition('filename="')[2].rstrip('"')
    return Download(content=content, content_type=content_type, filename=filename)

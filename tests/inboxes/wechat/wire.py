"""WeChat's wire format, as WeChat's servers send it: the XML of each message and event,
signed with the account's Token (SHA-1 of the sorted Token, timestamp and nonce) and, in
safe mode, encrypted with WeChatCrypto and a real 43-character EncodingAESKey."""

import base64
import hashlib
import time
from dataclasses import dataclass
from xml.etree import ElementTree

from wechatpy.crypto import WeChatCrypto

APP_ID = "wx5823bf96d3bd56c7"
APP_SECRET = "9f4c2b7e1a8d3f6c0b5e2a7d4c1f8e3b"
TOKEN = "kefu-wechat-token"
AES_KEY = base64.b64encode(bytes(range(1, 33))).decode().rstrip("=")
ORIGINAL_ID = "gh_7f083739789a"
OPENID = "oLVPpjqs2BhvzwPj5A-vTYAX3GLc"


def _xml(openid: str, msg_type: str, body: str, to: str, create_time: int | None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{to}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>{body}</xml>"
    )


def text(content: str, msg_id: str, openid: str = OPENID, to: str = ORIGINAL_ID) -> str:
    body = f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>"
    return _xml(openid, "text", body, to, None)


def image(media_id: str, msg_id: str, openid: str = OPENID) -> str:
    body = (
        f"<PicUrl><![CDATA[http://mmbiz.qpic.cn/{media_id}]]></PicUrl>"
        f"<MediaId><![CDATA[{media_id}]]></MediaId><MsgId>{msg_id}</MsgId>"
    )
    return _xml(openid, "image", body, ORIGINAL_ID, None)


def voice(media_id: str, msg_id: str, recognition: str | None = None, openid: str = OPENID) -> str:
    body = f"<MediaId><![CDATA[{media_id}]]></MediaId><Format><![CDATA[amr]]></Format>"
    if recognition is not None:
        body += f"<Recognition><![CDATA[{recognition}]]></Recognition>"
    return _xml(openid, "voice", body + f"<MsgId>{msg_id}</MsgId>", ORIGINAL_ID, None)


def event(name: str, key: str = "", openid: str = OPENID, create_time: int | None = None) -> str:
    body = f"<Event><![CDATA[{name}]]></Event>"
    if key:
        body += f"<EventKey><![CDATA[{key}]]></EventKey>"
    return _xml(openid, "event", body, ORIGINAL_ID, create_time)


def fields(xml: str | bytes) -> dict[str, str]:
    """The children of WeChat's <xml> root, by tag."""
    return {child.tag: child.text or "" for child in ElementTree.fromstring(xml)}


def signature(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, *extra])).encode()).hexdigest()


@dataclass(frozen=True)
class Request:
    query: dict[str, str]
    body: bytes


def signed(
    xml: str, *, token: str = TOKEN, aes_key: str = "", timestamp: int | None = None
) -> Request:
    """The query string and body WeChat posts for `xml` (encrypted when `aes_key` is set)."""
    stamp, nonce = str(timestamp or int(time.time())), "1320562132"
    query = {"signature": signature(token, stamp, nonce), "timestamp": stamp, "nonce": nonce}
    query["openid"] = fields(xml)["FromUserName"]
    if not aes_key:
        return Request(query, xml.encode())
    envelope = WeChatCrypto(token, aes_key, APP_ID).encrypt_message(xml, nonce, stamp)
    parsed = fields(envelope)
    query |= {"encrypt_type": "aes", "msg_signature": parsed["MsgSignature"]}
    to = fields(xml)["ToUserName"]
    body = (
        f"<xml><ToUserName><![CDATA[{to}]]></ToUserName>"
        f"<Encrypt><![CDATA[{parsed['Encrypt']}]]></Encrypt></xml>"
    )
    return Request(query, body.encode())

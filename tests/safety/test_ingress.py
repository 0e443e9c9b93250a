"""Secrets pushed through every ingress must not reach the database, the logs or a job.

Runs a real Kefu process on a SQLite file with SQL logging on, then reads the database
file (and its WAL), everything the process logged and the job rows, byte for byte.
"""

import codecs
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from mnemonic import Mnemonic

from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.core.languages import Language
from kefu.inboxes.models import Inbox
from kefu.safety.ingress import cut_outside_secrets, screen_inbound, screened_id
from kefu.safety.markers import MARKERS
from tests.safety.secret_files import (
    KEYSTORE,
    PHRASE_ZH_HANS,
    PHRASE_ZH_HANT,
    Secret,
    cases,
    file_text,
)

PHRASE_EN = Mnemonic("english").to_mnemonic(bytes(range(16)))
PHRASE_ZH = "".join(Mnemonic("chinese_simplified").to_mnemonic(bytes(range(100, 116))).split())
WIF = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"
PASSWORD = "Hunter2-Secret!"

PUSH = r"""
import json, os, sys
from django.core.management import call_command
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from kefu.agents.models import Agent, Role
from kefu.api.actions import create_token
from kefu.contacts.models import Contact
from kefu.conversations import actions
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.inboxes.models import Inbox
from kefu.inboxes.portal.inbound import from_form

secrets = json.loads(os.environ["KEFU_TEST_SECRETS"])
phrase, phrase_zh = secrets["phrase"], secrets["phrase_zh"]
wif, password = secrets["wif"], secrets["password"]
admin = Agent.objects.create_user(username="admin", password="x-123456", role=Role.ADMIN,
                                  display_name="Admin", is_staff=True)
api_inbox = Inbox.objects.create(name="API", channel="api")
_, token = create_token(actor=admin, name="crm", inbox=api_inbox, acts_as=admin)
api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

# 1. the REST API: a new conversation (text, subject, contact name) and a follow-up message
created = api.post("/api/v1/conversations", content_type="application/json", data={
    "contact": {"email": "victim@example.com", "name": f"my seed {phrase}"},
    "subject": f"助记词 {phrase_zh}", "text": f"my recovery phrase is {phrase} please help"})
assert created.status_code == 201, created.content
reference = created.json()["reference"]
follow = api.post(f"/api/v1/conversations/{reference}/messages", content_type="application/json",
                  data={"text": f"私钥 {wif}"})
assert follow.status_code in (200, 201), follow.content

# 2. the portal: a new ticket and a reply through the portal's own adapter
contact = Contact.objects.get(identities__value="victim@example.com")
ticket = actions.receive_message(from_form(
    contact=contact, text=f"密码是 {password}", subject=f"seed phrase: {phrase}",
    intent="account_stolen"))
actions.receive_message(from_form(contact=contact, text=f"助记词：{phrase_zh}",
                                  conversation=ticket.conversation))

# 3. email-shaped input: subject, body, attachment name, sender name
email_inbox = Inbox.objects.create(name="Mail", channel="email")
actions.receive_message(InboundMessage(
    inbox=email_inbox, identity_kind="email", identity_value="other@example.com",
    contact_name=f"Key {wif}", subject=f"Re: my mnemonic {phrase}",
    text=f"mnemonic:\n{phrase}\n", html=f"<p>mnemonic: {phrase}</p>",
    attachments=(InboundAttachment(f"seed {phrase}.txt", "text/plain", b"screenshot notes"),)))

# 3b. a real email through the email adapter: subject, new text, quoted history, file name
from email.message import EmailMessage
from kefu.inboxes.email.models import Mailbox
from kefu.inboxes.email.receiver import store_raw
mail_inbox = Inbox.objects.create(name="Support mail", channel="email")
mailbox = Mailbox.objects.create(inbox=mail_inbox, address="support@kefu.example")
mail = EmailMessage()
mail["From"] = "Victim Two <victim2@example.com>"
mail["To"] = "support@kefu.example"
mail["Subject"] = f"助记词 {phrase_zh}"
mail["Message-ID"] = "<secret-mail@example.com>"
mail.set_content(f"密码是 {password}\n\n在 2024年5月3日 15:12，客服 <support@kefu.example> 写道：\n"
                 f"> 私钥 {wif}\n> my recovery phrase is {phrase}\n")
mail.add_alternative(f"<p>密码是 {password}</p><blockquote>私钥 {wif}<br>{phrase}</blockquote>",
                     subtype="html")
mail.add_attachment(b"notes", maintype="text", subtype="plain", filename=f"seed {phrase}.txt")
stored_mail = store_raw(mailbox, mail.as_bytes())
assert stored_mail.original and "写道" in stored_mail.original, stored_mail.original

# 4. an agent's note and reply that quote the customer
conversation = ticket.conversation
actions.add_note(conversation=conversation, agent=admin, text=f"customer pasted {phrase}")
actions.send_reply(conversation=conversation, agent=admin, text=f"You sent {wif}; never share it.")

# 5. the console over HTTP: a note typed by an agent
device = TOTPDevice.objects.create(user=admin, name="t", confirmed=True)
console = Client(HTTP_HOST="127.0.0.1")
console.force_login(admin)
session = console.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
noted = console.post(f"/console/c/{reference}/note/", {"text": f"助记词 {phrase_zh}"})
assert noted.status_code in (200, 302), noted.content

# 6. text files that hold secrets, on every channel, in the encodings customers use
import codecs
from django.core.files.uploadedfile import SimpleUploadedFile
keystore = secrets["keystore"]
files = api.post(f"/api/v1/conversations/{reference}/messages/multipart", {
    "text": "logs attached", "external_id": f"app-{wif}",
    "files": [SimpleUploadedFile("export.csv", f"date,note\r\n1,\"{phrase}\"\r\n".encode(),
                                 "application/vnd.ms-excel"),
              SimpleUploadedFile("wallet.json", keystore.encode(), "application/json")]})
assert files.status_code == 201 and len(files.json()["attachments"]) == 2, files.content
again = api.post(f"/api/v1/conversations/{reference}/messages", content_type="application/json",
                 data={"text": "again", "external_id": f"app-{wif}"})
assert again.status_code == 200, again.content
tagged = api.post(f"/api/v1/conversations/{reference}/tags", content_type="application/json",
                  data={"tags": ["vip", f"key {wif}"]})
assert tagged.status_code == 422, tagged.content
noted = actions.receive_message(from_form(
    contact=contact, text="见附件", conversation=ticket.conversation,
    files=(InboundAttachment("备注.md", "text/markdown",
                             f"# 备注\r\n\r\n助记词：{phrase_zh}\r\n".encode("gb18030")),)))
from kefu.inboxes.webchat import actions as chat_actions, selectors as chat_selectors
from kefu.inboxes.webchat.identity import Visitor
chat_inbox = Inbox.objects.create(name="Chat", channel="webchat")
upload = chat_actions.store_upload(inbox=chat_inbox, visitor_id="v-1", upload=InboundAttachment(
    "app.log", "application/octet-stream",
    codecs.BOM_UTF16_LE + f"ERROR wallet import: password: {password}\r\n".encode("utf-16-le")))
chatted = actions.receive_message(InboundMessage(
    inbox=chat_inbox, identity_kind="webchat", identity_value="v-1", text="log",
    external_id=f"chat:v-1:{wif}",
    attachments=chat_selectors.uploaded_files(chat_inbox.pk, "v-1", (upload.pk,))))
mail = EmailMessage()
mail["From"] = "Victim Three <victim3@example.com>"
mail["To"] = "support@kefu.example"
mail["Subject"] = "logs"
mail["Message-ID"] = f"<{wif}@example.com>"
mail.set_content("my logs are attached")
mail.add_attachment(f"私钥 {wif}\r\n助记词 {phrase_zh}\r\n".encode("gb18030"), maintype="text",
                    subtype="plain", filename="日志.txt", params={"charset": "gb2312"})
mail.add_attachment(codecs.BOM_UTF16_BE + f"my recovery phrase: {phrase}".encode("utf-16-be"),
                    maintype="application", subtype="octet-stream", filename="seed.log")
mailed = store_raw(mailbox, mail.as_bytes())
# Redelivered: the hashed Message-ID still matches.
assert store_raw(mailbox, mail.as_bytes()).pk == mailed.pk
replied = actions.send_reply(
    conversation=conversation, agent=admin, text="Never share these.",
    files=[InboundAttachment("quote.txt", "text/plain", f"you wrote {phrase}".encode())])

for message in (noted, chatted, mailed, replied):
    assert message.attachments.count() == (2 if message == mailed else 1), message
    assert message.conversation.secret_exposed or message == replied, message

call_command("db_worker", batch=True, queue_name="*", no_startup_delay=True, verbosity=2)
print("PUSHED", file=sys.stderr)
"""


def _needles(name: str, secret: str) -> list[str]:
    """The secret, and pieces of it that alone give it away."""
    if name == "phrase":  # four words together are already far beyond chance
        return [secret, " ".join(secret.split()[:4])]
    if name == "wif":  # a key is still most of itself without its last characters
        return [secret, secret[:40]]
    if name == "keystore":
        return [json.loads(secret)["crypto"]["ciphertext"]]
    return [secret]


def test_secrets_reach_no_table_no_log_and_no_job(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "KEFU_VAR_DIR": str(tmp_path),
        "KEFU_DEBUG": "1",  # Django logs every SQL statement with its parameters
        "KEFU_LOG_LEVEL": "DEBUG",
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
    }
    env.pop("KEFU_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "kefu.cli", "migrate", "-v0"], env=env, check=True)
    secrets = {
        "phrase": PHRASE_EN,
        "phrase_zh": PHRASE_ZH,
        "wif": WIF,
        "password": PASSWORD,
        "keystore": KEYSTORE,
    }
    run = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "shell", "-c", PUSH],
        env={**env, "KEFU_TEST_SECRETS": json.dumps(secrets)},
        capture_output=True,
        text=True,
    )
    logs = run.stdout + run.stderr
    assert run.returncode == 0, logs[-3000:]
    assert "PUSHED" in logs
    assert "INSERT INTO" in logs, "SQL logging must be on for this test to mean anything"
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("kefu.sqlite3*"))
    stored += b"".join(
        path.read_bytes() for path in (tmp_path / "media").rglob("*") if path.is_file()
    )
    for name, secret in secrets.items():
        needles = _needles(name, secret)
        for needle in needles:
            assert needle not in logs, f"{name} reached the logs"
            for codec in ("utf-8", "gb18030", "big5hkscs", "utf-16-le", "utf-16-be"):
                try:
                    encoded = needle.encode(codec)
                except UnicodeEncodeError:
                    continue
                assert encoded not in stored, f"{name} reached the database or files ({codec})"
            assert json.dumps(needle)[1:-1].encode() not in stored, f"{name} reached a job payload"


@pytest.mark.django_db
def test_screening_reports_kinds_and_drops_html_that_held_a_secret(inbox: Inbox) -> None:
    screened = screen_inbound(
        InboundMessage(
            inbox=inbox,
            text=f"my seed phrase: {PHRASE_EN}",
            html="<p>my seed phrase:<br>" + "<br>".join(PHRASE_EN.split()) + "</p>",
            subject="help",
            language=Language.EN,
            attachments=(InboundAttachment(f"{WIF}.png", "image/png", b""),),
        )
    )
    assert screened.kinds == {"recovery_phrase", "private_key"}
    assert screened.inbound.html == ""
    assert PHRASE_EN not in screened.inbound.text
    assert WIF not in screened.inbound.attachments[0].filename


def test_a_message_screened_before_it_was_queued_is_not_screened_again(inbox: Inbox) -> None:
    first = screen_inbound(
        InboundMessage(inbox=inbox, text=f"password: hunter2 seed {PHRASE_EN}", language="en")
    )
    queued = replace(first.inbound, kinds_removed=first.kinds)
    second = screen_inbound(queued)
    # Same text (the markers are not taken for secrets), same kinds to warn and alert on.
    assert second.inbound.text == first.inbound.text
    assert second.kinds == first.kinds
    assert "hunter2" not in second.inbound.text


def _screen_file(
    inbox: Inbox, upload: InboundAttachment, language: str = ""
) -> tuple[bytes, set[str]]:
    screened = screen_inbound(
        InboundMessage(inbox=inbox, text="see the file", language=language, attachments=(upload,))
    )
    return screened.inbound.attachments[0].content, set(screened.kinds)


@pytest.mark.django_db
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize(("extension", "secret"), cases())
def test_a_text_file_is_kept_with_its_secret_removed(
    inbox: Inbox, extension: str, secret: Secret, newline: str
) -> None:
    original = file_text(extension, secret.line, newline)
    upload = InboundAttachment(f"notes{extension}", "application/octet-stream", original.encode())
    content, kinds = _screen_file(inbox, upload, secret.language)
    text = content.decode("utf-8")
    assert secret.kind in kinds
    for needle in secret.needles():
        assert needle not in text
    assert MARKERS[secret.kind][secret.language] in text  # type: ignore[index]
    # Only the secret changed: what stood before and after it is still there.
    before, _, after = original.partition(secret.value)
    assert text.startswith(before)
    assert text.endswith(after)


# A file of each encoding customers send, holding a phrase it can spell, with Windows
# line breaks; `declared` is the charset a mail client or an API client labelled it with.
ENCODED = [
    ("utf-8", b"", "", PHRASE_ZH_HANS, "zh-Hans"),
    ("utf-8", codecs.BOM_UTF8, "", PHRASE_ZH_HANS, "zh-Hans"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "", PHRASE_ZH_HANT, "zh-Hant"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "", PHRASE_ZH_HANS, "zh-Hans"),
    ("gb18030", b"", "gb2312", PHRASE_ZH_HANS, "zh-Hans"),
    ("gb18030", b"", "", PHRASE_ZH_HANS, "zh-Hans"),
    ("big5hkscs", b"", "big5", PHRASE_ZH_HANT, "zh-Hant"),
    ("big5hkscs", b"", "", PHRASE_ZH_HANT, "zh-Hant"),
    # Mislabelled: Big5 bytes read without an error as GB18030 nonsense.
    ("big5hkscs", b"", "gb2312", PHRASE_ZH_HANT, "zh-Hant"),
]


# What stands around the phrase in the file, in the file's own script.
FRAME = {
    "zh-Hans": ("客户日志\r\n提现 W-1042\r\n助记词 ", "\r\n谢谢\r\n"),
    "zh-Hant": ("客戶日誌\r\n提領 W-1042\r\n助記詞 ", "\r\n謝謝\r\n"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("codec", "bom", "declared", "phrase", "language"), ENCODED)
def test_a_text_file_keeps_its_encoding_byte_order_mark_and_line_breaks(
    inbox: Inbox, codec: str, bom: bytes, declared: str, phrase: str, language: str
) -> None:
    head, tail = FRAME[language]
    original = bom + (head + phrase + tail).encode(codec)
    upload = InboundAttachment("日志.log", "text/plain", original, charset=declared)
    content, kinds = _screen_file(inbox, upload)
    assert kinds == {"recovery_phrase"}
    assert content.startswith(bom + head.encode(codec))
    assert content.endswith(tail.encode(codec))
    text = content[len(bom) :].decode(codec)
    assert phrase not in text
    assert "".join(phrase.split()[:4]) not in text
    assert text == head + MARKERS["recovery_phrase"][language] + tail  # type: ignore[index]


@pytest.mark.django_db
def test_a_marker_the_files_encoding_cannot_spell_is_written_in_english(inbox: Inbox) -> None:
    # The message is in simplified Chinese; Big5 has no 记 or 词 for its marker.
    original = f"助記詞 {PHRASE_ZH_HANT}\n".encode("big5hkscs")
    upload = InboundAttachment("seed.txt", "text/plain", original)
    content, kinds = _screen_file(inbox, upload, "zh-Hans")
    assert kinds == {"recovery_phrase"}
    assert content.decode("big5hkscs") == "助記詞 [recovery phrase removed]\n"


@pytest.mark.django_db
def test_files_that_are_not_text_pass_unchanged(inbox: Inbox) -> None:
    image = b"\x89PNG\r\n\x1a\n" + f"my recovery phrase: {PHRASE_ZH_HANS}".encode()
    png = InboundAttachment("screen.png", "image/png", image)
    content, kinds = _screen_file(inbox, png)
    assert (content, kinds) == (image, set())


@pytest.mark.django_db
def test_secrets_in_channel_ids_become_a_stable_hash(inbox: Inbox) -> None:
    secret_id = f"<{WIF}@mail.example>"
    screened = screen_inbound(
        InboundMessage(
            inbox=inbox,
            text="hello",
            external_id=secret_id,
            thread_refs=(secret_id, "<plain-id@mail.example>"),
        )
    ).inbound
    assert WIF not in screened.external_id
    assert screened.external_id == screened_id(secret_id) == screened.thread_refs[0]
    assert screened.external_id.startswith("sha256-")
    assert screened.thread_refs[1] == "<plain-id@mail.example>"
    assert screened_id("chat:visitor-1:c-17-abc") == "chat:visitor-1:c-17-abc"


def test_a_text_is_never_cut_inside_a_secret() -> None:
    text = "hello " * 10 + f"my recovery phrase is {PHRASE_EN} thanks"
    cut_at = text.index(PHRASE_EN) + len(PHRASE_EN) - 6  # inside the twelfth word
    cut = cut_outside_secrets(text, cut_at)
    assert cut == text[: text.index(PHRASE_EN)]
    assert cut_outside_secrets(text, 30) == text[:30]
    assert cut_outside_secrets(text, len(text)) == text

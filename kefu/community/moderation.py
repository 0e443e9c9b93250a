"""Screening a post before it is stored: secrets out, look-alike links and invitations to
talk elsewhere held for a moderator.

`screen` reads the title, the body and every file name of one post together, because a
scammer splits what a filter looks for ("my Telegram" in the title, the handle in the
body is no safer than both in one line). What it returns is what may be stored: the
texts with every secret replaced by a marker, and the reasons the post must wait.

Off-platform invitations are the impostor's move in a public help forum: "DM me, I'm
support", "加我微信", "contact support on WhatsApp +1 …". They are read as a class, like
the outbound guard reads requests (kefu.safety.outbound_guard): within one clause, a
contact cue (a verb of reaching someone: message, add, contact, 联系, 加, 私信) meets a
way to reach someone outside the community (a messenger or private channel named with
"me/my/我", a handle on a messenger, a phone number, an email, a t.me / wa.me link) that
is not in the official registry; a warning cue before the verb ("never", "不要", "切勿")
makes the clause advice, not an invitation. Some objects need no verb: a messenger link
or a phone number or an email address that is not official is a way out of the
community by itself. So "contact official support via the Help Center", "check
Settings > Security", a transaction hash or a deposit address pass, and an "@alice" that
names someone in the thread is a mention, not a handle.
"""

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from kefu.community.models import HoldReason
from kefu.conversations.inbound import InboundAttachment
from kefu.safety.guard_normalize import fold_characters
from kefu.safety.ingress import screen_attachment
from kefu.safety.models import OfficialKind
from kefu.safety.redaction import Redaction, redact
from kefu.safety.registry import link_warnings, official_entries
from kefu.safety.verification import normalize, normalize_phone


@dataclass(frozen=True)
class Screening:
    """What may be stored of one post, and why it must wait for a moderator if it must."""

    title: str
    body: str
    files: tuple[InboundAttachment, ...]
    # Kinds of secret removed (never the secrets themselves).
    secret_kinds: frozenset[str]
    # HoldReason values, in the order of HoldReason.
    reasons: tuple[str, ...]
    # The look-alike links found, in the form Message.link_warnings keeps.
    link_warnings: list[dict[str, str | None]] = field(default_factory=list)
    # Which invitation the off-platform reading found (for the moderator): cue and object.
    invitations: tuple[str, ...] = ()

    @property
    def held(self) -> bool:
        return bool(self.reasons)


def screen(
    *,
    title: str = "",
    body: str = "",
    files: Sequence[InboundAttachment] = (),
    language: str | None = None,
    mentionable: Collection[str] = (),
) -> Screening:
    """Screen one post's texts together; nothing of it may be stored before this.

    `mentionable` are display names of people in the thread: "@name" of one of them is a
    mention. Names are compared folded (see `name_key`).
    """
    kinds: set[str] = set()

    def clean(text: str) -> str:
        if not text:
            return text
        result: Redaction = redact(text, language)
        kinds.update(finding.kind for finding in result.findings)
        return result.text

    clean_title, clean_body = clean(title), clean(body)
    screened_files = []
    for upload in files:
        screened, found = screen_attachment(upload, language)
        screened_files.append(screened)
        kinds.update(found)
    names = [upload.filename for upload in screened_files]
    # Links and invitations are read on what will be stored: a marker cannot be a handle.
    together = "\n".join([clean_title, clean_body, *names])
    warnings = link_warnings(together)
    invitations = tuple(off_platform_invitations(together, mentionable))
    flagged = {
        HoldReason.SECRET: bool(kinds),
        HoldReason.LOOKALIKE_LINK: bool(warnings),
        HoldReason.OFF_PLATFORM: bool(invitations),
    }
    return Screening(
        title=clean_title,
        body=clean_body,
        files=tuple(screened_files),
        secret_kinds=frozenset(kinds),
        reasons=tuple(reason.value for reason in HoldReason if flagged.get(reason)),
        link_warnings=warnings,
        invitations=invitations,
    )


def name_key(name: str) -> str:
    """A display name folded so that look-alike spellings are one name."""
    return fold_characters(name).strip()


# --- off-platform invitations --------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"

# Spaced-out letters ("d m me", "t e l e g r a m") are one word to a reader.
_SPACED_LETTERS = re.compile(r"(?<![a-z0-9])(?:[a-z0-9][ .·_*-]){1,}[a-z0-9](?![a-z0-9])")
# Chinese characters with spaces or dots between them ("私 信 我", "加.微.信").
_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])[\s.·_*\-|/]+(?=[{_HAN}])")

# Where a clause ends: a sentence end, or a comma or semicolon (both scripts), or a line.
_CLAUSE_END = re.compile(r"[.!?;。！？；，,\n]+(?:\s|$)|[。！？；，\n]")


def _alternatives(*words: str) -> str:
    # English words need their edges ("dm" is not in "admin"); Chinese words have none.
    return (
        "(?:"
        + "|".join(
            rf"(?<![a-z0-9]){word}(?![a-z0-9])" if word[0].isascii() else word for word in words
        )
        + ")"
    )


# Leetspelling of the messenger names: "te1egram", "wh4tsapp", "w3chat".
_MESSENGERS = _alternatives(
    r"t[e3][l1][e3]gr[a4@]m",
    r"tg",
    r"wh?[a4@]t'?s[ -]?[a4@]pp?",
    r"w[e3][ -]?ch[a4@]t",
    r"weixin",
    r"vx",
    r"wx",
    r"signal",
    r"discord",
    r"skype",
    r"qq",
    r"kakao(?:talk)?",
    r"viber",
    r"line ?id",
    r"微信",
    r"薇信",
    r"威信",
    r"v信",
    r"电报",
    r"電報",
    r"纸?飞机",
    r"紙?飛機",
    r"飞书",
)
# Talking one to one, out of everyone's sight.
_PRIVATE = _alternatives(
    r"dm",
    r"pm",
    r"private(?:ly| message| chat)",
    r"direct message",
    r"inbox",
    r"私信",
    r"私聊",
    r"私訊",
    r"私讯",
    r"私下",
    r"站外",
    r"小窗",
)
_CUES = _alternatives(
    r"contact",
    r"reach(?: out)?",
    r"message",
    r"msg",
    r"text",
    r"call",
    r"ring",
    r"add",
    r"write",
    r"talk",
    r"chat",
    r"ping",
    r"hit (?:me|us) up",
    r"find (?:me|us)",
    r"send (?:me|us)",
    r"email",
    r"e-mail",
    r"mail",
    r"wh?[a4@]t'?s[ -]?[a4@]pp?",
    r"t[e3][l1][e3]gr[a4@]m",
    r"dm",
    r"pm",
    r"inbox",
    r"联系",
    r"聯繫",
    r"聯絡",
    r"联络",
    r"加",
    r"添加",
    r"找",
    r"私信",
    r"私聊",
    r"私訊",
    r"私讯",
    r"发消息",
    r"發消息",
    r"发信息",
    r"發信息",
    r"咨询",
    r"諮詢",
    r"打电话",
    r"打電話",
    r"致电",
    r"致電",
    r"拨打",
    r"撥打",
    r"留言",
    r"戳",
)
_FIRST_PERSON = _alternatives(r"me", r"my", r"us", r"our", r"我", r"本人", r"小编", r"小編")
# A warning before the cue: the clause tells people what not to do.
_WARNINGS = _alternatives(
    r"never",
    r"don'?t",
    r"do not",
    r"doesn'?t",
    r"does not",
    r"won'?t",
    r"will not",
    r"not",
    r"no one",
    r"nobody",
    r"beware",
    r"ignore",
    r"avoid",
    r"scam",
    r"不要",
    r"别",
    r"別",
    r"勿",
    r"不会",
    r"不會",
    r"绝不",
    r"絕不",
    r"从不",
    r"從不",
    r"谨防",
    r"謹防",
    r"小心",
    r"骗子",
    r"騙子",
    r"冒充",
    r"不是",
)


_CUE = re.compile(_CUES)
_MESSENGER = re.compile(_MESSENGERS)
_PRIVATE_CHANNEL = re.compile(_PRIVATE)
_ME = re.compile(_FIRST_PERSON)
_WARNING = re.compile(_WARNINGS)
# A messenger used as a verb ("whatsapp me", "telegram us").
_MESSENGER_VERB = re.compile(_MESSENGERS + r" (?:me|us)(?![a-z0-9])")
# An account named after its messenger: "WeChat: helper888", "QQ 12345678", "微信号 kf01".
# The id has a digit or an underscore, or follows a colon or "id"/"号": "telegram group"
# names no one.
_MESSENGER_ID = re.compile(
    _MESSENGERS
    + r"\s*(?:(?:号|號|id|account|number)\s*[:：]?|[:：])\s*@?(?P<id>[a-z0-9][a-z0-9_.-]{2,31})"
    + "|"
    + _MESSENGERS
    + r"\s+@?(?P<bare>(?=[a-z0-9_.-]*[0-9_])[a-z0-9][a-z0-9_.-]{3,31})"
)

_HANDLE = re.compile(r"(?<![\w.@])@([a-z][a-z0-9_.]{2,31})(?![\w@])")
_EMAIL = re.compile(r"(?<![\w.+-])[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
_MESSENGER_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.)?"
    r"(?P<site>t\.me|telegram\.me|telegram\.dog|wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com"
    r"|discord\.gg|discord\.com/invite|u\.wechat\.com|line\.me|signal\.me|qm\.qq\.com)"
    r"(?:/(?P<path>[\w+/?=&.-]*))?",
)
# A phone number: an international one ("+1 415 555 0100", "+86-138-0000-0000"), or a
# Chinese mobile number (11 digits from 13-19). Amounts, order ids and hashes are none of
# these: digits inside a longer word or number are not a phone number either.
_PHONE = re.compile(
    r"(?<![\w.+/-])(?:(?:\+|00)\d{1,3}[\s-]?(?:\(?\d{1,4}\)?[\s-]?){2,5}\d{2,4}"
    r"|1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?![\w/])"
)


@dataclass(frozen=True)
class _Officials:
    handles: frozenset[str]
    phones: frozenset[str]
    emails: frozenset[str]
    domains: frozenset[str]


def _officials() -> _Officials:
    handles, phones, emails, domains = set(), set(), set(), set()
    for entry in official_entries():
        if entry.kind in (OfficialKind.PHONE, OfficialKind.WHATSAPP):
            phones.add(normalize_phone(entry.value))
        elif entry.kind == OfficialKind.EMAIL:
            emails.add(entry.value.lower())
        elif entry.kind == OfficialKind.DOMAIN:
            domains.add(normalize(OfficialKind.DOMAIN, entry.value))
        else:
            handles.add(normalize(entry.kind, entry.value))
    return _Officials(frozenset(handles), frozenset(phones), frozenset(emails), frozenset(domains))


def _view(text: str) -> str:
    """Lower case, look-alike letters as Latin, spaced-out words joined again."""
    folded = fold_characters(text)
    folded = _BETWEEN_HAN.sub("", folded)
    return _SPACED_LETTERS.sub(lambda match: re.sub(r"[ .·_*-]", "", match.group()), folded)


def _clauses(view: str) -> list[str]:
    return [part for part in _CLAUSE_END.split(view) if part.strip()]


def off_platform_invitations(text: str, mentionable: Collection[str] = ()) -> Iterator[str]:
    """Each invitation to talk outside the community, described for the moderator."""
    view = _view(text)
    if not view.strip():
        return
    officials: _Officials | None = None
    mentions = {name_key(name).replace(" ", "") for name in mentionable}

    def known() -> _Officials:
        nonlocal officials
        if officials is None:
            officials = _officials()
        return officials

    for clause in _clauses(view):
        yield from _clause_invitations(clause, known, mentions)


def _unwarned(pattern: re.Pattern[str], clause: str) -> list[re.Match[str]]:
    """The matches of `pattern` with no warning cue before them in the clause."""
    warnings = [match.start() for match in _WARNING.finditer(clause)]
    return [
        match
        for match in pattern.finditer(clause)
        if not any(start < match.start() for start in warnings)
    ]


def _clause_invitations(
    clause: str, known: Callable[[], "_Officials"], mentions: set[str]
) -> Iterator[str]:
    cues = _unwarned(_CUE, clause)
    if _WARNING.search(clause) and not cues:
        return
    # Ways to reach someone that leave the community by themselves.
    for link in _MESSENGER_LINK.finditer(clause):
        if not _official_link(link, known()):
            yield f"messenger link: {link.group('site')}"
    if _WARNING.search(clause) is None or cues:
        for number in _PHONE.finditer(clause):
            if normalize_phone(number.group()) not in known().phones:
                yield "phone number"
        for email in _EMAIL.finditer(clause):
            if not _official_email(email.group(), known()):
                yield "email address"
    messengers = _unwarned(_MESSENGER, clause)
    for account in _MESSENGER_ID.finditer(clause):
        name = (account.group("id") or account.group("bare") or "").rstrip(".")
        if messengers and name not in known().handles:
            yield f"messenger account: {name}"
    if not cues and not messengers:
        return
    # A handle named with a messenger or a cue ("Telegram @kefu_help", "contact @x").
    for handle in _HANDLE.finditer(_without_emails(clause)):
        name = handle.group(1).rstrip(".")
        if name in mentions or name in known().handles:
            continue
        if messengers or cues:
            yield f"handle: @{name}"
    if _unwarned(_MESSENGER_VERB, clause):
        yield "messenger with me"
        return
    # A cue that is not the messenger's own name ("Our Telegram is …" invites no one).
    verbs = [cue for cue in cues if _MESSENGER.fullmatch(cue.group()) is None]
    if not verbs:
        return
    # "DM me", "私信我", "add my WeChat", "message me on Telegram", "加我微信".
    for channel in (*_unwarned(_PRIVATE_CHANNEL, clause), *messengers):
        if _ME.search(clause):
            yield f"{channel.group()} with me"
            return


def _without_emails(clause: str) -> str:
    return _EMAIL.sub(" ", clause)


def _official_link(link: re.Match[str], officials: _Officials) -> bool:
    path = (link.group("path") or "").split("?")[0].strip("/").lower()
    site = link.group("site")
    if site in ("wa.me", "api.whatsapp.com"):
        return normalize_phone("+" + path.lstrip("+")) in officials.phones if path else False
    return bool(path) and path.split("/")[-1].lstrip("+@") in officials.handles


def _official_email(address: str, officials: _Officials) -> bool:
    domain = address.rsplit("@", 1)[1]
    return address in officials.emails or any(
        domain == official or domain.endswith("." + official) for official in officials.domains
    )


def reasons_label(reasons: Iterable[str]) -> list[str]:
    """The hold reasons as their labels, for pages and mails."""
    return [str(HoldReason(reason).label) for reason in reasons if reason in HoldReason.values]

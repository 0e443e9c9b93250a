"""Cutting quoted history and signatures off a reply, for English and Chinese mail clients.

Each client marks the start of the quoted part its own way; the first marker found ends
the new content. The full message stays stored (redacted) for agents who need it.
"""

import re

# A line that starts the quoted history on its own.
_QUOTE_HEADERS = [
    # Outlook / Foxmail / QQ Mail, English and Chinese
    r"-{2,}\s*(Original Message|Original|原始邮件|原始郵件|原始信件|原邮件)\s*-{2,}",
    r"_{10,}",  # Outlook.com / Outlook for iOS draw a rule above the quoted header block
    # Gmail, Apple Mail, Thunderbird: "On <date>, <name> wrote:"
    r"On .{4,200}wrote:",
    # Gmail / 163 / 126 / Apple Mail in Chinese: "在 … 写道：", "2024年5月3日 … 写道："
    r"(在|於|于)?.{4,200}(写道|寫道)\s*[:：]",
    r"Le .{4,200}a écrit\s*:",
]
_QUOTE_HEADER = re.compile(r"^\s*(?:" + "|".join(_QUOTE_HEADERS) + r")\s*$", re.IGNORECASE)

# Outlook-style header block: "From:" followed within a few lines by "Sent:"/"Date:".
_FROM = re.compile(r"^\s*\*?(From|发件人|發件人|寄件者)\s*\*?\s*[:：]", re.IGNORECASE)
_SENT = re.compile(
    r"^\s*\*?(Sent|Date|发送时间|發送時間|时间|時間|日期|寄件日期)\s*\*?\s*[:：]", re.IGNORECASE
)

# Lines that start a signature the client added, not the customer.
_SIGNATURES = re.compile(
    r"^\s*(?:--\s?"
    r"|Sent from my \w[\w ]{0,30}"
    r"|Sent from (Mail|Outlook|Yahoo Mail)\b.*"
    r"|Get Outlook for \w+.*"
    r"|(发自|發自)(我的)?\s*\S{1,20}"
    r"|(来自|來自)\s*(我的)?\s*(iPhone|iPad|Android|华为|小米|vivo|OPPO|荣耀|\S{0,8}(手机|手機|邮箱|郵箱))\S{0,10}"
    r"|从我的\s*\S{1,20}\s*发送"
    r"|從我的\s*\S{1,20}\s*傳送"
    r")\s*$",
    re.IGNORECASE,
)
_QUOTED_LINE = re.compile(r"^\s*>")


# A forward is what the customer wants us to read (often the phishing mail they received),
# so nothing below the marker is quoted history.
_FORWARD = re.compile(
    r"^\s*(-{5,}\s*(Forwarded message|转发的邮件|轉寄的郵件|转发邮件)\s*-{5,}"
    r"|Begin forwarded message:|开始转发的邮件[:：]|轉寄的郵件開始[:：])\s*$",
    re.IGNORECASE,
)


def _quote_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _FORWARD.match(line):
            return None
        if _QUOTE_HEADER.match(line):
            return index
        # "On Mon, 3 May 2024 at 15:12, Zhang San <zhang@example.com>" + "wrote:" wrapped
        joined = line.rstrip() + " " + lines[index + 1].strip() if index + 1 < len(lines) else ""
        if joined and line.strip().startswith("On ") and _QUOTE_HEADER.match(joined):
            return index
        if _FROM.match(line) and any(_SENT.match(later) for later in lines[index + 1 : index + 6]):
            return index
        if _QUOTED_LINE.match(line) and all(
            _QUOTED_LINE.match(later) or not later.strip() for later in lines[index:]
        ):
            return index
    return None


def new_content(text: str) -> str:
    """The part of `text` the sender wrote now, without quoted history or signature.

    When stripping would leave nothing (a message that is only a forward or a quote),
    the whole text is the content.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    end = _quote_start(lines)
    kept = lines if end is None else lines[:end]
    for index, line in enumerate(kept):
        if _SIGNATURES.match(line):
            kept = kept[:index]
            break
    kept = [line for line in kept if not _QUOTED_LINE.match(line)]
    result = "\n".join(kept).strip()
    return result or text.strip()

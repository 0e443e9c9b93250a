"""The HTML sanitizer against URLs spelt the many ways a browser still reads as remote.

Every hostile input names the host `evil.test`: whatever form it takes, the host must not
survive in an image or any other fetching attribute, and a link must only ever point to
http(s) or mailto, written in the canonical form that was checked.
"""

import re
from html.parser import HTMLParser

import pytest

from kefu.conversations.html import sanitize

# How a browser is told "http": any case, with tabs/newlines inside (removed by the URL
# parser) or as HTML entities (decoded by the HTML parser before the URL parser runs).
SCHEMES = [
    "http",
    "https",
    "HTTP",
    "Http",
    "hTTpS",
    "ht\ttp",
    "h\nttps",
    "http\r",
    "&#104;ttp",
    "&#x68;ttps",
    "&#0000104;ttp",
]
# What may come between the scheme and the host: the colon as an entity, and slashes or
# backslashes in any mix (special schemes read a backslash as a slash).
SEPARATORS = ["://", ":\\\\", ":/\\", ":\\/", ":/", ":", "&colon;//", "&#58;//", ":&#47;&#47;"]
# No scheme at all: the page's own scheme, another host.
SCHEME_RELATIVE = ["//", "\\\\", "/\\", "\\/", "/\t/", "&#47;&#47;", "&#92;&#92;"]
# Stripped from both ends by the URL parser: C0 controls (NUL, tab, newline, form feed,
# escape, unit separator …) and space.
EDGES = ["", " ", "\t", "\n", "\r\n", "\x0c", "\x01", "\x1b", "\x1f", " \t\n ", "&#9;", "&#32;"]

_SPELLINGS = sorted(
    {
        *(
            edge + scheme + sep + "evil.test/x.png" + edge
            for scheme in SCHEMES
            for sep in SEPARATORS
            for edge in ("", " ", "\x00")
        ),
        *(edge + lead + "evil.test/x.png" + edge for lead in SCHEME_RELATIVE for edge in EDGES),
        *(edge + "http://evil.test/x.png" for edge in EDGES),
        # Full-width letters and dots become ASCII in the host (IDNA mapping).
        "//ｅｖｉｌ．test/x.png",
        "http://ｅｖｉｌ．ｔｅｓｔ/x.png",
        "HTTPS://user:pass@evil.test:443/x.png",
    }
)  # fmt: skip
# Each one its own path, so that a browser's cache does not hide a second fetch.
REMOTE_URLS = [url.replace("/x.png", f"/{n}.png") for n, url in enumerate(_SPELLINGS)]


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.values += [value or "" for _, value in attrs]


def _attribute_values(html: str) -> list[str]:
    """Every attribute value as the browser reads it (entities decoded)."""
    parser = _Attributes()
    parser.feed(html)
    return parser.values


def _attribute(html: str, tag: str, name: str) -> str | None:
    match = re.search(rf"<{tag}\b[^>]*\s{name}=\"([^\"]*)\"", html)
    return match.group(1) if match else None


@pytest.mark.parametrize("url", REMOTE_URLS)
def test_an_image_from_another_host_is_dropped_however_it_is_spelt(url: str) -> None:
    cleaned = sanitize(f'<p>发票见附件<img src="{url}" alt="invoice"></p>')
    assert _attribute(cleaned, "img", "src") is None
    assert "evil" not in cleaned.lower().replace("ｅｖｉｌ", "evil")
    assert 'alt="invoice"' in cleaned  # the image goes, the text around it stays


@pytest.mark.parametrize("url", ["/console/logout/", "x.png", "?next=/", "#top", ""])
def test_an_image_from_this_site_is_dropped_too(url: str) -> None:
    # A same-site image is a GET with the agent's cookies that the sender chose.
    assert _attribute(sanitize(f'<img src="{url}">'), "img", "src") is None


FETCHING_MARKUP = [
    '<img src="cid:a@b" srcset="http://evil.test/a.png 1x, //evil.test/b.png 2x">',
    '<picture><source srcset="http://evil.test/a.png"><img src="cid:a@b"></picture>',
    '<table background="http://evil.test/bg.png"><tr><td background="//evil.test/b">x</td></tr>'
    "</table>",
    '<body background="http://evil.test/bg.png">x</body>',
    '<video poster="http://evil.test/p.png" src="http://evil.test/v.mp4"></video>',
    '<audio src="http://evil.test/a.mp3"></audio><track src="http://evil.test/t.vtt">',
    '<p style="background:url(http://evil.test/bg.png)">x</p>',
    '<p style="background-image: url( \'//evil.test/bg.png\' )">x</p>',
    "<div style=\"background:u\\72l(http://evil.test/x)\">x</div>",
    "<style>@import url(http://evil.test/s.css); p { background: url(//evil.test/x) }</style>x",
    '<svg><image href="http://evil.test/i.png"></image></svg>',
    '<svg><image xlink:href="//evil.test/i.png"></image><use href="http://evil.test/u.svg#a"></use></svg>',
    '<link rel="stylesheet" href="http://evil.test/s.css">',
    '<link rel="prefetch" href="//evil.test/p">',
    '<meta http-equiv="refresh" content="0;url=http://evil.test/">',
    '<base href="http://evil.test/"><img src="x.png"><a href="y">y</a>',
    '<iframe src="http://evil.test/f"></iframe><frame src="//evil.test/f">',
    '<object data="http://evil.test/o"></object><embed src="http://evil.test/e">',
    '<input type="image" src="http://evil.test/i.png"><form action="http://evil.test/f"><button formaction="http://evil.test/b">b</button></form>',
    '<a href="https://example.com/" ping="http://evil.test/ping">a</a>',
    '<img src="cid:a@b" lowsrc="http://evil.test/l.png" dynsrc="http://evil.test/d.avi">',
    '<script src="http://evil.test/s.js"></script><noscript><img src="http://evil.test/n.png"></noscript>',
    '<math><maction actiontype="statusline" xlink:href="http://evil.test/m">m</maction></math>',
    '<img src="http://evil.test/x.png" onerror="this.src=\'//evil.test/y\'">',
]  # fmt: skip


@pytest.mark.parametrize("html", FETCHING_MARKUP)
def test_no_other_attribute_or_element_can_fetch_from_another_host(html: str) -> None:
    # Text may name the host (a <noscript> body comes out as escaped text); markup may not.
    assert not [value for value in _attribute_values(sanitize(html)) if "evil" in value]
    assert "<style" not in sanitize(html)


@pytest.mark.parametrize(
    "url",
    [
        "cid:image001.png@01DA2B3C.4D5E6F70",
        "CID:part1.abc@example.com",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:image/jpeg;base64,/9j/4AAQ",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "data:image/webp;base64,UklGRh4AAABXRUJQ",
        " DATA:Image/PNG;base64,iVBORw0KGgo=",
        "data:image/png;charset=binary;base64,iVBORw0KGgo=",
    ],
)
def test_inline_images_stay(url: str) -> None:
    src = _attribute(sanitize(f'<img src="{url}" alt="截图">'), "img", "src")
    assert src is not None
    assert src.lower().startswith(("cid:", "data:image/"))


@pytest.mark.parametrize(
    "url",
    [
        "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "data: Image/SVG+XML ;base64,PHN2Zz4=",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:application/octet-stream;base64,AAAA",
        "data:;base64,iVBORw0KGgo=",
        "data:image/png",
        "data:image/pngx;base64,AAAA",
        "data:image/x-icon;base64,AAAA",
        "blob:https://example.com/1f0e",
        "javascript:alert(1)",
        "file:///etc/passwd",
    ],
)
def test_other_data_and_scheme_images_are_dropped(url: str) -> None:
    assert _attribute(sanitize(f'<img src="{url}">'), "img", "src") is None


SCRIPT_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x00javascript:alert(1)",
    "\x01\x0c javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    " data:text/html,x",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "data:image/png;base64,iVBORw0KGgo=",
    "file:///C:/Windows/System32/calc.exe",
    "ftp://evil.test/x",
    "blob:https://evil.test/1",
    "filesystem:https://evil.test/x",
    "intent://evil.test#Intent;scheme=http;end",
    "ms-msdt:/id PCWDiagnostic",
    "tel:+8610086",
    "cid:part@example.com",
    "about:blank",
]


@pytest.mark.parametrize("url", SCRIPT_LINKS)
def test_a_link_to_anything_but_the_web_or_mail_loses_its_target(url: str) -> None:
    cleaned = sanitize(f'<a href="{url}" title="点这里">點這裡 click</a>')
    href = _attribute(cleaned, "a", "href")
    # The HTML parser turns a NUL into U+FFFD, which makes the rest a path on this site.
    assert href is None or (href.startswith("\ufffd") and "\x00" in url)
    assert "点这里" in cleaned  # the words stay
    assert "點這裡 click" in cleaned


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://www.example.com/提现?id=1#a", "https://www.example.com/%E6%8F%90%E7%8E%B0?id=1#a"),
        (" HTTPS://Example.COM/a ", "https://example.com/a"),
        ("\x01\x1fhttp://example.com/\x0c", "http://example.com/"),
        ("ht\ttp://example.com/", "http://example.com/"),
        ("&#104;ttps://example.com/", "https://example.com/"),
        ("//example.com/x", "https://example.com/x"),
        ("\\\\example.com\\x", "https://example.com/x"),
        ("http:\\\\example.com\\x", "http://example.com/x"),
        ("https:/example.com", "https://example.com/"),
        ("http://ｅｘａｍｐｌｅ．com/", "http://example.com/"),
        ("https://例子.中国/", "https://xn--fsqu00a.xn--fiqs8s/"),
        ("https://例子.台灣/", "https://xn--fsqu00a.xn--kpry57d/"),
        ("MAILTO:support@example.com", "mailto:support@example.com"),
        ("mailto:kf@example.com?subject=提现", "mailto:kf@example.com?subject=%E6%8F%90%E7%8E%B0"),
        ("/portal/verify/", "/portal/verify/"),
        ("#top", "#top"),
        ("/help\\articles\\fees/", "/help/articles/fees/"),
    ],
)  # fmt: skip
def test_web_and_mail_links_stay_in_the_canonical_form_that_was_checked(
    url: str, target: str
) -> None:
    cleaned = sanitize(f'<a href="{url}">提现 提現 withdrawal</a>')
    assert _attribute(cleaned, "a", "href") == target
    assert _attribute(cleaned, "a", "rel") == "noopener noreferrer nofollow"


def test_a_link_opens_without_the_opener_or_referrer_whatever_rel_it_brought() -> None:
    cleaned = sanitize('<a href="https://example.com/" rel="opener" target="_self">x</a>')
    assert _attribute(cleaned, "a", "rel") == "noopener noreferrer nofollow"
    assert "target" not in cleaned


def test_formatting_survives() -> None:
    html = (
        "<div><p>您好，<b>提现</b>一直<i>没到账</i>。</p><ul><li>訂單 W-1042</li></ul>"
        "<table><tbody><tr><td>TxID</td><td><code>0xabc</code></td></tr></tbody></table>"
        '<img src="cid:sig@x" alt="签名" width="10" height="10"></div>'
    )
    assert sanitize(html) == html

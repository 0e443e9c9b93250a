"""Post Markdown → HTML: nothing a member writes runs or loads in a reader's browser."""

from html.parser import HTMLParser

import pytest

from kefu.community.rendering import to_html


def test_markdown_is_rendered() -> None:
    html = to_html("**Bold** and `code`\n\n- one\n- two")
    assert "<strong>Bold</strong>" in html
    assert "<code>code</code>" in html
    assert "<li>one</li>" in html


def test_links_are_marked_as_user_content() -> None:
    html = to_html("[help](https://example.com/help)")
    assert 'href="https://example.com/help"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x]( JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<iframe src=https://evil.example></iframe>",
        '<svg onload="alert(1)"></svg>',
        "<style>body{display:none}</style>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "[x](\x01javascript:alert(1))",
        '[x](https://a.example "t\\" onmouseover=\\"alert(1)")',
    ],
)
def test_html_and_scripts_are_shown_as_text_never_executed(hostile: str) -> None:
    elements = _elements(to_html(hostile))
    for tag, attributes in elements:
        assert tag in {"p", "a", "code", "pre", "em", "strong"}, tag
        for name, value in attributes:
            assert not name.startswith("on"), name
            assert name in {"href", "rel", "title"}, name
            if name == "href":
                assert (value or "").startswith(("http://", "https://", "mailto:")), value


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = _Collector()
    collector.feed(html)
    return collector.elements


def test_raw_html_is_escaped_into_text() -> None:
    assert to_html("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_images_from_elsewhere_are_not_loaded() -> None:
    # At most a link to it, which the reader may follow or not; never a request by itself.
    html = to_html("![tracker](https://evil.example/pixel.png)")
    assert "<img" not in html
    assert all(tag != "img" for tag, _ in _elements(html))

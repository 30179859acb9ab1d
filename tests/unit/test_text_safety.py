"""Finding 1 (analytics part): text from data is text, links only from checked URLs.

The rendered form is checked with markdown-it-py (CommonMark + GFM tables/strikethrough, the
renderer family Streamlit's react-markdown follows) when it is installed: no link, image, emphasis
or HTML element may come out of escaped text.
"""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.text_safety import link_host, plain_text, printable, safe_link

HOSTILE = [
    "[Official figures](http://evil.example/phish)",
    "![x](http://evil.example/pixel.png)",
    "[[nested](http://a.example)](http://b.example)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<a href='javascript:alert(1)'>Stadt Wien</a>",
    "**bold** _it_ `code` ~~gone~~ # heading | a | b |",
    "Statistik Austria\n\n# Injected heading\n- list",
    ":red[coloured] :material/home: $x^2$",
    "http://autolinked.example and www.autolinked.example",
    "Stadt Wien \\[escaped\\] & co &amp; &#x3C;",
    "\x1b[31mred\x1b[0m \u202etxet",
]


def _render(text: str) -> str | None:
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        return None
    return MarkdownIt("commonmark", {"linkify": False}).enable(["table", "strikethrough"]).render(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_renders_no_markup(text):
    safe = plain_text(text)
    assert "<" not in safe and ">" not in safe
    assert "\n" not in safe and "\x1b" not in safe and "\u202e" not in safe
    assert not re.search(r"(?<!\\)[\[\]()!*_`#|~:$]", safe), safe
    html = _render(safe)
    if html is not None:
        body = html.strip()
        assert body.startswith("<p>") and body.endswith("</p>") and body.count("<") == 2, html


def test_plain_text_keeps_ordinary_text():
    assert plain_text("Stadt Wien MA 23") == "Stadt Wien MA 23"
    assert plain_text("Ville de Montréal — المدينة") == "Ville de Montréal — المدينة"
    assert plain_text(None) == ""
    assert plain_text(732000) == "732000"
    assert plain_text("a_b") == "a\\_b"
    html = _render(plain_text("Tom & Jerry <3 [1]"))
    if html is not None:
        assert html.strip() == "<p>Tom &amp; Jerry &lt;3 [1]</p>"


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_plain_text_never_leaves_an_unescaped_special(text):
    safe = plain_text(text)
    assert "<" not in safe and ">" not in safe and "\n" not in safe
    stripped = re.sub(r"\\.", "", safe)
    stripped = re.sub(r"&(lt|gt|amp|quot|apos);", "", stripped)
    assert not any(ch in stripped for ch in "[]()!*_`#|~<>&\"'\\$:")


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox", "file:///etc/passwd", "ftp://example.org/x", "//evil.example/x", "http://", "https:///path",
    "https://bank.example@evil.example/", "http://evil.example\\@good.example", "https://exa mple.org",
    "https://example.org/\x00", "https://example.org:99999/", "https://example.org\u202e/", "", None, 42,
    "![x](http://evil)", "[label](https://evil.example)",
])
def test_safe_link_refuses(url):
    assert safe_link(url) is None
    assert link_host(url) is None


def test_safe_link_shows_the_host():
    assert safe_link("https://www.wien.gv.at/statistik/") == "[www\\.wien\\.gv\\.at](https://www.wien.gv.at/statistik/)"
    assert safe_link("HTTPS://WWW.INE.ES/x?a=1&b=2") == "[www\\.ine\\.es](HTTPS://WWW.INE.ES/x?a=1&b=2)"
    link = safe_link("https://example.org/a(b)c [d] <e> \"f\"".replace(" ", "%20"), label="Table [1](http://evil)")
    assert link.startswith("[Table \\[1\\]\\(http\\:\\/\\/evil\\) \\(example\\.org\\)](https://example.org/a%28b%29c")
    assert link.count("](") == 1 and "(" not in link.split("](", 1)[1][:-1] and ")" not in link.split("](", 1)[1][:-1]


def test_safe_link_renders_one_link_to_the_url():
    html = _render(safe_link("https://example.org/p?q=(1)", label="![img](http://evil.example/x.png)"))
    if html is None:
        pytest.skip("markdown-it-py not installed")
    assert html.count("<a ") == 1 and "<img" not in html
    assert 'href="https://example.org/p?q=%281%29"' in html


def test_printable_escapes_control_characters_only():
    assert printable("col\x1b[31mred\x07") == "col\\x1b[31mred\\x07"
    assert printable("a\u202eb") == "a\\u202eb"
    assert printable("Montréal, عمّان, 🙂") == "Montréal, عمّان, 🙂"
    assert printable("line\nbreak") == "line\\nbreak"


# --- issue 26: one URL rule for the ingest and the exports ---------------------------------------------------------

BREAKOUT = ["https://www.wien.gv.at/)[x](javascript:alert(1))", "https://www.wien.gv.at/\u202egpj.exe",
            "https://www.wien.gv.at/\"><script>alert(1)</script>", "https://www.wien.gv.at/a{b}", "javascript:alert(1)",
            "https://user@evil.example/", "https://www.wien.gv.at/\u200bstatistik"]


@pytest.mark.parametrize("url", BREAKOUT)
def test_exports_never_print_a_url_the_ingest_refuses(url):
    from analytics import export
    from analytics.text_safety import clean_url, field_problem, url_problem

    assert url_problem(url) is not None
    assert field_problem(url, "url", 2000) is not None
    assert clean_url(url) == "" and export._safe_url(url) == ""


def test_exports_keep_a_plain_url_and_strip_bidi_from_text():
    from analytics import export
    from analytics.text_safety import clean_url, one_line

    for url in ("https://www.wien.gv.at/statistik/", "https://www.ine.es/jaxi/Tabla.htm?t=2852&L=0", "http://[2001:db8::1]:8080/x"):
        assert clean_url(url) == url and export._safe_url(url) == url
    assert one_line("Stadt Wien\u202e 32 AM\u200b\n MA 23") == "Stadt Wien 32 AM MA 23"
    assert export._plain_text("Stadt Wien\u202e 32 AM") == one_line("Stadt Wien\u202e 32 AM")

"""Promise: text from data is shown as text; a link is shown only for an http(s) URL and shows
its host (analytics.text_safety)."""
import pytest

from analytics.text_safety import link_host, plain_text, printable, safe_link


@pytest.mark.parametrize("url", ["https://exa\u200bmple.org/", "https://example.org/\u202e", "https://a.example\\@b.example/",
                                 "https://exa_mple.org/", "ftp://example.org/", "https://example.org/a\\\\b"])
def test_link_host_refuses_invisible_characters_backslashes_odd_hosts(url):
    assert link_host(url) is None and safe_link(url) is None


def test_plain_http_and_https_links_show_their_host():
    assert link_host("http://Example.org/x") == "example.org" and link_host("https://a.example:8443/") == "a.example"
    assert safe_link("http://example.org/a(b)", "  ") == "[example\\.org](http://example.org/a%28b%29)"
    assert safe_link("https://example.org/", "Stat") == "[Stat \\(example\\.org\\)](https://example.org/)"


def test_plain_text_keeps_letters_and_turns_line_breaks_into_spaces():
    assert plain_text("XML TX") == "XML TX"
    assert plain_text("a\nb\tc\u2028d") == "a b c d"


@pytest.mark.parametrize("ch, shown", [("\u200b", "\\u200b"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x1b", "\\x1b"),
                                       ("\u202e", "\\u202e")])
def test_printable_shows_format_and_separator_characters_as_escapes(ch, shown):
    assert printable(f"a{ch}b") == f"a{shown}b"
    assert printable("Zürich طنجة ✓") == "Zürich طنجة ✓"

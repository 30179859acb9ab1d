"""Text from data is text: escaping for markdown / HTML output and for terminal messages.

Publishers, units, geo units, titles and URLs come from files that anyone can ingest. Pages
show them with ``st.caption`` / ``st.markdown``, which render markdown (links, images, emphasis)
and, with ``unsafe_allow_html``, HTML; error messages go to a terminal, which obeys escape
sequences. The functions here make such text inert:

- ``plain_text(s)``: shown literally by a CommonMark / GitHub-flavoured markdown renderer and by
  an HTML page (every ASCII punctuation character is backslash-escaped, CommonMark 0.31 section
  2.4 "Backslash escapes"; ``< > & " '`` become character references, section 2.5);
- ``safe_link(url, label)``: a markdown link only for an ``http``/``https`` URL with a host,
  whose visible text is that host (so the reader sees where it leads), else None;
- ``printable(s)``: control and bidirectional-override characters shown as ``\\x1b``-style
  escapes (as ``repr`` does), for messages printed to a terminal or a log.

No Streamlit import: pages call these functions.
"""
from __future__ import annotations

import string
import unicodedata
from urllib.parse import quote, urlsplit

_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;"}
_MARKDOWN = set(string.punctuation) - set(_HTML)
# Characters that change how the rest of a line displays without being visible themselves.
_INVISIBLE = {"\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def plain_text(value) -> str:
    """``value`` as text that markdown and HTML show literally.

    Every ASCII punctuation character is backslash-escaped (this covers the markdown specials
    ``[ ] ( ) ! * _ ` # | ~ $ :`` and the autolink triggers ``:`` ``.`` ``/``), ``< > & " '``
    become HTML character references (which markdown also shows literally), line breaks and
    tabs become spaces (no new block can start), other control characters and bidirectional
    overrides are dropped. ``None`` gives ``""``.

    Parameters
    ----------
    value : object

    Returns
    -------
    str
    """
    if value is None:
        return ""
    out = []
    for ch in str(value):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MARKDOWN:
            out.append("\\" + ch)
        elif ch in "\r\n\t\v\f\u2028\u2029\x85":
            out.append(" ")
        elif unicodedata.category(ch) == "Cc" or ch in _INVISIBLE:
            continue
        else:
            out.append(ch)
    return "".join(out)


def link_host(url) -> str | None:
    """The host of an ``http``/``https`` URL (lower case), or None for any other URL.

    Refused: other schemes (``javascript:``, ``data:``, ``file:``, ...), no host, user
    information (``https://bank.example@evil.example/`` shows one host and opens another),
    whitespace or control characters anywhere in the URL, a backslash (browsers read it as
    ``/``), a malformed port.
    """
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") or ch == "\\" for ch in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    host = parts.hostname.lower()
    if not all(ch.isalnum() or ch in ".-:[]" for ch in host):
        return None
    return host


def safe_link(url, label=None) -> str | None:
    """A markdown link to ``url`` whose visible text is its host, or None if the URL is not safe.

    Parameters
    ----------
    url : str
        Shown as a link only if ``link_host`` accepts it.
    label : str, optional
        Shown (escaped) before the host: ``label (host)``.

    Returns
    -------
    str or None
        ``[host](url)`` with the URL percent-encoded where markdown would end or nest the
        destination (spaces, ``( ) < > [ ]`` quotes, backslash, backtick); None otherwise.
    """
    host = link_host(url)
    if host is None:
        return None
    target = quote(url.strip(), safe="/:?#@!$&*+,;=%-._~")
    text = plain_text(host) if label is None or str(label).strip() == "" else f"{plain_text(label)} \\({plain_text(host)}\\)"
    return f"[{text}]({target})"


def printable(value) -> str:
    """``value`` with control characters, bidirectional overrides and other invisible format
    characters written as escapes (``\\x1b``, ``\\u202e``), as ``repr`` writes them; everything
    else (accents, Arabic, emoji) unchanged. For messages printed to a terminal or a log."""
    out = []
    for ch in str(value):
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Zl", "Zp") or ch in _INVISIBLE:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)

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
  escapes (as ``repr`` does), for messages printed to a terminal or a log;
- ``url_problem(url)`` / ``clean_url(url)``: why a URL is not a plain ``http``/``https`` URL
  with a host (the same rule as ``link_host``), or the URL itself / ``""`` for exports;
- ``field_problem(value, kind, max_chars)``: why a field of a data file is not clean text of its
  kind (``identifier``, ``name``, ``text``, ``url``): too long, control, invisible or
  bidirectional-override characters, markup (HTML tags, markdown links and images, script URLs).
  The ingest refuses such fields; exports show the same text through ``one_line``.

No Streamlit import: pages call these functions.
"""
from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import quote, urlsplit

_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;"}
_MARKDOWN = set(string.punctuation) - set(_HTML)
# Characters that change how the rest of a line displays without being visible themselves.
_INVISIBLE = {"\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
# Embeddings, overrides and isolates (Unicode bidi algorithm, UAX #9 section 2): they reorder the
# text after them. The marks U+200E / U+200F only set a direction and may stand in Arabic names.
_BIDI_CONTROLS = _INVISIBLE - {"\u200e", "\u200f"}
# Characters RFC 3986 never allows in a URL (section 2: everything else is unreserved, reserved
# or a %-escape); "[" and "]" only around an IPv6 host (section 3.2.2).
_URL_FORBIDDEN = set(' "<>\\^`{|}')
# Markup a renderer would act on: an HTML tag or comment, a markdown link or image, a script URL.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]|!?\[[^\]]*\]\s*\(|\b(?:javascript|vbscript|data)\s*:", re.IGNORECASE)
KINDS = ("identifier", "name", "text", "url")


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


def url_problem(url, strict: bool = True) -> str | None:
    """Why ``url`` is not a plain ``http``/``https`` URL with a host, or None.

    Refused: other schemes (``javascript:``, ``data:``, ``file:``, ...), no host, user
    information (``https://bank.example@evil.example/`` shows one host and opens another),
    whitespace or control / format characters anywhere (bidi overrides included), characters
    RFC 3986 does not allow (``< > " ` { } | \\ ^``; ``[ ]`` outside an IPv6 host: a markdown
    link that breaks out of its destination), a malformed port or host. ``strict=False`` lets
    the RFC 3986 characters pass (``safe_link`` percent-encodes them; the ingest and the exports
    use the strict rule).
    """
    if not isinstance(url, str):
        return "not text"
    text = url.strip()
    if not text:
        return "empty"
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch == "\\" or (strict and ch in _URL_FORBIDDEN):
            return f"the character {ch!r} is not allowed in a URL (RFC 3986)"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError on a malformed port
    except ValueError as error:
        return f"not a URL ({error})"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https:// and a host"
    if not parts.hostname:
        return "must name a host (https://host/...)"
    if "@" in parts.netloc:
        return "must not carry a user name (user@host shows one host and opens another)"
    rest = text.replace(f"[{parts.hostname}]", "", 1)
    if strict and ("[" in rest or "]" in rest):
        return "'[' and ']' are only allowed around an IPv6 host (RFC 3986 section 3.2.2)"
    if not all(ch.isalnum() or ch in ".-:[]" for ch in parts.hostname):
        return f"the host {printable(parts.hostname)!r} is not a host name"
    return None


def link_host(url) -> str | None:
    """The host of an ``http``/``https`` URL (lower case), or None for any URL ``url_problem``
    refuses with ``strict=False`` (other schemes, no host, user information, whitespace, control
    or bidi characters, a backslash, a malformed port)."""
    if url_problem(url, strict=False) is not None:
        return None
    return urlsplit(url.strip()).hostname.lower()


def clean_url(url) -> str:
    """``url`` (stripped) if ``url_problem`` accepts it, else ``""``: what exports print."""
    return url.strip() if url_problem(url) is None else ""


def one_line(value) -> str:
    """Data text as one line of plain text for exports (CSV cells, JSON, slide text): Unicode
    NFC, control, invisible and bidi characters removed, whitespace folded; ``None`` / NaN -> ``""``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFC", str(value))
    kept = [" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text
            if not (unicodedata.category(ch) == "Cf" or ch in _INVISIBLE)]
    return " ".join("".join(kept).split())


def _quote(value: str, limit: int = 60) -> str:
    """``value`` as written, for a message: ``repr`` (escapes invisible characters), cut at ``limit``."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value):,} characters)"


def field_problem(value, kind: str, max_chars: int) -> str | None:
    """Why ``value`` is not clean text of its ``kind``, quoting the value as written, or None.

    Parameters
    ----------
    value : str
    kind : {"identifier", "name", "text", "url"}
        ``identifier`` (keys: ids, territory names, breakdowns): no control, format (zero-width,
        bidi) or line-separator characters; ``name`` (publisher, licence): no control or bidi
        control characters, no markup; ``text`` (titles, notes): the same as ``name``; ``url``:
        ``url_problem``.
    max_chars : int
        Longest admissible value, in characters.

    Returns
    -------
    str or None
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    text = "" if value is None else str(value)
    if len(text) > max_chars:
        return f"{_quote(text)} is {len(text):,} characters long; at most {max_chars:,}"
    if kind == "url":
        reason = url_problem(text) if text else None
        return f"{reason}: {_quote(text)} as written" if reason else None
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" or category in ("Zl", "Zp") or ch in _BIDI_CONTROLS or (kind == "identifier" and category == "Cf"):
            what = "a bidirectional control" if ch in _BIDI_CONTROLS else "an invisible or control"
            return f"{_quote(text)} contains {what} character {ch!r} ({unicodedata.name(ch, 'unnamed')})"
    found = _MARKUP.search(text)
    if found:
        return f"{_quote(text)} contains markup ({found.group(0)!r}: an HTML tag, a markdown link or image, or a script URL); write plain text"
    return None


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

"""Name normalisation shared by the analytics: country names as written in sources -> ISO3, and
the one form in which keys and references are compared (``text_key``, ``url_key``)."""
from __future__ import annotations

import unicodedata

ALIASES = {
    "SYRIA": "SYR", "CAPE VERDE": "CPV", "CABO VERDE": "CPV", "MOLDOVA": "MDA", "TURKEY": "TUR", "TURKIYE": "TUR",
    "RUSSIA": "RUS", "BOLIVIA": "BOL", "VENEZUELA": "VEN", "IRAN": "IRN", "SOUTH KOREA": "KOR", "PALESTINE": "PSE",
    "DOMINICAN REPUBLIC": "DOM", "GUINEA BISSAU": "GNB", "UNITED STATES": "USA", "UNITED KINGDOM": "GBR",
}


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def country_iso3_lookup(con):
    """A function name -> ISO3 (or None) using the countries table plus common aliases.

    Groupings such as "Other Africa" or "Serbia and Montenegro" map to None: they are not
    one country and are left out of country-level origin tables (not guessed).
    """
    table = {_key(name): iso3 for iso3, name in con.execute("SELECT iso3, name FROM countries").fetchall()}
    table.update(ALIASES)

    def lookup(name):
        return table.get(_key(name))

    return lookup


# Every kind of space a keyboard, a spreadsheet or a web page can put into a name (no-break
# space U+00A0, narrow no-break U+202F, the U+2000..U+200A family, ideographic U+3000, tabs,
# line breaks); zero-width space and BOM are dropped.
_DROPPED = dict.fromkeys(map(ord, "\u200b\ufeff"))


def text_key(value) -> str:
    """The form in which keys and references are compared: NFC, whitespace folded.

    Two strings that look the same to a reader compare equal: the text is put in Unicode
    normalisation form C (composed accents; UAX #15), every run of whitespace of any kind
    (``str.split()`` splits on all Unicode ``White_Space`` characters, including no-break
    spaces) becomes one ASCII space, leading and trailing space is removed, zero-width spaces
    and byte-order marks are dropped. Case is kept (ids are case-sensitive).

    Parameters
    ----------
    value : object
        Any value; ``None`` gives ``""``.

    Returns
    -------
    str
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_DROPPED)
    return " ".join(text.split())


def url_key(url) -> str:
    """The form in which source URLs are compared: ``text_key``, scheme and host in lower case
    (RFC 3986 section 6.2.2.1: they are case-insensitive), one trailing ``/`` dropped."""
    from urllib.parse import urlsplit, urlunsplit

    text = text_key(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment)).rstrip("/")

"""Text from data is text: escape markdown and HTML; links only from http(s) URLs with a host."""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def plain_text(text: str) -> str:
    """Escape markdown specials and HTML so Streamlit shows ``text`` literally."""
    return _MARKDOWN.sub(r"\\\1", html.escape(str(text), quote=False).replace("&lt;", "<").replace("&gt;", ">")) \
        .replace("\n", " ")


def safe_link(url, label: str | None = None) -> str | None:
    """A markdown link whose visible text is the host, for an http(s) URL with a host; else None."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c in url for c in "()<> \"'\\"):
        return None
    return f"[{plain_text(label or parts.hostname)}]({url.strip()})"

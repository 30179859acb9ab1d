"""Open Graph and Twitter meta tags in every page's HTML, so that a shared link shows a preview:
the page's title (with the city of a City profile), a description, and the image
``/chart/<page>.png?...&size=og`` (a 1200x630 PNG of the page's chart, :mod:`api.charts`).

Streamlit serves the same ``index.html`` for every page path; this ASGI middleware adds the tags
after ``<head>`` for GET requests of a page path. It removes ``Accept-Encoding`` from those
requests so that the HTML comes uncompressed (Streamlit gzips it otherwise) and can be edited.
"""
from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlencode

from i18n import LANGUAGES, t
from ui.pages import BY_ID, DEFAULT_PAGE

SKIP = ("/_stcore", "/static", "/api", "/chart", "/media", "/component", "/app/static", "/favicon")
VIEW_IDS = {"city": ("city", "trend"), "compare": ("cities", "indicator", "year", "series", "x", "y")}


def page_of(path: str) -> str | None:
    """The page id of a request path ("/" is the default page), None for anything else."""
    if path.startswith(SKIP):
        return None
    name = path.strip("/")
    if name == "":
        return DEFAULT_PAGE
    return name if name in BY_ID else None


def tags(page_id: str, query: dict[str, list[str]], base: str) -> str:
    """The meta tags of a page for its query string (ids only; unknown ids fall back to the page's default)."""
    lang = (query.get("lang") or ["en"])[0]
    lang = lang if lang in LANGUAGES else "en"
    title = f"{t(BY_ID[page_id].title_key, lang)} · {t('app_title', lang)}"
    params = {}
    if page_id == "city":
        from ui import data as ui_data

        city = (query.get("city") or ["vienna"])[0]
        try:
            name = ui_data.labels().get("cities", {}).get(city)
        except Exception:  # noqa: BLE001 - no database: tags without the city
            name = None
        if name:
            from i18n import label

            title = f"{label('cities', city, lang, name)} · {title}"
            params["city"] = city
    for key in VIEW_IDS.get(page_id, ()):
        if key in query and key not in params and len(query[key][0]) <= 200:
            params[key] = query[key][0]
    image = f"{base}/chart/{page_id}.png?{urlencode({**params, 'lang': lang, 'size': 'og'})}"
    url = f"{base}/{page_id}" + (f"?{urlencode({**params, 'lang': lang})}")
    description = t("og_description", lang)
    values = [("property", "og:type", "website"), ("property", "og:site_name", t("app_title", lang)),
              ("property", "og:title", title), ("property", "og:description", description),
              ("property", "og:url", url), ("property", "og:image", image), ("property", "og:image:width", "1200"),
              ("property", "og:image:height", "630"), ("property", "og:image:alt", title),
              ("property", "og:locale", {"en": "en_GB", "fr": "fr_FR", "ar": "ar_AR"}.get(lang, "en_GB")),
              ("name", "twitter:card", "summary_large_image"), ("name", "twitter:title", title),
              ("name", "twitter:description", description), ("name", "twitter:image", image),
              ("name", "description", description)]
    return "".join(f'<meta {kind}="{escape(key)}" content="{escape(value)}">' for kind, key, value in values)


class MetaTags:
    """ASGI middleware: Open Graph / Twitter tags into the HTML of page requests."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        page_id = page_of(scope.get("path", ""))
        if page_id is None:
            return await self.app(scope, receive, send)
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await send_final()

        async def send_final():
            headers = [(k, v) for k, v in start.get("headers", [])]
            content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            encoded = any(k.lower() == b"content-encoding" for k, _ in headers)
            body = b"".join(chunks)
            if start.get("status") == 200 and content_type.startswith(b"text/html") and not encoded and b"<head>" in body:
                query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
                host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "localhost")
                base = f"{scope.get('scheme', 'http')}://{host}"
                body = body.replace(b"<head>", b"<head>" + tags(page_id, query, base).encode("utf-8"), 1)
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                if scope.get("method") == "HEAD":
                    body = b""
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)

"""HTTP security headers of the app and the local-only metrics route (issue 26, finding 6).

Streamlit 1.67 sets no security header of its own and has no option for one (its server options,
``streamlit config show``: no header, frame or policy setting; ``/_stcore/metrics`` cannot be
turned off). It runs on Starlette, and ``st.App`` takes ASGI middleware: ``SecurityHeaders``
below is that middleware, installed by ``serve.py`` (the entry point ``make run`` and
``deploy/replica.sh`` start). So the headers hold with or without nginx in front; nginx
(``deploy/nginx.conf.in``) additionally refuses ``/_stcore/metrics`` from outside.

Headers on every HTTP response:

- ``Content-Security-Policy``: what the app uses and nothing else -- scripts, styles, fonts,
  images and the websocket from this origin; inline scripts and styles (Streamlit's page and
  ``st.html``/``st.markdown`` styles use them); ``data:`` / ``blob:`` images and workers (Plotly
  and the chart downloads); no plugin (``object-src 'none'``), no foreign ``<base>``, forms only
  to this origin; ``frame-ancestors`` (who may put the page in a frame): ``'self'``, except on
  the embed route (a page with ``?chart=``), where the configured list applies;
- ``X-Frame-Options: SAMEORIGIN`` outside the embed route (browsers without CSP level 2);
- ``Referrer-Policy: strict-origin-when-cross-origin`` (a source's site learns only the
  dashboard's origin, never the view in the query string);
- ``X-Content-Type-Options: nosniff``; ``Permissions-Policy`` denying camera, microphone and
  geolocation.

``/_stcore/metrics`` answers only a loopback client that did not come through a proxy (no
``X-Forwarded-For``); every other request gets 404.

Configuration: env ``MC2CM_FRAME_ANCESTORS`` -- the sites allowed to embed charts, a space-separated
CSP source list (default ``*``: any site may embed a chart; ``'none'`` forbids embedding).
"""
from __future__ import annotations

import os
from urllib.parse import parse_qs

FRAME_ANCESTORS_ENV = "MC2CM_FRAME_ANCESTORS"
EMBED_PARAMETER = "chart"  # app.py: ?chart=<key> shows one chart alone, for an iframe
METRICS_PATH = "/_stcore/metrics"
LOOPBACK = ("127.0.0.1", "::1", "localhost")

POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-inline'",
    "style-src": "'self' 'unsafe-inline'",
    # the favicon is a local file (ui/assets/favicon.png): no outside host at all
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self' ws: wss:",
    "worker-src": "'self' blob:",
    "frame-src": "'self' blob: data:",
    "media-src": "'self' blob: data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
REFERRER_POLICY = "strict-origin-when-cross-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"


def frame_ancestors(embed: bool, configured: str | None = None) -> str:
    """Who may frame the page: ``'self'``, or on the embed route the configured list (default ``*``)."""
    if not embed:
        return "'self'"
    value = (configured if configured is not None else os.environ.get(FRAME_ANCESTORS_ENV, "*")).strip()
    return value or "'none'"


def is_embed(query_string: str) -> bool:
    """True when the query string asks for one chart alone (``?chart=<key>``, app.py)."""
    return bool(parse_qs(query_string).get(EMBED_PARAMETER, [""])[0])


def content_security_policy(embed: bool, configured: str | None = None) -> str:
    """The ``Content-Security-Policy`` value for a page (embed route or not)."""
    return "; ".join(f"{k} {v}" for k, v in {**POLICY, "frame-ancestors": frame_ancestors(embed, configured)}.items())


def security_headers(path: str, query_string: str) -> list[tuple[str, str]]:
    """The headers added to the response of a request for ``path`` with ``query_string``."""
    embed = is_embed(query_string)
    headers = [("Content-Security-Policy", content_security_policy(embed)),
               ("Referrer-Policy", REFERRER_POLICY),
               ("X-Content-Type-Options", "nosniff"),
               ("Permissions-Policy", PERMISSIONS_POLICY)]
    if not embed:
        headers.append(("X-Frame-Options", "SAMEORIGIN"))
    return headers


def metrics_allowed(scope: dict) -> bool:
    """``/_stcore/metrics`` for a loopback client that did not come through a proxy only."""
    client = (scope.get("client") or ("", 0))[0]
    forwarded = any(name.lower() in (b"x-forwarded-for", b"forwarded", b"x-real-ip") for name, _ in scope.get("headers", []))
    return client in LOOPBACK and not forwarded


class SecurityHeaders:
    """ASGI middleware: ``security_headers`` on every HTTP response; metrics local only."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.rstrip("/").endswith(METRICS_PATH) and not metrics_allowed(scope):
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"9")]})
            await send({"type": "http.response.body", "body": b"not found"})
            return
        extra = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                 for k, v in security_headers(path, scope.get("query_string", b"").decode("latin-1"))]

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {k for k, _ in extra}
                message = {**message, "headers": [(k, v) for k, v in message.get("headers", []) if k.lower() not in names] + extra}
            await send(message)

        await self.app(scope, receive, with_headers)

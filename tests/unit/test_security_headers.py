"""Issue 26, finding 6: deployment settings. Every page may be framed only by the app itself
(the embed route ``?chart=`` by the configured sites), a content-security policy and a referrer
policy come with every response, ``/_stcore/metrics`` answers only a local client that did not
come through the proxy, and a plain ``streamlit run`` listens on loopback only.

Streamlit 1.67 cannot set response headers itself (no server option for it); the headers come
from ASGI middleware installed through ``st.App`` in ``serve.py`` (deploy/security.py says
why). The last test reads them from a running server on localhost."""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from deploy.security import SecurityHeaders, content_security_policy, security_headers

ROOT = Path(__file__).resolve().parents[2]


def _directives(policy: str) -> dict[str, str]:
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())


def _call(path: str, query: bytes = b"", client=("127.0.0.1", 5000), headers=()) -> tuple[int, dict]:
    """Run one HTTP request through SecurityHeaders in front of a trivial app."""
    async def inner_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"ok"})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "path": path, "query_string": query, "client": client, "headers": list(headers)}
    # in a thread of its own: an earlier test of the same process (Playwright's sync API) may have left an
    # event loop running in this one, where asyncio.run refuses to start
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, SecurityHeaders(inner_app)(scope, receive, send)).result()
    start = sent[0]
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}


def test_pages_may_be_framed_only_by_the_app_itself():
    status, headers = _call("/city", b"city=vienna")
    assert status == 200
    policy = _directives(headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'self'"
    assert headers["x-frame-options"] == "SAMEORIGIN"


def test_the_embed_route_may_be_framed_by_the_configured_sites(monkeypatch):
    monkeypatch.setenv("MC2CM_FRAME_ANCESTORS", "https://www.mc2cm.example https://*.icmpd.org")
    _, headers = _call("/city", b"city=vienna&chart=key_figures&embed=true")
    assert _directives(headers["content-security-policy"])["frame-ancestors"] == "https://www.mc2cm.example https://*.icmpd.org"
    assert "x-frame-options" not in headers
    monkeypatch.delenv("MC2CM_FRAME_ANCESTORS")
    assert _directives(content_security_policy(True))["frame-ancestors"] == "*"  # default: any site may embed a chart
    _, headers = _call("/city", b"chart=")  # an empty chart parameter is not the embed route
    assert _directives(headers["content-security-policy"])["frame-ancestors"] == "'self'"


def test_content_security_and_referrer_policies_on_every_response():
    for path in ("/", "/static/js/index.js", "/_stcore/health", "/compare"):
        _, headers = _call(path)
        policy = _directives(headers["content-security-policy"])
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
        assert "'unsafe-eval'" not in headers["content-security-policy"]
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert headers["x-content-type-options"] == "nosniff"
    assert dict(security_headers("/", ""))["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_metrics_only_for_a_local_client_not_through_the_proxy():
    assert _call("/_stcore/metrics")[0] == 200
    assert _call("/_stcore/metrics", client=("203.0.113.9", 4000))[0] == 404
    assert _call("/_stcore/metrics", headers=[(b"x-forwarded-for", b"203.0.113.9")])[0] == 404
    assert _call("/base/_stcore/metrics/", client=("10.0.0.2", 1))[0] == 404
    nginx = (ROOT / "deploy" / "nginx.conf.in").read_text(encoding="utf-8")
    assert "location = /_stcore/metrics {\n            return 404;" in nginx


def test_streamlit_listens_on_loopback_and_the_server_entry_point_has_the_headers():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert "streamlit run serve.py" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert 'APP="${MC2CM_APP:-serve.py}"' in (ROOT / "deploy" / "replica.sh").read_text(encoding="utf-8")


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_headers_read_from_a_running_server(built_db):
    """``streamlit run serve.py`` on localhost (port from env MC2CM_TEST_PORT, else a free one)."""
    from deploy.serve import free_port

    port = int(os.environ.get("MC2CM_TEST_PORT") or free_port())
    env = {**os.environ, "MC2CM_DB": str(built_db)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if _get(base + "/_stcore/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"the server did not start: {proc.stderr.read() if proc.poll() is not None else ''}")
        status, page = _get(base + "/city?city=vienna")
        assert status == 200
        assert _directives(page["content-security-policy"])["frame-ancestors"] == "'self'"
        assert page["x-frame-options"] == "SAMEORIGIN" and page["referrer-policy"] == "strict-origin-when-cross-origin"
        status, embed = _get(base + "/city?city=vienna&chart=key_figures&embed=true")
        assert status == 200 and "x-frame-options" not in embed
        assert _directives(embed["content-security-policy"])["frame-ancestors"] == "*"
        assert _get(base + "/_stcore/metrics")[0] == 200  # the operator on the machine
        assert _get(base + "/_stcore/metrics", {"X-Forwarded-For": "203.0.113.9"})[0] == 404  # anyone through the proxy
    finally:
        proc.terminate()
        proc.wait(30)

"""Open Graph and Twitter meta tags in the pages' HTML (api.meta.MetaTags), also when the
browser asks for a compressed page (the HTML is then requested uncompressed and edited)."""
from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from api.meta import MetaTags

HTML = "<!doctype html><html><head><title>Streamlit</title></head><body>" + "x" * 2000 + "</body></html>"


def _app():
    async def page(request):
        return HTMLResponse(HTML)

    async def data(request):
        return JSONResponse({"head": "<head>"})

    # like Streamlit: the same index.html for every page path, gzipped when the browser accepts it
    return Starlette(routes=[Route("/api/v1/x", data), Route("/{path:path}", page)],
                     middleware=[Middleware(MetaTags), Middleware(GZipMiddleware, minimum_size=100)])


@pytest.fixture(scope="module")
def page_client(built_db):
    import os

    os.environ.setdefault("MC2CM_DB", str(built_db))
    return TestClient(_app())


def _meta(html: str) -> dict:
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))


@pytest.mark.parametrize("encoding", ["gzip", "identity", ""])
def test_every_page_carries_open_graph_and_twitter_tags_whose_image_is_the_chart_url(page_client, encoding):
    response = page_client.get("/city?city=lyon&lang=fr", headers={"Accept-Encoding": encoding})
    meta = _meta(response.text)
    assert meta["og:image"] == "http://testserver/chart/city.png?city=lyon&amp;lang=fr&amp;size=og"
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert "Lyon" in meta["og:title"] and meta["og:description"]
    assert int(response.headers["content-length"]) == len(response.content)


@pytest.mark.parametrize("path", ["/", "/overview", "/compare?cities=madrid,vienna", "/spatial", "/methods?lang=ar"])
def test_tags_on_every_page(page_client, path):
    meta = _meta(page_client.get(path).text)
    page = path.strip("/").split("?")[0] or "overview"
    assert meta["og:image"].startswith(f"http://testserver/chart/{page}.png?")


def test_hostile_ids_in_the_url_are_escaped_in_the_tags(page_client):
    html = page_client.get('/city?city="><script>alert(1)</script>&lang=en').text
    assert "<script>alert" not in html


def test_other_answers_are_left_alone(page_client):
    assert page_client.get("/api/v1/x").json() == {"head": "<head>"}
    assert page_client.get("/unknown-path").text == HTML

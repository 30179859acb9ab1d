"""Chart images by URL: the page's chart with its title, source line and data version inside,
an Open Graph image of 1200x630, cached per data version (needs Chromium: marked slow)."""
from __future__ import annotations

import io
import shutil

import pytest

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium is needed to draw chart images")


def test_open_graph_image_is_a_1200x630_png_of_the_page_chart_with_title_and_source(client):
    from PIL import Image

    response = client.get("/chart/city.png?city=lyon&size=og")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    # what the image draws: the chart the page shows, with its title and source line (the SVG keeps text)
    svg = client.get("/chart/city.svg?city=lyon").text
    profile = client.get("/api/v1/profile/lyon").json()
    chart = next(c for s in profile["sections"] for c in s["charts"])
    version = response.headers["x-data-version"]
    assert chart["title"].split(":")[0] in svg and version in svg and "Source" in svg


def test_every_page_has_an_open_graph_image(client):
    from PIL import Image

    for view in ("overview", "compare?cities=madrid,vienna", "spatial", "methods"):
        path, _, query = view.partition("?")
        response = client.get(f"/chart/{path}.png?{query + '&' if query else ''}size=og")
        assert response.status_code == 200, (view, response.text[:200])
        assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_images_are_cached_per_data_version_and_immutable_with_v(client):
    import time

    first = client.get("/chart/city.png?city=vienna&size=og")
    start = time.perf_counter()
    again = client.get(f"/chart/city.png?city=vienna&size=og&v={first.headers['x-data-version']}")
    assert again.content == first.content and "immutable" in again.headers["cache-control"]
    start = time.perf_counter()
    client.get("/chart/city.png?city=vienna&size=og")
    assert time.perf_counter() - start < 0.5  # from the cache, not redrawn (a drawing takes 0.3-6 s)

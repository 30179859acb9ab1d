"""Every "Link of this view" reopens the exact view (issue 19): it is written once the page has
run, so a control drawn below a chart (Spatial's cities) is in it; the page's chart ZIP holds
it as ``view-url.txt`` (docs/downloads.md)."""
from __future__ import annotations

import contextlib
import io
import zipfile
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.app.apptest import run_page


@pytest.fixture(autouse=True)
def database(built_db, monkeypatch):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


def view_links(at) -> list[str]:
    return [c.value for c in at.code if c.value.startswith("http") and "embed=true" not in c.value and "\n" not in c.value]


@pytest.mark.parametrize("page,params,expected", [
    ("spatial", {"city": "madrid", "lang": "fr"}, ("city", "cities", "group", "level", "year", "map", "lang")),
    ("compare", {"cities": "madrid,vienna,lyon,tangier", "indicator": "foreign_born_share", "year": "2020", "lang": "ar"},
     ("cities", "indicator", "year", "series", "x", "y", "lang")),
    ("city", {"city": "lyon", "lang": "fr"}, ("city", "trend", "lang")),
])
def test_every_link_of_this_view_holds_every_id_of_the_view(page, params, expected):
    at = run_page(page, params)
    assert not at.exception, [e.message for e in at.exception]
    links = view_links(at)
    assert links, "every chart offers its link"
    for link in links:
        query = dict(parse_qsl(urlsplit(link).query))
        missing = [k for k in expected if k not in query]
        assert not missing, f"{link} lacks {missing}"
        for key, value in params.items():
            assert query[key] == value, f"{key}: {query[key]!r} in the link, {value!r} in the view"
        assert urlsplit(link).path.rstrip("/").endswith("/" + page)


def test_page_charts_zip_has_view_url(monkeypatch):
    import kaleido

    import briefs.images
    from briefs.page_charts import page_charts_zip
    from figures.context import Context
    from figures.profile import national_refugee_lines
    import pandas as pd

    monkeypatch.setattr(briefs.images, "image_server", contextlib.nullcontext)
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda fig, opts=None: b"image")
    national = pd.DataFrame({"year": [2020, 2021], "value": [1.0, 2.0], "indicator_id": ["refugees_unhcr"] * 2,
                             "country": ["Austria"] * 2, "iso3": ["AUT"] * 2})
    chart = national_refugee_lines(national, Context(), "vienna")
    url = "http://localhost:8501/compare?cities=madrid,vienna&lang=en"
    archive = zipfile.ZipFile(io.BytesIO(page_charts_zip([chart], "en", "Compare", url)))
    assert archive.read("view-url.txt").decode().strip() == url

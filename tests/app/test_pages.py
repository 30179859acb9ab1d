"""Every page runs without exception with default filters, for every city, and with garbage
or hostile query parameters (a message, never a traceback)."""
import pytest
from streamlit.testing.v1 import AppTest

from analytics.catalog import cities, city_ids

PAGES = ["overview", "city", "compare", "spatial", "origins", "themes", "explorer", "coverage", "methods"]
CITY_PAGES = ["city", "spatial", "origins"]
CITY_NAMES = dict(zip(cities().city_id, cities().name))
HOSTILE = {
    "city": "Paris'; DROP TABLE observations; --", "indicator": "<script>alert(1)</script>", "year": "9" * 300,
    "group": "../../etc/passwd", "level": "ñ" * 50, "x": "", "present": "maybe", "cities": "Atlantis",
}


@pytest.fixture(autouse=True)
def database(built_db, monkeypatch):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


def run(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    at.run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_with_defaults(page):
    at = run(page)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title and at.title[0].value


# A city with figures but no boundaries (Grenoble): the city and spatial pages still draw a boundary
# map, and ui/maps.bounds fails on an empty GeoJSON. Known, reported with the later-member cities
# (issue 9); strict, so the mark must go when the pages handle a city without areas.
NO_BOUNDARY_MAP = {("city", "grenoble"), ("spatial", "grenoble")}
CITY_CASES = [pytest.param(page, city, marks=pytest.mark.xfail(strict=True, reason="boundary map of a city without areas"))
              if (page, city) in NO_BOUNDARY_MAP else (page, city) for page in CITY_PAGES for city in city_ids()]


@pytest.mark.parametrize("page, city", CITY_CASES)
def test_city_pages_run_for_every_city(page, city):
    at = run(page, {"city": CITY_NAMES[city]})
    assert not at.exception, [e.message for e in at.exception]
    assert not any("not a known city" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_parameters_give_a_message(page):
    at = run(page, HOSTILE)
    assert not at.exception, [e.message for e in at.exception]
    if page in ("city", "spatial", "origins"):
        assert any("not a known city" in i.value for i in at.info)


def test_compare_unknown_indicator_message():
    at = run("compare", {"indicator": "happiness"})
    assert not at.exception
    assert any("“happiness” in the link is not a known indicator" in i.value for i in at.info)


def test_presenter_mode_from_url():
    at = run("compare", {"present": "1"})
    assert not at.exception
    assert at.session_state["present"] is True


def test_city_page_shows_sources_beside_key_figures():
    at = run("city", {"city": "Madrid"})
    captions = " ".join(c.value for c in at.caption)
    assert "Source:" in captions and "City of Madrid" in captions


def test_cities_without_counts_say_so():
    at = run("spatial", {"city": "Lyon"})
    assert any("no counts of migrants by district" in w.value for w in at.warning)

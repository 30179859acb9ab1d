"""Every page runs without exception with default filters, for every city, and with garbage
or hostile query parameters (a message, never a traceback); links carry ids, not labels."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest import run_page

from analytics.rules import city_ids

PAGES = ["overview", "city", "compare", "spatial", "origins", "themes", "explorer", "coverage", "methods"]
CITY_PAGES = ["city", "spatial", "origins"]
HOSTILE = {
    "city": "Paris'; DROP TABLE observations; --", "indicator": "<script>alert(1)</script>", "year": "9" * 300,
    "group": "../../etc/passwd", "level": "ñ" * 50, "x": "", "present": "maybe", "cities": "Atlantis,vienna",
    "lang": "xx", "years": "abc", "map": "[x](http://evil.example)", "trend": "nope", "series": "\x1b[31m",
}


@pytest.fixture(autouse=True)
def database(built_db, monkeypatch):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


def run(page: str, params: dict | None = None) -> AppTest:
    return run_page(page, params)


def messages(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_with_defaults(page):
    at = run(page)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title and at.title[0].value


@pytest.mark.parametrize("page", CITY_PAGES)
@pytest.mark.parametrize("city", city_ids())
def test_city_pages_run_for_every_city(page, city):
    at = run(page, {"city": city})
    assert not at.exception, [e.message for e in at.exception]
    assert "not a known city" not in messages(at)


@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_parameters_give_a_message(page):
    at = run(page, HOSTILE)
    assert not at.exception, [e.message for e in at.exception]
    if page in CITY_PAGES:
        assert "not a known city" in messages(at)


def test_ids_are_accepted_and_labels_are_not_needed():
    at = run("compare", {"indicator": "foreign_born_share", "cities": "madrid,vienna,lyon"})
    assert not at.exception
    assert "not a known" not in messages(at)
    assert at.query_params["indicator"] == "foreign_born_share"
    assert at.query_params["cities"] == "madrid,vienna,lyon"


def test_compare_unknown_indicator_message():
    at = run("compare", {"indicator": "happiness"})
    assert not at.exception
    assert "“happiness” in the link is not a known indicator" in messages(at)


def test_presenter_mode_keeps_page_navigation_and_the_page_zip():
    """Presenter mode from the URL (issue 21): its sidebar is hidden, so its bar holds the links to
    every page of the registry (carrying the language and the cities) and the page keeps its ZIP."""
    from i18n import t
    from ui.pages import PAGES as REGISTRY

    at = run("compare", {"present": "1", "lang": "fr", "cities": "lyon,madrid"})
    assert not at.exception
    assert at.query_params["present"] == "1"
    assert any(b.label == t("present_exit", "fr") for b in at.button)
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    for info in REGISTRY:
        title = t(info.title_key, "fr")
        assert title in links, f"presenter mode has no link to {info.id}"
        assert "lang=fr" in links[title] and "cities=lyon%2Cmadrid" in links[title], links[title]
    assert any(d.proto.label == t("download_all_charts", "fr") for d in at.get("download_button")), \
        "presenter mode has no page ZIP"


def test_city_page_shows_sources_beside_key_figures():
    at = run("city", {"city": "madrid"})
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # shown as text: markdown escaped
    assert "Source:" in captions and "City of Madrid" in captions


def test_cities_without_counts_say_so():
    at = run("spatial", {"city": "lyon"})
    assert any("no counts of migrants by district" in w.value for w in at.warning)


def test_controls_write_ids_to_the_url():
    at = run("spatial", {"city": "madrid"})
    assert not at.exception
    for key in ("city", "group", "level", "year", "map", "cities"):
        assert key in at.query_params, key
    assert at.query_params["city"] == "madrid"


def test_embed_shows_one_chart_alone():
    at = run("compare", {"embed": "true", "chart": "bars", "cities": "madrid,vienna"})
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1
    at = run("compare", {"chart": "<img src=x>"})
    assert not at.exception and len(at.get("plotly_chart")) == 0
    assert "names a chart that the page does not have" in messages(at)


def test_every_chart_offers_link_embed_and_citation():
    at = run("compare", {"cities": "madrid,vienna"})
    codes = [c.value for c in at.code]
    assert any(c.startswith("@misc{mc2cm-") and "Data version" in c for c in codes)
    assert any("<iframe" in c and "embed=true" in c and "chart=bars" in c for c in codes)
    assert any("MC2CM city migration dashboard, data version" in c for c in codes)


def test_a_rebuilt_database_shows_without_restart(tmp_path, monkeypatch, built_db):
    import shutil

    from analytics.db import load_tables, write_database
    from analytics.paths import HARMONISED_DIR

    db = tmp_path / "live.duckdb"
    shutil.copy2(built_db, db)
    monkeypatch.setenv("MC2CM_DB", str(db))
    at = AppTest.from_file("../../app.py", default_timeout=180)
    at.switch_page("views/methods.py")
    at.run()
    before = [c.value for c in at.caption if "Data version" in c.value][0]
    tables = load_tables(HARMONISED_DIR, tmp_path / "none")
    tables["observations"] = tables["observations"].iloc[1:]  # another data version
    write_database(tables, db, derive=False)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    after = [c.value for c in at.caption if "Data version" in c.value][0]
    assert after != before


def test_a_broken_database_gets_a_clear_page(tmp_path, monkeypatch):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"\x00not a database" * 100)
    for path in (broken, tmp_path / "missing.duckdb"):
        monkeypatch.setenv("MC2CM_DB", str(path))
        at = AppTest.from_file("../../app.py", default_timeout=60)
        at.run()
        assert not at.exception
        assert at.title[0].value == "The database is not available"
        assert any("make build" in c.value for c in at.code)
        assert str(tmp_path) not in " ".join(e.value for e in at.error)  # no server paths shown


@pytest.mark.parametrize("city", ["tangier", "amman", "vienna"])
def test_cards_show_whole_values(city):
    at = run("city", {"city": city})
    values = [m.value for m in at.metric]
    assert values and all("(" not in v and "None" not in v and len(v) <= 14 for v in values), values


@pytest.mark.parametrize("page", ["themes", "overview", "coverage", "city"])
def test_tables_print_no_none_or_nan(page):
    at = run(page, {"city": "amman"})
    for frame in at.dataframe:
        cells = frame.value.astype(str).to_numpy().ravel()
        assert not any(c in ("None", "nan", "NaN", "<NA>", "True", "False") for c in cells), page


def test_vienna_trends_have_twenty_years_for_each_concept(built_db):
    from analytics.db import connect
    from analytics.profile import trend_series

    con = connect(built_db)
    series = trend_series(con, "vienna")
    con.close()
    for indicator in ("foreign_citizens_share", "foreign_born_share", "foreign_origin_share"):
        assert series[series.indicator_id == indicator].year.nunique() >= 20, indicator

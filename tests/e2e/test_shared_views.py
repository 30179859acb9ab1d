"""A shared link reopens the same view: for 10 views with non-default controls on 7 pages (the overview at the root: see test_browser.py), the
URL (produced by the app after a change through the widgets, for 6 of them) is opened in a
fresh browser context, which must show the same selected values and the same numbers
(chart text and trace values, metrics, data-frame row counts, the text of the page)."""
from __future__ import annotations

import pytest

from tests.e2e import kit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _year_2015(page):
    kit.choose(page, "Year (latest before it if missing)", "2015")
    kit.wait_for_param(page, "year", "2015")


def _lisa(page):
    kit.press_segment(page, "Map", "Clusters (LISA)")
    kit.wait_for_param(page, "map", "lisa")


def _trend_foreign(page):
    kit.press_segment(page, "Indicator", "Foreign citizens")
    kit.wait_for_param(page, "trend", "foreign_citizens")


def _city_lyon(page):
    kit.choose(page, "City", "Lyon")
    kit.wait_for_param(page, "city", "lyon")


def _drop_vienna(page):
    kit.remove_from(page, "Cities", "Vienna")
    kit.wait_for_param(page, "cities", "madrid,lisbon,turin")


def _years_to_2018(page):
    kit.slide(page, "Years", "end", "ArrowLeft", 2)
    kit.wait_for_param(page, "years", "2010-2018")


def _add_vienna(page):
    kit.add_to(page, "Cities", "Vienna")
    kit.wait_for_param(page, "cities", "lisbon,madrid,tangier,vienna")


# (name, link typed by the user, change through the UI or None, widget values the view must show)
VIEWS = [
    ("compare-3-cities-2020", "compare?cities=madrid,vienna,lyon&indicator=foreign_born_share&year=2020", _year_2015,
     ["Cities=Madrid,Vienna,Lyon", "Indicator=Foreign-born (% of population)", "Year (latest before it if missing)=2015"]),
    ("compare-scatter", "compare?cities=lisbon,turin,vienna,madrid&indicator=population_total&series=population_total"
     "&x=foreign_born_share&y=foreign_citizens_share", None,
     ["Cities=Lisbon,Turin,Vienna,Madrid", "Horizontal axis=Foreign-born (% of population)"]),
    ("spatial-madrid-lq", "spatial?city=madrid&group=foreign&level=district&map=lq", _lisa,
     ["City=Madrid", "Group=Foreign citizens", "Area level=districts", "Map=Clusters (LISA)"]),
    ("spatial-turin-africa", "spatial?city=turin&group=continent:africa&level=zona_statistica&year=2011&map=share"
     "&cities=turin,madrid,vienna", None, ["City=Turin", "Year=2011", "Cities=Turin,Madrid,Vienna"]),
    ("city-tangier-trend", "city?city=tangier&trend=population_total", _trend_foreign,
     ["City=Tangier", "Indicator=Foreign citizens"]),
    ("city-vienna-to-lyon", "city?city=vienna", _city_lyon, ["City=Lyon"]),
    ("origins-turin", "origins?city=turin&cities=madrid,lisbon,turin,vienna", _drop_vienna,
     ["City=Turin", "Cities=Madrid,Lisbon,Turin"]),
    ("explorer-madrid", "explorer?cities=madrid&indicators=population_total,foreign_born_share&years=2010-2020"
     "&area_city=vienna", _years_to_2018,
     ["Cities=Madrid", "Indicators=Total population,Foreign-born (% of population)", "Years=2010-2018", "City=Vienna"]),
    ("coverage-3-cities", "coverage?cities=tunis,amman,beirut", None, ["Cities=Tunis,Amman,Beirut"]),
    ("overview-selection", "?cities=lisbon,madrid,tangier", _add_vienna, ["Cities=Lisbon,Madrid,Tangier,Vienna"]),
]


def _compare(first: dict, again: dict) -> list[str]:
    problems = []
    for key in ("widgets", "metrics", "frames", "text"):
        if first[key] != again[key]:
            problems.append(f"{key}: {kit.dump(first[key])} != {kit.dump(again[key])}")
    if len(first["charts"]) != len(again["charts"]):
        problems.append(f"{len(first['charts'])} charts != {len(again['charts'])}")
    for i, (a, b) in enumerate(zip(first["charts"], again["charts"])):
        if a["text"] != b["text"]:
            problems.append(f"chart {i} text: {a['text'][:300]!r} != {b['text'][:300]!r}")
        if a["traces"] != b["traces"]:
            problems.append(f"chart {i} trace values differ")
    return problems


@pytest.fixture(scope="module")
def first_visits(server, browser):
    """The context of the first visits (the typed links load one ahead); every reopening gets a fresh context."""
    context = browser.new_context()
    pool = kit.Tabs(context, [f"{server}/{v[1]}" for v in VIEWS], ahead=1)
    yield pool
    pool.close()
    context.close()


@pytest.mark.parametrize("name,link,change,expected", VIEWS, ids=[v[0] for v in VIEWS])
def test_shared_link_reopens_the_same_view(server, browser, first_visits, name, link, change, expected):
    page, view = first_visits.open(f"{server}/{link}")
    try:
        if change is not None:
            before = page.url
            change(page)
            assert page.url != before
            view = kit.settle(page)
        shared = page.evaluate("location.href")
    finally:
        page.close()
    assert view["errors"] == 0, f"exception on {shared}"
    assert view["dialogs"] == [], view["dialogs"]
    for value in expected:
        assert value in view["widgets"], f"{value!r} not in {view['widgets']}"
    assert not any("in the link is not a known" in t for t in view["text"]), view["text"]
    # every parameter in the link is an id, never a label
    for key, value in kit.params(shared).items():
        assert " " not in value and value == value.lower() or key in {"years"}, f"{key}={value} is not an id"

    fresh = browser.new_context()
    try:
        _, again = kit.open_page(fresh, shared)
    finally:
        fresh.close()
    problems = _compare(view, again)
    assert not problems, f"{shared} reopened differently:\n" + "\n".join(problems)
    assert view["charts"] or view["metrics"] or any(n for n in view["frames"] if n), "the view shows no numbers"

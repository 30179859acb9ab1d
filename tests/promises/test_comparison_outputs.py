"""Promise: every compared value says in plain words why it is (not) comparable, and the rank,
median and distance are computed among comparable values only (analytics.compare outputs)."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analytics import catalog, compare, rules
from tests.promises import snapshot
from analytics.rules import HEADLINE_SHARES


def _row(**kw):
    base = dict(value=10.0, indicator_differs=False, concept_differs=False, geo_level_differs=False, year_gap_flag=False,
                year_gap=0, is_estimate=False, source_type="official_statistics", indicator_id="foreign_citizens_share",
                concept="foreign_citizenship", geo_level="municipality")
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("row, codes", [
    (_row(value=np.nan), ("no_data",)),
    (_row(), ()),
    (_row(indicator_differs=True, indicator_id="immigrants_share"), ("definition:immigrants_share",)),
    (_row(indicator_differs=True, concept_differs=True, concept="foreign_born"), ("concept:foreign_born",)),
    (_row(concept_differs=True, concept="foreign_born"), ("concept:foreign_born",)),
    (_row(geo_level_differs=True, geo_level="governorate"), ("territory:governorate",)),
    (_row(year_gap_flag=True, year_gap=-4), ("year_gap:4",)),
    (_row(is_estimate=True), ("estimate",)),
    (_row(source_type="secondary"), ("source:secondary",)),
    (_row(source_type="estimate"), ("source:estimate",)),
    (_row(source_type="research"), ()),
    (_row(source_type="city_administration"), ()),
    (_row(geo_level_differs=True, geo_level="governorate", year_gap_flag=True, year_gap=10, is_estimate=True,
          source_type="secondary"), ("territory:governorate", "year_gap:10", "estimate", "source:secondary")),
])
def test_caveat_codes_say_why_a_value_is_not_fully_comparable(row, codes):
    assert compare.caveat_codes(row, 2) == codes


def _expected_caveat(r, labels) -> str:
    """The English caveat of the exports, spelled out here as the specification."""
    parts = []
    for code in r.caveat_codes:
        name, _, param = code.partition(":")
        if name == "no_data":
            return "no data for this indicator"
        parts.append({"definition": f"different definition: {r.indicator_label}",
                      "concept": f"different concept: {labels.get(param, param)} (network: {labels.get(r.reference_concept)})",
                      "territory": f"different territory: {param} (network: {r.reference_geo_level})",
                      "year_gap": f"{int(r.year_used)}, {param} years from {r.reference_year}",
                      "estimate": "estimate or approximate figure", "source": f"{param} source"}[name])
    return "; ".join(parts) if parts else "comparable"


@pytest.mark.parametrize("indicators", [list(HEADLINE_SHARES), "population_total", ["foreign_born_share", "immigrants_share"]])
def test_every_caveat_is_written_in_plain_words_from_its_codes(con, indicators):
    table = compare.compare_cities(con, indicators)
    labels = catalog.concept_label_map()
    assert all(labels.get(c) and labels[c] != c for c in table.concept.dropna().unique())  # labels are not ids
    for r in table.itertuples():
        assert r.caveat == _expected_caveat(r, labels), r.city_id
    assert (table.caveat == "comparable").any() and table.caveat.str.contains("; ").any()


def test_headline_caveats_cover_territory_year_estimate_and_source(con):
    codes = {c.partition(":")[0] for codes in compare.compare_cities(con, list(HEADLINE_SHARES)).caveat_codes for c in codes}
    assert {"territory", "year_gap", "estimate", "source", "no_data"} <= codes


def test_network_rank_is_largest_first_among_comparable_values_with_distance_to_their_median(con):
    table = compare.network_position(con, list(HEADLINE_SHARES))
    assert str(table["rank"].dtype) == "Int64"
    ranked = table[table.comparable].sort_values("value", ascending=False)
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    median = ranked.value.median()
    assert (table.network_median == median).all() and (table.n_comparable == len(ranked)).all()
    assert np.allclose(ranked.distance_to_median, ranked.value - median)
    assert table[~table.comparable].distance_to_median.isna().all() and table[~table.comparable]["rank"].isna().all()


def test_network_position_keeps_the_requested_year_and_cities(con):
    cities = ["vienna", "madrid", "amman", "lisbon"]
    table = compare.network_position(con, list(HEADLINE_SHARES), 2015, cities)
    assert sorted(table.city_id) == sorted(cities)
    assert (table.reference_year == 2015).all() and (table.year_used.dropna() <= 2015).all()
    latest = compare.network_position(con, list(HEADLINE_SHARES), None, cities)
    assert latest.year_used.max() > 2015


def test_no_comparable_value_gives_no_rank_and_no_median(con):
    table = compare.network_position(con, list(HEADLINE_SHARES), cities=["beirut", "tunis"])
    if table.value.notna().any():
        pytest.skip("Beirut or Tunis has a migrant share now")
    assert table["rank"].isna().all() and table.network_median.isna().all() and (table.n_comparable == 0).all()


COLUMNS = ["city_id", "city", "indicator_id", "indicator_label", "value", "unit", "year_used", "concept", "geo_level",
           "geo_unit", "source_id", "source_type", "publisher", "source_title", "source_url", "is_estimate", "flag", "note",
           "n_alternatives", "reference_indicator", "reference_concept", "reference_geo_level", "reference_year",
           "indicator_differs", "concept_differs", "geo_level_differs", "year_gap", "year_gap_flag", "comparable",
           "caveat_codes", "caveat"]


def test_compare_cities_columns_types_and_one_row_per_city(con):
    table = compare.compare_cities(con, list(HEADLINE_SHARES))
    assert list(table.columns) == COLUMNS and list(table.index) == list(range(len(table)))
    assert str(table.year_used.dtype) == "Int64" and table.n_alternatives.dtype.kind == "i"
    assert table.city_id.is_unique and set(table.city_id) == {r[0] for r in con.execute("SELECT city_id FROM cities").fetchall()}
    assert (table[table.value.isna()].n_alternatives == 0).all()
    assert table.reference_indicator.dropna().unique().tolist() == [table.indicator_id.mode().iloc[0]]
    assert table.value.isna().sum() > 0 and pd.isna(table.value.iloc[-1])  # cities without a value come last


def test_unknown_indicator_is_refused_by_name(con):
    with pytest.raises(KeyError, match=r"unknown indicator\(s\) \['no_such_indicator'\]"):
        compare.compare_cities(con, ["foreign_citizens_share", "no_such_indicator"])


def test_an_empty_selection_has_no_reference_and_no_value(con):
    table = compare.compare_cities(con, "foreign_citizens_share", cities=["beirut"])
    if table.value.notna().any():
        pytest.skip("Beirut has this figure now")
    assert table.reference_concept.isna().all() and table.reference_year.isna().all() and not table.comparable.any()


def test_a_requested_year_caps_the_figures_and_is_the_reference(con):
    table = compare.compare_cities(con, "foreign_citizens_share", year=2012, cities=["vienna", "madrid"])
    assert (table.year_used <= 2012).all() and (table.reference_year == 2012).all()
    vienna = table.set_index("city_id").loc["vienna"]
    assert vienna.year_used == 2012  # Vienna publishes every year


def test_a_concept_filter_keeps_only_that_concept(con):
    table = compare.compare_cities(con, list(HEADLINE_SHARES), concept="foreign_born")
    assert set(table.concept.dropna()) == {"foreign_born"}
    assert compare.best_figures(con, list(HEADLINE_SHARES), concept="foreign_born").concept.eq("foreign_born").all()


def test_best_figures_prefers_the_indicator_order_or_the_territory(con):
    by_indicator = compare.best_figures(con, ["foreign_born_share", "foreign_citizens_share"], ["vienna"]).iloc[0]
    assert by_indicator.indicator_id == "foreign_born_share"
    flipped = compare.best_figures(con, ["foreign_citizens_share", "foreign_born_share"], ["vienna"]).iloc[0]
    assert flipped.indicator_id == "foreign_citizens_share"
    by_territory = compare.best_figures(con, list(compare.CITY_SHARE_INDICATORS), prefer="territory")
    assert by_territory.city_id.is_unique
    for city in by_territory.itertuples():
        everything = compare.best_figures(con, list(compare.CITY_SHARE_INDICATORS), [city.city_id], best_only=False)
        levels = everything.geo_level.map(lambda g: compare.GEO_RANK[g])
        assert compare.GEO_RANK[city.geo_level] == levels.min(), city.city_id
        closest = everything[levels == levels.min()]
        effective = closest.year - closest.source_type.map(lambda k: 0 if rules.is_official(k) else rules.OFFICIAL_GRACE_YEARS)
        assert city.year - (0 if rules.is_official(city.source_type) else rules.OFFICIAL_GRACE_YEARS) == effective.max()


def test_best_figures_per_indicator_keeps_each_indicator_and_counts_its_alternatives(con):
    ids = ["foreign_born_share", "foreign_citizens_share"]
    each = compare.best_figures(con, ids, ["vienna"], per_indicator=True)
    assert sorted(each.indicator_id) == sorted(ids)
    everything = compare.best_figures(con, ids, ["vienna"], best_only=False)
    for row in each.itertuples():
        same = everything[(everything.year == row.year) & (everything.indicator_id == row.indicator_id)]
        assert row.n_alternatives == len(same) - 1
    one = compare.best_figures(con, ids, ["vienna"])
    assert len(one) == 1
    assert one.n_alternatives.iloc[0] == len(everything[everything.year == one.year.iloc[0]]) - 1


def test_only_totals_count_never_a_breakdown(con):
    rows = compare.best_figures(con, "foreign_citizens", best_only=False)
    assert (rows.breakdown == "").all() and len(rows) > 0
    assert "_rank_in_city" not in rows.columns and "_ind" not in rows.columns


@pytest.mark.parametrize("name, call", [
    ("headline", lambda c: compare.network_position(c, list(HEADLINE_SHARES))),
    ("headline_2016", lambda c: compare.network_position(c, list(HEADLINE_SHARES), 2016, ["vienna", "lyon"])),
    ("foreign_born_concept", lambda c: compare.compare_cities(c, list(HEADLINE_SHARES), concept="foreign_born")),
    ("population", lambda c: compare.compare_cities(c, "population_total")),
    ("timeseries", lambda c: compare.timeseries(c, "foreign_born_share", ["vienna"])),
    ("best_per_indicator", lambda c: compare.best_figures(c, list(HEADLINE_SHARES), per_indicator=True)
        .sort_values(["city_id", "indicator_id"]).reset_index(drop=True)),
    ("city_vs_country", lambda c: compare.city_vs_country(c)),
])
def test_comparison_tables_of_the_fixture_golden(fixture_db_path, name, call):
    """Every column of the comparison tables on the 3-city fixture, against reviewed golden files."""
    import duckdb

    con = duckdb.connect(str(fixture_db_path), read_only=True)
    snapshot.check(f"compare_{name}", call(con))


@pytest.fixture(scope="module")
def fixture_con(fixture_db_path):
    import duckdb

    con = duckdb.connect(str(fixture_db_path), read_only=True)
    yield con
    con.close()


def test_a_requested_year_is_the_reference_even_when_no_city_has_a_figure_for_it(fixture_con):
    """Amman's latest share is 2015, Lyon's is 2020 (after the year asked): the reference is the
    year asked, 2019, and Amman's figure is 4 years from it, not the reference itself."""
    table = compare.compare_cities(fixture_con, "foreign_citizens_share", year=2019, cities=["amman", "lyon"]).set_index("city_id")
    assert (table.reference_year == 2019).all()
    assert table.loc["amman", "year_used"] == 2015 and table.loc["amman", "year_gap"] == 4
    assert pd.isna(table.loc["lyon", "value"])


def test_tied_values_share_the_better_rank(monkeypatch):
    """Competition ranking among comparable values: 30, 30, 20 rank 1, 1, 3."""
    table = pd.DataFrame({"city_id": ["a", "b", "c", "d"], "value": [30.0, 20.0, 30.0, 50.0],
                          "comparable": [True, True, True, False]})
    monkeypatch.setattr(compare, "compare_cities", lambda *args, **kwargs: table.copy())
    out = compare.network_position(None, "foreign_citizens_share")
    assert list(out["rank"]) == [1, 3, 1, pd.NA] and out.network_median.iloc[0] == 30.0


def test_a_concept_without_a_label_is_named_by_its_id_in_the_caveat_never_none():
    row = SimpleNamespace(reference_concept="new_reference_concept", indicator_label="x", reference_geo_level="municipality",
                          year_used=2020, reference_year=2020)
    text = compare._caveat(row, {}, ("concept:new_concept",))
    assert text == "different concept: new_concept (network: new_reference_concept)"
    labelled = compare._caveat(row, {"new_concept": "New concept", "new_reference_concept": "Reference"}, ("concept:new_concept",))
    assert labelled == "different concept: New concept (network: Reference)"

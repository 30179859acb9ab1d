"""Promise: every compared value says in plain words why it is (not) comparable, and the rank,
median and distance are computed among comparable values only (analytics.compare outputs)."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analytics import catalog, compare
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

"""Promise: a comparison says which values are comparable, and a value on another territory,
concept or definition is never ranked with the others (analytics.rules.comparability,
analytics.compare)."""
import pandas as pd
import pytest

from analytics import compare, rules
from analytics.rules import HEADLINE_SHARES, MAX_YEAR_GAP

MUNICIPAL = {"concept": "foreign_citizenship", "geo_level": "municipality", "indicator_id": "foreign_citizens_share",
             "year": 2020}


def test_values_on_another_territory_are_not_comparable():
    other = {**MUNICIPAL, "geo_level": "governorate"}
    result = rules.comparability(MUNICIPAL, other)
    assert result["geo_level_differs"] is True and result["comparable"] is False
    assert result["concept_differs"] is False and result["indicator_differs"] is False


def test_same_concept_territory_and_indicator_are_comparable():
    result = rules.comparability(MUNICIPAL, dict(MUNICIPAL))
    assert result == {"concept_differs": False, "geo_level_differs": False, "indicator_differs": False,
                      "year_gap": 0, "year_gap_flag": False, "comparable": True}


def test_values_of_another_concept_are_not_comparable():
    result = rules.comparability(MUNICIPAL, {**MUNICIPAL, "concept": "foreign_born"})
    assert result["concept_differs"] is True and result["comparable"] is False


def test_values_of_another_indicator_are_not_comparable_but_a_missing_indicator_is_no_difference():
    assert rules.comparability(MUNICIPAL, {**MUNICIPAL, "indicator_id": "immigrants_share"})["comparable"] is False
    assert rules.comparability(MUNICIPAL, {**MUNICIPAL, "indicator_id": "immigrants_share"})["indicator_differs"] is True
    no_indicator = {k: v for k, v in MUNICIPAL.items() if k != "indicator_id"}
    assert rules.comparability(MUNICIPAL, no_indicator)["comparable"] is True
    assert rules.comparability(no_indicator, MUNICIPAL)["indicator_differs"] is False


def test_year_gap_is_flagged_beyond_the_allowed_gap_but_stays_comparable():
    at_limit = rules.comparability(MUNICIPAL, {**MUNICIPAL, "year": 2020 + MAX_YEAR_GAP})
    beyond = rules.comparability(MUNICIPAL, {**MUNICIPAL, "year": 2020 + MAX_YEAR_GAP + 1})
    before = rules.comparability(MUNICIPAL, {**MUNICIPAL, "year": 2020 - MAX_YEAR_GAP - 1})
    assert at_limit["year_gap"] == MAX_YEAR_GAP and at_limit["year_gap_flag"] is False
    assert beyond["year_gap"] == MAX_YEAR_GAP + 1 and beyond["year_gap_flag"] is True and beyond["comparable"] is True
    assert before["year_gap"] == -(MAX_YEAR_GAP + 1) and before["year_gap_flag"] is True
    assert rules.comparability(MUNICIPAL, {**MUNICIPAL, "year": 2023}, max_year_gap=3)["year_gap_flag"] is False
    assert MAX_YEAR_GAP == 2  # DESIGN.md: the documented gap


def test_a_missing_year_gives_no_gap_and_no_flag():
    result = rules.comparability(MUNICIPAL, {**MUNICIPAL, "year": None})
    assert result["year_gap"] is None and result["year_gap_flag"] is False


def test_amman_lyon_tangier_are_not_ranked_with_municipal_figures(con):
    """The network's headline shares are municipal; Amman and Tangier (governorate) and Lyon
    (metropolitan area) have figures for another territory: shown, flagged, never ranked."""
    table = compare.network_position(con, list(HEADLINE_SHARES))
    by_city = table.set_index("city_id")
    assert (by_city.reference_geo_level.dropna() == "municipality").all()
    for city in ("amman", "lyon", "tangier"):
        row = by_city.loc[city]
        assert row.geo_level != "municipality", f"precondition: {city}'s figure is not municipal"
        assert not row.comparable and row.geo_level_differs, city
        assert pd.isna(row["rank"]), f"{city} must not be ranked with municipal figures"
        assert f"territory:{row.geo_level}" in row.caveat_codes and "different territory" in row.caveat
    ranked = table[table["rank"].notna()]
    assert (ranked.geo_level == ranked.reference_geo_level).all() and len(ranked) == ranked.n_comparable.iloc[0]
    assert sorted(ranked["rank"].astype(int)) == list(range(1, len(ranked) + 1))
    # the median is that of the comparable values only
    assert ranked.network_median.iloc[0] == pytest.approx(ranked.value.median())


def test_compare_cities_flags_each_difference_against_the_network_reference(con):
    table = compare.compare_cities(con, list(HEADLINE_SHARES))
    have = table[table.value.notna()]
    assert (have.geo_level_differs == (have.geo_level != have.reference_geo_level)).all()
    assert (have.concept_differs == (have.concept != have.reference_concept)).all()
    assert (have.comparable == ~(have.geo_level_differs | have.concept_differs | have.indicator_differs)).all()
    assert (have.year_gap_flag == ((have.reference_year - have.year_used).abs() > MAX_YEAR_GAP)).all()
    missing = table[table.value.isna()]
    assert not missing.comparable.any() and (missing.caveat == "no data for this indicator").all()
    # comparable values come first, each group by value, largest first
    assert list(table.comparable) == sorted(table.comparable, reverse=True)
    assert list(have[have.comparable].value) == sorted(have[have.comparable].value, reverse=True)

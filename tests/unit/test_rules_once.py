"""Rules written once and used (issue 19): the comparability rule, the territory key, the
observation key, boolean parsing, the enumerations and the year gap each live in
analytics.rules, and every comparison goes through ``rules.comparability``."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from analytics import compare, rules

ROOT = Path(__file__).resolve().parents[2]


def test_comparability_flags_a_difference_of_territory_only():
    a = {"concept": "foreign_citizenship", "geo_level": "municipality", "year": 2020, "indicator_id": "foreign_citizens_share"}
    b = dict(a, geo_level="governorate")
    verdict = rules.comparability(a, b)
    assert verdict["geo_level_differs"] and not verdict["concept_differs"] and not verdict["comparable"]
    assert rules.comparability(a, dict(a))["comparable"]
    assert rules.comparability(a, dict(a, year=2010))["year_gap_flag"] and rules.comparability(a, dict(a, year=2010))["comparable"]


def test_amman_lyon_tangier_against_municipal_figures_differ_by_territory_only(con):
    """Same concept (foreign citizens), other territory (governorate, unité urbaine): not
    comparable, the reason is the territory, and no rank is given."""
    table = compare.network_position(con, "foreign_citizens_share", None, ["vienna", "madrid", "turin", "amman", "lyon", "tangier"])
    table = table.set_index("city_id")
    assert table.loc[["vienna", "madrid", "turin"], "geo_level"].eq("municipality").all()
    assert table.loc[["vienna", "madrid", "turin"], "comparable"].all()
    for city in ("amman", "lyon", "tangier"):
        row = table.loc[city]
        assert row.concept == "foreign_citizenship" == row.reference_concept
        assert row.geo_level != "municipality" and bool(row.geo_level_differs) and not bool(row.concept_differs)
        assert not bool(row.comparable) and pd.isna(row["rank"])
        assert any(code.startswith("territory:") for code in row.caveat_codes)


def test_compare_cities_asks_the_one_rule(con, monkeypatch):
    """compare_cities and city_vs_country take their verdicts from rules.comparability (fails
    when a comparison re-derives the rule inline)."""
    calls = []
    real = rules.comparability

    def spy(a, b, *args, **kwargs):
        calls.append((a, b))
        return real(a, b, *args, **kwargs)

    monkeypatch.setattr(compare, "comparability", spy)
    compare.compare_cities(con, "foreign_citizens_share", cities=["vienna", "amman"])
    assert len(calls) == 2
    calls.clear()
    compare.city_vs_country(con, ["lyon"])
    assert len(calls) == 1


def test_no_module_restates_the_comparability_rule():
    """Only analytics.rules compares concept and geo_level to decide comparability."""
    pattern = re.compile(r"\.concept\s*!=\s*\w*\.?ref|geo_level\s*!=\s*ref_level|\.concept\s*==\s*best\.concept")
    for path in [*ROOT.glob("analytics/*.py"), *ROOT.glob("report/*.py"), *ROOT.glob("views/*.py"), *ROOT.glob("briefs/*.py")]:
        if path.name == "rules.py":
            continue
        assert not pattern.search(path.read_text()), f"{path.relative_to(ROOT)} re-derives comparability"


def test_territory_key_one_line_per_territory():
    """One territory spelled two ways is one line; territory_id wins where the column exists."""
    frame = pd.DataFrame({"city_id": ["madrid", "madrid", "madrid"], "geo_level": ["municipality", "municipality", "metropolitan"],
                          "geo_unit": ["City of Madrid (municipality 28079)", "City of Madrid (municipality)",
                                       "Madrid (greater city, Eurostat ES001C)"]})
    keys = rules.territory_key(frame)
    assert keys.iloc[0] == keys.iloc[1] != keys.iloc[2]
    with_ids = frame.assign(territory_id=["es-28079", "es-28079-b", "es001c"])
    assert list(rules.territory_key(with_ids)) == ["es-28079", "es-28079-b", "es001c"]


def test_city_trend_draws_one_line_per_territory(con):
    from briefs.content import city_brief_content

    chart = city_brief_content(con, "madrid", "en").section("trends").charts[0]
    names = [trace.name for trace in chart.figure.data]
    assert len(names) == len(set(names))
    data = chart.data
    assert data.groupby("territory").ngroups == len(chart.figure.data) or len(chart.figure.data) >= data.territory.nunique()
    municipal = data[data.geo_level == "municipality"]
    assert municipal.territory.nunique() <= 1, "the municipality of Madrid spelled two ways is one line"


@pytest.mark.parametrize("value,expected", [("1", True), ("true", True), ("TRUE", True), ("yes", True), ("0", False),
                                            ("false", False), ("", False), (True, True), (False, False), (None, False)])
def test_booleans_are_parsed_one_way(value, expected):
    assert rules.parse_bool(value) is expected
    assert bool(rules.parse_bool_column([value]).iloc[0]) is expected


def test_keys_enumerations_and_year_gap_have_one_source():
    from analytics import catalog, export, ingest, validate

    assert tuple(export.OBSERVATION_KEY) == tuple(ingest.KEY) == tuple(validate.KEYS["observations"]) == rules.OBSERVATION_KEY
    assert catalog.GEO_LEVELS is rules.GEO_LEVELS and catalog.SOURCE_TYPES is rules.SOURCE_TYPES
    assert rules.MAX_YEAR_GAP == catalog.max_year_gap()
    for path in ("analytics/db.py", "analytics/ingest.py"):
        text = (ROOT / path).read_text()
        assert 'isin(["true", "1", "yes"])' not in text and '.eq("true")' not in text, f"{path} parses booleans itself"


def test_analytics_never_imports_briefs():
    """The data package does not depend on the document layer (the top-level command line does)."""
    for path in ROOT.glob("analytics/**/*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "briefs" or n.startswith(("briefs.", "report", "views", "ui")) for n in names), \
                f"{path.relative_to(ROOT)} imports {names}"


def test_indicator_roles_come_from_the_catalogue():
    """Which indicator is a card, a trend, a gap or a headline is set in indicators.yaml only."""
    import yaml

    from analytics import coverage, origins, peers, profile

    roles = yaml.safe_load((ROOT / "data" / "catalog" / "indicators.yaml").read_text())["roles"]
    assert profile.KEY_INDICATORS == tuple(roles["card"]) and profile.TREND_INDICATORS == tuple(roles["trend"])
    assert profile.REFUGEE_INDICATORS == tuple(roles["refugee"]) and coverage.CORE_INDICATORS == tuple(roles["gap"])
    assert rules.HEADLINE_SHARES == tuple(roles["headline"]) and rules.CITY_SHARE_INDICATORS == tuple(roles["city_share"])
    assert peers.REFUGEE_COUNT_INDICATORS == tuple(roles["refugee_count"])
    assert origins.CITY_ORIGIN_INDICATORS == tuple(roles["city_origins"])
    known = {i["indicator_id"] for i in yaml.safe_load((ROOT / "data" / "catalog" / "indicators.yaml").read_text())["indicators"]}
    for role, ids in roles.items():
        assert set(ids) <= known, f"role {role}: {set(ids) - known} not in the catalogue"
    with pytest.raises(KeyError, match="unknown indicator role"):
        rules.indicator_role("nonsense")

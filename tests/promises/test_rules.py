"""Promise: the rules are written once and mean what their docstrings say (analytics.rules):
booleans from CSV cells and URLs, official sources, rank SQL."""
import duckdb
import pytest

from analytics import rules


@pytest.mark.parametrize("text", ["1", "true", "TRUE", " Yes ", "on", "y", "t", True])
def test_true_words_read_as_true(text):
    assert rules.parse_bool(text) is True and rules.parse_bool(text, default=False) is True


@pytest.mark.parametrize("text", ["0", "false", "No", "off", "n", "f", "", "  ", False])
def test_false_words_read_as_false(text):
    assert rules.parse_bool(text, default=True) is False


@pytest.mark.parametrize("text", ["maybe", "2", "ja"])
def test_other_words_give_the_default(text):
    assert rules.parse_bool(text) is False and rules.parse_bool(text, default=True) is True


def test_none_gives_the_default():
    assert rules.parse_bool(None) is False and rules.parse_bool(None, default=True) is True


def test_official_sources_are_statistics_city_administrations_and_un_agencies():
    assert [k for k in rules.SOURCE_TYPES if rules.is_official(k)] == ["official_statistics", "city_administration", "un_agency"]
    assert not rules.is_official(None) and not rules.is_official("research")


def test_source_and_territory_ranks_follow_the_documented_order():
    assert rules.SOURCE_TYPES == ("official_statistics", "city_administration", "un_agency", "research", "secondary", "estimate")
    assert [rules.SOURCE_RANK[k] for k in rules.SOURCE_TYPES] == list(range(6))
    assert rules.GEO_LEVELS == ("municipality", "governorate", "metropolitan", "region", "district", "national")
    assert [rules.GEO_RANK[k] for k in rules.GEO_LEVELS] == list(range(6))


def test_case_sql_ranks_codes_and_gives_the_default_to_others():
    con = duckdb.connect()
    sql = rules.case_sql("k", {"a": 0, "b": 1}, default=7)
    assert sql == "CASE WHEN k = 'a' THEN 0 WHEN k = 'b' THEN 1 ELSE 7 END"
    assert con.execute(f"SELECT list({sql} ORDER BY k) FROM (SELECT unnest(['a', 'b', 'z']) AS k)").fetchone()[0] == [0, 1, 7]
    assert rules.case_sql("k", {"a": 0}).endswith("ELSE 9 END")


def test_effective_year_sql_defaults_to_the_observation_and_source_columns():
    assert rules.effective_year_sql().startswith("(o.year - CASE WHEN s.source_type IN (")


def test_headline_and_city_share_indicators():
    assert rules.HEADLINE_SHARES[0] == "foreign_citizens_share" and rules.CITY_SHARE_INDICATORS == rules.HEADLINE_SHARES[:3]
    assert rules.SMALL_NUMBER_THRESHOLD == 100

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


def test_the_year_gap_is_read_from_the_catalogue_at_every_call():
    """MAX_YEAR_GAP is the catalogue's comparability.max_year_gap (data/catalog/concepts.yaml), an int."""
    import yaml

    from analytics.paths import CATALOG_DIR

    expected = yaml.safe_load((CATALOG_DIR / "concepts.yaml").read_text(encoding="utf-8"))["comparability"]["max_year_gap"]
    gap = rules._catalog_year_gap()
    assert gap == int(expected) == rules.MAX_YEAR_GAP and type(gap) is int


def test_parse_bool_column_reads_every_cell_one_way_and_gives_booleans():
    import pandas as pd

    column = rules.parse_bool_column(["1", "no", "TRUE", None, "maybe", 1, 0, True, " yes "])
    assert list(column) == [True, False, True, False, False, True, False, True, True] and column.dtype == bool
    index = pd.Index([5, 7], name="row")
    assert list(rules.parse_bool_column(pd.Series(["t", "f"], index=index))) == [True, False]


def test_territory_key_one_territory_one_key():
    """A city's municipality is the city proper however a source spells it; any other territory is
    its name without the bracketed note, spaces collapsed, case folded; prefixed by city and level."""
    import pandas as pd

    frame = pd.DataFrame({"city_id": ["madrid", "madrid", "madrid", "madrid", "lyon"],
                          "geo_level": ["municipality", "municipality", "metropolitan", "metropolitan", "metropolitan"],
                          "geo_unit": ["City of Madrid (municipality 28079)", "Madrid", "Madrid  (greater city, ES001C)",
                                       "MADRID (Eurostat)  ", "Métropole de  Lyon (EPCI)"]})
    assert list(rules.territory_key(frame)) == ["madrid:municipality:", "madrid:municipality:", "madrid:metropolitan:madrid",
                                                "madrid:metropolitan:madrid", "lyon:metropolitan:métropole de lyon"]
    assert rules.territory_key(frame).index.equals(frame.index)


def test_territory_key_prefers_the_harmonised_territory_id_where_given():
    import pandas as pd

    frame = pd.DataFrame({"city_id": ["madrid", "madrid"], "geo_level": ["municipality", "region"],
                          "geo_unit": ["City of Madrid", "Comunidad de Madrid (NUTS ES30)"]})
    assert list(rules.territory_key(frame.assign(territory_id=["es-28079", "es30"]))) == ["es-28079", "es30"]
    partly = rules.territory_key(frame.assign(territory_id=[None, "es30"]))
    assert list(partly) == ["madrid:municipality:", "es30"]
    assert list(rules.territory_key(frame.assign(territory_id=[None, None]))) == ["madrid:municipality:", "madrid:region:comunidad de madrid"]
    ids = rules.territory_key(frame.assign(territory_id=[28079, 30]))
    assert list(ids) == ["28079", "30"]


def test_territory_key_without_city_or_level_columns_still_keys_by_name():
    import pandas as pd

    assert list(rules.territory_key(pd.DataFrame({"geo_unit": ["Tunis (gouvernorat)", "tunis"]}))) == ["::tunis", "::tunis"]
    assert list(rules.territory_key(pd.DataFrame({"city_id": ["tunis"], "geo_level": ["district"]}))) == ["tunis:district:"]
    no_names = pd.DataFrame({"city_id": ["tunis", "tunis"], "geo_level": ["district", "governorate"]}, index=[3, 8])
    assert list(rules.territory_key(no_names)) == ["tunis:district:", "tunis:governorate:"]
    assert list(rules.territory_key(pd.DataFrame({"city_id": ["tunis"], "geo_unit": ["Médina"]}, index=[4]))) == ["tunis::médina"]

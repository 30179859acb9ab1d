"""Promise: the figure shown is the official one unless it is more than
``rules.OFFICIAL_GRACE_YEARS`` years older than a secondary one (analytics.rules, choice rule)."""
import shutil

import duckdb
import pytest

from analytics import compare, rules


def test_official_grace_rule_vienna_city_figure_of_2023_beats_secondary_2024(fixture_db_path):
    """Vienna's foreign citizens' share: the City of Vienna's 2023 figure (34.25 %) is shown, not
    a secondary source's 2024 figure (35.4 %): one year newer is within the grace years."""
    con = duckdb.connect(str(fixture_db_path), read_only=True)
    row = compare.compare_cities(con, "foreign_citizens_share", cities=["vienna"]).iloc[0]
    assert (row.year_used, row.source_type, row.value) == (2023, "city_administration", pytest.approx(34.25))
    assert rules.OFFICIAL_GRACE_YEARS == 5


def test_effective_year_counts_non_official_figures_grace_years_older():
    con = duckdb.connect()
    kinds = list(rules.SOURCE_TYPES)
    rows = con.execute(f"SELECT t, {rules.effective_year_sql('y', 't')} FROM (SELECT 2020 AS y, unnest(?) AS t)",
                       [kinds]).fetchall()
    assert dict(rows) == {"official_statistics": 2020, "city_administration": 2020, "un_agency": 2020,
                          "research": 2015, "secondary": 2015, "estimate": 2015}


@pytest.fixture()
def amman_with_official(fixture_db_path, tmp_path):
    """A copy of the fixture where Amman (a secondary 2015 figure) also has an official figure."""
    path = tmp_path / "fixture.duckdb"
    shutil.copy2(fixture_db_path, path)
    con = duckdb.connect(str(path))
    official = con.execute("SELECT source_id FROM sources WHERE source_type = 'official_statistics' ORDER BY 1 LIMIT 1").fetchone()[0]

    def add(year, value):
        con.execute("""INSERT INTO observations SELECT * REPLACE (? AS year, ? AS value, ? AS source_id)
                       FROM observations WHERE city_id = 'amman' AND indicator_id = 'foreign_citizens_share'
                       AND breakdown = '' LIMIT 1""", [year, value, official])
    return con, add


@pytest.mark.parametrize("official_year, shown", [(2015, "official"), (2010, "official"), (2009, "secondary"),
                                                  (2016, "official")])
def test_official_grace_rule_boundary_amman(amman_with_official, official_year, shown):
    """Amman's secondary 2015 figure against an official one: official up to 5 years older (2010),
    the secondary one from 6 years (2009)."""
    con, add = amman_with_official
    add(official_year, 11.0)
    row = compare.compare_cities(con, "foreign_citizens_share", cities=["amman"]).iloc[0]
    if shown == "official":
        assert (row.source_type, row.year_used, row.value) == ("official_statistics", official_year, 11.0)
    else:
        assert (row.source_type, row.year_used) == ("secondary", 2015)
    assert row.n_alternatives == (1 if official_year == 2015 else 0)


def test_territory_closest_to_the_city_proper_wins_before_the_year(amman_with_official):
    con, add = amman_with_official
    con.execute("""INSERT INTO observations SELECT * REPLACE (2022 AS year, 'metropolitan' AS geo_level, 50.0 AS value)
                   FROM observations WHERE city_id = 'amman' AND indicator_id = 'foreign_citizens_share' AND breakdown = ''""")
    row = compare.compare_cities(con, "foreign_citizens_share", cities=["amman"]).iloc[0]
    assert (row.geo_level, row.year_used) == ("governorate", 2015)


def test_district_and_national_rows_never_stand_for_a_city(fixture_db_path):
    con = duckdb.connect(str(fixture_db_path), read_only=True)
    frame = compare.best_figures(con, "foreign_born_share", ["vienna"], best_only=False)
    assert set(frame.geo_level) <= set(rules.CITY_LEVELS) and "district" not in set(frame.geo_level)
    assert rules.CITY_LEVELS == ("municipality", "governorate", "metropolitan", "region")

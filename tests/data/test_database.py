"""Data tests on the built database: the contract, invariants and published totals."""
import pytest

from analytics.catalog import city_ids

CONTRACT = {
    "cities": ["city_id", "name", "country_iso3", "lat", "lon"],
    "sources": ["source_id", "title", "publisher", "url", "licence", "source_type", "retrieved_via"],
    "indicators": ["indicator_id", "label", "description", "unit", "concept", "theme"],
    "observations": ["city_id", "indicator_id", "concept", "year", "geo_unit", "geo_level", "breakdown",
                     "breakdown_value", "value", "unit", "source_id", "is_estimate", "note"],
    "areas": ["city_id", "area_id", "area_name", "area_level", "parent_area_id", "geometry", "area_km2", "source_id"],
    "area_counts": ["city_id", "area_id", "year", "group_id", "value", "source_id", "is_estimate"],
    "country_context": ["iso3", "indicator_id", "year", "breakdown_value", "source_id"],
}
KEYS = {
    "observations": "city_id, indicator_id, year, geo_unit, breakdown, breakdown_value, source_id",
    "areas": "city_id, area_id",
    "area_counts": "city_id, area_id, year, group_id, source_id",
    "country_context": "iso3, indicator_id, year, breakdown_value, source_id",
}


@pytest.mark.parametrize("table", CONTRACT)
def test_contract_columns(con, table):
    columns = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    assert set(CONTRACT[table]) <= columns


@pytest.mark.parametrize("table", KEYS)
def test_keys_unique(con, table):
    dup = con.execute(f"SELECT count(*) FROM (SELECT {KEYS[table]}, count(*) n FROM {table} GROUP BY ALL HAVING n > 1)").fetchone()[0]
    assert dup == 0


def test_every_catalog_city_has_observations(con):
    assert {r[0] for r in con.execute("SELECT DISTINCT city_id FROM observations").fetchall()} == set(city_ids())
    assert {r[0] for r in con.execute("SELECT city_id FROM cities").fetchall()} == set(city_ids())


def test_at_least_six_cities_have_area_counts(con):
    cities = {r[0] for r in con.execute("SELECT DISTINCT city_id FROM area_counts").fetchall()}
    assert len(cities) >= 6
    assert {"vienna", "madrid", "turin", "lisbon", "amman", "beirut"} <= cities


def test_every_city_has_areas(con):
    # Grenoble: no IRIS or quartier boundaries in the shared data (raw/grenoble/PROVENANCE.md).
    assert {r[0] for r in con.execute("SELECT DISTINCT city_id FROM areas").fetchall()} == set(city_ids()) - {"grenoble"}


@pytest.mark.parametrize("table", ["observations", "areas", "area_counts", "country_context", "cities"])
def test_every_row_has_a_known_source(con, table):
    orphans = con.execute(f"SELECT count(*) FROM {table} t LEFT JOIN sources s USING (source_id) WHERE s.source_id IS NULL").fetchone()[0]
    assert orphans == 0


def test_sources_have_publisher_url_and_type(con):
    bad = con.execute("SELECT count(*) FROM sources WHERE coalesce(publisher,'')='' OR coalesce(url,'')='' "
                      "OR source_type NOT IN ('official_statistics','un_agency','city_administration','research','secondary','estimate')").fetchone()[0]
    assert bad == 0


def test_shares_within_0_100(con):
    for table in ("observations", "country_context"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE unit='percent' AND (value < 0 OR value > 100)").fetchone()[0] == 0


def test_group_never_exceeds_total(con):
    over = con.execute("""
        SELECT count(*) FROM area_counts g JOIN area_counts t
          ON g.city_id=t.city_id AND g.area_id=t.area_id AND g.year=t.year AND g.source_id=t.source_id AND t.group_id='total'
        WHERE g.group_id <> 'total' AND g.value > t.value + 1e-6""").fetchone()[0]
    assert over == 0
    assert con.execute("SELECT count(*) FROM area_counts WHERE value < 0").fetchone()[0] == 0


def test_vienna_2022_total_matches_official_population(con):
    total = con.execute("SELECT sum(value) FROM area_counts WHERE city_id='vienna' AND year=2022 AND group_id='total'").fetchone()[0]
    assert total == 1_931_593
    assert con.execute("SELECT count(*) FROM areas WHERE city_id='vienna'").fetchone()[0] == 23


def test_lisbon_2011_totals(con):
    row = con.execute("""SELECT sum(value) FILTER (group_id='total'), sum(value) FILTER (group_id='foreign')
                         FROM area_counts WHERE city_id='lisbon' AND year=2011""").fetchone()
    assert row == (547_733, 31_833)


def test_madrid_barrios_add_up_to_districts(con):
    rows = con.execute("""
        SELECT a.parent_area_id, c.year, sum(c.value) AS barrios, any_value(d.value) AS district
        FROM area_counts c JOIN areas a USING (city_id, area_id)
        JOIN area_counts d ON d.city_id=c.city_id AND d.area_id=a.parent_area_id AND d.year=c.year AND d.group_id=c.group_id
        WHERE c.city_id='madrid' AND a.area_level='barrio' AND c.group_id='foreign' GROUP BY ALL""").fetchall()
    assert len(rows) == 21 * 4
    assert all(abs(b - d) < 1e-6 for _, _, b, d in rows)


def test_publication_figures_are_harmonised(con):
    lyon = con.execute("""SELECT count(*), sum(value) FROM area_counts WHERE city_id='lyon' AND year=2016 AND group_id='total'
                          AND source_id LIKE 'cur-lyoncapitale%'""").fetchone()
    assert lyon == (9, 515_596)  # 29,575 + 30,435 + ... + 50,607; the commune total published beside them is 515,695
    tangier = con.execute("""SELECT value, flag FROM observations WHERE city_id='tangier' AND indicator_id='foreign_citizens'
                             AND year=2014 AND geo_level='governorate' ORDER BY value""").fetchall()
    assert [v for v, _ in tangier] == [5155.0, 5299.0] and all("disagreement" in f for _, f in tangier)


def test_turin_counts_are_marked_estimates(con):
    assert con.execute("SELECT bool_and(is_estimate) FROM area_counts WHERE city_id='turin'").fetchone()[0] is True


def test_areas_geometries_are_wgs84_and_valid(con):
    import geopandas as gpd
    import shapely

    frame = con.execute("SELECT city_id, geometry FROM areas").df()
    geoms = shapely.from_wkb([bytes(g) for g in frame.geometry])
    assert shapely.is_valid(geoms).all()
    bounds = gpd.GeoSeries(geoms).total_bounds
    assert -10 < bounds[0] and bounds[2] < 40 and 30 < bounds[1] and bounds[3] < 49


def test_audit_drops_are_recorded_not_silent(con):
    excluded = con.execute("""SELECT count(*), count(*) FILTER (reason LIKE 'Audit:%') FROM excluded_observations
                              WHERE origin_file = 'city_indicators.csv'""").fetchone()
    assert excluded == (31, 12)  # 15 without year + 15 dropped + 1 replaced (curated_decisions.yaml)
    assert con.execute("SELECT count(*) FROM excluded_observations WHERE coalesce(reason, '') = ''").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM observations WHERE value = 119299").fetchone()[0] == 0


def test_disagreeing_figures_are_kept_and_flagged(con):
    # Madrid 1 Jan 2025: municipal revised extract vs INE official (curated README, "Disagreements kept side by side").
    # (The former example, foreign-born 2017 20.05 vs 20.5, was resolved by corrections_2: 20.05 is dropped.)
    rows = con.execute("""SELECT value FROM observations WHERE city_id='madrid' AND indicator_id='population_total'
                          AND year=2025 AND breakdown='' AND geo_level='municipality' ORDER BY value""").fetchall()
    assert [r[0] for r in rows] == [3506730, 3527924]
    flags = con.execute("""SELECT bool_and(flag LIKE '%disagreement%') FROM observations WHERE city_id='madrid'
                           AND indicator_id='population_total' AND year=2025 AND breakdown='' AND geo_level='municipality'""").fetchone()[0]
    assert flags


def test_un_desa_revisions_are_separate_series(con):
    ids = {r[0] for r in con.execute("SELECT DISTINCT indicator_id FROM country_context WHERE indicator_id LIKE 'migrant_%'").fetchall()}
    assert all(i.endswith(("_rev2024", "_rev2020")) for i in ids)


def test_build_info_has_a_data_version(con):
    version = con.execute("SELECT data_version FROM build_info").fetchone()[0]
    assert len(version) == 12

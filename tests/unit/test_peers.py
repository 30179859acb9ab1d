"""Peer-city finder (analytics.peers): a hand-checked Gower distance on a tiny in-memory
database, the invariants of the ranking, and a run on the real database for Vienna."""
import duckdb
import pandas as pd
import pytest

from analytics import peers
from analytics.db import SCHEMA_SQL

# Four invented cities (test fixture only): a (AUT), b (ITA), c (JOR), d (ZZZ: no region, no context).
CITIES = [("a", "A", "AUT"), ("b", "B", "ITA"), ("c", "C", "JOR"), ("d", "D", "ZZZ")]
POPULATION = {"a": (1_000_000, 2020), "b": (100_000, 2020), "c": (10_000, 2021), "d": (1_000, 2020)}
SHARE = {"a": (30.0, 2020), "b": (10.0, 2020), "c": (20.0, 2019)}
# national context, year 2022: refugees_unhcr, palestine_refugees_unrwa, population_worldbank
NATIONAL = {"AUT": (200, None, 10_000), "ITA": (100, None, 10_000), "JOR": (300, 200, 10_000)}
ORIGINS = {"AUT": ["SYR", "TUR", "DEU", "SRB", "POL"], "ITA": ["ROU", "MAR", "ALB", "SYR", "TUR"],
           "JOR": ["SYR", "EGY", "IRQ", "PSE", "YEM"]}


def _obs(city, indicator, concept, year, value, unit, level="municipality"):
    return (city, indicator, concept, year, f"{city} unit", level, "", "", float(value), unit, "src", False, "", "", "test")


@pytest.fixture()
def tiny():
    con = duckdb.connect(":memory:")
    con.execute(SCHEMA_SQL)
    con.executemany("INSERT INTO cities (city_id, name, country_iso3) VALUES (?, ?, ?)", CITIES)
    con.execute("INSERT INTO sources VALUES ('src', 'test', 'test', '', '', 'official_statistics', 'test')")
    con.executemany("INSERT INTO indicators VALUES (?, ?, '', ?, ?, 'test')", [
        ("population_total", "Population", "persons", "total"),
        ("foreign_citizens_share", "Foreign citizens (%)", "percent", "foreign_citizenship"),
        ("refugees", "Refugees", "persons", "other")])
    rows = [_obs(c, "population_total", "total", y, v, "persons") for c, (v, y) in POPULATION.items()]
    rows += [_obs(c, "foreign_citizens_share", "foreign_citizenship", y, v, "percent") for c, (v, y) in SHARE.items()]
    con.executemany(f"INSERT INTO observations VALUES ({', '.join('?' * 15)}, NULL)", rows)
    context = []
    for iso, (unhcr, unrwa, pop) in NATIONAL.items():
        context += [(iso, "refugees_unhcr", 2022, "total", unhcr), (iso, "population_worldbank", 2022, "total", pop)]
        if unrwa:
            context.append((iso, "palestine_refugees_unrwa", 2022, "total", unrwa))
        for rank, origin in enumerate(ORIGINS[iso]):
            context.append((iso, "migrant_stock_by_origin_rev2024", 2024, origin, 1000 - rank * 100))
    con.executemany("INSERT INTO country_context (iso3, indicator_id, year, breakdown_value, value, source_id) "
                    "VALUES (?, ?, ?, ?, ?, 'src')", context)
    names = sorted({o for v in ORIGINS.values() for o in v})
    con.execute("CREATE TABLE countries AS SELECT * FROM (VALUES " + ", ".join(f"('{n}', '{n}')" for n in names)
                + ") t(iso3, name)")
    yield con
    con.close()


def test_hand_checked_distances(tiny):
    # Ranges over all cities: log10 population 6, 5, 4, 3 -> R = 3; shares 30, 10, 20 -> R = 20;
    # national refugee shares AUT 200/10000 = 2 %, ITA 1 %, JOR (300 + 200)/10000 = 5 % -> R = 4.
    # a-b: size |6-5|/3 = 1/3; share |30-10|/20 = 1; refugees |2-1|/4 = 1/4;
    #      origins {SYR,TUR,DEU,SRB,POL} vs {ROU,MAR,ALB,SYR,TUR}: 1 - 2/8 = 3/4; region north/north, other country 1/2
    #      d = (1/3 + 1 + 1/4 + 3/4 + 1/2) / 5 = 2.8333 / 5 = 0.56667
    # a-c: size 2/3; share 10/20 = 1/2; refugees 3/4; origins 1 - 1/9 = 8/9; region north/east 1
    #      d = (2/3 + 1/2 + 3/4 + 8/9 + 1) / 5 = 3.80556 / 5 = 0.76111
    # a-d: only size in common (d has no share, no context, no region) -> not a peer
    out = peers.peer_cities(tiny, "a", k=None)
    assert list(out.city_id) == ["b", "c"]
    assert out.distance.tolist() == pytest.approx([(1 / 3 + 1 + 1 / 4 + 3 / 4 + 1 / 2) / 5, (2 / 3 + 1 / 2 + 3 / 4 + 8 / 9 + 1) / 5])
    b = out.iloc[0]
    assert b.n_indicators_used == 5 and b.indicators_used == "size,migrant_share,refugee_share,origins,region"
    assert b.size_distance == pytest.approx(1 / 3) and b.origins_distance == pytest.approx(0.75)
    assert b.reasons == "similar_refugee_share;shared_origins:SYR,TUR;same_region"
    # inputs for both cities, with years and the labelled national fallback
    assert (b.size_value_ref, b.size_year_ref, b.size_value_peer, b.size_year_peer) == (1_000_000, 2020, 100_000, 2020)
    assert b.refugee_share_value_ref == pytest.approx(2.0) and b.refugee_share_year_ref == 2022
    assert b.refugee_share_basis_ref.startswith("national:") and b.refugee_share_basis_peer.startswith("national:")
    assert "palestine_refugees_unrwa" in out.iloc[1].refugee_share_basis_peer  # Jordan: UNHCR + UNRWA
    assert out.iloc[1].refugee_share_value_peer == pytest.approx(5.0)
    assert (b.region_value_ref, b.region_value_peer) == ("north", "north")


def test_city_refugee_shares_are_used_when_both_cities_have_them(tiny):
    # a: 50,000 refugees / 1,000,000 = 5 %; b: 1,000 / 100,000 = 1 % (2021 vs population 2020: gap 1 <= 2)
    tiny.executemany(f"INSERT INTO observations VALUES ({', '.join('?' * 15)}, NULL)",
                     [_obs("a", "refugees", "other", 2020, 50_000, "persons"), _obs("b", "refugees", "other", 2021, 1_000, "persons")])
    out = peers.peer_cities(tiny, "a", k=None).set_index("city_id")
    assert out.loc["b", "refugee_share_basis_ref"] == "city:refugees/population_total:municipality"
    assert out.loc["b", "refugee_share_value_peer"] == pytest.approx(1.0)
    assert out.loc["b", "refugee_share_distance"] == pytest.approx(1.0)  # |5 - 1| / (5 - 1)
    # c has no city figure: the pair a-c falls back to the national shares of both countries
    assert out.loc["c", "refugee_share_basis_ref"].startswith("national:")
    assert out.loc["c", "refugee_share_distance"] == pytest.approx(0.75)


def test_invariants(tiny):
    everyone = {c for c, _, _ in CITIES}
    tables = {c: peers.peer_cities(tiny, c, k=None) for c in everyone}
    for city, table in tables.items():
        assert city not in set(table.city_id)                         # self never a peer
        assert (table.n_indicators_used >= peers.MIN_SHARED_INDICATORS).all()
        assert table.distance.between(0, 1).all() and table.distance.is_monotonic_increasing
        for row in table.itertuples():                                # symmetric
            back = tables[row.city_id].set_index("city_id").loc[city]
            assert back.distance == pytest.approx(row.distance)
            assert back.n_indicators_used == row.n_indicators_used
    assert tables["d"].empty                                          # d shares one indicator with everyone
    assert len(peers.peer_cities(tiny, "a", k=1)) == 1                # k respected
    assert peers.peer_ids(tiny, "b", k=2) == list(tables["b"].city_id[:2])
    with pytest.raises(KeyError, match="unknown city"):
        peers.peer_cities(tiny, "atlantis")


def test_region_catalog_covers_the_network_countries():
    shores = peers.regions()
    for iso in ("AUT", "ESP", "FRA", "ITA", "PRT"):
        assert shores[iso] == "north"
    for iso in ("MAR", "TUN"):
        assert shores[iso] == "south"
    for iso in ("JOR", "LBN"):
        assert shores[iso] == "east"
    assert set(shores.values()) == {"north", "south", "east"}


def test_vienna_on_the_real_database(con):
    out = peers.peer_cities(con, "vienna", k=3)
    assert len(out) == 3 and "vienna" not in set(out.city_id)
    assert (out.reference_city_id == "vienna").all() and (out.n_indicators_used >= 2).all()
    first = out.iloc[0]
    # Vienna's inputs trace to rows of the database: its size is a city-proper population
    # (Vienna had 1.9-2.1 million residents in 2015-2025 by every source; a district or national
    # figure would fail), cited with its year and source.
    assert 1_800_000 < first.size_value_ref < 2_100_000 and first.size_basis_ref == "municipality"
    assert con.execute("""SELECT count(*) FROM observations WHERE city_id = 'vienna' AND indicator_id = 'population_total'
                          AND year = ? AND value = ? AND source_id = ?""",
                       [int(first.size_year_ref), first.size_value_ref, first.size_source_id_ref]).fetchone()[0] >= 1
    assert first.region_value_ref == "north" and first.migrant_share_basis_ref == "foreign_citizens_share"
    assert first.refugee_share_basis_ref.startswith("national:refugees_unhcr")
    assert set(first.origins_value_ref.split(",")) >= {"SRB", "TUR", "DEU"}
    codes = {code.split(":")[0] for reasons in out.reasons for code in reasons.split(";") if code}
    assert codes <= {"similar_size", "similar_share", "similar_refugee_share", "shared_origins", "same_country", "same_region"}
    # every peer's own inputs exist in the database
    cities = set(con.execute("SELECT city_id FROM cities").df().city_id)
    assert set(out.city_id) <= cities
    assert peers.peer_ids(con, "vienna", 3) == list(out.city_id)
    assert isinstance(out, pd.DataFrame)


def test_fixture_database_shapes_and_peers(fixture_db_path):
    from analytics.db import connect

    con = connect(fixture_db_path)
    try:
        assert sorted(con.execute("SELECT city_id FROM cities").df().city_id) == ["amman", "lyon", "vienna"]
        groups = con.execute("SELECT city_id, list(DISTINCT group_id ORDER BY group_id) AS g FROM area_counts GROUP BY 1").df()
        groups = dict(zip(groups.city_id, groups.g))
        assert "foreign_origin" in groups["vienna"] and list(groups["lyon"]) == ["total"] and "amman" not in groups
        assert con.execute("SELECT count(*) FROM areas WHERE city_id = 'amman'").fetchone()[0] == 0
        out = peers.peer_cities(con, "vienna", k=5)
        assert set(out.city_id) == {"lyon", "amman"}
        assert out.set_index("city_id").loc["lyon", "reasons"].endswith("same_region")
    finally:
        con.close()


def test_precomputed_features_table_gives_the_same_peers(tiny):
    computed = peers.peer_cities(tiny, "a", k=None)
    features = peers.compute_peer_features(tiny)
    tiny.register("frame", features)
    tiny.execute("CREATE TABLE peer_features AS SELECT * FROM frame")
    tiny.unregister("frame")
    stored = peers.peer_cities(tiny, "a", k=None)
    pd.testing.assert_frame_equal(computed[["city_id", "distance", "reasons"]], stored[["city_id", "distance", "reasons"]])


@pytest.mark.slow
def test_peers_on_a_synthetic_database_built_by_the_documented_command(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from analytics.db import connect

    out = tmp_path / "synthetic.duckdb"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "synthetic", "--scale", "1", "--out", str(out)],
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    con = connect(out)
    try:
        cities = con.execute("SELECT city_id, name FROM cities").df()
        assert len(cities) == 9 and cities.city_id.str.startswith("synthetic-").all()
        assert cities.name.str.startswith("Synthetic city").all()
        assert con.execute("SELECT title, source_type FROM sources WHERE source_id = 'synthetic-generator'").fetchone() == \
            ("Synthetic benchmark data", "estimate")
        assert con.execute("SELECT count(*) FROM observations WHERE source_id <> 'synthetic-generator'").fetchone()[0] == 0
        with_districts = con.execute("""SELECT count(DISTINCT c.city_id) FROM area_counts c JOIN areas a USING (city_id, area_id)
                                        WHERE a.area_level = 'district' AND c.group_id = 'foreign'""").fetchone()[0]
        assert with_districts == 9                                     # every synthetic city has district counts
        table = peers.peer_cities(con, "synthetic-0000", k=3)
        assert len(table) == 3 and table.city_id.str.startswith("synthetic-").all()
    finally:
        con.close()
    again = subprocess.run([sys.executable, "-m", "benchmarks", "synthetic", "--scale", "1", "--out", str(root / "data" / "mc2cm.duckdb")],
                           cwd=root, capture_output=True, text=True, timeout=60)
    assert again.returncode != 0 and "real database" in again.stderr  # never over the real database

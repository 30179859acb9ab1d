"""Build and open the DuckDB database.

``build()`` reads the catalog and ``data/harmonised``, validates every table
(analytics.validate), writes a new database to a temporary file beside the target and swaps
it in with an atomic ``os.replace``. A failing check raises before the swap, so the previous
database stays untouched, byte for byte.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from analytics import catalog
from analytics.compare import SOURCE_RANK
from analytics.diskspace import DiskFull, free_bytes, is_disk_full, needed_for_build
from analytics.paths import HARMONISED_DIR, database_path
from analytics.rules import parse_bool_column

SCHEMA_SQL = """
CREATE TABLE cities (city_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, country_iso3 VARCHAR NOT NULL,
    country VARCHAR, lat DOUBLE, lon DOUBLE, geonameid BIGINT, pilot_project BOOLEAN, source_id VARCHAR,
    membership VARCHAR, membership_phase VARCHAR, membership_source_url VARCHAR, membership_note VARCHAR);
CREATE TABLE sources (source_id VARCHAR PRIMARY KEY, title VARCHAR, publisher VARCHAR, url VARCHAR,
    licence VARCHAR, source_type VARCHAR, retrieved_via VARCHAR);
CREATE TABLE indicators (indicator_id VARCHAR PRIMARY KEY, label VARCHAR, description VARCHAR, unit VARCHAR,
    concept VARCHAR, theme VARCHAR);
CREATE TABLE observations (city_id VARCHAR NOT NULL, indicator_id VARCHAR NOT NULL, concept VARCHAR NOT NULL,
    year INTEGER NOT NULL, geo_unit VARCHAR NOT NULL, geo_level VARCHAR NOT NULL, breakdown VARCHAR NOT NULL,
    breakdown_value VARCHAR NOT NULL, value DOUBLE NOT NULL, unit VARCHAR NOT NULL, source_id VARCHAR NOT NULL,
    is_estimate BOOLEAN NOT NULL, note VARCHAR, flag VARCHAR, origin_file VARCHAR, territory_id VARCHAR,
    PRIMARY KEY (city_id, indicator_id, year, geo_unit, breakdown, breakdown_value, source_id));
CREATE TABLE areas (city_id VARCHAR NOT NULL, area_id VARCHAR NOT NULL, area_name VARCHAR, area_level VARCHAR,
    parent_area_id VARCHAR, geometry BLOB, area_km2 DOUBLE, source_id VARCHAR NOT NULL,
    PRIMARY KEY (city_id, area_id));
CREATE TABLE area_counts (city_id VARCHAR NOT NULL, area_id VARCHAR NOT NULL, year INTEGER NOT NULL,
    group_id VARCHAR NOT NULL, value DOUBLE NOT NULL, source_id VARCHAR NOT NULL, is_estimate BOOLEAN NOT NULL,
    PRIMARY KEY (city_id, area_id, year, group_id, source_id));
CREATE TABLE country_context (iso3 VARCHAR NOT NULL, indicator_id VARCHAR NOT NULL, year INTEGER NOT NULL,
    breakdown_value VARCHAR NOT NULL, value DOUBLE NOT NULL, unit VARCHAR, concept VARCHAR,
    source_id VARCHAR NOT NULL, is_estimate BOOLEAN, note VARCHAR,
    PRIMARY KEY (iso3, indicator_id, year, breakdown_value, source_id));
"""


# Indicator x city availability, computed once per build (the coverage page reads it directly).
COVERAGE_SQL = f"""
CREATE TABLE coverage_cells AS
SELECT o.indicator_id, i.label AS indicator_label, i.theme, o.city_id, count(*) AS n_figures,
       min(o.year) AS first_year, max(o.year) AS latest_year, count(DISTINCT o.year) AS n_years,
       bool_or(o.is_estimate) AS any_estimate,
       min(CASE s.source_type {" ".join(f"WHEN '{k}' THEN {v}" for k, v in SOURCE_RANK.items())} ELSE 9 END) AS best_rank
FROM observations o JOIN sources s USING (source_id) JOIN indicators i USING (indicator_id)
GROUP BY ALL ORDER BY o.indicator_id, o.city_id
"""


INPUTS_CATALOG = "inputs.yaml"
# Read as text whatever they look like (an all-digit geo_unit or source_id is still a name).
TEXT_COLUMNS = ("city_id", "indicator_id", "concept", "geo_unit", "geo_level", "breakdown", "breakdown_value", "unit",
                "source_id", "note", "flag", "territory_id")


def expected_inputs(spec: dict | None = None) -> dict:
    """The inputs catalog (``data/catalog/inputs.yaml``): ``expected`` files and ``accepted`` patterns."""
    if spec is not None:
        return spec
    import yaml

    from analytics.paths import CATALOG_DIR

    with open(CATALOG_DIR / INPUTS_CATALOG, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check_inputs(harmonised: Path, spec: dict | None = None) -> None:
    """Refuse to build when an expected input file is missing (``ValidationError`` naming each).

    A file declared ``optional: true`` in the inputs catalog may be missing. Files matching an
    ``accepted`` pattern (new cities, new sources) are read when present and never required.
    """
    from analytics.validate import Problem, ValidationError

    spec = expected_inputs(spec)
    harmonised = Path(harmonised)
    problems = []
    if not harmonised.is_dir():
        problems.append(Problem("inputs", None, str(harmonised), "the harmonised data folder does not exist"))
    else:
        for entry in spec.get("expected", []):
            if not entry.get("optional", False) and not (harmonised / entry["file"]).is_file():
                problems.append(Problem("inputs", None, entry["file"],
                                        f"expected input file {harmonised / entry['file']} not found (declared in "
                                        f"data/catalog/{INPUTS_CATALOG}; mark it `optional: true` there if the build "
                                        f"may go on without it; `python -m analytics data` writes it)"))
    if problems:
        raise ValidationError(problems, label="build refused: input files missing")


def _read_csv(path: Path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[], encoding="utf-8", **kw)


def _observations(harmonised: Path, ingested: Path) -> pd.DataFrame:
    parts = []
    files = sorted(harmonised.glob("observations_*.csv")) + sorted(Path(ingested).glob("*.csv"))
    for path in files:
        frame = _read_csv(path, dtype=dict.fromkeys(TEXT_COLUMNS, str))
        if path.parent == Path(ingested):
            frame = frame[[c for c in frame.columns if c not in ("source_title", "publisher", "source_url",
                                                                  "licence", "source_type", "retrieved_via")]]
        frame["origin_file"] = path.name
        parts.append(frame)
    obs = pd.concat(parts, ignore_index=True)
    obs["value"] = pd.to_numeric(obs["value"], errors="coerce")  # non-numbers -> NaN, reported by validation
    obs["year"] = pd.to_numeric(obs["year"], errors="coerce").astype("Int64")
    obs["is_estimate"] = parse_bool_column(obs["is_estimate"]).to_numpy()
    for column in ("note", "flag"):
        obs[column] = obs[column].fillna("") if column in obs else ""
    return flag_disagreements(obs)


def flag_disagreements(obs: pd.DataFrame) -> pd.DataFrame:
    """Flag figures that another source (in any file) gives with another value for the same
    city, indicator, year, kind of territory and breakdown. Both are kept."""
    key = ["city_id", "indicator_id", "year", "geo_level", "breakdown", "breakdown_value"]
    spread = obs.groupby(key, dropna=False)["value"].transform("nunique")
    add = (spread > 1) & ~obs["flag"].str.contains("disagreement")
    obs.loc[add, "flag"] = (obs.loc[add, "flag"] + " disagreement").str.strip()
    return obs


def _ingested_sources(ingested: Path) -> pd.DataFrame:
    parts = []
    for path in sorted(ingested.glob("*.csv")):
        frame = _read_csv(path, dtype=str)
        parts.append(frame.rename(columns={"source_title": "title", "source_url": "url"})[
            ["source_id", "title", "publisher", "url", "licence", "source_type"]
        ].assign(retrieved_via=f"ingested file {path.name}").drop_duplicates("source_id"))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def load_tables(harmonised: Path = HARMONISED_DIR, ingested: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read the catalog and the harmonised files into the tables of the database contract."""
    import geopandas as gpd

    check_inputs(harmonised)
    ingested = ingested if ingested is not None else harmonised / "ingested"
    user_sources = _ingested_sources(ingested)
    derived = [_read_csv(path, dtype=str) for path in sorted(harmonised.glob("sources_*.csv"))]
    sources = pd.concat([catalog.catalog_sources(), *derived, user_sources], ignore_index=True).drop_duplicates()
    # An ingested file may cite a source the catalog already describes (checked equal at ingest): keep the catalog's.
    ingested_ids = set(user_sources.get("source_id", pd.Series(dtype=str)))
    sources = sources[~(sources.source_id.duplicated(keep="first") & sources.source_id.isin(ingested_ids))]
    areas = []
    for path in sorted(harmonised.glob("areas_*.geojson")):
        gdf = gpd.read_file(path)
        frame = pd.DataFrame(gdf.drop(columns="geometry"))
        frame["parent_area_id"] = frame["parent_area_id"].fillna("")
        frame["area_id"] = frame["area_id"].astype(str)
        frame["geometry"] = gdf.geometry.to_wkb()
        areas.append(frame)
    counts = pd.concat([_read_csv(p, dtype={"area_id": str}) for p in sorted(harmonised.glob("area_counts_*.csv"))],
                       ignore_index=True)
    counts["value"] = pd.to_numeric(counts["value"], errors="coerce")
    counts["year"] = pd.to_numeric(counts["year"], errors="coerce").astype("Int64")
    counts["is_estimate"] = parse_bool_column(counts["is_estimate"]).to_numpy()
    context = _read_csv(harmonised / "country_context.csv", dtype={"breakdown_value": str, "note": str})
    context["value"] = pd.to_numeric(context["value"], errors="coerce")
    context["is_estimate"] = parse_bool_column(context["is_estimate"]).to_numpy()
    cities, network_members = _cities_and_members(harmonised)
    return {
        "cities": cities,
        "sources": sources.fillna({"retrieved_via": ""}).reset_index(drop=True),
        "indicators": catalog.indicators(),
        "context_indicators": catalog.context_indicators(),
        "observations": _observations(harmonised, ingested),
        "areas": pd.concat(areas, ignore_index=True),
        "area_counts": counts,
        "country_context": context,
        "area_groups": catalog.area_groups(),
        "concepts": catalog.concepts(),
        "geo_levels": catalog.geo_levels(),
        "themes": catalog.themes(),
        "countries": _read_csv(harmonised / "countries.csv"),
        "excluded_observations": pd.concat([_read_csv(p, dtype=str) for p in sorted(harmonised.glob("excluded_*.csv"))],
                                           ignore_index=True),
        "network_activities": _read_csv(harmonised / "network_activities.csv", dtype=str),
        "network_members": network_members,
        "world_countries": _world(harmonised / "world_countries.geojson"),
        # issue 20: the canonical territories, the corrections log and the producers' release calendar
        "territories": _territories(),
        "corrections": _corrections(),
        "releases": catalog.releases(),
    }


def _territories() -> pd.DataFrame:
    from analytics.harmonise.conventions import territories

    return territories()


def _corrections() -> pd.DataFrame:
    from analytics.harmonise.conventions import corrections_table

    return corrections_table()


MEMBERSHIP_COLUMNS = ["membership", "membership_phase", "membership_source_url", "membership_note"]


def _cities_and_members(harmonised: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cities table with each city's membership (harmonise.members), and the cities named in
    ``mc2cm_members.csv`` that are not in the catalog (event host, partner city, candidates):
    ``network_members``, so they can be listed without being counted as members."""
    cities = _read_csv(harmonised / "cities.csv")
    cities["pilot_project"] = parse_bool_column(cities["pilot_project"]).to_numpy()
    members = _read_csv(harmonised / "network_members.csv", dtype=str)
    in_catalog = members.city_id != ""
    cities = cities.merge(members.loc[in_catalog, ["city_id", *MEMBERSHIP_COLUMNS]], on="city_id", how="left", validate="1:1")
    others = members.loc[~in_catalog].drop(columns="city_id").reset_index(drop=True)
    return cities, others


def _world(path: Path) -> pd.DataFrame:
    import geopandas as gpd

    gdf = gpd.read_file(path)
    frame = pd.DataFrame(gdf.drop(columns="geometry"))
    frame["geometry"] = gdf.geometry.to_wkb()
    return frame


def data_version(tables: dict[str, pd.DataFrame]) -> str:
    """Content hash of the tables (the data version cited in downloads)."""
    digest = hashlib.sha256()
    for name in sorted(tables):
        frame = tables[name].drop(columns=["geometry"], errors="ignore")
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes())
    return digest.hexdigest()[:12]


def write_derived_tables(con) -> None:
    """Network-wide results that depend only on the data, computed once per build so that the
    pages read them in a few milliseconds: cross-city segregation indices, origins shared across
    the network, the small-multiples classification and the inputs of the peer distance (one
    row per city: 1 s per peer query at 100x when computed on the fly)."""
    from analytics import origins, peers, spatial

    work = con.cursor()  # the analytics read through their own cursor; tables are written through con
    for name, frame in (("network_indices", spatial.compute_cross_city_indices(work)),
                        ("network_shared_origins", origins.compute_shared_origins(work)),
                        ("peer_features", peers.compute_peer_features(work))):
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    small = spatial.compute_small_multiples(work)
    work.close()
    if not small.empty:
        bins = pd.DataFrame({"upper_bound": small.attrs["bins"]})
        for name, frame in (("small_multiples", small), ("small_multiples_bins", bins)):
            con.register("frame", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            con.unregister("frame")


def write_database(tables: dict[str, pd.DataFrame], target: Path, derive: bool = True) -> Path:
    """Write ``tables`` to a temporary file and atomically replace ``target`` (``derive``: also
    the network-wide derived tables, see write_derived_tables)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f"{target.name}.tmp*"):  # left by a build that was killed
        stale.unlink(missing_ok=True)
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    needed = needed_for_build(target)
    if needed and free_bytes(target.parent) < needed:  # refused before writing anything
        raise DiskFull(target.parent, needed, "build")
    con = None
    try:
        con = duckdb.connect(str(tmp))
        con.execute(SCHEMA_SQL)
        contract = {"cities", "sources", "indicators", "observations", "areas", "area_counts", "country_context"}
        for name, frame in tables.items():
            con.register("frame", frame)
            if name in contract:
                columns = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
                present = [c for c in columns if c in frame.columns]
                # Stored in the order the pages filter by, so DuckDB's zone maps skip most row groups.
                order = {"observations": " ORDER BY indicator_id, city_id, year", "area_counts": " ORDER BY city_id, year, area_id",
                         "country_context": " ORDER BY iso3, indicator_id, year"}.get(name, "")
                con.execute(f"INSERT INTO {name} ({', '.join(present)}) SELECT {', '.join(present)} FROM frame{order}")
            else:
                con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            con.unregister("frame")
        con.execute(COVERAGE_SQL)
        info = {"data_version": data_version(tables), "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        con.execute("CREATE TABLE build_info AS SELECT * FROM (VALUES (?, ?)) t(data_version, built_at)",
                    [info["data_version"], info["built_at"]])
        if derive:
            write_derived_tables(con)
        con.execute("CHECKPOINT")
        con.close()
        con = None
        os.replace(tmp, target)
    except Exception as error:
        if is_disk_full(error):
            written = _remove_temporary(con, tmp)
            con = None
            raise DiskFull(target.parent, needed, "build", written) from None
        raise
    finally:
        _remove_temporary(con, tmp)
    return target


def _remove_temporary(con, tmp: Path) -> int:
    """Close ``con`` and remove the new file, its write-ahead log and any spill folder of DuckDB;
    returns the bytes they held."""
    if con is not None:
        try:
            con.close()
        except Exception:  # noqa: BLE001 -- closing a connection whose disk is full may fail too
            pass
    held = 0
    for path in (tmp, tmp.with_name(tmp.name + ".wal")):
        try:
            held += path.stat().st_size
        except OSError:
            pass
        path.unlink(missing_ok=True)
    shutil.rmtree(tmp.with_name(tmp.name + ".tmp"), ignore_errors=True)
    return held


def build(target: Path | None = None, harmonised: Path = HARMONISED_DIR, ingested: Path | None = None) -> dict:
    """Validate the harmonised data and (re)build the database atomically. Returns row counts and timing.

    Holds the one lock of build, ingest and publish (``analytics.ingest.data_lock``) and first
    finishes an ingest that was killed after its commit point, or undoes one killed before it
    (``analytics.ingest.recover``): the build then includes every figure that is live.
    """
    from analytics.ingest import data_lock, recover
    from analytics.validate import validate_tables  # pandera: only the build needs it, not the app's start path

    start = time.perf_counter()
    target = Path(target) if target else database_path()
    with data_lock(harmonised):
        recovered = [step for step in recover(harmonised, target) if step.startswith("rolled_forward:")]
        tables = load_tables(harmonised, ingested)
        validate_tables(tables)
        path = write_database(tables, target)
    counts = {name: len(frame) for name, frame in tables.items()}
    result = {"path": str(path), "seconds": round(time.perf_counter() - start, 2), "rows": counts}
    if recovered:
        result["completed_interrupted_ingests"] = [step.split(":", 1)[1] for step in recovered]
    return result


def connect(path: Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the data (read-only by default) through analytics.store.open_store: a DuckDB file, a
    published Parquet directory or a remote store; a clear error if it has not been built."""
    from analytics.store import open_store

    return open_store(path, read_only=read_only)


def summary(path: Path | None = None) -> str:
    con = connect(path)
    rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()}
    return json.dumps(rows, indent=2)

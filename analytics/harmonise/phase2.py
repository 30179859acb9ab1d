"""Figures for the cities that joined after 2018 (``curated/network_cities_phase2.csv``) ->
observations, their sources, exclusions.

Same columns and conventions as ``city_indicators.csv`` (curated/README.md, "phase 2"), so the
rules of :mod:`analytics.harmonise.curated` apply unchanged: territory -> geo_level from
``catalog/geo_units.yaml``, ``APPROXIMATE`` -> ``is_estimate``, source id and type from the
publisher and URL, rows without a reference year excluded with the curated reason. Two rows
carry ``CAUTION``: Sfax and Tunis *together* (about 21,000 migrants, about 80 % of the national
total). A figure for two cities cannot stand for Sfax, nor be placed on Tunis, so both are
excluded and recorded with that reason in ``excluded_phase2.csv`` (never dropped silently).

Outline: load -> clean -> check -> save ``observations_phase2.csv``, ``sources_phase2.csv``,
``excluded_phase2.csv``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics import catalog
from analytics.harmonise._common import raw_file, require
from analytics.harmonise.curated import (
    APPROXIMATE_PATTERN, EXPECTED_COLUMNS, OBSERVATION_COLUMNS, SOURCE_COLUMNS, cited_licence, classify_source_type, make_source_id,
)

FILE = "network_cities_phase2.csv"
N_ROWS = 39
CITIES = {"casablanca": 10, "grenoble": 19, "sfax": 5, "sousse": 5}  # rows per city (curated/README.md)
COMBINED_UNIT_REASON = ("CAUTION in the source row: the figure is for Sfax and Tunis together (two cities); it cannot "
                        "stand for Sfax alone nor be placed on Tunis.")
EXCLUDED_COLUMNS = ["origin_file", "curated_row", "city_id", "indicator", "definition", "value", "unit", "year", "geo_unit",
                    "breakdown", "breakdown_value", "publisher", "source_url", "reason"]


def load(raw_dir: Path) -> pd.DataFrame:
    path = raw_file(raw_dir, "curated", FILE)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    require(list(frame.columns) == EXPECTED_COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
    require(len(frame) == N_ROWS, f"{path}: expected {N_ROWS} rows, found {len(frame)}")
    frame.insert(0, "row", range(len(frame)))
    return frame


def clean(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (observations, sources, excluded)."""
    geo = pd.DataFrame(catalog.load_yaml("geo_units")["geo_units"])
    geo_level = {(g.city, g.geo_unit): g.geo_level for g in geo.itertuples()}
    no_year_reason = catalog.load_yaml("curated_decisions")["no_year_reason"]
    frame = frame.assign(city_id=frame.city.str.lower(), value=pd.to_numeric(frame.value, errors="raise"))

    reasons = pd.Series("", index=frame.index)
    reasons[frame.note.str.contains("CAUTION") & frame.geo_unit.str.contains("combined")] = COMBINED_UNIT_REASON
    reasons[(reasons == "") & (frame.year.str.strip() == "")] = no_year_reason
    dropped = reasons != ""
    excluded = frame[dropped].assign(reason=reasons[dropped], origin_file=FILE).rename(columns={"row": "curated_row"})
    kept = frame[~dropped].copy()

    kept["year"] = kept.year.astype(int)
    kept["geo_level"] = [geo_level.get((c, u)) for c, u in zip(kept.city, kept.geo_unit)]
    kept["indicator_id"] = kept.indicator
    kept["concept"] = kept.definition
    kept["source_id"] = [make_source_id(p, u) for p, u in zip(kept.publisher, kept.source_url)]
    kept["is_estimate"] = kept.note.str.contains(APPROXIMATE_PATTERN)
    kept["flag"] = ""
    # Figures another source gives differently are flagged at build (analytics.db.flag_disagreements).

    sources = (
        kept.drop_duplicates("source_id")
        .assign(title=lambda d: d.source_title, url=lambda d: d.source_url,
                licence=cited_licence(),
                source_type=lambda d: d.publisher.map(classify_source_type))
        [SOURCE_COLUMNS].sort_values("source_id")
    )
    observations = kept[OBSERVATION_COLUMNS].sort_values(
        ["city_id", "indicator_id", "year", "geo_unit", "breakdown", "breakdown_value", "source_id"])
    return observations.reset_index(drop=True), sources.reset_index(drop=True), excluded[EXCLUDED_COLUMNS]


def check(observations: pd.DataFrame, sources: pd.DataFrame, excluded: pd.DataFrame) -> None:
    require(len(observations) + len(excluded) == N_ROWS, "phase2: rows lost between load and save")
    require(len(excluded) == 3, f"phase2: expected 2 combined-unit CAUTION rows + 1 row without year, got {len(excluded)}")
    require(set(observations.city_id) == set(CITIES) and set(CITIES) <= set(catalog.city_ids()),
            f"phase2: cities {sorted(set(observations.city_id))} are not the 4 later members of catalog/cities.yaml")
    unknown = set(observations.indicator_id) - set(catalog.indicators().indicator_id)
    require(not unknown, f"phase2: indicators missing from catalog/indicators.yaml: {sorted(unknown)}")
    require(observations.geo_level.notna().all(),
            f"phase2: geo_unit without geo_level in catalog/geo_units.yaml: "
            f"{observations[observations.geo_level.isna()].geo_unit.unique().tolist()}")
    require(set(observations.concept) <= set(catalog.CONCEPTS), "phase2: unknown concept")
    key = ["city_id", "indicator_id", "year", "geo_unit", "breakdown", "breakdown_value", "source_id"]
    require(not observations.duplicated(key).any(), "phase2: duplicate observation keys")
    share = observations.unit == "percent"
    require(observations.loc[share, "value"].between(0, 100).all(), "phase2: a share outside 0..100")
    require((observations.loc[~share, "value"] >= 0).all(), "phase2: negative count")
    require(set(observations.source_id) <= set(sources.source_id), "phase2: observation without source")
    commune = observations[(observations.city_id == "casablanca") & (observations.indicator_id == "population_total")
                           & (observations.year == 2024)]
    require(commune.value.tolist() == [3_215_935], "phase2: Casablanca commune 2024 population is not 3,215,935")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    observations, sources, excluded = clean(load(raw_dir))
    check(observations, sources, excluded)
    from analytics.harmonise import conventions

    observations = conventions.finish(observations, "phase2")
    sources = conventions.finish_sources(sources, "phase2")
    paths = [out_dir / "observations_phase2.csv", out_dir / "sources_phase2.csv", out_dir / "excluded_phase2.csv"]
    for frame, path in zip((observations, sources, excluded), paths):
        frame.to_csv(path, index=False, lineterminator="\n")
    return paths

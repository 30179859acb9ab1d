"""Official city series (``curated/city_series_official.csv``) -> observations and their sources.

Outline: load (15 columns, 98 rows) -> clean (city, indicator, concept, territory, source) ->
check -> save ``observations_official.csv`` and ``sources_official.csv``.

The file holds figures of the cities' statistics offices: Stadt Wien's Integrations- und
Diversitätsmonitor 2023 (register shares 2002-2023, Mikrozensus migration background 2008-2023,
2023 counts) and the CIUDAD column of the Ayuntamiento de Madrid's Panel de indicadores
(2019, 2020, 2022, 2023), plus official figures of INSEE (Lyon), INE Portugal (Lisbon) and HCP
(Tangier) read on secondary pages. The source type follows the page that was read
(:func:`analytics.harmonise.curated.classify_source_type`, the same rule as the curated figures):
a secondary page that quotes a producer stays ``secondary`` and its note says whom it quotes.

References
----------
Curated README, section "city_series_official.csv and corrections_2.csv".
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics import catalog
from analytics.harmonise import conventions
from analytics.harmonise._common import raw_file, require
from analytics.harmonise.curated import (
    APPROXIMATE_PATTERN, EXPECTED_COLUMNS, OBSERVATION_COLUMNS, SOURCE_COLUMNS, cited_licence, classify_source_type,
    make_source_id,
)

N_ROWS = 98
# The file's territory labels that name a catalog territory differently (same territory).
GEO_UNIT_ALIASES = {"Lyon (commune, 69123)": "Commune de Lyon (69123)"}
# Rows read in a shared raw file whose catalog source states the licence: publisher prefix -> catalog source.
LICENCE_FROM_CATALOG = {"Ayuntamiento de Madrid, Panel de indicadores": "madrid_panel_indicadores"}
SECONDARY_NOTE = "[Official figure read on a secondary page: {publisher}.]"
# Pinned from the README table: (city, indicator) -> number of rows.
EXPECTED_ROWS = {
    ("vienna", "foreign_citizens_share"): 22, ("vienna", "foreign_born_share"): 22,
    ("vienna", "foreign_origin_share"): 22, ("vienna", "migration_background_share"): 15,  # 16 in the file; 2023 (carried forward) dropped: correction c3-04
    ("vienna", "foreign_citizens"): 1, ("vienna", "nationals"): 1, ("vienna", "foreign_origin"): 1,
    ("madrid", "foreign_citizens"): 4, ("madrid", "nationals"): 4, ("lyon", "population_total"): 3,
    ("lisbon", "population_total"): 1, ("tangier", "foreign_citizens_share_of_national_total"): 1,
}
EXPECTED_TYPES = {"vienna": "city_administration", "madrid": "city_administration", "lyon": "secondary",
                  "lisbon": "secondary", "tangier": "secondary"}


def load(raw_dir: Path) -> pd.DataFrame:
    """Read the file as text (values are parsed in :func:`clean`)."""
    path = raw_file(raw_dir, "curated", "city_series_official.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    require(list(frame.columns) == EXPECTED_COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
    require(len(frame) == N_ROWS, f"{path}: expected {N_ROWS} rows, found {len(frame)}")
    for column in ("value", "year"):
        bad = pd.to_numeric(frame[column], errors="coerce").isna()
        require(not bad.any(), f"{path}, row {int(bad.idxmax()) + 2}, column {column}: "
                               f"not a number ({frame.loc[bad.idxmax(), column]!r})")
    return frame


def _licence(publisher: str, sources: pd.DataFrame) -> str:
    for prefix, source_id in LICENCE_FROM_CATALOG.items():
        if publisher.startswith(prefix):
            return sources.loc[sources.source_id == source_id, "licence"].iloc[0]
    return cited_licence()


def clean(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (observations, sources) in the layout of the curated step."""
    geo = pd.DataFrame(catalog.load_yaml("geo_units")["geo_units"])
    geo_level = {(g.city, g.geo_unit): g.geo_level for g in geo.itertuples()}
    frame = frame.copy()
    frame["city_id"] = frame["city"].str.lower()
    frame["indicator_id"] = frame["indicator"]
    frame["concept"] = frame["definition"]
    frame["value"] = pd.to_numeric(frame["value"])
    frame["year"] = frame["year"].astype(int)
    frame["geo_unit"] = frame["geo_unit"].replace(GEO_UNIT_ALIASES)
    frame["geo_level"] = [geo_level.get((c, u)) for c, u in zip(frame.city, frame.geo_unit)]
    frame["source_id"] = [make_source_id(p, u) for p, u in zip(frame.publisher, frame.source_url)]
    frame["source_type"] = frame.publisher.map(classify_source_type)
    secondary = frame.source_type == "secondary"
    frame.loc[secondary, "note"] = [f"{n} {SECONDARY_NOTE.format(publisher=p)}".strip()
                                    for n, p in zip(frame.note[secondary], frame.publisher[secondary])]
    frame["is_estimate"] = frame["note"].str.contains(APPROXIMATE_PATTERN)
    frame["flag"] = ""

    catalog_sources = catalog.catalog_sources()
    sources = (
        frame.drop_duplicates("source_id")
        .assign(title=lambda d: d.source_title, url=lambda d: d.source_url,
                licence=lambda d: d.publisher.map(lambda p: _licence(p, catalog_sources)),
                retrieved_via=lambda d: d.retrieved_via + " [curated/city_series_official.csv]")
        [SOURCE_COLUMNS]
        .sort_values("source_id")
    )
    observations = frame[OBSERVATION_COLUMNS].sort_values(
        ["city_id", "indicator_id", "year", "breakdown", "breakdown_value", "source_id"]
    )
    return observations.reset_index(drop=True), sources.reset_index(drop=True)


def check(observations: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Assumptions about the file: catalog indicators and concepts, territories, counts, types."""
    indicators = catalog.indicators().set_index("indicator_id")
    unknown = set(observations.indicator_id) - set(indicators.index)
    require(not unknown, f"official_series: indicators missing from catalog/indicators.yaml: {sorted(unknown)}")
    wrong = observations[observations.concept != observations.indicator_id.map(indicators.concept)]
    require(wrong.empty, f"official_series: concept differs from the catalog's for "
                         f"{wrong[['city_id', 'indicator_id', 'concept']].drop_duplicates().to_dict('records')}")
    require(observations.geo_level.notna().all(),
            f"official_series: geo_unit without geo_level in catalog/geo_units.yaml: "
            f"{observations[observations.geo_level.isna()].geo_unit.unique().tolist()}")
    counts = observations.groupby(["city_id", "indicator_id"]).size().to_dict()
    require(counts == EXPECTED_ROWS, f"official_series: rows per city and indicator {counts} != {EXPECTED_ROWS}")
    key = ["city_id", "indicator_id", "year", "geo_unit", "breakdown", "breakdown_value", "source_id"]
    require(not observations.duplicated(key).any(), "official_series: duplicate observation key")
    require(observations.territory_id.notna().all(), "official_series: an observation without territory_id")
    share = observations.unit == "percent"
    require(observations.loc[share, "value"].between(0, 100).all(), "official_series: a share outside 0..100")
    require((observations.value >= 0).all(), "official_series: negative value")
    types = dict(zip(sources.source_id, sources.source_type))
    got = observations.assign(t=observations.source_id.map(types)).groupby("city_id").t.agg(set).to_dict()
    require(got == {c: {t} for c, t in EXPECTED_TYPES.items()}, f"official_series: source types {got}")
    require(sources.licence.str.strip().ne("").all(), "official_series: a source without licence")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    observations, sources = clean(load(raw_dir))
    observations = conventions.finish(observations, "official_series")
    check(observations, sources)
    paths = [out_dir / "observations_official.csv", out_dir / "sources_official.csv"]
    for frame, path in zip((observations, sources), paths):
        frame.to_csv(path, index=False, lineterminator="\n")
    return paths

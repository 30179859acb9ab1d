"""Vienna (``raw/vienna``) -> 23 districts and counts by origin group, 2002-2022.

Traps handled (see PROVENANCE.md): boundaries are in EPSG:31256 and are reprojected; the counts'
DISTRICT_CODE (9xx00) joins to BEZNR as ``DISTRICT_CODE // 100 - 900`` (never to the boundary
file's own DISTRICT_CODE); "Herkunft" groups mean foreign citizen OR born abroad, so they are
stored as ``foreign_origin`` (concept migration_background), not as foreign citizens.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise._common import (
    check_groups_within_total, long_counts, raw_file, require, simplify_to_wgs84, write_area_counts, write_areas,
)

CITY = "vienna"
TOTAL_2022 = 1_931_593


def load(raw_dir: Path):
    import geopandas as gpd

    boundaries = gpd.read_file(raw_file(raw_dir, "raw", "vienna", "BEZIRKSGRENZEOGD.json"))
    counts = pd.read_csv(raw_file(raw_dir, "raw", "vienna", "vie-bez-pop-sex-age5-stk-ori-geo4-2002f.csv"),
                         sep=";", skiprows=1)
    return boundaries, counts


def clean(boundaries, counts):
    require(boundaries.crs is not None and boundaries.crs.to_epsg() == 31256, "vienna: boundaries not in EPSG:31256")
    require(len(boundaries) == 23, "vienna: expected 23 districts")
    areas = boundaries.assign(
        city_id=CITY, area_id=boundaries.BEZNR.astype(int).map(lambda n: f"{n:02d}"),
        area_name=boundaries.NAMEK_NUM, area_level="district", parent_area_id="",
        source_id="vienna_district_boundaries",
    )
    areas = simplify_to_wgs84(areas)

    require(not counts.isna().any().any(), "vienna: missing values in counts")
    counts = counts.assign(BEZNR=counts.DISTRICT_CODE // 100 - 900)
    wide = counts.groupby(["BEZNR", "REF_YEAR"], as_index=False)[["AUT", "EEA", "REU", "TCN"]].sum()
    wide["total"] = wide[["AUT", "EEA", "REU", "TCN"]].sum(axis=1)
    wide["foreign_origin"] = wide[["EEA", "REU", "TCN"]].sum(axis=1)
    wide["area_id"] = wide.BEZNR.map(lambda n: f"{n:02d}")
    groups = {"total": "total", "foreign_origin": "foreign_origin", "EEA": "eu_eea",
              "REU": "rest_of_europe", "TCN": "third_country"}
    parts = [
        long_counts(sub, CITY, int(year), groups, "vienna_ma23_population_origin", False)
        for year, sub in wide.groupby("REF_YEAR")
    ]
    return areas, pd.concat(parts, ignore_index=True)


def check(areas, counts):
    require(set(counts.area_id) == set(areas.area_id), "vienna: counts and boundaries do not join 23/23")
    total22 = counts[(counts.year == 2022) & (counts.group_id == "total")].value.sum()
    require(total22 == TOTAL_2022, f"vienna: 2022 total {total22} != {TOTAL_2022}")
    require(sorted(counts.year.unique()) == list(range(2002, 2023)), "vienna: expected years 2002-2022")
    check_groups_within_total(counts, CITY)


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas, counts = clean(*load(raw_dir))
    check(areas, counts)
    return [write_areas(areas, out_dir, CITY), write_area_counts(counts, out_dir, CITY)]

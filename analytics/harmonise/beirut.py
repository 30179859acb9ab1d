"""Beirut (``raw/beirut``) -> Beirut and the 6 cazas of Mount Lebanon, population groups 2025/2026.

OCHA / Lebanon Response Plan modelled estimates (no census since 1932): every count is
``is_estimate``. The Beirut polygon is invalid in the source and is repaired with make_valid.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analytics.harmonise._common import (
    check_groups_within_total, long_counts, raw_file, require, simplify_to_wgs84, write_area_counts, write_areas,
)

CITY = "beirut"
GROUPS = {
    2025: {"total_2025": "total", "lebanese_2025": "lebanese", "syrians_2025": "syrian",
           "palestinians_2025": "palestinian", "migrants_2025": "migrant_worker"},
    2026: {"total_2026": "total", "lebanese_2026": "lebanese", "syrians_2026": "syrian",
           "palestinians_2026": "palestinian", "migrants_2026_preliminary": "migrant_worker"},
}


def load(raw_dir: Path):
    import geopandas as gpd

    boundaries = gpd.read_file(raw_file(raw_dir, "raw", "beirut", "lbn_adm2_beirut_mount_lebanon.geojson"))
    path = raw_file(raw_dir, "raw", "beirut", "D8-caza-population-groups_beirut_mount_lebanon.jsonl")
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return boundaries, records


def clean(boundaries, records):
    require(len(boundaries) == 7 and len(records) == 7, "beirut: expected 7 cazas")
    areas = boundaries.assign(city_id=CITY, area_id=boundaries.pcode, area_name=boundaries.name, area_level="caza",
                              parent_area_id=boundaries.adm1, source_id="beirut_caza_boundaries")
    areas = simplify_to_wgs84(areas)  # make_valid repairs the Beirut self-intersection
    wide = pd.DataFrame([{"area_id": r["pcode"], **r["attr"]} for r in records]).fillna(0)
    parts = [long_counts(wide, CITY, year, groups, "beirut_ocha_lrp_2026", True) for year, groups in GROUPS.items()]
    return areas, pd.concat(parts, ignore_index=True), wide


def check(areas, counts, wide):
    require(areas.geometry.is_valid.all(), "beirut: invalid geometry after repair")
    require(set(wide.area_id) == set(areas.area_id), "beirut: counts and boundaries do not join 7/7")
    for year, groups in GROUPS.items():
        parts = [c for c, g in groups.items() if g != "total"]
        require((wide[parts].sum(axis=1) == wide[f"total_{year}"]).all(), f"beirut {year}: groups do not add to total")
    lb11 = counts[(counts.area_id == "LB11") & (counts.year == 2026)].set_index("group_id").value
    require((lb11["syrian"], lb11["total"]) == (32_892, 303_010), "beirut: LB11 2026 figures differ from PROVENANCE")
    check_groups_within_total(counts, CITY)


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas, counts, wide = clean(*load(raw_dir))
    check(areas, counts, wide)
    return [write_areas(areas, out_dir, CITY), write_area_counts(counts, out_dir, CITY)]

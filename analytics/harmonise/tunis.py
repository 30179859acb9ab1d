"""Tunis (``raw/tunis``) -> the 4 governorates and 43 delegations of Grand Tunis (boundaries only).

No counts of residents by delegation exist in the shared data: the maps show the boundaries
and say so. Join key (gov_id, deleg_id): ``adm_id`` is not unique (Ezzouhour / Bab Bhar).
Lake and sebkha pseudo-units (negative deleg_id) are not residential units and are left out.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise._common import raw_file, require, simplify_to_wgs84, write_areas

CITY = "tunis"
GOVERNORATES = {11: "Tunis", 12: "Ariana", 13: "Ben Arous", 14: "Manouba"}


def load(raw_dir: Path):
    import geopandas as gpd

    return gpd.read_file(raw_file(raw_dir, "raw", "tunis", "delegations-full.geojson"))


def clean(delegations):
    grand = delegations[delegations.gov_id.astype(int).isin(GOVERNORATES)].copy()
    require(len(grand) == 50, f"tunis: expected 50 Grand Tunis features, found {len(grand)}")
    grand["gov_id"] = grand.gov_id.astype(int)
    grand["deleg_id"] = grand.deleg_id.astype(int)
    require(not grand.duplicated(["gov_id", "deleg_id"]).any(), "tunis: (gov_id, deleg_id) not unique")
    residential = grand[grand.deleg_id > 0].copy()
    residential["area_id"] = residential.gov_id.astype(str) + "-" + residential.deleg_id.astype(str)
    residential = residential.assign(area_name=residential.deleg_na_1, area_level="delegation",
                                     parent_area_id="G" + residential.gov_id.astype(str))
    govs = grand.dissolve(by="gov_id", as_index=False)
    govs = govs.assign(area_id="G" + govs.gov_id.astype(str), area_name=govs.gov_id.map(GOVERNORATES),
                       area_level="governorate", parent_area_id="")
    columns = ["area_id", "area_name", "area_level", "parent_area_id", "geometry"]
    areas = pd.concat([govs[columns], residential[columns]], ignore_index=True)
    return simplify_to_wgs84(areas.assign(city_id=CITY, source_id="tunis_delegations"))


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas = clean(load(raw_dir))
    require((areas.area_level == "governorate").sum() == 4, "tunis: expected 4 governorates")
    return [write_areas(areas, out_dir, CITY)]

"""Amman (``raw/amman``) -> 13 sub-districts and 9 districts of Amman governorate, with total
population and Syrian refugees (WFP PRISM "Syrian refugees 2021" layer).

The publisher of the counts is not stated and the Syrian figure is far above UNHCR
registrations, so every count is marked ``is_estimate`` and labelled as the WFP layer.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analytics.harmonise._common import (
    check_groups_within_total, long_counts, raw_file, require, simplify_to_wgs84, write_area_counts, write_areas,
)

CITY = "amman"
YEAR = 2021
GOVERNORATE = "JO11"


def load(raw_dir: Path):
    import geopandas as gpd

    adm3 = gpd.read_file(raw_file(raw_dir, "raw", "amman", "jor_admbnda_adm3_jdos_merged.json"))
    adm2 = gpd.read_file(raw_file(raw_dir, "raw", "amman", "jor_admbnda_adm2_jdos.json"))
    with open(raw_file(raw_dir, "raw", "amman", "jor_exposure_data.json"), encoding="utf-8") as handle:
        exposure = pd.DataFrame(json.load(handle)["DataList"])
    return adm3, adm2, exposure


def clean(adm3, adm2, exposure):
    sub = adm3[adm3.admin1Pcod == GOVERNORATE].copy()
    dist = adm2[adm2.admin1Pcod == GOVERNORATE].copy()
    require(len(sub) == 13 and len(dist) == 9, f"amman: expected 13 sub-districts and 9 districts, got {len(sub)}/{len(dist)}")
    sub = sub.assign(area_id=sub.admin3Pcod, area_name=sub.admin3Name, area_level="sub_district",
                     parent_area_id=sub.admin3Pcod.str[:6])
    dist = dist.assign(area_id=dist.admin2Pcod, area_name=dist.admin2Name, area_level="district", parent_area_id="")
    columns = ["area_id", "area_name", "area_level", "parent_area_id", "geometry"]
    areas = pd.concat([dist[columns], sub[columns]], ignore_index=True).assign(city_id=CITY, source_id="amman_cod_ab_adm3")
    areas = simplify_to_wgs84(areas)

    counts = exposure[exposure.admin3Pcod.isin(sub.area_id)].rename(columns={"admin3Pcod": "area_id"})
    require(len(counts) == 13, "amman: counts do not join 13/13 sub-districts")
    counts = counts[["area_id", "population", "syrian_refugees"]]
    by_district = counts.assign(area_id=counts.area_id.str[:6]).groupby("area_id", as_index=False).sum()
    groups = {"population": "total", "syrian_refugees": "syrian"}
    long = pd.concat([long_counts(counts, CITY, YEAR, groups, "amman_wfp_prism_exposure", True),
                      long_counts(by_district, CITY, YEAR, groups, "amman_wfp_prism_exposure", True)], ignore_index=True)
    return areas, long


def check(areas, counts):
    sub = counts[counts.area_id.str.len() == 7]
    require(sub[sub.group_id == "total"].value.sum() == 4_642_000, "amman: governorate population != 4,642,000")
    require(sub[sub.group_id == "syrian"].value.sum() == 507_856, "amman: governorate Syrians != 507,856")
    require(set(counts.area_id) == set(areas.area_id), "amman: areas and counts differ")
    check_groups_within_total(counts, CITY)


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas, counts = clean(*load(raw_dir))
    check(areas, counts)
    return [write_areas(areas, out_dir, CITY), write_area_counts(counts, out_dir, CITY)]

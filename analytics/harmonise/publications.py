"""Figures read in publications (``curated/district_counts_from_publications.csv``).

City-wide figures (prefecture, region, commune, country) become observations; figures for
areas inside a city (arrondissements, governorates of Grand Tunis) become area counts of the
total population (these publications give no foreigner counts by area). Rows without a year,
rows without a catalog indicator and figures already in ``city_indicators.csv`` are recorded in
``excluded_publications.csv`` with the reason, never dropped silently.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise._common import AREA_COUNT_COLUMNS, normalise_name, raw_file, require
from analytics.harmonise.curated import (
    OBSERVATION_COLUMNS, SOURCE_COLUMNS, cited_licence, classify_source_type, make_source_id,
)

EXPECTED_COLUMNS = ["city", "unit_level", "unit_name", "unit_code", "year", "group", "value", "unit", "source_title",
                    "publisher", "source_url", "note"]
GEO_LEVEL = {"prefecture": "governorate", "region": "region", "commune": "municipality", "country": "national",
             "governorate": "governorate"}
AREA_LEVELS = {("Lyon", "arrondissement"), ("Tangier", "arrondissement"), ("Tunis", "governorate")}
# (group, unit) -> (indicator_id, breakdown, breakdown_value) for city-wide rows
INDICATOR = {
    ("total", "persons"): ("population_total", "", ""),
    ("urban", "persons"): ("population_total", "area_type", "urban"),
    ("rural", "persons"): ("population_total", "area_type", "rural"),
    ("foreign", "persons"): ("foreign_citizens", "", ""),
    ("immigrant", "persons"): ("immigrants", "", ""),
    ("foreign_arrived_2019_2024", "persons"): ("foreign_citizens", "period", "arrived 2019-2024"),
    ("foreign_arrived_2019_2024_share_of_national", "percent"): ("recent_foreign_residents_share_of_national", "", ""),
    ("foreign_share_of_national", "percent"): ("foreign_residents_share_of_national_total", "", ""),
    ("foreign_born_share", "percent"): ("foreign_born_share", "", ""),
}
CONCEPT = {"population_total": "total", "foreign_citizens": "foreign_citizenship", "immigrants": "foreign_born",
           "recent_foreign_residents_share_of_national": "foreign_citizenship",
           "foreign_residents_share_of_national_total": "foreign_citizenship", "foreign_born_share": "foreign_born"}
TANGIER_ARRONDISSEMENTS = {"BNI MAKADA": "01.511.01.03", "CHARF MGHOGHA": "01.511.01.05", "CHARF SOUANI": "01.511.01.06",
                           "TANGER MEDINA": "01.511.01.07"}
TUNIS_GOVERNORATES = {"TUNIS": "G11", "ARIANA": "G12", "BEN AROUS": "G13", "MANOUBA": "G14"}


def load(raw_dir: Path) -> pd.DataFrame:
    path = raw_file(raw_dir, "curated", "district_counts_from_publications.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    require(list(frame.columns) == EXPECTED_COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
    require(len(frame) == 47, f"{path}: expected 47 rows, found {len(frame)}")
    frame.insert(0, "row", range(len(frame)))
    return frame


def _geo_level(row) -> str:
    """Grand Tunis (4 governorates) is the metropolitan area, as in catalog/geo_units.yaml."""
    return "metropolitan" if "Grand Tunis" in row.unit_name else GEO_LEVEL[row.unit_level]


def _area_id(row) -> str | None:
    if row.city == "Lyon":
        return row.unit_code.removeprefix("ARM-") if row.unit_code.startswith("ARM-") and ";" not in row.unit_code else None
    if row.city == "Tangier":
        return TANGIER_ARRONDISSEMENTS.get(normalise_name(row.unit_name))
    return TUNIS_GOVERNORATES.get(normalise_name(row.unit_name))


def clean(frame: pd.DataFrame, curated_observations: pd.DataFrame):
    frame = frame.assign(city_id=frame.city.str.lower(), value=pd.to_numeric(frame.value),
                         source_id=[make_source_id(p, u) for p, u in zip(frame.publisher, frame.source_url)])
    observations, counts, excluded = [], [], []

    def exclude(row, reason):
        excluded.append({"origin_file": "district_counts_from_publications.csv", "curated_row": row.row, "city_id": row.city_id,
                         "indicator": row.group, "definition": "", "value": row.value, "unit": row.unit, "year": row.year,
                         "geo_unit": row.unit_name, "breakdown": "", "breakdown_value": "", "publisher": row.publisher,
                         "source_url": row.source_url, "reason": reason})

    known = {(r.city_id, r.indicator_id, int(r.year), r.value) for r in curated_observations.itertuples()}
    for row in frame.itertuples():
        if not row.year:
            exclude(row, "The source does not state the reference year.")
            continue
        year = int(row.year)
        if (row.city, row.unit_level) in AREA_LEVELS and row.unit == "persons":
            area_id = _area_id(row)
            if area_id is None:
                exclude(row, "The figure covers several areas together; it cannot be placed on one area.")
            elif row.group != "total":
                exclude(row, f"Group '{row.group}' is not a population group of the district counts.")
            else:
                counts.append({"city_id": row.city_id, "area_id": area_id, "year": year, "group_id": "total", "value": row.value,
                               "source_id": row.source_id, "is_estimate": False})
            continue
        mapped = INDICATOR.get((row.group, row.unit))
        if mapped is None:
            exclude(row, f"No catalog indicator for '{row.group}' ({row.unit}).")
            continue
        indicator, breakdown, breakdown_value = mapped
        if (row.city_id, indicator, year, row.value) in known:
            exclude(row, "The same figure is already in city_indicators.csv.")
            continue
        observations.append({
            "city_id": row.city_id, "indicator_id": indicator, "concept": CONCEPT[indicator], "year": year,
            "geo_unit": row.unit_name, "geo_level": _geo_level(row), "breakdown": breakdown,
            "breakdown_value": breakdown_value, "value": row.value, "unit": row.unit, "source_id": row.source_id,
            "is_estimate": False, "note": row.note, "flag": ""})
    observations = pd.DataFrame(observations, columns=OBSERVATION_COLUMNS)
    # Disagreements with other sources are flagged at build, across all files (analytics.db.flag_disagreements).
    sources = (frame[frame.source_id.isin(set(observations.source_id) | {c["source_id"] for c in counts})]
               .drop_duplicates("source_id")
               .assign(title=lambda d: d.source_title, url=lambda d: d.source_url,
                       licence=cited_licence(),
                       source_type=lambda d: d.publisher.map(classify_source_type),
                       retrieved_via="curated/district_counts_from_publications.csv")[SOURCE_COLUMNS])
    return observations, pd.DataFrame(counts, columns=AREA_COUNT_COLUMNS), sources, pd.DataFrame(excluded)


def check(observations, counts, sources, excluded):
    require(len(observations) + len(counts) + len(excluded) == 47, "publications: rows lost between load and save")
    require(set(counts.city_id) <= {"lyon", "tangier", "tunis"}, "publications: unexpected city in area counts")
    lyon16 = counts[(counts.city_id == "lyon") & (counts.year == 2016) & counts.source_id.str.contains("lyoncapitale")]
    require(len(lyon16) == 9, f"publications: expected 9 Lyon arrondissement totals for 2016, found {len(lyon16)}")
    require(observations.loc[observations.unit == "percent", "value"].between(0, 100).all(), "publications: share outside 0..100")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    from analytics.harmonise import curated

    curated_observations = curated.clean(curated.load(raw_dir))[0]
    observations, counts, sources, excluded = clean(load(raw_dir), curated_observations)
    check(observations, counts, sources, excluded)
    from analytics.harmonise import conventions

    observations = conventions.finish(observations, "publications")
    paths = [out_dir / "observations_publications.csv", out_dir / "area_counts_publications.csv",
             out_dir / "sources_publications.csv", out_dir / "excluded_publications.csv"]
    for frame, path in zip((observations, counts, sources, excluded), paths):
        frame.to_csv(path, index=False, lineterminator="\n")
    return paths

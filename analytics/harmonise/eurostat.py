"""Eurostat Urban Audit (``raw/eurostat``) -> observations for Madrid, Lisbon, Lyon and Turin.

Foreign-born (urb_cpopcb DE2009V) and population on 1 January (urb_cpop1 DE1001V). The
foreign-born share is derived as DE2009V / DE1001V of the same code and year (flag
``computed``). Greater-city codes cover more than the municipality (geo_level metropolitan).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise import conventions
from analytics.harmonise._common import raw_file, require
from analytics.harmonise.curated import OBSERVATION_COLUMNS

# Codes checked against the labels in the files (see raw/eurostat/PROVENANCE.md).
CITY_CODES = {
    "ES001C": ("madrid", "Madrid (greater city, Eurostat ES001C)", "metropolitan"),
    "PT001C": ("lisbon", "Lisboa (greater city, Eurostat PT001C)", "metropolitan"),
    "FR002C": ("lyon", "Lyon (greater city, Eurostat FR002C)", "metropolitan"),
    "IT004C": ("turin", "Torino (city, Eurostat IT004C)", "municipality"),
}
BREAK_FLAG = "break_in_series"  # Eurostat's `b`: shown beside the figure (issue 20), not only in the note
FLAGS = {"b": "break in time series", "d": "definition differs (see Eurostat metadata)", "e": "estimated"}


def _load(path: Path, indicator_code: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"OBS_FLAG": str}, keep_default_na=False)
    require(set(frame.indic_ur) == {indicator_code}, f"{path}: expected only {indicator_code}")
    frame = frame[frame.cities.isin(CITY_CODES)].copy()
    frame["OBS_VALUE"] = pd.to_numeric(frame.OBS_VALUE)
    return frame


def load(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    born = _load(raw_file(raw_dir, "raw", "eurostat", "urb_cpopcb_DE2009V_foreign_born_5cities_2015-2024.csv"), "DE2009V")
    pop = _load(raw_file(raw_dir, "raw", "eurostat", "urb_cpop1_DE1001V_population_5cities_2015-2024.csv"), "DE1001V")
    return born, pop


def _observations(frame, indicator_id, concept, unit, source_id, note):
    city = frame.cities.map(lambda c: CITY_CODES[c])
    flags = frame.OBS_FLAG.map(lambda f: FLAGS.get(f, ""))
    return pd.DataFrame({
        "city_id": city.str[0], "indicator_id": indicator_id, "concept": concept,
        "year": frame.TIME_PERIOD.astype(int), "geo_unit": city.str[1], "geo_level": city.str[2],
        "breakdown": "", "breakdown_value": "", "value": frame.OBS_VALUE.values, "unit": unit,
        "source_id": source_id, "is_estimate": frame.OBS_FLAG.eq("e").values,
        "note": (note + flags.map(lambda f: f" Eurostat flag: {f}." if f else "")).values,
        "flag": frame.OBS_FLAG.map(lambda f: BREAK_FLAG if f == "b" else "").values,
    })


def clean(born: pd.DataFrame, pop: pd.DataFrame) -> pd.DataFrame:
    parts = [
        _observations(born, "foreign_born", "foreign_born", "persons", "eurostat_urb_cpopcb",
                      "Eurostat urb_cpopcb DE2009V, foreign-born persons on 1 January."),
        _observations(pop, "population_total", "total", "persons", "eurostat_urb_cpop1",
                      "Eurostat urb_cpop1 DE1001V, population on 1 January."),
    ]
    merged = born.merge(pop, on=["cities", "TIME_PERIOD"], suffixes=("", "_pop"))
    merged["OBS_VALUE"] = (merged.OBS_VALUE / merged.OBS_VALUE_pop * 100).round(2)
    merged["OBS_FLAG"] = merged.OBS_FLAG.where(merged.OBS_FLAG != "", merged.OBS_FLAG_pop)
    share = _observations(merged, "foreign_born_share", "foreign_born", "percent", "eurostat_urb_cpopcb",
                          "COMPUTED from Eurostat: DE2009V foreign-born / DE1001V population, same code and year.")
    share["flag"] = ("computed " + share["flag"]).str.strip()
    parts.append(share)
    return pd.concat(parts, ignore_index=True)[OBSERVATION_COLUMNS]


def check(obs: pd.DataFrame) -> None:
    require(set(obs.city_id) == {"madrid", "lisbon", "lyon", "turin"}, "eurostat: expected 4 cities")
    shares = obs[obs.unit == "percent"]
    require(shares.value.between(0, 100).all(), "eurostat: foreign-born exceeds population")
    turin22 = obs[(obs.city_id == "turin") & (obs.year == 2022) & (obs.indicator_id == "population_total")]
    require(turin22.value.iloc[0] == 848748, "eurostat: Turin 1 Jan 2022 population is not 848,748")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    obs = clean(*load(raw_dir))
    check(obs)
    obs = conventions.finish(obs, "eurostat")
    path = out_dir / "observations_eurostat.csv"
    obs.sort_values(["city_id", "indicator_id", "year"]).to_csv(path, index=False, lineterminator="\n")
    return [path]

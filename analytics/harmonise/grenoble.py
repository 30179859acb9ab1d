"""Grenoble (``raw/grenoble``) -> per-IRIS figures of RP2021 as district-level observations.

The file holds 21 of the city's ~70 IRIS (sectors 1 and 2 only: the stored page stops after IRIS
210; sectors 3-6, among them the IRIS with the highest immigrant shares, are missing), with the
resident population and the shares of foreigners and immigrants (INSEE definitions), read on a
local association's page citing INSEE. No IRIS boundaries were found, so there are no areas and
no area counts: the rows are what they are, district-level figures, stored as observations with
``geo_level`` district, ``breakdown`` "iris" and the 9-digit IRIS code as ``breakdown_value``
(district rows never stand for the city in comparisons, analytics.compare.CITY_LEVELS).
The French share is 100 minus the foreign share (checked) and is not stored twice. IRIS 101
Polygone has 40 residents (a non-residential IRIS): kept, flagged ``non_residential_unit``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.harmonise._common import raw_file, require
from analytics.harmonise.curated import OBSERVATION_COLUMNS

CITY = "grenoble"
FILE = "ades_insee_rp2021_iris_shares_partial.csv"
SOURCE_ID = "grenoble_ades_iris_rp2021"
EXPECTED_COLUMNS = ["iris_code", "iris_short", "iris_name", "population", "french_share_pct", "foreign_share_pct",
                    "immigrant_share_pct", "year"]
# column -> (indicator_id, concept, unit)
INDICATORS = {
    "population": ("population_total", "total", "persons"),
    "foreign_share_pct": ("foreign_citizens_share", "foreign_citizenship", "percent"),
    "immigrant_share_pct": ("immigrants_share", "foreign_born", "percent"),
}
NON_RESIDENTIAL = {"381850101": "Polygone: 40 residents, a non-residential IRIS (raw/grenoble/PROVENANCE.md); do not map or rank it."}
NOTE = ("INSEE RP2021 by IRIS as printed by ADES Grenoble (partial: sectors 1-2, 21 IRIS). Sample-based census figures: "
        "coefficients of variation 9-13 % for counts of 200-1,500 (raw/lyon INSEE precision table); group IRIS before ranking.")


def load(raw_dir: Path) -> pd.DataFrame:
    path = raw_file(raw_dir, "raw", "grenoble", FILE)
    frame = pd.read_csv(path, dtype={"iris_code": str, "iris_short": str})
    require(list(frame.columns) == EXPECTED_COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
    require(len(frame) == 21, f"{path}: expected 21 IRIS rows (sectors 1-2), found {len(frame)}")
    return frame


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    require(frame.iris_code.str.fullmatch(r"38185\d{4}").all() and frame.iris_code.is_unique,
            f"{FILE}: iris_code must be unique 9-digit codes of commune 38185")
    sums = frame.french_share_pct + frame.foreign_share_pct
    bad = frame[(sums - 100).abs() > 0.02]
    require(bad.empty, f"{FILE}: row(s) {[i + 2 for i in bad.index]}, columns french/foreign_share_pct: do not add up to 100")
    bad = frame[frame.immigrant_share_pct < frame.foreign_share_pct]
    require(bad.empty, f"{FILE}: row(s) {[i + 2 for i in bad.index]}: immigrant share below foreign share")
    rows = []
    for iris in frame.itertuples():
        for column, (indicator, concept, unit) in INDICATORS.items():
            rows.append({
                "city_id": CITY, "indicator_id": indicator, "concept": concept, "year": int(iris.year),
                "geo_unit": f"IRIS {iris.iris_code} {iris.iris_name} (Grenoble)", "geo_level": "district",
                "breakdown": "iris", "breakdown_value": iris.iris_code, "value": float(getattr(iris, column)), "unit": unit,
                "source_id": SOURCE_ID, "is_estimate": False,
                "note": " ".join(filter(None, [NON_RESIDENTIAL.get(iris.iris_code, ""), NOTE])),
                "flag": "non_residential_unit" if iris.iris_code in NON_RESIDENTIAL else "",
            })
    out = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)
    return out.sort_values(["indicator_id", "breakdown_value"]).reset_index(drop=True)


def check(observations: pd.DataFrame) -> None:
    require(len(observations) == 21 * len(INDICATORS), "grenoble: rows lost between load and save")
    population = observations[observations.indicator_id == "population_total"].value.sum()
    require(population == 48_244, f"grenoble: population of the 21 IRIS is {population:,}, PROVENANCE says 48,244")
    shares = observations[observations.unit == "percent"].value
    require(shares.between(0, 100).all(), "grenoble: a share outside 0..100")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    observations = clean(load(raw_dir))
    check(observations)
    from analytics.harmonise import conventions

    observations = conventions.finish(observations, "grenoble")
    path = out_dir / "observations_grenoble.csv"
    observations.to_csv(path, index=False, lineterminator="\n")
    return [path]

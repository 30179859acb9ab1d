"""City totals derived from the official district files (``data/harmonised/area_counts_*.csv``).

Where the district counts are a complete partition of the city taken from its register or census,
their sum is the city figure of that register or census. This step writes, per city and year,
the population, the migrant group's count and its share of the population
(``observations_derived.csv``), with the district file's source and a note stating the derivation.
It runs after the city steps, whose outputs it reads.

Method: city count = sum of the counts of the listed areas (one complete level of areas, checked
by number); share = group / population x 100, rounded to 2 decimals (the precision of the
official share series, e.g. Stadt Wien's Integrationsmonitor). Turin's counts are areal
interpolations of census sections (SEI), so Turin's totals are estimates (``is_estimate``) and are
rounded to whole persons.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analytics import catalog
from analytics.harmonise._common import require
from analytics.harmonise.curated import OBSERVATION_COLUMNS


@dataclass(frozen=True)
class Spec:
    """How one city's district file adds up to the city."""

    city_id: str
    area_prefix: str          # area_id prefix of the level summed ("" = every area in the file)
    n_areas: int
    area_label: str
    group_id: str             # migrant group in area_counts
    count_indicator: str
    share_indicator: str
    geo_unit: str             # catalog/geo_units.yaml territory of the city figure
    what: str                 # what the district file counts (for the note)
    years: tuple
    area_ids: tuple = ()      # the areas summed, where a prefix cannot name them (else every area with the prefix)


SPECS = (
    Spec("vienna", "", 23, "district", "foreign_origin", "foreign_origin", "foreign_origin_share",
         "Vienna (city = federal state)",
         "Stadt Wien MA 23 population register (ZMR, main residence, 1 January) by origin ('Herkunft': foreign "
         "citizen OR born abroad, not foreign citizens)", tuple(range(2002, 2023))),
    Spec("madrid", "B", 131, "barrio", "foreign", "foreign_citizens", "foreign_citizens_share",
         "City of Madrid (municipality 28079)",
         "Ayuntamiento de Madrid municipal padrón (Panel de indicadores, 1 January; total = Spanish + foreign "
         "nationality)", (2019, 2020, 2022, 2023)),
    Spec("lisbon", "", 53, "freguesia (2011 limits)", "foreign", "foreign_citizens", "foreign_citizens_share",
         "Lisbon municipality (concelho)",
         "INE Censos 2011 table Q605 (census moment 21 March 2011; foreign = 'Estrangeira', dual nationals "
         "not included)", (2011,)),
    Spec("turin", "C", 8, "circoscrizione", "foreign", "foreign_citizens", "foreign_citizens_share",
         "City of Turin (Comune)",
         "ISTAT census section counts areally interpolated to electoral precincts (SEI): an estimate, within "
         "about 0.2 % of the official census totals", (2011, 2021)),
    # Tangier has population counts only: the commune is its four arrondissements (HCP RGPH).
    Spec("tangier", "", 4, "arrondissement", None, None, None, "City of Tangier",
         "HCP Recensement général de la population et de l'habitat 2024 (legal population by arrondissement; the 2014 file has no arrondissement rows)", (2024,),
         ("01.511.01.03", "01.511.01.05", "01.511.01.06", "01.511.01.07")),
)
# City totals stated in the raw folders' PROVENANCE.md: (city, year) -> (population, group).
STATED_TOTALS = {("vienna", 2022): (1_931_593, None), ("lisbon", 2011): (547_733, 31_833),
                 ("turin", 2011): (870_419, 110_361), ("turin", 2021): (848_748, 124_585),
                 ("madrid", 2019): (None, 460_623), ("madrid", 2020): (None, 510_881),
                 ("madrid", 2022): (None, 517_243), ("madrid", 2023): (None, 570_418),
                 ("tangier", 2024): (1_275_428, None)}


def load(out_dir: Path) -> dict[str, pd.DataFrame]:
    """The city steps' area counts, from ``out_dir`` or else the committed ``data/harmonised``
    (so that the step can be re-run alone into an empty folder)."""
    from analytics.paths import HARMONISED_DIR

    frames = {}
    for spec in SPECS:
        name = f"area_counts_{spec.city_id}.csv"
        path = next((p for p in (Path(out_dir) / name, Path(HARMONISED_DIR) / name) if p.exists()), None)
        require(path is not None, f"derived_totals: {name} not found in {out_dir} or {HARMONISED_DIR}; "
                                  f"run the '{spec.city_id}' harmonise step first")
        frames[spec.city_id] = pd.read_csv(path, dtype={"area_id": str})
    return frames


def derive(spec: Spec, counts: pd.DataFrame) -> list[dict]:
    """City population, group count and share for every year of ``spec``."""
    counts = counts[counts.area_id.isin(spec.area_ids)] if spec.area_ids else counts[counts.area_id.str.startswith(spec.area_prefix)]
    rows = []
    for year in spec.years:
        sub = counts[counts.year == year]
        by_group = sub.groupby("group_id")
        for group in ("total",) + ((spec.group_id,) if spec.group_id else ()):
            n = by_group.get_group(group).area_id.nunique() if group in by_group.groups else 0
            require(n == spec.n_areas, f"derived_totals: {spec.city_id} {year} '{group}' has {n} {spec.area_label} "
                                       f"counts, expected {spec.n_areas}")
        sources = sub[sub.group_id.isin(["total", spec.group_id])].source_id.unique()
        require(len(sources) == 1, f"derived_totals: {spec.city_id} {year} mixes sources {list(sources)}")
        estimate = bool(sub.is_estimate.astype(str).str.lower().eq("true").any())
        sub = sub[sub.group_id.isin(["total", spec.group_id])]
        total = by_group.get_group("total").value.sum()
        group = by_group.get_group(spec.group_id).value.sum() if spec.group_id else None
        if estimate:
            total, group = round(total), (round(group) if group is not None else None)
        share = round(group / total * 100, 2) if group is not None else None
        base = (f"Sum of {spec.n_areas} {spec.area_label} counts of the {spec.what}; source {sources[0]} "
                f"(data/harmonised/area_counts_{spec.city_id}.csv).")
        for indicator, value, unit, concept, how in (
            ("population_total", total, "persons", "total", "population"),
            (spec.count_indicator, group, "persons", None, f"group '{spec.group_id}'"),
            (spec.share_indicator, share, "percent", None, f"group '{spec.group_id}' / population x 100, rounded to 2 decimals"),
        ):
            if value is None:
                continue
            rows.append({"city_id": spec.city_id, "indicator_id": indicator, "concept": concept, "year": year,
                         "geo_unit": spec.geo_unit, "breakdown": "", "breakdown_value": "", "value": float(value),
                         "unit": unit, "source_id": sources[0], "is_estimate": estimate,
                         "note": f"DERIVED: {how}. {base}" + (" Rounded to whole persons." if estimate and unit == "persons" else ""),
                         "flag": "computed"})
    return rows


def clean(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    indicators = catalog.indicators().set_index("indicator_id")
    geo = pd.DataFrame(catalog.load_yaml("geo_units")["geo_units"])
    geo_level = {(g.city.lower(), g.geo_unit): g.geo_level for g in geo.itertuples()}
    rows = [row for spec in SPECS for row in derive(spec, frames[spec.city_id])]
    out = pd.DataFrame(rows)
    out["concept"] = out.indicator_id.map(indicators.concept)
    out["geo_level"] = [geo_level.get((c, u)) for c, u in zip(out.city_id, out.geo_unit)]
    return out[OBSERVATION_COLUMNS].sort_values(["city_id", "indicator_id", "year"]).reset_index(drop=True)


def check(observations: pd.DataFrame) -> None:
    """The derived totals reproduce the totals stated in the PROVENANCE files (to the person)."""
    require(observations.geo_level.notna().all(), "derived_totals: a geo_unit is missing from catalog/geo_units.yaml")
    require(observations.concept.notna().all(), "derived_totals: an indicator is missing from catalog/indicators.yaml")
    by_key = observations.set_index(["city_id", "year", "indicator_id"]).value
    group_indicator = {s.city_id: s.count_indicator for s in SPECS}  # None: population only
    for (city, year), (population, group) in STATED_TOTALS.items():
        for indicator, expected in (("population_total", population), (group_indicator[city], group)):
            if expected is not None:
                got = by_key[(city, year, indicator)]
                require(abs(got - expected) < 1, f"derived_totals: {city} {year} {indicator} = {got}, stated {expected}")
    share = observations.unit == "percent"
    require(observations.loc[share, "value"].between(0, 100).all(), "derived_totals: a share outside 0..100")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    observations = clean(load(out_dir))
    check(observations)
    from analytics.harmonise import conventions

    observations = conventions.finish(observations, "derived_totals")
    path = Path(out_dir) / "observations_derived.csv"
    observations.to_csv(path, index=False, lineterminator="\n")
    return [path]

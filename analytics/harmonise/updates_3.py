"""Newer and corrected city figures of the third data audit (``curated/updates_3/``) -> observations.

Outline: load the six files (columns and row counts pinned) -> clean (city, indicator, the 1 January
rule for the year, breakdown, source and its standing) -> derive the two figures CORRECTIONS.md asks
to build from rows already in the data (Tangier's 2024 share; Beirut caza's non-Lebanese estimate)
-> check -> conventions (territories, corrections) -> save ``observations_updates_3.csv``,
``sources_updates_3.csv`` and ``excluded_updates_3.csv``.

Standing: most rows were read on a press or aggregator page quoting the official producer
(``source_kind``). The source's standing is the producer's (``PRODUCERS``: official statistics or a
city administration), and ``retrieved_via`` says honestly where the figure was read ("official
producer, read on a secondary page"); the observation note says the same.

References
----------
``shared/data/curated/updates_3/PROVENANCE.md`` and ``CORRECTIONS.md`` (third audit, 2026-12-03).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analytics import catalog
from analytics.harmonise import conventions
from analytics.harmonise._common import raw_file, require
from analytics.rules import OFFICIAL_SOURCE_TYPES
from analytics.harmonise.curated import APPROXIMATE_PATTERN, OBSERVATION_COLUMNS, SOURCE_COLUMNS, cited_licence, make_source_id

FOLDER = ("curated", "updates_3")
COLUMNS = ["city", "indicator", "value", "unit", "reference_date", "geo_unit", "concept", "publisher", "source_url",
           "source_kind", "note"]
FILES = {"vienna_city_2022_2026.csv": 21, "turin_foreign_residents_2007_2025.csv": 17,
         "france_lyon_grenoble_population_2012_2023.csv": 14, "madrid_lisbon_2022_2025.csv": 13,
         "maghreb_census_2014_2024.csv": 20}
# File indicator names -> catalogue indicators (same meaning, the catalogue's name).
INDICATORS = {"austrian_citizens": "nationals", "austrian_citizens_born_abroad": "nationals_born_abroad",
              "foreign_citizens_born_in_austria": "foreign_citizens_born_in_country", "born_in_spain": "born_in_country",
              "foreign_arrivals_2019_2024_share_of_national": "recent_foreign_residents_share_of_national"}
# The producer each page quotes (first match in the publisher text) and the producer's standing.
PRODUCERS = (
    (r"Stadt Wien", "Stadt Wien", "city_administration"),
    (r"Statistik Austria", "Statistik Austria", "official_statistics"),
    (r"ÖIF", "Statistik Austria (ÖIF statistical yearbook)", "official_statistics"),
    (r"Ayuntamiento", "Ayuntamiento de Madrid (Padrón Municipal)", "city_administration"),
    (r"\bSEF\b", "SEF (Serviço de Estrangeiros e Fronteiras)", "official_statistics"),
    (r"AIMA", "AIMA (Agência para a Integração, Migrações e Asilo)", "official_statistics"),
    (r"\bINE\b", "INE Portugal", "official_statistics"),
    (r"INSEE", "INSEE", "official_statistics"),
    (r"Città di Torino|Città metropolitana|Osservatorio|Ministero dell'Interno", "Città di Torino / Osservatorio interistituzionale", "city_administration"),
    (r"\bINS\b|Institut National de la Statistique", "INS Tunisie", "official_statistics"),
    (r"\bHCP\b|RGPH 2014 / 2024", "HCP (Haut-Commissariat au Plan)", "official_statistics"),
)
READ_ON = {"official_page": "the producer's or a public authority's own page",
           "secondary_quoting_official": "a secondary page (press) quoting the producer",
           "aggregator_citing_official": "a statistical aggregator naming the producer"}
# Rows left out, with the reason (their figure is elsewhere, or they are not a city figure).
NOT_A_CITY = {"tunisia", "morocco"}
ALREADY_IN_DATA = "Already in shared/data"
BREAKDOWN = re.compile(r"breakdown (\w+) = ([A-Za-z ]+?)(?:[.;,]|$)")


def load(raw_dir: Path) -> pd.DataFrame:
    """The five figure files, as text, with their file name and row number."""
    parts = []
    for name, n_rows in FILES.items():
        path = raw_file(raw_dir, *FOLDER, name)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        require(list(frame.columns) == COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
        require(len(frame) == n_rows, f"{path}: expected {n_rows} rows, found {len(frame)}")
        bad = pd.to_numeric(frame.value, errors="coerce").isna()
        require(not bad.any(), f"{path}, row {int(bad.idxmax()) + 2}, column value: not a number")
        parts.append(frame.assign(file=name, line=range(2, len(frame) + 2)))
    return pd.concat(parts, ignore_index=True)


def producer(publisher: str) -> tuple[str, str]:
    """(producer, standing) of the page's publisher text (``PRODUCERS``)."""
    for pattern, name, kind in PRODUCERS:
        if re.search(pattern, publisher):
            return name, kind
    raise KeyError(publisher)


def clean(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (observations, sources, excluded)."""
    frame = frame.copy()
    frame["city_id"] = frame.city.str.lower()
    out_of_scope = frame.city_id.isin(NOT_A_CITY) | (frame.geo_unit == "Region Rabat-Salé-Kénitra")
    already = frame.note.str.startswith(ALREADY_IN_DATA)
    excluded = frame[out_of_scope | already].assign(
        reason=lambda d: ["national or other-region context, not a figure of a network city" if o else
                          "already in the data from network_cities_phase2.csv (same value and page)"
                          for o in out_of_scope[d.index]])
    kept = frame[~(out_of_scope | already)].copy()
    by_url = {}  # "(same page)" rows take the producer of the page's first row
    for row in kept.itertuples():
        try:
            by_url.setdefault(row.source_url, producer(row.publisher))
        except KeyError:
            require(row.source_url in by_url, f"curated/updates_3/{row.file}, row {row.line}, column publisher: no producer "
                                              f"known (add it to analytics.harmonise.updates_3.PRODUCERS): {row.publisher!r}")
    kept["indicator_id"] = kept.indicator.replace(INDICATORS)
    kept["year"] = kept.reference_date.map(conventions.stock_year)
    kept["value"] = pd.to_numeric(kept.value)
    breakdown = kept.note.str.extract(BREAKDOWN)
    kept["breakdown"] = breakdown[0].fillna("")
    kept["breakdown_value"] = breakdown[1].fillna("").str.strip()
    catalog_concept = catalog.indicators().set_index("indicator_id").concept
    kept["concept"] = kept.indicator_id.map(catalog_concept)
    named = [by_url[u] for u in kept.source_url]
    # one source per page and producer ("(same page)" rows share their page's source)
    kept["source_id"] = ["u3-" + make_source_id(n, u).removeprefix("cur-") for (n, _), u in zip(named, kept.source_url)]
    kept["producer"] = [n for n, _ in named]
    kept["source_type"] = [k for _, k in named]
    kept["is_estimate"] = kept.note.str.contains(APPROXIMATE_PATTERN)
    kept["flag"] = ""
    kept["note"] = [_note(r) for r in kept.itertuples()]
    kept["geo_level"] = ""
    sources = (kept.drop_duplicates("source_id")
               .assign(title=lambda d: d.producer + " figures, as read on " + d.source_url.map(_host),
                       url=lambda d: d.source_url, licence=cited_licence(),
                       # the provider to cite is the producer; the page it was read on follows
                       publisher=lambda d: [f"{p} (read on {_host(u)})" for p, u in zip(d.producer, d.source_url)],
                       retrieved_via=lambda d: [f"official producer ({p}), read on {READ_ON[k]}: {pub} "
                                                f"[curated/updates_3/{f}]" for p, k, pub, f in
                                                zip(d.producer, d.source_kind, d.publisher, d.file)])
               [SOURCE_COLUMNS].sort_values("source_id"))
    excluded_out = excluded.assign(origin_file=lambda d: "updates_3/" + d.file, curated_row=lambda d: d.line - 2,
                                   city_name=lambda d: d.city, indicator=lambda d: d.indicator,
                                   definition=lambda d: d.concept, year=lambda d: d.reference_date,
                                   breakdown="", breakdown_value="")[
        ["origin_file", "curated_row", "city_id", "indicator", "definition", "value", "unit", "year", "geo_unit",
         "breakdown", "breakdown_value", "publisher", "source_url", "reason"]]
    return kept, sources.reset_index(drop=True), excluded_out.reset_index(drop=True)


def _host(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).netloc.removeprefix("www.")


def _note(row) -> str:
    read = READ_ON[row.source_kind]
    date = row.reference_date
    when = (f"Reference date {date}" + (" (end of year: 1 January rule, labelled the next year)" if date.endswith("-12-31") else "")
            if len(date) > 4 else f"Reference date not stated beyond the year {date}")
    return f"{row.note} [{when}. Official producer {row.producer}, read on {read}: {row.publisher}.]".strip()


def derived_rows(kept: pd.DataFrame, beirut_counts: pd.DataFrame) -> pd.DataFrame:
    """The two figures CORRECTIONS.md asks to build from rows already in the data.

    - Tangier 2024: foreigners 7,238 / population 1,494,413 of the prefecture (HCP RGPH 2024, the
      same aggregator page) = 0.48 %.
    - Beirut caza 2026: population 303,010 and non-Lebanese 1 - 237,027 / 303,010 = 21.8 % (OCHA /
      LRP 2026 estimates, ``area_counts_beirut.csv`` area LB11): estimates, marked so.
    """
    tangier = kept[(kept.city_id == "tangier") & (kept.indicator_id == "foreign_citizens")].iloc[0]
    require(int(tangier.value) == 7238 and "1494413 (2024)" in tangier.note, "updates_3: Tangier 2024 row changed")
    population = 1_494_413
    base = {c: tangier[c] for c in ("city_id", "geo_unit", "breakdown", "breakdown_value", "source_id", "flag")}
    rows = [dict(base, indicator_id="population_total", concept="total", year=2024, value=float(population), unit="persons",
                 is_estimate=False, note="HCP RGPH 2024 population of the prefecture, stated on the same aggregator page as "
                                         "its 7,238 foreigners (Communes du Maroc, citing HCP)."),
            dict(base, indicator_id="foreign_citizens_share", concept="foreign_citizenship", year=2024,
                 value=round(7238 / population * 100, 2), unit="percent", is_estimate=False, flag="computed",
                 note="DERIVED (CORRECTIONS.md, Tangier): 7,238 foreigners / 1,494,413 residents x 100, both HCP RGPH 2024 "
                      "for the prefecture, rounded to 2 decimals.")]
    lb = beirut_counts[(beirut_counts.area_id == "LB11") & (beirut_counts.year == 2026)].set_index("group_id").value
    require(int(lb["total"]) == 303_010 and int(lb["lebanese"]) == 237_027, "updates_3: Beirut caza 2026 counts changed")
    share = round((1 - lb["lebanese"] / lb["total"]) * 100, 1)
    note = ("ESTIMATE (OCHA / Lebanon Response Plan 2026 population groups of the Beirut caza, data/harmonised/"
            "area_counts_beirut.csv area LB11): {what}. The caza is Beirut itself, not Beirut and Mount Lebanon.")
    for indicator, value, unit, concept, what in (
            ("population_total", float(lb["total"]), "persons", "total", "all residents (Lebanese, Syrians, Palestinians, migrant workers)"),
            ("foreign_citizens_share", share, "percent", "foreign_citizenship",
             "non-Lebanese residents = 1 - 237,027 Lebanese / 303,010 x 100, rounded to 1 decimal")):
        rows.append({"city_id": "beirut", "indicator_id": indicator, "concept": concept, "year": 2026,
                     "geo_unit": "Beirut governorate", "breakdown": "", "breakdown_value": "", "value": value, "unit": unit,
                     "source_id": "beirut_ocha_lrp_2026", "is_estimate": True, "note": note.format(what=what),
                     "flag": "computed"})
    return pd.DataFrame(rows)


def check(observations: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Catalogue indicators, concepts and territories; shares in 0..100; every source official."""
    unknown = set(observations.indicator_id) - set(catalog.indicators().indicator_id)
    require(not unknown, f"updates_3: indicators missing from catalog/indicators.yaml: {sorted(unknown)}")
    require(observations.concept.notna().all(), "updates_3: an observation without concept")
    share = observations.unit == "percent"
    require(observations.loc[share, "value"].between(0, 100).all(), "updates_3: a share outside 0..100")
    require(set(observations.source_id) <= set(sources.source_id) | {"beirut_ocha_lrp_2026"}, "updates_3: a source missing")
    # the audit's headline facts, pinned
    got = observations.set_index(["city_id", "indicator_id", "year", "territory_id"]).value
    for key, value in ((("vienna", "foreign_citizens_share", 2025, "vienna:municipality"), 36.4),
                       (("madrid", "foreign_born", 2025, "madrid:municipality"), 1_066_182),
                       (("turin", "foreign_citizens", 2024, "turin:municipality"), 135_753),
                       (("tangier", "foreign_citizens_share", 2024, "tangier:prefecture"), 0.48)):
        require(abs(float(got.loc[key].iloc[0] if isinstance(got.loc[key], pd.Series) else got.loc[key]) - value) < 0.005,
                f"updates_3: {key} is not {value}")


DUPLICATE_KEY = ["city_id", "indicator_id", "year", "territory_id", "breakdown", "breakdown_value", "value"]


def official_figures_in_data(out_dir: Path) -> pd.DataFrame:
    """The observations of the other steps (``out_dir``, else the committed ``data/harmonised``) whose
    source is official: a figure this step would add a second time from another page is left out."""
    from analytics.paths import HARMONISED_DIR

    parts, sources = [], [catalog.catalog_sources()[["source_id", "source_type"]]]
    for folder in (Path(out_dir), Path(HARMONISED_DIR)):
        for path in sorted(folder.glob("observations_*.csv")):
            if path.name != "observations_updates_3.csv" and path.name not in {p.name for p, _ in parts}:
                parts.append((path, pd.read_csv(path, dtype=str, keep_default_na=False)))
        for path in sorted(folder.glob("sources_*.csv")):
            if path.name != "sources_updates_3.csv":
                sources.append(pd.read_csv(path, dtype=str, keep_default_na=False)[["source_id", "source_type"]])
    frame = pd.concat([f.assign(origin_file=p.name) for p, f in parts], ignore_index=True)
    types = pd.concat(sources).drop_duplicates("source_id").set_index("source_id").source_type
    frame = frame[frame.source_id.map(types).isin(OFFICIAL_SOURCE_TYPES)].copy()
    frame["year"] = frame.year.astype(int)
    frame["value"] = pd.to_numeric(frame.value).round(2)
    return frame


def drop_duplicates_of_official(observations: pd.DataFrame, existing: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept, left out): rows whose figure an official source already gives for the same territory."""
    keyed = observations.assign(value=observations.value.round(2))
    found = keyed.merge(existing[DUPLICATE_KEY + ["source_id", "origin_file"]].drop_duplicates(DUPLICATE_KEY),
                        on=DUPLICATE_KEY, how="left", suffixes=("", "_existing"))
    duplicate = found.source_id_existing.notna().to_numpy()
    left_out = observations[duplicate].assign(
        reason=[f"same figure already in the data from an official source ({s}, {f})"
                for s, f in zip(found.source_id_existing[duplicate], found.origin_file[duplicate])])
    return observations[~duplicate], left_out


def load_beirut_counts(out_dir: Path) -> pd.DataFrame:
    from analytics.paths import HARMONISED_DIR

    name = "area_counts_beirut.csv"
    path = next((p for p in (Path(out_dir) / name, Path(HARMONISED_DIR) / name) if p.exists()), None)
    require(path is not None, f"updates_3: {name} not found; run the 'beirut' harmonise step first")
    return pd.read_csv(path, dtype={"area_id": str})


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    kept, sources, excluded = clean(load(raw_dir))
    observations = pd.concat([kept[OBSERVATION_COLUMNS], derived_rows(kept, load_beirut_counts(out_dir))], ignore_index=True)
    observations = conventions.finish(observations, "updates_3")
    check(observations, sources)
    observations, duplicates = drop_duplicates_of_official(observations, official_figures_in_data(out_dir))
    excluded = pd.concat([excluded, duplicates.assign(origin_file="updates_3", curated_row="", indicator=duplicates.indicator_id,
                                                      definition=duplicates.concept, publisher="", source_url="")[excluded.columns]],
                         ignore_index=True)
    sources = sources[sources.source_id.isin(observations.source_id)]
    observations = observations[[*OBSERVATION_COLUMNS, "territory_id"]].sort_values(
        ["city_id", "indicator_id", "year", "breakdown", "breakdown_value", "source_id"]).reset_index(drop=True)
    paths = [Path(out_dir) / f"{n}_updates_3.csv" for n in ("observations", "sources", "excluded")]
    for frame, path in zip((observations, sources, excluded), paths):
        frame.to_csv(path, index=False, lineterminator="\n")
    return paths

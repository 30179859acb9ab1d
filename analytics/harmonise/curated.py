"""Curated city figures (``curated/city_indicators.csv``) -> observations, their sources, exclusions.

Outline: load -> clean (map city, indicator, territory; apply the decisions of
``catalog/curated_decisions.yaml``: the audit's drops and year fixes, and the drops, replacements
and relabels of ``curated/corrections_2.csv``) -> check -> save ``observations_curated.csv``,
``sources_curated.csv`` and ``excluded_observations.csv``.

A replaced row appears twice on purpose: its wrong figure in ``excluded_observations`` (with the
reason) and its corrected figure as an observation whose note says what was corrected.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from analytics import bounds, catalog
from analytics.harmonise._common import require, raw_file

EXPECTED_COLUMNS = [
    "city", "country_iso3", "indicator", "definition", "value", "unit", "year", "geo_unit",
    "breakdown", "breakdown_value", "source_title", "publisher", "source_url", "retrieved_via", "note",
]
OBSERVATION_COLUMNS = [
    "city_id", "indicator_id", "concept", "year", "geo_unit", "geo_level", "breakdown",
    "breakdown_value", "value", "unit", "source_id", "is_estimate", "note", "flag",
]
SOURCE_COLUMNS = ["source_id", "title", "publisher", "url", "licence", "source_type", "retrieved_via"]
CORRECTION_COLUMNS = ["row_in_city_indicators", "action", "new_value", "new_year", "new_geo_unit", "new_source_url", "reason"]
NO_YEAR_ROWS = 15  # curated README, "Rows to verify": rows without a reference year
APPROXIMATE_PATTERN = re.compile(r"APPROXIMATE|\brounded\b|\bapprox", re.IGNORECASE)

# Publisher keywords -> source_type. Secondary first: a news site "citing" an office is secondary.
_SECONDARY = re.compile(
    r"citing|quoting|reproducing|via |telemadrid|heute|kurier|der standard|die presse|\borf\b|yuga|kosmo|oe24|jordan times|"
    r"le site info|le360|journal de tanger|article19|tanja7|\btap\b|webmanagercenter|tunibusiness|pressafrik|"
    r"allafrica|mole24|torinonews|torinoggi|ossolanews|centro relazioni|observador|\btsf\b|marktest|"
    r"not[íi]cias|datosmacro|ceic|docslib|vdocuments|paperzz|slidelegend|zbook|scribd|meinbezirk|"
    r"anlaufstelle|diesubstanz|gwu|columbian|communes du maroc|123dok|red network|wikipedia|"
    r"mayors dialogue|github",
    re.IGNORECASE,
)
_UN = re.compile(r"unhcr|unrwa|\biom\b|ocha|unicef|ilo\b|undp|un-habitat|world bank", re.IGNORECASE)
_CITY = re.compile(r"ayuntamiento|stadt wien|città di torino|citta di torino|ma 23|mairie|municipal|"
                   r"métropole|metropole|metropolitana|urbalyon|comune|câmara|camara|city of", re.IGNORECASE)
_RESEARCH = re.compile(r"icmpd|imap|mc2cm|council of europe|integrationsfonds|öif|oif|fafo|"
                       r"osservatorio|university|universit", re.IGNORECASE)
_OFFICIAL = re.compile(r"\bine\b|insee|istat|statistik austria|\bhcp\b|haut-commissariat|\bins\b|"
                       r"department of statistics|\bdos\b|sef|pordata|ams\b|drees|sistan|prefettura|"
                       r"ministry|ministerio|ministère|bmi\b|fonds soziales|eurostat|observatorio",
                       re.IGNORECASE)


def cited_licence() -> str:
    """Licence text of a figure read on a web page that states no licence.

    Defined once, in ``catalog/sources.yaml`` (the ``licences`` entry marked ``cited_pages``);
    every harmonise step that derives sources from cited pages uses this function.
    """
    entries = [e for e in catalog.load_yaml("sources")["licences"] if e.get("cited_pages")]
    require(len(entries) == 1, "catalog/sources.yaml: expected exactly one licence with cited_pages: true")
    return entries[0]["name"]


def classify_source_type(publisher: str) -> str:
    """Source type from the publisher wording (secondary wins when a site cites an original)."""
    if _SECONDARY.search(publisher):
        return "secondary"
    if _UN.search(publisher):
        return "un_agency"
    if _CITY.search(publisher):
        return "city_administration"
    if _OFFICIAL.search(publisher):
        return "official_statistics"
    if _RESEARCH.search(publisher):
        return "research"
    return "secondary"


def make_source_id(publisher: str, url: str) -> str:
    """Stable, readable id: site name + short hash of (publisher, url)."""
    host = urlparse(url).netloc.lower().removeprefix("www.") or "source"
    slug = re.sub(r"[^a-z0-9]+", "-", host.split(":")[0]).strip("-")[:30]
    digest = hashlib.sha1(f"{publisher}|{url}".encode("utf-8")).hexdigest()[:8]
    return f"cur-{slug}-{digest}"


def load(raw_dir: Path) -> pd.DataFrame:
    path = raw_file(raw_dir, "curated", "city_indicators.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    require(list(frame.columns) == EXPECTED_COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
    require(len(frame) == 398, f"{path}: expected 398 rows, found {len(frame)}")
    frame.insert(0, "row", range(len(frame)))
    return frame


def load_corrections(raw_dir: Path) -> pd.DataFrame:
    """``curated/corrections_2.csv`` (row numbers 0-based, as in ``audit.csv``)."""
    path = raw_file(raw_dir, "curated", "corrections_2.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    require(list(frame.columns) == CORRECTION_COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
    require(len(frame) == 7, f"{path}: expected 7 corrections, found {len(frame)}")
    return frame


def check_corrections_cover(frame: pd.DataFrame, corrections: pd.DataFrame, decisions: dict) -> None:
    """Every line of corrections_2.csv is implemented by one decision, on the row it names.

    The reason of each line starts with ``[city indicator year value]`` of its target row; the
    target must still read so in ``city_indicators.csv`` (a shifted row number would fail here).
    """
    implemented = {}
    for kind in ("drop", "replace", "relabel"):
        for rule in decisions.get(kind, []):
            if "corrections_2" in rule:
                implemented[int(rule["corrections_2"])] = kind
    for number, line in enumerate(corrections.itertuples(), start=2):
        row = int(line.row_in_city_indicators)
        where = f"curated/corrections_2.csv, line {number}, column reason"
        match = re.match(r"\[(\S+) (\S+) (\S*) (\S+)\]", line.reason)
        require(match is not None, f"{where}: does not start with '[city indicator year value]'")
        target = frame.loc[frame.row == row].iloc[0]
        got = (target.city, target.indicator, target.year, target.value)
        require(got == match.groups(), f"{where}: names {match.groups()} but city_indicators row {row} is {got}")
        require(row in implemented, f"{where}: row {row} ({line.action}) has no decision in catalog/curated_decisions.yaml")


def clean(frame: pd.DataFrame, corrections: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (observations, sources, excluded)."""
    decisions = catalog.load_yaml("curated_decisions")
    if corrections is not None:
        check_corrections_cover(frame, corrections, decisions)
    geo = pd.DataFrame(catalog.load_yaml("geo_units")["geo_units"])
    geo_level = {(g.city, g.geo_unit): g.geo_level for g in geo.itertuples()}
    frame = frame.copy()
    frame["city_id"] = frame["city"].str.lower()
    frame["value"] = pd.to_numeric(frame["value"], errors="raise")
    for column in ("source_title", "publisher", "source_url", "retrieved_via"):
        frame[column] = frame[column].astype(object)
    # Approximation is read from the source's own wording, never from the decisions' reasons.
    frame["source_note"] = frame["note"]

    drop_rows: dict[int, str] = {}
    for rule in decisions["drop"]:
        for row in rule["rows"]:
            require(row not in drop_rows, f"catalog/curated_decisions.yaml: row {row} dropped twice")
            drop_rows[row] = rule["reason"]
    replaced = []
    for rule in decisions.get("replace", []):
        at = frame.row == rule["row"]
        require(at.sum() == 1 and rule["row"] not in drop_rows,
                f"catalog/curated_decisions.yaml: replace row {rule['row']} missing or also dropped")
        replaced.append(frame[at].assign(reason=rule["reason"]))
        old = frame.loc[at].iloc[0]
        changes = {"value": float(rule["value"]), "year": str(rule.get("year", old.year)),
                   "geo_unit": rule.get("geo_unit", old.geo_unit)}
        for column in ("source_url", "source_title", "publisher", "retrieved_via"):
            changes[column] = rule.get(column, old[column])
        changes["source_note"] = rule.get("note", "")
        changes["note"] = (f"{rule.get('note', '')} [Corrected: {old.value:g} ({old.publisher}) replaced by "
                           f"{changes['value']:g}. {rule['reason']}]").strip()
        for column, value in changes.items():
            frame.loc[at, column] = value
    for rule in decisions.get("relabel", []):
        at = frame.row == rule["row"]
        require(at.sum() == 1 and rule["row"] not in drop_rows,
                f"catalog/curated_decisions.yaml: relabel row {rule['row']} missing or also dropped")
        old = frame.loc[at].iloc[0]
        changed = []
        for key, column in (("indicator", "indicator"), ("definition", "definition"), ("geo_unit", "geo_unit"),
                            ("year", "year")):
            if key in rule and str(rule[key]) != old[column]:
                changed.append(f"{column} {old[column] or '(empty)'} -> {rule[key]}")
                frame.loc[at, column] = str(rule[key])
        what = "; ".join(changed) if changed else "value and meaning kept"
        frame.loc[at, "note"] = f"{old.note} [Relabelled ({what}): {rule['reason']}]".strip()
    for rule in decisions["fix_year"]:
        for row in rule["rows"]:
            old = frame.loc[frame.row == row, "year"].iloc[0]
            frame.loc[frame.row == row, "year"] = str(rule["year"])
            frame.loc[frame.row == row, "note"] += f" [Year fixed {old} -> {rule['year']}: {rule['reason']}]"
    no_year = frame["year"].str.strip() == ""
    for row in frame.loc[no_year, "row"]:
        drop_rows.setdefault(int(row), decisions["no_year_reason"])
    dropped = frame["row"].isin(drop_rows)
    excluded = pd.concat([frame[dropped].assign(reason=frame.loc[dropped, "row"].map(drop_rows)), *replaced])
    excluded = excluded.sort_values("row", kind="stable")
    kept = frame[~dropped].copy()

    kept["year"] = kept["year"].astype(int)
    kept["geo_level"] = [geo_level.get((c, u)) for c, u in zip(kept.city, kept.geo_unit)]
    kept["indicator_id"] = kept["indicator"]
    kept["concept"] = kept["definition"]
    kept["source_id"] = [make_source_id(p, u) for p, u in zip(kept.publisher, kept.source_url)]
    kept["is_estimate"] = kept["source_note"].str.contains(APPROXIMATE_PATTERN)
    kept["flag"] = ""
    kept.loc[kept.note.str.contains("COMPUTED by curator"), "flag"] = "computed_by_curator"

    # Figures that another source gives differently are flagged at build, across all files
    # (analytics.db.flag_disagreements): both are kept.

    # Rows that share the full contract key (same source page, two readings of one figure):
    # keep both, make the key unique with a reading number in breakdown_value's note.
    contract_key = ["city_id", "indicator_id", "year", "geo_unit", "breakdown", "breakdown_value", "source_id"]
    dup_rank = kept.groupby(contract_key).cumcount()
    if (dup_rank > 0).any():
        kept.loc[dup_rank > 0, "source_id"] = kept.loc[dup_rank > 0, "source_id"] + "-r" + (dup_rank[dup_rank > 0] + 1).astype(str)
        kept.loc[dup_rank > 0, "flag"] = (kept.loc[dup_rank > 0, "flag"] + " second_reading").str.strip()

    sources = (
        kept.drop_duplicates("source_id")
        .assign(title=lambda d: d.source_title, url=lambda d: d.source_url,
                licence=cited_licence(),
                source_type=lambda d: d.publisher.map(classify_source_type))
        [SOURCE_COLUMNS]
        .sort_values("source_id")
    )
    observations = kept[OBSERVATION_COLUMNS].sort_values(
        ["city_id", "indicator_id", "year", "breakdown", "breakdown_value", "source_id"]
    )
    excluded_out = excluded.rename(columns={"row": "curated_row", "city": "city_name"}).assign(
        city_id=lambda d: d.city_name.str.lower(), origin_file="city_indicators.csv"
    )[["origin_file", "curated_row", "city_id", "indicator", "definition", "value", "unit", "year", "geo_unit",
       "breakdown", "breakdown_value", "publisher", "source_url", "reason"]]
    return observations.reset_index(drop=True), sources.reset_index(drop=True), excluded_out


def expected_exclusions() -> tuple[int, int]:
    """(rows excluded by a decision, rows replaced), from ``catalog/curated_decisions.yaml``."""
    decisions = catalog.load_yaml("curated_decisions")
    return sum(len(rule["rows"]) for rule in decisions["drop"]), len(decisions.get("replace", []))


def check(observations: pd.DataFrame, sources: pd.DataFrame, excluded: pd.DataFrame) -> None:
    indicators = set(catalog.indicators().indicator_id)
    cities = set(observations.city_id)
    require(cities <= set(catalog.city_ids()) and len(cities) == 9,
            f"curated: city_indicators.csv should cover the 9 founding cities of catalog/cities.yaml, found {sorted(cities)}")
    unknown = set(observations.indicator_id) - indicators
    require(not unknown, f"curated: indicators missing from catalog/indicators.yaml: {sorted(unknown)}")
    require(observations.geo_level.notna().all(),
            f"curated: geo_unit without geo_level in catalog/geo_units.yaml: "
            f"{observations[observations.geo_level.isna()].geo_unit.unique().tolist()}")
    require(set(observations.concept) <= set(catalog.CONCEPTS), "curated: unknown concept")
    dropped, replaced = expected_exclusions()
    require(len(observations) + len(excluded) == 398 + replaced, "curated: rows lost between load and save")
    require(len(excluded) == dropped + replaced + NO_YEAR_ROWS,
            f"curated: expected {dropped} drops + {replaced} replaced + {NO_YEAR_ROWS} rows without year, got {len(excluded)}")
    share = observations.unit == "percent"
    require(observations.loc[share, "value"].between(0, 100).all(), "curated: a share outside 0..100")
    signed = observations.indicator_id.map(bounds.is_signed).astype(bool)  # catalogue: `signed: true`
    require((observations.loc[~share & ~signed, "value"] >= 0).all(), "curated: negative count")
    require(set(observations.source_id) <= set(sources.source_id), "curated: observation without source")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    observations, sources, excluded = clean(load(raw_dir), load_corrections(raw_dir))
    check(observations, sources, excluded)
    from analytics.harmonise import conventions

    observations = conventions.finish(observations, "curated")
    paths = [out_dir / "observations_curated.csv", out_dir / "sources_curated.csv",
             out_dir / "excluded_observations.csv"]
    for frame, path in zip((observations, sources, excluded), paths):
        frame.to_csv(path, index=False, lineterminator="\n")
    return paths

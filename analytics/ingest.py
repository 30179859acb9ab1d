"""Ingest a user's own indicator file into the harmonised data, then rebuild.

The file format is documented in ``docs/ingest-format.md``. The file is checked on its own
(encoding, columns, types, ranges, known cities / indicators / enums, unique keys) and then
together with everything already harmonised (keys, sources). Only then is it copied into
``data/harmonised/ingested/`` and the database rebuilt; if the rebuild fails, the copy is
removed. A rejected file changes nothing: the database file stays byte-identical.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pandas as pd

from analytics import catalog
from analytics.paths import HARMONISED_DIR, database_path

REQUIRED = ["city_id", "indicator_id", "year", "value", "unit", "geo_unit", "geo_level",
            "source_id", "source_title", "publisher", "source_url", "source_type"]
OPTIONAL = ["concept", "breakdown", "breakdown_value", "is_estimate", "note", "licence"]
COLUMNS = REQUIRED + OPTIONAL
# Columns of the dashboard's own CSV downloads that are derived from the catalog: accepted and ignored,
# so that a downloaded CSV re-ingests as it is.
DERIVED = ["city", "indicator_label", "flag"]
UNITS = ("persons", "percent", "places", "applications", "households")
MAX_BYTES = 20 * 1024 * 1024
KEY = ["city_id", "indicator_id", "year", "geo_unit", "breakdown", "breakdown_value", "source_id"]
SAFE_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")


class IngestError(ValueError):
    """A rejected ingest file; ``problems`` holds (row, column, reason) triples."""

    def __init__(self, path, problems):
        self.path = str(path)
        self.problems = problems
        lines = [f"  - {self.path}: " + (f"row {r}" if r else "file") + (f", column {c}" if c else "") + f": {why}"
                 for r, c, why in problems[:25]]
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        super().__init__(f"{self.path} rejected ({len(problems)} problem(s)):\n" + "\n".join(lines) + more)


def read_ingest_file(path: Path) -> pd.DataFrame:
    """Read and check one file on its own. Rows are numbered as in a spreadsheet (header = row 1)."""
    path = Path(path)
    if not path.is_file():
        raise IngestError(path, [(None, None, "file not found")])
    raw = path.read_bytes()
    if len(raw) == 0:
        raise IngestError(path, [(None, None, "the file is empty")])
    if len(raw) > MAX_BYTES:
        raise IngestError(path, [(None, None, f"the file is {len(raw)} bytes, over the {MAX_BYTES} byte limit")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise IngestError(path, [(line, None, f"not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); save the file as UTF-8")])
    if "\x00" in text:
        raise IngestError(path, [(None, None, "the file contains NUL bytes (binary or UTF-16?); save it as UTF-8 CSV")])
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False)
    except (pd.errors.ParserError, csv.Error) as error:
        raise IngestError(path, [(None, None, f"not a valid CSV: {error}")])
    except pd.errors.EmptyDataError:
        raise IngestError(path, [(None, None, "the file has no header row")])
    header = [c.strip() for c in frame.columns]
    frame.columns = header
    problems = []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS + DERIVED]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if missing:
        problems.append((1, ",".join(missing), "required column(s) missing"))
    if unknown:
        problems.append((1, ",".join(unknown), f"unknown column(s); allowed: {', '.join(COLUMNS)}"))
    if duplicated:
        problems.append((1, ",".join(duplicated), "column(s) appear twice"))
    if problems:
        raise IngestError(path, problems)
    if frame.empty:
        raise IngestError(path, [(None, None, "the file has a header but no data rows")])
    for column in OPTIONAL:
        if column not in frame:
            frame[column] = ""
    frame = frame[COLUMNS].apply(lambda s: s.str.strip())
    problems += _row_problems(frame)
    if problems:
        raise IngestError(path, problems)
    return _typed(frame)


def _row_problems(frame: pd.DataFrame) -> list[tuple]:
    indicators = catalog.indicators().set_index("indicator_id")
    problems = []
    for i, row in frame.iterrows():
        n = i + 2
        for column in REQUIRED:
            if row[column] == "":
                problems.append((n, column, "empty value"))
        if row.city_id and row.city_id not in catalog.city_ids():
            problems.append((n, "city_id", f"unknown city {row.city_id!r}; expected one of {', '.join(catalog.city_ids())}"))
        if row.indicator_id and row.indicator_id not in indicators.index:
            problems.append((n, "indicator_id", f"unknown indicator {row.indicator_id!r} (see data/catalog/indicators.yaml)"))
        if row.year and not re.fullmatch(r"\d{4}", row.year):
            problems.append((n, "year", f"{row.year!r} is not a four-digit year"))
        elif row.year and not 1900 <= int(row.year) <= 2100:
            problems.append((n, "year", f"year {row.year} outside 1900..2100"))
        value = pd.to_numeric(row.value, errors="coerce") if row.value else None
        if row.value and (pd.isna(value) or not pd.api.types.is_number(value) or value != value or abs(value) == float("inf")):
            problems.append((n, "value", f"{row.value!r} is not a number"))
        elif row.value:
            if value < 0 and not row.indicator_id.startswith("net_"):
                problems.append((n, "value", f"negative value {row.value} for a count or share"))
            if row.unit == "percent" and not 0 <= value <= 100:
                problems.append((n, "value", f"share {row.value} outside 0..100"))
        if row.unit and row.unit not in UNITS:
            problems.append((n, "unit", f"unknown unit {row.unit!r}; expected one of {', '.join(UNITS)}"))
        if row.indicator_id in indicators.index and row.unit and row.unit != indicators.loc[row.indicator_id, "unit"] \
                and not (row.unit == "applications" and row.indicator_id.startswith("asylum")):
            problems.append((n, "unit", f"unit {row.unit!r} differs from the indicator's unit {indicators.loc[row.indicator_id, 'unit']!r}"))
        if row.concept and row.concept not in catalog.CONCEPTS:
            problems.append((n, "concept", f"unknown concept {row.concept!r}"))
        if row.geo_level and row.geo_level not in catalog.GEO_LEVELS:
            problems.append((n, "geo_level", f"unknown geo_level {row.geo_level!r}; expected one of {', '.join(catalog.GEO_LEVELS)}"))
        if row.source_type and row.source_type not in catalog.SOURCE_TYPES:
            problems.append((n, "source_type", f"unknown source_type {row.source_type!r}"))
        if row.source_id and not SAFE_SOURCE_ID.match(row.source_id):
            problems.append((n, "source_id", "use lower-case letters, digits, '-', '_' or '.' (at most 80)"))
        if row.is_estimate and row.is_estimate.lower() not in ("true", "false", "1", "0", "yes", "no"):
            problems.append((n, "is_estimate", f"{row.is_estimate!r} is not true/false"))
        if row.source_url and not re.match(r"^https?://", row.source_url):
            problems.append((n, "source_url", "must start with http:// or https://"))
    dup = frame.duplicated(KEY, keep="first")
    for i in frame.index[dup]:
        problems.append((i + 2, ",".join(KEY), "duplicate key within the file"))
    meta = frame.drop_duplicates(["source_id", "source_title", "publisher", "source_url", "source_type"])
    for source_id in meta.source_id[meta.source_id.duplicated()]:
        problems.append((None, "source_id", f"source {source_id!r} is described differently on different rows"))
    return problems


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    indicators = catalog.indicators().set_index("indicator_id")
    frame = frame.copy()
    frame["year"] = frame["year"].astype(int)
    frame["value"] = pd.to_numeric(frame["value"]).astype(float)
    frame["concept"] = frame["concept"].where(frame["concept"] != "", frame["indicator_id"].map(indicators["concept"]))
    frame["is_estimate"] = frame["is_estimate"].str.lower().isin(["true", "1", "yes"])
    frame["licence"] = frame["licence"].replace("", "not stated")
    frame["flag"] = "ingested"
    return frame


def _conflicts(frame: pd.DataFrame, path: Path, replace: bool, harmonised: Path, ingested: Path) -> list[tuple]:
    from analytics.db import load_tables

    existing = load_tables(harmonised, ingested)
    obs = existing["observations"]
    if replace:
        obs = obs[obs.origin_file != path.name]
    keys = set(map(tuple, obs[KEY].astype(str).values))
    problems = []
    for i, key in enumerate(map(tuple, frame[KEY].astype(str).values)):
        if key in keys:
            problems.append((i + 2, ",".join(KEY), "this figure (same key) is already in the database"))
    sources = existing["sources"].set_index("source_id")
    for row in frame.drop_duplicates("source_id").itertuples():
        if row.source_id in sources.index and not (replace and str(sources.loc[row.source_id, "retrieved_via"]).endswith(path.name)):
            known = sources.loc[row.source_id]
            if (known["title"], known["url"]) != (row.source_title, row.source_url):
                problems.append((None, "source_id", f"source_id {row.source_id!r} already names another source ({known['title']!r})"))
    return problems


def ingest_file(path, replace: bool = False, target_db: Path | None = None,
                harmonised: Path = HARMONISED_DIR, ingested: Path | None = None) -> dict:
    """Validate ``path`` and add it to the harmonised data, then rebuild. Raises IngestError on any problem.

    ``harmonised`` / ``ingested`` / ``target_db`` default to the project's folders and database;
    tests point them at temporary copies.
    """
    from analytics.db import build
    from analytics.validate import ValidationError

    path = Path(path)
    harmonised = Path(harmonised)
    ingested_dir = Path(ingested) if ingested is not None else harmonised / "ingested"
    frame = read_ingest_file(path)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", path.stem) + ".csv"
    destination = ingested_dir / name
    if destination.exists() and not replace:
        raise IngestError(path, [(None, None, f"a file named {name} was already ingested; use --replace to update it")])
    problems = _conflicts(frame.assign(origin_file=name), destination, replace, harmonised, ingested_dir)
    if problems:
        raise IngestError(path, problems)
    ingested_dir.mkdir(parents=True, exist_ok=True)
    backup = destination.with_suffix(".csv.bak")
    if destination.exists():
        shutil.copy2(destination, backup)
    frame.to_csv(destination, index=False, lineterminator="\n")
    try:
        result = build(target_db or database_path(), harmonised, ingested_dir)
    except (ValidationError, Exception) as error:
        destination.unlink(missing_ok=True)
        if backup.exists():
            backup.rename(destination)
        raise IngestError(path, [(None, None, f"rebuild refused: {error}")]) from error
    backup.unlink(missing_ok=True)
    return {"ingested": str(destination), "ingested_rows": len(frame), **result}

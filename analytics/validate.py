"""Validation of the harmonised tables before they enter the database.

Types are checked with pandera schemas; plausibility bounds (years, shares, counts against the
territory's population, no -0, no non-finite number) by ``analytics.bounds``, the one place
shared with the ingest; cross-table rules (every source_id in sources, every indicator in the
catalog, group <= total, every city of the catalog) in plain code. Keys are compared after
``normalise.text_key`` (NFC, whitespace folded). Every failure names the table, the row, the
column and the reason.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from analytics import bounds
from analytics.catalog import CONCEPTS, GEO_LEVELS, SOURCE_TYPES, city_ids
from analytics.normalise import text_key
from analytics.rules import AREA_COUNT_KEY, OBSERVATION_KEY

KEYS = {
    "cities": ["city_id"],
    "sources": ["source_id"],
    "indicators": ["indicator_id"],
    "observations": list(OBSERVATION_KEY),  # analytics.rules
    "areas": ["city_id", "area_id"],
    "area_counts": list(AREA_COUNT_KEY),
    "country_context": ["iso3", "indicator_id", "year", "breakdown_value", "source_id"],
}


@dataclass
class Problem:
    table: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row + 1}" if self.row is not None else "table"
        return f"{self.table}: {where}, column {self.column or '-'}: {self.reason}"


class ValidationError(ValueError):
    """Raised with every problem found; ``problems`` lists them, the message names the first ones."""

    def __init__(self, problems: list[Problem], label: str = "validation failed"):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{label} ({len(problems)} problem(s)):\n{shown}{more}")


def _text(**kw):
    return pa.Column(str, nullable=False, **kw)


SCHEMAS = {
    "cities": pa.DataFrameSchema({
        "city_id": _text(checks=pa.Check.isin(city_ids())), "name": _text(), "country_iso3": _text(checks=pa.Check.str_length(3, 3)),
        "lat": pa.Column(float, pa.Check.in_range(-90, 90)), "lon": pa.Column(float, pa.Check.in_range(-180, 180)),
    }),
    "sources": pa.DataFrameSchema({
        "source_id": _text(checks=pa.Check.str_length(1, 120)), "title": _text(), "publisher": _text(),
        "url": _text(), "licence": _text(), "source_type": _text(checks=pa.Check.isin(SOURCE_TYPES)),
        "retrieved_via": pa.Column(str, nullable=True),
    }),
    "indicators": pa.DataFrameSchema({
        "indicator_id": _text(), "label": _text(), "unit": _text(), "concept": _text(checks=pa.Check.isin(CONCEPTS)),
        "theme": _text(), "description": _text(),
    }),
    "observations": pa.DataFrameSchema({
        "city_id": _text(checks=pa.Check.isin(city_ids())), "indicator_id": _text(),
        "concept": _text(checks=pa.Check.isin(CONCEPTS)), "year": pa.Column(int),
        "geo_unit": _text(), "geo_level": _text(checks=pa.Check.isin(GEO_LEVELS)),
        "breakdown": pa.Column(str), "breakdown_value": pa.Column(str),
        "value": pa.Column(float, nullable=False), "unit": _text(), "source_id": _text(),
        "is_estimate": pa.Column(bool), "note": pa.Column(str, nullable=True),
    }),
    "areas": pa.DataFrameSchema({
        "city_id": _text(checks=pa.Check.isin(city_ids())), "area_id": _text(), "area_name": _text(),
        "area_level": _text(), "parent_area_id": pa.Column(str, nullable=True),
        "area_km2": pa.Column(float, pa.Check.gt(0)), "source_id": _text(),
    }),
    "area_counts": pa.DataFrameSchema({
        "city_id": _text(checks=pa.Check.isin(city_ids())), "area_id": _text(), "year": pa.Column(int),
        "group_id": _text(), "value": pa.Column(float, pa.Check.ge(0), nullable=False), "source_id": _text(),
        "is_estimate": pa.Column(bool),
    }),
    "country_context": pa.DataFrameSchema({
        "iso3": _text(checks=pa.Check.str_length(3, 3)), "indicator_id": _text(), "year": pa.Column(int),
        "breakdown_value": _text(), "value": pa.Column(float, pa.Check.ge(0)), "unit": _text(),
        "concept": _text(checks=pa.Check.isin(CONCEPTS)), "source_id": _text(),
    }),
}


def _schema_problems(table: str, frame: pd.DataFrame) -> list[Problem]:
    try:
        SCHEMAS[table].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems = []
        for case in errors.failure_cases.itertuples():
            row = int(case.index) if pd.notna(case.index) else None
            problems.append(Problem(table, row, case.column, f"{case.check} failed (value: {case.failure_case!r})"))
        return problems
    return []


def _row_problems(table, frame, mask, column, reason):
    return [Problem(table, int(i), column, reason(frame.loc[i]) if callable(reason) else reason)
            for i in frame.index[mask]]


def _folded(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame[columns]`` with text in the form of ``text_key`` (only values that can change are mapped)."""
    out = frame[columns].copy()
    for column in columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            values = out[column].astype(str)
            odd = values.str.contains(r"[^\x21-\x7e ]|  |^ | $", regex=True, na=False)
            if odd.any():
                out.loc[odd, column] = values[odd].map(text_key)
    return out


def validate_tables(tables: dict[str, pd.DataFrame], *, require_all_cities: bool = True) -> None:
    """Check every harmonised table and the rules between them; raise ValidationError if any fails."""
    problems: list[Problem] = []
    for table, frame in tables.items():
        if table in SCHEMAS:
            problems += _schema_problems(table, frame)
        if table in KEYS:
            dup = _folded(frame, KEYS[table]).duplicated(keep="first")
            problems += _row_problems(table, frame, dup, ",".join(KEYS[table]), "duplicate key")
    if problems:
        raise ValidationError(problems)

    obs, sources = tables["observations"], tables["sources"]
    source_ids = set(sources.source_id)
    for table in ("observations", "areas", "area_counts", "country_context", "cities", "world_countries"):
        frame = tables[table]
        problems += _row_problems(table, frame, ~frame.source_id.isin(source_ids), "source_id",
                                  lambda r: f"source_id {r.source_id!r} is not in sources")
    indicators = set(tables["indicators"].indicator_id)
    problems += _row_problems("observations", obs, ~obs.indicator_id.isin(indicators), "indicator_id",
                              lambda r: f"indicator {r.indicator_id!r} is not in the catalog")
    context_indicators = set(tables["context_indicators"].indicator_id)
    ctx = tables["country_context"]
    problems += _row_problems("country_context", ctx, ~ctx.indicator_id.isin(context_indicators), "indicator_id",
                              lambda r: f"context indicator {r.indicator_id!r} is not in the catalog")
    limits = bounds.limits_from_tables(tables["cities"], ctx)
    for table in ("observations", "area_counts", "country_context"):
        problems += [Problem(table, int(i), column, reason) for i, column, reason in bounds.frame_problems(tables[table], limits)]

    counts, areas = tables["area_counts"], tables["areas"]
    area_keys = set(zip(areas.city_id, areas.area_id))
    orphan = pd.Series([k not in area_keys for k in zip(counts.city_id, counts.area_id)], index=counts.index)
    problems += _row_problems("area_counts", counts, orphan, "area_id", lambda r: f"area {r.city_id}/{r.area_id} has no geometry")
    groups = set(tables["area_groups"].group_id)
    unknown_group = ~(counts.group_id.isin(groups) | counts.group_id.str.startswith("nationality:"))
    problems += _row_problems("area_counts", counts, unknown_group, "group_id", lambda r: f"group {r.group_id!r} not in the catalog")
    totals = counts[counts.group_id == "total"].set_index(["city_id", "area_id", "year", "source_id"]).value
    others = counts[counts.group_id != "total"]
    joined = others.join(totals.rename("total_value"), on=["city_id", "area_id", "year", "source_id"])
    over = joined.total_value.notna() & (joined.value > joined.total_value + 1e-6)
    problems += _row_problems("area_counts", joined, over, "value",
                              lambda r: f"group {r.group_id} ({r.value}) exceeds the total ({r.total_value})")
    if require_all_cities:
        missing = set(city_ids()) - set(obs.city_id)
        if missing:
            problems.append(Problem("observations", None, "city_id", f"cities without observations: {sorted(missing)}"))
        missing = set(city_ids()) - set(tables["cities"].city_id)
        if missing:
            problems.append(Problem("cities", None, "city_id", f"missing cities: {sorted(missing)}"))
    if problems:
        raise ValidationError(problems)

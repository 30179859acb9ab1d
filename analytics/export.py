"""Filtered tables for the data explorer and downloads, in a documented column order.

CSV output is UTF-8, tidy long format, one row per figure, with its source on the row.
Text cells starting with ``=``, ``+``, ``-`` or ``@`` are prefixed with an apostrophe so that
spreadsheets do not run them as formulas (OWASP CSV injection guidance).
"""
from __future__ import annotations

import pandas as pd

OBSERVATION_COLUMNS = [
    "city_id", "city", "indicator_id", "indicator_label", "concept", "year", "value", "unit", "geo_unit", "geo_level",
    "breakdown", "breakdown_value", "is_estimate", "flag", "note", "source_id", "publisher", "source_title", "source_url",
    "source_type", "licence",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _in(column: str, values) -> tuple[str, list]:
    values = list(values or [])
    if not values:
        return "TRUE", []
    return f"{column} IN ({', '.join('?' * len(values))})", values


def observations_table(con, cities=(), indicators=(), concepts=(), themes=(), geo_levels=(), source_types=(),
                       years=(1900, 2100)) -> pd.DataFrame:
    """Observations joined with their source and labels, filtered (empty filter = all)."""
    clauses, params = [], []
    for column, values in (("o.city_id", cities), ("o.indicator_id", indicators), ("o.concept", concepts),
                           ("i.theme", themes), ("o.geo_level", geo_levels), ("s.source_type", source_types)):
        clause, vals = _in(column, values)
        clauses.append(clause)
        params += vals
    sql = f"""
        SELECT o.city_id, c.name AS city, o.indicator_id, i.label AS indicator_label, o.concept, o.year, o.value, o.unit,
               o.geo_unit, o.geo_level, o.breakdown, o.breakdown_value, o.is_estimate, o.flag, o.note, o.source_id,
               s.publisher, s.title AS source_title, s.url AS source_url, s.source_type, s.licence
        FROM observations o JOIN sources s USING (source_id) JOIN indicators i USING (indicator_id)
        JOIN cities c USING (city_id)
        WHERE {' AND '.join(clauses)} AND o.year BETWEEN ? AND ?
        ORDER BY o.city_id, o.indicator_id, o.year, o.breakdown, o.breakdown_value, o.source_id"""
    return con.execute(sql, params + [int(years[0]), int(years[1])]).df()[OBSERVATION_COLUMNS]


def cities_with_area_counts(con) -> list[str]:
    """City ids that have district counts."""
    return [r[0] for r in con.execute("SELECT DISTINCT city_id FROM area_counts ORDER BY 1").fetchall()]


def area_counts_table(con, city_id: str) -> pd.DataFrame:
    """District counts of a city with area names, codes, levels and sources."""
    return con.execute("""
        SELECT c.city_id, c.area_id, a.area_name, a.area_level, a.parent_area_id, c.year, c.group_id,
               coalesce(g.label, c.group_id) AS group_label, c.value, c.is_estimate, c.source_id, s.publisher, s.url AS source_url
        FROM area_counts c JOIN areas a USING (city_id, area_id) JOIN sources s ON s.source_id = c.source_id
        LEFT JOIN area_groups g ON g.group_id = c.group_id
        WHERE c.city_id = ? ORDER BY c.year, a.area_level, c.area_id, c.group_id""", [city_id]).df()


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would read as a formula with an apostrophe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (no index, LF line ends, formulas neutralised)."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")

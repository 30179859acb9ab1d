"""Filtered tables for the data explorer and downloads, in a documented column order.

Two datasets are exported: ``observations`` (one row per city figure) and ``area_counts``
(one row per district count). Both carry, on every row, their source (source_id, publisher,
source_title, source_url, source_type and licence, all from the ``sources`` table) and their
definition (concept). One SQL builder per dataset (``_observations_query``,
``_area_counts_query``) feeds every path: the in-memory table of the app, the file writers
that stream from DuckDB (``write_csv_file``, ``write_parquet_file``, ``write_zip_file``) and
the ``query.sql`` of a bundle.

CSV output is UTF-8, tidy long format, RFC 4180 with every text value quoted. Text cells
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return are prefixed with an
apostrophe so that spreadsheets do not run them as formulas (OWASP, "CSV Injection").
Text from the data (publishers, titles, territories, URLs) stays text in the bundle's README
and in the citation: never a Markdown or HTML link or image, and a URL is printed only when it
is http(s) with a host.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd

from analytics import rules
from analytics.text_safety import clean_url, one_line

DATASETS = ("observations", "area_counts")
OBSERVATION_COLUMNS = [
    "city_id", "city", "indicator_id", "indicator_label", "concept", "year", "value", "unit", "geo_unit", "geo_level",
    "breakdown", "breakdown_value", "is_estimate", "flag", "note", "source_id", "publisher", "source_title", "source_url",
    "source_type", "licence",
]
AREA_COUNT_COLUMNS = [
    "city_id", "city", "area_id", "area_name", "area_level", "parent_area_id", "year", "group_id", "group_label", "concept",
    "value", "is_estimate", "source_id", "publisher", "source_title", "source_url", "source_type", "licence", "data_version",
]
AREA_COUNT_KEY = list(rules.AREA_COUNT_KEY)  # the keys are written once, in analytics.rules
OBSERVATION_KEY = list(rules.OBSERVATION_KEY)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- queries (one per dataset)

_OBSERVATIONS_SELECT = """SELECT o.city_id, c.name AS city, o.indicator_id, i.label AS indicator_label, o.concept, o.year, o.value, o.unit,
       o.geo_unit, o.geo_level, o.breakdown, o.breakdown_value, o.is_estimate, o.flag, o.note, o.source_id,
       s.publisher, s.title AS source_title, s.url AS source_url, s.source_type, s.licence
FROM observations o JOIN sources s USING (source_id) JOIN indicators i USING (indicator_id)
JOIN cities c USING (city_id)"""
# Row order (the table's key, so the order is total and both writers agree): (alias, column)
_OBSERVATIONS_ORDER_KEYS = [("o", "city_id"), ("o", "indicator_id"), ("o", "year"), ("o", "breakdown"), ("o", "breakdown_value"),
                            ("o", "source_id"), ("o", "geo_unit")]
_OBSERVATIONS_ORDER = "ORDER BY " + ", ".join(f"{a}.{c}" for a, c in _OBSERVATIONS_ORDER_KEYS)

# Group labels and concepts come from the area_groups catalog; single nationalities
# (``nationality:ISO3``) are foreign citizens of that country, labelled with the country's name,
# as in analytics.reference.area_groups (a test keeps the two equal).
_AREA_COUNTS_SELECT = """SELECT c.city_id, ci.name AS city, c.area_id, a.area_name, a.area_level, a.parent_area_id, c.year, c.group_id,
       coalesce(g.label, CASE WHEN c.group_id LIKE 'nationality:%'
                              THEN 'Nationality: ' || coalesce(k.name, replace(c.group_id, 'nationality:', '')) END,
                c.group_id) AS group_label,
       coalesce(g.concept, CASE WHEN c.group_id LIKE 'nationality:%' THEN 'foreign_citizenship' END) AS concept,
       c.value, c.is_estimate, c.source_id, s.publisher, s.title AS source_title, s.url AS source_url, s.source_type,
       s.licence, (SELECT data_version FROM build_info) AS data_version
FROM area_counts c JOIN areas a USING (city_id, area_id) JOIN cities ci USING (city_id)
JOIN sources s ON s.source_id = c.source_id LEFT JOIN area_groups g ON g.group_id = c.group_id
LEFT JOIN countries k ON c.group_id LIKE 'nationality:%' AND k.iso3 = replace(c.group_id, 'nationality:', '')"""
_AREA_COUNTS_ORDER_KEYS = [("c", "city_id"), ("c", "year"), ("a", "area_level"), ("c", "area_id"), ("c", "group_id"), ("c", "source_id")]
_AREA_COUNTS_ORDER = "ORDER BY " + ", ".join(f"{a}.{c}" for a, c in _AREA_COUNTS_ORDER_KEYS)

# filter key -> column, per dataset
_OBSERVATION_FILTERS = (("cities", "o.city_id"), ("indicators", "o.indicator_id"), ("concepts", "o.concept"),
                        ("themes", "i.theme"), ("geo_levels", "o.geo_level"), ("source_types", "s.source_type"))
_AREA_COUNT_FILTERS = (("cities", "c.city_id"), ("years", "c.year"), ("groups", "c.group_id"),
                       ("area_levels", "a.area_level"), ("source_types", "s.source_type"))
FILTER_KEYS = {
    "observations": {"cities", "indicators", "concepts", "themes", "geo_levels", "source_types", "years"},
    "area_counts": {"cities", "years", "groups", "area_levels", "source_types"},
}


def _in(column: str, values) -> tuple[str, list]:
    values = list(values or [])
    if not values:
        return "TRUE", []
    return f"{column} IN ({', '.join('?' * len(values))})", values


def _observations_query(filters: dict, ordered: bool = True) -> tuple[str, list]:
    """SQL and bound parameters of the observations table for ``filters`` (empty filter = all);
    ``years`` is an inclusive range ``(from, to)``."""
    clauses, params = [], []
    for key, column in _OBSERVATION_FILTERS:
        clause, values = _in(column, filters.get(key))
        clauses.append(clause)
        params += values
    years = filters.get("years") or (1900, 2100)
    clauses.append("o.year BETWEEN ? AND ?")
    params += [int(years[0]), int(years[1])]
    return f"{_OBSERVATIONS_SELECT}\nWHERE {' AND '.join(clauses)}" + (f"\n{_OBSERVATIONS_ORDER}" if ordered else ""), params


def _area_counts_query(filters: dict, ordered: bool = True) -> tuple[str, list]:
    """SQL and bound parameters of the district counts for ``filters`` (empty filter = all);
    ``years`` is a list of years (district counts exist for scattered years)."""
    clauses, params = [], []
    for key, column in _AREA_COUNT_FILTERS:
        values = filters.get(key)
        if key == "years" and values:
            values = [int(v) for v in values]
        clause, values = _in(column, values)
        clauses.append(clause)
        params += values
    return f"{_AREA_COUNTS_SELECT}\nWHERE {' AND '.join(clauses)}" + (f"\n{_AREA_COUNTS_ORDER}" if ordered else ""), params


def _query(dataset: str, filters: dict, ordered: bool = True) -> tuple[str, list]:
    if dataset == "observations":
        return _observations_query(filters, ordered)
    if dataset == "area_counts":
        return _area_counts_query(filters, ordered)
    raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")


def _dataset_of(table: pd.DataFrame) -> str:
    return "area_counts" if "area_id" in table.columns else "observations"


def observations_table(con, cities=(), indicators=(), concepts=(), themes=(), geo_levels=(), source_types=(),
                       years=(1900, 2100)) -> pd.DataFrame:
    """Observations joined with their source and labels, filtered (empty filter = all)."""
    filters = {"cities": cities, "indicators": indicators, "concepts": concepts, "themes": themes,
               "geo_levels": geo_levels, "source_types": source_types, "years": years}
    sql, params = _observations_query(filters)
    return con.execute(sql, params).df()[OBSERVATION_COLUMNS]


def observations_page(con, filters: dict, limit: int = 500, offset: int = 0) -> pd.DataFrame:
    """One page of the filtered observations (``limit`` rows from ``offset``), paged in DuckDB so
    that only the rows on screen reach pandas and the browser."""
    sql, params = _observations_query(filters)
    return con.execute(f"SELECT * FROM ({sql}) LIMIT ? OFFSET ?", [*params, int(limit), int(offset)]).df()[OBSERVATION_COLUMNS]


def observations_summary(con, filters: dict) -> dict:
    """Counts of the filtered observations computed in DuckDB: figures, sources, cities,
    estimates and figures another source contradicts (flag ``disagreement``)."""
    sql, params = _observations_query(filters, ordered=False)
    n, sources, cities, estimates, disagree = con.execute(f"""
        SELECT count(*), count(DISTINCT source_id), count(DISTINCT city_id), count(*) FILTER (WHERE is_estimate),
               count(*) FILTER (WHERE flag LIKE '%disagreement%') FROM ({sql})""", params).fetchone()
    return {"n": int(n), "sources": int(sources), "cities": int(cities), "estimates": int(estimates),
            "disagree": int(disagree)}


def citation_for(con, filters: dict, url: str = "") -> str:
    """The citation of every filtered observation (not only a page of them), from the distinct
    (source, publisher, title, URL, city, year) rows computed in DuckDB."""
    sql, params = _observations_query(filters, ordered=False)
    columns = ", ".join(_SUMMARY_COLUMNS)
    summary = con.execute(f"SELECT {columns}, count(*) AS n FROM ({sql}) GROUP BY ALL ORDER BY {columns}", params).df()
    return _citation(con, summary, url, 3, None)


def cities_with_area_counts(con) -> list[str]:
    """City ids that have district counts."""
    return [r[0] for r in con.execute("SELECT DISTINCT city_id FROM area_counts ORDER BY 1").fetchall()]


def area_counts_table(con, city_ids=(), years=None, group_ids=None, area_levels=None, source_types=None) -> pd.DataFrame:
    """District counts with area names and levels, group labels and concepts, sources and licences.

    Parameters
    ----------
    con : duckdb connection
    city_ids : str or sequence of str
        One city id or several; empty = every city with district counts.
    years, group_ids, area_levels, source_types : sequence, optional
        Keep only these years (a list, not a range: counts exist for scattered years, see
        ``years_available``), population groups (``total``, ``foreign``, ``nationality:BRA``...),
        area levels (``district``, ``barrio``...) or source types. ``None`` or empty = all.

    Returns
    -------
    pandas.DataFrame
        Columns ``AREA_COUNT_COLUMNS``, one row per (city, area, year, group, source), ordered by
        city, year, area level, area and group; ``data_version`` is the database's content hash.
    """
    sql, params = _area_counts_query(_area_filters(city_ids, years, group_ids, area_levels, source_types))
    return con.execute(sql, params).df()[AREA_COUNT_COLUMNS]


def _area_filters(city_ids=(), years=None, group_ids=None, area_levels=None, source_types=None) -> dict:
    cities = [city_ids] if isinstance(city_ids, str) else list(city_ids or ())
    filters = {"cities": cities, "years": list(years or ()), "groups": list(group_ids or ()),
               "area_levels": list(area_levels or ()), "source_types": list(source_types or ())}
    return {k: v for k, v in filters.items() if v}


def years_available(con, city_ids=(), group_ids=None, area_levels=None) -> list[int]:
    """The years for which district counts exist for the selection (sorted, no gaps filled).

    Madrid, for instance, has 2019, 2020, 2022 and 2023: no 2021. Use ``format_years`` to print
    them without claiming a range that has holes.
    """
    filters = _area_filters(city_ids, None, group_ids, area_levels)
    sql, params = _area_counts_query(filters)
    return [int(r[0]) for r in con.execute(f"SELECT DISTINCT year FROM ({sql}) ORDER BY 1", params).fetchall()]


def year_runs(years) -> list[tuple[int, int]]:
    """Consecutive runs of ``years``: [2019, 2020, 2022, 2023] -> [(2019, 2020), (2022, 2023)]."""
    runs: list[list[int]] = []
    for year in sorted({int(y) for y in years}):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return [(a, b) for a, b in runs]


def format_years(years) -> str:
    """Years as runs with an en dash: [2019, 2020, 2022, 2023] -> "2019–2020, 2022–2023"."""
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in year_runs(years))


# --------------------------------------------------------------------------- cells

def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would read as a formula with an apostrophe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            try:
                risky = out[column].str.startswith(FORMULA_PREFIXES, na=False).astype(bool)
            except AttributeError:  # an object column without text
                continue
            if risky.any():
                out.loc[risky, column] = "'" + out.loc[risky, column]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (RFC 4180: text quoted, LF line ends, true/false, formulas neutralised).

    Written with Arrow's C++ CSV writer: measured here on 1,000,000 rows, pandas ``to_csv``
    took 13.4 s and Arrow 0.7 s (benchmarks/README.md). ``write_csv_file`` writes the same bytes
    straight from DuckDB, for downloads too large to hold in memory.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(neutralise_formulas(frame), preserve_index=False)
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer, pacsv.WriteOptions(quoting_style="needed"))
    return buffer.getvalue()


# --------------------------------------------------------------------------- text from data

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:\"'=$%^@])")


def _plain_text(value) -> str:
    """Data text as one line of plain text (``analytics.text_safety.one_line``: NFC, control,
    invisible and bidi characters removed, whitespace folded)."""
    return one_line(value)


def _markdown_text(value) -> str:
    """Data text for Markdown: plain text with every ASCII punctuation character that Markdown
    or GFM autolinks give a meaning backslash-escaped (CommonMark 0.31, section 2.4), so that it
    renders as the same text and never as a link, image, HTML or emphasis."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", _plain_text(value))


def _safe_url(value) -> str:
    """``value`` if it is a plain http or https URL with a host, else "" (a javascript:, data: or
    relative URL, or one with characters that end a link, is never printed): the ingest's rule,
    ``analytics.text_safety.clean_url``."""
    return clean_url(value) if isinstance(value, str) else ""


def _fence(text: str) -> str:
    """``text`` in a fenced code block (nothing inside renders), with a fence longer than any
    backtick run in the text (CommonMark 0.31, section 4.5)."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


# --------------------------------------------------------------------------- downloads

DASHBOARD = "MC2CM city migration dashboard"
FIELD_DESCRIPTIONS = {
    "city_id": ("string", "City identifier (amman, beirut, lisbon, lyon, madrid, tangier, tunis, turin, vienna)"),
    "city": ("string", "City name"),
    "indicator_id": ("string", "Indicator identifier (data/catalog/indicators.yaml)"),
    "indicator_label": ("string", "Indicator label"),
    "concept": ("string", "What the figure counts: foreign_citizenship, foreign_born, migration_background, registered_refugee, asylum_seeker, internal_migrant, total, other"),
    "year": ("integer", "Reference year (stocks at 1 January take that year)"),
    "value": ("number", "The figure as published"),
    "unit": ("string", "persons, percent, places, applications"),
    "geo_unit": ("string", "The territory the figure refers to, as the source states it"),
    "geo_level": ("string", "municipality, governorate, metropolitan, region, national, district"),
    "breakdown": ("string", "Breakdown dimension (nationality, sex, age, ...); empty for totals"),
    "breakdown_value": ("string", "Breakdown value; empty for totals"),
    "is_estimate": ("boolean", "True where the publisher gives the figure as an estimate or approximation"),
    "flag": ("string", "disagreement (another source gives another value), computed, computed_by_curator, ingested"),
    "note": ("string", "Definition details and exact wording"),
    "source_id": ("string", "Source identifier (table sources)"),
    "publisher": ("string", "Publisher of the source"),
    "source_title": ("string", "Title of the source"),
    "source_url": ("string", "Where the figure was read"),
    "source_type": ("string", "official_statistics, city_administration, un_agency, research, secondary, estimate"),
    "licence": ("string", "Licence of the source (name or URL, from the sources table)"),
    "area_id": ("string", "Area code as the publisher gives it (district, barrio, zone, ...)"),
    "area_name": ("string", "Area name"),
    "area_level": ("string", "Level of the area in its city (district, barrio, circoscrizione, ...)"),
    "parent_area_id": ("string", "Code of the enclosing area; empty at the top level"),
    "group_id": ("string", "Population group (data/catalog/area_groups.yaml): total, foreign, ..., nationality:ISO3"),
    "group_label": ("string", "Label of the population group"),
    "data_version": ("string", "Content hash of the dashboard's database the row was exported from"),
}
# Where a column means something else in a dataset: (column, dataset) -> (type, description)
_FIELD_OVERRIDES = {("value", "area_counts"): ("number", "Number of residents of the group in the area, as published")}


def data_version(con) -> str:
    """Content hash of the database (set at build time)."""
    return con.execute("SELECT data_version FROM build_info").fetchone()[0]


_PROVIDER_CUT = re.compile(r"\s*(?:\(|;|,\s|\s-\s|\svia\s)")


def provider_name(publisher) -> str:
    """The provider part of a publisher string: "Kurier (citing Fonds Soziales Wien)" -> "Kurier",
    "City of Vienna, MA 23 (Statistik Wien)" -> "City of Vienna"."""
    text = _plain_text(publisher)
    short = _PROVIDER_CUT.split(text, maxsplit=1)[0].strip()
    return short or text


_SUMMARY_COLUMNS = ["source_id", "publisher", "source_title", "source_url", "city", "year"]


def _summary(table: pd.DataFrame) -> pd.DataFrame:
    """Rows per (source, city, year) of a table: all that the citation, README and datapackage
    need (``_summary_sql`` gives the same from the database for tables too large to load)."""
    if table.empty:
        return pd.DataFrame(columns=_SUMMARY_COLUMNS + ["n"])
    return table.groupby(_SUMMARY_COLUMNS, dropna=False, sort=True).size().rename("n").reset_index()


def _summary_sql(con, dataset: str, filters: dict) -> pd.DataFrame:
    sql, params = _query(dataset, filters)
    return con.execute(f"SELECT {', '.join(_SUMMARY_COLUMNS)}, count(*) AS n FROM ({sql}) q GROUP BY ALL "
                       f"ORDER BY {', '.join(_SUMMARY_COLUMNS)}", params).df()


def providers(table: pd.DataFrame) -> pd.DataFrame:
    """The providers of ``table``, each once, most-used first: provider, n_rows, years and works
    (distinct publisher, title, URL with their years; the same title and URL under two source
    ids is one work)."""
    return _providers(_summary(table))


def _providers(summary: pd.DataFrame) -> pd.DataFrame:
    columns = ["provider", "n_rows", "years", "works"]
    if summary.empty:
        return pd.DataFrame(columns=columns)
    frame = summary.copy()
    frame["provider"] = frame.publisher.map(provider_name)
    frame["title"] = frame.source_title.map(_plain_text)
    frame["url"] = frame.source_url.map(_safe_url)
    rows = []
    for provider, part in frame.groupby("provider", sort=True):
        works: dict[tuple, dict] = {}
        for (publisher, title, url), w in part.groupby(["publisher", "title", "url"], sort=True):
            work = works.setdefault((title, url), {"publisher": _plain_text(publisher), "title": title, "url": url, "years": set()})
            work["years"] |= set(w.year.astype(int))
        rows.append({"provider": provider, "n_rows": int(part.n.sum()), "years": sorted(set(part.year.astype(int))),
                     "works": [dict(w, years=sorted(w["years"])) for w in works.values()]})
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["n_rows", "provider"], ascending=[False, True], kind="stable").reset_index(drop=True)


def citation(con, table: pd.DataFrame, url: str = "", max_short: int = 3, today: date | None = None) -> str:
    """How to cite a download: a one-line short form, then each provider once with its works.

    Short form: "Providers (years). MC2CM city migration dashboard, data version X, retrieved
    DATE. URL" with at most ``max_short`` providers named ("and N others"), most-used first.
    The full list then names each provider once (publisher strings grouped by their provider
    part, see ``provider_name``) with the title, years and URL of each work. Text from the data
    is plain text; a URL is printed only when it is http(s) with a host.
    """
    return _citation(con, _summary(table), url, max_short, today)


def _citation(con, summary: pd.DataFrame, url: str = "", max_short: int = 3, today: date | None = None) -> str:
    listed = _providers(summary)
    names = list(listed.provider)
    shown = ", ".join(names[:max_short]) + (f" and {len(names) - max_short} others" if len(names) > max_short else "")
    years = format_years(summary.year) if not summary.empty else ""
    view = _safe_url(url)
    short = (f"{shown or 'No provider'}" + (f" ({years})" if years else "") + f". {DASHBOARD}, data version "
             f"{data_version(con)}, retrieved {(today or date.today()).isoformat()}." + (f" {view}" if view else ""))
    lines = [short, "", "Original providers (cite these first):"]
    for row in listed.itertuples():
        works = []
        for work in row.works:
            text = work["title"] + f" ({format_years(work['years'])})"
            if work["url"]:
                text += f" {work['url']}"
            works.append(text)
        publishers = {w["publisher"] for w in row.works}
        label = next(iter(publishers)) if len(publishers) == 1 else row.provider
        lines.append(f"- {label}: " + "; ".join(works))
    return "\n".join(lines)


def _sql_literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def selection_sql(filters: dict, dataset: str = "observations") -> str:
    """The SQL (DuckDB) that produces the table of ``dataset`` for ``filters`` (for reproducibility):
    the query the export runs, with its parameters written in."""
    sql, params = _query(dataset, filters)
    pieces = sql.split("?")
    out = pieces[0]
    for value, piece in zip(params, pieces[1:]):
        out += _sql_literal(value) + piece
    return out + ";\n"


def _definitions(dataset: str, columns) -> pd.DataFrame:
    rows = []
    for column in columns:
        kind, text = _FIELD_OVERRIDES.get((column, dataset), FIELD_DESCRIPTIONS[column])
        rows.append({"column": column, "type": kind, "description": text})
    return pd.DataFrame(rows)


def to_excel_bytes(con, table: pd.DataFrame) -> bytes:
    """Excel workbook: data, sources and definitions sheets (formulas neutralised)."""
    buffer = io.BytesIO()
    sources = con.execute("SELECT * FROM sources").df()
    sources = sources[sources.source_id.isin(set(table.source_id))] if "source_id" in table else sources.iloc[0:0]
    definitions = _definitions(_dataset_of(table), table.columns)
    concepts = con.execute("SELECT concept_id, label, description FROM concepts").df()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_formulas(table).to_excel(writer, sheet_name="data", index=False)
        neutralise_formulas(sources).to_excel(writer, sheet_name="sources", index=False)
        definitions.to_excel(writer, sheet_name="definitions", index=False)
        concepts.to_excel(writer, sheet_name="definitions", index=False, startrow=len(definitions) + 2)
    return buffer.getvalue()


def to_parquet_bytes(table: pd.DataFrame) -> bytes:
    """Parquet of the table (typed; text cells neutralised as in CSV, so no export cell starts a formula)."""
    buffer = io.BytesIO()
    neutralise_formulas(table).to_parquet(buffer, index=False)
    return buffer.getvalue()


def areas_geojson_bytes(con, city_id: str, year: int | None = None) -> bytes:
    """GeoJSON of a city's areas with their counts (one property per group) and sources."""
    import geopandas as gpd
    import shapely

    areas = con.execute("SELECT city_id, area_id, area_name, area_level, parent_area_id, area_km2, source_id AS boundary_source_id, geometry "
                        "FROM areas WHERE city_id = ? ORDER BY area_level, area_id", [city_id]).df()
    counts = area_counts_table(con, city_id)
    if year is None and not counts.empty:
        year = int(counts.year.max())
    if not counts.empty:
        wide = counts[counts.year == year].pivot_table(index="area_id", columns="group_id", values="value", aggfunc="first")
        wide.columns = [f"count_{c.replace(':', '_')}" for c in wide.columns]
        meta = counts[counts.year == year].groupby("area_id").agg(count_year=("year", "first"), count_source_id=("source_id", "first"),
                                                                   count_is_estimate=("is_estimate", "any"),
                                                                   count_licence=("licence", "first"))
        areas = areas.merge(wide.join(meta), left_on="area_id", right_index=True, how="left")
    geometry = shapely.from_wkb([bytes(g) for g in areas.pop("geometry")])
    return gpd.GeoDataFrame(areas, geometry=geometry, crs=4326).to_json().encode("utf-8")


_DATASET_META = {
    "observations": {"name": "mc2cm-city-migration-indicators", "title": "MC2CM city migration indicators (filtered download)",
                     "file": "observations.csv", "key": OBSERVATION_KEY, "what": "figures (one row per figure)"},
    "area_counts": {"name": "mc2cm-district-counts", "title": "MC2CM district counts (filtered download)",
                    "file": "area_counts.csv", "key": AREA_COUNT_KEY, "what": "district counts (one row per area, year and group)"},
}


def datapackage(con, table: pd.DataFrame, filters: dict, url: str = "") -> dict:
    """A Frictionless Data Package descriptor for the CSV in the bundle."""
    return _datapackage(con, _dataset_of(table), list(table.columns), _summary(table), filters, url)


def _datapackage(con, dataset: str, columns: list[str], summary: pd.DataFrame, filters: dict, url: str = "") -> dict:
    meta = _DATASET_META[dataset]
    fields = [{"name": r.column, "type": r.type, "description": r.description}
              for r in _definitions(dataset, columns).itertuples()]
    sources = []
    for r in summary.drop_duplicates("source_id").itertuples():
        source = {"title": _plain_text(f"{r.publisher}: {r.source_title}")}
        if _safe_url(r.source_url):
            source["path"] = _safe_url(r.source_url)
        sources.append(source)
    package = {
        "name": meta["name"],
        "title": meta["title"],
        "description": f"Harmonised city migration data from the {DASHBOARD}. Filters: {json.dumps(filters, default=list)}",
        "version": data_version(con),
        "created": date.today().isoformat() + "T00:00:00Z",
        "licenses": [{"name": "other-at", "title": "Each row keeps the licence of its source (column licence)"}],
        "sources": sources,
        "resources": [{
            "name": dataset, "path": meta["file"], "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": {"fields": fields, "primaryKey": meta["key"]},
        }],
    }
    if _safe_url(url):
        package["homepage"] = _safe_url(url)
    return package


def readme(con, table: pd.DataFrame, filters: dict, url: str = "") -> str:
    """README.md of a bundle: what it holds, the filters, how to cite.

    Text from the data appears only backslash-escaped (city names) or inside fenced code blocks
    (the citation, the view's URL), so a hostile publisher, title or URL renders as text, never
    as a link or image.
    """
    return _readme(con, _dataset_of(table), _summary(table), filters, url)


def _readme(con, dataset: str, summary: pd.DataFrame, filters: dict, url: str = "") -> str:
    meta = _DATASET_META[dataset]
    n_rows = int(summary.n.sum()) if not summary.empty else 0
    cities = ", ".join(_markdown_text(c) for c in sorted(summary.city.unique())) if not summary.empty else "no city"
    years = format_years(summary.year) if not summary.empty else "none"
    view = _safe_url(url)
    lines = [f"# {DASHBOARD}: data download", "",
             f"Data version `{data_version(con)}`, downloaded {date.today().isoformat()}.", "",
             f"`{meta['file']}` holds {n_rows} {meta['what']} (UTF-8, tidy long format) from "
             f"{summary.source_id.nunique() if not summary.empty else 0} source(s) for {cities}; years {years} "
             "(only the years listed exist).",
             "Every row carries its source (source_id, publisher, source_title, source_url, source_type, licence), its "
             "definition (concept) and its year. Figures from different concepts or territories are **not comparable**; "
             "the dashboard's Methods page explains the rules.", "",
             "## Filters applied", "```json", json.dumps(filters, indent=2, default=list), "```", ""]
    if view:
        lines += ["Shareable view:", _fence(view), ""]
    lines += ["## Files", f"- `{meta['file']}`: the data", "- `datapackage.json`: Frictionless Data Package (fields, types, sources)",
              "- `query.sql`: the SQL that produced the table from the dashboard's DuckDB database", "- `README.md`: this file", "",
              "## How to cite", _fence(_citation(con, summary, url)), "",
              "Text cells that begin with =, +, - or @ are prefixed with an apostrophe so that spreadsheets do not run them."]
    return "\n".join(lines) + "\n"


def zip_bundle(con, table: pd.DataFrame, filters: dict, url: str = "") -> bytes:
    """ZIP with the CSV, datapackage.json, README.md, the SQL and the view's URL (in memory:
    for tables the app already holds; ``write_zip_file`` streams large ones)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        dataset = _dataset_of(table)
        archive.writestr(_DATASET_META[dataset]["file"], to_csv_bytes(table))
        _write_metadata(archive, con, dataset, list(table.columns), _summary(table), filters, url)
    return buffer.getvalue()


def _write_metadata(archive, con, dataset, columns, summary, filters, url) -> None:
    archive.writestr("datapackage.json", json.dumps(_datapackage(con, dataset, columns, summary, filters, url),
                                                    indent=2, ensure_ascii=False))
    archive.writestr("README.md", _readme(con, dataset, summary, filters, url))
    archive.writestr("query.sql", selection_sql(filters, dataset))
    if _safe_url(url):
        archive.writestr("view-url.txt", _safe_url(url) + "\n")


# --------------------------------------------------------------------------- streaming writers (DuckDB COPY)

# Numbers as Arrow's CSV writer prints a double (shortest round-trip digits; plain decimal for
# 1e-6 <= |x| < 1e10, else d.ddde+X / d.ddde-X), so that both writers give the same bytes.
_MACROS = """
CREATE OR REPLACE TEMP MACRO mc2cm_mant(s) AS split_part(s, 'e', 1);
CREATE OR REPLACE TEMP MACRO mc2cm_e10(s) AS CASE WHEN contains(s, 'e') THEN CAST(split_part(s, 'e', 2) AS INTEGER) ELSE 0 END;
CREATE OR REPLACE TEMP MACRO mc2cm_all(m) AS split_part(m, '.', 1) || split_part(m, '.', 2);
CREATE OR REPLACE TEMP MACRO mc2cm_digits(s) AS rtrim(ltrim(mc2cm_all(mc2cm_mant(s)), '0'), '0');
CREATE OR REPLACE TEMP MACRO mc2cm_exp(s) AS length(split_part(mc2cm_mant(s), '.', 1)) - 1
    - (length(mc2cm_all(mc2cm_mant(s))) - length(ltrim(mc2cm_all(mc2cm_mant(s)), '0'))) + mc2cm_e10(s);
CREATE OR REPLACE TEMP MACRO mc2cm_layout(d, e) AS CASE
    WHEN e BETWEEN 0 AND 9 THEN CASE WHEN length(d) <= e + 1 THEN rpad(d, CAST(e + 1 AS INTEGER), '0')
                                     ELSE left(d, e + 1) || '.' || substr(d, e + 2) END
    WHEN e BETWEEN -6 AND -1 THEN '0.' || repeat('0', CAST(-e - 1 AS BIGINT)) || d
    ELSE left(d, 1) || CASE WHEN length(d) > 1 THEN '.' || substr(d, 2) ELSE '' END
         || 'e' || CASE WHEN e >= 0 THEN '+' ELSE '-' END || CAST(abs(e) AS VARCHAR) END;
CREATE OR REPLACE TEMP MACRO mc2cm_short(s) AS CASE WHEN suffix(s, '.0') THEN left(s, CAST(length(s) - 2 AS INTEGER)) ELSE s END;
CREATE OR REPLACE TEMP MACRO mc2cm_number(x) AS CASE
    WHEN x IS NULL THEN NULL
    -- the common case: DuckDB prints 1e-4 <= |x| < 1e16 as plain decimals, Arrow too below 1e10 (minus a trailing .0)
    WHEN abs(x) >= 0.0001 AND abs(x) < 10000000000 THEN mc2cm_short(CAST(x AS VARCHAR))
    WHEN isnan(x) THEN NULL  -- pandas holds NaN as missing: Arrow writes an empty cell
    WHEN isinf(x) THEN CASE WHEN x > 0 THEN 'inf' ELSE '-inf' END
    WHEN x = 0 THEN CASE WHEN starts_with(CAST(x AS VARCHAR), '-') THEN '-0' ELSE '0' END
    ELSE CASE WHEN x < 0 THEN '-' ELSE '' END
         || mc2cm_layout(mc2cm_digits(CAST(abs(x) AS VARCHAR)), mc2cm_exp(CAST(abs(x) AS VARCHAR))) END;
CREATE OR REPLACE TEMP MACRO mc2cm_text(t) AS CASE
    WHEN left(t, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || t ELSE t END;
"""


def _columns(con, sql: str, params: list) -> list[tuple[str, str]]:
    description = con.execute(f"SELECT * FROM ({sql}) LIMIT 0", params).description
    return [(d[0], str(d[1]).upper()) for d in description]


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_select(con, dataset: str, filters: dict, csv: bool) -> tuple[str, list, list[str], list[str]]:
    """The SELECT that COPY writes: text neutralised (both formats) and, for CSV, numbers formatted
    as Arrow prints them. Returns sql, params, column names and the text columns to quote."""
    sql, params = _query(dataset, filters, ordered=False)  # ordered once, outside
    con.execute(_MACROS)
    columns = _columns(con, sql, params)
    order = OBSERVATION_COLUMNS if dataset == "observations" else AREA_COUNT_COLUMNS
    kinds = dict(columns)
    parts, text = [], []
    for name in order:
        ident = _quote_identifier(name)
        if kinds[name] == "VARCHAR":
            parts.append(f"mc2cm_text(q.{ident}) AS {ident}")
            text.append(name)
        elif csv and kinds[name] in ("DOUBLE", "FLOAT", "REAL"):
            parts.append(f"mc2cm_number(q.{ident}) AS {ident}")
        else:
            parts.append(f"q.{ident}")
    # Ordered in the outer query (DuckDB does not promise that a subquery's order survives).
    keys = _OBSERVATIONS_ORDER_KEYS if dataset == "observations" else _AREA_COUNTS_ORDER_KEYS
    order_by = ", ".join(f"q.{_quote_identifier(c)}" for _, c in keys)
    return f"SELECT {', '.join(parts)} FROM ({sql}) q ORDER BY {order_by}", params, order, text


def _copy_path(path) -> str:
    return str(Path(path)).replace("'", "''")


def write_csv_file(con, filters: dict, path, dataset: str = "observations") -> int:
    """Write the filtered table of ``dataset`` to ``path`` as CSV, straight from DuckDB
    (``COPY (SELECT ...) TO``), so a full download never sits in Python's memory.

    The bytes equal ``to_csv_bytes`` of the same table (same quoting, number format, booleans,
    formula neutralisation; tested). Returns the number of rows written.
    """
    validate_filters(con, filters, dataset)
    select, params, names, text = _copy_select(con, dataset, filters, csv=True)
    path = Path(path)
    body = path.with_name(f".{path.name}.body{os.getpid()}")
    part = path.with_name(f".{path.name}.part{os.getpid()}")
    try:
        quoted = ", ".join(_quote_identifier(n) for n in text)
        n = con.execute(f"COPY ({select}) TO '{_copy_path(body)}' (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', "
                        f"ESCAPE '\"', NULL '', FORCE_QUOTE ({quoted}))", params).fetchone()[0]
        with open(part, "wb") as out, open(body, "rb") as rows:  # Arrow quotes every header name; DuckDB only forced ones
            out.write((",".join(_quote_identifier(n) for n in names) + "\n").encode("utf-8"))
            shutil.copyfileobj(rows, out, 1 << 20)
        os.replace(part, path)  # a failed export leaves no half-written file
    finally:
        body.unlink(missing_ok=True)
        part.unlink(missing_ok=True)
    return int(n)


def write_parquet_file(con, filters: dict, path, dataset: str = "observations") -> int:
    """Write the filtered table of ``dataset`` to ``path`` as Parquet (zstd), straight from DuckDB.
    Same columns, types and values as ``to_parquet_bytes``. Returns the number of rows written."""
    validate_filters(con, filters, dataset)
    select, params, _, _ = _copy_select(con, dataset, filters, csv=False)
    path = Path(path)
    part = path.with_name(f".{path.name}.part{os.getpid()}")
    try:
        n = con.execute(f"COPY ({select}) TO '{_copy_path(part)}' (FORMAT parquet, COMPRESSION zstd)", params).fetchone()[0]
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return int(n)


def write_zip_file(con, filters: dict, path, dataset: str = "observations", url: str = "") -> int:
    """The ZIP bundle written to ``path``: the CSV streamed from DuckDB into the archive, the
    metadata from one aggregate query (rows per source, city and year). Returns the number of rows."""
    validate_filters(con, filters, dataset)
    columns = OBSERVATION_COLUMNS if dataset == "observations" else AREA_COUNT_COLUMNS
    with tempfile.TemporaryDirectory(dir=Path(path).parent) as tmp:
        csv_path = Path(tmp) / "data.csv"
        n = write_csv_file(con, filters, csv_path, dataset)
        summary = _summary_sql(con, dataset, filters)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(csv_path, _DATASET_META[dataset]["file"])
            _write_metadata(archive, con, dataset, columns, summary, filters, url)
    return n


# --------------------------------------------------------------------------- entry point

def validate_filters(con, filters: dict, dataset: str = "observations") -> None:
    """Refuse unknown filter keys and unknown cities, indicators, concepts, themes, levels,
    source types, groups, area levels or years (by name), with the values that exist."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")
    extra = sorted(set(filters) - FILTER_KEYS[dataset])
    if extra:
        raise ValueError(f"unknown filter for {dataset}: {', '.join(extra)}; expected one of {', '.join(sorted(FILTER_KEYS[dataset]))}")
    known = {
        "cities": {r[0] for r in con.execute("SELECT city_id FROM cities").fetchall()},
        "source_types": {"official_statistics", "un_agency", "city_administration", "research", "secondary", "estimate"},
    }
    if dataset == "observations":
        known |= {
            "indicators": {r[0] for r in con.execute("SELECT indicator_id FROM indicators").fetchall()},
            "concepts": {r[0] for r in con.execute("SELECT concept_id FROM concepts").fetchall()},
            "themes": {r[0] for r in con.execute("SELECT theme_id FROM themes").fetchall()},
            "geo_levels": {"municipality", "governorate", "metropolitan", "region", "national", "district"},
        }
    else:
        known |= {
            "groups": {r[0] for r in con.execute("SELECT DISTINCT group_id FROM area_counts").fetchall()},
            "area_levels": {r[0] for r in con.execute("SELECT DISTINCT area_level FROM areas").fetchall()},
        }
    for key, valid in known.items():
        unknown = sorted(set(filters.get(key) or ()) - valid)
        if unknown:
            raise ValueError(f"unknown {key.replace('_', ' ')}: {', '.join(map(str, unknown))}; expected one of {', '.join(sorted(valid))}")
    if dataset == "area_counts" and filters.get("years"):
        cities = filters.get("cities") or ()
        valid_years = set(years_available(con, cities))
        missing = sorted({int(y) for y in filters["years"]} - valid_years)
        if missing:
            where = f" for {', '.join(cities)}" if cities else ""
            raise ValueError(f"no district counts{where} in {', '.join(map(str, missing))}; years that exist: "
                             f"{format_years(valid_years) or 'none'}")


def _table(con, dataset: str, filters: dict) -> pd.DataFrame:
    sql, params = _query(dataset, filters)
    return con.execute(sql, params).df()[OBSERVATION_COLUMNS if dataset == "observations" else AREA_COUNT_COLUMNS]


def export(con, filters: dict, fmt: str, url: str = "", city_id: str | None = None,
           dataset: str = "observations") -> bytes:
    """One entry point for the UI and the CLI: the filtered table of ``dataset`` (observations or
    area_counts) in ``fmt`` (csv, xlsx, parquet, zip; geojson needs ``city_id``), as bytes.
    For large downloads to a file use ``write_file``."""
    if fmt == "geojson":
        validate_filters(con, {k: v for k, v in filters.items() if k in FILTER_KEYS[dataset]}, dataset)
        if not city_id:
            raise ValueError("geojson export needs exactly one city")
        return areas_geojson_bytes(con, city_id)
    if fmt not in ("csv", "xlsx", "parquet", "zip"):
        raise ValueError(f"unknown format {fmt!r}; expected csv, xlsx, parquet, geojson or zip")
    validate_filters(con, filters, dataset)
    table = _table(con, dataset, filters)
    if fmt == "csv":
        return to_csv_bytes(table)
    if fmt == "xlsx":
        return to_excel_bytes(con, table)
    if fmt == "parquet":
        return to_parquet_bytes(table)
    return zip_bundle(con, table, filters, url)


def _limit_memory(con, limit: str = "256MB") -> None:
    """Cap DuckDB's memory on ``con`` (it then sorts large exports on disk, in a temporary
    folder). Measured on 1,000,000 synthetic observations (docs/downloads.md): a full CSV took
    +1,226 MiB unbounded and +270 MiB at 256MB, same bytes."""
    spill = Path(tempfile.gettempdir()) / "mc2cm-duckdb-spill"
    con.execute(f"SET memory_limit = '{limit.replace(chr(39), '')}'")
    con.execute(f"SET temp_directory = '{_copy_path(spill)}'")


def write_file(con, filters: dict, fmt: str, path, url: str = "", city_id: str | None = None,
               dataset: str = "observations", memory_limit: str | None = None) -> int:
    """Write a download to ``path``: csv, parquet and zip stream from DuckDB; xlsx and geojson are
    built in memory (Excel holds at most 1,048,576 rows anyway). ``memory_limit`` (e.g. "256MB")
    caps DuckDB's memory on ``con`` for this and later queries (see ``_limit_memory``).
    Returns the number of bytes written."""
    if memory_limit:
        _limit_memory(con, memory_limit)
    if fmt == "csv":
        write_csv_file(con, filters, path, dataset)
    elif fmt == "parquet":
        write_parquet_file(con, filters, path, dataset)
    elif fmt == "zip":
        write_zip_file(con, filters, path, dataset, url)
    else:
        Path(path).write_bytes(export(con, filters, fmt, url, city_id, dataset))
    return Path(path).stat().st_size

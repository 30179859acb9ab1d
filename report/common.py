"""What every page ends with (caveats, sources with licences, data version and citation) and
the pieces several sections share: facts from analytics rows, the areas' GeoJSON."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd

from analytics import reference, spatial
from analytics.export import citation as export_citation
from figures.compare import standing_mark
from figures.context import Context
from report.editorial import is_missing, plain, value_text
from report.model import Fact, Page, Section, Table

# Douglas-Peucker tolerance in degrees per level of detail: "full" (about 20 m) is invisible at
# city zoom and gives 3-10x less GeoJSON than the stored boundaries; "small" (about 200 m) is
# the size of a pixel in a small-multiple map of ~250 px for a city of ~30 km.
SIMPLIFY_DEGREES = {"full": 0.0002, "small": 0.002}

# The columns of an analytics row a Fact names; every other column passes through (Fact.extra).
FACT_COLUMNS = ("indicator_id", "indicator_label", "value", "unit", "year", "year_used", "concept", "geo_unit",
                "territory_id", "publisher", "source_id", "source_url", "source_type", "is_estimate", "shown_as")


def area_geojson(con, city_id: str, area_level: str | None = None, leaves_only: bool = False,
                 detail: str = "full") -> dict:
    """A city's areas as GeoJSON (properties area_id, area_name, area_level), simplified by ``detail``.

    The one implementation for the pages' maps (``ui.geo`` caches it) and the briefs'."""
    gdf = spatial.area_geodataframe(con, city_id, area_level)
    if leaves_only and not gdf.empty:
        gdf = gdf[~gdf.area_id.isin(set(gdf.parent_area_id))]  # finest areas: no overlaps between levels
    if gdf.empty:
        return {"type": "FeatureCollection", "features": []}
    gdf = gdf[["area_id", "area_name", "area_level", "geometry"]].copy()
    gdf["geometry"] = gdf.geometry.simplify(SIMPLIFY_DEGREES[detail], preserve_topology=True)
    return json.loads(gdf.to_json(drop_id=True))


def fact(row: dict, ctx: Context, role: str | None = None, label: str | None = None) -> Fact:
    """A :class:`Fact` from one analytics row (``key_figures``, ``compare_cities``, ...).

    Unknown columns are kept in ``Fact.extra`` (age and break marks can be shown from there)."""
    from analytics.rules import parse_bool, territory_key

    value = row.get("value")
    year = row.get("year", row.get("year_used"))
    estimate = parse_bool(row.get("is_estimate"))
    territory = "" if is_missing(row.get("geo_unit")) else ctx.territory(str(row.get("geo_unit")), row.get("city_id"),
                                                                        row.get("geo_level"))
    key = territory_key(pd.DataFrame([row])).iloc[0] if territory else ""

    def text(name: str) -> str:
        cell = row.get(name)
        return "" if is_missing(cell) else str(cell)

    return Fact(key=str(row.get("indicator_id", "")), label=label or ctx.label("indicators", row.get("indicator_id")),
                value=None if is_missing(value) else float(value), unit=text("unit"),
                text=value_text(value, text("unit"), ctx),
                standing=standing_mark(row.get("source_type"), estimate, ctx) if not is_missing(value) else "",
                concept=ctx.label("concepts", row.get("concept")), territory=territory, territory_id=key,
                year=None if is_missing(year) else int(year), source=text("publisher"),
                source_id=text("source_id"), source_url=text("source_url"),
                role=role or text("shown_as") or "card",
                extra={k: v for k, v in row.items() if k not in FACT_COLUMNS})


def facts_table(facts: list[Fact], ctx: Context) -> pd.DataFrame:
    """Facts as a reading table (the briefs' key-figure table, the page's "other figures")."""
    per_city = bool(facts) and all(f.role == "bar" for f in facts)  # Compare: one fact per city
    return pd.DataFrame({
        ctx.t("col_city" if per_city else "col_indicator"): [f.label for f in facts], ctx.t("col_value"): [f.text for f in facts],
        ctx.t("col_year"): [str(f.year or "") for f in facts], ctx.t("col_concept"): [f.concept for f in facts],
        ctx.t("col_territory"): [f.territory for f in facts], ctx.t("col_standing"): [f.standing for f in facts],
        ctx.t("source"): [f.source for f in facts],
        **({ctx.t("col_marks"): ["; ".join(f.notes) for f in facts]} if any(f.notes for f in facts) else {})})


def ids(frame: pd.DataFrame | None, *columns: str) -> list[str]:
    if frame is None or frame.empty:
        return []
    return [str(v) for c in columns if c in frame for v in frame[c].dropna().unique()]


def sources_table(con, source_ids) -> pd.DataFrame:
    """The ``sources`` rows of ``source_ids`` (publisher, title, url, licence, source_type)."""
    wanted = list(dict.fromkeys(source_ids))
    table = reference.sources(con)
    table = table[table.source_id.isin(wanted)]
    order = {s: i for i, s in enumerate(wanted)}
    return (table.assign(_o=table.source_id.map(order)).sort_values(["publisher", "_o"])
            .drop(columns="_o")[["source_id", "publisher", "title", "url", "licence", "source_type"]].reset_index(drop=True))


def citation_text(con, sources: pd.DataFrame, city_ids) -> str:
    """The export citation of the page's sources, with the cities and years they give figures for."""
    source_list, cities = list(sources.source_id), list(city_ids)
    s_marks, c_marks = ", ".join("?" * len(source_list)) or "''", ", ".join("?" * len(cities)) or "''"
    rows = con.execute(f"""
        SELECT o.source_id, s.publisher, s.title AS source_title, s.url AS source_url, c.name AS city, o.year
        FROM observations o JOIN sources s USING (source_id) JOIN cities c USING (city_id)
        WHERE o.source_id IN ({s_marks}) AND o.city_id IN ({c_marks})
        UNION ALL
        SELECT k.source_id, s.publisher, s.title, s.url, c.name, k.year
        FROM area_counts k JOIN sources s USING (source_id) JOIN cities c USING (city_id)
        WHERE k.source_id IN ({s_marks}) AND k.city_id IN ({c_marks})
        UNION ALL
        SELECT x.source_id, s.publisher, s.title, s.url, c.name, x.year
        FROM country_context x JOIN sources s USING (source_id) JOIN cities c ON c.country_iso3 = x.iso3
        WHERE x.source_id IN ({s_marks}) AND c.city_id IN ({c_marks})""",
                       [*source_list, *cities] * 3).df()
    return export_citation(con, rows.drop_duplicates())


def caveats_section(ctx: Context, sections: list[Section]) -> Section:
    """Every caveat of the page's sections and charts, once each, with the standing legend."""
    notes = [n for s in sections for n in s.caveats] + [n for s in sections for c in s.charts for n in c.notes]
    notes = list(dict.fromkeys(n for n in notes if n))
    return Section("caveats", "question_caveats", ctx.t("brief_caveats"),
                   paragraphs=[ctx.t("standing_legend"), plain(ctx.t("choice_rule_short"))],
                   bullets=notes or [ctx.t("brief_no_caveats")])


def sources_section(ctx: Context, sources: pd.DataFrame) -> Section:
    table = pd.DataFrame({ctx.t("brief_col_publisher"): sources.publisher, ctx.t("brief_col_title"): sources.title,
                          ctx.t("source_type"): [ctx.label("source_types", s) for s in sources.source_type],
                          ctx.t("brief_col_licence"): sources.licence, ctx.t("brief_col_url"): sources.url})
    return Section("sources", "question_sources", ctx.t("brief_sources"), paragraphs=[ctx.t("brief_sources_intro", n=len(sources))],
                   tables=[Table(table, "sources")], source_ids=list(sources.source_id))


def citation_section(ctx: Context, text: str) -> Section:
    return Section("citation", "question_citation", ctx.t("brief_citation"),
                   paragraphs=[ctx.t("brief_data_version", version=ctx.data_version)],
                   bullets=[line for line in text.splitlines() if line.strip()])


def finish_page(con, ctx: Context, kind: str, title: str, subtitle: str, sections: list[Section], city_ids,
                name: str, view: dict) -> Page:
    """The page with its closing sections (caveats, sources, citation), in that order."""
    source_ids = [s for sec in sections for s in sec.source_ids]
    sources = sources_table(con, source_ids)
    cite = citation_text(con, sources, city_ids)
    sections = [*sections, caveats_section(ctx, sections), sources_section(ctx, sources), citation_section(ctx, cite)]
    return Page(kind, ctx.lang, title, subtitle, sections, ctx.data_version, cite, sources, date.today().isoformat(),
                name, view)

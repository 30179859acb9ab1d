"""What a brief says: sections of text, tables and charts, in one language, from the same
analytics functions and figure builders the pages use (``mode="print"``).

A :class:`Brief` holds no format: :mod:`briefs.pdf`, :mod:`briefs.html` and :mod:`briefs.pptx`
lay the same content out as an A4 PDF, one offline HTML file and a 16:9 deck. Every text
comes from the language catalogues (``i18n``); every number from a database row with its
source (``sources`` table, licence column).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from analytics import compare, coverage, origins, profile, reference, spatial
from analytics.export import citation as export_citation
from analytics.rules import HEADLINE, HEADLINE_SHARES
from briefs.context import brief_context
from figures import static_maps
from figures.compare import city_and_country, lines_over_time, ranked_bars, standing_mark
from figures.context import Context
from figures.profile import national_refugee_lines, top_origins_bars
from figures.style import Chart
from i18n import is_rtl, percent
from i18n import value as fmt

# Douglas-Peucker tolerance in degrees (about 20 m), as the pages' maps (ui/geo.py).
SIMPLIFY_DEGREES = 0.0002
TREND_CHARTS = 2  # trend indicators drawn (those with the most years)

CITY_SECTIONS = ("key_figures", "trends", "districts", "origins", "refugees", "national", "gaps", "peers", "caveats",
                 "sources", "citation")
COMPARISON_SECTIONS = ("ranking", "over_time", "city_vs_country", "caveats", "sources", "citation")


@dataclass
class Section:
    """One section of a brief: a title, paragraphs, an optional table (already in the reader's
    language), charts and notes."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    charts: list[Chart] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class Brief:
    """A city or comparison brief in one language, ready for any format."""

    kind: str  # "city" or "comparison"
    lang: str
    title: str
    subtitle: str
    sections: list[Section]
    data_version: str
    citation: str
    sources: pd.DataFrame  # source_id, publisher, title, url, licence, source_type
    made_on: str
    name: str  # file stem

    @property
    def direction(self) -> str:
        return "rtl" if is_rtl(self.lang) else "ltr"

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]

    def section_titles(self) -> list[str]:
        return [s.title for s in self.sections]


# --------------------------------------------------------------------------- helpers

def plain(text) -> str:
    """Catalogue text with its markdown emphasis removed (briefs lay text out themselves)."""
    return str(text).replace("**", "").replace("`", "")


def area_geojson(con, city_id: str, area_level: str | None = None, leaves_only: bool = False) -> dict:
    """A city's areas as GeoJSON (properties area_id, area_name, area_level), simplified as on the pages."""
    gdf = spatial.area_geodataframe(con, city_id, area_level)
    if leaves_only and not gdf.empty:
        gdf = gdf[~gdf.area_id.isin(set(gdf.parent_area_id))]
    if gdf.empty:
        return {"type": "FeatureCollection", "features": []}
    gdf = gdf[["area_id", "area_name", "area_level", "geometry"]].copy()
    gdf["geometry"] = gdf.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    return json.loads(gdf.to_json(drop_id=True))


def _ids(frame: pd.DataFrame | None, *columns: str) -> list[str]:
    if frame is None or frame.empty:
        return []
    return [str(v) for c in columns if c in frame for v in frame[c].dropna().unique()]


def _sources_table(con, source_ids) -> pd.DataFrame:
    ids = list(dict.fromkeys(source_ids))
    table = reference.sources(con)
    table = table[table.source_id.isin(ids)]
    order = {s: i for i, s in enumerate(ids)}
    return (table.assign(_o=table.source_id.map(order)).sort_values(["publisher", "_o"])
            .drop(columns="_o")[["source_id", "publisher", "title", "url", "licence", "source_type"]].reset_index(drop=True))


def _sources_section(ctx: Context, sources: pd.DataFrame) -> Section:
    table = pd.DataFrame({ctx.t("brief_col_publisher"): sources.publisher, ctx.t("brief_col_title"): sources.title,
                          ctx.t("source_type"): [ctx.label("source_types", s) for s in sources.source_type],
                          ctx.t("brief_col_licence"): sources.licence, ctx.t("brief_col_url"): sources.url})
    return Section("sources", ctx.t("brief_sources"), [ctx.t("brief_sources_intro", n=len(sources))], table=table)


def _citation(con, sources: pd.DataFrame, city_ids) -> str:
    """The export citation of the brief's sources, with the cities and years they give figures for."""
    ids, cities = list(sources.source_id), list(city_ids)
    rows = con.execute(f"""
        SELECT o.source_id, s.publisher, s.title AS source_title, s.url AS source_url, c.name AS city, o.year
        FROM observations o JOIN sources s USING (source_id) JOIN cities c USING (city_id)
        WHERE o.source_id IN ({', '.join('?' * len(ids)) or "''"}) AND o.city_id IN ({', '.join('?' * len(cities))})
        UNION ALL
        SELECT k.source_id, s.publisher, s.title, s.url, c.name, k.year
        FROM area_counts k JOIN sources s USING (source_id) JOIN cities c USING (city_id)
        WHERE k.source_id IN ({', '.join('?' * len(ids)) or "''"}) AND k.city_id IN ({', '.join('?' * len(cities))})
        UNION ALL
        SELECT x.source_id, s.publisher, s.title, s.url, c.name, x.year
        FROM country_context x JOIN sources s USING (source_id) JOIN cities c ON c.country_iso3 = x.iso3
        WHERE x.source_id IN ({', '.join('?' * len(ids)) or "''"}) AND c.city_id IN ({', '.join('?' * len(cities))})""",
                       [*ids, *cities, *ids, *cities, *ids, *cities]).df()
    return export_citation(con, rows.drop_duplicates())


def _citation_section(ctx: Context, text: str) -> Section:
    return Section("citation", ctx.t("brief_citation"), [ctx.t("brief_data_version", version=ctx.data_version)],
                   bullets=[line for line in text.splitlines() if line.strip()])


def _caveats_section(ctx: Context, notes: list[str]) -> Section:
    notes = list(dict.fromkeys(n for n in notes if n))
    paragraphs = [ctx.t("standing_legend"), plain(ctx.t("choice_rule_short"))]
    return Section("caveats", ctx.t("brief_caveats"), paragraphs, bullets=notes or [ctx.t("brief_no_caveats")])


def _peer_reason(ctx: Context, code: str) -> str:
    return ctx.peer_reason(code)


TITLE_CHARS = 68  # a bold print-mode title (17 px) fits about 70 characters in a 760 px chart


def fit_titles(charts, width: int = TITLE_CHARS) -> None:
    """Wrap long chart titles inside the figure (plotly never wraps a title, so a long one is
    cut at the frame's edge, at the left in right-to-left layouts). The Chart's own ``title``
    is left as it is (slides and captions wrap text themselves)."""
    from figures.style import _escape, _wrap

    for chart in charts:
        if len(chart.title) > width:
            fig = chart.figure
            lines = _wrap(chart.title, width)
            # plotly anchors a multi-line title's first line, not its top: move it down and
            # grow the top margin by the extra lines
            extra = (len(lines) - 1) * (fig.layout.title.font.size or 17) * 1.3
            height = fig.layout.height or 420
            fig.update_layout(title_text="<b>" + "<br>".join(_escape(line) for line in lines) + "</b>",
                              title_y=(fig.layout.title.y or 0.98) - extra / height,
                              margin_t=(fig.layout.margin.t or 100) + extra)


# --------------------------------------------------------------------------- city brief

def city_brief_content(con, city_id: str, lang: str = "en", ctx: Context | None = None) -> Brief:
    """The content of a city brief: every section of the City profile page, in ``lang``.

    Sections (keys in :data:`CITY_SECTIONS`): key figures with source, concept, territory and
    year; trends; district map and concentration; origins; refugees; national context; what is
    not known (``coverage.missing_core_indicators``); peers (``analytics.peers.peer_cities`` when
    that module exists); caveats; sources with licences; data version and citation.
    Charts are built by the figures package in ``print`` mode; the district map is the vector
    map of :mod:`figures.static_maps`.
    """
    ctx = ctx or brief_context(con, lang)
    cities = reference.cities(con).set_index("city_id")
    if city_id not in cities.index:
        raise KeyError(f"unknown city {city_id!r}; known: {', '.join(sorted(cities.index))}")
    city = ctx.city(city_id)
    sources: list[str] = []
    notes: list[str] = []
    sections: list[Section] = []

    # key figures
    kf = profile.key_figures(con, city_id)
    sources += _ids(kf, "source_id")
    sec = Section("key_figures", ctx.t("brief_key_figures"))
    if kf.empty:
        sec.paragraphs.append(ctx.t("no_data"))
    else:
        sec.table = pd.DataFrame({
            ctx.t("col_indicator"): [ctx.label("indicators", i) for i in kf.indicator_id],
            ctx.t("col_value"): [fmt(v, u, ctx.lang) + (f" ({ctx.t('estimate_short')})" if e else "")
                                 for v, u, e in zip(kf.value, kf.unit, kf.is_estimate)],
            ctx.t("col_year"): [str(int(y)) for y in kf.year],
            ctx.t("col_concept"): [ctx.label("concepts", c) for c in kf.concept],
            ctx.t("col_territory"): kf.geo_unit,
            ctx.t("col_standing"): [standing_mark(s, bool(e), ctx) for s, e in zip(kf.source_type, kf.is_estimate)],
            ctx.t("source"): kf.publisher})
        sec.paragraphs.append(plain(ctx.t("choice_rule_short")))
        for r in kf.itertuples():
            if r.n_alternatives:
                notes.append(f"{ctx.label('indicators', r.indicator_id)}: " + ctx.t("n_other_figures", n=int(r.n_alternatives)))
    sections.append(sec)

    # trends
    series = profile.trend_series(con, city_id)
    sources += _ids(series, "source_id")
    sec = Section("trends", ctx.t("trends"))
    if series.empty:
        sec.paragraphs.append(ctx.t("no_trend"))
    else:
        counts = series.groupby("indicator_id").year.nunique().sort_values(ascending=False)
        for indicator in list(counts.index)[:TREND_CHARTS]:
            data = series[series.indicator_id == indicator]
            sec.charts.append(lines_over_time(data, ctx, ctx.t("trend_title", city=city,
                                                              indicator=ctx.label("indicators", indicator)),
                                              colour_by="geo_unit"))
    sections.append(sec)

    # district map and concentration
    sec = Section("districts", ctx.t("where_in_city"))
    table = spatial.area_table(con, city_id)
    if table.empty:
        geojson = area_geojson(con, city_id, leaves_only=True)
        if geojson["features"]:
            sec.paragraphs.append(ctx.t("no_district_counts", city=city))
            area_sources = con.execute("SELECT DISTINCT source_id FROM areas WHERE city_id = ?", [city_id]).fetchall()
            sources += [r[0] for r in area_sources]
            sec.charts.append(static_maps.static_boundary_map(geojson, ctx, ctx.t("boundaries_title", city=city),
                                                              ctx.t("boundaries_only"),
                                                              spatial.boundary_sources(con, city_id)))
        else:
            sec.paragraphs.append(ctx.t("no_boundaries", city=city))
    else:
        sel = table.attrs["selection"]
        sources += _ids(table, "source_id")
        group = ctx.label("groups", sel["group_id"])
        title = ctx.t("share_map_title", city=city, group=group, level=ctx.label("area_levels", sel["area_level"]))
        subtitle = ctx.t("share_map_subtitle", year=sel["year"], average=percent(table.attrs["city_share_pct"], ctx.lang)) + (
            " · " + ctx.t("estimates") if table.is_estimate.any() else "")
        geojson = area_geojson(con, city_id, sel["area_level"])
        sec.charts.append(static_maps.static_choropleth(table, geojson, "share_pct", ctx, title, subtitle,
                                                        ctx.t("share_pct_short")))
        conc = spatial.concentration(table)
        sec.paragraphs += [plain(ctx.t("concentration_sentence", n=r.n_areas, group=group.lower(),
                                       share=percent(r.share_of_group_pct, ctx.lang, 0),
                                       residents=percent(r.share_of_population_pct, ctx.lang, 0))) + "."
                           for r in conc.itertuples()]
        if table.is_estimate.any():
            notes.append(title + ": " + ctx.t("caveat_estimate"))
    sections.append(sec)

    # origins
    sec = Section("origins", ctx.t("top_origins"))
    top = origins.top_origins(con, city_id, 10)
    if top.empty:
        sec.paragraphs.append(ctx.t("no_data"))
    else:
        sources += _ids(top, "source_id")
        chart = top_origins_bars(top, ctx, city_id)
        sec.charts.append(chart)
        notes += chart.notes
    sections.append(sec)

    # refugees
    sec = Section("refugees", ctx.t("refugees"))
    refugees = profile.refugee_figures(con, city_id)
    national = profile.national_refugees(con, city_id)
    if refugees.empty:
        sec.paragraphs.append(ctx.t("no_city_refugees", city=city))
    else:
        sources += con.execute(
            "SELECT DISTINCT o.source_id FROM observations o JOIN sources s USING (source_id) WHERE o.city_id = ? AND "
            f"o.indicator_id IN ({', '.join('?' * len(profile.REFUGEE_INDICATORS))})",
            [city_id, *profile.REFUGEE_INDICATORS]).df().source_id.tolist()
        sec.table = pd.DataFrame({
            ctx.t("col_indicator"): [ctx.label("indicators", i) for i in refugees.indicator_id],
            ctx.t("col_year"): [str(int(y)) for y in refugees.year],
            ctx.t("col_value"): [fmt(v, u, ctx.lang) for v, u in zip(refugees.value, refugees.unit)],
            ctx.t("col_territory"): refugees.geo_unit, ctx.t("col_breakdown"): refugees.breakdown.fillna(""),
            ctx.t("col_standing"): [standing_mark(s, bool(e), ctx) for s, e in zip(refugees.source_type, refugees.is_estimate)],
            ctx.t("source"): refugees.publisher}).head(12)
    if not national.empty:
        sources += _ids(national, "source_id")
        sec.charts.append(national_refugee_lines(national, ctx, city_id))
    sections.append(sec)

    # national context
    sec = Section("national", ctx.t("national_context"))
    vs = compare.city_vs_country(con, [city_id])
    row = vs.iloc[0] if not vs.empty else None
    if row is not None and pd.notna(row.get("national_share")):
        sources += _ids(vs, "city_source_id", "national_source_id")
        text = ctx.t("national_share_label", year=int(row.national_year)) + ": " + percent(row.national_share, ctx.lang) + ". "
        text += ctx.label("concepts", row.national_concept) + ". "
        if pd.notna(row.get("city_share")):
            text += ctx.t("city_figure_line", share=percent(row.city_share, ctx.lang), year=int(row.city_year),
                          unit=row.city_geo_unit) + " "
        text += ctx.t("same_concept" if row.same_concept else "different_concepts")
        sec.paragraphs.append(text)
        if not row.same_concept:
            notes.append(f"{city}: " + ctx.t("different_concepts"))
    else:
        sec.paragraphs.append(ctx.t("no_national_share"))
    sections.append(sec)

    # what is not known
    sec = Section("gaps", ctx.t("gap_title"))
    missing = coverage.missing_core_indicators(con, [city_id])
    if missing.empty:
        sec.paragraphs.append(ctx.t("no_core_gaps"))
    else:
        sec.paragraphs.append(ctx.t("brief_gaps_intro"))
        sec.bullets = [ctx.label("indicators", m) if m != "district_counts" else ctx.t("district_counts")
                       for m in missing.missing]
    sections.append(sec)

    # peers
    sec = Section("peers", ctx.t("peers_title"))
    try:
        from analytics.peers import peer_cities
    except ImportError:
        peer_cities = None
    if peer_cities is None:
        sec.paragraphs.append(ctx.t("brief_peers_unavailable"))
    else:
        peers = peer_cities(con, city_id, 4)
        if peers.empty:
            sec.paragraphs.append(ctx.t("no_peers", city=city))
        else:
            sec.paragraphs.append(ctx.t("peers_method"))
            sec.table = pd.DataFrame({
                ctx.t("brief_col_rank"): [str(int(r)) for r in peers["rank"]],
                ctx.t("col_city"): [ctx.city(c) for c in peers.city_id],
                ctx.t("brief_col_distance"): [f"{d:.2f}" for d in peers.distance],
                ctx.t("brief_col_reasons"): ["; ".join(_peer_reason(ctx, c) for c in str(r).split(";") if c)
                                             for r in peers.reasons.fillna("")]})
    sections.append(sec)

    source_frame = _sources_table(con, sources)
    cite = _citation(con, source_frame, [city_id])
    sections += [_caveats_section(ctx, notes + [n for s in sections for c in s.charts for n in c.notes]),
                 _sources_section(ctx, source_frame), _citation_section(ctx, cite)]
    fit_titles([c for s in sections for c in s.charts])
    return Brief("city", ctx.lang, ctx.t("brief_city_title", city=city), ctx.t("network"), sections, ctx.data_version,
                 cite, source_frame, date.today().isoformat(), f"brief-{city_id}-{ctx.lang}")


# --------------------------------------------------------------------------- comparison brief

def indicator_name(ctx: Context, indicator: str) -> str:
    return ctx.t("headline_share_label") if indicator == HEADLINE else ctx.label("indicators", indicator)


def comparison_brief_content(con, city_ids, indicator: str = HEADLINE, lang: str = "en", ctx: Context | None = None) -> Brief:
    """The content of a comparison brief: the Compare page's view for ``city_ids`` and ``indicator``.

    Sections (:data:`COMPARISON_SECTIONS`): ranked bars among comparable values
    (``compare.network_position``), lines over time (``compare.timeseries``), city versus
    country (``compare.city_vs_country``), caveats, sources with licences, data version and
    citation. ``indicator`` may be ``analytics.rules.HEADLINE`` (each city's best migrant share).
    """
    ctx = ctx or brief_context(con, lang)
    city_ids = list(dict.fromkeys(city_ids))
    known = set(reference.cities(con).city_id)
    unknown = [c for c in city_ids if c not in known]
    if unknown or not city_ids:
        raise KeyError(f"unknown city {', '.join(unknown) or '(none given)'}; known: {', '.join(sorted(known))}")
    known_ind = set(reference.indicators(con).indicator_id) | {HEADLINE}
    if indicator not in known_ind:
        raise KeyError(f"unknown indicator {indicator!r}; e.g. {HEADLINE}, foreign_citizens_share, foreign_born_share")
    name = indicator_name(ctx, indicator)
    sources: list[str] = []
    notes: list[str] = []
    sections: list[Section] = []

    ids = list(HEADLINE_SHARES) if indicator == HEADLINE else indicator
    table = compare.network_position(con, ids, None, city_ids)
    sources += _ids(table, "source_id")
    chart = ranked_bars(table, ctx, name)
    notes += chart.notes
    sections.append(Section("ranking", ctx.t("brief_ranking"), [plain(ctx.t("compare_intro"))], charts=[chart]))

    sec = Section("over_time", ctx.t("over_time"))
    series_id = ids[0] if isinstance(ids, list) else ids
    series = compare.timeseries(con, series_id, city_ids)
    if series.empty:
        sec.paragraphs.append(ctx.t("no_data"))
    else:
        sources += _ids(series, "source_id")
        sec.charts.append(lines_over_time(series, ctx, ctx.t("over_time_title", indicator=ctx.label("indicators", series_id)),
                                          cities_order=ctx.city_order))
    sections.append(sec)

    sec = Section("city_vs_country", ctx.t("city_vs_country"))
    vs = compare.city_vs_country(con, city_ids)
    if "city_share" not in vs or vs.dropna(subset=["city_share"]).empty:
        sec.paragraphs.append(ctx.t("no_data"))
    else:
        sources += _ids(vs, "city_source_id", "national_source_id")
        chart = city_and_country(vs, ctx)
        sec.charts.append(chart)
        missing = [ctx.city(c) for c in vs[vs.city_share.isna()].city_id]
        if missing:
            sec.paragraphs.append(ctx.t("no_city_share", cities=", ".join(missing)))
    sections.append(sec)

    source_frame = _sources_table(con, sources)
    cite = _citation(con, source_frame, city_ids)
    sections += [_caveats_section(ctx, notes + [n for s in sections for c in s.charts for n in c.notes]),
                 _sources_section(ctx, source_frame), _citation_section(ctx, cite)]
    names = ", ".join(ctx.city(c) for c in city_ids)
    fit_titles([c for s in sections for c in s.charts])
    return Brief("comparison", ctx.lang, ctx.t("brief_comparison_title", indicator=name), names, sections,
                 ctx.data_version, cite, source_frame, date.today().isoformat(),
                 f"compare-{'-'.join(city_ids)[:60]}-{ctx.lang}")

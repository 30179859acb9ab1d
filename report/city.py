"""The City profile, defined once: an ordered list of section functions over analytics.

Each section function takes a connection, the figure context (language, mode) and the
view's ids, and returns one :class:`report.model.Section`. ``views/city.py`` renders the
sections with Streamlit, ``briefs`` render the same sections to PDF, HTML and PPTX.

To add a section: write one function here, add it to :data:`SECTIONS` and put its title and
question keys in ``i18n/{en,fr,ar}.yaml`` (docs/sections.md). It then appears on the page and
in every brief (tests/unit/test_report.py fails if a medium misses it).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import pandas as pd

from analytics import compare, coverage, origins, profile, reference, spatial
from analytics.rules import territory_key
from figures import maps, static_maps
from figures.compare import lines_over_time, standing_mark
from figures.context import Context
from figures.marks import marks
from figures.profile import national_refugee_lines, top_origins_bars
from i18n import percent
from report.common import area_geojson, fact, finish_page, ids
from report.editorial import gap_section, plain, territory_caveat, value_text
from report.model import Fact, Link, Page, Section, Table

TOP_ORIGINS = 10
REFUGEE_ROWS = 12  # rows of the refugee table, on the page and in every brief
PEERS = 4


@dataclass(frozen=True)
class CityView:
    """The ids of a City profile view (what the URL holds)."""

    city_id: str
    trend: str | None = None  # the trend indicator shown (default: the one with the most years)


def _check_city(con, city_id: str) -> None:
    known = set(reference.cities(con).city_id)
    if city_id not in known:
        raise KeyError(f"unknown city {city_id!r}; known: {', '.join(sorted(known))}")


# --------------------------------------------------------------------------- sections

def key_figures(con, ctx: Context, view: CityView) -> Section:
    """The latest figure of each key indicator (``analytics.profile.key_figures``): official
    figures as cards, figures only research or secondary reports give listed apart."""
    city = ctx.city(view.city_id)
    sec = Section("key_figures", "question_key_figures", ctx.t("key_figures", city=city))
    kf = profile.key_figures(con, view.city_id)
    if kf.empty:
        return gap_section(sec, ctx.t("no_data"))
    sec.source_ids = ids(kf, "source_id")
    # every figure's age, break flag and release in sight (issue 20: figures.marks over profile.figure_currency)
    sec.facts = [replace(fact({**row, "city_id": view.city_id}, ctx), notes=marks(row, ctx)) for row in kf.to_dict("records")]
    if not any(f.role == "card" for f in sec.facts):
        sec.warnings.append(ctx.t("no_official_figures", city=city))
    sec.paragraphs.append(plain(ctx.t("choice_rule_short")))
    for f in sec.facts:
        if f.extra.get("n_alternatives"):
            sec.caveats.append(f"{f.label}: " + ctx.t("n_other_figures", n=int(f.extra["n_alternatives"])))
    # the headline share and the population beside it: the same territory, or the difference stated
    population = next((f for f in sec.facts if f.key == "population_total"), None)
    share = next((f for f in sec.facts if f.unit == "percent"), None)
    if population and share:
        note = territory_caveat(share.territory, population.territory, ctx)
        if note:
            sec.caveats.append(note)
    return sec


def trend_options(con, city_id: str) -> list[str]:
    """The trend indicators of a city, the one with the most years first."""
    series = profile.trend_series(con, city_id)
    if series.empty:
        return []
    return list(series.groupby("indicator_id").year.nunique().sort_values(ascending=False, kind="stable").index)


def trends(con, ctx: Context, view: CityView) -> Section:
    """One indicator over time, one line per territory (``analytics.rules.territory_key``)."""
    city = ctx.city(view.city_id)
    sec = Section("trends", "question_trends", ctx.t("trends"))
    series = profile.trend_series(con, view.city_id)
    options = trend_options(con, view.city_id)
    if not options:
        return gap_section(sec, ctx.t("no_trend"))
    indicator = view.trend if view.trend in options else options[0]
    data = series[series.indicator_id == indicator].copy()
    key = territory_key(data)
    # one line per territory: named by the territory's first spelling, keyed by its id
    first = data.groupby(key)[["city_id", "geo_level", "geo_unit"]].first()
    data["territory"] = key.map({k: ctx.territory(r.geo_unit, r.city_id, r.geo_level) for k, r in first.iterrows()})
    sec.source_ids = ids(data, "source_id")
    sec.extra = {"options": options, "chosen": indicator}
    sec.charts.append(lines_over_time(data, ctx, ctx.t("trend_title", city=city, indicator=ctx.label("indicators", indicator)),
                                      colour_by="territory"))
    if ctx.mode == "print":
        talk = headline_trend(series, con, ctx, view.city_id)
        if talk is not None:
            sec.extra["talk_chart"] = talk
    return sec


def headline_trend(series: pd.DataFrame, con, ctx: Context, city_id: str):
    """The trend a talk shows: the headline share (``analytics.rules.HEADLINE_SHARES``, the
    figure the key figures lead with) over time for ONE territory, the headline's own
    (``territory_key``); no other territory is mixed into the line. None if the city has no
    headline share with a series.

    Returns
    -------
    Chart or None; ``chart.cache["territory_id"]`` is the territory drawn and ``chart.notes``
    says that the page shows every territory.
    """
    from analytics.compare import best_figures
    from analytics.rules import HEADLINE_SHARES
    from figures.style import year_span

    best = best_figures(con, list(HEADLINE_SHARES), [city_id])
    best = best[best.value.notna()] if not best.empty else best
    if best.empty or series.empty:
        return None
    head = best.iloc[0]
    # the key the trend series carries (it has no territory_id column: the key from city, level and name)
    territory = territory_key(pd.DataFrame([head.to_dict()]).drop(columns=["territory_id"], errors="ignore")).iloc[0]
    data = series[series.indicator_id == head.indicator_id].copy()
    if data.empty:
        return None
    data = data[territory_key(data) == territory].copy()
    if data.empty:
        return None
    name = ctx.territory(str(head.geo_unit), city_id, head.geo_level)
    data["territory"] = name
    title = ctx.t("talk_trend_title", indicator=ctx.label("indicators", head.indicator_id), territory=name)
    chart = lines_over_time(data, ctx, title, colour_by="territory")
    # one line: the subtitle says so (not the page's "one line per territory")
    chart = replace(chart, subtitle=ctx.t("talk_trend_subtitle", years=year_span(data.year), territory=name))
    chart.cache["territory_id"] = territory
    chart.notes = [*chart.notes, ctx.t("talk_trend_note", territory=name)]
    return chart


def origins_section(con, ctx: Context, view: CityView) -> Section:
    sec = Section("origins", "question_origins", ctx.t("top_origins"))
    top = origins.top_origins(con, view.city_id, TOP_ORIGINS)
    if top.empty:
        return gap_section(sec, ctx.t("no_data"))
    sec.source_ids = ids(top, "source_id")
    sec.charts.append(top_origins_bars(top, ctx, view.city_id))
    return sec


def refugees(con, ctx: Context, view: CityView) -> Section:
    city = ctx.city(view.city_id)
    sec = Section("refugees", "question_refugees", ctx.t("refugees"))
    figures_ = profile.refugee_figures(con, view.city_id)
    national = profile.national_refugees(con, view.city_id)
    if figures_.empty and national.empty:
        return gap_section(sec, ctx.t("no_city_refugees", city=city))
    if figures_.empty:
        sec.gaps.append(ctx.t("no_city_refugees", city=city))
    else:
        sec.source_ids += ids(figures_, "source_id")
        shown = figures_.head(REFUGEE_ROWS)
        sec.tables.append(Table(pd.DataFrame({
            ctx.t("col_indicator"): [ctx.label("indicators", i) for i in shown.indicator_id],
            ctx.t("col_year"): [str(int(y)) for y in shown.year],
            ctx.t("col_value"): [value_text(v, u, ctx) for v, u in zip(shown.value, shown.unit)],
            ctx.t("col_territory"): shown.geo_unit, ctx.t("col_breakdown"): shown.breakdown.fillna(""),
            ctx.t("col_standing"): [standing_mark(s, bool(e), ctx) for s, e in zip(shown.source_type, shown.is_estimate)],
            ctx.t("source"): shown.publisher}), "city-refugee-figures"))
        if len(figures_) > REFUGEE_ROWS:
            sec.caveats.append(ctx.t("rows_cut", shown=REFUGEE_ROWS, n=len(figures_)))
    if not national.empty:
        sec.source_ids += ids(national, "source_id")
        sec.charts.append(national_refugee_lines(national, ctx, view.city_id))
    return sec


def districts(con, ctx: Context, view: CityView) -> Section:
    """Where in the city: the district map of the migrant share (interactive on screen, vector
    polygons in print) and how concentrated the group is."""
    city = ctx.city(view.city_id)
    sec = Section("districts", "question_districts", ctx.t("where_in_city"))
    table = spatial.area_table(con, view.city_id)
    if table.empty:
        geojson = area_geojson(con, view.city_id, leaves_only=True)
        if not geojson["features"]:
            gap_section(sec, ctx.t("no_boundaries", city=city))
            releases = profile.city_releases(con, view.city_id)
            if not releases.empty:
                sec.gaps.append(ctx.t("district_counts_source", sources="; ".join(releases.name)))
            return sec
        sec.warnings.append(ctx.t("no_district_counts", city=city))
        # which official source would have them (issue 20: data/catalog/releases.yaml)
        releases = profile.city_releases(con, view.city_id)
        if not releases.empty:
            sec.gaps.append(ctx.t("district_counts_source", sources="; ".join(releases.name)))
        sec.source_ids += spatial.area_source_ids(con, view.city_id)
        draw = static_maps.static_boundary_map if ctx.mode == "print" else maps.boundary_map
        sec.charts.append(draw(geojson, ctx, ctx.t("boundaries_title", city=city), ctx.t("boundaries_only"),
                               spatial.boundary_sources(con, view.city_id)))
        return sec
    sel = table.attrs["selection"]
    sec.source_ids += ids(table, "source_id")
    group = ctx.label("groups", sel["group_id"])
    title = ctx.t("share_map_title", city=city, group=group, level=ctx.label("area_levels", sel["area_level"]))
    subtitle = ctx.t("share_map_subtitle", year=sel["year"], average=percent(table.attrs["city_share_pct"], ctx.lang)) + (
        " · " + ctx.t("estimates") if table.is_estimate.any() else "")
    geojson = area_geojson(con, view.city_id, sel["area_level"])
    draw = static_maps.static_choropleth if ctx.mode == "print" else maps.choropleth
    chart = draw(table, geojson, "share_pct", ctx, title, subtitle, ctx.t("share_pct_short"))
    chart.cache["table"] = table.drop(columns=["area_km2"], errors="ignore")
    sec.charts.append(chart)
    conc = spatial.concentration(table)
    sec.paragraphs.append(" · ".join(plain(ctx.t("concentration_sentence", n=r.n_areas, group=group.lower(),
                                                 share=percent(r.share_of_group_pct, ctx.lang, 0),
                                                 residents=percent(r.share_of_population_pct, ctx.lang, 0)))
                                     for r in conc.itertuples()))
    if table.is_estimate.any():
        sec.caveats.append(title + ": " + ctx.t("caveat_estimate"))
    sec.links.append(Link("spatial", ctx.t("see_spatial"), {"city": view.city_id}))
    return sec


def peers(con, ctx: Context, view: CityView) -> Section:
    city = ctx.city(view.city_id)
    sec = Section("peers", "question_peers", ctx.t("peers_title"))
    from analytics.peers import peer_cities

    found = peer_cities(con, view.city_id, PEERS)
    if found.empty:
        return gap_section(sec, ctx.t("no_peers", city=city))
    sec.paragraphs.append(ctx.t("peers_method"))
    shown = {ctx.t("brief_col_rank"): [str(int(r)) for r in found["rank"]],
             ctx.t("col_city"): [ctx.city(c) for c in found.city_id],
             ctx.t("brief_col_distance"): [f"{d:.2f}" for d in found.distance],
             ctx.t("col_indicators_used"): [str(int(n)) for n in found.n_indicators_used],
             ctx.t("brief_col_reasons"): [ctx.peer_reasons(r) for r in found.reasons.fillna("")]}
    for key in ("size", "migrant_share", "refugee_share"):
        if f"{key}_value_peer" in found:
            unit = "persons" if key == "size" else "percent"
            shown[ctx.t(f"peer_input_{key}")] = [
                "" if pd.isna(v) else f"{value_text(v, unit, ctx)} ({int(y)})" if pd.notna(y) else value_text(v, unit, ctx)
                for v, y in zip(found[f"{key}_value_peer"], found[f"{key}_year_peer"])]
    sec.tables.append(Table(pd.DataFrame(shown), "city-peers"))
    sec.links.append(Link("compare", ctx.t("compare_with_peers"), {"cities": ",".join([view.city_id, *found.city_id])}))
    return sec


def since_2016(con, ctx: Context, view: CityView) -> Section:
    city = ctx.city(view.city_id)
    sec = Section("since_2016", "question_since_2016", ctx.t("since_2016_title"))
    changes = profile.changes_since_2016(con, view.city_id)
    if changes.empty:
        return gap_section(sec, ctx.t("since_2016_none", city=city))
    sec.paragraphs.append(ctx.t("since_2016_note"))
    sec.tables.append(Table(pd.DataFrame({
        ctx.t("col_indicator"): [ctx.label("indicators", i) for i in changes.indicator_id],
        ctx.t("col_profile_value"): [f"{value_text(v, u, ctx)} ({y})" for v, u, y in
                                     zip(changes.profile_value, changes.unit, changes.profile_year)],
        ctx.t("col_latest_value"): [f"{value_text(v, u, ctx)} ({int(y)})" if pd.notna(v) else ctx.t("no_later_official")
                                    for v, u, y in zip(changes.latest_value, changes.unit, changes.latest_year)],
        ctx.t("col_change"): ["" if pd.isna(c) else (value_text(c, u, ctx) if u != "percent" else
                                                     f"{c:+.1f} {ctx.t('points')}") for c, u in zip(changes.change, changes.unit)],
        ctx.t("col_caveat"): ["⚠ " + "; ".join(ctx.t(f"change_{c}") for c in codes) if codes else "" for codes in changes.change_codes],
        ctx.t("source"): changes.latest_publisher.fillna("")}), "city-since-2016"))
    return sec


def gaps(con, ctx: Context, view: CityView) -> Section:
    sec = Section("gaps", "question_gaps", ctx.t("gap_title"))
    missing = coverage.missing_core_indicators(con, [view.city_id])
    if missing.empty:
        sec.paragraphs.append(ctx.t("no_core_gaps"))
    else:
        sec.paragraphs.append(ctx.t("brief_gaps_intro"))
        sec.bullets = [ctx.label("indicators", m) if m != "district_counts" else ctx.t("district_counts")
                       for m in missing.missing]
        # which official source would have the missing figures (issue 20: data/catalog/releases.yaml)
        releases = profile.city_releases(con, view.city_id)
        if not releases.empty:
            sec.paragraphs.append(ctx.t("gap_official_source", sources="; ".join(releases.name)))
    return sec


def national_context(con, ctx: Context, view: CityView) -> Section:
    """The country's UN DESA migrant share beside the city share that counts the same people,
    each with its concept and territory (one city share per concept on the page)."""
    city = ctx.city(view.city_id)
    sec = Section("national", "question_national", ctx.t("national_context"))
    vs = compare.city_vs_country(con, [view.city_id])
    row = vs.iloc[0] if not vs.empty else None
    if row is None or pd.isna(row.get("national_share")):
        return gap_section(sec, ctx.t("no_national_share"))
    sec.source_ids = ids(vs, "city_source_id", "national_source_id")
    sec.facts.append(Fact(key="migrant_share_rev2024", label=ctx.t("national_share_label", year=int(row.national_year)),
                          value=float(row.national_share), unit="percent", text=value_text(row.national_share, "percent", ctx),
                          standing=standing_mark("un_agency", False, ctx), concept=ctx.label("concepts", row.national_concept),
                          territory=ctx.t("national_territory"), territory_id="national", year=int(row.national_year),
                          source="UN DESA", source_id=str(row.national_source_id or ""), role="card"))
    if pd.notna(row.get("city_share")):
        sec.paragraphs.append(ctx.t("city_figure_line_concept", share=value_text(row.city_share, "percent", ctx),
                                    year=int(row.city_year), unit=row.city_geo_unit,
                                    concept=ctx.label("concepts", row.city_concept)))
    sec.paragraphs.append(ctx.t("same_concept" if row.same_concept else "different_concepts"))
    if not row.same_concept:
        sec.caveats.append(f"{city}: " + ctx.t("different_concepts"))
    return sec


@dataclass(frozen=True)
class SectionSpec:
    """A section of a page: its id and the function that builds it."""

    key: str
    build: Callable[..., Section]


# The City profile, in page order. Every medium renders exactly these, then caveats, sources, citation.
SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("key_figures", key_figures),
    SectionSpec("trends", trends),
    SectionSpec("origins", origins_section),
    SectionSpec("refugees", refugees),
    SectionSpec("districts", districts),
    SectionSpec("peers", peers),
    SectionSpec("since_2016", since_2016),
    SectionSpec("gaps", gaps),
    SectionSpec("national", national_context),
)
CLOSING = ("caveats", "sources", "citation")
SECTION_KEYS = tuple(s.key for s in SECTIONS) + CLOSING


def city_profile(con, ctx: Context, view: CityView) -> Page:
    """The City profile of ``view.city_id`` in ``ctx.lang`` and ``ctx.mode`` (screen or print).

    Raises
    ------
    KeyError : unknown city
    """
    _check_city(con, view.city_id)
    sections = [spec.build(con, ctx, view) for spec in SECTIONS]
    city = ctx.city(view.city_id)
    return finish_page(con, ctx, "city", ctx.t("brief_city_title", city=city), ctx.t("network"), sections,
                       [view.city_id], f"brief-{view.city_id}-{ctx.lang}",
                       {"city": view.city_id, **({"trend": view.trend} if view.trend else {})})

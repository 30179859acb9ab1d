"""Figures of one city and of the network's coverage: origins, national refugees,
dissimilarity across cities, shared origins, coverage."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.context import Context
from figures.style import (CATEGORICAL, NOT_COMPARABLE, SOURCE_TYPE_COLOURS, Chart, describe, finish,
                           fit_bar_labels, integer_year_axis, mirror_for_rtl, source_line, value_axis, year_span)
from i18n import label as catalog_label
from i18n import number, percent


def top_origins_bars(top: pd.DataFrame, ctx: Context, city_id: str, column: str = "share_pct") -> Chart:
    """The largest origins of a city's migrants; national UN DESA data are coloured and named as such."""
    national = top.level.iloc[0] == "national"
    names = [catalog_label("countries", iso, ctx.lang, o) for iso, o in zip(top.iso3, top.origin)]
    is_share = column == "share_pct"
    fig = go.Figure(go.Bar(
        x=top[column], y=names, orientation="h", marker_color=CATEGORICAL[1 if national else 0],
        text=[percent(v, ctx.lang) if is_share else number(v, ctx.lang) for v in top[column]], textposition="outside",
        cliponaxis=False,
        hovertext=[f"<b>{n}</b><br>{number(v, ctx.lang)} · {percent(s, ctx.lang)} · {int(y)}<br>{ctx.t('source_is', publisher=p)}"
                   for n, v, s, y, p in zip(names, top.value, top.share_pct, top.year, top.publisher)], hoverinfo="text"))
    fig.update_yaxes(autorange="reversed", title=None)
    value_axis(fig, "percent" if is_share else "persons", axis="x", lang=ctx.lang)
    fig.update_xaxes(title=ctx.t("share_of_listed") if is_share else ctx.t("unit_persons"),
                     range=[0, top[column].max() * 1.3])
    mirror_for_rtl(fig, ctx.lang, horizontal_bars=True)
    city = ctx.city(city_id)
    title = ctx.t("origins_chart_title", city=city) + (" — " + ctx.t("national_data") if national else "")
    subtitle = ctx.t("origins_basis_" + ("national" if national else "city"), year=int(top.year.max()))
    source = source_line(top, lang=ctx.lang)
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=max(380, 30 * len(top) + 220))
    fit_bar_labels(fig, ctx.mode, ctx.lang, minimum=top[column].max() * 1.3)
    alt = describe(list(zip(names, top[column])), "percent" if is_share else "persons", ctx.lang, title, str(int(top.year.max())))
    notes = [ctx.t("national_origins_note")] if national else []
    return Chart(fig, f"{city_id}-origins", title, subtitle, source, alt, top, kind="bar", notes=notes)


def world_origins_map(world_table: pd.DataFrame, world: dict, ctx: Context, city_id: str, source: str) -> Chart:
    """World map shaded by the number of migrants from each origin country."""
    from figures.maps import MAP_STYLE, world_background

    fig = go.Figure(world_background(world))
    fig.add_trace(go.Choroplethmap(
        geojson=world, featureidkey="properties.iso3", locations=world_table.iso3, z=world_table.value,
        colorscale="Viridis", marker_line_color="white", colorbar={"title": {"text": ctx.t("unit_persons")}},
        hovertext=[f"{o}: {number(v, ctx.lang)} ({percent(s, ctx.lang)})" for o, v, s in
                   zip(world_table.origin, world_table.value, world_table.share_pct)], hoverinfo="text"))
    national = not world_table.empty and world_table.level.iloc[0] == "national"
    title = ctx.t("origins_world_title", city=ctx.city(city_id))
    subtitle = ctx.t("national_data" if national else "city_data")
    finish(fig, title=title, subtitle=subtitle, source=source + "; Natural Earth", data_version=ctx.data_version,
           mode=ctx.mode, lang=ctx.lang, height=560)
    fig.update_layout(map={"style": MAP_STYLE, "center": {"lon": 15, "lat": 25}, "zoom": 0.35})
    alt = describe(list(zip(world_table.origin, world_table.value)), "persons", ctx.lang, title, "")

    def vector() -> Chart:
        from figures.static_maps import static_world_origins_map

        return static_world_origins_map(world_table, world, ctx, title, subtitle, source + "; Natural Earth", alt, 560)

    return Chart(fig, f"{city_id}-origins-world", title, subtitle, source, alt, world_table, kind="map", vector=vector)


def national_refugee_lines(national: pd.DataFrame, ctx: Context, city_id: str) -> Chart:
    """The city's country: UNHCR refugees and asylum seekers, UNRWA Palestine refugees."""
    fig = go.Figure()
    for i, (indicator, part) in enumerate(national.groupby("indicator_id", sort=False)):
        name = ctx.t(f"national_{indicator}")
        fig.add_trace(go.Scatter(x=part.year, y=part.value, mode="lines+markers", name=name,
                                 line={"color": CATEGORICAL[i]},
                                 hovertext=[f"{name}<br>{int(y)}: {number(v, ctx.lang)}" for y, v in zip(part.year, part.value)],
                                 hoverinfo="text"))
    integer_year_axis(fig, national.year)
    value_axis(fig, "persons", lang=ctx.lang)
    mirror_for_rtl(fig, ctx.lang)
    country = catalog_label("countries", national.iso3.iloc[0], ctx.lang, national.country.iloc[0])
    title = ctx.t("national_refugees_title", country=country)
    subtitle = ctx.t("national_refugees_subtitle")
    source = "UNHCR Refugee Data Finder; UNRWA"
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, legend_bottom=True)
    latest = national.sort_values("year").groupby("indicator_id").tail(1)
    alt = describe([(ctx.t(f"national_{r.indicator_id}"), r.value) for r in latest.itertuples()], "persons", ctx.lang,
                   title, year_span(national.year))
    return Chart(fig, f"{city_id}-national-refugees", title, subtitle, source, alt, national, kind="line")


def dissimilarity_bars(cross: pd.DataFrame, ctx: Context) -> Chart:
    """The index of dissimilarity of each selected city's default group (grey: few units or estimates)."""
    cross = cross.sort_values("dissimilarity", ascending=False)
    names = [ctx.city(c) for c in cross.city_id]
    fig = go.Figure(go.Bar(
        x=cross.dissimilarity, y=names, orientation="h", cliponaxis=False,
        marker_color=[NOT_COMPARABLE if c else CATEGORICAL[0] for c in cross.caveat.fillna("").astype(bool)],
        text=[f"{number(d, ctx.lang, 2)} · {ctx.label('groups', g)} · {n} {ctx.label('area_levels', lv)} · {y}"
              for d, g, n, lv, y in zip(cross.dissimilarity, cross.group_id, cross.n_units, cross.area_level, cross.year)],
        textposition="outside", hoverinfo="skip"))
    fig.update_layout(xaxis={"range": [0, 0.9], "title": ctx.t("dissimilarity_axis")}, yaxis={"autorange": "reversed"})
    mirror_for_rtl(fig, ctx.lang, horizontal_bars=True)
    title, subtitle = ctx.t("dissimilarity_title"), ctx.t("dissimilarity_subtitle")
    source = source_line(cross, lang=ctx.lang) if "publisher" in cross else ctx.t("district_sources")
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=max(320, 40 * len(cross) + 200))
    fit_bar_labels(fig, ctx.mode, ctx.lang, minimum=0.9)
    alt = describe(list(zip(names, cross.dissimilarity)), "index", ctx.lang, title, year_span(cross.year))
    return Chart(fig, "dissimilarity-across-cities", title, subtitle, source, alt, cross, kind="bar")


def shared_origins_heatmap(common: pd.DataFrame, ctx: Context) -> Chart:
    """Origins (rows) by city (columns), cell = rank of the origin in the city; empty cells stay empty."""
    common = common.assign(column=[ctx.city(c) + (f" ({ctx.t('national_short')})" if lv == "national" else "")
                                   for c, lv in zip(common.city_id, common.level)])
    matrix = common.pivot_table(index="origin", columns="column", values="rank", aggfunc="min")
    matrix = matrix.loc[matrix.notna().sum(axis=1).sort_values(ascending=False).index]
    text = matrix.map(lambda v: "" if pd.isna(v) else f"{int(v)}")
    fig = go.Figure(go.Heatmap(z=matrix.values, x=list(matrix.columns), y=list(matrix.index), colorscale="Blues_r", zmin=1,
                               zmax=10, text=text.values, texttemplate="%{text}", colorbar={"title": {"text": ctx.t("rank")}},
                               hoverongaps=False, xgap=1, ygap=1,
                               hovertemplate="%{y} · %{x}: " + ctx.t("rank") + " %{text}<extra></extra>"))
    fig.update_xaxes(side="top", tickangle=-30)
    if ctx.lang == "ar":
        fig.update_xaxes(autorange="reversed")
        fig.update_yaxes(side="right")
    title, subtitle = ctx.t("shared_origins_title"), ctx.t("shared_origins_subtitle")
    source = source_line(common, lang=ctx.lang) if "publisher" in common else "UN DESA 2024"
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=max(420, 24 * len(matrix) + 260))
    fig.update_layout(margin={"t": 170})
    counts = matrix.notna().sum(axis=1)
    alt = ctx.t("alt_shared_origins", what=title, n=len(matrix), top=counts.index[0] if len(counts) else "—",
                n_cities=int(counts.iloc[0]) if len(counts) else 0)
    return Chart(fig, "shared-origins", title, subtitle, source, alt, common.drop(columns="column"), kind="heatmap")


def coverage_bars(score: pd.DataFrame, ctx: Context) -> Chart:
    """Share of the core migration profile each city covers."""
    names = [ctx.city(c) for c in score.city_id]
    fig = go.Figure(go.Bar(x=score.coverage_pct, y=names, orientation="h", marker_color=CATEGORICAL[0], cliponaxis=False,
                           text=[percent(v, ctx.lang, 0) for v in score.coverage_pct], textposition="outside",
                           hovertext=[ctx.t("coverage_hover", n=n, m=m) for n, m in zip(score.n_figures.fillna(0).astype(int),
                                                                                        score.n_missing)],
                           hoverinfo="text"))
    fig.update_layout(xaxis={"range": [0, 110], "title": ctx.t("coverage_axis"), "ticksuffix": "%"},
                      yaxis={"autorange": "reversed"})
    mirror_for_rtl(fig, ctx.lang, horizontal_bars=True)
    title, subtitle = ctx.t("overview_coverage"), ctx.t("overview_coverage_sub")
    source = ctx.t("dashboard_database")
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=max(320, 30 * len(score) + 200))
    fit_bar_labels(fig, ctx.mode, ctx.lang, minimum=110)
    alt = describe(list(zip(names, score.coverage_pct)), "percent", ctx.lang, title, "")
    return Chart(fig, "coverage-by-city", title, subtitle, source, alt, score, kind="bar")


def coverage_heatmap(matrix: pd.DataFrame, ctx: Context, city_ids: list[str]) -> Chart:
    """Indicator x city cells coloured by the best kind of source; cell text = latest year; blank = no figure."""
    order = list(SOURCE_TYPE_COLOURS)
    matrix = matrix.assign(indicator=[ctx.label("indicators", i) for i in matrix.indicator_id])
    pivot = matrix.pivot_table(index="indicator", columns="city_id", values="best_source_type", aggfunc="first")
    pivot = pivot.reindex(columns=city_ids)
    pivot = pivot.loc[pivot.notna().sum(axis=1).sort_values(ascending=True).index]
    codes = pivot.apply(lambda col: col.map({k: i for i, k in enumerate(order)}))
    years = matrix.pivot_table(index="indicator", columns="city_id", values="latest_year", aggfunc="max").reindex_like(pivot)
    scale = []
    for i, key in enumerate(order):
        scale += [[i / len(order), SOURCE_TYPE_COLOURS[key]], [(i + 1) / len(order), SOURCE_TYPE_COLOURS[key]]]
    kinds = pivot.map(lambda v: ctx.label("source_types", v) if isinstance(v, str) else ctx.t("no_figure"))
    fig = go.Figure(go.Heatmap(
        z=codes.values, x=[ctx.city(c) for c in pivot.columns], y=list(pivot.index), zmin=-0.5, zmax=len(order) - 0.5,
        colorscale=scale, text=years.map(lambda v: "" if pd.isna(v) else f"{int(v)}").values, texttemplate="%{text}",
        xgap=2, ygap=2, hoverongaps=False, customdata=kinds.values,
        hovertemplate="%{y}<br>%{x}: %{customdata} %{text}<extra></extra>",
        colorbar={"tickvals": list(range(len(order))), "ticktext": [ctx.label("source_types", o) for o in order],
                  "title": {"text": ctx.t("best_source")}, "len": 0.4, "y": 1, "yanchor": "top"}))
    # many rows: small indicator labels on a page, projector size in presenter mode
    fig.update_layout(yaxis={"tickfont": {"size": 18 if ctx.mode == "presenter" else 10}}, xaxis={"side": "top"})
    if ctx.lang == "ar":  # indicator labels on the right, so the colour legend goes to the left
        fig.update_xaxes(autorange="reversed")
        fig.update_yaxes(side="right")
        fig.update_traces(colorbar={"x": -0.02, "xanchor": "right"})
    title, subtitle = ctx.t("coverage_matrix_title"), ctx.t("coverage_matrix_subtitle")
    source = ctx.t("dashboard_database")
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=max(700, 16 * len(pivot) + 240))
    fig.update_layout(margin={"t": 160, **({"l": 190} if ctx.lang == "ar" else {})})
    known = pivot.notna().sum(axis=0)
    alt = ctx.t("alt_coverage", what=title, n_ind=len(pivot), n_cities=len(city_ids),
                best=ctx.city(known.idxmax()) if len(known) else "—", worst=ctx.city(known.idxmin()) if len(known) else "—")
    return Chart(fig, "coverage-matrix", title, subtitle, source, alt, matrix.drop(columns="indicator"), kind="heatmap")

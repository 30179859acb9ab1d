"""Cross-city figures: ranked bars with each value's standing, lines over time, two
indicators against each other, a city beside its country."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.context import Context
from figures.style import (CATEGORICAL, EMPTY, NOT_COMPARABLE, Chart, city_colours, describe, finish, fit_bar_labels,
                           integer_year_axis, mirror_for_rtl, source_line, value_axis, year_span)
from i18n import is_rtl
from analytics.rules import MAX_YEAR_GAP, SOURCE_TYPES
from i18n import value as fmt


def standing_mark(source_type, is_estimate, ctx: Context) -> str:
    """The short badge of a figure's standing: source kind, plus 'est.' for estimates."""
    mark = ctx.t(f"mark_{source_type}") if source_type in SOURCE_TYPES else "?"
    return mark + (" · " + ctx.t("estimate_short") if is_estimate is True else "")


def ranked_bars(table: pd.DataFrame, ctx: Context, title: str) -> Chart:
    """Horizontal bars, one per selected city, ranked among comparable values.

    Every selected city has a row: cities without a figure get a labelled empty row. Each bar
    is labelled with its value, its year (and the gap to the reference year) and its source
    kind; grey bars are not comparable (different concept, territory or definition).
    """
    have = table[table.value.notna()].sort_values(["comparable", "value"], ascending=[False, False])
    empty = table[table.value.isna()]
    ordered = pd.concat([have, empty])
    unit = have.unit.iloc[0] if not have.empty else "percent"
    ref_year = int(have.reference_year.iloc[0]) if not have.empty and pd.notna(have.reference_year.iloc[0]) else None
    labels, texts, colours, hovers, values, patterns = [], [], [], [], [], []
    for r in ordered.itertuples():
        name = ctx.city(r.city_id)
        if pd.isna(r.value):
            labels.append(name)
            texts.append(ctx.t("no_figure"))
            colours.append(EMPTY)
            values.append(None)  # a missing value is a gap, never 0 (no bar; the label says "no figure")
            patterns.append("")
            hovers.append(f"<b>{name}</b><br>{ctx.t('no_figure_long')}")
            continue
        gap = int(r.year_used) - ref_year if ref_year is not None else 0
        # the signed gap isolated left to right: bidi turned "(-2 سنة)" into "(سنة 2-)"
        signed = f"\u2066{gap:+d}\u2069" if is_rtl(ctx.lang) else f"{gap:+d}"
        year_text = f"{int(r.year_used)}" + (f" ({signed} {ctx.t('years_short')})" if gap else "")
        mark = standing_mark(r.source_type, bool(r.is_estimate), ctx)
        labels.append(name + ("" if r.comparable else " ⚠"))
        texts.append(f"{fmt(r.value, unit, ctx.lang)} · {year_text} · {mark}")
        colours.append(CATEGORICAL[0] if r.comparable else NOT_COMPARABLE)
        values.append(r.value)
        patterns.append("/" if r.year_gap_flag else "")  # hatched: more than the allowed gap from the reference year
        hovers.append(f"<b>{name}</b>: {ctx.label('indicators', r.indicator_id)}<br>"
                      f"{ctx.label('concepts', r.concept)} · {ctx.territory(r.geo_unit, r.city_id, getattr(r, 'geo_level', None))} · {int(r.year_used)}<br>"
                      f"{ctx.caveat(r.caveat_codes)}<br>{ctx.t('source_is', publisher=r.publisher)}"
                      f" ({ctx.label('source_types', r.source_type)})"
                      + (f"<br>{ctx.t('n_other_figures', n=int(r.n_alternatives))}" if r.n_alternatives else ""))
    fig = go.Figure(go.Bar(x=values, y=labels, orientation="h", text=texts,
                           marker={"color": colours, "pattern": {"shape": patterns, "fgcolor": "white", "size": 6}},
                           textposition="outside", cliponaxis=False, hovertext=hovers, hoverinfo="text"))
    gaps = [i for i, v in enumerate(values) if v is None]
    if gaps:  # the words "no figure" where a bar would be: text only, no value
        fig.add_trace(go.Scatter(x=[0] * len(gaps), y=[labels[i] for i in gaps], mode="text",
                                 text=[texts[i] for i in gaps],
                                 textposition="middle left" if ctx.lang == "ar" else "middle right", hovertext=[hovers[i] for i in gaps],
                                 hoverinfo="text", showlegend=False, textfont={"color": "#4A5560"}))
    known = [v for v in values if v is not None]
    top = max(known) if known and max(known) > 0 else 1
    fig.update_layout(xaxis={"range": [0, top * 1.45]}, yaxis={"autorange": "reversed"}, showlegend=False, bargap=0.25)
    value_axis(fig, unit, axis="x", lang=ctx.lang)
    fig.update_xaxes(title=ctx.t(f"unit_{unit}") if unit in ("percent", "persons") else unit)
    mirror_for_rtl(fig, ctx.lang, horizontal_bars=True)
    if have.empty:
        subtitle = ctx.t("no_values_for_selection")
    else:
        ref = have.iloc[0]
        subtitle = ctx.t("compare_reference", concept=ctx.label("concepts", ref.reference_concept),
                         level=ctx.label("geo_levels", ref.reference_geo_level), year=ref_year, gap=MAX_YEAR_GAP)
    height = max(320, (34 if ctx.mode != "presenter" else 48) * len(ordered) + 220)
    source = source_line(have, lang=ctx.lang)
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height)
    fit_bar_labels(fig, ctx.mode, ctx.lang, minimum=top * 1.45)
    alt = describe([(ctx.city(r.city_id), r.value) for r in have.itertuples()], unit, ctx.lang, title,
                   year_span(have.year_used))
    if not empty.empty:
        alt += " " + ctx.t("alt_missing_cities", cities=", ".join(ctx.city(c) for c in empty.city_id))
    notes = [f"{ctx.city(r.city_id)}: {ctx.caveat(r.caveat_codes)}" for r in have.itertuples() if not r.comparable]
    return Chart(fig, f"compare-{title}", title, subtitle, source, alt, ordered, kind="bar", notes=notes)


def lines_over_time(series: pd.DataFrame, ctx: Context, title: str, colour_by: str = "city_id",
                    cities_order=()) -> Chart:
    """One line per city (colour) and kind of territory (dash); every point keeps its source.

    ``colour_by="geo_unit"`` draws one line per territory of a single city instead.
    """
    fig = go.Figure()
    unit = series.unit.iloc[0] if not series.empty else "percent"
    colours = city_colours(cities_order or series.city_id.unique()) if colour_by == "city_id" else \
        {u: CATEGORICAL[i % len(CATEGORICAL)] for i, u in enumerate(series[colour_by].unique())}
    dashes = ["solid", "dash", "dot", "dashdot", "longdash"]
    levels = list(dict.fromkeys(series.geo_level))
    for (key, level), part in series.sort_values("year").groupby([colour_by, "geo_level"], sort=False):
        part = part.sort_values("year")
        if colour_by == "city_id":
            name = f"{ctx.city(key)} · {ctx.label('geo_levels', level)}"
        else:
            name = str(key)
        marks = [standing_mark(s, bool(e), ctx) for s, e in zip(part.source_type if "source_type" in part else [None] * len(part),
                                                                 part.is_estimate)]
        hover = [f"<b>{name}</b><br>{int(y)}: {fmt(v, unit, ctx.lang)} · {m}<br>{ctx.label('concepts', c)} · {ctx.territory(g, cid, lv)}"
                 f"<br>{ctx.t('source_is', publisher=p)}" for y, v, m, c, g, p, cid, lv in
                 zip(part.year, part.value, marks, part.concept, part.geo_unit, part.publisher, part.city_id, part.geo_level)]
        fig.add_trace(go.Scatter(x=part.year, y=part.value, mode="lines+markers", name=name,
                                 line={"color": colours.get(key, CATEGORICAL[0]),
                                       "dash": dashes[levels.index(level) % len(dashes)]},
                                 marker={"size": 7}, hovertext=hover, hoverinfo="text"))
    integer_year_axis(fig, series.year)
    value_axis(fig, unit, lang=ctx.lang)
    fig.update_yaxes(title=ctx.t(f"unit_{unit}") if unit in ("percent", "persons") else unit)
    mirror_for_rtl(fig, ctx.lang)
    # print media never say "hover" (report.editorial rule 6)
    subtitle = ctx.t("lines_subtitle_print" if ctx.mode == "print" else "lines_subtitle", years=year_span(series.year))
    source = source_line(series, lang=ctx.lang)
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang)
    # Described from every point, each named by its line and year (a single line still has a range).
    alt = describe([(f"{ctx.city(r.city_id) if colour_by == 'city_id' else getattr(r, colour_by)} {int(r.year)}", r.value)
                    for r in series.itertuples()], unit, ctx.lang, title, year_span(series.year))
    return Chart(fig, f"lines-{title}", title, subtitle, source, alt, series, kind="line")


def two_indicators(both: pd.DataFrame, ctx: Context, x_id: str, y_id: str) -> Chart:
    """Scatter of two indicators, one point per city; a filled marker when both values refer
    to the same territory, an open one when they do not."""
    fig = go.Figure()
    for same, part in both.groupby(both.geo_unit_x == both.geo_unit_y):
        name = ctx.t("same_territory") if same else ctx.t("different_territory")
        fig.add_trace(go.Scatter(
            x=part.value_x, y=part.value_y, mode="markers+text", name=name,
            text=[ctx.city(c) for c in part.city_id], textposition="top center",
            marker={"size": 14, "color": CATEGORICAL[0], "symbol": "circle" if same else "circle-open", "line": {"width": 2}},
            hovertext=[f"<b>{ctx.city(r.city_id)}</b><br>{ctx.label('indicators', x_id)}: {fmt(r.value_x, r.unit_x, ctx.lang)}"
                       f" ({r.year_used_x}, {r.geo_unit_x})<br>{ctx.label('indicators', y_id)}: {fmt(r.value_y, r.unit_y, ctx.lang)}"
                       f" ({r.year_used_y}, {r.geo_unit_y})" for r in part.itertuples()], hoverinfo="text"))
    fig.update_layout(xaxis_title=ctx.label("indicators", x_id), yaxis_title=ctx.label("indicators", y_id))
    if not both.empty:
        value_axis(fig, both.unit_x.iloc[0], axis="x", lang=ctx.lang)
        value_axis(fig, both.unit_y.iloc[0], axis="y", lang=ctx.lang)
    title = ctx.t("scatter_title", y=ctx.label("indicators", y_id), x=ctx.label("indicators", x_id))
    subtitle = ctx.t("scatter_subtitle")
    pubs = pd.concat([both[["publisher_x"]].rename(columns={"publisher_x": "publisher"}),
                      both[["publisher_y"]].rename(columns={"publisher_y": "publisher"})])
    source = source_line(pubs, lang=ctx.lang)
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode, lang=ctx.lang)
    alt = describe([(ctx.city(r.city_id), r.value_y) for r in both.itertuples()],
                   both.unit_y.iloc[0] if not both.empty else "", ctx.lang, title, "")
    return Chart(fig, f"scatter-{x_id}-{y_id}", title, subtitle, source, alt, both, kind="scatter")


def city_and_country(vs: pd.DataFrame, ctx: Context) -> Chart:
    """Grouped bars: each city's migrant share beside its country's (UN DESA 2024)."""
    vs = vs.dropna(subset=["city_share"])
    names = [ctx.city(c) for c in vs.city_id]
    fig = go.Figure()
    fig.add_trace(go.Bar(name=ctx.t("city"), x=names, y=vs.city_share, marker_color=CATEGORICAL[0],
                         text=[fmt(v, "percent", ctx.lang) for v in vs.city_share], textposition="outside",
                         hovertext=[f"{ctx.label('indicators', r.city_indicator)} · {r.city_geo_unit} · {r.city_year}<br>{r.city_publisher}"
                                    for r in vs.itertuples()], hoverinfo="text"))
    fig.add_trace(go.Bar(name=ctx.t("country_undesa"), x=names, y=vs.national_share, marker_color=CATEGORICAL[1],
                         text=[fmt(v, "percent", ctx.lang) for v in vs.national_share], textposition="outside",
                         hovertext=[f"{ctx.label('concepts', r.national_concept)} · {r.national_year}<br>"
                                    + ctx.t("same_concept" if r.same_concept else "different_concepts") for r in vs.itertuples()],
                         hoverinfo="text"))
    fig.update_layout(barmode="group")
    value_axis(fig, "percent", lang=ctx.lang)
    fig.update_yaxes(title=ctx.t("unit_percent"))
    if ctx.lang == "ar":
        fig.update_xaxes(autorange="reversed")
        fig.update_yaxes(side="right")
    title, subtitle = ctx.t("vs_title"), ctx.t("vs_subtitle")
    source = source_line(vs, "city_publisher", lang=ctx.lang) + "; UN DESA International Migrant Stock 2024"
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, legend_bottom=True)
    alt = describe(list(zip(names, vs.city_share)), "percent", ctx.lang, title, year_span(vs.city_year))
    notes = [f"{ctx.city(r.city_id)}: " + ctx.t("different_concepts") for r in vs.itertuples() if not r.same_concept]
    return Chart(fig, "city-vs-country", title, subtitle, source, alt, vs, kind="bar", notes=notes)

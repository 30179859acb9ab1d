"""Charts that read on a projector, in an export and right to left (issue 21), measured on the
figure layouts:

- tick and legend labels are 18 px or more in a 1920x1080 export (drawn at 960x540, scale 2),
  and 18 px or more on a 1920x1080 screen in presenter mode (drawn 1:1);
- the network map names its cities;
- Arabic (reversed time axis): no legend box covers the last data points; no bar label
  extends past the plot area.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import compare, coverage, origins, profile, reference, spatial
from analytics.rules import HEADLINE_SHARES
from figures import compare as fc
from figures import maps as fm
from figures import profile as fp
from figures.context import Context
from figures.style import EXPORT, PLOT_WIDTH, text_px

MIN_PX = 18


def network_frame(con) -> pd.DataFrame:
    """Every city with its headline share and population, as the Overview page builds it."""
    shares = compare.compare_cities(con, list(HEADLINE_SHARES))
    population = compare.compare_cities(con, "population_total")
    return reference.cities(con).merge(
        shares[["city_id", "indicator_id", "value", "year_used", "concept", "geo_unit", "publisher"]], on="city_id",
        how="left").merge(population[["city_id", "value", "year_used"]].rename(
            columns={"value": "population", "year_used": "pop_year"}), on="city_id", how="left")


def build(con, ctx) -> list:
    """The chart kinds of the pages without district geometry: ranked and grouped bars, lines,
    a scatter, heatmaps, the network map (maps with a colour bar: the network map's)."""
    out = []
    table = compare.network_position(con, list(HEADLINE_SHARES), None,
                                     ["madrid", "vienna", "tangier", "lyon", "amman", "beirut", "lisbon", "turin", "tunis"])
    out.append(fc.ranked_bars(table, ctx, ctx.t("headline_share_label")))
    series = compare.timeseries(con, "foreign_citizens_share", ["vienna", "madrid", "amman", "turin"])
    out.append(fc.lines_over_time(series, ctx, "Foreign citizens", cities_order=reference.city_order(con)))
    trend = profile.trend_series(con, "lyon")
    out.append(fc.lines_over_time(trend[trend.indicator_id == "population_total"], ctx, "Lyon", colour_by="geo_unit"))
    xs, ys = compare.compare_cities(con, "population_total"), compare.compare_cities(con, "foreign_citizens_share")
    both = xs.merge(ys, on=["city_id", "city"], suffixes=("_x", "_y")).dropna(subset=["value_x", "value_y"])
    out.append(fc.two_indicators(both, ctx, "population_total", "foreign_citizens_share"))
    out.append(fc.city_and_country(compare.city_vs_country(con, ["madrid", "vienna", "turin", "amman"]), ctx))
    out.append(fp.top_origins_bars(origins.top_origins(con, "lisbon", 10), ctx, "lisbon"))
    out.append(fp.national_refugee_lines(profile.national_refugees(con, "amman"), ctx, "amman"))
    out.append(fp.dissimilarity_bars(spatial.cross_city_indices(con, ["madrid", "vienna", "turin"]), ctx))
    out.append(fp.coverage_bars(coverage.coverage_score(con), ctx))
    out.append(fp.coverage_heatmap(coverage.coverage_matrix(con), ctx, list(reference.city_order(con))))
    out.append(fm.network_map(network_frame(con), reference.world_countries(con), ctx, ctx.t("overview_map_title"),
                              ctx.t("overview_map_sub")))
    return out


class ChartsByContext(dict):
    """The figures of every chart kind per (mode, language), built the first time a test asks
    for that context (the fast lane asks for screen and presenter only)."""

    def __init__(self, db_path):
        super().__init__()
        self.db_path = db_path

    def __missing__(self, context: tuple[str, str]) -> list:
        from analytics.db import connect

        mode, lang = context
        con = connect(self.db_path)
        try:
            labels, order = reference.labels(con), reference.city_order(con)
            self[context] = build(con, Context(lang=lang, mode=mode, data_version="abc123def456", labels=labels,
                                               city_order=order))
        finally:
            con.close()
        return self[context]


@pytest.fixture(scope="module")
def charts(built_db):
    return ChartsByContext(built_db)


# --------------------------------------------------------------------------- 18 px at 1920x1080

def label_sizes(fig: go.Figure) -> dict[str, float]:
    """The font size (layout px) of every tick label set, colour bar and legend a reader sees."""
    base = fig.layout.font.size or 12  # plotly's default font size
    sizes = {}
    for name in [k for k in fig.layout if k.startswith(("xaxis", "yaxis"))]:
        axis = fig.layout[name]
        if axis.visible is False or axis.showticklabels is False:
            continue
        sizes[name] = (axis.tickfont.size if axis.tickfont and axis.tickfont.size else base)
    for i, trace in enumerate(fig.data):
        bar = getattr(trace, "colorbar", None) if (getattr(trace, "showscale", None) is not False) else None
        marker = getattr(trace, "marker", None)
        if bar is None and marker is not None and getattr(marker, "colorbar", None) is not None and marker.color is not None \
                and not isinstance(marker.color, str) and getattr(marker, "showscale", True) is not False:
            bar = marker.colorbar
        if bar is not None and (bar.title.text or bar.tickvals is not None):
            sizes[f"colorbar {i}"] = bar.tickfont.size if bar.tickfont and bar.tickfont.size else base
    if fig.layout.showlegend is not False and sum(1 for tr in fig.data if tr.showlegend is not False and tr.name) > 1:
        sizes["legend"] = fig.layout.legend.font.size or base
    return sizes


def export_px(fig: go.Figure, size: float) -> float:
    """A layout font size drawn in a 1920x1080 export (``EXPORT``: 960x540 at scale 2)."""
    return size * EXPORT["scale"] * 1920 / (EXPORT["width"] * EXPORT["scale"])


@pytest.mark.parametrize("mode", ["screen", "presenter", "print"])
def test_tick_and_legend_labels_are_18px_in_1920x1080_exports(charts, mode):
    for chart in charts[(mode, "en")] + charts[(mode, "ar")]:
        sizes = label_sizes(chart.figure)
        assert sizes, chart.name
        for what, size in sizes.items():
            assert export_px(chart.figure, size) >= MIN_PX, f"{chart.name} ({mode}): {what} {size * 2} px in the export"


def test_presenter_mode_labels_are_18px_on_a_1920x1080_screen(charts):
    for chart in charts[("presenter", "en")] + charts[("presenter", "ar")]:
        for what, size in label_sizes(chart.figure).items():
            assert size >= MIN_PX, f"{chart.name}: {what} is {size} px in presenter mode"


def test_the_measure_catches_small_ticks():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1, 2]))
    fig.update_layout(font={"size": 13}, xaxis={"tickfont": {"size": 8}})
    assert label_sizes(fig)["xaxis"] * EXPORT["scale"] < MIN_PX


# --------------------------------------------------------------------------- the network map

@pytest.mark.parametrize("mode,lang", [("screen", "en"), ("print", "ar"), ("presenter", "en")])
def test_network_map_names_its_cities(charts, built_db, mode, lang):
    from analytics.db import connect

    chart = next(c for c in charts[(mode, lang)] if c.name == "network-map")
    con = connect(built_db)
    ctx = Context(lang=lang, labels=reference.labels(con))
    cities = [ctx.city(c) for c in reference.cities(con).city_id]
    con.close()
    drawn = [str(t) for tr in chart.figure.data if tr.mode and "text" in tr.mode for t in (tr.text or [])]
    assert sorted(drawn) == sorted(cities), "every city named once on the map"
    assert all(tr.type != "scattermap" for tr in chart.figure.data), "names drawn by plotly, not by MapLibre (glyphs)"
    assert chart.vector is None or chart.vector().figure is not None


# --------------------------------------------------------------------------- Arabic: legends and bar labels

def _plot_box(fig: go.Figure, mode: str) -> tuple[float, float]:
    width = fig.layout.width or PLOT_WIDTH.get(mode, 960)
    m = fig.layout.margin
    return width - (m.l or 70) - (m.r or 40), (fig.layout.height or 450) - (m.t or 100) - (m.b or 80)


def _axis_fraction(axis, values, value: float) -> float:
    """Where ``value`` falls along an axis, 0..1 from the plot's left (or bottom) edge."""
    if axis.range is not None and axis.autorange in (None, False):
        low, high = axis.range
    else:
        finite = [float(v) for v in values if v is not None and pd.notna(v)]
        low, high = min(finite), max(finite)
        if axis.rangemode == "tozero":
            low = min(low, 0)
        span = (high - low) or 1
        low, high = low - span * 0.05, high + span * 0.05
        if axis.autorange == "reversed":
            low, high = high, low
    return (float(value) - low) / ((high - low) or 1)


def legend_box(fig: go.Figure, mode: str) -> tuple[float, float, float, float] | None:
    """The legend's box in plot fractions (x0, y0, x1, y1), or None without a legend."""
    names = [str(tr.name) for tr in fig.data if tr.showlegend is not False and tr.name]
    if fig.layout.showlegend is False or len(names) < 2:
        return None
    legend = fig.layout.legend
    pw, ph = _plot_box(fig, mode)
    size = legend.font.size or fig.layout.font.size or 12
    horizontal = legend.orientation == "h"
    w = (sum(text_px(n, size) + 50 for n in names) if horizontal else max(text_px(n, size) for n in names) + 50) / pw
    h = ((size * 1.6) if horizontal else len(names) * size * 1.6 + 10) / ph
    x = legend.x if legend.x is not None else 1.02
    y = legend.y if legend.y is not None else 1
    xanchor = legend.xanchor or ("left" if x <= 1 / 3 or x > 1 else "right" if x >= 2 / 3 else "center")
    yanchor = legend.yanchor or ("top" if y >= 2 / 3 else "bottom" if y <= 1 / 3 else "middle")
    x0 = {"left": x, "right": x - w, "center": x - w / 2}.get(xanchor, x)
    y0 = {"bottom": y, "top": y - h, "middle": y - h / 2}.get(yanchor, y)
    return x0, y0, x0 + w, y0 + h


@pytest.mark.parametrize("mode", ["screen", "print", "presenter"])
def test_arabic_legends_never_cover_the_last_data_points(charts, mode):
    checked = 0
    for chart in charts[(mode, "ar")]:
        fig = chart.figure
        box = legend_box(fig, mode)
        if box is None or chart.kind != "line":
            continue
        checked += 1
        assert fig.layout.xaxis.autorange == "reversed", "right to left: the time axis is reversed"
        xs = [x for tr in fig.data for x in (tr.x if tr.x is not None else [])]
        ys = [y for tr in fig.data for y in (tr.y if tr.y is not None else [])]
        for trace in fig.data:
            points = [(x, y) for x, y in zip(trace.x, trace.y) if y is not None and pd.notna(y)]
            x, y = max(points, key=lambda p: p[0])  # the latest point of the line
            px, py = _axis_fraction(fig.layout.xaxis, xs, x), _axis_fraction(fig.layout.yaxis, ys, y)
            inside = box[0] - 0.02 <= px <= box[2] + 0.02 and box[1] - 0.03 <= py <= box[3] + 0.03
            assert not inside, f"{chart.name}: the legend covers {trace.name} in {x} ({px:.2f}, {py:.2f}) {box}"
    assert checked >= 3


def test_the_legend_check_catches_a_legend_on_the_latest_points(charts):
    """The old right-to-left legend (inside the plot at the left) sat on the latest points."""
    chart = next(c for c in charts[("screen", "ar")] if c.name.startswith("lines-Foreign"))
    fig = go.Figure(chart.figure)
    fig.update_layout(legend={"x": 0, "xanchor": "left", "y": 1, "yanchor": "top"})
    box = legend_box(fig, "screen")
    xs = [x for tr in fig.data for x in tr.x]
    ys = [y for tr in fig.data for y in tr.y]
    latest = [(_axis_fraction(fig.layout.xaxis, xs, max(tr.x)), _axis_fraction(fig.layout.yaxis, ys, list(tr.y)[-1]))
              for tr in fig.data]
    assert any(box[0] <= px <= box[2] and box[1] <= py <= box[3] for px, py in latest)


def bar_label_overflow(fig: go.Figure, mode: str) -> list[str]:
    """The outside labels of horizontal bars that end past the plot area (pixels, from the layout)."""
    out = []
    size = fig.layout.font.size or 12
    width = fig.layout.width or PLOT_WIDTH.get(mode, 960)
    m = fig.layout.margin
    for trace in fig.data:
        if trace.type != "bar" or trace.orientation != "h" or trace.text is None or isinstance(trace.text, str):
            continue
        categories = max((text_px(c, size) for c in trace.y), default=0) + 10
        plot = max(width - (m.l or 70) - (m.r or 40) - categories, 120)
        axis = fig.layout.xaxis
        assert axis.range is not None and axis.autorange is False, "an explicit range (reversed right to left)"
        span = abs(axis.range[1] - axis.range[0])
        for value, text in zip(trace.x, trace.text):
            if value is None or pd.isna(value) or not text:
                continue
            end = abs(float(value)) / span * plot + 4 + text_px(text, trace.textfont.size or size)
            if end > plot:
                out.append(f"{text!r} ends at {end:.0f} px of {plot:.0f}")
    return out


@pytest.mark.parametrize("mode", ["screen", "print", "presenter"])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_no_bar_label_extends_past_the_plot_area(charts, mode, lang):
    bars = [c for c in charts[(mode, lang)] if c.kind == "bar" and c.figure.data[0].orientation == "h"]
    assert len(bars) >= 4
    for chart in bars:
        assert not bar_label_overflow(chart.figure, mode), chart.name
        if lang == "ar":
            assert chart.figure.layout.xaxis.range[0] > chart.figure.layout.xaxis.range[1], "bars grow leftwards"


def test_the_bar_label_check_catches_the_old_range(charts):
    """The old axis (1.45 x the largest value) cut a long Arabic label."""
    chart = charts[("presenter", "ar")][0]
    fig = go.Figure(chart.figure)
    top = max(v for v in fig.data[0].x if v is not None)
    fig.update_xaxes(range=[top * 1.1, 0])
    assert bar_label_overflow(fig, "presenter")


def test_arabic_year_gap_keeps_its_sign_before_the_number(charts):
    """Bidi turned "(-2 سنة)" into "(سنة 2-)": the signed gap is isolated left to right."""
    labels = [str(t) for t in charts[("screen", "ar")][0].figure.data[0].text if "(" in str(t)]
    assert labels and all("\u2066" in t and "\u2069" in t for t in labels)

"""District maps drawn as plain vector shapes: each area a filled polygon (``go.Scatter``
with ``fill="toself"``) on longitude/latitude axes, without MapLibre.

Why: a MapLibre map (``go.Choroplethmap``) is drawn on a WebGL canvas, so its SVG export
embeds a bitmap and its size and zoom are fixed for one frame; these maps are SVG paths
(vector in SVG and PDF exports), fit any frame (the axes keep the aspect ratio and plotly
fits them into the plotting area), need no tiles or fonts, and render faster in kaleido.

Projection: equirectangular with the true aspect at the map's centre latitude
(``scaleratio = 1 / cos(latitude)``); at city scale the distortion is negligible.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from figures.context import Context
from figures.style import DIVERGING, LISA_COLOURS, SEQUENTIAL, Chart, describe, finish, source_line
from i18n import is_rtl, number, percent

OUTLINE = "white"
NO_DATA = "#E3E8EE"


def _rings(geometry: dict):
    """The outer and inner rings of a GeoJSON Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def polygon_xy(geometry: dict) -> tuple[list, list]:
    """x (longitude) and y (latitude) of every ring, rings separated by ``None`` (one filled shape each)."""
    xs, ys = [], []
    for ring in _rings(geometry):
        if xs:
            xs.append(None)
            ys.append(None)
        xs += [p[0] for p in ring]
        ys += [p[1] for p in ring]
    return xs, ys


def _bounds(geojson: dict) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for feature in geojson["features"]:
        x, y = polygon_xy(feature["geometry"])
        xs += [v for v in x if v is not None]
        ys += [v for v in y if v is not None]
    return min(xs), min(ys), max(xs), max(ys)


def _frame_axes(fig: go.Figure, geojson: dict) -> None:
    """Hidden axes with the aspect of the map's centre latitude, fitted to the plotting area."""
    x0, y0, x1, y1 = _bounds(geojson)
    pad_x, pad_y = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    ratio = 1 / max(math.cos(math.radians((y0 + y1) / 2)), 0.1)
    fig.update_xaxes(visible=False, range=[x0 - pad_x, x1 + pad_x], constrain="domain", fixedrange=False)
    fig.update_yaxes(visible=False, range=[y0 - pad_y, y1 + pad_y], scaleanchor="x", scaleratio=ratio,
                     constrain="domain")
    fig.update_layout(showlegend=False, hovermode="closest")


def _colourbar_trace(vmin: float, vmax: float, colorscale, title: str, suffix: str, rtl: bool, zmid=None) -> go.Scatter:
    """An invisible marker that carries the colour bar of the polygons' colour scale."""
    marker = {"size": 0.1, "opacity": 0, "color": [vmin, vmax], "colorscale": colorscale, "cmin": vmin, "cmax": vmax,
              "showscale": True, "colorbar": {"title": {"text": title}, "ticksuffix": suffix, "thickness": 14,
                                              **({"x": -0.02, "xanchor": "right"} if rtl else {})}}
    if zmid is not None:
        marker["cmid"] = zmid
    return go.Scatter(x=[None], y=[None], mode="markers", marker=marker, hoverinfo="skip", showlegend=False)


def static_choropleth(table: pd.DataFrame, geojson: dict, column: str, ctx: Context, title: str, subtitle: str,
                      legend_title: str, diverging: bool = False, height: int | None = None) -> Chart:
    """Areas coloured by ``column`` (share in percent or location quotient): the same inputs and
    the same Chart as :func:`figures.maps.choropleth`, drawn as vector polygons."""
    is_share = column == "share_pct"
    rows = table.set_index("area_id")
    values = rows[column].astype(float)
    vmin, vmax = float(np.nanmin(values)), float(np.nanmax(values))
    if diverging:
        half = max(abs(vmax - 1), abs(1 - vmin), 1e-9)
        vmin, vmax = 1 - half, 1 + half
    span = (vmax - vmin) or 1.0
    colorscale = DIVERGING if diverging else SEQUENTIAL
    fig = go.Figure()
    for feature in geojson["features"]:
        area_id = feature["properties"]["area_id"]
        x, y = polygon_xy(feature["geometry"])
        if area_id in rows.index and pd.notna(rows.at[area_id, column]):
            r = rows.loc[area_id]
            v = float(r[column])
            colour = sample_colorscale(colorscale, [(v - vmin) / span])[0]
            text = (f"<b>{r.area_name}</b><br>{legend_title}: "
                    + (percent(v, ctx.lang) if is_share else number(v, ctx.lang, 2))
                    + f"<br>{ctx.t('n_of_residents', n=number(r.group_count, ctx.lang), total=number(r.total, ctx.lang))}"
                    + f"<br>{ctx.t('source_is', publisher=r.publisher)}" + (f" ({ctx.t('estimate')})" if r.is_estimate else ""))
        else:
            colour, text = NO_DATA, feature["properties"].get("area_name", area_id)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=colour,
                                 line={"color": OUTLINE, "width": 0.6}, hoveron="fills", text=text, hoverinfo="text",
                                 name=str(feature["properties"].get("area_name", area_id)), showlegend=False))
    fig.add_trace(_colourbar_trace(vmin, vmax, colorscale, legend_title, "%" if is_share else "", is_rtl(ctx.lang),
                                   1 if diverging else None))
    source = source_line(table, lang=ctx.lang)
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height or {"print": 520, "presenter": 700}.get(ctx.mode, 600))
    _frame_axes(fig, geojson)
    alt = describe(list(zip(table.area_name, table[column])), "percent" if is_share else "index", ctx.lang, title, "")
    return Chart(fig, f"map-{title}", title, subtitle, source, alt, table, kind="map")


def static_boundary_map(geojson: dict, ctx: Context, title: str, subtitle: str, source: str,
                        height: int | None = None) -> Chart:
    """Boundaries only (no counts by area), as :func:`figures.maps.boundary_map`, drawn as vector polygons."""
    fig = go.Figure()
    ids, names = [], []
    for feature in geojson["features"]:
        x, y = polygon_xy(feature["geometry"])
        name = feature["properties"].get("area_name", "")
        ids.append(feature["properties"]["area_id"])
        names.append(name)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=NO_DATA,
                                 line={"color": "#5D6D7E", "width": 0.8}, hoveron="fills", text=name, hoverinfo="text",
                                 showlegend=False))
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height or {"print": 520, "presenter": 700}.get(ctx.mode, 560))
    _frame_axes(fig, geojson)
    alt = ctx.t("alt_boundaries", what=title, n=len(ids))
    return Chart(fig, f"boundaries-{title}", title, subtitle, source, alt,
                 pd.DataFrame({"area_id": ids, "area_name": names}), kind="map")


def static_categorical_map(frame: pd.DataFrame, geojson: dict, ctx: Context, title: str, subtitle: str, source: str,
                           height: int | None = None) -> Chart:
    """Areas coloured by LISA cluster, as :func:`figures.maps.categorical_map`, drawn as vector
    polygons (one legend entry per category with its count)."""
    fig = go.Figure()
    clusters = dict(zip(frame.area_id, frame.cluster))
    names = dict(zip(frame.area_id, frame.area_name))
    shown = set()
    counts = frame.cluster.value_counts()
    for feature in geojson["features"]:
        area_id = feature["properties"]["area_id"]
        category = clusters.get(area_id)
        colour = LISA_COLOURS.get(category, NO_DATA)
        label = f"{ctx.t(f'lisa_{category}')} ({int(counts.get(category, 0))})" if category in LISA_COLOURS else ""
        x, y = polygon_xy(feature["geometry"])
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=colour, line={"color": OUTLINE, "width": 0.6},
                                 hoveron="fills", text=f"<b>{names.get(area_id, area_id)}</b><br>{label}", hoverinfo="text",
                                 name=label, legendgroup=category or "none",
                                 showlegend=bool(label) and category not in shown))
        if label:
            shown.add(category)
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height or {"print": 520, "presenter": 700}.get(ctx.mode, 600))
    _frame_axes(fig, geojson)
    alt = ctx.t("alt_lisa", what=title, n=len(frame), hh=int(counts.get("high_high", 0)), ll=int(counts.get("low_low", 0)))
    return Chart(fig, f"clusters-{title}", title, subtitle, source, alt, frame, kind="map")

"""Maps drawn as plain vector shapes (district maps, small multiples, world and network maps): each
area or country a filled polygon (``go.Scatter`` with ``fill="toself"``) on longitude/latitude axes,
without MapLibre.

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
from figures.style import DIVERGING, LISA_COLOURS, SEQUENTIAL, Chart, describe, finish, font_size, source_line
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
    _frame_box(fig, x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y)


def _box_axes(x0: float, y0: float, x1: float, y1: float, x_name: str = "x") -> tuple[dict, dict]:
    """Hidden x and y axis settings showing the box at the true aspect of its centre latitude
    (equirectangular: ``scaleratio = 1 / cos(latitude)``), fitted to the plotting area."""
    ratio = 1 / max(math.cos(math.radians((y0 + y1) / 2)), 0.1)
    return ({"visible": False, "range": [x0, x1], "constrain": "domain"},
            {"visible": False, "range": [y0, y1], "scaleanchor": x_name, "scaleratio": ratio, "constrain": "domain"})


def _frame_box(fig: go.Figure, x0: float, y0: float, x1: float, y1: float) -> None:
    xaxis, yaxis = _box_axes(x0, y0, x1, y1)
    fig.update_xaxes(**xaxis)
    fig.update_yaxes(**yaxis)
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
                 pd.DataFrame({"area_id": ids, "area_name": names}), kind="map", shows_values=False)


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


def static_small_multiples(small: pd.DataFrame, geojsons: dict[str, dict], ctx: Context, title: str, subtitle: str,
                           column: str, cols: int, height: int, source: str, alt: str) -> Chart:
    """One small map per city, as :func:`figures.maps.small_multiples`, drawn as vector polygons
    (each panel on its own hidden axes with the aspect of its centre latitude)."""
    from plotly.subplots import make_subplots

    cities = [c for c in dict.fromkeys(small.city_id) if c in geojsons]
    rows = math.ceil(max(len(cities), 1) / cols)
    bins = small.attrs.get("bins", [])
    k = len(bins) if column == "class_index" else int(small[column].max() + 1 if not small.empty else 1)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[ctx.city(c) for c in cities],
                        horizontal_spacing=0.01, vertical_spacing=0.08 / rows)
    for i, cid in enumerate(cities):
        row, col = i // cols + 1, i % cols + 1
        values = dict(zip(small[small.city_id == cid].area_id, small[small.city_id == cid][column]))
        for feature in geojsons[cid]["features"]:
            value = values.get(feature["properties"]["area_id"])
            colour = NO_DATA if value is None or pd.isna(value) else \
                sample_colorscale(SEQUENTIAL, [float(value) / max(k - 1, 1)])[0]
            x, y = polygon_xy(feature["geometry"])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=colour,
                                     line={"color": OUTLINE, "width": 0.3}, hoverinfo="skip", showlegend=False),
                          row=row, col=col)
        axis = "" if i == 0 else str(i + 1)
        xaxis, yaxis = _box_axes(*_bounds(geojsons[cid]), x_name=f"x{axis}")
        fig.update_layout({f"xaxis{axis}": xaxis, f"yaxis{axis}": yaxis})
    if column == "class_index" and bins:
        fig.add_trace(_colourbar_trace(0, max(k - 1, 1), SEQUENTIAL, ctx.t("share_pct_short"), "", is_rtl(ctx.lang)),
                      row=1, col=1)
        fig.data[-1].marker.colorbar.update(tickvals=list(range(len(bins))), ticktext=[f"≤ {b:.0f}%" for b in bins])
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height)
    fig.update_layout(showlegend=False)
    return Chart(fig, "small-multiples", title, subtitle, source, alt, small, kind="map")


def _world_polygons(fig: go.Figure, world: dict, colours: dict[str, str], bounds: tuple | None = None) -> None:
    """Countries as filled polygons (one trace per country; only those meeting ``bounds``)."""
    for feature in world["features"]:
        x, y = polygon_xy(feature["geometry"])
        if bounds is not None:
            xs = [v for v in x if v is not None]
            ys = [v for v in y if v is not None]
            if not xs or max(xs) < bounds[0] or min(xs) > bounds[2] or max(ys) < bounds[1] or min(ys) > bounds[3]:
                continue
        iso = feature["properties"].get("iso3")
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", fill="toself", fillcolor=colours.get(iso, "#EEF1F4"),
                                 line={"color": "#C9CED6" if iso not in colours else OUTLINE, "width": 0.4},
                                 hoverinfo="skip", showlegend=False))


def static_world_origins_map(world_table: pd.DataFrame, world: dict, ctx: Context, title: str, subtitle: str,
                             source: str, alt: str, height: int) -> Chart:
    """Countries shaded by the number of migrants from each origin, as
    :func:`figures.profile.world_origins_map`, drawn as vector polygons (equirectangular)."""
    values = dict(zip(world_table.iso3, world_table.value.astype(float)))
    vmin, vmax = (min(values.values()), max(values.values())) if values else (0.0, 1.0)
    span = (vmax - vmin) or 1.0
    colours = {iso: sample_colorscale(SEQUENTIAL, [(v - vmin) / span])[0] for iso, v in values.items()}
    fig = go.Figure()
    _world_polygons(fig, world, colours)
    fig.add_trace(_colourbar_trace(vmin, vmax, SEQUENTIAL, ctx.t("unit_persons"), "", is_rtl(ctx.lang)))
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height)
    _frame_box(fig, -170, -58, 180, 84)
    return Chart(fig, "origins-world", title, subtitle, source, alt, world_table, kind="map")


def label_positions(lon, lat, names, marker_px, px_per_degree: float, size: float) -> list[str]:
    """Where each city's name goes beside its marker (above, below, right or left): the first
    place whose box overlaps no name placed before and no other marker, largest cities first."""
    char, line = size * 0.6 / px_per_degree, size * 1.3 / px_per_degree  # in degrees
    points = [(float(x), float(y), len(str(n)) * char, r / px_per_degree / 2) for x, y, n, r in zip(lon, lat, names, marker_px)]

    def box(i, spot):
        x, y, w, r = points[i]
        return {"top center": (x - w / 2, y + r, x + w / 2, y + r + line),
                "bottom center": (x - w / 2, y - r - line, x + w / 2, y - r),
                "middle right": (x + r, y - line / 2, x + r + w, y + line / 2),
                "middle left": (x - r - w, y - line / 2, x - r, y + line / 2)}[spot]

    def overlaps(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    markers = [(x - r, y - r, x + r, y + r) for x, y, _, r in points]
    placed, spots = [], {}
    for i in sorted(range(len(points)), key=lambda i: -points[i][3]):
        for spot in ("top center", "bottom center", "middle right", "middle left"):
            candidate = box(i, spot)
            if not any(overlaps(candidate, other) for other in placed) and \
                    not any(overlaps(candidate, m) for j, m in enumerate(markers) if j != i):
                break
        else:
            spot = "top center"
            candidate = box(i, spot)
        spots[i] = spot
        placed.append(candidate)
    return [spots[i] for i in range(len(points))]


def static_network_map(frame: pd.DataFrame, world: dict, ctx: Context, title: str, subtitle: str, source: str,
                       alt: str, height: int, hovertext=None) -> Chart:
    """The network's cities on the countries around them, drawn as vector shapes: marker size =
    population, colour = latest migrant share (grey: not known), each city named beside its
    marker (on screen, in exports and on slides: map text drawn by MapLibre would need glyphs
    from a font server)."""
    lon0, lon1 = frame.lon.min() - 3, frame.lon.max() + 3
    lat0, lat1 = frame.lat.min() - 2, frame.lat.max() + 2
    fig = go.Figure()
    _world_polygons(fig, world, {}, bounds=(lon0, lat0, lon1, lat1))
    size = (frame.population.fillna(frame.population.median() if frame.population.notna().any() else 1e6) ** 0.5) / 60
    known = frame.value.notna()
    names = pd.Series([ctx.city(c) for c in frame.city_id], index=frame.index)
    text_size = max(font_size(ctx.mode) - 1, 10)
    plot = (960 if ctx.mode != "print" else 760) - 330  # the narrowest frame less margins, colour bar and the map's aspect
    spots = pd.Series(label_positions(frame.lon, frame.lat, names, size.clip(8, 45), plot / (lon1 - lon0), text_size),
                      index=frame.index)
    hover = pd.Series(list(hovertext) if hovertext is not None else list(names), index=frame.index)
    text_font = {"size": text_size, "color": "#1B2631"}
    for mask, marker, name in (
            (~known, {"size": size[~known].clip(8, 45), "color": "#B0B7BF", "line": {"color": "white", "width": 1}},
             ctx.t("no_migrant_share")),
            (known, {"size": size[known].clip(8, 45), "color": frame.value[known], "colorscale": SEQUENTIAL,
                     "cmin": 0, "cmax": 50, "line": {"color": "white", "width": 1},
                     "colorbar": {"title": {"text": ctx.t("migrant_share_pct")}, "thickness": 14}}, ctx.t("migrant_share"))):
        fig.add_trace(go.Scatter(x=frame.lon[mask], y=frame.lat[mask], mode="markers+text", name=name, marker=marker,
                                 text=list(names[mask]), textposition=list(spots[mask]), textfont=text_font,
                                 cliponaxis=False, hovertext=list(hover[mask]), hoverinfo="text"))
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height)
    _frame_box(fig, lon0, lat0, lon1, lat1)
    return Chart(fig, "network-map", title, subtitle, source, alt, frame, kind="map")

"""Maps drawn offline: MapLibre's "white-bg" style (no tile, font or topojson request), the
areas' own GeoJSON, every map fitted to the frame it is drawn in."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.rules import SMALL_NUMBER_THRESHOLD
from figures.context import Context
from figures.style import (DIVERGING, LISA_COLOURS, PLOT_WIDTH, SEQUENTIAL, Chart, describe, finish, font_size,
                           source_line)
from i18n import number, percent

MAP_STYLE = "white-bg"
# District names are on hover and in the data table, not written on the map: MapLibre draws map
# text with glyphs fetched from a font server, which would break the offline rule.


def bounds(geojson: dict) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a GeoJSON FeatureCollection."""
    xs, ys = [], []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for feature in geojson["features"]:
        walk(feature["geometry"]["coordinates"])
    return min(xs), min(ys), max(xs), max(ys)


def view(box, width_px: float = 1000, height_px: float = 480) -> dict:
    """Centre and zoom that fit ``box`` (lon/lat) in a web-mercator map of the given pixel size."""
    x0, y0, x1, y1 = box
    merc = lambda lat: math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))  # noqa: E731
    lon_span = max(x1 - x0, 1e-4)
    lat_span = max(merc(y1) - merc(y0), 1e-4)
    # MapLibre tiles are 512 px: the world is 512 * 2**zoom pixels wide.
    zoom = min(math.log2(width_px * 360 / (512 * lon_span)), math.log2(height_px * 360 / (512 * lat_span))) - 0.15
    return {"center": {"lon": (x0 + x1) / 2, "lat": (y0 + y1) / 2}, "zoom": zoom}


def _width(fig: go.Figure) -> float:
    """The width a map is drawn at: a phone's (PLOT_WIDTH) when its text is wrapped for one."""
    return PLOT_WIDTH["phone"] if (fig.layout.margin.r or 40) <= 10 else 1000


def _plot_box(fig: go.Figure, width: float = 1000) -> tuple[float, float]:
    """The plotting area a map is fitted to: the figure height less its margins."""
    m = fig.layout.margin
    height = (fig.layout.height or 560) - (m.t or 100) - (m.b or 80)
    return width - (m.l or 70) - (m.r or 40), max(height, 150)


def _fit(fig: go.Figure, geojson: dict, width: float | None = None) -> go.Figure:
    if _width(fig) == PLOT_WIDTH["phone"]:
        fig.update_layout(margin={"l": 10})  # no axis on a map: the whole phone width
        _phone_height(fig, bounds(geojson))
    w, h = _plot_box(fig, width or _width(fig))
    fig.update_layout(map={"style": MAP_STYLE, **view(bounds(geojson), w, h)})
    return fig


def _phone_height(fig: go.Figure, box) -> None:
    """On a phone the map is as tall as the area needs at the phone's width (no empty band
    between the map and its colour bar)."""
    x0, y0, x1, y1 = box
    merc = lambda lat: math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))  # noqa: E731
    w, h = _plot_box(fig, PLOT_WIDTH["phone"])
    needed = w * max(merc(y1) - merc(y0), 1e-4) / max(x1 - x0, 1e-4) + 20
    if needed < h:
        old = fig.layout.height or 560
        new = int(old - (h - max(needed, 220)))
        fig.update_layout(height=new)
        # the legend and colour bars below the plot are placed in fractions of the frame's height
        if fig.layout.legend.yref == "container" and fig.layout.legend.y is not None:
            fig.layout.legend.y = fig.layout.legend.y * old / new
        for trace in fig.data:
            for bar in (getattr(trace, "colorbar", None) if "colorbar" in trace else None,
                        trace.marker.colorbar if "marker" in trace and "colorbar" in trace.marker else None):
                if bar is not None and bar.yref == "container" and bar.y is not None:
                    bar.y = bar.y * old / new


def choropleth(table: pd.DataFrame, geojson: dict, column: str, ctx: Context, title: str, subtitle: str,
               legend_title: str, diverging: bool = False, height: int = 600) -> Chart:
    """Areas coloured by ``column`` (share or location quotient); hover: name, value, counts,
    source, estimate flag."""
    is_share = column == "share_pct"
    hover = [f"<b>{r.area_name}</b><br>{legend_title}: "
             + (percent(getattr(r, column), ctx.lang) if is_share else number(getattr(r, column), ctx.lang, 2))
             + f"<br>{ctx.t('n_of_residents', n=number(r.group_count, ctx.lang), total=number(r.total, ctx.lang))}"
             + f"<br>{ctx.t('source_is', publisher=r.publisher)}" + (f" ({ctx.t('estimate')})" if r.is_estimate else "")
             + (f"<br>⚠ {ctx.t('small_number_flag', threshold=SMALL_NUMBER_THRESHOLD)}" if getattr(r, "small_number", False) else "")
             for r in table.itertuples()]
    fig = go.Figure(go.Choroplethmap(
        geojson=geojson, featureidkey="properties.area_id", locations=table.area_id, z=table[column],
        colorscale=DIVERGING if diverging else SEQUENTIAL, zmid=1 if diverging else None, marker_line_color="white",
        marker_line_width=0.6, colorbar={"title": {"text": legend_title}, "ticksuffix": "%" if is_share else ""},
        hovertext=hover, hoverinfo="text"))
    source = source_line(table, lang=ctx.lang)
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height)
    _fit(fig, geojson)
    alt = describe(list(zip(table.area_name, table[column])), "percent" if is_share else "index", ctx.lang, title, "")

    def vector() -> Chart:
        from figures.static_maps import static_choropleth

        return static_choropleth(table, geojson, column, ctx, title, subtitle, legend_title, diverging, height)

    return Chart(fig, f"map-{title}", title, subtitle, source, alt, table, kind="map", vector=vector)


def categorical_map(frame: pd.DataFrame, geojson: dict, ctx: Context, title: str, subtitle: str, source: str,
                    height: int = 600) -> Chart:
    """Areas coloured by LISA cluster, one legend entry per category with its count."""
    fig = go.Figure()
    for category, colour in LISA_COLOURS.items():
        part = frame[frame.cluster == category]
        if part.empty:
            continue
        name = ctx.t(f"lisa_{category}")
        fig.add_trace(go.Choroplethmap(geojson=geojson, featureidkey="properties.area_id", locations=part.area_id,
                                       z=[1] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False,
                                       name=f"{name} ({len(part)})", showlegend=True, marker_line_color="white",
                                       hovertext=[f"<b>{n}</b><br>{name}" for n in part.area_name], hoverinfo="text"))
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height)
    _fit(fig, geojson)
    counts = frame.cluster.value_counts()
    alt = ctx.t("alt_lisa", what=title, n=len(frame), hh=int(counts.get("high_high", 0)), ll=int(counts.get("low_low", 0)))

    def vector() -> Chart:
        from figures.static_maps import static_categorical_map

        return static_categorical_map(frame, geojson, ctx, title, subtitle, source, height)

    return Chart(fig, f"clusters-{title}", title, subtitle, source, alt, frame, kind="map", vector=vector)


def boundary_map(geojson: dict, ctx: Context, title: str, subtitle: str, source: str, height: int = 560) -> Chart:
    """Boundaries only (no counts by area): the areas with their names on hover."""
    names = [f["properties"].get("area_name", "") for f in geojson["features"]]
    ids = [f["properties"]["area_id"] for f in geojson["features"]]
    fig = go.Figure(go.Choroplethmap(geojson=geojson, featureidkey="properties.area_id", locations=ids,
                                     z=[0] * len(ids), colorscale=[[0, "#E3E8EE"], [1, "#E3E8EE"]], showscale=False,
                                     marker_line_color="#5D6D7E", marker_line_width=1, hovertext=names, hoverinfo="text"))
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height)
    _fit(fig, geojson)
    alt = ctx.t("alt_boundaries", what=title, n=len(ids))
    data = pd.DataFrame({"area_id": ids, "area_name": names})

    def vector() -> Chart:
        from figures.static_maps import static_boundary_map

        return static_boundary_map(geojson, ctx, title, subtitle, source, height)

    return Chart(fig, f"boundaries-{title}", title, subtitle, source, alt, data, kind="map", vector=vector,
                 shows_values=False)


def world_background(world: dict) -> go.Choroplethmap:
    """Light-grey countries (Natural Earth) as the base layer of a world or regional map."""
    return go.Choroplethmap(geojson=world, featureidkey="properties.iso3",
                            locations=[f["properties"]["iso3"] for f in world["features"]],
                            z=[0] * len(world["features"]), colorscale=[[0, "#EEF1F4"], [1, "#EEF1F4"]], showscale=False,
                            marker_line_color="#C9CED6", marker_line_width=0.5, hoverinfo="skip")


def network_map(frame: pd.DataFrame, world: dict, ctx: Context, title: str, subtitle: str) -> Chart:
    """The network's cities around the Mediterranean, each named beside its marker: marker size
    = population of the city unit, colour = latest migrant share (grey: not known). Source
    line: the shares' own publishers, GeoNames (coordinates) and Natural Earth (countries).

    Drawn as vector shapes (:func:`figures.static_maps.static_network_map`) on screen too:
    MapLibre draws map text with glyphs fetched from a font server (the offline rule), and a
    map without its cities' names did not read on a slide or a projector."""
    from figures.static_maps import static_network_map

    source = "; ".join(filter(None, [source_line(frame[frame.value.notna()], lang=ctx.lang), "GeoNames", "Natural Earth"]))
    hover = [f"<b>{ctx.city(r.city_id)}</b><br>"
             + (f"{ctx.label('indicators', r.indicator_id)}: {percent(r.value, ctx.lang)} ({int(r.year_used)}, "
                f"{ctx.label('concepts', r.concept)}, {ctx.territory(r.geo_unit, r.city_id, getattr(r, 'geo_level', None))})<br>{ctx.t('source_is', publisher=r.publisher)}"
                if pd.notna(r.value) else ctx.t("no_migrant_share"))
             + (f"<br>{ctx.t('population')}: {number(r.population, ctx.lang)} ({int(r.pop_year)})" if pd.notna(r.population) else "")
             for r in frame.itertuples()]
    alt = describe([(ctx.city(r.city_id), r.value) for r in frame.itertuples()], "percent", ctx.lang, title, "")
    return static_network_map(frame, world, ctx, title, subtitle, source, alt, 560, hovertext=hover)


def small_multiples(small: pd.DataFrame, geojsons: dict[str, dict], ctx: Context, title: str, subtitle: str,
                    column: str = "class_index", columns: int | None = None) -> Chart:
    """One small map per city on one classification; the grid sizes itself to the selection.

    ``column``: ``class_index`` (classes of all areas pooled: colours mean the same share in
    every city) or ``within_class_index`` (each city's own quantiles).
    """
    cities = [c for c in dict.fromkeys(small.city_id) if c in geojsons]
    n = max(len(cities), 1)
    cols = columns or min(n, {"print": 3, "phone": 2}.get(ctx.mode, 4))
    rows = math.ceil(n / cols)
    bins = small.attrs.get("bins", [])
    k = len(bins) if column == "class_index" else int(small[column].max() + 1 if not small.empty else 1)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[ctx.city(c) for c in cities],
                        specs=[[{"type": "map"}] * cols] * rows, horizontal_spacing=0.01, vertical_spacing=0.08 / rows)
    height = rows * (200 if ctx.mode == "phone" else 300) + 200
    cell_w, cell_h = (PLOT_WIDTH["phone"] if ctx.mode == "phone" else 1000) / cols * 0.9, (height - 240) / rows * 0.82  # the panel each map is fitted to
    for i, cid in enumerate(cities):
        part = small[small.city_id == cid]
        geojson = geojsons[cid]
        colorbar = {"title": {"text": ctx.t("share_pct_short")}}
        if column == "class_index" and bins:
            colorbar.update(tickvals=list(range(len(bins))), ticktext=[f"≤ {b:.0f}%" for b in bins])
        fig.add_trace(go.Choroplethmap(geojson=geojson, featureidkey="properties.area_id", locations=part.area_id,
                                       z=part[column], zmin=0, zmax=max(k - 1, 1), colorscale=SEQUENTIAL,
                                       showscale=(i == 0 and column == "class_index"), marker_line_width=0.3,
                                       colorbar=colorbar,
                                       hovertext=[f"<b>{a}</b> ({ctx.city(cid)})<br>{percent(s, ctx.lang)}"
                                                  for a, s in zip(part.area_name, part.share_pct)], hoverinfo="text"),
                      row=i // cols + 1, col=i % cols + 1)
        fig.update_layout({f"map{i + 1 if i else ''}": {"style": MAP_STYLE, **view(bounds(geojson), cell_w, cell_h)}})
    source = source_line(small, lang=ctx.lang)
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ctx.data_version, mode=ctx.mode,
           lang=ctx.lang, height=height)
    for annotation in fig.layout.annotations[:len(cities)]:
        annotation.font.size = font_size(ctx.mode)
    alt = ctx.t("alt_small_multiples", what=title, n=len(cities), cities=", ".join(ctx.city(c) for c in cities))

    def vector() -> Chart:
        from figures.static_maps import static_small_multiples

        return static_small_multiples(small, geojsons, ctx, title, subtitle, column, cols, height, source, alt)

    return Chart(fig, "small-multiples", title, subtitle, source, alt, small, kind="map", vector=vector)

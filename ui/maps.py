"""District and world maps drawn offline: MapLibre with the "white-bg" style (no tile server,
no topojson download) and the areas' own GeoJSON from the database."""
from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import charts
from ui.data import call

MAP_STYLE = "white-bg"


@st.cache_data(show_spinner=False)
def area_geojson(city_id: str, area_level: str | None = None) -> dict:
    gdf = call("spatial", "area_geodataframe", city_id, area_level)
    return json.loads(gdf.to_json())


def bounds(geojson: dict) -> tuple[float, float, float, float]:
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


def view(bounds, width_px: int = 1000, height_px: int = 480) -> dict:
    """Centre and zoom that fit ``bounds`` (lon/lat) in a web-mercator map of the given size."""
    x0, y0, x1, y1 = bounds
    merc = lambda lat: math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))  # noqa: E731
    lon_span = max(x1 - x0, 1e-4)
    lat_span = max(merc(y1) - merc(y0), 1e-4)
    # MapLibre tiles are 512 px: the world is 512 * 2**zoom pixels wide.
    zoom = min(math.log2(width_px * 360 / (512 * lon_span)), math.log2(height_px * 360 / (512 * lat_span))) - 0.1
    return {"center": {"lon": (x0 + x1) / 2, "lat": (y0 + y1) / 2}, "zoom": zoom}


def _layout(fig: go.Figure, geojson: dict, height: int = 560) -> go.Figure:
    fig.update_layout(map={"style": MAP_STYLE, **view(bounds(geojson), 1000, height - 170)})
    return fig


def choropleth(city_id: str, table: pd.DataFrame, column: str, label: str, colorscale=None, zmid=None,
               zmin=None, zmax=None, height: int = 600) -> go.Figure:
    """Areas coloured by ``column`` (hover: name, value, counts, source, estimate flag)."""
    geojson = area_geojson(city_id, table.attrs["selection"]["area_level"])
    hover = [f"<b>{r.area_name}</b><br>{label}: {getattr(r, column):.2f}<br>{r.group_count:,.0f} of {r.total:,.0f} residents"
             f"<br>Source: {r.publisher}" + (" (estimate)" if r.is_estimate else "") for r in table.itertuples()]
    fig = go.Figure(go.Choroplethmap(
        geojson=geojson, featureidkey="properties.area_id", locations=table.area_id, z=table[column],
        colorscale=colorscale or charts.SEQUENTIAL, zmid=zmid, zmin=zmin, zmax=zmax, marker_line_color="white",
        marker_line_width=0.6, colorbar={"title": label}, hovertext=hover, hoverinfo="text"))
    return _layout(fig, geojson, height)


def categorical_map(city_id: str, frame: pd.DataFrame, area_level: str, column: str, colours: dict,
                    height: int = 600) -> go.Figure:
    """Areas coloured by category (e.g. LISA clusters), one legend entry per category."""
    geojson = area_geojson(city_id, area_level)
    fig = go.Figure()
    for category, colour in colours.items():
        part = frame[frame[column] == category]
        if part.empty:
            continue
        fig.add_trace(go.Choroplethmap(geojson=geojson, featureidkey="properties.area_id", locations=part.area_id,
                                       z=[1] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False,
                                       name=f"{category} ({len(part)})", showlegend=True, marker_line_color="white",
                                       hovertext=[f"<b>{n}</b><br>{category}" for n in part.area_name], hoverinfo="text"))
    return _layout(fig, geojson, height)


def boundary_map(city_id: str, height: int = 560) -> go.Figure:
    """Boundaries only (cities without counts): the finest areas, names on hover."""
    gdf = call("spatial", "area_geodataframe", city_id, None)
    part = gdf[~gdf.area_id.isin(set(gdf.parent_area_id))]  # leaf areas: no overlaps between levels
    geojson = json.loads(part.to_json())
    fig = go.Figure(go.Choroplethmap(geojson=geojson, featureidkey="properties.area_id", locations=part.area_id,
                                     z=[0] * len(part), colorscale=[[0, "#E3E8EE"], [1, "#E3E8EE"]], showscale=False,
                                     marker_line_color="#5D6D7E", marker_line_width=1,
                                     hovertext=part.area_name + " (" + part.area_level.str.replace("_", " ") + ")",
                                     hoverinfo="text"))
    return _layout(fig, geojson, height)


def boundary_source(city_id: str) -> str:
    from ui.data import lookup

    gdf = call("spatial", "area_geodataframe", city_id, None)
    sources = lookup("sources")
    publishers = dict(zip(sources.source_id, sources.publisher))
    return "; ".join(sorted({publishers.get(s, s) for s in gdf.source_id}))


def world_background(world: dict) -> go.Choroplethmap:
    """Light-grey countries (Natural Earth) as the base layer of a world or regional map."""
    return go.Choroplethmap(geojson=world, featureidkey="properties.iso3", locations=[f["properties"]["iso3"] for f in world["features"]],
                            z=[0] * len(world["features"]), colorscale=[[0, "#EEF1F4"], [1, "#EEF1F4"]], showscale=False,
                            marker_line_color="#C9CED6", marker_line_width=0.5, hoverinfo="skip")

"""District maps drawn offline (plotly geo with the areas' own GeoJSON, no tile server)."""
from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import charts
from ui.data import call


@st.cache_data(show_spinner=False)
def area_geojson(city_id: str, area_level: str | None = None) -> dict:
    gdf = call("spatial", "area_geodataframe", city_id, area_level)
    return json.loads(gdf.to_json())


def _geo(fig: go.Figure) -> go.Figure:
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    return fig


def choropleth(city_id: str, table: pd.DataFrame, column: str, label: str, colorscale=None, zmid=None,
               zmin=None, zmax=None) -> go.Figure:
    """Areas coloured by ``column`` (hover: name, value, counts, source, estimate flag)."""
    geojson = area_geojson(city_id, table.attrs["selection"]["area_level"])
    hover = [f"<b>{r.area_name}</b><br>{label}: {getattr(r, column):.2f}<br>{r.group_count:,.0f} of {r.total:,.0f} residents"
             f"<br>Source: {r.publisher}" + (" (estimate)" if r.is_estimate else "") for r in table.itertuples()]
    fig = go.Figure(go.Choropleth(
        geojson=geojson, featureidkey="properties.area_id", locations=table.area_id, z=table[column],
        colorscale=colorscale or charts.SEQUENTIAL, zmid=zmid, zmin=zmin, zmax=zmax, marker_line_color="white",
        marker_line_width=0.6, colorbar={"title": label}, hovertext=hover, hoverinfo="text"))
    return _geo(fig)


def categorical_map(city_id: str, frame: pd.DataFrame, area_level: str, column: str, colours: dict) -> go.Figure:
    """Areas coloured by category (e.g. LISA clusters), one legend entry per category."""
    geojson = area_geojson(city_id, area_level)
    fig = go.Figure()
    for category, colour in colours.items():
        part = frame[frame[column] == category]
        if part.empty:
            continue
        fig.add_trace(go.Choropleth(geojson=geojson, featureidkey="properties.area_id", locations=part.area_id,
                                    z=[1] * len(part), colorscale=[[0, colour], [1, colour]], showscale=False,
                                    name=f"{category} ({len(part)})", showlegend=True, marker_line_color="white",
                                    hovertext=[f"<b>{n}</b><br>{category}" for n in part.area_name], hoverinfo="text"))
    return _geo(fig)


def boundary_map(city_id: str) -> go.Figure:
    """Boundaries only (cities without counts): every level, outlines and names on hover."""
    gdf = call("spatial", "area_geodataframe", city_id, None)
    part = gdf[~gdf.area_id.isin(set(gdf.parent_area_id))]  # leaf areas: no overlaps between levels
    geojson = json.loads(part.to_json())
    fig = go.Figure(go.Choropleth(geojson=geojson, featureidkey="properties.area_id", locations=part.area_id,
                                  z=[0] * len(part), colorscale=[[0, "#E3E8EE"], [1, "#E3E8EE"]], showscale=False,
                                  marker_line_color="#5D6D7E", hovertext=part.area_name + " (" + part.area_level + ")",
                                  hoverinfo="text"))
    return _geo(fig)


def boundary_source(city_id: str) -> str:
    from ui.data import lookup

    gdf = call("spatial", "area_geodataframe", city_id, None)
    publishers = dict(zip(lookup("sources").source_id, lookup("sources").publisher))
    return "; ".join(sorted({publishers.get(s, s) for s in gdf.source_id}))

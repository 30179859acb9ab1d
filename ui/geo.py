"""Area geometry for the maps, simplified for what is drawn and cached per data version."""
from __future__ import annotations

import json

import streamlit as st

from ui.data import call, data_version

# Douglas-Peucker tolerance in degrees (about 20 m): invisible at city zoom, 3-10x less GeoJSON.
SIMPLIFY_DEGREES = 0.0002


@st.cache_data(show_spinner=False, max_entries=256)
def _geojson(version: str, city_id: str, area_level: str | None, leaves_only: bool) -> dict:
    gdf = call("spatial", "area_geodataframe", city_id, area_level)
    if leaves_only and not gdf.empty:
        gdf = gdf[~gdf.area_id.isin(set(gdf.parent_area_id))]  # finest areas: no overlaps between levels
    if gdf.empty:
        return {"type": "FeatureCollection", "features": []}
    gdf = gdf[["area_id", "area_name", "area_level", "geometry"]].copy()
    gdf["geometry"] = gdf.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    return json.loads(gdf.to_json(drop_id=True))


def area_geojson(city_id: str, area_level: str | None = None) -> dict:
    """The city's areas of one level as GeoJSON (properties: area_id, area_name, area_level)."""
    return _geojson(data_version(), city_id, area_level, False)


def boundary_geojson(city_id: str) -> dict:
    """The city's finest areas (for boundary-only maps)."""
    return _geojson(data_version(), city_id, None, True)

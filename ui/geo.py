"""Area geometry for the maps, simplified for what is drawn and cached per data version."""
from __future__ import annotations

import json

import streamlit as st

from ui.data import call, data_version

# Douglas-Peucker tolerance in degrees per level of detail: "full" (about 20 m) is invisible at
# city zoom and gives 3-10x less GeoJSON than the stored boundaries; "small" (about 200 m) is
# the size of a pixel in a small-multiple map of ~250 px for a city of ~30 km.
SIMPLIFY_DEGREES = {"full": 0.0002, "small": 0.002}


# st.cache_resource, not st.cache_data: the GeoJSON dict is shared, not unpickled again on every
# rerun (measured at 100x: unpickling 12 cities' GeoJSON cost more than drawing them). Read-only.
@st.cache_resource(show_spinner=False, max_entries=512)
def _geojson(version: str, city_id: str, area_level: str | None, leaves_only: bool, detail: str = "full") -> dict:
    gdf = call("spatial", "area_geodataframe", city_id, area_level)
    if leaves_only and not gdf.empty:
        gdf = gdf[~gdf.area_id.isin(set(gdf.parent_area_id))]  # finest areas: no overlaps between levels
    if gdf.empty:
        return {"type": "FeatureCollection", "features": []}
    gdf = gdf[["area_id", "area_name", "area_level", "geometry"]].copy()
    gdf["geometry"] = gdf.geometry.simplify(SIMPLIFY_DEGREES[detail], preserve_topology=True)
    return json.loads(gdf.to_json(drop_id=True))


def area_geojson(city_id: str, area_level: str | None = None, detail: str = "full") -> dict:
    """The city's areas of one level as GeoJSON (properties: area_id, area_name, area_level).

    ``detail``: ``"full"`` for a city map, ``"small"`` for a small-multiple panel.
    """
    return _geojson(data_version(), city_id, area_level, False, detail)


def boundary_geojson(city_id: str) -> dict:
    """The city's finest areas (for boundary-only maps)."""
    return _geojson(data_version(), city_id, None, True)

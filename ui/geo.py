"""Area geometry for the maps, simplified for what is drawn and cached per data version."""
from __future__ import annotations

import streamlit as st

from ui.data import cached, data_version

from report.common import SIMPLIFY_DEGREES  # noqa: F401 - one tolerance table (report.common)


# st.cache_resource, not st.cache_data: the GeoJSON dict is shared, not unpickled again on every
# rerun (measured at 100x: unpickling 12 cities' GeoJSON cost more than drawing them). Read-only.
@st.cache_resource(show_spinner=False, max_entries=512)
def _geojson(version: str, city_id: str, area_level: str | None, leaves_only: bool, detail: str = "full") -> dict:
    from report.common import area_geojson as build

    return cached(build, city_id, area_level, leaves_only, detail)


def area_geojson(city_id: str, area_level: str | None = None, detail: str = "full") -> dict:
    """The city's areas of one level as GeoJSON (properties: area_id, area_name, area_level).

    ``detail``: ``"full"`` for a city map, ``"small"`` for a small-multiple panel.
    """
    return _geojson(data_version(), city_id, area_level, False, detail)


def boundary_geojson(city_id: str) -> dict:
    """The city's finest areas (for boundary-only maps)."""
    return _geojson(data_version(), city_id, None, True)

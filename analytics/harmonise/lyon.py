"""Lyon (``raw/lyon``) -> the 9 arrondissements (boundaries only).

No counts of foreigners or immigrants by arrondissement exist in the shared data (the INSEE
IRIS files were too large to be stored): the maps show the boundaries and the gap.
"""
from __future__ import annotations

from pathlib import Path

from analytics.harmonise._common import raw_file, require, simplify_to_wgs84, write_areas

CITY = "lyon"


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    import geopandas as gpd

    arr = gpd.read_file(raw_file(raw_dir, "raw", "lyon", "adr_voie_lieu.adrarrond.geojson"))
    require(len(arr) == 9 and set(arr.insee) == {str(c) for c in range(69381, 69390)}, "lyon: expected 9 arrondissements 69381-69389")
    areas = arr.assign(city_id=CITY, area_id=arr.insee, area_name=arr.nom, area_level="arrondissement",
                       parent_area_id="", source_id="lyon_arrondissements")
    return [write_areas(simplify_to_wgs84(areas), out_dir, CITY)]

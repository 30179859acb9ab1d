"""Shared helpers of the harmonise steps: reading raw files, checks, writing tidy outputs."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

AREA_COLUMNS = ["city_id", "area_id", "area_name", "area_level", "parent_area_id", "area_km2", "source_id"]
AREA_COUNT_COLUMNS = ["city_id", "area_id", "year", "group_id", "value", "source_id", "is_estimate"]
SIMPLIFY_TOLERANCE_M = 10.0


class HarmoniseError(RuntimeError):
    """A raw file breaks an assumption of its harmonise step (the message says which)."""


def require(condition: bool, message: str) -> None:
    """Assert an assumption about a source; fail the step with ``message`` if it does not hold."""
    if not condition:
        raise HarmoniseError(message)


def raw_file(raw_dir: Path, *parts: str) -> Path:
    """Path of a raw file, with a clear message if the shared data folder is missing."""
    path = Path(raw_dir).joinpath(*parts)
    if not path.exists():
        raise HarmoniseError(
            f"raw file not found: {path}. Point MC2CM_RAW at the shared data folder "
            "(default ../shared/data beside the project)."
        )
    return path


def normalise_name(text: str) -> str:
    """Upper-case, strip accents, non-alphanumerics to single spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^A-Z0-9]+", " ", text.upper()).strip()


def simplify_to_wgs84(gdf, tolerance_m: float = SIMPLIFY_TOLERANCE_M):
    """Repair, simplify to about ``tolerance_m`` metres in a local UTM CRS, return EPSG:4326.

    Also computes ``area_km2`` in that metric CRS (before simplification).
    """
    import shapely

    gdf = gdf.copy()
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    metric = gdf.to_crs(gdf.estimate_utm_crs())
    gdf["area_km2"] = (metric.geometry.area / 1e6).round(4)
    metric["geometry"] = metric.geometry.simplify(tolerance_m, preserve_topology=True)
    out = metric.to_crs(4326)
    out["geometry"] = shapely.set_precision(out.geometry.values, 1e-5)
    out["geometry"] = shapely.make_valid(out.geometry.values)
    out["area_km2"] = gdf["area_km2"].values
    return out


def write_areas(gdf, out_dir: Path, city_id: str) -> Path:
    """Write ``areas_<city>.geojson`` with the contract columns."""
    import geopandas as gpd

    missing = [c for c in AREA_COLUMNS if c not in gdf.columns]
    require(not missing, f"{city_id}: area columns missing {missing}")
    frame = gpd.GeoDataFrame(gdf[AREA_COLUMNS + ["geometry"]].copy(), geometry="geometry", crs=4326)
    frame = frame.sort_values(["area_level", "area_id"]).reset_index(drop=True)
    require(not frame.duplicated(["city_id", "area_id"]).any(), f"{city_id}: duplicate area_id")
    path = Path(out_dir) / f"areas_{city_id}.geojson"
    if path.exists():
        path.unlink()
    frame.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=5)
    return path


def write_area_counts(counts: pd.DataFrame, out_dir: Path, city_id: str) -> Path:
    """Write ``area_counts_<city>.csv`` (tidy: one row per area x year x group)."""
    frame = counts[AREA_COUNT_COLUMNS].copy()
    frame = frame.sort_values(["area_id", "year", "group_id"]).reset_index(drop=True)
    require(
        not frame.duplicated(["city_id", "area_id", "year", "group_id", "source_id"]).any(),
        f"{city_id}: duplicate area count keys",
    )
    require((frame["value"] >= 0).all(), f"{city_id}: negative counts")
    path = Path(out_dir) / f"area_counts_{city_id}.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def check_groups_within_total(counts: pd.DataFrame, city_id: str, tolerance: float = 1e-6) -> None:
    """Every group count is at most the total of its area and year."""
    totals = counts[counts.group_id == "total"].set_index(["area_id", "year"])["value"]
    groups = counts[counts.group_id != "total"]
    joined = groups.join(totals.rename("total"), on=["area_id", "year"])
    require(joined["total"].notna().all(), f"{city_id}: a group count has no total for its area and year")
    bad = joined[joined["value"] > joined["total"] * (1 + tolerance) + tolerance]
    require(bad.empty, f"{city_id}: group > total in {len(bad)} rows, e.g. {bad.head(3).to_dict('records')}")


def long_counts(frame: pd.DataFrame, city_id: str, year, group_columns: dict, source_id: str,
                is_estimate: bool, area_column: str = "area_id") -> pd.DataFrame:
    """Reshape a wide per-area table (one column per group) to the area_counts layout."""
    melted = frame[[area_column, *group_columns]].melt(
        id_vars=area_column, var_name="column", value_name="value"
    )
    melted["group_id"] = melted["column"].map(group_columns)
    melted = melted.rename(columns={area_column: "area_id"})
    melted["city_id"] = city_id
    melted["year"] = year
    melted["source_id"] = source_id
    melted["is_estimate"] = is_estimate
    return melted[AREA_COUNT_COLUMNS]

"""Synthetic scale-up databases for benchmarks: ``scale`` x the real network.

Kept apart from the real data: its own DuckDB file under benchmarks/, never loaded by the app.
Every synthetic city id starts with ``synthetic-``, every synthetic source is
``synthetic-generator`` (source_type ``estimate``, title "SYNTHETIC benchmark data - not real"),
and every value is drawn from a seeded random generator.

At scale s: 9 * s cities; per city 82 indicators x 30 years (about 22,000 observations at 1x,
2.2 million at 100x); about 1,000 * s areas with counts (square grids of about 111 areas a city,
so 100,000 areas at 100x) with total and foreign counts for 5 years; the real country context.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SOURCE = {"source_id": "synthetic-generator", "title": "SYNTHETIC benchmark data - not real", "publisher": "benchmarks/synthetic.py",
          "url": "https://example.invalid/synthetic", "licence": "none (generated)", "source_type": "estimate",
          "retrieved_via": "generated"}
YEARS = list(range(1995, 2025))
COUNT_YEARS = [2019, 2020, 2021, 2022, 2023]
GRID = 11  # 11 x 11 = 121 squares, of which ~111 kept


def generate(real_tables: dict[str, pd.DataFrame], scale: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Synthetic tables shaped like the real ones (catalog tables are reused as they are)."""
    rng = np.random.default_rng(seed)
    real_cities = real_tables["cities"]
    n_cities = 9 * scale
    base = real_cities.sample(n=n_cities, replace=True, random_state=seed).reset_index(drop=True)
    cities = base.assign(
        city_id=[f"synthetic-{i:04d}" for i in range(n_cities)], name=[f"Synthetic city {i}" for i in range(n_cities)],
        lat=base.lat + rng.normal(0, 2, n_cities), lon=base.lon + rng.normal(0, 2, n_cities), source_id=SOURCE["source_id"])
    indicators = real_tables["indicators"]
    levels = np.array(["municipality", "governorate", "metropolitan", "region"])
    n_ind, n_years = len(indicators), len(YEARS)
    city_rep = np.repeat(cities.city_id.to_numpy(), n_ind * n_years)
    ind_rep = np.tile(np.repeat(indicators.indicator_id.to_numpy(), n_years), n_cities)
    unit_rep = np.tile(np.repeat(indicators.unit.to_numpy(), n_years), n_cities)
    concept_rep = np.tile(np.repeat(indicators.concept.to_numpy(), n_years), n_cities)
    year_rep = np.tile(np.array(YEARS * n_ind), n_cities)
    n = len(city_rep)
    value = np.where(unit_rep == "percent", rng.uniform(0, 60, n), rng.lognormal(10, 1.5, n)).round(2)
    observations = pd.DataFrame({
        "city_id": city_rep, "indicator_id": ind_rep, "concept": concept_rep, "year": year_rep,
        "geo_unit": "synthetic unit", "geo_level": levels[rng.integers(0, 4, n)], "breakdown": "", "breakdown_value": "",
        "value": value, "unit": unit_rep, "source_id": SOURCE["source_id"], "is_estimate": True,
        "note": "SYNTHETIC", "flag": "synthetic", "origin_file": "synthetic"})

    area_rows, count_rows = [], []
    xs, ys = np.meshgrid(np.arange(GRID), np.arange(GRID))
    keep = (xs + ys) % 11 != 10  # drop a few cells so grids are not perfect squares
    cells = list(zip(xs[keep], ys[keep]))
    import shapely

    for city in cities.itertuples():
        size = 0.01
        polys = [shapely.box(city.lon + x * size, city.lat + y * size, city.lon + (x + 1) * size, city.lat + (y + 1) * size)
                 for x, y in cells]
        ids = [f"A{i:03d}" for i in range(len(cells))]
        area_rows.append(pd.DataFrame({"city_id": city.city_id, "area_id": ids, "area_name": ids, "area_level": "grid",
                                       "parent_area_id": "", "geometry": shapely.to_wkb(polys), "area_km2": 1.2,
                                       "source_id": SOURCE["source_id"]}))
        total = rng.integers(500, 20000, len(ids))
        for year in COUNT_YEARS:
            foreign = (total * rng.beta(2, 8, len(ids))).round()
            count_rows.append(pd.DataFrame({"city_id": city.city_id, "area_id": ids * 2, "year": year,
                                            "group_id": ["total"] * len(ids) + ["foreign"] * len(ids),
                                            "value": np.concatenate([total, foreign]).astype(float),
                                            "source_id": SOURCE["source_id"], "is_estimate": True}))
    tables = dict(real_tables)
    tables.update({
        "cities": cities, "observations": observations, "areas": pd.concat(area_rows, ignore_index=True),
        "area_counts": pd.concat(count_rows, ignore_index=True),
        "sources": pd.concat([real_tables["sources"], pd.DataFrame([SOURCE])], ignore_index=True),
    })
    return tables


def build_synthetic(scale: int, path: Path) -> tuple[Path, dict[str, pd.DataFrame], float]:
    """Write a synthetic database for ``scale`` (no validation: synthetic city ids are not the nine)."""
    import time

    from analytics.db import load_tables, write_database

    tables = generate(load_tables(), scale)
    start = time.perf_counter()
    write_database(tables, path)
    return path, tables, time.perf_counter() - start

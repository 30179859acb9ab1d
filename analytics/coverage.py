"""What is known and what is not: indicator x city availability, the best source type of
each cell, the core indicators a city lacks, and a coverage score per city."""
from __future__ import annotations

import pandas as pd

from analytics.rules import SOURCE_RANK, indicator_role

# The core of a city migration profile (origin, stock, refugees, labour, spatial distribution).
CORE_INDICATORS = indicator_role("gap")  # roles: data/catalog/indicators.yaml


def coverage_matrix(con, cities=None) -> pd.DataFrame:
    """Indicator x city cells: number of figures, years covered, latest year, the best source
    type (official statistics first) and whether any figure is an estimate.

    ``cities``: only these cities (work proportional to the selection), else all.
    The aggregation runs once per build (table ``coverage_cells``): at 100x the real data it
    took about 0.5-0.8 s per call, too slow for a page."""
    where, params = "", []
    if cities is not None:
        where, params = f" WHERE city_id IN ({', '.join('?' * len(cities)) or 'NULL'})", list(cities)
    # aggregated once at build (analytics.db.COVERAGE_SQL)
    out = con.execute(f"SELECT * FROM coverage_cells{where} ORDER BY indicator_id, city_id", params).df()
    inverse = {v: k for k, v in SOURCE_RANK.items()}
    out["best_source_type"] = out.best_rank.map(inverse)
    return out.drop(columns="best_rank")


def missing_core_indicators(con, cities=None) -> pd.DataFrame:
    """Per city (all, or the ``cities`` given), the core indicators with no figure at all
    (the gaps to show). Work is proportional to the cities asked for."""
    city_filter, params = "", []
    if cities:
        city_filter = f" WHERE city_id IN ({', '.join('?' * len(cities))})"
        params = list(cities)
    have = set(map(tuple, con.execute(f"SELECT DISTINCT city_id, indicator_id FROM coverage_cells{city_filter}",
                                      params).fetchall()))
    has_areas = {r[0] for r in con.execute(
        "SELECT DISTINCT city_id FROM area_counts WHERE group_id <> 'total'" + (city_filter.replace(" WHERE", " AND")),
        params).fetchall()}
    labels = dict(con.execute("SELECT indicator_id, label FROM indicators").fetchall())
    rows = []
    for (city_id,) in con.execute(f"SELECT city_id FROM cities{city_filter} ORDER BY city_id", params).fetchall():
        for indicator in CORE_INDICATORS:
            if (city_id, indicator) not in have:
                rows.append({"city_id": city_id, "missing": indicator, "label": labels.get(indicator, indicator)})
        if city_id not in has_areas:
            rows.append({"city_id": city_id, "missing": "district_counts", "label": "Migrant counts by district"})
    return pd.DataFrame(rows, columns=["city_id", "missing", "label"])


def coverage_score(con) -> pd.DataFrame:
    """Share (0-100) of the core profile a city covers: the core indicators plus district counts."""
    missing = missing_core_indicators(con).groupby("city_id").size()
    cities = con.execute("SELECT city_id, name FROM cities ORDER BY city_id").df()
    possible = len(CORE_INDICATORS) + 1
    cities["n_missing"] = cities.city_id.map(missing).fillna(0).astype(int)
    cities["coverage_pct"] = (possible - cities.n_missing) / possible * 100
    cities["n_figures"] = cities.city_id.map(dict(con.execute("SELECT city_id, count(*) FROM observations GROUP BY 1").fetchall()))
    return cities.sort_values("coverage_pct", ascending=False).reset_index(drop=True)

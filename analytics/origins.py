"""Where migrants come from: top origins per city (city data where they exist, otherwise the
country's UN DESA origins, labelled as national), origins by world region, origins shared
across the network, and an ISO3-keyed table for a world map.
"""
from __future__ import annotations

import pandas as pd

from analytics.normalise import country_iso3_lookup
from analytics.rules import indicator_role

CITY_ORIGIN_INDICATORS = indicator_role("city_origins")  # roles: data/catalog/indicators.yaml
NATIONAL_INDICATOR = "migrant_stock_by_origin_rev2024"
MIN_CITY_ORIGINS = 3  # fewer city origins than this: show the national table (and say so)


def _city_origins(con, city_id: str) -> pd.DataFrame:
    """City-level origins: curated counts by nationality / country of birth (latest year of the
    best-covered indicator) and, for cities with nationality counts by area, their city sums."""
    ids = ", ".join(f"'{i}'" for i in CITY_ORIGIN_INDICATORS)
    obs = con.execute(f"""
        SELECT o.indicator_id, o.year, o.breakdown_value AS origin_name, o.value, o.source_id, o.geo_unit, o.geo_level,
               o.concept, s.publisher, s.url AS source_url
        FROM observations o JOIN sources s USING (source_id)
        WHERE o.city_id = ? AND o.indicator_id IN ({ids}) AND o.unit = 'persons'
          AND o.breakdown IN ('nationality', 'country_of_birth')""", [city_id]).df()
    lookup = country_iso3_lookup(con)
    parts = []
    if not obs.empty:
        obs["iso3"] = obs.origin_name.map(lookup)
        obs = obs[obs.iso3.notna()]
        if not obs.empty:
            counts = obs.groupby(["indicator_id", "year", "geo_unit"]).size().rename("n").reset_index()
            best = counts.sort_values(["n", "year"], ascending=False).iloc[0]
            sel = obs[(obs.indicator_id == best.indicator_id) & (obs.year == best.year) & (obs.geo_unit == best.geo_unit)]
            parts.append(sel.assign(level="city", basis=sel.indicator_id))
    areas = con.execute("""
        SELECT replace(c.group_id, 'nationality:', '') AS iso3, c.year, sum(c.value) AS value, any_value(c.source_id) AS source_id,
               any_value(s.publisher) AS publisher, any_value(s.url) AS source_url
        FROM area_counts c JOIN areas a USING (city_id, area_id) JOIN sources s ON s.source_id = c.source_id
        WHERE c.city_id = ? AND c.group_id LIKE 'nationality:%'
          AND a.area_level = (SELECT area_level FROM areas a2 JOIN area_counts c2 USING (city_id, area_id)
                              WHERE c2.city_id = ? AND c2.group_id LIKE 'nationality:%' LIMIT 1)
        GROUP BY ALL""", [city_id, city_id]).df()
    if not areas.empty:
        latest = areas[areas.year == areas.year.max()]
        parts.append(latest.assign(level="city", basis="nationality counts summed over the city's areas",
                                   concept="foreign_citizenship", geo_level="municipality"))
    if not parts:
        return pd.DataFrame()
    # The candidate naming the most origins wins (then the latest year): one basis per table, never mixed.
    return max(parts, key=lambda p: (p.iso3.nunique(), p.year.max()))


def top_origins(con, city_id: str, n: int = 10) -> pd.DataFrame:
    """Top-``n`` origins of a city's migrants.

    Returns
    -------
    DataFrame: rank, iso3, origin (country name), value, share_pct (city data: of all origins
    the source lists; national data: of the country's UN DESA migrant stock), year, level
    ("city" or "national"), basis, concept, source_id, publisher, source_url. National rows
    come from UN DESA Rev.2024 for the city's country and are labelled as such.
    """
    city = _city_origins(con, city_id)
    names = dict(con.execute("SELECT iso3, name FROM countries").fetchall())
    if not city.empty and city.iso3.nunique() >= MIN_CITY_ORIGINS:
        out = city.sort_values("value", ascending=False).copy()
        out["share_pct"] = out.value / out.value.sum() * 100
        out = out.head(n)
    else:
        iso = con.execute("SELECT country_iso3 FROM cities WHERE city_id = ?", [city_id]).fetchone()
        if iso is None:
            raise KeyError(f"unknown city {city_id!r}")
        out = con.execute("""
            SELECT k.breakdown_value AS iso3, k.year, k.value, k.source_id, k.concept, s.publisher, s.url AS source_url
            FROM country_context k JOIN sources s USING (source_id)
            WHERE k.iso3 = ? AND k.indicator_id = ? AND k.year = (SELECT max(year) FROM country_context WHERE iso3 = ? AND indicator_id = ?)
            ORDER BY k.value DESC LIMIT ?""", [iso[0], NATIONAL_INDICATOR, iso[0], NATIONAL_INDICATOR, n]).df()
        total = con.execute("""SELECT value FROM country_context WHERE iso3 = ? AND indicator_id = 'migrant_stock_rev2024'
                               AND year = ?""", [iso[0], int(out.year.max()) if not out.empty else 0]).fetchone()
        out["share_pct"] = out.value / total[0] * 100 if total else float("nan")
        basis = f"UN DESA Rev.2024, {iso[0]} (national, not city data)"
        if not city.empty:
            named = city.get("origin_name", city.iso3).dropna().unique()[:2]
            basis += f"; the city sources name only {', '.join(map(str, named))}"
        out = out.assign(level="national", basis=basis)
    out["origin"] = out.iso3.map(names).fillna(out.iso3)
    out["rank"] = range(1, len(out) + 1)
    columns = ["rank", "iso3", "origin", "value", "share_pct", "year", "level", "basis", "concept", "source_id", "publisher", "source_url"]
    return out.reindex(columns=columns).reset_index(drop=True)


def origins_by_region(con, city_id: str, n: int = 50) -> pd.DataFrame:
    """Top origins grouped by UN world region (UNSD region of the origin country)."""
    top = top_origins(con, city_id, n)
    if top.empty:
        return top
    regions = dict(con.execute("SELECT iso3, unsd_region FROM countries").fetchall())
    top["region"] = top.iso3.map(regions).fillna("Unknown")
    out = top.groupby(["region", "level"], as_index=False).value.sum()
    out["share_pct"] = out.value / out.value.sum() * 100
    return out.sort_values("value", ascending=False).reset_index(drop=True)


def shared_origins(con, n: int = 10, cities=None) -> pd.DataFrame:
    """The city x origin table of compute_shared_origins for the selected ``cities`` (all when
    None), precomputed at build for n = 10 (table ``network_shared_origins``); computed on the
    fly otherwise. ``n_cities`` counts the selected cities that share each origin."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'network_shared_origins'").fetchone()[0]
    if n == 10 and exists:
        out = con.execute("SELECT * FROM network_shared_origins ORDER BY city_id, rank").df()
    else:
        out = compute_shared_origins(con, n)
    if cities:
        out = out[out.city_id.isin(list(cities))].copy()
        out["n_cities"] = out.groupby("iso3").city_id.transform("nunique")
    return out.reset_index(drop=True)


def compute_shared_origins(con, n: int = 10) -> pd.DataFrame:
    """City x origin matrix of the top-``n`` origins of every city (long format: city_id, iso3,
    origin, rank, value, level), and how many cities share each origin (``n_cities``)."""
    parts = []
    for (city_id,) in con.execute("SELECT city_id FROM cities ORDER BY city_id").fetchall():
        top = top_origins(con, city_id, n)
        parts.append(top.assign(city_id=city_id))
    out = pd.concat(parts, ignore_index=True)
    out["n_cities"] = out.groupby("iso3").city_id.transform("nunique")
    return out[["city_id", "iso3", "origin", "rank", "value", "level", "year", "source_id", "n_cities"]]


def world_map_table(con, city_id: str) -> pd.DataFrame:
    """ISO3-keyed table of all known origins of a city (for a choropleth world map)."""
    table = top_origins(con, city_id, n=500)
    return table[table.value > 0][["iso3", "origin", "value", "share_pct", "year", "level", "source_id"]].reset_index(drop=True)

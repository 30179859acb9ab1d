"""Reference tables (catalog content stored in the database) for selectors and labels."""
from __future__ import annotations

import pandas as pd


def cities(con) -> pd.DataFrame:
    """The network's cities with coordinates, membership and pilot-project flag."""
    return con.execute("SELECT * FROM cities ORDER BY name").df()


def indicators(con) -> pd.DataFrame:
    """Indicator catalog with the number of cities that have each indicator."""
    return con.execute("""SELECT i.*, count(DISTINCT o.city_id) AS n_cities FROM indicators i
                          LEFT JOIN observations o USING (indicator_id) GROUP BY ALL ORDER BY i.label""").df()


def concepts(con) -> pd.DataFrame:
    """Concepts (what a figure counts)."""
    return con.execute("SELECT * FROM concepts").df()


def geo_levels(con) -> pd.DataFrame:
    """Kinds of territory (municipality, governorate, ...) with their labels."""
    return con.execute("SELECT * FROM geo_levels").df()


def themes(con) -> pd.DataFrame:
    """The seven network themes plus the analytical ones."""
    return con.execute("SELECT * FROM themes").df()


def area_groups(con) -> pd.DataFrame:
    """Population groups of the district counts, plus the nationality groups present."""
    groups = con.execute("SELECT group_id, label, concept FROM area_groups").df()
    nat = con.execute("""SELECT DISTINCT c.group_id, 'Nationality: ' || coalesce(k.name, replace(c.group_id, 'nationality:', '')) AS label,
                                'foreign_citizenship' AS concept
                         FROM area_counts c LEFT JOIN countries k ON k.iso3 = replace(c.group_id, 'nationality:', '')
                         WHERE c.group_id LIKE 'nationality:%'""").df()
    return pd.concat([groups, nat], ignore_index=True)


def sources(con) -> pd.DataFrame:
    """Every source with the number of figures that cite it."""
    return con.execute("""
        SELECT s.*, (SELECT count(*) FROM observations o WHERE o.source_id = s.source_id)
                  + (SELECT count(*) FROM area_counts c WHERE c.source_id = s.source_id)
                  + (SELECT count(*) FROM country_context k WHERE k.source_id = s.source_id) AS n_rows
        FROM sources s ORDER BY s.source_type, s.publisher""").df()


def excluded_observations(con) -> pd.DataFrame:
    """Curated figures left out of the database, with the reason."""
    return con.execute("SELECT * FROM excluded_observations ORDER BY city_id, indicator").df()


def network_activities(con) -> pd.DataFrame:
    """The network's peer-learning events, pilot projects and city contributions."""
    return con.execute("SELECT * FROM network_activities ORDER BY date").df()


def build_info(con) -> pd.DataFrame:
    """Data version (content hash) and build time."""
    return con.execute("SELECT * FROM build_info").df()


def world_countries(con):
    """Country shapes (Natural Earth 1:110m) as a GeoJSON-like dict keyed by ISO3."""
    import json

    import geopandas as gpd
    import shapely

    frame = con.execute("SELECT iso3, name, geometry FROM world_countries").df()
    gdf = gpd.GeoDataFrame(frame.drop(columns="geometry"), geometry=shapely.from_wkb([bytes(g) for g in frame.geometry]), crs=4326)
    return json.loads(gdf.to_json())


def labels(con) -> dict[str, dict[str, str]]:
    """English catalog labels by kind (cities, indicators, concepts, geo_levels, themes, groups),
    for the figures' Context (which translates them through i18n)."""
    def pairs(sql: str) -> dict[str, str]:
        return dict(con.execute(sql).fetchall())

    groups = area_groups(con)
    return {
        "cities": pairs("SELECT city_id, name FROM cities"),
        "indicators": pairs("SELECT indicator_id, label FROM indicators"),
        "concepts": pairs("SELECT concept_id, label FROM concepts"),
        "geo_levels": pairs("SELECT geo_level, label FROM geo_levels"),
        "themes": pairs("SELECT theme_id, label FROM themes"),
        "groups": dict(zip(groups.group_id, groups.label)),
    }


def city_order(con) -> tuple[str, ...]:
    """Every city id, by name (stable colours across charts)."""
    return tuple(r[0] for r in con.execute("SELECT city_id FROM cities ORDER BY name").fetchall())


def default_cities(con, size: int = 9) -> list[str]:
    """The cities a cross-city view opens on: the founding members (catalog membership), else the
    ``size`` largest by their latest population figure, ordered by name. Bounded, so a network of
    any size opens on a readable selection (and a page costs what it shows)."""
    founding = [r[0] for r in con.execute(
        "SELECT city_id FROM cities WHERE membership = 'founding' ORDER BY name").fetchall()] \
        if "membership" in {r[0] for r in con.execute("DESCRIBE cities").fetchall()} else []
    if founding:
        return founding
    from analytics.compare import compare_cities

    population = compare_cities(con, "population_total")
    ranked = population.sort_values(["value", "city_id"], ascending=[False, True], na_position="last").city_id.tolist()
    names = dict(con.execute("SELECT city_id, name FROM cities").fetchall())
    return sorted(ranked[:size], key=lambda c: names.get(c, c))


def corrections(con) -> pd.DataFrame:
    """The corrections log (data/catalog/corrections.yaml, issue 20): date, data version, city,
    indicator, what changed, old and new value, reason; empty in a database built before it."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'corrections'").fetchone()[0]
    if not exists:
        return pd.DataFrame(columns=["correction_id", "date", "data_version", "city_id", "indicator_id", "what",
                                     "old_value", "new_value", "reason"])
    return con.execute("SELECT * FROM corrections ORDER BY date, correction_id").df()

"""City profile building blocks: key figures, trend series, refugee figures, national context."""
from __future__ import annotations

import pandas as pd

from analytics.compare import CITY_LEVELS, best_figures

KEY_INDICATORS = ("population_total", "foreign_citizens", "foreign_citizens_share", "foreign_born",
                  "foreign_born_share", "immigrants_share", "migration_background_share", "refugees_registered")
TREND_INDICATORS = ("population_total", "foreign_citizens", "foreign_citizens_share", "foreign_born", "foreign_born_share",
                    "refugees_registered")
REFUGEE_INDICATORS = ("refugees_registered", "refugees", "refugees_and_asylum_seekers", "refugees_and_asylum_seekers_registered",
                      "asylum_applications", "asylum_seekers_in_basic_care", "asylum_seekers_in_reception", "persons_in_basic_care",
                      "refugee_reception_places")


def key_figures(con, city_id: str) -> pd.DataFrame:
    """The latest value of each key indicator for the city (best territory and source, as in
    compare_cities), with year, concept, territory and source."""
    best = best_figures(con, KEY_INDICATORS, [city_id], per_indicator=True)
    order = {indicator: i for i, indicator in enumerate(KEY_INDICATORS)}
    best = best.assign(_order=best.indicator_id.map(order)).sort_values("_order")
    out = best.rename(columns={"year": "year"})[["indicator_id", "indicator_label", "value", "unit", "year", "concept", "geo_unit",
                                                 "geo_level", "publisher", "source_url", "source_id", "source_type", "is_estimate",
                                                 "n_alternatives", "flag"]]
    return out.reset_index(drop=True)


def trend_series(con, city_id: str) -> pd.DataFrame:
    """Time series of the trend indicators (totals only) for the city, every territory and source."""
    ids = ", ".join(f"'{i}'" for i in TREND_INDICATORS)
    levels = ", ".join(f"'{g}'" for g in CITY_LEVELS)
    return con.execute(f"""
        SELECT o.indicator_id, i.label AS indicator_label, o.year, o.value, o.unit, o.concept, o.geo_unit, o.geo_level,
               o.is_estimate, s.source_type, s.publisher, s.url AS source_url, o.source_id, o.city_id
        FROM observations o JOIN indicators i USING (indicator_id) JOIN sources s USING (source_id)
        WHERE o.city_id = ? AND o.indicator_id IN ({ids}) AND o.breakdown = '' AND o.geo_level IN ({levels})
        ORDER BY o.indicator_id, o.geo_unit, o.year""", [city_id]).df()


def refugee_figures(con, city_id: str) -> pd.DataFrame:
    """City-level refugee and asylum figures (any breakdown), with sources."""
    ids = ", ".join(f"'{i}'" for i in REFUGEE_INDICATORS)
    return con.execute(f"""
        SELECT o.indicator_id, i.label AS indicator, o.year, o.value, o.unit, o.breakdown_value AS breakdown, o.geo_unit,
               o.is_estimate, s.source_type, s.publisher, s.url AS source_url
        FROM observations o JOIN indicators i USING (indicator_id) JOIN sources s USING (source_id)
        WHERE o.city_id = ? AND o.indicator_id IN ({ids}) ORDER BY o.year DESC, i.label""", [city_id]).df()


def national_refugees(con, city_id: str) -> pd.DataFrame:
    """The city's country: UNHCR refugees and asylum seekers, UNRWA Palestine refugees (2000 on)."""
    return con.execute("""
        SELECT k.year, k.value, k.indicator_id, ci.label AS indicator, c.country, k.iso3, k.source_id
        FROM country_context k JOIN cities c ON c.country_iso3 = k.iso3
        JOIN (SELECT unnest(?) AS indicator_id, unnest(?) AS label) ci USING (indicator_id)
        WHERE c.city_id = ? AND k.breakdown_value = 'total' AND k.year >= 2000
        ORDER BY k.year""", [["refugees_unhcr", "asylum_seekers_unhcr", "palestine_refugees_unrwa"],
                             ["Refugees (UNHCR)", "Asylum seekers (UNHCR)", "Palestine refugees (UNRWA)"], city_id]).df()

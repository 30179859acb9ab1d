"""Cross-city comparison with the comparability of every value stated beside it.

Two values are comparable when their concept and geo_level match; a year gap of more than
``max_year_gap`` (catalog, 2 years) is flagged. Nothing is hidden: every row carries its
source, year, concept, territory, flags and a plain-language caveat.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import catalog
from analytics.rules import (CITY_LEVELS, CITY_SHARE_INDICATORS, GEO_RANK, HEADLINE_SHARES, MAX_YEAR_GAP, SOURCE_RANK,
                             case_sql, comparability, effective_year_sql)

__all__ = ["CITY_LEVELS", "CITY_SHARE_INDICATORS", "GEO_RANK", "HEADLINE_SHARES", "SOURCE_RANK", "best_figures",
           "compare_cities", "timeseries", "city_vs_country", "network_position"]


def best_figures(con, indicator_ids, cities=None, concept=None, max_year=None, prefer: str = "indicator",
                 best_only: bool = True, per_indicator: bool = False) -> pd.DataFrame:
    """Observations (totals, city territories) with their source, ranked in DuckDB.

    ``prefer="indicator"``: the listed indicator order first, then the territory closest to the
    city proper, then the latest year; ``prefer="territory"``: territory, latest year, then the
    indicator order. Ties: most authoritative source, non-estimates, source id. With
    ``best_only`` one row per city, else every row with ``preferred`` marking the best per
    (city, year). ``n_alternatives`` counts the other figures for the same city and year.
    ``per_indicator`` keeps the best row of every (city, indicator) instead of one per city.
    """
    ids = [indicator_ids] if isinstance(indicator_ids, str) else list(indicator_ids)
    where = [f"o.indicator_id IN ({', '.join('?' * len(ids))})", "o.breakdown = ''",
             f"o.geo_level IN ({', '.join('?' * len(CITY_LEVELS))})"]
    params: list = [*ids, *CITY_LEVELS]
    if concept:
        where.append("o.concept = ?")
        params.append(concept)
    if cities:
        where.append(f"o.city_id IN ({', '.join('?' * len(cities))})")
        params += list(cities)
    if max_year is not None:
        where.append("o.year <= ?")
        params.append(int(max_year))
    indicator_rank = "CASE " + " ".join(f"WHEN o.indicator_id = ? THEN {i}" for i in range(len(ids))) + " ELSE 99 END"
    params = [*ids, *params]
    # The figure-choice rule of analytics.rules: indicator order, territory, effective year, source.
    order = "_ind, _geo, _eff_year DESC" if prefer == "indicator" else "_geo, _eff_year DESC, _ind"
    tie = "_src, o.is_estimate, o.source_id, o.geo_unit, o.breakdown_value"  # total order: no storage dependence
    sql = f"""
        SELECT o.*, s.source_type, s.publisher, s.title AS source_title, s.url AS source_url, c.name AS city,
               i.label AS indicator_label, {indicator_rank} AS _ind, {case_sql('o.geo_level', GEO_RANK)} AS _geo,
               {case_sql('s.source_type', SOURCE_RANK)} AS _src, {effective_year_sql()} AS _eff_year,
               count(*) OVER (PARTITION BY o.city_id, o.year{', o.indicator_id' if per_indicator else ''}) - 1 AS n_alternatives,
               row_number() OVER (PARTITION BY o.city_id, o.year ORDER BY _ind, _geo, {tie}) = 1 AS preferred,
               row_number() OVER (PARTITION BY o.city_id{', o.indicator_id' if per_indicator else ''}
                                  ORDER BY {order}, {tie}) AS _rank_in_city
        FROM observations o JOIN sources s USING (source_id) JOIN cities c USING (city_id)
        JOIN indicators i USING (indicator_id)
        WHERE {' AND '.join(where)}"""
    if best_only:
        sql += " QUALIFY _rank_in_city = 1"
    frame = con.execute(sql, params).df()
    return frame.drop(columns=["_ind", "_geo", "_src", "_eff_year", "_rank_in_city"])


def compare_cities(con, indicator_id, year: int | None = None, concept: str | None = None,
                   cities=None) -> pd.DataFrame:
    """One row per city: the value for ``year`` (else the latest before it, else none).

    Within a city the territory closest to the city proper wins (municipality, then
    governorate, metropolitan, region; district and national rows never stand for a city),
    then the latest year, then the most authoritative source.

    Parameters
    ----------
    con : duckdb connection
    indicator_id : an indicator of the catalog, or a list of them in order of preference
        (e.g. ``HEADLINE_SHARES``: each city's best available migrant share, with the
        concept and indicator differences flagged)
    year : requested year; None = each city's latest
    concept : restrict to one concept
    cities : restrict to these city ids

    Returns
    -------
    DataFrame with city_id, city, value, year_used, concept, geo_level, geo_unit, source_id,
    source_type, publisher, source_url, is_estimate, n_alternatives, the flags
    ``concept_differs``, ``geo_level_differs``, ``year_gap_flag``, ``comparable`` (against
    the network reference: the most common concept and geo_level among the values) and
    ``caveat``. Cities without a value have value NaN and the caveat "no data".
    """
    ids = [indicator_id] if isinstance(indicator_id, str) else list(indicator_id)
    unknown = set(ids) - catalog.indicator_ids()
    if unknown:
        raise KeyError(f"unknown indicator(s) {sorted(unknown)}")
    latest = best_figures(con, ids, cities, concept, year)
    all_cities = con.execute("SELECT city_id, name AS city FROM cities ORDER BY city_id").df()
    if cities:
        all_cities = all_cities[all_cities.city_id.isin(cities)]
    out = all_cities.merge(latest.drop(columns=["city"]), on="city_id", how="left").rename(columns={"year": "year_used"})
    have = out.value.notna()
    ref_concept = out.loc[have, "concept"].mode().iloc[0] if have.any() else None
    ref_level = out.loc[have, "geo_level"].mode().iloc[0] if have.any() else None
    ref_year = int(year) if year is not None else (int(out.loc[have, "year_used"].max()) if have.any() else None)
    gap = MAX_YEAR_GAP
    out["reference_concept"], out["reference_geo_level"], out["reference_year"] = ref_concept, ref_level, ref_year
    ref_indicator = out.loc[have, "indicator_id"].mode().iloc[0] if have.any() else None
    out["reference_indicator"] = ref_indicator
    # every value against the network reference, by the one rule (analytics.rules.comparability)
    reference = {"concept": ref_concept, "geo_level": ref_level, "year": ref_year, "indicator_id": ref_indicator}
    verdicts = [comparability(reference, {"concept": r.concept, "geo_level": r.geo_level, "year": r.year_used,
                                          "indicator_id": r.indicator_id}, gap) if known else None
                for r, known in zip(out.itertuples(), have)]
    for column in ("indicator_differs", "concept_differs", "geo_level_differs", "year_gap_flag", "comparable"):
        out[column] = [bool(v[column]) if v else False for v in verdicts]
    out["year_gap"] = [-v["year_gap"] if v and v["year_gap"] is not None else np.nan for v in verdicts]
    out["caveat_codes"] = [caveat_codes(r, gap) for r in out.itertuples()]
    labels = catalog.concept_label_map()
    out["caveat"] = [_caveat(r, labels, codes) for r, codes in zip(out.itertuples(), out.caveat_codes)]
    out["year_used"] = out.year_used.astype("Int64")
    out["n_alternatives"] = out.n_alternatives.fillna(0).astype(int)
    columns = ["city_id", "city", "indicator_id", "indicator_label", "value", "unit", "year_used", "concept", "geo_level", "geo_unit", "source_id",
               "source_type", "publisher", "source_title", "source_url", "is_estimate", "flag", "note", "n_alternatives",
               "reference_indicator", "reference_concept", "reference_geo_level", "reference_year", "indicator_differs",
               "concept_differs", "geo_level_differs",
               "year_gap", "year_gap_flag", "comparable", "caveat_codes", "caveat"]
    return out[columns].sort_values(["comparable", "value"], ascending=[False, False], na_position="last").reset_index(drop=True)


def caveat_codes(row, gap) -> tuple[str, ...]:
    """Why a value is not (fully) comparable, as codes with their parameter (``code:param``)
    that the UI and exports translate: ``no_data``, ``definition:<indicator_id>``,
    ``concept:<concept>``, ``territory:<geo_level>``, ``year_gap:<years>``, ``estimate``,
    ``source:<source_type>``."""
    if pd.isna(row.value):
        return ("no_data",)
    codes = []
    if row.indicator_differs and not row.concept_differs:
        codes.append(f"definition:{row.indicator_id}")
    if row.concept_differs:
        codes.append(f"concept:{row.concept}")
    if row.geo_level_differs:
        codes.append(f"territory:{row.geo_level}")
    if row.year_gap_flag:
        codes.append(f"year_gap:{abs(int(row.year_gap))}")
    if row.is_estimate:
        codes.append("estimate")
    if row.source_type in ("secondary", "estimate"):
        codes.append(f"source:{row.source_type}")
    return tuple(codes)


def _caveat(row, labels, codes) -> str:
    """The English caveat of the exports, written from the row's caveat codes (one rule: caveat_codes)."""
    parts = []
    for code in codes:
        name, _, param = code.partition(":")
        if name == "no_data":
            return "no data for this indicator"
        parts.append({
            "definition": lambda: f"different definition: {row.indicator_label}",
            "concept": lambda: f"different concept: {labels.get(param, param)} "
                               f"(network: {labels.get(row.reference_concept, row.reference_concept)})",
            "territory": lambda: f"different territory: {param} (network: {row.reference_geo_level})",
            "year_gap": lambda: f"{int(row.year_used)}, {param} years from {row.reference_year}",
            "estimate": lambda: "estimate or approximate figure",
            "source": lambda: f"{param} source",
        }[name]())
    return "; ".join(parts) if parts else "comparable"


def timeseries(con, indicator_id: str, cities=None) -> pd.DataFrame:
    """All values of an indicator over time (totals, no breakdown), long format with sources.

    Each (city, year) keeps every source; ``preferred`` marks the one compare_cities would use.
    """
    frame = best_figures(con, indicator_id, cities, best_only=False)
    return frame.sort_values(["city_id", "geo_level", "year", "source_id"]).reset_index(drop=True)


def city_vs_country(con, cities=None) -> pd.DataFrame:
    """Each city's latest migrant share beside its country's UN DESA (Rev.2024) share.

    The city share is the latest of foreign-citizen, foreign-born or INSEE-immigrant shares of
    the city proper where available (else any territory); the national share is the UN DESA
    2024 revision value of the closest year. ``same_concept`` says whether both count the same
    thing (UN DESA counts foreign citizens where the country lacks place-of-birth data).
    """
    rows = []
    cities_frame = con.execute("SELECT city_id, name, country_iso3 FROM cities ORDER BY city_id").df()
    if cities:
        cities_frame = cities_frame[cities_frame.city_id.isin(cities)]
    national = con.execute("""SELECT iso3, year, value, concept, source_id FROM country_context
                              WHERE indicator_id = 'migrant_share_rev2024' AND breakdown_value = 'total'""").df()
    best_by_city = best_figures(con, CITY_SHARE_INDICATORS, list(cities_frame.city_id), prefer="territory").set_index("city_id")
    for city in cities_frame.itertuples():
        if city.city_id not in best_by_city.index:
            rows.append({"city_id": city.city_id, "city": city.name, "caveat": "no city share available"})
            continue
        best = best_by_city.loc[city.city_id]
        nat = national[national.iso3 == city.country_iso3]
        nat = nat.iloc[(nat.year - best.year).abs().argsort()].iloc[0] if not nat.empty else None
        # the one comparability rule: a city and its country differ by territory by design, so
        # only the concept and the year gap are judged (no geo_level passed)
        verdict = comparability({"concept": best.concept, "year": best.year},
                                {"concept": None if nat is None else nat.concept, "year": None if nat is None else nat.year})
        same = nat is not None and not verdict["concept_differs"]
        rows.append({
            "city_id": city.city_id, "city": city.name, "city_indicator": best.indicator_id, "city_share": best.value,
            "city_year": int(best.year), "city_concept": best.concept, "city_geo_level": best.geo_level,
            "city_geo_unit": best.geo_unit, "city_source_id": best.source_id, "city_publisher": best.publisher,
            "national_share": None if nat is None else nat.value, "national_year": None if nat is None else int(nat.year),
            "national_concept": None if nat is None else nat.concept, "national_source_id": None if nat is None else nat.source_id,
            "same_concept": bool(same), "year_gap": verdict["year_gap"], "year_gap_flag": bool(verdict["year_gap_flag"]),
            "caveat": "comparable concepts" if same else "different concepts: the city and the UN DESA national figure count different things",
        })
    return pd.DataFrame(rows)


def network_position(con, indicator_id, year: int | None = None, cities=None) -> pd.DataFrame:
    """Rank and distance to the median of the selection, computed only among comparable values
    (same concept and geo_level as the reference). Other cities get no rank and say why."""
    table = compare_cities(con, indicator_id, year, cities=cities)
    comparable = table[table.comparable]
    median = comparable.value.median() if not comparable.empty else np.nan
    table["rank"] = comparable.value.rank(ascending=False, method="min").reindex(table.index).astype("Int64")
    table["n_comparable"] = len(comparable)
    table["network_median"] = median
    table["distance_to_median"] = np.where(table.comparable, table.value - median, np.nan)
    return table


def available_indicators(con, cities, min_cities: int = 1) -> pd.DataFrame:
    """Indicators with a city-level total for at least ``min_cities`` of ``cities`` (what a
    selector may offer for this selection), with the number of cities and years they cover."""
    cities = list(cities)
    if not cities:
        return pd.DataFrame(columns=["indicator_id", "n_cities", "first_year", "latest_year"])
    return con.execute(f"""
        SELECT indicator_id, count(DISTINCT city_id) AS n_cities, min(year) AS first_year, max(year) AS latest_year
        FROM observations
        WHERE city_id IN ({', '.join('?' * len(cities))}) AND breakdown = ''
          AND geo_level IN ({', '.join('?' * len(CITY_LEVELS))})
        GROUP BY 1 HAVING count(DISTINCT city_id) >= ? ORDER BY n_cities DESC, indicator_id""",
                       [*cities, *CITY_LEVELS, int(min_cities)]).df()


def share_and_population(con, cities=None) -> pd.DataFrame:
    """Each city's headline share (:func:`compare_cities` over ``HEADLINE_SHARES``) with the population
    of the *same territory* (``territory_id``), the year closest to the share's (later, then most
    authoritative source, on ties). Where the share's territory has no population, the city's best
    population is given and ``pop_same_territory`` is False: the page says they differ (issue 20).

    Parameters
    ----------
    con : duckdb connection
    cities : restrict to these city ids (None: every city)

    Returns
    -------
    The columns of :func:`compare_cities` plus ``territory_id``, ``population``, ``pop_year``,
    ``pop_unit`` (its territory label), ``pop_level``, ``pop_territory_id``, ``pop_source_id``, ``pop_same_territory``
    and ``pop_year_gap`` (population year minus share year).
    """
    shares = compare_cities(con, list(HEADLINE_SHARES), cities=cities)
    territory = best_figures(con, list(HEADLINE_SHARES), cities, best_only=False)
    shares = shares.merge(territory[["city_id", "indicator_id", "year", "source_id", "geo_unit", "territory_id"]].rename(
        columns={"year": "year_used"}).drop_duplicates(["city_id", "indicator_id", "year_used", "source_id", "geo_unit"]),
        on=["city_id", "indicator_id", "year_used", "source_id", "geo_unit"], how="left")
    pops = best_figures(con, "population_total", cities, best_only=False)
    fallback = compare_cities(con, "population_total", cities=cities).set_index("city_id")
    rows = []
    for r in shares.itertuples():
        same = pops[(pops.city_id == r.city_id) & (pops.territory_id == r.territory_id)] if pd.notna(r.value) else pops.iloc[0:0]
        if not same.empty:
            ranked = same.assign(_gap=(same.year - r.year_used).abs(), _src=same.source_type.map(SOURCE_RANK))
            best = ranked.sort_values(["_gap", "year", "_src", "source_id"], ascending=[True, False, True, True]).iloc[0]
            rows.append({"population": best.value, "pop_year": int(best.year), "pop_unit": best.geo_unit,
                         "pop_level": best.geo_level, "pop_territory_id": best.territory_id, "pop_source_id": best.source_id, "pop_same_territory": True})
        elif r.city_id in fallback.index and pd.notna(fallback.loc[r.city_id, "value"]):
            f = fallback.loc[r.city_id]
            tid = pops[(pops.city_id == r.city_id) & (pops.source_id == f.source_id) & (pops.year == f.year_used)
                       & (pops.geo_unit == f.geo_unit)].territory_id
            rows.append({"population": f.value, "pop_year": int(f.year_used), "pop_unit": f.geo_unit,
                         "pop_level": f.geo_level, "pop_territory_id": tid.iloc[0] if len(tid) else None, "pop_source_id": f.source_id,
                         "pop_same_territory": False})
        else:
            rows.append({"population": np.nan, "pop_year": None, "pop_unit": None, "pop_level": None, "pop_territory_id": None,
                         "pop_source_id": None, "pop_same_territory": False})
    out = pd.concat([shares.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    out["pop_year"] = out.pop_year.astype("Int64")
    out["pop_year_gap"] = (out.pop_year - out.year_used).astype("Int64")
    return out


def every_city(con) -> pd.DataFrame:
    """Every city with its headline share and the population of the share's territory, one row per
    city (the Overview page's table and map, and the API's ``/api/v1/overview``).

    Parameters
    ----------
    con : duckdb connection

    Returns
    -------
    The reference list of cities (:func:`analytics.reference.cities`) left-joined with
    :func:`share_and_population`: the share with its year, concept, territory, source and
    comparability, and ``population``, ``pop_year``, ``pop_unit``, ``pop_same_territory``.
    """
    from analytics import reference

    shares = share_and_population(con)
    return reference.cities(con).merge(
        shares[["city_id", "indicator_id", "value", "year_used", "concept", "geo_unit", "geo_level", "territory_id",
                "publisher", "source_type", "is_estimate", "comparable", "caveat_codes", "n_alternatives", "source_url",
                "population", "pop_year", "pop_unit", "pop_level", "pop_same_territory"]], on="city_id", how="left")

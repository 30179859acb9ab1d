"""Peer cities: for a city, the ``k`` most similar cities of the network, and why.

Similarity is a Gower (1971) distance over five indicators, each computed only when both
cities have it; the output carries every input (value, year, basis, source) for both cities
and short reason codes, so a page can show why two cities are peers. Nothing here is English
prose: ids, codes and numbers only.

References
----------
Gower, J. C. (1971). A general coefficient of similarity and some of its properties.
*Biometrics*, 27(4), 857-871. https://doi.org/10.2307/2528823
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import catalog
from analytics.compare import best_figures
from analytics.rules import indicator_role
from analytics.rules import HEADLINE_SHARES, SOURCE_RANK

INDICATORS = ("size", "migrant_share", "refugee_share", "origins", "region")
MIN_SHARED_INDICATORS = 2      # a pair sharing fewer indicators is not compared (not a peer)
SIMILAR_THRESHOLD = 0.25       # per-indicator distance at or below which a "similar_*" reason is given
N_ORIGINS = 5                  # size of the top-origin sets compared by Jaccard
REGION_SAME_SHORE = 0.5        # region distance: same country 0, same shore 0.5, other shore 1
# City refugee counts, in order of preference; divided by the city's population of the same
# kind of territory (geo_level) within the catalog's max_year_gap.
REFUGEE_COUNT_INDICATORS = indicator_role("refugee_count")  # roles: data/catalog/indicators.yaml
# National fallback: refugees under UNHCR's mandate plus Palestine refugees under UNRWA's mandate
# (UNHCR's figures exclude the latter), per World Bank population, latest year with both.
NATIONAL_REFUGEES = ("refugees_unhcr", "palestine_refugees_unrwa")
NATIONAL_POPULATION = "population_worldbank"
REASONS = {"size": "similar_size", "migrant_share": "similar_share", "refugee_share": "similar_refugee_share"}


def regions() -> dict[str, str]:
    """country_iso3 -> shore of the Mediterranean (north, south, east), from data/catalog/regions.yaml."""
    return dict(catalog.load_yaml("regions")["countries"])


def _city_refugee_shares(con) -> pd.DataFrame:
    """Registered refugees per 100 residents of the same territory, one row per city (latest year)."""
    refugees = best_figures(con, REFUGEE_COUNT_INDICATORS, best_only=False)
    population = best_figures(con, "population_total", best_only=False)
    if refugees.empty or population.empty:
        return pd.DataFrame(columns=["city_id", "refugee_city_value", "refugee_city_year", "refugee_city_basis",
                                     "refugee_city_source_id"])
    refugees = refugees[refugees.unit == "persons"]
    pairs = refugees.merge(population[["city_id", "geo_level", "geo_unit", "year", "value", "source_id", "preferred"]],
                           on=["city_id", "geo_level"], suffixes=("", "_pop"))
    pairs["gap"] = (pairs.year - pairs.year_pop).abs()
    pairs = pairs[(pairs.gap <= catalog.max_year_gap()) & (pairs.value_pop > 0)].copy()
    if pairs.empty:
        return pd.DataFrame(columns=["city_id", "refugee_city_value", "refugee_city_year", "refugee_city_basis",
                                     "refugee_city_source_id"])
    pairs["_ind"] = pairs.indicator_id.map({i: n for n, i in enumerate(REFUGEE_COUNT_INDICATORS)})
    pairs["_same_unit"] = pairs.geo_unit == pairs.geo_unit_pop
    pairs["_src"] = pairs.source_type.map(SOURCE_RANK).fillna(9)
    pairs = pairs.sort_values(["city_id", "year", "_ind", "gap", "_same_unit", "preferred_pop", "_src", "source_id"],
                              ascending=[True, False, True, True, False, False, True, True])
    best = pairs.drop_duplicates("city_id")
    return pd.DataFrame({
        "city_id": best.city_id, "refugee_city_value": best.value / best.value_pop * 100, "refugee_city_year": best.year,
        "refugee_city_basis": "city:" + best.indicator_id + "/population_total:" + best.geo_level,
        "refugee_city_source_id": best.source_id + "+" + best.source_id_pop})


def _national_refugee_shares(con) -> pd.DataFrame:
    """National refugees (UNHCR + UNRWA mandates) per 100 residents, latest year with population."""
    unhcr, unrwa = NATIONAL_REFUGEES
    return con.execute(f"""
        WITH r AS (
            SELECT iso3, year, max(value) FILTER (WHERE indicator_id = '{unhcr}') AS unhcr,
                   max(value) FILTER (WHERE indicator_id = '{unrwa}') AS unrwa,
                   string_agg(DISTINCT source_id, '+' ORDER BY source_id) AS sources
            FROM country_context WHERE breakdown_value = 'total' AND indicator_id IN ('{unhcr}', '{unrwa}')
            GROUP BY iso3, year),
        p AS (SELECT iso3, year, max(value) AS pop, any_value(source_id) AS pop_source FROM country_context
              WHERE breakdown_value = 'total' AND indicator_id = '{NATIONAL_POPULATION}' GROUP BY iso3, year),
        unrwa_countries AS (SELECT DISTINCT iso3 FROM r WHERE unrwa IS NOT NULL)
        SELECT r.iso3 AS country_iso3, (r.unhcr + coalesce(r.unrwa, 0)) / p.pop * 100 AS refugee_national_value,
               r.year AS refugee_national_year,
               'national:{unhcr}' || CASE WHEN r.unrwa IS NULL THEN '' ELSE '+{unrwa}' END || '/{NATIONAL_POPULATION}'
                   AS refugee_national_basis,
               r.sources || '+' || p.pop_source AS refugee_national_source_id
        FROM r JOIN p USING (iso3, year)
        WHERE r.unhcr IS NOT NULL AND p.pop > 0
          AND (r.unrwa IS NOT NULL OR r.iso3 NOT IN (SELECT iso3 FROM unrwa_countries))
        QUALIFY row_number() OVER (PARTITION BY r.iso3 ORDER BY r.year DESC) = 1""").df()


def _top_origin_sets(con) -> pd.DataFrame:
    """Top-N_ORIGINS origin ISO3 codes per city (analytics.origins: city data, else national UN DESA)."""
    from analytics.origins import shared_origins

    table = shared_origins(con)
    table = table[table["rank"] <= N_ORIGINS].sort_values(["city_id", "rank"])
    if table.empty:
        return pd.DataFrame(columns=["city_id", "origins_value", "origins_year", "origins_basis", "origins_source_id"])
    return table.groupby("city_id", as_index=False).agg(
        origins_value=("iso3", ",".join), origins_year=("year", "max"), origins_basis=("level", "first"),
        origins_source_id=("source_id", lambda s: "+".join(sorted(set(s)))))


def peer_features(con) -> pd.DataFrame:
    """compute_peer_features, read from the table ``peer_features`` when the build wrote it."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'peer_features'").fetchone()[0]
    if exists:
        return con.execute("SELECT * FROM peer_features ORDER BY city_id").df()
    return compute_peer_features(con)


def compute_peer_features(con) -> pd.DataFrame:
    """The inputs of the peer distance, one row per city of the database.

    Returns
    -------
    DataFrame with city_id, country_iso3 and, for each input, its value, year, basis and
    source_id: ``size_*`` (population of the territory closest to the city proper, latest
    year; basis = geo_level), ``migrant_share_*`` (the city's headline share, the first of
    ``HEADLINE_SHARES`` it has; basis = indicator_id), ``refugee_city_*`` (registered refugees
    per 100 residents of the same territory, where the city has both), ``refugee_national_*``
    (the national UNHCR + UNRWA share: the labelled fallback), ``origins_*`` (top-5 origin
    ISO3 codes in rank order, comma-separated; basis = "city" or "national"), ``region_value``
    (north, south, east from data/catalog/regions.yaml; basis = country_iso3).
    """
    cities = con.execute("SELECT city_id, country_iso3 FROM cities ORDER BY city_id").df()
    size = best_figures(con, "population_total", prefer="territory")
    size = size[size.value > 0]
    share = best_figures(con, HEADLINE_SHARES)
    out = cities.merge(pd.DataFrame({
        "city_id": size.city_id, "size_value": size.value, "size_year": size.year, "size_basis": size.geo_level,
        "size_source_id": size.source_id}), on="city_id", how="left")
    out = out.merge(pd.DataFrame({
        "city_id": share.city_id, "migrant_share_value": share.value, "migrant_share_year": share.year,
        "migrant_share_basis": share.indicator_id, "migrant_share_source_id": share.source_id}), on="city_id", how="left")
    out = out.merge(_city_refugee_shares(con), on="city_id", how="left")
    out = out.merge(_national_refugee_shares(con), on="country_iso3", how="left")
    out = out.merge(_top_origin_sets(con), on="city_id", how="left")
    out["region_value"] = out.country_iso3.map(regions())
    out["region_basis"] = out.country_iso3
    return out


def _numeric(a: float, b: float, span: float) -> float:
    if pd.isna(a) or pd.isna(b):
        return np.nan
    return 0.0 if span == 0 else abs(a - b) / span


def _span(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.max() - values.min()) if len(values) else 0.0


def _jaccard_distance(a, b) -> tuple[float, list[str]]:
    if not isinstance(a, str) or not isinstance(b, str) or not a or not b:
        return np.nan, []
    first, second = a.split(","), b.split(",")
    shared = [iso for iso in first if iso in set(second)]
    return 1 - len(shared) / len(set(first) | set(second)), shared


def _region_distance(region_a, region_b, iso_a, iso_b) -> float:
    if pd.isna(region_a) or pd.isna(region_b):
        return np.nan
    if iso_a == iso_b:
        return 0.0
    return REGION_SAME_SHORE if region_a == region_b else 1.0


def _pair(ref, peer, spans: dict) -> dict:
    """Per-indicator distances, inputs and reasons for one (reference, peer) pair (symmetric)."""
    row = {"city_id": peer.city_id, "reference_city_id": ref.city_id}
    gap = catalog.max_year_gap()
    d = {}
    # sizes are compared only for the same kind of territory (a governorate is not a municipality; issue 20)
    d["size"] = (_numeric(np.log10(ref.size_value), np.log10(peer.size_value), spans["size"])
                 if ref.size_basis == peer.size_basis else np.nan)
    d["migrant_share"] = _numeric(ref.migrant_share_value, peer.migrant_share_value, spans["migrant_share"])
    level = "city" if pd.notna(ref.refugee_city_value) and pd.notna(peer.refugee_city_value) else "national"
    d["refugee_share"] = _numeric(getattr(ref, f"refugee_{level}_value"), getattr(peer, f"refugee_{level}_value"),
                                  spans[f"refugee_{level}"])
    d["origins"], shared = _jaccard_distance(ref.origins_value, peer.origins_value)
    d["region"] = _region_distance(ref.region_value, peer.region_value, ref.country_iso3, peer.country_iso3)
    for name in INDICATORS:
        prefix = f"refugee_{level}" if name == "refugee_share" else name
        row[f"{name}_distance"] = d[name]
        for side, city in (("ref", ref), ("peer", peer)):
            row[f"{name}_value_{side}"] = getattr(city, f"{prefix}_value")
            row[f"{name}_year_{side}"] = getattr(city, f"{prefix}_year", np.nan) if name != "region" else np.nan
            row[f"{name}_basis_{side}"] = getattr(city, f"{prefix}_basis")
            row[f"{name}_source_id_{side}"] = getattr(city, f"{prefix}_source_id", None) if name != "region" else None
        years = row[f"{name}_year_ref"], row[f"{name}_year_peer"]
        row[f"{name}_year_gap_flag"] = bool(pd.notna(d[name]) and pd.notna(years[0]) and pd.notna(years[1])
                                            and abs(years[0] - years[1]) > gap)
    used = [name for name in INDICATORS if pd.notna(d[name])]
    row["n_indicators_used"] = len(used)
    row["indicators_used"] = ",".join(used)
    row["distance"] = float(np.mean([d[name] for name in used])) if used else np.nan
    reasons = [REASONS[name] for name in REASONS if pd.notna(d[name]) and d[name] <= SIMILAR_THRESHOLD]
    if shared:
        reasons.append("shared_origins:" + ",".join(shared))
    if pd.notna(d["region"]) and d["region"] == 0:
        reasons.append("same_country")
    if pd.notna(d["region"]) and d["region"] < 1:
        reasons.append("same_region")
    row["reasons"] = ";".join(reasons)
    return row


def peer_cities(con, city_id: str, k: int | None = 3, features: pd.DataFrame | None = None) -> pd.DataFrame:
    r"""The ``k`` cities most similar to ``city_id``, with the inputs and reasons.

    The distance between cities :math:`i` and :math:`j` is Gower's (1971) mean of
    per-indicator distances over the indicators both cities have:

    .. math::

        d_{ij} = \frac{\sum_k \delta_{ijk} \, d_{ijk}}{\sum_k \delta_{ijk}}, \qquad
        \delta_{ijk} = 1 \text{ if both } i \text{ and } j \text{ have indicator } k, \text{ else } 0

    with :math:`d_{ijk} \in [0, 1]`:

    - size: :math:`|\log_{10} P_i - \log_{10} P_j| / R`, :math:`P` the population of the
      territory closest to the city proper (latest year), :math:`R` the range of
      :math:`\log_{10} P` over all cities of the database (Gower's range normalisation);
    - migrant share: :math:`|s_i - s_j| / R_s`, :math:`s` the city's headline share (first of
      ``HEADLINE_SHARES`` it has: concepts may differ, the basis columns say which);
    - refugee share: registered refugees per 100 residents of the same territory when both
      cities have it, otherwise the national UNHCR + UNRWA share of both countries (the
      labelled fallback: ``refugee_share_basis_*`` starts with ``national:``); the range
      :math:`R` is taken over the values of that level;
    - shared origins: Jaccard distance :math:`1 - |A \cap B| / |A \cup B|` of the top-5 origin
      sets (analytics.origins, city data or national UN DESA, see ``origins_basis_*``);
    - region: 0 for the same country, 0.5 for the same shore of the Mediterranean (north,
      south, east: data/catalog/regions.yaml), 1 otherwise (an ordinal variable in Gower's scheme).

    A pair with fewer than ``MIN_SHARED_INDICATORS`` (2) indicators in common is not compared.
    :math:`d_{ij} = d_{ji}` (every rule above is symmetric); ranges are network-wide, so
    adding a city can change distances.

    Parameters
    ----------
    con : duckdb connection
    city_id : the reference city
    k : number of peers (None: every comparable city)
    features : precomputed ``peer_features(con)`` (to rank many cities with one read)

    Returns
    -------
    DataFrame, one row per peer sorted by distance (then more indicators, then city_id):
    rank, city_id (the peer), reference_city_id, distance, n_indicators_used,
    indicators_used (comma-separated ids), reasons (";"-separated codes: ``similar_size``,
    ``similar_share``, ``similar_refugee_share`` when that indicator's distance is at most
    ``SIMILAR_THRESHOLD``; ``shared_origins:SYR,EGY`` listing the shared top origins in the
    reference city's order; ``same_country``; ``same_region``), and for each indicator in
    ``INDICATORS``: ``<ind>_distance``, ``<ind>_value_ref|peer``, ``<ind>_year_ref|peer``,
    ``<ind>_basis_ref|peer``, ``<ind>_source_id_ref|peer`` and ``<ind>_year_gap_flag`` (the
    two years more than the catalog's max_year_gap apart). "ref" is ``city_id`` asked about.

    References
    ----------
    Gower, J. C. (1971). A general coefficient of similarity and some of its properties.
    *Biometrics*, 27(4), 857-871.
    """
    features = peer_features(con) if features is None else features
    if city_id not in set(features.city_id):
        raise KeyError(f"unknown city {city_id!r}")
    spans = {"size": _span(np.log10(features.size_value)), "migrant_share": _span(features.migrant_share_value),
             "refugee_city": _span(features.refugee_city_value), "refugee_national": _span(features.refugee_national_value)}
    indexed = features.set_index("city_id", drop=False)
    ref = next(indexed.loc[[city_id]].itertuples())
    others = indexed.drop(index=city_id)
    # The distance to every city at once (numpy, same rules as _pair); the full rows with inputs
    # and reasons only for the nearest k (and ties): at 900 cities, 40x less work per call.
    distance, n_used = _distances(ref, others, spans)
    comparable = n_used >= MIN_SHARED_INDICATORS
    if k is not None and comparable.sum() > k:
        cut = np.sort(distance[comparable])[int(k) - 1]
        others = others[comparable & (distance <= cut + 1e-9)]
    rows = [_pair(ref, peer, spans) for peer in others.itertuples()]
    out = pd.DataFrame(rows)
    if out.empty:
        return out.assign(rank=pd.Series(dtype=int), distance=pd.Series(dtype=float))
    head = ["city_id", "reference_city_id", "distance", "n_indicators_used", "indicators_used", "reasons"]
    out = out[head + [c for c in out.columns if c not in head]]
    out = out[out.n_indicators_used >= MIN_SHARED_INDICATORS]
    out = out.sort_values(["distance", "n_indicators_used", "city_id"], ascending=[True, False, True])
    if k is not None:
        out = out.head(int(k))
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def _distances(ref, others: pd.DataFrame, spans: dict) -> tuple[np.ndarray, np.ndarray]:
    """Gower distance and number of indicators used from ``ref`` to every row of ``others``
    (vectorised form of :func:`_pair`'s rules, used to find the nearest cities)."""
    def numeric(a, values, span):
        values = np.asarray(values, dtype=float)
        if pd.isna(a):
            return np.full(len(values), np.nan)
        return np.where(np.isnan(values), np.nan, 0.0 if span == 0 else np.abs(a - values) / (span or 1))

    size = numeric(np.log10(ref.size_value) if pd.notna(ref.size_value) else np.nan,
                   np.log10(others.size_value.astype(float)), spans["size"])
    size = np.where(others.size_basis.to_numpy() == ref.size_basis, size, np.nan)  # same kind of territory only
    share = numeric(ref.migrant_share_value, others.migrant_share_value, spans["migrant_share"])
    city_level = pd.notna(ref.refugee_city_value) & others.refugee_city_value.notna().to_numpy()
    refugee = np.where(city_level, numeric(ref.refugee_city_value, others.refugee_city_value, spans["refugee_city"]),
                       numeric(ref.refugee_national_value, others.refugee_national_value, spans["refugee_national"]))
    origins = np.array([_jaccard_distance(ref.origins_value, o)[0] for o in others.origins_value], dtype=float)
    region = np.array([_region_distance(ref.region_value, r, ref.country_iso3, iso)
                       for r, iso in zip(others.region_value, others.country_iso3)], dtype=float)
    stacked = np.vstack([size, share, refugee, origins, region])
    n_used = (~np.isnan(stacked)).sum(axis=0)
    with np.errstate(invalid="ignore"):
        distance = np.where(n_used > 0, np.nansum(stacked, axis=0) / np.maximum(n_used, 1), np.nan)
    return distance, n_used


def peer_ids(con, city_id: str, k: int = 3) -> list[str]:
    """The ids of ``city_id``'s ``k`` nearest peers (see peer_cities), nearest first."""
    return list(peer_cities(con, city_id, k).city_id)

"""Spatial distribution of migrants inside each city: shares, location quotients,
concentration, segregation indices with significance, Moran's I and LISA clusters.

Pure functions: a DuckDB connection in, pandas / GeoDataFrame out. PySAL (libpysal, esda) is
imported inside the functions that need it, so importing this module stays cheap.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from analytics.rules import SMALL_NUMBER_THRESHOLD
import pandas as pd

from analytics import segregation_indices as si

PERMUTATIONS = 999
SEED = 20261122
SMALL_N = 20
AGGREGATE_GROUPS = ("foreign", "foreign_origin")
DEFAULT_GROUP_ORDER = ("foreign", "foreign_origin", "syrian", "third_country")


# --------------------------------------------------------------------------- data access
def group_options(con, city_id: str) -> pd.DataFrame:
    """Groups, years and area levels with counts for a city (with the group's label). Only counts
    with a total of the same area, year and source count: a group without its denominator gives
    no share (e.g. Casablanca's one arrondissement foreigner count of 2014, whose totals are 2024)."""
    return con.execute("""
        SELECT c.group_id, coalesce(g.label, c.group_id) AS group_label, a.area_level,
               list(DISTINCT c.year ORDER BY c.year) AS years, count(DISTINCT c.area_id) AS n_units
        FROM area_counts c JOIN areas a USING (city_id, area_id)
        JOIN area_counts t ON t.city_id = c.city_id AND t.area_id = c.area_id AND t.year = c.year
             AND t.source_id = c.source_id AND t.group_id = 'total'
        LEFT JOIN area_groups g ON g.group_id = c.group_id
        WHERE c.city_id = ? AND c.group_id <> 'total'
        GROUP BY ALL ORDER BY c.group_id, n_units DESC""", [city_id]).df()


def default_selection(con, city_id: str, group_id: str | None = None, year: int | None = None,
                      area_level: str | None = None) -> dict | None:
    """Fill in the group (foreign citizens first), the latest year and the finest level with counts."""
    options = group_options(con, city_id)
    if options.empty:
        return None
    if group_id is None or group_id not in set(options.group_id):
        ranked = [g for g in DEFAULT_GROUP_ORDER if g in set(options.group_id)]
        group_id = ranked[0] if ranked else options.group_id.iloc[0]
    rows = options[options.group_id == group_id]
    if area_level is None or area_level not in set(rows.area_level):
        area_level = rows.sort_values("n_units", ascending=False).area_level.iloc[0]
    years = list(rows[rows.area_level == area_level].years.iloc[0])
    if year is None or int(year) not in years:
        year = max(years)
    return {"city_id": city_id, "group_id": group_id, "year": int(year), "area_level": area_level}


def area_table(con, city_id: str, group_id: str | None = None, year: int | None = None,
               area_level: str | None = None) -> pd.DataFrame:
    """Per area: group count, total, share (%), location quotient, with sources and estimate flags.

    The location quotient LQ_i = (x_i / t_i) / (X / T) compares an area's group share with the
    city's (Isard 1960): above 1 = the group is over-represented.
    Returns an empty frame (with ``attrs['selection']`` None) where the city has no counts.
    """
    sel = default_selection(con, city_id, group_id, year, area_level)
    if sel is None:
        return pd.DataFrame()
    frame = con.execute("""
        SELECT a.area_id, a.area_name, a.area_level, a.parent_area_id, a.area_km2,
               g.value AS group_count, t.value AS total, g.source_id, s.publisher, s.title AS source_title,
               s.url AS source_url, g.is_estimate OR t.is_estimate AS is_estimate
        FROM areas a
        JOIN area_counts t ON t.city_id = a.city_id AND t.area_id = a.area_id AND t.group_id = 'total' AND t.year = ?
        JOIN area_counts g ON g.city_id = a.city_id AND g.area_id = a.area_id AND g.group_id = ? AND g.year = ?
             AND g.source_id = t.source_id
        JOIN sources s ON s.source_id = g.source_id
        WHERE a.city_id = ? AND a.area_level = ?
        ORDER BY a.area_id""", [sel["year"], sel["group_id"], sel["year"], city_id, sel["area_level"]]).df()
    city_share = frame.group_count.sum() / frame.total.sum()
    frame["share_pct"] = np.where(frame.total > 0, frame.group_count / frame.total * 100, np.nan)
    frame["location_quotient"] = (frame.share_pct / 100) / city_share
    # The small-number rule (analytics.rules.SMALL_NUMBER_THRESHOLD): shares of few residents are flagged.
    frame["small_number"] = frame.total < SMALL_NUMBER_THRESHOLD
    frame.attrs["selection"] = sel
    frame.attrs["city_share_pct"] = float(city_share * 100)
    return frame


def area_geodataframe(con, city_id: str, area_level: str | None = None):
    """Area polygons of a city (EPSG:4326) as a GeoDataFrame."""
    import geopandas as gpd
    import shapely

    sql = "SELECT area_id, area_name, area_level, parent_area_id, area_km2, source_id, geometry FROM areas WHERE city_id = ?"
    params = [city_id]
    if area_level:
        sql += " AND area_level = ?"
        params.append(area_level)
    frame = con.execute(sql + " ORDER BY area_id", params).df()
    geometry = shapely.from_wkb([bytes(g) for g in frame.pop("geometry")])
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)


def area_source_ids(con, city_id: str) -> list[str]:
    """The sources of a city's area boundaries.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Read connection to the project database.
    city_id : str
        The city's id (``cities.city_id``).

    Returns
    -------
    list of str
        The distinct ``source_id`` values of the city's rows in ``areas``, sorted.
    """
    return [r[0] for r in con.execute("SELECT DISTINCT source_id FROM areas WHERE city_id = ? ORDER BY 1", [city_id]).fetchall()]


def boundary_sources(con, city_id: str) -> str:
    """The publishers of a city's boundary files, each once ('A; B')."""
    rows = con.execute("""SELECT DISTINCT s.publisher FROM areas a JOIN sources s USING (source_id)
                          WHERE a.city_id = ? ORDER BY 1""", [city_id]).fetchall()
    return "; ".join(r[0] for r in rows if r[0])


def concentration(table: pd.DataFrame, top_fractions=(0.10, 0.25)) -> pd.DataFrame:
    """Share of the city's group living in the areas that hold the most of it.

    For each fraction f, the ceil(f * n) areas with the largest group counts are taken and
    their share of the city's group is reported (a simple concentration curve point).
    """
    counts = table.group_count.sort_values(ascending=False).to_numpy()
    total = counts.sum()
    rows = []
    for f in top_fractions:
        k = max(1, int(np.ceil(f * len(counts))))
        rows.append({"top_fraction_of_areas": f, "n_areas": k, "share_of_group_pct": counts[:k].sum() / total * 100,
                     "share_of_population_pct": table.set_index("area_id").loc[
                         table.sort_values("group_count", ascending=False).area_id[:k], "total"].sum() / table.total.sum() * 100})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- spatial weights, Moran
_WEIGHTS_CACHE: dict = {}


def city_weights(con, city_id: str, area_level: str, area_ids) -> "object":
    """Queen weights for the given areas of a city, in that order, cached per database version
    (the areas' geometries are fixed within one build)."""
    version = con.execute("SELECT data_version FROM build_info").fetchone()[0]
    key = (version, city_id, area_level, tuple(area_ids))
    if key not in _WEIGHTS_CACHE:
        gdf = area_geodataframe(con, city_id, area_level).set_index("area_id").loc[list(area_ids)].reset_index()
        _WEIGHTS_CACHE[key] = queen_weights(gdf)
    return _WEIGHTS_CACHE[key]


def queen_weights(gdf):
    """Queen contiguity weights (libpysal), row-standardised; islands are reported, not dropped silently."""
    import warnings

    from libpysal.weights import Queen

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)
    w.transform = "r"
    return w


def morans_i(values, w, permutations: int = PERMUTATIONS, seed: int = SEED) -> tuple[float, float]:
    """Global Moran's I of ``values`` with a permutation p-value.

    I = (n / S0) * z'Wz / z'z with z the deviations from the mean and W the spatial weights
    (row-standardised here, so S0 = n). Null model: the values are randomly permuted over the
    areas (spatial randomness), ``permutations`` times; the pseudo p-value is
    (1 + #{I* on the observed side of E[I*]}) / (1 + permutations), one-sided in the direction
    of the observed I, as esda's ``p_sim``. All permutations are computed in one sparse
    matrix product (esda loops over them in Python: 25 ms per call here for 131 areas against
    about 2 ms); the statistic equals esda's exactly (tests/unit/test_segregation_indices.py).

    References
    ----------
    Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. Biometrika, 37, 17-23.
    Cliff, A. D., & Ord, J. K. (1981). Spatial Processes: Models and Applications. Pion.
    """
    y = np.asarray(values, dtype=float)
    z = y - y.mean()
    sparse = w.sparse
    s0 = sparse.sum()
    n = len(z)

    def statistic(zz):  # zz: (k, n)
        return (n / s0) * np.einsum("kn,kn->k", zz, (sparse @ zz.T).T) / np.einsum("kn,kn->k", zz, zz)

    observed = float(statistic(z[None, :])[0])
    rng = np.random.default_rng(seed)
    sims = statistic(rng.permuted(np.tile(z, (permutations, 1)), axis=1))
    expected = -1.0 / (n - 1)
    larger = (sims >= observed).sum() if observed >= expected else (sims <= observed).sum()
    return observed, float((larger + 1) / (permutations + 1))


def local_moran_clusters(values, w, permutations: int = PERMUTATIONS, seed: int = SEED, alpha: float = 0.05) -> pd.DataFrame:
    """Local Moran's I (LISA) with conditional permutation p-values and cluster labels.

    I_i = z_i * sum_j w_ij z_j / m2 (row-standardised w, m2 = sum z^2 / (n - 1), as in esda). The p-value of each
    area comes from conditional permutation: the area's value is held fixed and its neighbours
    are drawn at random (without replacement) from the other areas; one set of draws is
    shared by all areas, as in esda. Areas with p < alpha are labelled by quadrant
    (High-High, Low-Low, High-Low, Low-High), the others "Not significant".

    References
    ----------
    Anselin, L. (1995). Local indicators of spatial association - LISA. Geographical
    Analysis, 27(2), 93-115.
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    z = y - y.mean()
    m2 = (z**2).sum() / (n - 1)  # as in esda
    neighbours = [np.array(list(w.neighbors[k]), dtype=int) for k in w.id_order]
    weights = [np.array(w.weights[k], dtype=float) for k in w.id_order]
    lag = np.array([(wt * z[nb]).sum() if len(nb) else 0.0 for nb, wt in zip(neighbours, weights)])
    local_i = z * lag / m2
    rng = np.random.default_rng(seed)
    max_k = max((len(nb) for nb in neighbours), default=0)
    p_values = np.ones(n)
    if max_k and n > 2:
        draws = np.argsort(rng.random((permutations, n - 1)), axis=1)[:, :max_k]
        for i, (nb, wt) in enumerate(zip(neighbours, weights)):
            k = len(nb)
            if k == 0:
                continue
            idx = draws[:, :k]
            idx = idx + (idx >= i)  # skip the area itself
            sim = z[i] * (z[idx] * wt).sum(axis=1) / m2
            larger = (sim >= local_i[i]).sum() if local_i[i] >= 0 else (sim <= local_i[i]).sum()
            p_values[i] = (larger + 1) / (permutations + 1)
    quadrant = np.select([(z > 0) & (lag > 0), (z < 0) & (lag < 0), (z > 0) & (lag < 0), (z < 0) & (lag > 0)],
                         ["High-High", "Low-Low", "High-Low", "Low-High"], "Not significant")
    label = np.where(p_values < alpha, quadrant, "Not significant")
    return pd.DataFrame({"local_i": local_i, "p_value": p_values, "cluster": label})


# --------------------------------------------------------------------------- index registry
@dataclass(frozen=True)
class IndexSpec:
    name: str
    label: str
    function: Callable
    citation: str
    description: str
    dimension: str
    has_p_value: bool = False


INDEX_REGISTRY: dict[str, IndexSpec] = {spec.name: spec for spec in (
    IndexSpec("dissimilarity", "Dissimilarity (D)", si.dissimilarity,
              "Duncan & Duncan (1955), American Sociological Review 20(2)",
              "Share of the group that would have to move for it to be distributed like the rest of the population (0 even, 1 fully separate).",
              "evenness", True),
    IndexSpec("gini", "Gini (G)", si.gini, "Duncan & Duncan (1955); Massey & Denton (1988), Social Forces 67(2)",
              "Mean absolute difference between areas' group shares, weighted by population, relative to its maximum.", "evenness"),
    IndexSpec("entropy", "Theil's entropy (H)", si.entropy, "Theil & Finizza (1971), Journal of Mathematical Sociology 1",
              "How much less diverse the average area is than the city (0 equal diversity, 1 single-group areas).", "evenness"),
    IndexSpec("isolation", "Isolation (xPx)", si.isolation, "Bell (1954), Social Forces 32(4); Lieberson (1981)",
              "The group's share in the area of the average group member (from the city share up to 1).", "exposure"),
    IndexSpec("exposure", "Exposure (xPy)", si.exposure, "Bell (1954); Lieberson (1981); Massey & Denton (1988)",
              "The rest-of-population share in the area of the average group member (1 - isolation).", "exposure"),
    IndexSpec("morans_i", "Moran's I of the group share", morans_i, "Moran (1950), Biometrika 37; Cliff & Ord (1981)",
              "Spatial autocorrelation of the group's share between neighbouring areas (queen contiguity); > 0 = clustering.",
              "clustering", True),
    IndexSpec("multigroup_dissimilarity", "Multi-group dissimilarity", si.multigroup_dissimilarity,
              "Sakoda (1981), Demography 18(2); Reardon & Firebaugh (2002), Sociological Methodology 32",
              "Dissimilarity generalised to several groups that partition the population.", "evenness"),
    IndexSpec("multigroup_theil", "Multi-group Theil (H)", si.multigroup_theil,
              "Theil (1972); Reardon & Firebaugh (2002), Sociological Methodology 32",
              "Information theory index over several groups (0 = every area as diverse as the city).", "evenness"),
)}


def multigroup_matrix(con, city_id: str, year: int, area_level: str) -> pd.DataFrame:
    """Areas x groups counts that partition each area's population: the detailed groups of the
    city (aggregates such as `foreign` dropped when finer groups exist) plus the rest of the
    population (total minus the groups)."""
    long = con.execute("""
        SELECT c.area_id, c.group_id, c.value FROM area_counts c JOIN areas a USING (city_id, area_id)
        WHERE c.city_id = ? AND c.year = ? AND a.area_level = ?""", [city_id, year, area_level]).df()
    wide = long.pivot_table(index="area_id", columns="group_id", values="value", aggfunc="sum").fillna(0)
    if "total" not in wide:
        return pd.DataFrame()
    groups = [g for g in wide.columns if g != "total"]
    detailed = [g for g in groups if g not in AGGREGATE_GROUPS]
    parts = detailed if detailed else groups
    if not parts:
        return pd.DataFrame()
    matrix = wide[parts].copy()
    matrix["rest_of_population"] = (wide["total"] - matrix.sum(axis=1)).clip(lower=0)
    return matrix


def segregation_indices(con, city_id: str, group_id: str | None = None, year: int | None = None,
                        area_level: str | None = None, permutations: int = PERMUTATIONS) -> pd.DataFrame:
    """All registered indices for one city, group, year and area level.

    Returns
    -------
    DataFrame with columns ``index``, ``label``, ``value``, ``p_value`` (NaN where no test),
    ``n_units``, ``area_level``, ``group_id``, ``year``, ``citation``, ``caveat``.
    Empty where the city has no counts. p-values: dissimilarity against random allocation
    (binomial null, ``permutations`` draws), Moran's I against random permutation of the shares
    over the areas (esda, ``permutations`` permutations).
    """
    table = area_table(con, city_id, group_id, year, area_level)
    if table.empty:
        return pd.DataFrame(columns=["index", "label", "value", "p_value", "n_units", "area_level", "group_id", "year",
                                     "citation", "caveat", "caveat_codes"])
    sel = table.attrs["selection"]
    x, t = table.group_count.to_numpy(), table.total.to_numpy()
    n = len(table)
    caveats, codes = [], []
    if n < SMALL_N:
        caveats.append(f"only {n} areas: indices are coarse and depend strongly on the boundaries")
        codes.append(f"few_units:{n}")
    if table.is_estimate.any():
        caveats.append("counts are estimates (see the source)")
        codes.append("estimate")
    caveat = "; ".join(caveats)
    rows = []
    for name in ("dissimilarity", "gini", "entropy", "isolation", "exposure"):
        spec = INDEX_REGISTRY[name]
        p = si.dissimilarity_permutation_pvalue(x, t, permutations) if name == "dissimilarity" else np.nan
        rows.append({"index": name, "label": spec.label, "value": spec.function(x, t), "p_value": p, "citation": spec.citation})
    w = city_weights(con, city_id, sel["area_level"], table.area_id)
    moran_caveat = caveat
    if w.islands:
        moran_caveat = "; ".join(filter(None, [caveat, f"{len(w.islands)} area(s) without neighbours"]))
    value, p = morans_i(table.share_pct.to_numpy(), w, permutations) if n >= 4 else (np.nan, np.nan)
    rows.append({"index": "morans_i", "label": INDEX_REGISTRY["morans_i"].label, "value": value, "p_value": p,
                 "citation": INDEX_REGISTRY["morans_i"].citation, "caveat": moran_caveat})
    matrix = multigroup_matrix(con, city_id, sel["year"], sel["area_level"])
    if matrix.shape[1] >= 3:
        for name in ("multigroup_dissimilarity", "multigroup_theil"):
            spec = INDEX_REGISTRY[name]
            rows.append({"index": name, "label": spec.label, "value": spec.function(matrix.to_numpy()), "p_value": np.nan,
                         "citation": spec.citation,
                         "caveat": "; ".join(filter(None, [caveat, f"groups: {', '.join(matrix.columns)}"]))})
    out = pd.DataFrame(rows)
    out["caveat"] = out.get("caveat", pd.Series(dtype=str)).fillna(caveat)
    out = out.assign(n_units=n, area_level=sel["area_level"], group_id=sel["group_id"], year=sel["year"])
    islands = len(w.islands) if w.islands else 0
    out["caveat_codes"] = [tuple(codes + ([f"islands:{islands}"] if name == "morans_i" and islands else []))
                           for name in out["index"]]
    return out[["index", "label", "value", "p_value", "n_units", "area_level", "group_id", "year", "citation", "caveat",
                "caveat_codes"]]


def lisa_table(con, city_id: str, group_id: str | None = None, year: int | None = None,
               area_level: str | None = None) -> pd.DataFrame:
    """Per area: group share and its LISA cluster label (see local_moran_clusters)."""
    table = area_table(con, city_id, group_id, year, area_level)
    if table.empty or len(table) < 4:
        return pd.DataFrame()
    clusters = local_moran_clusters(table.share_pct.to_numpy(),
                                    city_weights(con, city_id, table.attrs["selection"]["area_level"], table.area_id))
    out = pd.concat([table[["area_id", "area_name", "share_pct"]].reset_index(drop=True), clusters], axis=1)
    out.attrs = table.attrs
    return out


def cross_city_indices(con, cities=None, permutations: int = 199) -> pd.DataFrame:
    """The cross-city table of compute_cross_city_indices for the selected ``cities`` (all
    when None), precomputed at build (table ``network_indices``); computed on the fly where
    the table is absent."""
    if _has_table(con, "network_indices"):
        if cities:
            return con.execute(f"SELECT * FROM network_indices WHERE city_id IN ({', '.join('?' * len(cities))}) "
                               "ORDER BY city_id", list(cities)).df()
        return con.execute("SELECT * FROM network_indices ORDER BY city_id").df()
    out = compute_cross_city_indices(con, permutations)
    return out[out.city_id.isin(cities)].reset_index(drop=True) if cities and not out.empty else out


def _has_table(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def compute_cross_city_indices(con, permutations: int = 199) -> pd.DataFrame:
    """One row per city with counts: the default group, latest year and finest level, with
    D (and its p-value), isolation and Moran's I, the number of units and a small-n caveat.
    Cities differ in group definition and unit size: the table says which, never hides it."""
    rows = []
    cities = [r[0] for r in con.execute("SELECT DISTINCT city_id FROM area_counts WHERE group_id <> 'total' ORDER BY 1").fetchall()]
    labels = dict(con.execute("SELECT group_id, label FROM area_groups").fetchall())
    for city_id in cities:
        indices = segregation_indices(con, city_id, permutations=permutations)
        if indices.empty:
            continue
        by = indices.set_index("index")
        first = indices.iloc[0]
        rows.append({"city_id": city_id, "group_id": first.group_id, "group_label": labels.get(first.group_id, first.group_id),
                     "year": first.year, "area_level": first.area_level, "n_units": first.n_units,
                     "dissimilarity": by.loc["dissimilarity", "value"], "dissimilarity_p": by.loc["dissimilarity", "p_value"],
                     "isolation": by.loc["isolation", "value"], "morans_i": by.loc["morans_i", "value"],
                     "morans_i_p": by.loc["morans_i", "p_value"], "caveat": first.caveat})
    return pd.DataFrame(rows)


def quantile_bins(values, k: int = 6) -> np.ndarray:
    """Upper bounds of ``k`` quantile classes, as mapclassify.Quantiles computes them
    (checked against mapclassify in the tests; importing mapclassify takes 3.5 s here).

    References
    ----------
    Rey, S. J., et al. mapclassify: classification schemes for choropleth maps (PySAL).
    """
    y = np.asarray(values, dtype=float)
    bins = np.unique(np.percentile(y, np.linspace(100 / k, 100, k)))
    return bins


def classify(values, bins) -> np.ndarray:
    """Class index of each value for upper bounds ``bins`` (value <= bound)."""
    return np.searchsorted(bins, np.asarray(values, dtype=float), side="left")


def small_multiples(con, k: int = 6, cities=None) -> pd.DataFrame:
    """Every city's default area table on ONE shared classification (quantiles of all areas
    pooled), so that colours mean the same share in every city.

    Returns the per-area rows with ``class_index``; ``attrs['bins']`` holds the upper bounds.
    Precomputed at build (tables ``small_multiples``, ``small_multiples_bins``).
    """
    if _has_table(con, "small_multiples"):
        where, params = "", []
        if cities:
            where, params = f" WHERE city_id IN ({', '.join('?' * len(cities))})", list(cities)
        out = con.execute(f"SELECT * FROM small_multiples{where} ORDER BY city_id, area_id", params).df()
        out.attrs["bins"] = [r[0] for r in con.execute("SELECT upper_bound FROM small_multiples_bins ORDER BY 1").fetchall()]
        return out
    out = compute_small_multiples(con, k)
    if cities and not out.empty:
        bins = out.attrs["bins"]
        out = out[out.city_id.isin(cities)].reset_index(drop=True)
        out.attrs["bins"] = bins
    return out


def compute_small_multiples(con, k: int = 6) -> pd.DataFrame:
    """Compute the small-multiples table (see small_multiples)."""
    parts = []
    for (city_id,) in con.execute("SELECT DISTINCT city_id FROM area_counts WHERE group_id <> 'total' ORDER BY 1").fetchall():
        table = area_table(con, city_id)
        if not table.empty:
            sel = table.attrs["selection"]
            parts.append(table.assign(city_id=city_id, group_id=sel["group_id"], year=sel["year"]))
    if not parts:
        return pd.DataFrame()
    pooled = pd.concat(parts, ignore_index=True)
    bins = quantile_bins(pooled.share_pct.to_numpy(), k)
    pooled["class_index"] = classify(pooled.share_pct.to_numpy(), bins)
    # Each city's own quantile classes too: where a city's areas all fall in one pooled class
    # (Vienna), the within-city map still shows where the group is over-represented.
    pooled["within_class_index"] = pooled.groupby("city_id").share_pct.transform(
        lambda s: classify(s.to_numpy(), quantile_bins(s.to_numpy(), min(k, max(len(s) // 3, 2)))))
    pooled["n_pooled_classes"] = pooled.groupby("city_id").class_index.transform("nunique")
    pooled = pooled[["city_id", "area_id", "area_name", "area_level", "group_id", "year", "share_pct", "class_index",
                     "within_class_index", "n_pooled_classes", "publisher"]]
    pooled.attrs["bins"] = [float(b) for b in bins]
    return pooled


def indices_by_level(con, city_id: str, group_id: str | None = None, year: int | None = None,
                     permutations: int = 199) -> pd.DataFrame:
    """The segregation indices at every area level with counts for the group and year
    (e.g. Madrid's barrios and districts, Turin's zones and circoscrizioni), side by side.

    Coarser units average over finer ones, so evenness indices fall as units grow: the
    modifiable areal unit problem (Openshaw 1984; Wong 2004, "Comparing traditional and
    spatial segregation measures", Geographical Analysis 36).

    Returns
    -------
    DataFrame with index, area_level, n_units, value (one row per index and level); empty
    where the city has counts at one level only.
    """
    sel = default_selection(con, city_id, group_id, year)
    if sel is None:
        return pd.DataFrame()
    options = group_options(con, city_id)
    rows = options[(options.group_id == sel["group_id"]) & options.years.map(lambda ys: sel["year"] in list(ys))]
    if len(rows) < 2:
        return pd.DataFrame()
    parts = [segregation_indices(con, city_id, sel["group_id"], sel["year"], level, permutations)
             for level in rows.sort_values("n_units", ascending=False).area_level]
    out = pd.concat(parts, ignore_index=True)
    return out[["index", "area_level", "n_units", "value", "p_value", "group_id", "year"]]

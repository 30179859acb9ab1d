"""Reference values for every segregation index: toy cases with obvious answers, a small
hand-computed case, and agreement with PySAL on a real city."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import segregation_indices as si
from analytics.spatial import INDEX_REGISTRY

SEPARATE = ([10, 0, 10, 0], [10, 10, 10, 10])      # group lives only in areas 1 and 3
EVEN = ([5, 10, 15], [50, 100, 150])                # 10 % everywhere
HAND = ([10, 30], [50, 50])                          # hand-computed below
TWO_GROUP = ("dissimilarity", "gini", "entropy", "isolation", "exposure")


@pytest.mark.parametrize("name, expected", [("dissimilarity", 1.0), ("gini", 1.0), ("entropy", 1.0), ("isolation", 1.0), ("exposure", 0.0)])
def test_complete_separation(name, expected):
    assert INDEX_REGISTRY[name].function(*SEPARATE) == pytest.approx(expected)


@pytest.mark.parametrize("name, expected", [("dissimilarity", 0.0), ("gini", 0.0), ("entropy", 0.0), ("isolation", 0.1), ("exposure", 0.9)])
def test_identical_shares_everywhere(name, expected):
    assert INDEX_REGISTRY[name].function(*EVEN) == pytest.approx(expected, abs=1e-12)


def test_hand_computed_two_areas():
    # x = (10, 30), y = (40, 20); X = 40, Y = 60.
    # D = 0.5 * (|10/40 - 40/60| + |30/40 - 20/60|) = 0.5 * (5/12 + 5/12) = 5/12
    assert si.dissimilarity(*HAND) == pytest.approx(5 / 12)
    # p = (0.2, 0.6), P = 0.4: G = 2*50*50*0.4 / (2 * 100^2 * 0.24) = 5/12
    assert si.gini(*HAND) == pytest.approx(5 / 12)
    # xPx = (10/40)(0.2) + (30/40)(0.6) = 0.5; xPy = 0.5
    assert si.isolation(*HAND) == pytest.approx(0.5)
    assert si.exposure(*HAND) == pytest.approx(0.5)
    # H = [E - mean(E_i)] / E with E = h(0.4), E_i = h(0.2), h(0.6)
    h = lambda p: -(p * np.log(p) + (1 - p) * np.log(1 - p))  # noqa: E731
    assert si.entropy(*HAND) == pytest.approx((h(0.4) - (h(0.2) + h(0.6)) / 2) / h(0.4))


@pytest.mark.parametrize("name", ["multigroup_dissimilarity", "multigroup_theil"])
def test_multigroup_toy_cases(name):
    separate = np.array([[10, 0, 0], [0, 10, 0], [0, 0, 10]])
    even = np.array([[1, 2, 3], [2, 4, 6], [3, 6, 9]])
    assert INDEX_REGISTRY[name].function(separate) == pytest.approx(1.0)
    assert INDEX_REGISTRY[name].function(even) == pytest.approx(0.0, abs=1e-12)


def test_multigroup_equals_two_group_index_for_two_groups():
    x, t = np.array([10, 30, 5]), np.array([50, 50, 40])
    matrix = np.column_stack([x, t - x])
    assert si.multigroup_dissimilarity(matrix) == pytest.approx(si.dissimilarity(x, t))
    assert si.multigroup_theil(matrix) == pytest.approx(si.entropy(x, t))


@pytest.mark.parametrize("group, total, message", [
    ([1, -1], [5, 5], "negative"), ([6, 1], [5, 5], "exceeds"), ([0, 0], [5, 5], "present"),
    ([5, 5], [5, 5], "whole population"), ([1], [5], "two areas"), ([1, 2], [5], "same length"),
])
def test_bad_input_is_refused(group, total, message):
    with pytest.raises(si.IndexInputError, match=message):
        si.dissimilarity(group, total)


def test_dissimilarity_p_value_detects_separation_and_not_evenness():
    assert si.dissimilarity_permutation_pvalue([100, 0, 100, 0], [100, 100, 100, 100], 199) == pytest.approx(1 / 200)
    assert si.dissimilarity_permutation_pvalue([50, 100, 150], [500, 1000, 1500], 199) > 0.5


counts = st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)), min_size=2, max_size=30)


@settings(max_examples=200, deadline=None)
@given(counts, st.integers(1, 50))
def test_properties_range_and_scale_invariance(pairs, factor):
    x = np.array([min(a, b) for a, b in pairs], dtype=float)
    t = np.array([b for _, b in pairs], dtype=float)
    if x.sum() == 0 or x.sum() >= t.sum():
        return
    for name in TWO_GROUP:
        value = INDEX_REGISTRY[name].function(x, t)
        assert -1e-9 <= value <= 1 + 1e-9
        assert INDEX_REGISTRY[name].function(x * factor, t * factor) == pytest.approx(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 1000), min_size=2, max_size=20), st.integers(1, 9))
def test_property_same_share_everywhere_gives_zero(totals, tenth):
    t = np.array(totals, dtype=float) * 10
    x = t * tenth / 10
    assert si.dissimilarity(x, t) == pytest.approx(0.0, abs=1e-9)
    assert si.gini(x, t) == pytest.approx(0.0, abs=1e-9)


def test_every_index_has_citation_reference_test_and_docs():
    source = open(__file__, encoding="utf-8").read()
    for name, spec in INDEX_REGISTRY.items():
        assert spec.citation and spec.description
        assert spec.function.__doc__ and ("References" in spec.function.__doc__)
        assert f'"{name}"' in source, f"no reference test names index {name}"


# ------------------------------------------------------------------ agreement with PySAL (real data)
@pytest.fixture(scope="module")
def madrid_barrios(built_db):
    from analytics.db import connect
    from analytics.spatial import area_table

    con = connect(built_db)
    table = area_table(con, "madrid", "foreign", 2023, "barrio")
    con.close()
    return table


@pytest.mark.slow
@pytest.mark.parametrize("name, pysal_class", [
    ("dissimilarity", "Dissim"), ("gini", "Gini"), ("entropy", "Entropy"), ("isolation", "Isolation"), ("exposure", "Interaction"),
])
def test_agrees_with_pysal_on_madrid(madrid_barrios, name, pysal_class):
    import pandas as pd
    import segregation.singlegroup as sg

    if name == "gini":  # PySAL's Gini takes ~10 s on 131 units: check it on a 40-barrio subset
        frame = madrid_barrios.head(40)
    else:
        frame = madrid_barrios
    data = pd.DataFrame({"g": frame.group_count.to_numpy(), "t": frame.total.to_numpy()})
    expected = getattr(sg, pysal_class)(data, "g", "t").statistic
    assert INDEX_REGISTRY[name].function(data.g, data.t) == pytest.approx(expected, rel=1e-9)


@pytest.mark.slow
def test_multigroup_agrees_with_pysal_on_vienna(built_db):
    import segregation.multigroup as mg

    from analytics.db import connect
    from analytics.spatial import multigroup_matrix

    con = connect(built_db)
    matrix = multigroup_matrix(con, "vienna", 2022, "district")
    con.close()
    frame = matrix.reset_index(drop=True)
    groups = list(frame.columns)
    assert si.multigroup_dissimilarity(frame.to_numpy()) == pytest.approx(mg.MultiDissim(frame, groups).statistic, rel=1e-9)
    assert si.multigroup_theil(frame.to_numpy()) == pytest.approx(mg.MultiInfoTheory(frame, groups).statistic, rel=1e-9)


# ------------------------------------------------------------------ Moran's I and LISA
def _path_weights(n):
    from libpysal.weights import W

    neighbours = {i: [j for j in (i - 1, i + 1) if 0 <= j < n] for i in range(n)}
    w = W(neighbours, silence_warnings=True)
    w.transform = "r"
    return w


def test_morans_i_hand_computed_alternating_line():
    # z = (.5, -.5, .5, -.5) on a path: every spatial lag has the opposite sign, I = -1 exactly.
    value, p = INDEX_REGISTRY["morans_i"].function([1, 0, 1, 0], _path_weights(4), permutations=99)
    assert value == pytest.approx(-1.0)


def test_morans_i_smooth_gradient_is_positive_and_significant():
    value, p = INDEX_REGISTRY["morans_i"].function(np.arange(30, dtype=float), _path_weights(30), permutations=199)
    assert value > 0.8 and p <= 0.01


@pytest.mark.slow
def test_local_moran_matches_esda_statistics_on_madrid(built_db):
    import esda

    from analytics.db import connect
    from analytics.spatial import area_geodataframe, area_table, local_moran_clusters, queen_weights

    con = connect(built_db)
    table = area_table(con, "madrid", "foreign", 2023, "barrio")
    gdf = area_geodataframe(con, "madrid", "barrio").set_index("area_id").loc[table.area_id].reset_index()
    con.close()
    w = queen_weights(gdf)
    ours = local_moran_clusters(table.share_pct.to_numpy(), w)
    theirs = esda.Moran_Local(table.share_pct.to_numpy(), w, permutations=999, seed=1)
    assert np.allclose(ours.local_i, theirs.Is)
    significant = ours.cluster != "Not significant"
    quadrant = np.array(["", "High-High", "Low-High", "Low-Low", "High-Low"])[theirs.q]
    assert (ours.cluster[significant].to_numpy() == quadrant[significant.to_numpy()]).all()
    agree = ((ours.p_value < 0.05) == (theirs.p_sim < 0.05)).mean()
    assert agree > 0.9  # permutation noise moves only borderline areas

"""Promise: Moran's I and LISA report significance in the direction of the observed
association (negative autocorrelation can be significant), as esda does, and LISA labels
name the right quadrant (analytics.spatial)."""
import numpy as np
import pytest
from libpysal.weights import lat2W

from analytics import spatial


def _checkerboard(n=4):
    return np.array([(i + j) % 2 for i in range(n) for j in range(n)], dtype=float) * 10


def test_morans_i_negative_autocorrelation_is_significant_two_sided_as_esda_p_sim():
    import esda

    w = lat2W(4, 4, rook=True)
    w.transform = "r"
    y = _checkerboard() + np.linspace(0, 0.5, 16)  # checkerboard, ties broken
    value, p = spatial.morans_i(y, w, permutations=999)
    reference = esda.Moran(y, w, permutations=999)
    assert value == pytest.approx(reference.I) and value < -0.8
    assert p == pytest.approx(reference.p_sim, abs=0.005) and p < 0.01


def test_morans_i_positive_autocorrelation_matches_esda_p_sim():
    import esda

    w = lat2W(4, 4, rook=True)
    w.transform = "r"
    y = np.array([10.0 if j < 2 else 0.0 for i in range(4) for j in range(4)]) + np.arange(16) * 0.01
    value, p = spatial.morans_i(y, w, permutations=999)
    reference = esda.Moran(y, w, permutations=999)
    assert value == pytest.approx(reference.I) and value > 0.5 and p < 0.01
    assert p == pytest.approx(reference.p_sim, abs=0.005)


def test_morans_i_no_pattern_is_not_significant_and_p_agrees_with_esda():
    import esda

    w = lat2W(5, 5, rook=True)
    w.transform = "r"
    y = np.random.default_rng(7).normal(size=25)
    value, p = spatial.morans_i(y, w, permutations=999)
    reference = esda.Moran(y, w, permutations=999)
    assert value == pytest.approx(reference.I)
    assert 0.05 < p <= 1 and p == pytest.approx(reference.p_sim, abs=0.06)


def test_morans_i_p_value_counts_the_observed_value_itself():
    w = lat2W(4, 4, rook=True)
    w.transform = "r"
    _, p = spatial.morans_i(_checkerboard(), w, permutations=99)
    assert p == pytest.approx(1 / 100)  # no permutation is as extreme as a perfect checkerboard


def test_lisa_labels_high_low_and_low_high_on_a_2x2_case():
    """2x2 grid (rook: each cell has two neighbours). Values 10, 8 / 1, 0: the 10 sits beside
    8 and 1 (lag below the mean: High-Low), the 8 beside 10 and 0 (High-High), the 1 beside
    10 and 0 (Low-High), the 0 beside 8 and 1 (Low-Low)."""
    w = lat2W(2, 2, rook=True)
    w.transform = "r"
    y = np.array([10.0, 8.0, 1.0, 0.0])
    every = spatial.local_moran_clusters(y, w, permutations=99, alpha=1.01)  # every p < 1.01: the quadrant shows
    assert list(every.cluster) == ["High-Low", "High-High", "Low-High", "Low-Low"]
    z = y - y.mean()
    m2 = (z ** 2).sum() / 3
    lag = np.array([(z[1] + z[2]) / 2, (z[0] + z[3]) / 2, (z[0] + z[3]) / 2, (z[1] + z[2]) / 2])
    assert np.allclose(every.local_i, z * lag / m2)
    assert (every.p_value > 0).all() and (every.p_value <= 1).all()
    tested = spatial.local_moran_clusters(y, w, permutations=99)  # 4 areas: nothing can be significant at 5 %
    assert set(tested.cluster) == {"Not significant"} and (tested.p_value > 0.05).all()


def test_lisa_significant_clusters_on_a_lattice_keep_their_quadrant():
    w = lat2W(6, 6, rook=True)
    w.transform = "r"
    y = np.array([10.0 if (i < 3 and j < 3) else 0.0 for i in range(6) for j in range(6)]) + np.arange(36) * 0.001
    out = spatial.local_moran_clusters(y, w, permutations=199)
    assert out.loc[0, "cluster"] == "High-High"
    significant = out[out.cluster != "Not significant"]
    assert (significant.p_value < 0.05).all() and len(significant) >= 4
    assert (out[out.p_value >= 0.05].cluster == "Not significant").all()
    z = y - y.mean()
    lag = np.asarray(w.sparse @ z).ravel()
    expected = np.where(z > 0, np.where(lag > 0, "High-High", "High-Low"), np.where(lag < 0, "Low-Low", "Low-High"))
    assert (significant.cluster == expected[significant.index]).all()


def _reference_moran_p(y, w, permutations, seed=spatial.SEED):
    """The documented p-value, spelled out: permutations of the deviations with the module's seed,
    counted on the observed side of E[I] = -1/(n-1), the observed value included."""
    z = np.asarray(y, dtype=float) - np.mean(y)
    n = len(z)
    dense = w.full()[0]

    def stat(v):
        return (n / dense.sum()) * (v @ dense @ v) / (v @ v)

    observed = stat(z)
    perms = np.random.default_rng(seed).permuted(np.tile(z, (permutations, 1)), axis=1)
    sims = np.array([stat(p) for p in perms])
    side = (sims >= observed) if observed >= -1.0 / (n - 1) else (sims <= observed)
    return observed, (side.sum() + 1) / (permutations + 1)


def _near(target, n=16, side=4, tries=4000):
    """A seeded random 4x4 pattern whose Moran's I lies in ``target`` (an open interval)."""
    w = lat2W(side, side, rook=True)
    w.transform = "r"
    rng = np.random.default_rng(1)
    for _ in range(tries):
        y = rng.normal(size=n)
        value, _ = spatial.morans_i(y, w, permutations=1)
        if target[0] < value < target[1]:
            return y, w
    raise AssertionError(f"no pattern with I in {target}")


@pytest.mark.parametrize("case", ["tie_2x2", "at_expectation_2x2", "random_4x4", "between_expectations_low",
                                  "between_expectations_high", "negative", "exactly_at_expectation_line"])
def test_morans_p_is_counted_on_the_observed_side_of_its_expectation(case):
    w2 = lat2W(2, 2, rook=True)
    w2.transform = "r"
    w4 = lat2W(4, 4, rook=True)
    w4.transform = "r"
    y, w = {"tie_2x2": (np.array([1.0, 0.0, 0.0, 1.0]), w2), "at_expectation_2x2": (np.array([1.0, 0.0, 0.0, 0.0]), w2),
            "random_4x4": (np.random.default_rng(3).normal(size=16), w4),
            "negative": (_checkerboard() + np.linspace(0, 3, 16), w4)}.get(case, (None, None))
    if case == "between_expectations_low":  # between -1/(n-1) and -1/(n+1): the side depends on n - 1
        y, w = _near((-1 / 15, -1 / 17))
    elif case == "between_expectations_high":  # between -1/(n-2) and -1/(n-1)
        y, w = _near((-1 / 14, -1 / 15))
    elif case == "exactly_at_expectation_line":  # I = -1/3 exactly (in floating point), permutations on both sides
        w = lat2W(1, 4, rook=True)
        w.transform = "r"
        y = np.array([0.0, 3.0, 3.0, 2.0])
        assert spatial.morans_i(y, w, permutations=1)[0] == -1 / 3
    value, p = spatial.morans_i(y, w, permutations=199)
    ref_value, ref_p = _reference_moran_p(y, w, 199)
    assert value == pytest.approx(ref_value) and p == pytest.approx(ref_p)
    assert spatial.morans_i(y, w, permutations=199) == (value, p)  # seeded: the same p every time


def test_lisa_quadrants_need_a_strict_side_of_the_mean_small_values():
    """Shares as fractions (deviations below 1) keep their quadrants; an area exactly at the mean,
    or whose neighbours average exactly the mean, has no quadrant."""
    w = lat2W(2, 2, rook=True)
    w.transform = "r"
    small = spatial.local_moran_clusters(np.array([0.10, 0.08, 0.01, 0.0]), w, permutations=9, alpha=1.01)
    assert list(small.cluster) == ["High-Low", "High-High", "Low-High", "Low-Low"]
    line = lat2W(1, 3, rook=True)
    line.transform = "r"
    flat = spatial.local_moran_clusters(np.array([0.0, 1.0, 2.0]), line, permutations=9, alpha=1.01)
    assert list(flat.cluster) == ["Not significant"] * 3  # z = 0 for the middle, lag = 0 for the ends


def test_lisa_p_values_of_end_areas_and_islands():
    from libpysal.weights import W

    line = lat2W(1, 10, rook=True)
    line.transform = "r"
    out = spatial.local_moran_clusters(np.arange(10.0) ** 2, line, permutations=199)
    assert out.p_value.iloc[0] < 0.5 and out.p_value.iloc[-1] < 0.5  # one neighbour each: tested, not skipped
    three = spatial.local_moran_clusters(np.array([0.0, 1.0, 5.0]), lat2W(1, 3, rook=True), permutations=99)
    assert (three.p_value < 1).any()
    islands = W({0: [1], 1: [0], 2: []}, silence_warnings=True)
    islands.transform = "r"
    out = spatial.local_moran_clusters(np.array([3, 1, 2]), islands, permutations=99)
    assert out.local_i.iloc[2] == 0 and out.p_value.iloc[2] == 1 and out.cluster.iloc[2] == "Not significant"


def _reference_lisa(y, w, permutations, seed=spatial.SEED):
    """Conditional permutation as documented (Anselin 1995; esda's shared draws): each area's value
    fixed, its k neighbours drawn from the other areas (the first k of one random order per draw),
    p counted on the observed side of 0, the observed value included; islands get p = 1."""
    y = np.asarray(y, dtype=float)
    n, z = len(y), y - y.mean()
    m2 = (z ** 2).sum() / (n - 1)
    nbs = [list(w.neighbors[k]) for k in w.id_order]
    wts = [list(w.weights[k]) for k in w.id_order]
    max_k = max(len(nb) for nb in nbs)
    order = np.argsort(np.random.default_rng(seed).random((permutations, n - 1)), axis=1)[:, :max_k]
    local, p = [], []
    for i, (nb, wt) in enumerate(zip(nbs, wts)):
        lag = sum(wv * z[j] for wv, j in zip(wt, nb))
        observed = z[i] * lag / m2
        local.append(observed)
        if not nb:
            p.append(1.0)
            continue
        others = [j for j in range(n) if j != i]
        sims = np.array([z[i] * sum(wv * z[others[d]] for wv, d in zip(wt, row[:len(nb)])) / m2 for row in order])
        extreme = (sims >= observed) if observed >= 0 else (sims <= observed)
        p.append((extreme.sum() + 1) / (permutations + 1))
    return np.array(local), np.array(p)


@pytest.mark.parametrize("case", ["2x2", "line", "lattice_with_island", "island_first", "local_i_exactly_zero"])
def test_lisa_p_values_are_the_documented_conditional_permutation(case):
    from libpysal.weights import W

    if case == "2x2":
        w, y = lat2W(2, 2, rook=True), np.array([10.0, 8.0, 1.0, 0.0])
    elif case == "line":
        w, y = lat2W(1, 7, rook=True), np.array([5.0, 4.0, 9.0, 1.0, 1.0, 0.0, 7.0])
    elif case == "island_first":  # an island before the other areas: they are still tested
        line = lat2W(1, 6, rook=True)
        neighbours = {0: [], **{k + 1: [j + 1 for j in v] for k, v in line.neighbors.items()}}
        w, y = W(neighbours, silence_warnings=True), np.array([4.0, 9.0, 8.0, 7.0, 1.0, 0.0, 2.0])
    elif case == "local_i_exactly_zero":  # area 0's only neighbour sits at the mean: I_0 = 0, p counted on the >= 0 side
        w, y = lat2W(1, 3, rook=True), np.array([0.0, 1.0, 2.0])
    else:
        lattice = lat2W(3, 3, rook=True)
        neighbours = {**{k: list(v) for k, v in lattice.neighbors.items()}, 9: []}
        w, y = W(neighbours, silence_warnings=True), np.array([9.0, 8, 7, 1, 0, 2, 3, 1, 0, 5])
    w.transform = "r"
    out = spatial.local_moran_clusters(y, w, permutations=99)
    local, p = _reference_lisa(y, w, 99)
    assert np.allclose(out.local_i, local) and np.allclose(out.p_value, p)
    assert spatial.local_moran_clusters(y, w, permutations=99).equals(out)  # seeded


def test_lisa_an_area_exactly_at_the_mean_has_no_quadrant_whatever_its_neighbours():
    """2x2 grid 0, 1 / 2, 1 (mean 1): the two areas at the mean (one with neighbours below it on
    average, one above) are neither High nor Low; the others keep their quadrant."""
    w = lat2W(2, 2, rook=True)
    w.transform = "r"
    out = spatial.local_moran_clusters(np.array([0.0, 1.0, 2.0, 1.0]), w, permutations=9, alpha=1.01)
    assert list(out.cluster) == ["Low-High", "Not significant", "High-Low", "Not significant"]

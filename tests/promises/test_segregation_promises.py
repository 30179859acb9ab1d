"""Promise: segregation indices are the published formulas, computed only from valid counts, with
a clear message for counts no index can use, and a reproducible dissimilarity p-value
(analytics.segregation_indices)."""
import numpy as np
import pytest

from analytics import segregation_indices as si

X = np.array([30.0, 5.0, 1.0, 0.0])
T = np.array([100.0, 50.0, 40.0, 10.0])


def _reference(x, t):
    """The formulas of the docstrings (Duncan & Duncan 1955; Theil & Finizza 1971; Bell 1954), spelled out."""
    keep = t > 0
    x, t = x[keep], t[keep]
    y = t - x
    p, big_t = x / t, t.sum()
    big_p = x.sum() / big_t

    def ent(q):
        return -sum(v * np.log(v) for v in (q, 1 - q) if v > 0)

    return {"dissimilarity": 0.5 * np.abs(x / x.sum() - y / y.sum()).sum(),
            "gini": sum(t[i] * t[j] * abs(p[i] - p[j]) for i in range(len(t)) for j in range(len(t)))
            / (2 * big_t ** 2 * big_p * (1 - big_p)),
            "entropy": sum(t[i] * (ent(big_p) - ent(p[i])) for i in range(len(t))) / (ent(big_p) * big_t),
            "isolation": ((x / x.sum()) * (x / t)).sum(), "exposure": ((x / x.sum()) * (y / t)).sum()}


@pytest.mark.parametrize("x, t", [(X, T), (np.array([10.0, 0.0]), np.array([10.0, 10.0])),
                                  (np.array([3.0, 0.0, 2.0]), np.array([3.0, 0.0, 9.0])),  # an empty area, a group-only area
                                  (np.array([1, 2, 3]), np.array([10, 10, 10]))])  # integer counts
def test_two_group_indices_are_the_published_formulas(x, t):
    expected = _reference(np.asarray(x, float), np.asarray(t, float))
    for name, value in expected.items():
        assert getattr(si, name)(x, t) == pytest.approx(value, abs=1e-12), name


def test_complete_separation_gives_one_and_an_even_spread_zero():
    sep_x, sep_t = np.array([10.0, 0.0]), np.array([10.0, 10.0])
    assert si.dissimilarity(sep_x, sep_t) == pytest.approx(1) and si.entropy(sep_x, sep_t) == pytest.approx(1)
    assert si.gini(sep_x, sep_t) == pytest.approx(1) and si.isolation(sep_x, sep_t) == pytest.approx(1)
    even_x, even_t = np.array([5.0, 5.0]), np.array([50.0, 50.0])
    assert si.dissimilarity(even_x, even_t) == pytest.approx(0) and si.entropy(even_x, even_t) == pytest.approx(0)


@pytest.mark.parametrize("x, t, message", [
    ([1, 2], [3], "group and total must be 1-D arrays of the same length"),
    ([1], [3], "at least two areas are needed"),
    ([1, np.inf], [3, 4], "counts must be finite numbers"),
    ([1, 2], [3, np.nan], "counts must be finite numbers"),
    ([-1, 2], [3, 4], "counts must not be negative"),
    ([1, 2], [3, -4], "counts must not be negative"),
    ([4, 2], [3, 4], "a group count exceeds its area total"),
    ([0, 0], [3, 4], "the group must be present and must not be the whole population"),
    ([3, 4], [3, 4], "the group must be present and must not be the whole population"),
])
def test_counts_no_index_can_use_are_refused_with_a_clear_message(x, t, message):
    with pytest.raises(si.IndexInputError, match=f"^{message}$"):
        si.dissimilarity(np.array(x, dtype=float), np.array(t, dtype=float))


def test_a_group_count_equal_to_its_total_or_within_rounding_is_accepted():
    assert si.dissimilarity([5, 1], [5, 10]) > 0
    assert si.dissimilarity([5 * (1 + 1e-10), 1], [5, 10]) > 0


def _mg_reference(n):
    n = n[n.sum(axis=1) > 0]
    n = n[:, n.sum(axis=0) > 0]
    t = n.sum(axis=1)
    big_t = t.sum()
    pi_m, pi_im = n.sum(axis=0) / big_t, n / t[:, None]
    d = (t[:, None] * np.abs(pi_im - pi_m)).sum() / (2 * big_t * (pi_m * (1 - pi_m)).sum())

    def ent(q):
        q = q[q > 0]
        return -(q * np.log(q)).sum()

    e = ent(pi_m)
    h = sum(t[i] * (e - ent(pi_im[i])) for i in range(len(t))) / (e * big_t)
    return d, h


@pytest.mark.parametrize("matrix", [
    [[10, 5, 1], [0, 5, 9]],  # two areas
    [[10, 5, 0], [0, 5, 0], [1, 0, 0]],  # an area of one person, a group with no one
    [[1, 0, 3], [0, 0, 0], [2, 1, 2]],  # an empty area, a group of one person
])
def test_multigroup_indices_are_the_published_formulas(matrix):
    n = np.array(matrix, dtype=float)
    d, h = _mg_reference(n)
    assert si.multigroup_dissimilarity(n) == pytest.approx(d) and si.multigroup_theil(n) == pytest.approx(h)
    assert si.multigroup_dissimilarity(np.array(matrix)) == pytest.approx(d)


@pytest.mark.parametrize("matrix, message", [
    ([[1, 2, 3]], "need an areas x groups matrix with at least 2 areas and 2 groups"),
    ([[1], [2]], "need an areas x groups matrix with at least 2 areas and 2 groups"),
    ([1, 2], "need an areas x groups matrix with at least 2 areas and 2 groups"),
    ([[1, -2], [3, 4]], "counts must be finite and not negative"),
    ([[1, np.nan], [3, 4]], "counts must be finite and not negative"),
    ([[1, 0], [3, 0]], "at least two groups must be present"),
])
def test_a_matrix_no_index_can_use_is_refused_with_a_clear_message(matrix, message):
    with pytest.raises(si.IndexInputError, match=f"^{message}$"):
        si.multigroup_theil(np.array(matrix, dtype=float))


def _reference_p(x, t, permutations, seed=20261122):
    """The documented null: x*_i ~ Binomial(round(t_i), P), draws without group or rest dropped,
    p = (1 + #{D* >= D}) / (1 + valid draws)."""
    x, t = np.asarray(x, float), np.asarray(t, float)
    observed = si.dissimilarity(x, t)
    tt = np.maximum(np.rint(t).astype(np.int64), 1)
    draws = np.random.default_rng(seed).binomial(tt[None, :], x.sum() / t.sum(), size=(permutations, len(tt)))
    sims = []
    for d in draws:
        group, rest = d.sum(), tt.sum() - d.sum()
        if group > 0 and rest > 0:
            sims.append(0.5 * np.abs(d / group - (tt - d) / rest).sum())
    return (1 + sum(s >= observed for s in sims)) / (1 + len(sims))


@pytest.mark.parametrize("x, t", [(X, T), ([1, 0], [20, 20]), ([19, 20], [20, 20]), ([1, 1, 0], [1, 3, 2]),
                                  ([2, 1], [3.4, 1.2])])
def test_dissimilarity_p_value_is_the_documented_random_allocation_test(x, t):
    p = si.dissimilarity_permutation_pvalue(x, t, 199)
    assert p == pytest.approx(_reference_p(x, t, 199))
    assert si.dissimilarity_permutation_pvalue(x, t, 199) == p  # seeded: reproducible


def test_dissimilarity_p_value_uses_the_999_draws_the_pages_announce():
    """i18n `indices_note` says "999 draws": the default must be 999 (p on a grid of 1/1000)."""
    x, t = [30, 5, 1, 0], [100, 50, 40, 10]
    p = si.dissimilarity_permutation_pvalue(x, t)
    assert p == si.dissimilarity_permutation_pvalue(x, t, permutations=999)
    assert p == pytest.approx(_reference_p(x, t, 999))


@pytest.mark.parametrize("index", ["dissimilarity", "gini", "entropy", "isolation", "exposure"])
def test_a_missing_count_gets_the_clear_message_not_a_traceback(index):
    """A count that is missing (None, as from a sparse table) is a non-finite count: the clear
    IndexInputError, never a TypeError from numpy."""
    with pytest.raises(si.IndexInputError, match="^counts must be finite numbers$"):
        getattr(si, index)([1, None, 2], [3, 4, 5])
    with pytest.raises(si.IndexInputError, match="^counts must be finite numbers$"):
        getattr(si, index)([1, 2, 2], [3, None, 5])


def test_a_missing_count_in_a_matrix_gets_the_clear_message():
    with pytest.raises(si.IndexInputError, match="^counts must be finite and not negative$"):
        si.multigroup_theil([[1, None], [3, 4]])


def test_a_group_count_exactly_at_the_rounding_tolerance_is_accepted():
    """The tolerance is t * (1 + 1e-9) + 1e-9, inclusive: 1e-9 of the group in an empty area is rounding."""
    assert si.dissimilarity([1e-9, 5, 1], [0, 10, 10]) == pytest.approx(si.dissimilarity([5, 1], [10, 10]))


def test_entropy_stays_within_0_and_1_when_a_count_exceeds_its_total_by_rounding():
    """A group count above its total by rounding (accepted) is a share of 1, not more: H of a
    completely separated city is exactly 1, never 1.0000000001 in a download."""
    h = si.entropy([100 + 5e-8, 0], [100, 100])
    assert h == 1.0


def test_indices_of_areas_with_none_or_all_of_the_group_raise_no_numeric_warning():
    """Shares of 0 and 1 (log 0) are handled, not warned about: no RuntimeWarning reaches the page's log."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert si.entropy([10, 0, 5], [10, 10, 10]) > 0
        assert si.multigroup_theil([[10, 0], [0, 10], [5, 5]]) > 0

"""The numeric search: its first-point probe agrees with the full search, and the checker
asks each mode once per link."""

from __future__ import annotations

import sympy as sp

from derive.engine import numeric

K = sp.Symbol("K", integer=True, positive=True)
i = sp.Symbol("i", integer=True)
k = sp.Dummy("k", integer=True)
t = sp.IndexedBase("t", real=True)


def problem(lhs, rhs):
    return numeric.Problem(lhs, rhs, (K,), {i: (sp.Integer(1), K)},
                           {t: (sp.Integer(1), K)}, (), (), (t,))


def test_the_probe_finds_what_the_full_search_finds_first():
    wrong = problem(sp.Sum(t[k], (k, 1, K)), sp.Integer(2))  # Σ t = 2: false on the simplex
    full = numeric.search(wrong, 7)
    first = numeric.search(wrong, 7, first_only=True)
    for mode in numeric.FAMILY_MODES:
        assert full[mode] is not None and first[mode] is not None
        assert first[mode].point == full[mode].point


def test_the_probe_can_miss_what_the_full_search_finds():
    # false only where t_i ≠ 0 for i > 1: the first one-hot point (hot at 1, i = 1) agrees
    tricky = problem(t[i] * (i - 1), sp.Integer(0))
    assert numeric.search(tricky, 3, modes=("one-hot",), first_only=True)["one-hot"] is None
    assert numeric.search(tricky, 3, modes=("one-hot",))["one-hot"] is not None


def test_a_true_link_has_no_counterexample_in_any_mode():
    true = problem(sp.Sum(2 * t[k], (k, 1, K)), 2 * sp.Sum(t[k], (k, 1, K)))
    assert all(v is None for v in numeric.search(true, 1).values())

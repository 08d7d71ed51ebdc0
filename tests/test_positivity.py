"""The normaliser's positivity test, which decides where a logarithm may be split."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.engine.normal import _nonneg, is_positive, log_of

k, j = sp.Dummy("k", integer=True), sp.Dummy("j", integer=True)
i = sp.Symbol("i", integer=True)
K = sp.Symbol("K", integer=True, positive=True)
M = sp.Symbol("M", integer=True)  # a size not known to be at least 1
z = sp.IndexedBase("z", real=True)
t = sp.IndexedBase("t", real=True)
p = sp.Symbol("p", positive=True)
S = sp.Sum(sp.exp(z[k]), (k, 1, K))


def sympy_first(e: sp.Expr) -> bool:
    """The order is_positive used to take (sympy's assumptions, then the structure), for
    single-limit sums and products: the answer must not depend on the order."""
    if e.is_positive:
        return True
    if isinstance(e, sp.exp):
        return e.args[0].is_real is True
    if isinstance(e, (sp.Sum, sp.Product)):
        _, lo, hi = e.limits[0]
        return sympy_first(e.function) and _nonneg(hi - lo)
    if e.is_Mul or e.is_Add:
        return all(sympy_first(a) for a in e.args)
    if e.is_Pow:
        return sympy_first(e.base) and e.exp.is_real is True
    return False


CASES = [
    (sp.exp(z[i]), True), (S, True), (sp.exp(z[i]) / S, True), (1 / S ** 2, True),
    (p, True), (p + S, True), (sp.Integer(2), True), (sp.Rational(1, 2), True),
    (sp.Product(sp.exp(z[k]), (k, 1, K)), True), (S ** sp.Symbol("r", real=True), True),
    (t[i], False), (t[i] * sp.exp(z[i]), False), (sp.Sum(t[k], (k, 1, K)), False),
    (-S, False), (sp.Integer(0), False), (sp.exp(sp.Symbol("w")), False),
    (S - 1, False), (sp.Sum(sp.exp(z[k]), (k, 1, M)), False),  # perhaps empty: 0
    (S ** sp.Symbol("w"), False), (sp.Integer(-3), False),
]


@pytest.mark.parametrize("expr, positive", CASES, ids=[str(c[0]) for c in CASES])
def test_positivity_does_not_depend_on_the_order_of_the_tests(expr, positive):
    assert is_positive(expr) is positive
    assert sympy_first(expr) is positive


def test_a_sum_over_two_ranges_is_positive_only_if_both_are_non_empty():
    both = sp.Sum(sp.exp(z[k]), (k, 1, K), (j, 1, K))
    assert is_positive(both)
    perhaps_empty = sp.Sum(sp.exp(z[k]), (k, 1, K), (j, 1, M))  # the outer range may be empty
    assert not is_positive(perhaps_empty)
    # and so the logarithm of it is left whole rather than split as if it were positive
    assert log_of(perhaps_empty * sp.exp(z[i])) == z[i] + sp.log(perhaps_empty)


def test_the_log_of_a_product_over_two_ranges_is_a_sum_over_both():
    product = sp.Product(sp.exp(z[k]), (k, 1, K), (j, 1, K))
    split = log_of(product)
    assert split == sp.Sum(z[k], (k, 1, K), (j, 1, K))  # both ranges kept, not only k's
    values = {z[1]: sp.Rational(1, 2), z[2]: 2, z[3]: -1}
    at_3 = {K: 3}
    want = sp.log(product.subs(at_3).doit().subs(values))  # 3 · (1/2 + 2 − 1)
    assert sp.simplify(want - split.subs(at_3).doit().subs(values)) == 0

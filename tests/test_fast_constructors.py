"""The expression layer's shortcuts build exactly what sympy's general path would build."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.engine.normal import log_of, split_logs, summation
from derive.engine.translate import delta

i, j = sp.Symbol("i", integer=True), sp.Symbol("j", integer=True)
k1, k2 = sp.Dummy("k", integer=True), sp.Dummy("k", integer=True)
K = sp.Symbol("K", integer=True, positive=True)
ARGS = [i, j, k1, k2, K, sp.Integer(1), sp.Integer(2), i + 1, sp.Symbol("_b0", integer=True),
        sp.Symbol("_d", integer=True, nonzero=True), sp.Symbol("o", integer=True, odd=True),
        sp.Symbol("e", integer=True, even=True), sp.Symbol("n", integer=True, negative=True),
        sp.Symbol("x")]


@pytest.mark.parametrize("a, b", list(itertools.product(ARGS, repeat=2)))
def test_delta_is_sympy_s_kronecker_delta(a, b):
    fast, general = delta(a, b), sp.KroneckerDelta(a, b)
    assert fast == general and type(fast) is type(general) and fast.args == general.args


def test_delta_takes_the_shortcut_only_for_plain_integer_symbols():
    # distinct plain integers: the pair, in sympy's order, built without evaluation
    assert delta(j, i).args == (i, j)
    # provably different: sympy's evaluation decides, and delta must not hide it
    assert delta(sp.Symbol("o", integer=True, odd=True),
                 sp.Symbol("e", integer=True, even=True)) == 0
    assert delta(i, i + 1) == 0 and delta(i, i) == 1


z = sp.IndexedBase("z", real=True)
t = sp.IndexedBase("t", real=True)
S = sp.Sum(sp.exp(z[k1]), (k1, 1, K))
LOG_ARGS = [
    sp.exp(z[i]) / S,  # the softmax: log y_i = z_i − log Σ
    S, sp.exp(z[i]), sp.Integer(1), sp.Integer(2), sp.Rational(1, 2), sp.E ** 2,
    1 + sp.exp(-z[i]), t[i], t[i] * sp.exp(z[i]), sp.exp(sp.Symbol("w")),
    sp.Symbol("p", positive=True) ** 3, sp.Product(sp.exp(z[k1]), (k1, 1, K)),
    sp.Symbol("u") ** 2, -sp.Integer(1), sp.exp(z[i]) * sp.log(S),
]


@pytest.mark.parametrize("arg", LOG_ARGS, ids=[str(a) for a in LOG_ARGS])
def test_log_of_is_split_logs_of_log(arg):
    assert log_of(arg) == split_logs(sp.log(arg))


def test_log_of_splits_the_softmax():
    assert log_of(sp.exp(z[i]) / S) == z[i] - sp.log(S)


nc = sp.Symbol("A", commutative=False)
idx = sp.Idx(sp.Symbol("m", integer=True), (1, K))
SUMMANDS = [
    z[k1], sp.exp(z[k1]), t[k1] * sp.log(sp.exp(z[k1]) / S), t[k1] * delta(k1, i) - t[k1],
    sp.Integer(0), sp.Integer(3), K, sp.exp(z[i]) / S, nc * z[k1],  # non-commutative
    sp.Sum(z[k1] * z[k2], (k2, 1, K)),  # a sum: sympy merges the two into one
    sp.Piecewise((z[k1], sp.Eq(k1, i)), (0, True)),
    z[k1] * sp.Piecewise((1, sp.Eq(k1, i)), (0, True)),  # folded out by sympy
    2 * sp.Piecewise((1, K > 2), (0, True)),  # a Piecewise without the index
    sp.Product(z[k1], (k2, 1, K)), sp.KroneckerDelta(k1, k2) * z[k2],
]
LIMITS = [
    ((k1, 1, K),), ((k1, sp.Integer(0), K - 1),), ((k1, i, K),), ((k1, 1, 3),),
    ((k2, 1, K), (k1, 1, K)),  # two limits at once
    (sp.Tuple(k1, 1, K),),  # a limit as sympy keeps it
    ((idx, 1, K),),  # an Idx: sympy checks its range
]


@pytest.mark.parametrize("summand", SUMMANDS, ids=[str(s) for s in SUMMANDS])
@pytest.mark.parametrize("limits", LIMITS, ids=[str(lim) for lim in LIMITS])
def test_summation_is_sympy_s_sum(summand, limits):
    fast, general = summation(summand, *limits), sp.Sum(summand, *limits)
    assert fast == general and type(fast) is type(general) and fast.args == general.args
    assert hash(fast) == hash(general)
    if isinstance(general, sp.Sum):
        assert fast.is_commutative == general.is_commutative
        assert fast.limits == general.limits and fast.function == general.function


def test_summation_refuses_what_sympy_refuses():
    with pytest.raises(ValueError):
        summation(z[k1], (k1, 1, None))  # a sum needs both bounds, as sympy says
    assert summation(sp.nan, (k1, 1, K)) is sp.nan

"""Sums over one range joined into one summand (engine/normal.py, ``_merged_zero``).

The logistic loss's ∂L/∂b differentiates to six sums of fractions in e^{b}e^{w x_k}; the
normaliser's linearity keeps them apart and the fraction of the whole never cancels, so the
textbook gradient was unknown (and ∂L/∂w "conditional: x is one-hot", which was false: it
holds for every x). Joined, the summand cancels at a free index. Expected verdicts by hand:
∂/∂b of −Σ[y log σ + (1 − y) log(1 − σ)] is Σ(σ_i − y_i), ∂/∂w is Σ(σ_i − y_i) x_i."""

from __future__ import annotations

import pytest
import sympy as sp

import derive
from derive.engine.normal import _merged_zero

SCALAR = (r"$$p_i = \sigma(z_i), \quad z_i = w x_i + b, \quad "
          r"\sigma(z) = \frac{1}{1+e^{-z}}$$" "\n\n"
          r"$$L = - \sum_{i=1}^N [ y_i \log(p_i) + (1-y_i) \log(1-p_i) ]$$" "\n\n")
BOLD = SCALAR.replace("w x_i", r"\mathbf{w}^T\mathbf{x}_i")


@pytest.mark.parametrize(("model", "claim", "verdict"), [
    (SCALAR, r"\frac{\partial L}{\partial b} = \sum_{i=1}^N (p_i-y_i)", "proved"),
    (SCALAR, r"\frac{\partial L}{\partial w} = \sum_{i=1}^N (p_i-y_i)x_i", "proved"),
    (SCALAR, r"\frac{\partial L}{\partial b} = \sum_{i=1}^N (y_i-p_i)", "refuted"),
    (SCALAR, r"\frac{\partial L}{\partial w} = \sum_{i=1}^N (p_i-y_i)", "refuted"),
    (SCALAR, r"\frac{\partial L}{\partial b} = \sum_{i=2}^N (p_i-y_i)", "refuted"),
    (BOLD, r"\frac{\partial L}{\partial b} = \sum_{i=1}^N (p_i-y_i)", "proved"),
    (BOLD, r"\frac{\partial L}{\partial \mathbf{w}} = \sum_{i=1}^N (p_i-y_i)\mathbf{x}_i",
     "proved"),
    (BOLD, r"\frac{\partial L}{\partial \mathbf{w}} = \sum_{i=1}^N (y_i-p_i)\mathbf{x}_i",
     "refuted"),
])
def test_the_logistic_gradients(model, claim, verdict):
    eq = derive.check_text(model + f"$${claim}$$\n", jobs=1).equations[-1]
    assert [lk.verdict.value for lk in eq.links] == [verdict]


def test_joined_only_over_the_same_range_and_only_when_each_summand_vanishes():
    k, n = sp.Symbol("k", integer=True), sp.Symbol("n", integer=True, positive=True)
    x = sp.IndexedBase("x")
    f = sp.exp(x[k]) / (1 + sp.exp(x[k]))
    g = 1 / (1 + sp.exp(x[k]))
    one = sp.Sum(f, (k, 1, n)) + sp.Sum(g, (k, 1, n)) - sp.Sum(1, (k, 1, n))
    assert _merged_zero(one, {}, 0)
    assert not _merged_zero(sp.Sum(f, (k, 1, n)) + sp.Sum(g, (k, 2, n)) - n, {}, 0)
    assert not _merged_zero(sp.Sum(f, (k, 1, n)) + sp.Sum(g, (k, 1, n)) - n + 1, {}, 0)
    assert not _merged_zero(sp.Sum(f, (k, 1, n)) - sp.Sum(g, (k, 1, n)), {}, 0)


def test_a_condition_with_no_counterexample_without_it_is_no_condition():
    """Where the normaliser misses a true identity, the one-hot or sum-to-one try may still
    cancel it; with no counterexample for free values the verdict is unknown, never
    "holds only if"."""
    from derive.engine.assumptions import needed
    from derive.report.model import Assumption, Verdict

    class Found:  # an attempt whose free search did or did not find a counterexample
        def __init__(self, cx):
            self.cx = cx

        def free_counterexample(self):
            return self.cx

    x = Assumption(r"x \text{ is one-hot}", "x is one-hot")
    unknown = needed(Found(None), x, sp.Integer(1))  # type: ignore[arg-type]
    assert unknown.verdict is Verdict.UNKNOWN and not unknown.needs
    assert unknown.reason.startswith("holds when x is one-hot")
    marker = object()
    conditional = needed(Found(marker), x, sp.Integer(1))  # type: ignore[arg-type]
    assert conditional.verdict is Verdict.CONDITIONAL and conditional.needs == (x,)
    assert conditional.counterexample is marker

"""The normaliser first tries a link with every exponential of a sum held as a positive
symbol (e^{-2a} as u^{-2} where e^{a} is u): σ(𝐰^T 𝐱_i + b) grounds to such exponentials, and
expanding them took x35yao's per-example step (written with bold vectors) past the time limit.
What vanishes for every u vanishes for the exponentials; the rest still goes the long way."""

from __future__ import annotations

import pytest
import sympy as sp

import derive
from derive.engine.normal import abstract_exponentials

MODEL = (r"$$p_i = \sigma(z_i), \quad z_i = \mathbf{w}^T\mathbf{x}_i + b, \quad "
         r"\sigma(z) = \frac{1}{1+e^{-z}}$$" "\n\n"
         r"$$L = - \sum_{i=1}^N [ y_i \log(p_i) + (1-y_i) \log(1-p_i) ]$$" "\n\n")


@pytest.mark.parametrize(("claim", "verdict"), [
    (r"\frac{\partial L}{\partial z_i} = \left(-\frac{y_i}{p_i} + \frac{1-y_i}{1-p_i}\right)"
     r" \cdot p_i(1-p_i)", "proved"),
    (r"\left(-\frac{y_i}{p_i} + \frac{1-y_i}{1-p_i}\right) \cdot p_i(1-p_i) = p_i-y_i",
     "proved"),
    (r"\left(-\frac{y_i}{p_i} + \frac{1-y_i}{1-p_i}\right) \cdot p_i(1-p_i) = y_i-p_i",
     "refuted"),
    (r"\frac{\partial L}{\partial z_i} = p_i(1-p_i)", "refuted"),
])
def test_the_logistic_step_with_bold_vectors(claim, verdict):
    eq = derive.check_text(MODEL + f"$${claim}$$\n", jobs=1).equations[-1]
    assert [lk.verdict.value for lk in eq.links] == [verdict]


def test_one_symbol_per_exponent_and_its_multiples():
    k, n = sp.symbols("k n", integer=True)
    x = sp.IndexedBase("x")
    s = sp.Sum(x[k], (k, 1, n))
    held = abstract_exponentials(sp.exp(s) + sp.exp(-2 * s) + sp.exp(2))
    (u,) = held.atoms(sp.Dummy)
    assert held == u + u**-2 + sp.exp(2)


def test_an_exponent_with_an_index_bound_outside_it_is_not_held():
    i, k, n = sp.symbols("i k n", integer=True)
    x = sp.IndexedBase("x")
    e = sp.Sum(sp.exp(sp.Sum(x[i, k], (k, 1, n))), (i, 1, n))
    assert abstract_exponentials(e) == e  # e^{Σ_k x_{ik}} differs from one i to the next

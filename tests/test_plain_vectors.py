"""Vectors written plain (reading/plain_vectors.py): w^T x_i with w never indexed reads w as a
vector and x_i as vector i of a family, as \\mathbf{w}^T\\mathbf{x}_i; anything else that is
plain stays a scalar, and what cannot be read so is refused. Expected verdicts by hand (x35yao's
logistic regression: ∂L/∂w = Σ_i (p_i − y_i) x_i)."""

from __future__ import annotations

import pytest

import derive

MODEL = (r"$$p_i = \sigma(z_i), \quad z_i = w^Tx_i + b, \quad "
         r"\sigma(z) = \frac{1}{1+e^{-z}}$$" "\n\n"
         r"$$L = - \sum_{i=1}^N [ y_i \log(p_i) + (1-y_i) \log(1-p_i) ]$$" "\n\n")


def _last(body: str):
    return derive.check_text(body, jobs=1).equations[-1]


@pytest.mark.parametrize(("claim", "verdict"), [
    (r"\frac{\partial L}{\partial w} = \sum_{i=1}^N (p_i-y_i)x_i", "proved"),
    (r"\frac{\partial L}{\partial w} = \sum_{i=1}^N (y_i-p_i)x_i", "refuted"),
    (r"\frac{\partial L}{\partial b} = \sum_{i=1}^N (p_i-y_i)", "proved"),
    (r"\frac{\partial z_i}{\partial w} = x_i", "proved"),
    (r"\frac{\partial z_i}{\partial w} = w", "refuted"),
])
def test_the_plain_logistic_model(claim, verdict):
    eq = _last(MODEL + f"$${claim}$$\n")
    assert [lk.verdict.value for lk in eq.links] == [verdict]
    if "partial w" in claim:  # (an equation without w has no note about it)
        assert any("w is read as a vector" in n for n in eq.notes)


def test_a_bare_neighbour_is_a_vector_of_the_same_size():
    eq = _last(r"$$u = w^T x$$" "\n\n" r"$$\frac{\partial u}{\partial x} = w$$" "\n")
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    eq = _last(r"$$u = w^T x$$" "\n\n" r"$$\frac{\partial u}{\partial w} = 2 x$$" "\n")
    assert [lk.verdict.value for lk in eq.links] == ["refuted"]


def test_what_stays_as_it_was():
    # w written with an index: w^T beside its family, as before (no note of this kind)
    report = derive.check_text(r"$$u = w^T x$$" "\n\n" r"$$u = \sum_{k=1}^n w_k x_k$$" "\n",
                               jobs=1)
    assert not any("is read as a vector (it is transposed" in n
                   for e in report.equations for n in e.notes)
    # a capital is a matrix or a vector: not guessed
    eq = derive.check_text(r"$$u = W^T x + 1$$" "\n", jobs=1).equations[0]
    assert eq.kind == "error" and "W^T reads as a transpose" in eq.error.message
    # x written bare and with an index: which is the vector is unclear, so no family
    report = derive.check_text(r"$$z_i = w^T x_i$$" "\n\n" r"$$x = 2$$" "\n", jobs=1)
    assert not any("x_i is read as vector i" in n for e in report.equations for n in e.notes)


def test_a_promoted_vector_used_as_a_scalar_is_an_error_never_a_verdict():
    report = derive.check_text(r"$$z_i = w^T x_i + b$$" "\n\n" r"$$w + 1 = 2$$" "\n", jobs=1)
    eq = report.equations[-1]
    assert eq.kind == "error" or not any(lk.verdict.value == "proved" for lk in eq.links)

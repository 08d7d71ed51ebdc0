"""Two readings from triton's notes: a '.' between two factors with the same space on both
sides (``df.\\frac{…}{…}``, ``a . b``) is a product, with a note; a full stop (``b. c``) is not.
And a sum with no range over one axis of a family of several indices (``\\sum_l e^{x_{kl}}``)
runs over all of that axis, 1..|x|_2, for every size."""

from __future__ import annotations

import pytest

import derive


def _eq(text: str):
    return derive.check_text(text, jobs=1).equations[-1]


@pytest.mark.parametrize("claim", [r"a . b = b a", r"a.b = a b", r"2.a = a + a",
                                   r"\frac{1}{a} . \frac{b}{c} = \frac{b}{a c}"])
def test_a_dot_between_factors_is_a_product(claim):
    eq = _eq(f"$${claim}$$\n")
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    assert any("'.' between two factors" in n for n in eq.notes)


@pytest.mark.parametrize("claim", [r"a . b = a + b", r"a.b = 2 a b"])
def test_a_wrong_step_with_a_dot_is_refuted(claim):
    assert [lk.verdict.value for lk in _eq(f"$${claim}$$\n").links] == ["refuted"]


def test_a_full_stop_is_no_product():
    assert _eq(r"$$a = b. c$$" "\n").kind == "error"
    assert _eq(r"$$a = b.$$" "\n").kind != "error"


def test_a_dot_between_vectors_is_refused():
    eq = _eq(r"$$s = \mathbf{u} . \mathbf{v}$$" "\n")
    assert eq.kind == "error" and "\\cdot" in eq.error.message


def test_a_sum_over_one_axis_runs_over_all_of_it():
    eq = _eq(r"$$\frac{\partial}{\partial x_{ij}} \log \sum_l e^{x_{il}} = "
             r"\frac{e^{x_{ij}}}{\sum_l e^{x_{il}}}$$" "\n")
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    assert any("axis 2" in n and "|x|_2" in n for n in eq.notes)


def test_a_sum_over_one_axis_is_not_the_whole_family():
    # Σ_l e^{x_{kl}} is row k: its derivative by x_{ij} is 0 unless k = i, never proved as 1
    eq = _eq(r"$$\frac{\partial}{\partial x_{ij}} \sum_l x_{kl} = 1$$" "\n")
    assert [lk.verdict.value for lk in eq.links] != ["proved"]


@pytest.mark.parametrize(("claim", "verdict"), [
    (r"-a_1 - a_2 \cdots - a_n = -\sum_{k=1}^{n} a_k", "proved"),
    (r"a_1 + a_2 \cdots + a_n = \sum_{k=1}^{n} a_k", "proved"),
    (r"-a_1 - a_2 \cdots - a_n = \sum_{k=1}^{n} a_k", "refuted"),
])
def test_dots_with_the_sign_before_them_left_out(claim, verdict):
    # d2l: -\log P(x_1) - \log P(x_2) \cdots - \log P(x_n): only a sum goes on so
    assert [lk.verdict.value for lk in _eq(f"$${claim}$$\n").links] == [verdict]


def test_dots_between_different_signs_are_refused():
    assert _eq(r"$$s = a_1 + a_2 \cdots - a_n$$" "\n").kind == "error"


@pytest.mark.parametrize(("claim", "verdict"), [
    (r"\tanh'(z) = 1 - \tanh^2(z)", "proved"),   # caramdir's tanh
    (r"\tanh'(z) = 1 + \tanh^2(z)", "refuted"),
    (r"\sin''(x) = -\sin(x)", "proved"),
    (r"\cos'(x_i) = \sin(x_i)", "refuted"),
])
def test_a_prime_on_a_built_in_function_at_a_name(claim, verdict):
    assert [lk.verdict.value for lk in _eq(f"$${claim}$$\n").links] == [verdict]


@pytest.mark.parametrize("claim", [r"\tanh'(2x) = 2", r"\tanh' z = 1", r"\sin'''(x) = 0"])
def test_a_prime_on_a_built_in_function_elsewhere_is_refused(claim):
    assert _eq(f"$${claim}$$\n").kind == "error"

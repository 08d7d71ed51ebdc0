"""Class labels written as indices: f_{y_i}, p_{y_i} and 1(y_i = k) (cs231n's softmax loss).

A label y_i is read as an index of its own, for the one letter i it is written with: the
claim must hold for every value of it in the range of the family it indexes, and of the
other free indices, coinciding or not. Its tie to i is kept where i stays a letter (L_j of
L_i = −log p_{y_i} reads y_j); under a sum over i, or at a number, it is undecided, never
one label for every sample. A point never gives y_i and y_j two values where i = j. The
name y is then a label only: written also as a value (y_i log p_i) it is refused."""

from __future__ import annotations

import pytest

import derive

SOFTMAX = (r"$$p_k = \frac{e^{f_k}}{\sum_{j=1}^K e^{f_j}}$$" "\n\n"
           r"$$L_i = -\log(p_{y_i})$$" "\n\n")


def _last(text: str) -> str:
    eq = derive.check_text(text, jobs=1).equations[-1]
    return "error" if eq.kind == "error" else " ".join(lk.verdict.value for lk in eq.links)


@pytest.mark.parametrize(("claim", "verdict"), [
    (r"\frac{\partial L_i}{\partial f_k} = p_k - \mathbb{1}(y_i = k)", "proved"),
    (r"\frac{\partial L_i}{\partial f_k} = p_k - 1", "refuted"),
    (r"\frac{\partial L_i}{\partial f_k} = p_k - \mathbb{1}(y_i \neq k)", "refuted"),
    (r"\frac{\partial L_i}{\partial f_k} = p_{y_i} - \mathbb{1}(y_i = k)", "refuted"),
    (r"\frac{\partial L_i}{\partial f_k} = p_k", "refuted"),
    (r"\frac{\partial L_i}{\partial f_{y_i}} = p_{y_i} - 1", "proved"),
    (r"\frac{\partial L_i}{\partial f_{y_i}} = p_{y_i}", "refuted"),
    (r"\sum_{k=1}^K \frac{\partial L_i}{\partial f_k} = 0", "proved"),
    (r"L_j = -\log(p_{y_j})", "proved"),
    (r"L_i = L_j", "refuted"),
    (r"\frac{\partial L_j}{\partial f_k} = p_k - \mathbb{1}(y_j = k)", "proved"),
    (r"\frac{\partial L_j}{\partial f_k} = p_k - \mathbb{1}(y_i = k)", "refuted"),
])
def test_the_cs231n_gradient_and_its_wrong_variants(claim, verdict):
    assert _last(SOFTMAX + f"$${claim}$$") == verdict


@pytest.mark.parametrize("claim", [
    r"\sum_{i=1}^n L_i = n L_1",  # false: one label for every sample
    r"\sum_{i=1}^n L_i = -\sum_{i=1}^n \log p_{y_i}",  # true, but a label per sample
    r"\sum_{i=1}^n f_{y_i} = \sum_{i=1}^n f_{y_i}",
])
def test_a_label_under_a_sum_over_its_sample_is_undecided(claim):
    assert _last(SOFTMAX + f"$${claim}$$") == "unknown"


@pytest.mark.parametrize(("claim", "verdict"), [
    (r"\sum_{k=1}^K f_k \mathbb{1}(y_i = k) = f_{y_i}", "proved"),
    (r"\sum_{k=1}^K f_k \mathbb{1}(y_i \neq k) = \sum_{k=1}^K f_k - f_{y_i}", "proved"),
    (r"\sum_{k=1}^K f_k \mathbb{1}(y_i = k) = f_1", "refuted"),
    (r"\mathbb{1}(y_i = k) = \mathbb{1}(k = y_i)", "proved"),
    (r"f_{y_i} - f_{y_j} = 0", "refuted"),
    (r"\sum_{k=1}^K \mathbb{1}(y_i = k) = K", "refuted"),
    # needs y_i in 1..K, which nothing states here (as for a free index i)
    (r"\sum_{k=1}^K \mathbb{1}(y_i = k) = 1", "conditional"),
])
def test_a_label_is_an_index_for_every_value(claim, verdict):
    assert _last(f"$${claim}$$") == verdict


def test_a_counterexample_gives_one_label_to_one_sample():
    eq = derive.check_text(r"$$\mathbb{1}(y_i = y_j) = \mathbb{1}(i = j)$$", jobs=1).equations[-1]
    link = eq.links[0]
    assert link.verdict.value == "refuted"
    point = link.counterexample.text
    # i = j with y_i ≠ y_j is no point at all: the one found has i ≠ j and y_i = y_j
    assert "i=1, j=2" in point or "i=2, j=1" in point, point


def test_a_label_also_written_as_a_value_is_refused():
    text = r"$$a = y_i \log p_i$$" "\n\n" r"$$f_{y_i} = f_{y_i}$$"
    eq = derive.check_text(text, jobs=1).equations[-1]
    assert eq.kind == "error" and "written as a label" in eq.error.message


def test_a_label_is_shown_as_written():
    eq = derive.check_text(SOFTMAX + r"$$\frac{\partial L_i}{\partial f_k} = p_k - "
                           r"\mathbb{1}(y_i = k)$$", jobs=1).equations[-1]
    assert eq.links[0].rhs_text == "p_k − 1{y_i=k}"
    wrong = derive.check_text(SOFTMAX + r"$$\frac{\partial L_i}{\partial f_k} = p_k$$",
                              jobs=1).equations[-1].links[0]
    assert "y_i=" in wrong.counterexample.text and "#" not in wrong.counterexample.text


def test_a_label_is_one_letter_with_a_one_letter_subscript():
    eq = derive.check_text(r"$$a = f_{y_1}$$", jobs=1).equations[-1]
    assert eq.kind == "error" and "one-letter subscript" in eq.error.message


def test_an_entry_at_a_label_defines_nothing():
    # f_{y_i} = 2 gives one entry a value: never f_k = 2 for every k
    eqs = derive.check_text(r"$$f_{y_i} = 2$$" "\n\n" r"$$g = f_1$$" "\n\n" r"$$g = 2$$",
                            jobs=1).equations
    assert eqs[0].kind == "claim"
    assert eqs[-1].links[0].verdict.value != "proved"


def test_a_label_among_several_indices_is_shown_apart():
    eq = derive.check_text(r"$$a_{y_i j} = 2 W_{y_i, j}$$" "\n\n" r"$$a_{y_i j} = W_{y_i j}$$",
                           jobs=1).equations[-1]
    assert "W_{y_i,j}" in eq.links[0].rhs_text

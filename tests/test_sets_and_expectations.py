"""Sums over a set and discrete expectations (issue #19, point 3): ``\\sum_{x \\in X} f(x)``
is read over the elements of X for every size |X|, and ``E_{x \\sim P}[f(x)]`` as
Σ_x P(x) f(x) where the document sums x over exactly one set. What is not clearly discrete
(no set, two sets, an integral elsewhere, a distribution written out) is skipped with its
reason; what would be a guess (a term after the sum using x, which is also written outside;
a set that is also a family) is refused. False variants are refuted or left unknown, never
proved; a generated check compares verdicts with polynomial identity decided independently."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

import derive


def _equations(text: str):
    return derive.check_text(text, jobs=1).equations


def _verdicts(latex: str) -> list[str]:
    (eq,) = _equations(f"$$\n{latex}\n$$\n")
    assert eq.kind != "error", eq.error
    return [lk.verdict.value for lk in eq.links]


def _last(latex: str) -> str:
    return _verdicts(latex)[-1]


# -- sums over a named set

@pytest.mark.parametrize("latex", [
    r"A = \sum_{x \in X} f(x) = \sum_{y \in X} f(y)",  # the bound name is a dummy
    r"A = \sum_{x \in X} (f(x) + g(x)) = \sum_{x \in X} f(x) + \sum_{x \in X} g(x)",
    r"A = \sum_{x \in X} 2 f(x) = 2 \sum_{x \in X} f(x)",
    r"A = \sum_{x \in X} \sum_{y \in Y} f(x) g(y) = \sum_{x \in X} f(x) \sum_{y \in Y} g(y)",
    r"A = \sum_{x \in \mathcal{X}} p(x) \log p(x) = \sum_{z \in \mathcal{X}} \log p(z) p(z)",
    r"A = \prod_{x \in X} 2 f(x) = \prod_{y \in X} f(y) 2",
])
def test_true_sums_over_a_set_are_proved(latex):
    assert _last(latex) == "proved"


@pytest.mark.parametrize("latex", [
    r"A = \sum_{x \in X} f(x) = \sum_{x \in Y} f(x)",  # two sets
    r"A = \sum_{x \in X} 1 = 1",  # false once |X| = 2
    r"A = \sum_{x \in X} \sum_{y \in X} f(x) g(y) = \sum_{x \in X} f(x) g(x)",
    r"A = \sum_{x \in X} f(x)^2 = \left(\sum_{x \in X} f(x)\right)^2",
    r"A = \prod_{x \in X} f(x) = \prod_{x \in X} f(x)^2",
    r"A = \sum_{x \in X} f(x) = f(x)",  # one element only when |X| = 1
])
def test_false_sums_over_a_set_are_never_proved(latex):
    assert _last(latex) != "proved"


def test_a_sum_over_a_set_says_how_it_was_read():
    (eq,) = _equations("$$ A = \\sum_{x \\in X} f(x) = \\sum_{y \\in X} f(y) $$\n")
    assert any("elements" in n and "|X|" in n for n in eq.notes), eq.notes


def test_the_index_over_elements_never_gives_a_range_to_the_authors_sums():
    # k over X's elements is derive's choice; the author's Σ_k e^{o_k} still runs over all of o
    text = ("$$ A = \\sum_{x \\in X} f(x) $$\n\n"
            "$$ B = \\sum_k e^{o_k} = \\sum_j e^{o_j} $$\n")
    eqs = _equations(text)
    assert eqs[1].links[-1].verdict.value == "proved"
    assert any("|o|" in n for n in eqs[1].notes) and not any("|X|" in n for n in eqs[1].notes)


def test_a_set_written_out_is_skipped():
    (eq,) = _equations("$$ A = \\sum_{y \\in \\{0, 1\\}} f(y) $$\n")
    assert eq.kind == "skipped" and any("written out" in n for n in eq.notes)


@pytest.mark.parametrize("text, words", [
    ("$$ A = \\sum_{x \\in X} x_1 $$\n", "with an index"),
    ("$$ A = \\sum_{x \\in X} x(1) $$\n", "applied as a function"),
    ("$$ A = \\sum_{x \\in X} f(x) $$\n\n$$ B = X_1 + X_2 $$\n", "family"),
    ("$$ A = \\sum_{x \\in X} f(x) $$\n\n$$ B = \\sum_{i=1}^m X^{(i)} $$\n", "sample"),
])
def test_a_reading_that_would_be_a_guess_is_refused(text, words):
    eq = _equations(text)[0]
    assert eq.kind == "error" and words in eq.error.message, eq.error


# -- terms after a sum over a set

def test_a_term_after_the_sum_using_its_name_is_read_inside_with_a_note():
    latex = r"A = \sum_{x \in X} f(x) + g(x) = \sum_{x \in X} (f(x) + g(x))"
    (eq,) = _equations(f"$$ {latex} $$\n")
    assert eq.links[-1].verdict.value == "proved"
    assert any("read inside the sum" in n for n in eq.notes), eq.notes


def test_a_term_after_the_sum_whose_name_is_also_free_is_refused():
    latex = r"D(p(x)) = \sum_{x \in X} P(x) \log p(x) - P(x) \log q(x)"
    (eq,) = _equations(f"$$ {latex} $$\n")
    assert eq.kind == "error" and "not guessed" in eq.error.message


def test_a_negated_sum_over_a_set_does_not_take_the_next_term():
    (eq,) = _equations("$$ A = - \\sum_{x \\in X} f(x) + g(x) $$\n")
    assert eq.kind == "error" and "negated" in eq.error.message


# -- expectations

_SET = "$$ S = \\sum_{x \\in \\mathcal{X}} p(x) $$\n\n"


@pytest.mark.parametrize("latex", [
    r"H = - \sum_{x \in \mathcal{X}} p(x) \log p(x) = - \mathbb{E}_{x \sim p}[\log p(x)]",
    r"H = \sum_{x \in \mathcal{X}} p(x) f(x) = E_{x \sim p(x)}[f(x)]",
    r"K = E_{x \sim p}[f(x) + g(x)] = E_{x \sim p}[f(x)] + E_{x \sim p}[g(x)]",
    r"K = E_{x \sim p}[3 f(x)] = 3 E_{x \sim p}[f(x)]",
])
def test_a_discrete_expectation_is_the_weighted_sum(latex):
    (_, eq) = _equations(_SET + f"$$ {latex} $$\n")
    assert eq.links[-1].verdict.value == "proved", eq.links[-1].verdict
    assert any("expectation" in n for n in eq.notes)


@pytest.mark.parametrize("latex", [
    r"L = E_{x \sim p}[f(x)] = \sum_{x \in \mathcal{X}} f(x)",  # the weight left out
    r"L = E_{x \sim p}[f(x)^2] = E_{x \sim p}[f(x)]^2",
    r"L = E_{x \sim p}[f(x)] = E_{x \sim q}[f(x)]",
    r"L = E_{x \sim p}[\log f(x)] = \log E_{x \sim p}[f(x)]",
])
def test_false_expectations_are_never_proved(latex):
    (_, eq) = _equations(_SET + f"$$ {latex} $$\n")
    assert eq.links[-1].verdict.value != "proved"


@pytest.mark.parametrize("text, words", [
    ("$$ H = - E_{x \\sim p}[\\log p(x)] $$\n", "never sums over a set"),
    ("$$ A = \\sum_{x \\in X} p(x) + \\sum_{x \\in Y} p(x) $$\n\n"
     "$$ H = E_{x \\sim p}[f(x)] $$\n", "several sets"),
    (_SET + "$$ C = \\int p(x) dx $$\n\n$$ H = E_{x \\sim p}[f(x)] $$\n", "integral"),
    (_SET + "$$ Q = E_{x \\sim \\mathcal{N}(0, 1)}[f(x)] $$\n", "written out"),
])
def test_an_expectation_not_clearly_discrete_is_skipped_with_its_reason(text, words):
    eq = _equations(text)[-1]
    assert eq.kind == "skipped" and any(words in n for n in eq.notes), (eq.kind, eq.notes)


def test_an_expectation_beside_the_sum_in_one_display_is_read_despite_an_integral():
    text = ("$$ C = \\int p(x) \\log p(x) $$\n\n"
            "$$ H = - \\sum_{x \\in X} p(x) \\log p(x) = - E_{x \\sim p}[\\log p(x)] $$\n")
    eq = _equations(text)[-1]
    assert eq.links[-1].verdict.value == "proved"


# -- generated: Σ_{x∈X} A(x) = Σ_{y∈X} B(y) for polynomials A, B in f(x), g(x)

def _poly(rng: random.Random) -> dict[tuple[int, int], Fraction]:
    return {(rng.randint(0, 2), rng.randint(0, 2)): Fraction(rng.randint(-3, 3))
            for _ in range(rng.randint(1, 3))}


def _latex(poly: dict[tuple[int, int], Fraction], x: str) -> str:
    terms = []
    for (a, b), c in sorted(poly.items()):
        if c == 0:
            continue
        factors = [f"f({x})^{{{a}}}" if a else "", f"g({x})^{{{b}}}" if b else ""]
        body = " ".join(f for f in factors if f) or "1"
        terms.append(f"({c}) {body}" if c != 1 else body)
    return " + ".join(terms) or "0"


def _same(p: dict, q: dict) -> bool:
    """Polynomial identity in f, g, decided by coefficients (no derive, no sympy)."""
    keys = set(p) | set(q)
    return all(p.get(k, 0) == q.get(k, 0) for k in keys)


@pytest.mark.parametrize("seed", range(12))
def test_generated_sums_over_a_set_match_polynomial_identity(seed):
    rng = random.Random(seed)
    p = _poly(rng)
    q = dict(p) if rng.random() < 0.5 else _poly(rng)
    if rng.random() < 0.3:  # a near miss: one coefficient moved
        k = next(iter(q))
        q[k] = q[k] + 1
    latex = (f"A = \\sum_{{x \\in X}} ({_latex(p, 'x')}) = "
             f"\\sum_{{y \\in X}} ({_latex(q, 'y')})")
    verdict = _last(latex)
    if _same(p, q):
        assert verdict == "proved", latex
    else:
        assert verdict != "proved", latex


def test_samples_and_elements_are_never_assumed_one_hot():
    # x^{(i)} and X^{(k)} are data points, not a target vector: a false step about them is
    # refuted, never "conditional on x^{(·)} being one-hot"
    for latex in (r"\sum_{i=1}^m (x^{(i)})^2 = \sum_{i=1}^m x^{(i)}",
                  r"A = \sum_{x \in X} x^2 = \sum_{x \in X} x"):
        assert _last(latex) == "refuted", latex

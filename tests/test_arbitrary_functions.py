"""Generated claims about arbitrary functions: the true ones are never refuted, the false
ones never proved.

A claim about a function the document never defines must hold for every function, so derive
refutes a false one by putting concrete functions in (derive.engine.standins). That is only
sound if a true claim can never be refuted that way. Here random polynomials A(x) are written
in two spellings (terms in another order, a coefficient split in two), and claims are built
around unknown functions f and g: true ones (f(A) + g(B) = g(A) + f(B) with A = B, the chain
rule d/dx f(A) = A' f'(A) with A' differentiated here by hand) and false ones (f(A) = f(A + 1),
the chain rule without its inner derivative, f(A)^2 = f(A^2)). The expectations come from the
construction, not from derive.
"""

from __future__ import annotations

import random

import pytest

import derive

CASES = 24


def _poly(rng: random.Random) -> list[tuple[int, int]]:
    """(coefficient, power) terms, powers distinct, at least one power ≥ 2."""
    powers = rng.sample(range(0, 4), rng.randint(2, 3))
    if max(powers) < 2:
        powers.append(2)
    return [(rng.choice([-3, -2, -1, 1, 2, 3]), p) for p in powers]


def _term(c: int, p: int, split: int | None = None) -> str:
    coef = f"({split} + {c - split})" if split is not None else str(c)
    return coef if p == 0 else f"{coef} x" if p == 1 else f"{coef} x^{{{p}}}"


def _spell(terms: list[tuple[int, int]], rng: random.Random, split: bool) -> str:
    order = terms[:]
    rng.shuffle(order)
    parts = [_term(c, p, rng.randint(-2, 2) if split else None) for c, p in order]
    return " + ".join(parts).replace("+ -", "- ")


def _derivative(terms: list[tuple[int, int]]) -> str:
    d = [(c * p, p - 1) for c, p in terms if p > 0]
    return " + ".join(_term(c, p) for c, p in d).replace("+ -", "- ")


def _claims(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    terms = _poly(rng)
    a, b = _spell(terms, rng, False), _spell(terms, rng, True)
    da = _derivative(terms)
    true = [f"f({a}) + g({b}) = g({a}) + f({b})",
            f"\\frac{{d}}{{dx}} f({a}) = ({da}) f'({b})",
            f"f({a}) g({b}) - g({a}) f({b}) = 0"]
    false = [f"f({a}) = f({b} + 1)",
             f"\\frac{{d}}{{dx}} f({a}) = f'({b})",
             f"f({a})^2 = f(({b})^2)",
             f"f({a}) + g({b}) = 2 f({a})"]
    return true, false


def _verdict(claim: str) -> str:
    report = derive.check_text(f"$$ {claim} $$\n", jobs=1)
    (eq,) = report.equations
    assert eq.kind == "claim", (claim, eq.error)
    (link,) = eq.links
    return link.verdict.value


@pytest.mark.parametrize("seed", range(CASES))
def test_claims_about_arbitrary_functions(seed):
    true, false = _claims(seed)
    for claim in true:
        assert _verdict(claim) in ("proved", "unknown"), claim  # never refuted
    for claim in false:
        assert _verdict(claim) == "refuted", claim  # never proved, and shown false


# -- a claim that holds in one case of its indices only, about an arbitrary function

def _link(text: str):
    (eq,) = derive.check_text(text, jobs=1).equations
    return eq.links[0]


def test_a_function_claim_true_only_when_indices_coincide_is_refuted_with_the_function():
    link = _link("$$ f(x_i) - f(x_j) = 0 $$\n")
    assert link.verdict.value == "refuted"
    assert "i = j" in link.reason and link.counterexample.functions


def test_the_same_claim_in_its_case_is_proved():
    assert _link("$$ f(x_i) - f(x_j) = 0 \\quad i = j $$\n").verdict.value == "proved"


def test_a_probability_in_the_same_claim_is_not_refuted():
    # P may be given by the prose: what numbers find about it is no refutation
    assert _link("$$ P(x_i) - P(x_j) = 0 $$\n").verdict.value == "unknown"


def test_an_unknown_function_of_a_defined_entry_is_differentiated_at_the_entry():
    # φ′ at z_k with z_k defined: the definition replaces the point, never the variable
    # (sympy's Derivative(φ(z_k), z_k) with z_k replaced by a sum was an engine failure)
    text = (r"$$z_k = \sum_{j=1}^n W_{kj} x_j$$" "\n\n" r"$$h_k = \phi(z_k)$$" "\n\n")
    for claim, verdict in ((r"\frac{\partial h_k}{\partial z_j} = \phi'(z_k) \delta_{kj}",
                            "proved"),
                           (r"\frac{\partial h_k}{\partial z_j} = \phi'(z_j)", "unknown"),
                           (r"\frac{\partial h_k}{\partial x_j} = \phi'(z_k) W_{kj}", "proved")):
        eq = derive.check_text(text + f"$${claim}$$", jobs=1).equations[-1]
        assert [lk.verdict.value for lk in eq.links] == [verdict], claim


def test_a_derivative_at_a_point_is_printed_as_written():
    text = (r"$$z_k = \sum_{j=1}^n W_{kj} x_j$$" "\n\n" r"$$h_k = f(z_k)$$" "\n\n"
            r"$$\frac{\partial h_k}{\partial x_j} = f'(z_k) W_{jk}$$")
    link = derive.check_text(text, jobs=1).equations[-1].links[0]
    assert link.verdict.value != "proved"
    assert "f′(Σ" in link.residual_text and "Subs" not in link.residual_text

"""Probability notation and words in math (issues #17, #19): each construct is read as an
application, never a product and never a silent misreading.

``P(a \\mid b)`` applies P to (a, b) with the condition part of what is applied (never
``P(a, b)`` nor ``P(b \\mid a)``); ``KL(q || p)`` applies KL to (q, p) in order;
``q(z; \\mu, \\sigma)`` has three arguments; ``H[P]`` and ``\\mathbb{E}[X]`` are
applications in brackets; an undefined H applied to one argument and to two is two functions;
``{\\rm if}~i=j,~`` in front of a chain is its case; an expectation under a distribution is
skipped with its reason. True claims are proved (or unknown), false variants never proved.
"""

from __future__ import annotations

import pytest

import derive
from derive.reading.parser import ParseError, parse_expression
from derive.reading.syntax import Apply, key, to_latex, to_text

SOFTMAX = r"$$y_i = \frac{e^{x_i}}{\sum_{k=1}^{K} e^{x_k}}$$" "\n\n"


def _equations(text: str):
    return derive.check_text(text, jobs=1).equations


def _verdicts(text: str) -> list[str]:
    (*_, eq) = _equations(text)
    assert eq.kind != "error", eq.error.message if eq.error else ""
    return [lk.verdict.value for lk in eq.links]


# -- the reader: what is applied to what

@pytest.mark.parametrize("src,name,args", [
    (r"P(a \mid b)", "P", 2), (r"p(y | x)", "p", 2), (r"P(a \vert b)", "P", 2),
    (r"\mathrm{KL}(P \| Q)", r"\operatorname{KL}", 2), (r"KL(q || p)", r"\operatorname{KL}", 2),
    (r"D_{KL}(P \parallel Q)", "D_{KL}", 2), (r"q(z; \mu, \sigma^2)", "q", 3),
    (r"H[P]", "H", 1), (r"\mathbb{E}[X]", r"\mathbb{E}", 1), (r"S\left[P(x)\right]", "S", 1),
    (r"{\rm softmax}(z)", r"\operatorname{softmax}", 1), (r"P(a \mid b, c)", "P", 3),
    (r"\mathbb{P}(A \mid B)", r"\mathbb{P}", 2),
])
def test_each_spelling_is_one_application(src, name, args):
    node = parse_expression(src)
    assert isinstance(node, Apply) and node.func.name == name and len(node.args) == args
    again = parse_expression(to_latex(node))  # printed back in the author's notation
    assert key(again) == key(node)


def test_the_condition_and_the_divergence_are_part_of_the_identity_and_order_is_kept():
    k = lambda s: key(parse_expression(s))  # noqa: E731
    assert k("P(a|b)") != k("P(a, b)") and k("P(a|b)") != k("P(b|a)")
    assert k(r"P(a \mid b)") == k("P(a | b)") == k(r"P(a \vert b)")
    assert k("KL(q||p)") == k(r"\mathrm{KL}(q \| p)") == k(r"\operatorname{KL}(q \parallel p)")
    assert k("KL(q||p)") != k("KL(p||q)") and k("KL(q||p)") != k(r"\mathrm{KL}(q, p)")
    assert k("q(z; m, s)") == k("q(z, m, s)")  # ';' only lists parameters
    assert k("H[P]") == k("H(P)")
    assert to_text(parse_expression(r"D_{KL}(P \| Q)")) == "D_{KL}(P ‖ Q)"


def test_rm_words_are_names():
    assert key(parse_expression(r"{\rm softmax}(z)")) == key(
        parse_expression(r"\mathrm{softmax}(z)"))
    assert key(parse_expression(r"\rm{MSE}")) == key(parse_expression(r"\text{MSE}"))
    assert parse_expression(r"{\rm log} x") == parse_expression(r"\log x")


@pytest.mark.parametrize("src,message", [
    (r"xp(y | x)", r"\operatorname{xp}"),  # a name, or x times p(y | x)?
    (r"aKL(q || p)", r"\operatorname{aKL}"),
    (r"Dx[f]", r"\operatorname{Dx}"),  # an operator D_x, or D·x[…]?
    (r"p_i(y | x)", "as an argument"),  # the name would hide the index from a sum over i
    (r"p_\theta(y | x)", "as an argument"),
    (r"P(a | b | c)", "at most one condition"),
    (r"KL(a || b || c)", "at most one"),
    (r"KL(a || b, c)", "between two arguments"),
    (r"q(z; a; b)", "one ';'"),
    (r"H[k = i]", "indicator"),
    (r"y {\rm if} x", "prose belongs outside"),
    (r"{\rm d}x", r"\mathrm{d}"),
    (r"p'(y | x)", "prime"),
])
def test_what_cannot_be_read_faithfully_is_refused_saying_how_to_write_it(src, message):
    with pytest.raises(ParseError) as exc:
        parse_expression(src)
    assert message in exc.value.message


# -- the checker: true claims proved or unknown, false variants never proved

@pytest.mark.parametrize("text,want", [
    (r"$$P(a \mid b) + P(a \mid b) = 2 P(a | b)$$", "proved"),
    (r"$$P(a \mid b) = P(b \mid a)$$", "unknown"),  # swapped condition
    (r"$$P(a \mid b) + 1 = P(a, b) + 1$$", "unknown"),  # a condition is not a joint
    (r"$$\log p(y | x) + \log p(y | x) = 2 \log p(y \mid x)$$", "proved"),
    (r"$$\mathrm{KL}(P \| Q) + 0 = KL(P || Q)$$", "proved"),
    (r"$$KL(q || p) + 0 = KL(p || q)$$", "unknown"),  # swapped arguments
    (r"$$-KL(q || p) + 0 = KL(q || p)$$", "unknown"),  # wrong sign
    (r"$$2 D_{KL}(P \parallel Q) - D_{KL}(P \parallel Q) = D_{KL}(P \| Q)$$", "proved"),
    (r"$$H(S) + H(X, Y) = H(X, Y) + H(S)$$", "proved"),
    (r"$$H(X, Y) + 0 = H(Y, X)$$", "unknown"),
    (r"$$H(S) + 0 = H(S, S)$$", "unknown"),  # H of one argument and of two: two functions
    (r"$$2 H[P] = H(P) + H[P]$$", "proved"),
    (r"$$2 H[P] = H(P) + H[Q]$$", "unknown"),
    (r"$$\mathbb{E}[X]^2 = \mathbb{E}[X] \mathbb{E}[X]$$", "proved"),
    (r"$$\mathbb{E}[X^2] = \mathbb{E}[X]^2$$", "unknown"),
])
def test_unknown_functions_of_probability_notation(text, want):
    assert _verdicts(text) == [want]


def test_a_false_claim_about_a_conditional_says_which_function_shows_it():
    (eq,) = _equations(r"$$P(a \mid b) = P(b \mid a)$$")
    assert "not true for every function" in eq.links[0].reason
    assert "P(u1 | u2)" in eq.links[0].reason


def test_a_definition_with_parameters_is_a_function_of_all_its_arguments():
    q = r"$$q(z; \mu, \sigma) = \sigma e^{-(z - \mu)^2}$$" "\n\n"
    (d, _) = _equations(q + r"$$q(x; 0, 1) = e^{-x^2}$$")
    assert d.kind == "definition" and d.defines == "q"
    assert _verdicts(q + r"$$q(x; 0, 1) = e^{-x^2}$$") == ["proved"]
    assert _verdicts(q + r"$$q(x; 0, 2) = e^{-x^2}$$") == ["refuted"]
    assert _verdicts(q + r"$$q(x; 1, 1) = e^{-(x + 1)^2}$$") == ["refuted"]  # sign of μ


def test_a_defined_function_is_never_given_a_condition_or_another_arity():
    f = "$$f(x) = x^2$$\n\n"
    (_, eq) = _equations(f + "$$f(a | b) = f(a)$$")
    assert eq.kind == "error" and "condition" in eq.error.message
    (*_, last) = _equations(f + "$$f(a, b) + 1 = f(a) + 1$$")
    assert last.kind == "error" and "needs a name of its own" in last.error.message


def test_a_conditional_of_a_scalar_is_never_the_scalar_itself():
    # C(z) after C = 3 names what C depends on; P(a | b) after P = 3 is not P
    (_, eq) = _equations("$$P = 3$$\n\n$$P(a | b) = 3$$")
    assert eq.kind == "error" and "several arguments" in eq.error.message


def test_an_equation_about_a_conditional_defines_nothing():
    # P(a | b) = … is a claim about the unknown P, never a definition of P
    (eq,) = _equations(r"$$P(a \mid b) = \frac{P(a, b)}{P(b)}$$")
    assert eq.kind == "claim" and [lk.verdict.value for lk in eq.links] == ["unknown"]


def test_distributions_named_in_a_divergence_are_not_factors():
    text = ("$$KL(q || p) = 1$$\n\n"
            r"$$\log q(z; m, s) + 0 = \log q(z; m, s)$$" "\n")
    assert _verdicts(text) == ["proved"]  # q is a function here, not KL's factor


# -- expectations under a distribution: skipped, with the reason

@pytest.mark.parametrize("src", [
    r"\mathbb{E}_{x \sim P}[f(x)] = \sum_x P(x) f(x)",
    r"H(p, q) = - E_{x \sim p(x)}\left[ \log q(x) \right]",
])
def test_an_expectation_under_a_distribution_is_skipped_with_its_reason(src):
    (eq,) = _equations(f"$${src}$$")
    assert eq.kind == "skipped" and any("expectation" in n for n in eq.notes)


# -- a case written in front of the chain

def test_a_case_in_front_of_a_chain_is_its_condition():
    good = SOFTMAX + (r"$${\rm if}~i=j,~\frac{\partial y_i}{\partial x_j}"
                      r" = y_i \cdot (1-y_i)$$")
    (_, eq) = _equations(good)
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    assert [c.text for c in eq.cases] == ["i = j"]
    off = SOFTMAX + r"$$\text{if } i \ne j, \quad \frac{\partial y_i}{\partial x_j} = -y_i y_j$$"
    assert [lk.verdict.value for lk in _equations(off)[1].links] == ["proved"]
    swapped = SOFTMAX + r"$${\rm if}~i\ne j,~\frac{\partial y_i}{\partial x_j} = y_i (1 - y_i)$$"
    assert [lk.verdict.value for lk in _equations(swapped)[1].links] == ["refuted"]


def test_for_in_front_is_a_range_not_a_case():
    eqs = _equations(r"$$\text{for } i = 1, \quad a_i = 2$$")
    assert not any(eq.cases for eq in eqs)


def test_one_double_bar_in_an_argument_list_is_a_divergence_two_are_a_norm():
    import derive

    def links(text):
        return [lk.verdict.value for e in derive.check_text(text, jobs=1).equations
                for lk in e.links]

    assert links("$$ \\mathrm{KL}(P \\| Q) + 0 = \\mathrm{KL}(P \\| Q) $$") == ["proved"]
    assert links("$$ \\mathrm{KL}(P \\| Q) = \\mathrm{KL}(Q \\| P) $$") == ["unknown"]
    assert links("$$ g(\\|\\mathbf{x}\\|^2) = g(\\mathbf{x}^\\top \\mathbf{x}) $$") == ["proved"]
    assert links("$$ g(\\|\\mathbf{x}\\|^2) = g(2 \\mathbf{x}^\\top \\mathbf{x}) $$") == ["refuted"]


@pytest.mark.parametrize("text", [
    # true by the laws of probability, false for arbitrary functions: never refuted
    r"$$P(a \mid b) = \frac{P(b \mid a) P(a)}{P(b)}$$",
    r"$$\mathbb{E}[X + Y] = \mathbb{E}[X] + \mathbb{E}[Y]$$",
    r"$$0 + H(X, Y) = H(X) + H(Y \mid X)$$",
    r"$$0 + p(x, y) = p(x) p(y)$$",
    # the shape of a definition the reader does not take: the function is not arbitrary
    "$$P(X \\mid \\theta) = \\theta^{n_H}(1-\\theta)^{n_T}$$\n\n"
    "$$P(X \\mid \\theta) = \\theta^9 (1 - \\theta)^4$$",
    "$$f(s_i) = \\frac{1}{1 + e^{-s_i}}$$\n\n$$f(s_i) + f(s_i) = 1$$",
])
def test_probability_notation_and_stated_functions_are_never_refuted_by_stand_ins(text):
    verdicts = [lk.verdict.value for e in derive.check_text(text, jobs=1).equations
                for lk in e.links]
    assert verdicts and "refuted" not in verdicts and "proved" not in verdicts


def test_an_arbitrary_function_is_refuted_with_the_function_named():
    (eq,) = _equations(r"$$f(x + y) = f(x) + f(y)$$")
    (link,) = eq.links
    assert link.verdict.value == "refuted"
    assert link.counterexample.functions == "f(u) = 1 + u^2/2"
    assert "f(u) = 1 + u^2/2" in link.counterexample.text

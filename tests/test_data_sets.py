"""A data set after the ';' of an argument list, ``L(\\boldsymbol{\\beta}; \\{y_n,
\\mathbf{x}_n\\}_{n=1}^N)`` (mlbook's likelihoods): one opaque argument, the data the function is
taken on, held fixed; two data sets are the same only when written the same. And an
application of a name that is written elsewhere only as a family, ``p(y_n)`` beside ``p_n``,
is refused: it was read silently as the product p·y_n."""

from __future__ import annotations

import pytest

import derive
from derive.reading.names import name_text, split_parameters
from derive.reading.parser import parse_expression
from derive.reading.syntax import Apply, Sym

DATA = r"\{y_n, x_n\}_{n = 1}^N"


def _eqs(text: str):
    return derive.check_text(text, jobs=1).equations


def test_a_data_set_is_one_argument():
    node = parse_expression(rf"L(\beta; {DATA})", 0)
    assert isinstance(node, Apply) and len(node.args) == 2
    data = node.args[1]
    assert isinstance(data, Sym) and data.name.startswith("\\{")
    assert name_text(data.name) == "{y_n, x_n}_{n=1}^{N}"


def test_parameters_split_outside_braces():
    assert split_parameters(r"a,\{y_n, x_n\}_{n=1}^{N}") == ["a", r"\{y_n, x_n\}_{n=1}^{N}"]


def test_claims_about_an_unknown_likelihood_are_never_proved():
    text = (rf"$$\log L(\beta; {DATA}) = \sum_{{n=1}}^N y_n \log \beta$$" "\n\n"
            rf"$$\frac{{\partial L(\beta; {DATA})}}{{\partial \beta}} = 0$$" "\n")
    for eq in _eqs(text):
        assert eq.kind != "error", eq.error
        assert all(lk.verdict.value != "proved" for lk in eq.links)


def test_two_data_sets_written_differently_are_not_one():
    other = r"\{y_n, z_n\}_{n = 1}^N"
    text = rf"$$L(\beta; {DATA}) + 0 = L(\beta; {other})$$" "\n"
    (eq,) = _eqs(text)
    # never proved; and for an arbitrary L the two values differ: refuted
    assert [lk.verdict.value for lk in eq.links] == ["refuted"]


def test_the_same_data_set_is_the_same_argument():
    text = rf"$$L(\beta; {DATA}) + 0 = L(\beta; \{{y_n,x_n\}}_{{n=1}}^{{N}})$$" "\n"
    (eq,) = _eqs(text)
    assert [lk.verdict.value for lk in eq.links] == ["proved"]


@pytest.mark.parametrize("bad", [r"L(\beta; \{y_n, x_n\}_{n})", r"L(\beta; \{y_n, x_n)"])
def test_a_malformed_data_set_is_an_error(bad):
    (eq,) = _eqs(f"$${bad} = 1$$\n")
    assert eq.kind == "error"


def test_a_family_applied_is_refused():
    text = (r"$$q_n = p_n^{y_n}$$" "\n\n" r"$$\prod_{n=1}^N p(y_n) = 0$$" "\n")
    eq = _eqs(text)[-1]
    assert eq.kind == "error" and "p_n for an entry" in eq.error.message


def test_a_name_also_written_alone_stays_a_factor():
    # p alone (p y_n) beside p_n: the README's a(b + c) = ab + ac reading, unchanged
    text = (r"$$q_n = p_n^{y_n}$$" "\n\n" r"$$p(y_n + 1) = p y_n + p$$" "\n")
    assert [lk.verdict.value for lk in _eqs(text)[-1].links] == ["proved"]
    # but one name in the brackets, p(y_n), is how a function is written: no product guessed
    text = (r"$$q_n = p_n^{y_n}$$" "\n\n" r"$$p(y_n) = p y_n$$" "\n")
    eq = _eqs(text)[-1]
    assert eq.kind == "error" and "could be p applied to y_n or p times y_n" in eq.error.message


@pytest.mark.parametrize("variable", ["x_1", "y_2", r"\beta"])
def test_a_derivative_by_what_the_data_holds_is_not_zero(variable):
    # the data set is held fixed; differentiating by one of its names is never 0
    text = (rf"$$C = L(w; \{{x_n, y_n\}}_{{n=1}}^N) + \beta$$" "\n\n"
            rf"$$\frac{{\partial C}}{{\partial {variable}}} = "
            + ("1" if variable == r"\beta" else "0") + "$$\n")
    verdicts = [lk.verdict.value for lk in _eqs(text)[-1].links]
    assert verdicts == (["proved"] if variable == r"\beta" else ["unknown"])


def test_a_bold_name_in_the_data_is_its_entries_too():
    text = (r"$$C = L(w; \{\mathbf{x}_n, y_n\}_{n=1}^N)$$" "\n\n"
            r"$$\frac{\partial C}{\partial x_1} = 0$$" "\n")
    assert [lk.verdict.value for lk in _eqs(text)[-1].links] == ["unknown"]


@pytest.mark.parametrize(("claim", "verdict"), [
    (r"L(\beta; Y_1, \dots, Y_N) = L(\beta; Y_1, \ldots, Y_N)", "proved"),
    (r"p(z_1, \ldots, z_k) = p(z_1, \ldots, z_n)", "unknown"),  # another size: never one
    # false for an arbitrary L (at N ≥ 2 for Y_2): refuted
    (r"\frac{\partial L(\beta; Y_1, \dots, Y_N)}{\partial Y_2} = 0", "refuted"),
    (r"\frac{\partial L(\beta; Y_1, \dots, Y_N)}{\partial \beta} = 0", "refuted"),
])
def test_entries_listed_with_dots_are_the_whole_family(claim, verdict):
    # mlbook's L(β_0, β_1; Y_1, …, Y_N): the function of every Y_n, n = 1..N
    text = f"$${claim}$$\n"
    eq = _eqs(text)[-1]
    assert [lk.verdict.value for lk in eq.links] == [verdict], eq.error


@pytest.mark.parametrize("bad", [r"f(x_1, \dots, y_n)", r"f(x_1, \dots)",
                                 r"f(x_2, \dots, x_1 + 1)"])
def test_dots_that_stand_for_nothing_clear_are_refused(bad):
    assert _eqs(f"$$q = {bad}$$\n")[-1].kind == "error"


def test_a_maximum_of_listed_entries_is_refused():
    eq = _eqs(r"$$m = \max(x_1, \ldots, x_n)$$" "\n")[-1]
    assert eq.kind == "error" and "\\max(x_1" in eq.error.message


def test_the_value_of_a_likelihood_prints_with_its_semicolon():
    assert name_text(r"L@\beta,\{y_n, x_n\}_{n=1}^{N}") == "L(β; {y_n, x_n}_{n=1}^{N})"

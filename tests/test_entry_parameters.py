"""A function defined of entries, ``J(\\theta_0, \\theta_1) = …`` (mlbook's
``\\mathcal{L}(\\hat\\beta_0, \\hat\\beta_1)``): the application written again with the same
arguments is the defined value, so its derivatives are checked against the body. The same name
at other arguments stays an unknown function (never proved from the body), and a name also
defined of plain parameters is left to that definition."""

from __future__ import annotations

import pytest

import derive
from derive.reading.entry_parameters import entry_head, values_named
from derive.reading.names import name_text
from derive.reading.syntax import Apply, Num, Sym

COST = (r"$$J(\theta_0, \theta_1) = \frac{1}{2m}\sum_{i=1}^{m} "
        r"(\theta_0 + \theta_1 x_i - y_i)^2$$" "\n\n")
SLOPE = r"\frac{\partial J(\theta_0, \theta_1)}{\partial \theta_1}"
INTERCEPT = r"\frac{\partial J(\theta_0, \theta_1)}{\partial \theta_0}"


def _verdicts(text: str) -> list[str]:
    report = derive.check_text(text, jobs=1)
    return [e.kind if e.kind in ("error", "definition") else
            " ".join(link.verdict.value for link in e.links) for e in report.equations]


@pytest.mark.parametrize("claim", [
    SLOPE + r" = \frac{1}{m}\sum_{i=1}^{m} (\theta_0 + \theta_1 x_i - y_i) x_i",
    INTERCEPT + r" = \frac{1}{m}\sum_{i=1}^{m} (\theta_0 + \theta_1 x_i - y_i)",
    r"J(\theta_0, \theta_1) = \frac{1}{2m}\sum_{i=1}^{m} (y_i - \theta_0 - \theta_1 x_i)^2",
])
def test_true_steps_about_the_defined_value_are_proved(claim):
    assert _verdicts(COST + f"$${claim}$$\n") == ["definition", "proved"]


@pytest.mark.parametrize("claim", [
    SLOPE + r" = \frac{1}{m}\sum_{i=1}^{m} (\theta_0 + \theta_1 x_i - y_i)",  # x_i dropped
    INTERCEPT + r" = \frac{1}{m}\sum_{i=1}^{m} (y_i - \theta_0 - \theta_1 x_i)",  # sign
    INTERCEPT + r" = \sum_{i=1}^{m} (\theta_0 + \theta_1 x_i - y_i)",  # 1/m dropped
    r"J(\theta_0, \theta_1) = \frac{1}{m}\sum_{i=1}^{m} (y_i - \theta_0 - \theta_1 x_i)^2",
])
def test_false_steps_are_refuted(claim):
    assert _verdicts(COST + f"$${claim}$$\n") == ["definition", "refuted"]


def test_one_example_is_enough_for_m_equal_one():
    # m = 1 is a size like any other: the wrong slope is refuted, not proved, there too
    claim = SLOPE + r" = (\theta_0 + \theta_1 x_1 - y_1)"
    text = (r"$$J(\theta_0, \theta_1) = \frac{1}{2}(\theta_0 + \theta_1 x_1 - y_1)^2$$"
            "\n\n" f"$${claim}$$\n")
    assert _verdicts(text) == ["definition", "refuted"]


@pytest.mark.parametrize("claim", [
    r"J(\theta_1, \theta_0) = \frac{1}{2m}\sum_{i=1}^{m} (\theta_0 + \theta_1 x_i - y_i)^2",
    r"\frac{\partial J(a_0, a_1)}{\partial a_1} = \frac{1}{m}\sum_{i=1}^{m}"
    r" (a_0 + a_1 x_i - y_i) x_i",
])
def test_other_arguments_are_never_proved_from_the_body(claim):
    assert _verdicts(COST + f"$${claim}$$\n")[-1] in ("unknown", "error")


def test_a_definition_of_plain_parameters_is_left_to_itself():
    text = (r"$$J(a, b) = a - b$$" "\n\n" r"$$J(\theta_0, \theta_1) = \theta_0 - \theta_1$$"
            "\n\n" r"$$J(\theta_1, \theta_0) = \theta_0 - \theta_1$$" "\n")
    # J(θ_1, θ_0) is θ_1 − θ_0 by J(a, b): the false step is refuted
    assert _verdicts(text)[-1] == "refuted"


def test_what_is_a_head():
    t0, t1 = Sym("\\theta", (Num("0"),)), Sym("\\theta", (Num("1"),))
    assert entry_head(Apply(Sym("J"), (t0, t1))) == ("J", "J@\\theta_0,\\theta_1")
    assert entry_head(Apply(Sym("J"), (Sym("a"), Sym("b")))) is None  # no entry
    assert entry_head(Apply(Sym("J"), (t0, t0))) is None  # the same twice
    assert entry_head(Apply(Sym("J"), (Sym("\\theta", (Sym("i"),)),))) is None  # θ_i
    assert values_named([Apply(Sym("J"), (t0, t1)), Apply(Sym("J"), (Sym("a"), Sym("b")))]) == {}
    # J of one argument is another function (mlbook's L(β̂) beside L(β̂_0, β̂_1))
    assert values_named([Apply(Sym("J"), (t0, t1)), Apply(Sym("J"), (Sym("a"),))]) == {
        "J@\\theta_0,\\theta_1": "J"}


def test_the_value_prints_as_written():
    assert name_text("J@\\theta_0,\\theta_1") == "J(θ_0, θ_1)"
    text = COST + f"$${INTERCEPT} = 0$$\n"
    report = derive.check_text(text, jobs=1)
    assert report.equations[0].defines == "J(θ_0, θ_1)"
    shown = report.to_dict()
    assert "@" not in str(shown)


def test_two_lists_of_entries_name_neither():
    # J(θ_0, θ_1) and J(θ_1, θ_0) both "defined" say J is symmetric: neither is a definition
    text = (r"$$J(\theta_0, \theta_1) = \theta_0 - \theta_1$$" "\n\n"
            r"$$J(\theta_1, \theta_0) = \theta_0 - \theta_1$$" "\n\n"
            r"$$\frac{\partial J(\theta_0, \theta_1)}{\partial \theta_0} = 1$$" "\n")
    assert _verdicts(text) == ["unknown", "unknown", "unknown"]

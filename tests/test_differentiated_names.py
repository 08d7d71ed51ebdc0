"""A name the document differentiates on its own (∂y_j/∂z_i, y never defined) depends on
something the document does not say. Inside a larger derivative it is no independent variable
either: ∂(y_j^2)/∂z_i = 0 is never proved (found attacking: it was, while ∂y_j/∂z_i = 0 was
unknown). A name never differentiated on its own stays the document's independent variable."""

from __future__ import annotations

import pytest

import derive

ALONE = r"$$\frac{\partial y_j}{\partial z_i} = y_j$$" "\n\n"


def _last(text: str) -> str:
    return " ".join(lk.verdict.value for lk in derive.check_text(text, jobs=1).equations[-1].links)


@pytest.mark.parametrize("claim", [
    r"\frac{\partial y_j^2}{\partial z_i} = 0",
    r"\frac{\partial (t_j y_j)}{\partial z_i} = 0",
    r"\frac{\partial \log y_j}{\partial z_i} = 0",
    r"\frac{\partial}{\partial z_i} e^{y_j} = 0",
    r"\frac{d}{d z_i} (y_j + 1) = 0",
    r"\frac{\partial \sum_j t_j \log y_j}{\partial z_i} = 0",
])
def test_a_name_differentiated_elsewhere_is_not_fixed(claim):
    assert _last(ALONE + f"$${claim}$$\n") == "unknown"


def test_it_is_said_why():
    report = derive.check_text(ALONE + r"$$\frac{\partial y_j^2}{\partial z_i} = 0$$" "\n",
                               jobs=1)
    reason = report.equations[-1].links[0].reason or ""
    assert "differentiates it on its own" in reason and "constants" in reason


def test_never_differentiated_on_its_own_stays_independent():
    # t is never written ∂t/∂…: an independent variable, as the README's model says
    assert _last(ALONE + r"$$\frac{\partial t_j^2}{\partial z_i} = 0$$" "\n") == "proved"


def test_declared_constant_or_defined_is_not_undetermined():
    declared = "---\nderive:\n  constants: [y]\n---\n\n"
    assert _last(declared + ALONE + r"$$\frac{\partial y_j^2}{\partial z_i} = 0$$" "\n") \
        == "proved"
    defined = (r"$$y_j = 2 z_j$$" "\n\n" + ALONE +
               r"$$\frac{\partial y_j^2}{\partial z_j} = 8 z_j$$" "\n")
    assert _last(defined) == "proved"


def test_the_variable_itself_is_no_dependent_name():
    # ∂z_i/∂z_i written alone: z is the variable, ∂(z_i^2)/∂z_i = 2 z_i is still proved
    text = (r"$$\frac{\partial z_i}{\partial z_i} = 1$$" "\n\n"
            r"$$\frac{\partial z_i^2}{\partial z_i} = 2 z_i$$" "\n")
    assert _last(text) == "proved"


@pytest.mark.parametrize(("definition", "claim"), [
    (r"L = y_1^2", r"\frac{\partial L}{\partial z_1} = 0"),
    (r"C = -\sum_{j=1}^{K} t_j \log y_j", r"\frac{\partial C}{\partial z_i} = 0"),
    (r"f(u) = u y_1", r"\frac{d f(z_1)}{d z_1} = y_1"),
])
def test_a_definition_that_reads_it_is_not_fixed_either(definition, claim):
    # the expanded definition holds y: the derivative of the defined name is undetermined too
    assert _last(f"$${definition}$$\n\n" + ALONE + f"$${claim}$$\n") == "unknown"


def test_differentiated_by_its_own_family_says_nothing():
    text = (r"$$\frac{\partial z_k}{\partial z_i} = \delta_{ki}$$" "\n\n"
            r"$$\frac{\partial (w z_1)}{\partial w} = z_1$$" "\n")
    assert _last(text) == "proved"

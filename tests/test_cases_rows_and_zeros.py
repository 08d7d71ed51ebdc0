"""Two ways books write vector and case results: rows of cases that are equations, and 0.

``\\begin{cases} ∂z/∂β_j = x, & j = k \\\\ ∂z/∂β_j = 0, & \\text{otherwise} \\end{cases}``
(mlbook) is two equations of one display, each under its case (the second under the
negation of the first); a side written 0 beside a vector or matrix is its zero."""

from __future__ import annotations

import derive

DEF = r"$$z_k = \sum_{j=1}^K w_{kj} x_j$$" "\n\n"


def _eqs(text: str):
    return derive.check_text(text, jobs=1).equations


def test_cases_whose_rows_are_equations_are_rows_under_their_cases():
    text = DEF + ("$$\n\\begin{cases}\n\\frac{\\partial z_k}{\\partial w_{ij}} = x_j, & i = k "
                  "\\\\\n\\frac{\\partial z_k}{\\partial w_{ij}} = 0, & \\text{otherwise}.\n"
                  "\\end{cases}\n$$\n")
    eqs = _eqs(text)[1:]
    assert [(eq.index, eq.row) for eq in eqs] == [(2, 1), (2, 2)]  # one display, two rows
    assert [[c.text for c in eq.cases] for eq in eqs] == [["i = k"], ["i ≠ k"]]
    assert [lk.verdict.value for eq in eqs for lk in eq.links] == ["proved", "proved"]
    # the same rows with the cases swapped are false
    swapped = text.replace("x_j, & i = k", "x_j, & i \\neq k")
    assert [lk.verdict.value for eq in _eqs(swapped)[1:] for lk in eq.links] == \
        ["refuted", "refuted"]


def test_a_wrong_row_of_cases_is_refuted():
    text = DEF + ("$$\\begin{cases} \\frac{\\partial z_k}{\\partial x_j} = w_{kj}, & j = k \\\\ "
                  "\\frac{\\partial z_k}{\\partial x_j} = 0, & j \\neq k \\end{cases}$$\n")
    verdicts = [lk.verdict.value for eq in _eqs(text)[1:] for lk in eq.links]
    assert verdicts == ["proved", "refuted"]  # ∂z_k/∂x_j = w_kj for every j


def test_cases_of_values_are_read_as_before():
    eq = _eqs(r"$$f_k = \begin{cases} 1 & k = i \\ 0 & \text{otherwise} \end{cases}$$" "\n\n"
              r"$$f_k = \mathbb{1}(k = i)$$")[-1]
    assert [lk.verdict.value for lk in eq.links] == ["proved"]


def test_zero_beside_a_vector_is_the_zero_vector():
    text = r"$$L = \frac{1}{2} \| \mathbf{X}\mathbf{w} - \mathbf{y} \|^2$$" "\n\n"
    eq = _eqs(text + r"$$\frac{\partial L}{\partial \mathbf{w}} = 0$$")[-1]
    assert [lk.verdict.value for lk in eq.links] == ["refuted"]
    assert any("0 is read as the zero of a vector" in n for n in eq.notes)
    eq = _eqs(r"$$\frac{\partial (\mathbf{a}^\top \mathbf{b})}{\partial \mathbf{w}} = 0$$")[-1]
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    eq = _eqs(r"$$\mathbf{W} - \mathbf{W} = 0$$")[-1]
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    assert any("zero of a |W|_1×|W|_2 matrix" in n for n in eq.notes)
    eq = _eqs(r"$$\mathbf{u} = 0$$" "\n\n" r"$$\mathbf{u}^\top \mathbf{u} = 1$$")[-1]
    assert [lk.verdict.value for lk in eq.links] == ["refuted"]


def test_cases_of_equations_under_other_conditions_are_refused_saying_how():
    for text in (r"$$\begin{cases} y = 1, & a = b \\ y = 0, & \text{otherwise} \end{cases}$$",
                 r"$$\begin{cases} y = 1, & x > 0 \\ y = 0, & \text{otherwise} \end{cases}$$",
                 r"$$a = \begin{cases} y = 1, & k = i \\ y = 0, & \text{otherwise} \end{cases}$$"):
        eqs = _eqs(text)
        assert all(eq.kind == "error" for eq in eqs), text
        assert "rows are equations" in eqs[0].error.message or "condition" in \
            eqs[0].error.message, eqs[0].error.message

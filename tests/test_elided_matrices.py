"""A matrix or vector written out with entries left out (mlbook's ``\\by = \\begin{bmatrix}
y_1 \\\\ \\dots \\\\ y_N \\end{bmatrix}``) shows a layout: it is skipped with that reason, not
an error, and the names it would define are not taken as free variables later. A written-out
matrix with every entry written is still refused (derive does not read it)."""

from __future__ import annotations

import pytest

import derive


def _kinds(text: str) -> list[str]:
    return [e.kind for e in derive.check_text(text, jobs=1).equations]


@pytest.mark.parametrize("display", [
    r"\mathbf{y} = \begin{bmatrix} y_1 \\ \dots \\ y_N \end{bmatrix}",
    r"\mathbf{y} = \begin{bmatrix} 0 \\ 1 \\ ... \\ 0 \end{bmatrix} \in \mathbb{R}^K",
    r"B = \begin{pmatrix} b_1 & \cdots & b_K \end{pmatrix}",
    r"J = \begin{bmatrix} a & \ldots \\ \vdots & \ddots \end{bmatrix}",
])
def test_entries_left_out_are_skipped(display):
    report = derive.check_text(f"$${display}$$\n", jobs=1)
    (eq,) = report.equations
    assert eq.kind == "skipped" and "entries left out" in " ".join(eq.notes)
    assert report.exit_code == 0


def test_every_entry_written_is_still_refused():
    assert _kinds(r"$$\mathbf{y} = \begin{bmatrix} y_1 \\ y_2 \end{bmatrix}$$" "\n") == ["error"]


def test_what_it_would_define_is_not_a_free_variable_later():
    text = (r"$$u_j = \begin{bmatrix} a_1 \\ \dots \\ a_n \end{bmatrix}, \quad "
            r"v_j = \begin{bmatrix} b_1 \\ \dots \\ b_n \end{bmatrix}$$" "\n\n"
            r"$$\frac{\partial v_j}{\partial a_1} = 0$$" "\n")
    report = derive.check_text(text, jobs=1)
    link = report.equations[-1].links[0]
    assert link.verdict.value == "unknown" and "line 1" in (link.reason or "")


def test_an_expression_alone_is_skipped_not_an_error():
    # d2l: "the log-likelihood, which is $$\log(P(X \mid \theta)).$$": nothing is claimed
    report = derive.check_text(r"$$\log(P(X \mid \theta)).$$" "\n", jobs=1)
    (eq,) = report.equations
    assert eq.kind == "skipped" and "no '='" in " ".join(eq.notes)


def test_a_lone_side_continued_by_the_next_display_is_still_checked():
    text = r"$$\frac{d}{d x} x^2$$" "\n\n" r"$$= 3 x$$" "\n"
    assert [lk.verdict.value for e in derive.check_text(text, jobs=1).equations
            for lk in e.links] == ["refuted"]

"""Constructs textbooks use (issue #19, points 2, 4, 5): underbraces, argmax and max, limits,
elided rows, distribution statements, labelled '=', membership in events, tensors, the
indicator in parentheses and the Frobenius norm. Each is read as meant, skipped as not
checkable with its reason, or refused with a message that says how to write it; false
variants are never proved."""

from __future__ import annotations

import pytest

import derive


def _equations(text: str):
    return derive.check_text(text, jobs=1).equations


def _verdicts(eq) -> list[str]:
    return [lk.verdict.value for lk in eq.links]


def _one(latex: str):
    (eq,) = _equations(f"$$\n{latex}\n$$\n")
    return eq


def _skipped(latex: str, reason: str) -> None:
    eq = _one(latex)
    assert eq.kind == "skipped", (eq.kind, eq.error)
    assert any(reason in n for n in eq.notes), eq.notes


# -- 1. \underbrace{X}_{label}, \overbrace{X}^{label}: read as X, the label noted

def test_underbrace_is_read_as_its_content_and_its_label_noted():
    eq = _one(r"\underbrace{x + x}_{\text{twice}} + y = 2 x + y")
    assert _verdicts(eq) == ["proved"]
    assert any("twice" in n for n in eq.notes)


def test_overbrace_reads_the_same_and_a_false_step_is_refuted():
    assert _verdicts(_one(r"\overbrace{x \cdot x}^{\text{square}} = x^2")) == ["proved"]
    assert _verdicts(_one(r"\underbrace{x + x}_{s} = 3 x")) == ["refuted"]


@pytest.mark.parametrize("latex", [
    r"2 \underbrace{a + b}_{s} = 2 a + 2 b",        # 2(a + b) or 2a + b?
    r"c - \underbrace{a + b}_{s} = c - a - b",      # c - (a + b) or c - a + b?
    r"\underbrace{a + b}_{s}^2 = a^2 + 2 a b + b^2",
])
def test_a_braced_sum_beside_a_product_or_a_sign_is_refused(latex):
    eq = _one(latex)
    assert eq.kind == "error" and "parentheses" in eq.error.message


def test_a_braced_sum_with_parentheses_inside_is_read():
    assert _verdicts(_one(r"2 \underbrace{(a + b)}_{s} = 2 a + 2 b")) == ["proved"]
    assert _verdicts(_one(r"2 \underbrace{(a + b)}_{s} = 2 a + b")) == ["refuted"]


# -- 2. argmax, argmin, \max over a set: skipped; \max(x, y): built in

@pytest.mark.parametrize("latex", [
    r"\hat{\theta} = \mathop{\mathrm{argmax}} _ {\theta} P(X \mid \theta)",
    r"\hat{\theta} = \operatorname*{argmax}_{\theta} L(\theta)",
    r"\hat{\theta} = \arg\max_\theta L(\theta)",
    r"\hat{w} = \operatorname{argmin}_w J(w)",
    r"\hat{\theta} = \argmax_\theta L(\theta)",
])
def test_argmax_and_argmin_are_skipped_as_optimisations(latex):
    _skipped(latex, "argmax or argmin")


def test_a_max_over_a_set_is_skipped():
    _skipped(r"m = \max_{x} f(x)", "over a set")
    _skipped(r"m = \min\limits_{k} z_k", "over a set")


def test_max_of_written_arguments_is_built_in():
    assert _verdicts(_one(r"\max(a, b) = \max(b, a)")) == ["proved"]
    assert _verdicts(_one(r"\max(a, b) = a")) == ["refuted"]
    assert _verdicts(_one(r"\min(a, b) = \max(a, b)")) == ["refuted"]
    eq = _one(r"\max(a, b) + \min(a, b) = a + b")
    assert "refuted" not in _verdicts(eq)
    assert any("built in" in n for n in eq.notes)


def test_the_derivative_of_max_is_never_proved_unconditionally():
    # ReLU: d max(x, 0)/dx is 1 only for x > 0, and has no value at x = 0
    assert _verdicts(_one(r"\frac{\partial}{\partial x} \max(x, 0) = 1")) == ["refuted"]
    text = ("$$ f(x, y) = \\max(x, y) $$\n\n"
            "$$ \\frac{\\partial f}{\\partial x} + \\frac{\\partial f}{\\partial y} = 1 $$\n\n"
            "$$ \\frac{\\partial f}{\\partial x} = \\frac{\\partial f}{\\partial x} + 0 $$\n")
    eqs = _equations(text)
    assert _verdicts(eqs[1]) in (["conditional"], ["unknown"])
    # a step where both sides differentiate max at the same point needs nothing more
    assert _verdicts(eqs[2]) in (["proved"], ["conditional"])


def test_max_cannot_be_defined_by_a_document():
    eq = _one(r"\max(a, b) = a + b")
    assert eq.kind == "claim" and _verdicts(eq) == ["refuted"]


def test_max_without_arguments_is_refused_saying_how_to_write_it():
    eq = _one(r"m = \max \{a, b\}")
    assert eq.kind == "error" and "\\max(x, y)" in eq.error.message


# -- 3. a limit: skipped

def test_a_limit_is_skipped():
    _skipped(r"\frac{df(x)}{dx} = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}", "a limit")


# -- 4. \vdots: rows elided, never joined across

def test_elided_rows_are_not_joined_into_one_link():
    text = ("$$\n\\begin{aligned}\nN &= a + b \\\\\n  &= b + a \\\\\n  &\\vdots \\\\\n"
            "  &= c + d \\\\\n  &= d + c\n\\end{aligned}\n$$\n")
    eqs = _equations(text)
    links = [(lk.lhs.strip(), lk.rhs.strip()) for e in eqs for lk in e.links
             if lk.method != "internal"]
    assert ("b + a", "c + d") not in links
    assert any(lk.verdict.value == "proved" and "d + c" in lk.rhs
               for e in eqs for lk in e.links)
    false = text.replace("&= d + c\n", "&= d + c + 1\n")
    assert any(lk.verdict.value == "refuted" for e in _equations(false) for lk in e.links)


def test_dots_inside_an_expression_skip_the_display():
    _skipped("P = a + b\n  \\quad + c \\vdots\n  \\quad + d", "\\vdots")


# -- 5. distribution statements and labelled '='

def test_a_distribution_statement_with_a_label_is_skipped():
    _skipped(r"Y_n \overset{\small{\text{i.i.d.}}}{\sim} \mathcal{N}(0, \sigma^2)",
             "distribution statement")
    text = ("$$\\newcommand{\\iid}{\\overset{\\text{i.i.d.}}{\\sim}}$$\n\n"
            "$$ \\epsilon_n \\iid \\mathcal{N}(0, \\sigma^2). $$\n")
    assert _equations(text)[-1].kind == "skipped"


def test_an_equals_with_a_label_is_an_equals_and_the_label_noted():
    eq = _one(r"x + x \overset{(a)}{=} 2 x \stackrel{\text{by (3)}}{=} x \cdot 2")
    assert _verdicts(eq) == ["proved", "proved"]
    assert any("(a)" in n for n in eq.notes) and any("by (3)" in n for n in eq.notes)
    assert _verdicts(_one(r"x + x \overset{(a)}{=} 3 x")) == ["refuted"]


def test_an_equals_labelled_as_a_demand_or_a_question_is_skipped():
    _skipped(r"\frac{\partial L}{\partial w} \overset{!}{=} 0", "condition imposed")
    _skipped(r"x + x \stackrel{?}{=} 3 x", "question")


def test_a_braced_sum_alone_in_a_fraction_is_read():
    assert _verdicts(_one(r"\frac{\underbrace{a + b}_{s}}{2} = \frac{a}{2} + \frac{b}{2}")) == [
        "proved"]


# -- 6. membership: events in a probability, sums over a set

def test_membership_inside_a_probability_is_skipped():
    _skipped(r"P(X_1 \in [x_1, x_1+\epsilon] \mid \theta) = \epsilon p(x_1 \mid \theta)",
             "probability of events")


def test_a_sum_over_a_set_written_out_is_skipped():
    # (a sum over a named set is read: see test_sets_and_expectations.py)
    _skipped(r"D = \sum_{x \in \{0, 1\}} P(x) \log P(x)", "sum over a set")


# -- 7-9. tensors, the indicator in parentheses, the Frobenius norm

def test_a_sans_serif_tensor_is_refused_saying_how_to_write_it():
    eq = _one(r"\frac{\partial \mathsf{Z}}{\partial \mathsf{X}} = 1")
    assert eq.kind == "error" and "tensor" in eq.error.message


def test_the_indicator_in_parentheses_reads_like_braces():
    text = "$$ g_k = \\mathbb{1}(k = i) + 0 $$\n\n$$ h_k = 1\\{k = i\\} $$\n\n$$ g_k = h_k $$\n"
    assert _verdicts(_equations(text)[2]) == ["proved"]
    # a label y_i is an index of its own (tests/test_labels.py); a power is no index
    for form in (r"\mathbb{1}(y^2 = k)", r"\mathbb{1}\{y^2 = k\}"):
        eq = _one(f"f_k = p_k - {form}")
        assert eq.kind == "error" and "two index letters" in eq.error.message


def test_the_frobenius_norm_is_the_sum_of_the_squares_of_the_entries():
    # (refused before, saying to write the sum; d2l's weight decay s = λ/2 ‖W‖_F^2)
    for norm in (r"\|\mathbf{W}\|_\textrm{F}^2", r"\|\mathbf{W}\|_F^2",
                 r"\|\mathbf{W}\|_{\mathrm{F}}^2", r"\lVert \mathbf{W} \rVert_{F}^2"):
        text = (f"$$s = \\frac{{\\lambda}}{{2}} {norm}$$\n\n"
                r"$$\frac{\partial s}{\partial \mathbf{W}} = \lambda \mathbf{W}$$" "\n\n"
                r"$$\frac{\partial s}{\partial \mathbf{W}} = 2 \lambda \mathbf{W}$$")
        eqs = _equations(text)
        assert eqs[0].kind == "definition", norm
        assert _verdicts(eqs[1]) == ["proved"] and _verdicts(eqs[2]) != ["proved"]
    assert _one(r"s = \|\mathbf{W}\|^2").kind == "error"  # a matrix's Euclidean norm
    assert _one(r"s = \|\mathbf{W}\|_1").kind == "error"


# -- an indicator of an inequality, the derivative of max (cs231n's max gate)

def test_the_derivative_of_max_is_the_indicator_where_the_arguments_differ():
    text = ("$$ f(x,y) = \\max(x, y) \\hspace{0.5in} \\rightarrow \\hspace{0.5in} "
            "\\frac{\\partial f}{\\partial x} = \\mathbb{1}(x >= y) \\hspace{0.5in} "
            "\\frac{\\partial f}{\\partial y} = \\mathbb{1}(y >= x) $$\n")
    eqs = _equations(text)
    for eq in eqs[1:]:
        assert _verdicts(eq) == ["conditional"]
        assert "x - y \\neq 0" in eq.links[0].needs[0].latex.replace("−", "-")
    wrong = text.replace("\\mathbb{1}(y >= x)", "\\mathbb{1}(x >= y)")
    assert _verdicts(_equations(wrong)[2]) == ["refuted"]


def test_an_indicator_of_an_inequality_is_read_with_its_value_at_a_tie():
    # they differ only where x = y; numbers do not evaluate a step at its jump (a derivative
    # of max is undefined there), so this is never proved, and may stay undecided
    assert _verdicts(_one(r"\mathbb{1}(x \ge y) = \mathbb{1}(x > y)")) in (
        ["refuted"], ["unknown"])
    assert _verdicts(_one(r"\mathbb{1}(x \ge y) = \mathbb{1}(y \le x)")) == ["proved"]
    assert _verdicts(_one(r"1\{u > 0\} = 1\{0 < u\}")) == ["proved"]
    assert _verdicts(_one(r"\frac{d}{du} \max(u, 0) = 1\{u < 0\}")) == ["refuted"]
    assert "proved" not in _verdicts(_one(r"\frac{d}{du} \max(u, 0) = 1\{u > 0\}"))


def test_an_inequality_outside_an_indicator_is_still_not_checked():
    eq = _one(r"f(x > 0) = 1")
    assert eq.kind == "error" and "not checked" in eq.error.message


def test_a_continued_display_with_elided_rows_links_nothing_across_them():
    text = ("$$ L = a + b $$\n\n$$\n\\begin{aligned}\n&= b + a \\\\\n&\\vdots \\\\\n"
            "&= c + d = d + c\n\\end{aligned}\n$$\n")
    eqs = _equations(text)
    links = [(lk.lhs.strip(), lk.rhs.strip()) for e in eqs for lk in e.links]
    assert not any(lhs == "L" and "c" in rhs for lhs, rhs in links)
    assert ("c + d", "d + c") in links
    # an integral and elided rows: the display is skipped, never cut across the dots
    eq = _one("M &= \\int f(x) dx \\\\\n&\\vdots \\\\\n&= c + d = d + c + 1")
    assert eq.kind == "skipped"

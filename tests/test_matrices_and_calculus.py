"""Families of two indices (W_{ij}) whose two axes have different sizes; displays that hold
one side only; derivatives written at a point (\\frac{dg}{dx}(x)) or on the line (∂y/∂x);
logs of squares.

A matrix's rows and columns are ranged apart: a sum over its first index says nothing about
its second. Before this was so, the range of the last sum read was taken for both axes, and
Σ_{k=1}^{m} W_{kb} 1{a=k} = W_{ab} was proved for W of n rows and m columns, which is false
when n > m (a = n: 0 against W_{nb}). Numbers now draw each entry of a matrix family on its
own and try unequal sizes, so such a step is refuted with the entries it read.

Every expected verdict was found by hand: the reasons are written beside each case.
"""

from __future__ import annotations

import itertools

import pytest

import derive

MATRIX = "$$f = \\sum_{i=1}^{n}\\sum_{j=1}^{m} W_{ij}^2$$\n\n"


def _links(md: str) -> list[tuple[str, str]]:
    report = derive.check_text(md)
    return [(f"{eq.index}.{link.position}", link.verdict.value)
            for eq in report.equations for link in eq.links]


def _one(md: str) -> str:
    found = _links(md)
    assert len(found) == 1, found
    return found[0][1]


def test_a_sum_over_the_columns_does_not_sift_a_row_index():
    # W has n rows and m columns: with n = 2, m = 1, a = 2 the left side is f, the right f + W_{21}
    md = MATRIX + "$$\\sum_{k=1}^{m} W_{kb} 1\\{a = k\\} + f = W_{ab} + f$$\n"
    assert _one(md) == "refuted"


def test_a_sum_over_the_rows_sifts_a_row_index():
    md = MATRIX + "$$\\sum_{k=1}^{n} W_{kb} 1\\{a = k\\} + f = W_{ab} + f$$\n"
    assert _one(md) == "proved"


@pytest.mark.parametrize("axis, written", list(itertools.product((0, 1), ("n", "m"))))
def test_generated_sifting_over_each_axis(axis, written):
    # Σ_k over axis `axis` of W, written with the range `written`: true only when the range
    # written is that axis's size (rows n, columns m), else false where n ≠ m
    entry = "W_{kb}" if axis == 0 else "W_{ak}"
    letter = "a" if axis == 0 else "b"
    md = MATRIX + (f"$$\\sum_{{k=1}}^{{{written}}} {entry} 1\\{{{letter} = k\\}} + f "
                   f"= W_{{ab}} + f$$\n")
    true = written == ("n" if axis == 0 else "m")
    verdict = _one(md)
    assert verdict == ("proved" if true else "refuted"), (axis, written, verdict)


def test_a_gradient_by_a_matrix_entry_is_proved_and_its_transpose_refuted():
    md = MATRIX + ("$$\\frac{\\partial f}{\\partial W_{ab}} = 2 W_{ab}$$\n\n"
                   "$$\\frac{\\partial f}{\\partial W_{ab}} = 2 W_{ba}$$\n")
    report = derive.check_text(md)
    verdicts = [link.verdict.value for eq in report.equations for link in eq.links]
    assert verdicts == ["proved", "refuted"]
    cx = [link.counterexample for eq in report.equations for link in eq.links][1]
    assert cx is not None
    # the entries the sides read are listed, each by both its indices
    assert any(k.startswith("W_{") and "," in k for k in cx.values), cx.values
    # and they reproduce the sides: 2 W_{ab} against 2 W_{ba}
    a, b = cx.indices["a"], cx.indices["b"]
    assert cx.lhs == pytest.approx(2 * float(cx.values[f"W_{{{a},{b}}}"]))
    assert cx.rhs == pytest.approx(2 * float(cx.values[f"W_{{{b},{a}}}"]))


def test_rows_and_columns_of_different_sizes_are_both_tried():
    # g sums A over n rows and p columns; Σ over p of a row index is false for n > p (a = n)
    md = ("$$g = \\sum_{i=1}^{n}\\sum_{c=1}^{p} A_{ic}$$\n\n"
          "$$\\sum_{k=1}^{p} A_{kc} 1\\{a = k\\} + g = A_{ac} + g$$\n")
    assert _one(md) == "refuted"
    # and Σ over n of a column index is false for p > n (c = p)
    md = ("$$g = \\sum_{i=1}^{n}\\sum_{c=1}^{p} A_{ic}$$\n\n"
          "$$\\sum_{k=1}^{n} A_{ak} 1\\{c = k\\} + g = A_{ac} + g$$\n")
    assert _one(md) == "refuted"


def test_a_lone_side_is_continued_by_the_display_after_it():
    md = ("$$\\frac{d}{dx} x^2$$\n\nthen\n\n$$= 2x$$\n\n$$= 2 x + 0$$\n")
    report = derive.check_text(md)
    assert [e.kind for e in report.equations] == ["claim", "claim", "claim"]
    assert [link.verdict.value for e in report.equations for link in e.links] == \
        ["proved", "proved"]
    assert not report.errors


def test_a_lone_side_after_an_unread_display_is_continued_too():
    # the first display is refused; '= A' cannot be linked to it, but '= B' is linked to A
    md = ("$$\\frac{d}{dx} \\weird x^2$$\n\n$$= 2x + x - x$$\n\n$$= 3x$$\n")
    report = derive.check_text(md)
    kinds = [e.kind for e in report.equations]
    assert kinds == ["error", "claim", "claim"], kinds
    assert [link.verdict.value for e in report.equations for link in e.links] == ["refuted"]


def test_a_lone_side_that_nothing_continues_is_skipped():
    # it states nothing to check (#19: not checkable is not an error); --strict fails it
    md = "$$\\frac{d}{dx} x^2$$\n\nand prose.\n"
    report = derive.check_text(md)
    assert [e.kind for e in report.equations] == ["skipped"]
    assert "no '='" in " ".join(report.equations[0].notes)


# --------------------------------------------------------------------------- d2l's calculus

CALCULUS = ("$$f(x) = g(x) h(x)$$\n\n"
            "$$\\frac{d}{dx} f(x) = g(x)\\frac{dh}{dx}(x) + \\frac{dg}{dx}(x)h(x)$$\n\n"
            "$$\\frac{d}{dx} g(h(x)) = \\frac{dg}{dh}(h(x))\\frac{dh}{dx}(x)$$\n\n")


def test_a_derivative_written_at_a_point_is_the_derivative_there():
    # \frac{dg}{dx}(x) is g'(x), never dg/dx times x; \frac{dg}{dh}(h(x)) is g'(h(x))
    report = derive.check_text(CALCULUS)
    assert [link.verdict.value for e in report.equations for link in e.links] == \
        ["proved", "proved"]


@pytest.mark.parametrize("wrong", [
    "\\frac{d}{dx} f(x) = g(x)\\frac{dh}{dx}(x) + \\frac{dg}{dx}(x)h(x) x",  # an extra factor x
    "\\frac{d}{dx} f(x) = g(x)\\frac{dh}{dx}(x)",  # a term dropped
    "\\frac{d}{dx} g(h(x)) = \\frac{dg}{dh}(x)\\frac{dh}{dx}(x)",  # g' at x, not at h(x)
])
def test_a_wrong_product_or_chain_rule_with_unknown_functions_is_not_proved(wrong):
    report = derive.check_text(CALCULUS + f"$${wrong}$$\n")
    # (dg/dh at x is refused: at x, or times x? Either way nothing false is proved)
    assert all(link.verdict.value != "proved" for link in report.equations[-1].links)


def test_a_name_differentiated_and_applied_is_a_function_not_a_factor():
    # g is written g(x) and dg/dx: an unknown function, so g(x + 1) is never g·(x + 1)
    md = "$$\\frac{dg}{dx}(x) = \\frac{dg}{dx}(x)$$\n\n$$g(x + 1) = g(x) + g(1)$$\n"
    report = derive.check_text(md)
    assert report.equations[-1].links[0].verdict.value != "proved"
    # g is arbitrary here, so the claim is refuted, with a concrete g named
    assert report.equations[-1].links[0].verdict.value == "refuted"
    assert report.equations[-1].links[0].counterexample.functions.startswith("g(u) = ")


def test_a_product_with_a_variable_that_is_differentiated_stays_a_product():
    # y(1 - y): y is written alone inside the parentheses, so it is a factor
    md = "$$y = \\frac{1}{1 + e^{-x}}$$\n\n$$\\frac{dy}{dx} = y(1 - y)$$\n"
    report = derive.check_text(md)
    assert report.equations[-1].links[0].verdict.value == "proved"


# --------------------------------------------------------------------------- domains of logs

@pytest.mark.parametrize("claim, verdict", [
    # log(1/√(2πσ²)) = −½ log(2πσ²): both sides are defined exactly where σ ≠ 0
    ("\\log(\\frac{1}{\\sqrt{2 \\pi \\sigma^2}}) = -\\frac{1}{2}\\log(2 \\pi \\sigma^2)", "proved"),
    ("\\log(x^4) = 2\\log(x^2)", "proved"),
    ("\\log(x^2 y^2) = \\log(x^2) + \\log(y^2)", "proved"),
    # false for x < 0, where the right side is undefined and the left is not
    ("\\log(x^2) = 2\\log(x)", "conditional"),
    ("\\sqrt{x^2} = x", "conditional"),
    ("\\frac{x^2}{x} = x", "conditional"),  # the left side is undefined at x = 0
])
def test_logs_of_squares_have_the_domain_of_their_base(claim, verdict):
    assert _one(f"$${claim}$$\n") == verdict


def test_a_log_of_a_square_against_the_log_of_the_base_is_never_proved():
    # log((x − 1)²) = 2 log(x − 1) fails for x < 1 (the right side is undefined there)
    assert _one("$$\\log((x-1)^2) = 2\\log(x - 1)$$\n") != "proved"


# --------------------------------------------------------------------------- ∂y/∂x on the line

SLASH = "$$f = \\sum_{i=1}^{n} x_i^2$$\n\n"


@pytest.mark.parametrize("claim, verdict", [
    ("\\partial f / \\partial x_k = 2 x_k", "proved"),  # d/dx_k Σ x_i² = 2 x_k
    ("\\partial f / \\partial x_k \\cdot 3 = 6 x_k", "proved"),
    ("\\partial f / \\partial x_k = 3 x_k", "refuted"),  # x_k = 1: 2 against 3
])
def test_a_derivative_written_on_the_line_is_read(claim, verdict):
    report = derive.check_text(SLASH + f"$${claim}$$\n")
    assert report.equations[-1].links[0].verdict.value == verdict


def test_a_factor_right_after_a_derivative_on_the_line_is_refused():
    # ∂f/∂x_k 3: is 3 below the line? as for a/b c, never guessed
    report = derive.check_text(SLASH + "$$\\partial f / \\partial x_k \\, 3 = 6 x_k$$\n")
    last = report.equations[-1]
    assert last.kind == "error" and "ambiguous" in last.error.message


@pytest.mark.parametrize("bad", ["\\partial (f) = 1", "\\partial f = 1",
                                 "\\partial f / x_k = 1", "\\partial f / dx = 1"])
def test_a_bare_partial_otherwise_is_refused_with_both_ways_to_write_it(bad):
    report = derive.check_text(SLASH + f"$${bad}$$\n")
    last = report.equations[-1]
    assert last.kind == "error"
    assert "\\partial y / \\partial x" in last.error.message


# --------------------------------------------------------------------------- a range beside

@pytest.mark.parametrize("beside", [", for~i=1,..., C", " \\quad \\text{for } i = 1, \\dots, C",
                                    ", \\quad \\text{for } i = 1, 2, \\ldots, C."])
def test_a_range_written_beside_a_definition_is_its_range(beside):
    # y is the softmax of x over C classes: Σ_{i=1}^C y_i = 1 for every C (C = 1 too)
    md = (f"$$y_i = \\frac{{e^{{x_i}}}}{{\\sum_k e^{{x_k}}}}{beside}$$\n\n"
          "$$\\sum_{i=1}^{C} y_i = 1$$\n")
    report = derive.check_text(md)
    assert report.equations[0].kind == "definition"
    assert report.equations[-1].links[0].verdict.value == "proved"


def test_a_range_beside_one_equation_does_not_reach_the_next():
    # i = 1..C is the first equation's range only; in the second, i ranges over w's entries
    # (1..n), so the sum sifts it. Were 1..C to leak, i could exceed n and nothing would sift
    md = ("$$y_i = 2 z_i, \\quad \\text{for } i = 1, \\dots, C$$\n\n"
          "$$g = \\sum_{j=1}^{n} w_j$$\n\n"
          "$$\\sum_{k=1}^{n} w_k 1\\{i = k\\} + g = w_i + g$$\n")
    report = derive.check_text(md)
    assert report.equations[-1].links[0].verdict.value == "proved"


def test_a_false_step_under_a_range_beside_it_is_refuted():
    md = ("$$y_i = \\frac{e^{x_i}}{\\sum_k e^{x_k}}, \\quad \\text{for } i = 1, \\dots, C$$\n\n"
          "$$\\sum_{i=1}^{C} y_i = 2$$\n")
    report = derive.check_text(md)
    assert report.equations[-1].links[0].verdict.value == "refuted"


def test_the_summary_names_the_written_equals_only_when_links_follow_them():
    # '= 2x + x - x = 3x' after an unread display: link 2.1 is the display's second '='
    md = "$$\\frac{d}{dx} \\weird x^2$$\n\n$$= 2x + x - x = 3x$$\n"
    said = " ".join(derive.check_text(md).summary)
    assert "at link 2.1" in said and "first `=`" not in said
    md = "$$2x + x - x = 3x$$\n"
    assert "its first `=` (link 1.1)" in " ".join(derive.check_text(md).summary)


# --------------------------------------------------------------------------- θ and bold θ

SCALAR_AND_VECTOR = ("$$f(\\theta) = \\theta^2$$\n\n$$g = \\|\\boldsymbol{\\theta}\\|^2$$\n\n")


@pytest.mark.parametrize("claim, verdict", [
    ("\\frac{d}{d\\theta} f(\\theta) = 2\\theta", "proved"),  # θ the scalar
    ("\\nabla_{\\boldsymbol{\\theta}} g = 2 \\boldsymbol{\\theta}", "proved"),  # the vector
    ("\\nabla_{\\mathbf{\\theta}} g = 2 \\boldsymbol{\\theta}", "proved"),  # any bold spelling
    # the scalar θ is no entry of the vector: 2θ𝛉 differs from 2𝛉 (θ = 2)
    ("\\nabla_{\\boldsymbol{\\theta}} g = 2 \\theta \\boldsymbol{\\theta}", "refuted"),
    ("\\frac{d}{d\\theta} g = 0", "proved"),  # g does not depend on the scalar θ
])
def test_a_scalar_and_a_bold_vector_of_one_letter_are_apart(claim, verdict):
    report = derive.check_text(SCALAR_AND_VECTOR + f"$${claim}$$\n")
    assert report.equations[-1].links[0].verdict.value == verdict


def test_with_an_entry_written_the_scalar_and_the_vector_stay_refused():
    # θ_1 could be an entry of the bold θ or of a family θ: never guessed
    md = SCALAR_AND_VECTOR + "$$h = \\theta_1 + \\theta$$\n"
    kinds = [e.kind for e in derive.check_text(md).equations]
    assert "error" in kinds


# --------------------------------------------------------------------------- products with dots

@pytest.mark.parametrize("product", ["r_1 r_2 \\cdots r_n", "r_1 \\cdot r_2 \\cdots r_n",
                                     "r_1 \\cdot r_2 \\cdot \\cdots \\cdot r_n"])
def test_a_product_written_out_with_dots_is_the_product(product):
    md = (f"$$R = {product}$$\n\n$$R + 0 = \\prod_{{k=1}}^{{n}} r_k$$\n\n"
          "$$R = \\prod_{k=1}^{n} r_k + 1$$\n")
    report = derive.check_text(md)
    assert [link.verdict.value for e in report.equations for link in e.links] == \
        ["proved", "refuted"]
    assert any("factors written out with dots" in n for n in report.equations[0].notes)


@pytest.mark.parametrize("bad", ["r_1 r_3 \\cdots r_n", "r_1 \\cdots", "r_1 s_2 \\cdots r_n"])
def test_dots_in_a_product_that_cannot_be_told_are_refused(bad):
    report = derive.check_text(f"$$R = {bad}$$\n")
    assert report.equations[0].kind == "error"


def test_a_written_out_likelihood_is_a_product_of_an_unknown_function():
    # log Π q(x_k) = Σ log q(x_k) holds where every q(x_k) > 0, and only there; its double
    # with the dots, Π q(x_k) written as a product, is the product
    md = ("$$Q = q(x_1) \\cdot q(x_2) \\cdots q(x_n)$$\n\n"
          "$$\\log Q = \\sum_{k=1}^{n} \\log q(x_k)$$\n\n"
          "$$Q + 0 = \\prod_{k=1}^{n} q(x_k)$$\n")
    report = derive.check_text(md)
    assert [link.verdict.value for e in report.equations for link in e.links] != \
        ["proved", "proved"]
    assert report.equations[-1].links[0].verdict.value == "proved"


def test_a_derivative_followed_by_other_parentheses_is_refused():
    # dg/dx (3): g'(3), or g'(x) times 3? never guessed
    md = "$$g(x) = x^2$$\n\n$$\\frac{dg}{dx}(3) = 6$$\n"
    last = derive.check_text(md).equations[-1]
    assert last.kind == "error" and "g'(…)" in last.error.message


def test_a_defined_function_differentiated_at_its_variable_is_its_derivative():
    md = ("$$g(x) = x^2$$\n\n$$\\frac{dg}{dx}(x) = 2x$$\n\n$$y = x^2$$\n\n"
          "$$\\frac{dy}{dx}(x + 1) = 2x^2 + 2x$$\n")  # y is no function: a product
    report = derive.check_text(md)
    assert [link.verdict.value for e in report.equations for link in e.links] == \
        ["proved", "proved"]


@pytest.mark.parametrize("claim, verdict", [
    ("\\partial_{x_j} f = 2 x_j", "proved"),
    ("\\partial_{x_j} f = 3 x_j", "refuted"),  # x_j = 1: 2 against 3
    # it applies to the rest of its term, as ∂/∂x_j does: ∂(f x_j)/∂x_j = 2 x_j² + f
    ("\\partial_{x_j} f \\cdot x_j = 2 x_j^2", "refuted"),
    ("(\\partial_{x_j} f) \\cdot x_j = 2 x_j^2", "proved"),
])
def test_a_partial_with_its_variable_below_is_the_derivative(claim, verdict):
    report = derive.check_text(SLASH + f"$${claim}$$\n")
    assert report.equations[-1].links[0].verdict.value == verdict


# the written range of the sum, as (lo, hi) functions of the rows n and columns m, and its LaTeX
_RANGES = [((lambda n, m: 1, lambda n, m: n), "1", "n"),
           ((lambda n, m: 1, lambda n, m: m), "1", "m"),
           ((lambda n, m: 2, lambda n, m: n), "2", "n"),
           ((lambda n, m: 0, lambda n, m: n), "0", "n"),
           ((lambda n, m: 1, lambda n, m: n - 1), "1", "n - 1"),
           ((lambda n, m: 1, lambda n, m: n + m), "1", "n + m")]


def _always(axis: int, lo, hi) -> bool:
    """By plain numbers: does Σ_{k=lo}^{hi} W_{kb} 1{a=k} = W_{ab} (axis 0; W_{ak} 1{b=k} for
    axis 1) hold for every n, m in 1..4 and every entry (a, b)? The sum keeps the one term
    k = a (or b), and only when that k lies in the range."""
    for n in range(1, 5):
        for m in range(1, 5):
            size = n if axis == 0 else m
            if any(not lo(n, m) <= k <= hi(n, m) for k in range(1, size + 1)):
                return False
    return True


@pytest.mark.parametrize("axis", (0, 1))
@pytest.mark.parametrize("rng", _RANGES, ids=[f"{a}..{b}" for _, a, b in _RANGES])
def test_generated_sums_over_an_axis_are_proved_exactly_when_numbers_say_always(axis, rng):
    (lo, hi), lo_tex, hi_tex = rng
    entry, letter = ("W_{kb}", "a") if axis == 0 else ("W_{ak}", "b")
    md = MATRIX + (f"$$\\sum_{{k={lo_tex}}}^{{{hi_tex}}} {entry} 1\\{{{letter} = k\\}} + f "
                   f"= W_{{ab}} + f$$\n")
    verdict = _one(md)
    if _always(axis, lo, hi):
        assert verdict == "proved", (axis, lo_tex, hi_tex, verdict)
    else:
        assert verdict != "proved", (axis, lo_tex, hi_tex, verdict)


# --------------------------------------------------------------------------- declared words

DECLARED = "---\nderive:\n  functions: [log, Softmax]\n---\n\n"


def test_words_declared_as_functions_are_read_where_written_as_bare_letters():
    md = DECLARED + ("$$L = -\\sum_{i=1}^{K} y_ilog(p_i)$$\n\n"  # y_i, then log: as TeX reads it
                     "$$\\frac{\\partial L}{\\partial y_j} = -log(p_j)$$\n\n"
                     "$$\\frac{\\partial L}{\\partial y_j} = log(p_j)$$\n\n"
                     "$$s = Softmax(x)$$\n")
    report = derive.check_text(md)
    assert [e.kind for e in report.equations] == ["definition", "claim", "claim", "definition"]
    # the left side takes the log of every p_i, the right of p_j alone: true where both are
    # defined, so conditional on p_i > 0; the sign error is refuted
    assert [link.verdict.value for e in report.equations for link in e.links] == \
        ["conditional", "refuted"]


@pytest.mark.parametrize("text", ["$$q = blog(x)$$", "$$q = logs(x)$$", "$$q = Softmaxx(x)$$"])
def test_a_declared_word_inside_a_longer_run_of_letters_is_still_refused(text):
    report = derive.check_text(DECLARED + text + "\n")
    last = report.equations[-1]
    assert last.kind == "error" and "declare the word" in last.error.message


def test_without_the_declaration_bare_words_stay_refused():
    report = derive.check_text("$$s = Softmax(x)$$\n")
    message = report.equations[0].error.message
    assert "derive: functions: [Softmax]" in message and "\\operatorname{Softmax}" in message


def test_a_word_below_a_name_is_part_of_the_name():
    md = ("$$L_{\\text{data}} = x^2$$\n\n$$\\frac{d L_{\\text{data}}}{dx} = 2x$$\n\n"
          "$$\\frac{d L_{\\text{data}}}{dx} = 3x$$\n\n"
          "$$D_{\\textrm{KL}}(P\\|Q) = D_{KL}(P \\| Q)$$\n\n"  # one divergence, two spellings
          "$$D_{\\textrm{KL}}(P\\|Q) = D_{\\textrm{KL}}(Q\\|P)$$\n")
    report = derive.check_text(md)
    assert [link.verdict.value for e in report.equations for link in e.links] == \
        ["proved", "refuted", "proved", "unknown"]
    # one letter in \text{} below a name could be an index: refused, never a name of its own
    assert derive.check_text("$$x_{\\text{i}} = 1$$\n").equations[0].kind == "error"


def test_a_range_beside_that_starts_elsewhere_than_1_is_refused():
    # y_i = 2 z_i for i = 2..C says nothing of y_1: read as a definition for every i, it would
    # prove Σ_{i=1}^C y_i = 2 Σ_{i=1}^C z_i, which the document does not give
    md = ("$$y_i = 2 z_i, \\quad \\text{for } i = 2, \\dots, C$$\n\n"
          "$$\\sum_{i=1}^{C} y_i = 2 \\sum_{i=1}^{C} z_i$$\n")
    report = derive.check_text(md)
    first = report.equations[0]
    assert first.kind == "error" and "read from 1" in first.error.message
    assert all(link.verdict.value != "proved" for e in report.equations for link in e.links)

"""Displays as people write them (issue #17): rows, relations other than '=', boxes, dots,
sample superscripts and δ. Each is read as meant, reported as not checked with its reason,
or refused with a message that says how to write it, and the equation numbers stay the
displays' places."""

from __future__ import annotations

import subprocess
import sys

import pytest

import derive
from derive.reading.parser import ParseError, parse_expression
from derive.reading.relations import split_display
from derive.reading.syntax import to_latex

SOFTMAX = r"$$p_i = \frac{e^{a_i}}{\sum_{k=1}^{N} e^{a_k}}$$" "\n\n"


def _equations(text: str):
    return derive.check_text(text, jobs=1).equations


# -- the equation number is the display's place, rows are lettered

def test_rows_of_one_display_share_its_number_and_are_lettered():
    text = ("$$ y = x^2 $$\n\n$$\n\\begin{align*}\nu &= x + x \\\\\n  &= 2 x \\\\\nv &= 3 x\n"
            "\\end{align*}\n$$\n\n$$ w = x \\cdot x $$\n")
    eqs = _equations(text)
    assert [(e.index, e.row, e.label) for e in eqs] == [
        (1, 0, "1"), (2, 1, "2a"), (2, 2, "2b"), (3, 0, "3")]
    assert eqs[1].links[0].verdict.value == "proved"  # u's chain x + x = 2x
    assert derive.check_text(text, jobs=1).to_dict()["equations"][2]["row"] == 2


@pytest.mark.parametrize("env", ["align", "align*", "aligned", "split", "eqnarray*", "gather*"])
def test_environments_of_rows_are_read_inside_display_delimiters(env):
    text = f"$$\\begin{{{env}}} a &= x + x \\\\ &= 2x \\end{{{env}}}$$\n"
    (eq,) = _equations(text)
    assert eq.kind == "definition" and [lk.verdict.value for lk in eq.links] == ["proved"]


def test_a_false_row_is_refuted_under_its_own_letter():
    text = SOFTMAX + ("$$\\begin{aligned} s &= p_1 + 0 \\\\ &= p_1 \\\\ "
                      "t &= 2 p_1 \\\\ &= p_1 \\end{aligned}$$\n")
    eqs = _equations(text)
    assert [(e.label, [lk.verdict.value for lk in e.links]) for e in eqs[1:]] == [
        ("2a", ["proved"]), ("2b", ["refuted"])]


# -- relations other than '=': checked around them, not themselves

def test_the_equals_chains_beside_another_relation_are_checked_and_it_is_said():
    (eq,) = _equations(r"$$ y \approx x^2 + 0 = x \cdot x $$")
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    assert any("≈" in n and "not" in n for n in eq.notes)


def test_a_false_step_beside_an_implication_is_still_refuted():
    eqs = _equations("$$ a_i = x_i + 1 $$\n\n"
                     r"$$ a_i = x_i + 1 \quad \Rightarrow \quad "
                     r"\frac{\partial a_i}{\partial x_i} = 2 $$")
    assert [e.label for e in eqs] == ["1", "2a", "2b"]
    assert [lk.verdict.value for lk in eqs[1].links] == ["proved"]  # a restatement
    assert [lk.verdict.value for lk in eqs[2].links] == ["refuted"]


@pytest.mark.parametrize("display", [r"X \in \mathbb{R}^{M \times N}",
                                     r"C \approx \frac{1}{2} \sum_i (z_i - v_i)^2",
                                     r"a \le b", r"\downarrow", r"x < 1"])
def test_a_display_with_no_equals_is_skipped_with_its_reason(display):
    report = derive.check_text(f"$$ {display} $$\n", jobs=1)
    (eq,) = report.equations
    assert eq.kind == "skipped" and "not checked" in eq.notes[0]
    assert report.exit_code == 0 and not report.has_errors


def test_strict_makes_a_skipped_display_fail(tmp_path):
    doc = tmp_path / "d.md"
    doc.write_text("$$ y = x + x $$\n\n$$ y \\le 3 x $$\n", encoding="utf-8")
    run = [sys.executable, "-m", "derive", "check", str(doc), "--no-cache", "-f", "concise"]
    assert subprocess.run(run, capture_output=True).returncode == 0
    assert subprocess.run([*run, "--strict"], capture_output=True).returncode == 3


def test_a_relation_inside_braces_is_not_a_separator():
    split = split_display(r"\sum_{k \le K} x_k = y \left< a \right> = b")
    assert not split.cut


def test_prose_between_two_equations_cuts_the_display():
    split = split_display(r"a = b \quad \text{where} \quad c = d")
    assert [p.has_equals for p in split.parts] == [True, True]
    assert split.separators[0][0] == "‘where’"


# -- \boxed, dots, samples, δ

def test_a_box_only_decorates():
    (eq,) = _equations(r"$$ \boxed{q = x + x} = 2 x $$")
    assert [lk.verdict.value for lk in eq.links] == ["proved"]


@pytest.mark.parametrize("src,read", [
    (r"e^{z_1} + e^{z_2} + \cdots + e^{z_K}", r"\sum_{k=1}^K e^{z_k}"),
    (r"x_1 + \dots + x_n", r"\sum_{k=1}^n x_k"),
    (r"\theta_0 x_0 + ... + \theta_n x_n - y", r"\sum_{k=0}^n \theta_k x_k - y"),
    (r"\theta_0+\theta_1x_1+...\theta_nx_n", r"\theta_0 + \sum_{k=1}^n \theta_k x_k"),
    (r"-x_1 - \cdots - x_n", r"-\sum_{k=1}^n x_k"),
    (r"x + x^2 + \cdots + x^n", r"x + \sum_{k=2}^n x^{k}"),
    (r"x_1 x_2 \cdots x_n", r"\prod_{k=1}^n x_k"),  # a product, folded alike
    (r"2 x_1 \cdot x_2 \cdots x_n", r"2 \prod_{k=1}^n x_k"),
])
def test_a_written_out_sum_is_read_as_the_sum(src, read):
    assert to_latex(parse_expression(src)) == read


@pytest.mark.parametrize("src", [
    r"x_1 + x_3 + \cdots + x_n",  # a step of 2? never guessed
    r"x_1 + \cdots + y_n",  # nothing counts up
    r"x_1 + \cdots - x_n",  # the signs differ
    r"x_1 x_3 \cdots x_n",  # a product with a step of 2
    r"x_1, x_2, \ldots, x_n",  # a list
])
def test_dots_that_are_not_a_plain_sum_are_refused(src):
    with pytest.raises(ParseError):
        parse_expression(src)


def test_a_written_out_sum_is_checked_for_every_size():
    eqs = _equations("$$ x_1 + \\dots + x_n = \\sum_{j=1}^{n} x_j $$\n\n"
                     "$$ x_1 + \\dots + x_n = n x_1 $$\n")
    assert [[lk.verdict.value for lk in e.links] for e in eqs] == [["proved"], ["refuted"]]
    assert any("written out with dots" in n for n in eqs[0].notes)


def test_a_sample_superscript_is_its_own_family_where_it_is_summed_over():
    text = ("$$ h(u) = \\theta u $$\n\n$$ J = \\frac{1}{2m} \\sum_{i=1}^{m} "
            "(h(x^{(i)}) - y^{(i)})^2 $$\n\n"
            "$$ \\frac{\\partial J}{\\partial \\theta} = \\frac{1}{m} \\sum_{i=1}^{m} "
            "(h(x^{(i)}) - y^{(i)}) x^{(i)} $$\n\n"
            "$$ \\frac{\\partial J}{\\partial \\theta} = \\frac{1}{m} \\sum_{i=1}^{m} "
            "(h(x^{(i)}) - y^{(i)}) x_i $$\n\n$$ q = x^{(n)} $$\n")
    eqs = _equations(text)
    assert [lk.verdict.value for lk in eqs[2].links] == ["proved"]
    assert [lk.verdict.value for lk in eqs[3].links] == ["refuted"]  # x_i is not x^{(i)}
    assert eqs[4].kind == "error" and "ambiguous" in eqs[4].error.message


def test_a_derivative_order_in_parentheses_is_refused():
    with pytest.raises(ParseError, match="derivative of order"):
        parse_expression(r"f^{(n)}(x)")


def test_delta_over_delta_is_refused_not_read_as_a_product():
    eqs = _equations("$$ L = z^2 $$\n\n$$ \\frac{\\delta L}{\\delta z} = z $$\n")
    assert eqs[1].kind == "error" and "\\partial" in eqs[1].error.message


def test_two_letters_on_the_left_are_refused_as_name_or_product():
    eqs = _equations("$$ dw = 2 w $$\n\n$$ \\mathit{dw} = 2 w $$\n")
    assert eqs[0].kind == "error" and "one name or the product" in eqs[0].error.message
    assert eqs[1].kind == "definition"


def test_a_subscripted_e_is_a_family_not_the_constant():
    eqs = _equations("$$ e_i = x_i + 1 $$\n\n$$ \\frac{\\partial e_i}{\\partial x_i} = 1 $$\n"
                     "\n$$ e = 3 $$\n")
    assert eqs[0].kind == "definition" and eqs[1].links[0].verdict.value == "proved"
    assert eqs[2].links[0].verdict.value == "refuted"  # bare e is still Euler's number


def test_a_part_cut_at_a_relation_never_gives_a_name_a_value():
    # x = 0 here is a condition, not a definition: x · y = 0 must not follow from it
    eqs = _equations("$$ x^2 = 0 \\iff x = 0 $$\n\n$$ x \\cdot y = 0 $$\n\n"
                     "$$ a \\le b = 2 $$\n\n$$ b \\cdot c = 2 c $$\n\n"
                     "$$ x = 1 \\Rightarrow x^2 = 1 $$\n\n$$ x = 1 $$\n")
    assert all(e.kind != "definition" for e in eqs[:-1])
    assert eqs[1].links[0].verdict.value == "refuted"
    assert eqs[3].links[0].verdict.value == "refuted"
    # x is written in claims before: x = 1 is a claim about it (x := 1 would define it)
    assert eqs[-1].kind == "claim" and any("claim before" in n for n in eqs[-1].notes)
    again = _equations("$$ x \\cdot y = 0 $$\n\n$$ x := 1 $$\n\n$$ x + 1 = 2 $$\n")
    assert again[1].kind == "definition" and again[2].links[0].verdict.value == "proved"


def test_the_first_part_before_a_relation_of_a_chain_may_define():
    eqs = _equations("$$ E = \\frac{1}{2} z^2 \\approx 0 $$\n\n"
                     "$$ \\frac{\\partial E}{\\partial z} = z $$\n")
    assert eqs[0].kind == "definition"
    assert eqs[1].links[0].verdict.value == "proved"


def test_a_function_of_a_family_is_read_entry_by_entry():
    text = ("$$ s(\\mathbf x)_i = \\frac{e^{x_i}}{\\sum e^{x_j}} $$\n\n"
            "$$ \\frac{\\partial s(\\mathbf x)_i}{\\partial x_j} = - s(\\mathbf x)_i "
            "s(\\mathbf x)_j \\quad i \\neq j $$\n\n"
            "$$ \\frac{\\partial s(\\mathbf x)_i}{\\partial x_j} = s(\\mathbf x)_i "
            "s(\\mathbf x)_j \\quad i \\neq j $$\n\n"
            "$$ \\frac{\\partial s(\\mathbf y)_i}{\\partial x_j} = 0 $$\n\n"
            "$$ s(\\mathbf x + c)_i = s(\\mathbf x)_i $$\n\n$$ \\mathbf{x} = 1 $$\n")
    eqs = _equations(text)
    assert eqs[0].kind == "definition" and eqs[0].defines == "s(x)"
    assert [e.links[0].verdict.value for e in eqs[1:4]] == ["proved", "refuted", "unknown"]
    assert "s(y) is not defined" in eqs[3].links[0].reason  # another argument, another family
    assert eqs[4].kind == "error" and eqs[5].kind == "error"  # s(x + c)_i; vector = scalar
    assert "vector" in eqs[5].error.message


# -- unknown functions, prose letters, brackets, full stops

QUOTIENT = ("$$ h(x) = \\frac{f(x)}{g(x)} $$\n\n"
            "$$ h'(x) = \\frac{g(x) f'(x) - f(x) g'(x)}{g(x)^2} $$\n\n"
            "$$ h'(x) = \\frac{g(x) f'(x) + f(x) g'(x)}{g(x)^2} $$\n\n"
            "$$ \\frac{d}{dx} f(g(x)) = f'(g(x)) g'(x) $$\n\n"
            "$$ \\frac{d}{dx} f(g(x)) = f'(x) g'(x) $$\n")


def test_names_written_only_applied_are_unknown_functions_and_rules_hold_for_every_one():
    eqs = _equations(QUOTIENT)
    verdicts = [[lk.verdict.value for lk in e.links] for e in eqs[1:]]
    # a false rule is never proved; read for every f and g (a note says so), it is refuted
    # by one concrete choice, which the counterexample names
    assert verdicts == [["proved"], ["refuted"], ["proved"], ["refuted"]]
    assert any("unknown function" in n for n in eqs[1].notes)
    wrong = eqs[2].links[0]
    assert "not true for every function" in wrong.reason
    cx = wrong.counterexample
    assert "f(u) = " in cx.functions and "g(u) = " in cx.functions and cx.functions in cx.text
    assert cx.to_json()["functions"] == cx.functions


def test_a_name_also_written_alone_stays_a_factor():
    (eq,) = _equations("$$ a(b + c) = a b + a c $$")
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    assert not any("unknown function" in n for n in eq.notes)


@pytest.mark.parametrize("src,message", [
    (r"if\ h(x) = 1", "read like a word"),
    (r"y = H[P] + H", "an application or a product"),  # H also written alone
    (r"y = Dx[f]", r"\operatorname{Dx}[…]"),
    (r"a = \frac{1}{b}. c", r"write \cdot"),  # a full stop; "b . c" is a product (triton)
    (r"\tanh'(2 z) = 1", "at a name in parentheses"),
    (r"Softmax(x) = 1", r"\operatorname{Softmax}"),
])
def test_refused_with_how_to_write_it(src, message):
    (eq,) = _equations(f"$$ {src} $$")
    assert eq.kind == "error" and message in eq.error.message


def test_a_new_section_may_redefine_a_name():
    text = ("## Example 1\n\n$$ f(x) = x^2 $$\n\n$$ f'(x) = 2x $$\n\n$$ f(x) = x^3 $$\n\n"
            "## Example 2\n\n$$ f(x) = x^3 $$\n\n$$ f'(x) = 3x^2 $$\n")
    eqs = _equations(text)
    assert eqs[2].kind == "claim" and eqs[2].links[0].verdict.value == "refuted"  # same section
    assert eqs[3].kind == "definition" and any("new section" in n for n in eqs[3].notes)
    assert eqs[4].links[0].verdict.value == "proved"


def test_a_number_after_a_factor_is_printed_with_its_dot():
    from derive.reading.syntax import Mul, Num, Sym, to_text

    assert to_latex(Mul((Sym("x"), Num("2"), Sym("x")), ("", ""))) == r"x \cdot 2 x"
    assert to_text(Mul((Sym("x"), Num("2"), Sym("x")), ("", ""))) == "x · 2 x"
    assert to_latex(parse_expression(to_latex(Mul((Sym("x"), Num("2")), ("",))))) == \
        r"x \cdot 2"


def test_a_list_of_equations_in_one_display_is_read_equation_by_equation():
    eqs = _equations("$$ y_i = 2 z_i, \\quad q_i = y_i + 1 $$\n\n"
                     "$$ \\frac{\\partial q_i}{\\partial z_i} = 2 $$\n\n"
                     "$$ \\frac{\\partial q_i}{\\partial z_i} = 3 $$\n")
    assert [(e.label, e.kind) for e in eqs[:2]] == [("1a", "definition"), ("1b", "definition")]
    assert [e.links[0].verdict.value for e in eqs[2:]] == ["proved", "refuted"]


def test_a_transpose_is_refused_never_a_power():
    (eq,) = _equations("$$ z = W^T x $$")  # (a plain w^T x is a product of vectors)
    assert eq.kind == "error" and "transpose" in eq.error.message
    (eq,) = _equations("$$ q = e^{T} $$")  # e^T is exp(T)
    assert eq.kind == "definition"


def test_a_list_display_is_read_definitions_first():
    # p_i = σ(z_i), \quad σ(z) = …: one display of definitions, σ's read before p's
    eqs = _equations("$$ p_i = \\sigma(z_i), \\quad \\sigma(z) = \\frac{1}{1+e^{-z}} $$\n\n"
                     "$$ \\frac{\\partial p_i}{\\partial z_i} = p_i (1 - p_i) $$\n\n"
                     "$$ \\frac{\\partial p_i}{\\partial z_i} = p_i (1 + p_i) $$\n")
    assert [e.kind for e in eqs[:2]] == ["definition", "definition"]
    assert [e.label for e in eqs[:2]] == ["1a", "1b"] and eqs[0].defines == "p"  # as written
    assert [e.links[0].verdict.value for e in eqs[2:]] == ["proved", "refuted"]


def test_a_function_used_before_a_later_display_defines_it_is_arbitrary_there():
    eqs = _equations("$$ p_i = \\sigma(z_i) $$\n\n"
                     "$$ \\frac{\\partial p_i}{\\partial z_i} = p_i (1 - p_i) $$\n\n"
                     "$$ \\frac{\\partial p_i}{\\partial z_i} = \\sigma'(z_i) $$\n\n"
                     "$$ \\sigma(z) = \\frac{1}{1+e^{-z}} $$\n")
    assert eqs[0].kind == "definition" and "defined only further on" in " ".join(eqs[0].notes)
    # true for the sigmoid, but not for every σ: never proved; what holds for every σ is
    assert [e.links[0].verdict.value for e in eqs[1:3]] == ["unknown", "proved"]


def test_a_name_defined_after_a_definition_that_reads_it_as_free_is_undetermined():
    # L = z^2 read z as a free variable; once z = 3w is written, ∂L/∂w = 0 is not proved
    for text in ("$$ L = z^2 $$\n\n$$ z = 3 w $$\n\n$$ \\frac{\\partial L}{\\partial w} = 0 $$\n",
                 "$$ M = z^2 $$\n\n$$ L = 2 M $$\n\n$$ z = 3 w $$\n\n"
                 "$$ \\frac{\\partial L}{\\partial w} = 0 $$\n",
                 "$$ L = z^2, \\quad z = w^T x $$\n\n$$ \\frac{\\partial L}{\\partial w} = 0 $$\n"):
        last = _equations(text)[-1]
        if "w^T" in text:  # one list display: z's definition is read first (as below); w is
            # a vector and 0 the zero vector, so ∂L/∂w = 2 z x ≠ 0 is decided
            assert last.links[0].verdict.value == "refuted"
            continue
        assert last.links[0].verdict.value == "unknown", text
    # in one list display the definition of z is read first, so this one is decided
    eqs = _equations("$$ L = z^2, \\quad z = 3 w $$\n\n"
                     "$$ \\frac{\\partial L}{\\partial w} = 0 $$\n")
    assert eqs[-1].links[0].verdict.value == "refuted"


def test_a_claim_about_an_unknown_function_on_the_left_is_judged_for_every_function():
    eqs = _equations("$$ f(x + y) = f(x) + f(y) $$\n\n"
                     "$$ \\frac{d}{dx} f(x^2) = 2 x f'(x^2) $$\n\n"
                     "$$ \\frac{d}{dx} f(x^2) = x f'(x^2) $$\n")
    # f is arbitrary: the false rules are refuted, with a concrete f in the counterexample
    assert [e.links[0].verdict.value for e in eqs] == ["refuted", "proved", "refuted"]
    assert "not true for every function" in eqs[0].links[0].reason
    assert eqs[0].links[0].counterexample.functions.startswith("f(u) = ")


def test_an_integral_is_skipped_and_what_it_defines_stays_unknown():
    eqs = _equations("$$ D = \\int_{-\\infty}^{\\infty} p(x) \\log \\frac{p(x)}{q(x)} dx $$\n\n"
                     "$$ \\frac{\\partial D}{\\partial x} = 0 $$\n")
    assert eqs[0].kind == "skipped" and "integral" in eqs[0].notes[0]
    assert eqs[1].links[0].verdict.value == "unknown"


@pytest.mark.parametrize("defines", [r"\stackrel{\textrm{def}}{=}", r"\overset{\text{def}}{=}",
                                     r"\coloneqq", r"\triangleq", ":="])
def test_written_definitions_define(defines):
    eqs = _equations(f"$$ y = x^2 $$\n\n$$ y {defines} x^3 $$\n\n"
                     "$$ \\frac{d y}{d x} = 3 x^2 $$\n")
    assert eqs[1].kind == "definition"
    assert eqs[2].links[0].verdict.value == "proved"


def test_a_term_left_outside_a_sum_that_uses_its_index_gets_a_note():
    # i is free on the left too, so b_i outside the sum is the free b_i: read so, and said
    eqs = _equations("$$ S_i = \\sum_{i=1}^{n} a_i + b_i $$\n\n"
                     "$$ T = \\sum_{i=1}^{n} (a_i + b_i) $$\n\n"
                     "$$ U = \\sum_{i=1}^{n} a_i + \\sum_{i=1}^{n} b_i $$\n")
    assert any("read outside the sum" in n for n in eqs[0].notes)
    assert not any("outside the sum" in n for e in eqs[1:] for n in e.notes)


@pytest.mark.parametrize(("text", "verdict"), [
    # i is free nowhere else, so b_i outside the sum would stand for nothing: read inside
    ("$$ \\sum_{i=1}^{n} a_i + a_i = 2 \\sum_{i=1}^{n} a_i $$", "proved"),
    ("$$ \\sum_{i=1}^{n} a_i + a_i = \\sum_{i=1}^{n} a_i $$", "refuted"),
    ("$$ x + \\sum_{i=1}^{n} y_i \\log(p_i) + (1 - y_i) \\log(1 - p_i) = x + "
     "\\sum_{i=1}^{n} (y_i \\log(p_i) + (1 - y_i) \\log(1 - p_i)) $$", "proved"),
    ("$$ \\exp(\\sum_{i=1}^{n} a_i + b_i) = \\exp(\\sum_{i=1}^{n} a_i) $$", "refuted"),
    ("$$ \\sum_{i=1}^{n} a_i + b_i + c = c + \\sum_{i=1}^{n} (a_i + b_i) $$", "proved"),
    # a sum with a factor before it, or inside another sum, is continued the same way
    ("$$ 2 \\sum_{i=1}^{n} a_i + a_i = 4 \\sum_{i=1}^{n} a_i $$", "proved"),
    ("$$ \\frac{1}{n} \\sum_{i=1}^{n} a_i + a_i = \\frac{2}{n} \\sum_{i=1}^{n} a_i $$",
     "proved"),
    ("$$ \\sum_{i=1}^{n} \\sum_{j=1}^{m} a_{ij} + b_j = \\sum_{i=1}^{n} \\sum_{j=1}^{m} "
     "(a_{ij} + b_j) $$", "proved"),
    ("$$ 2 \\sum_{i=1}^{n} a_i + a_i = 2 \\sum_{i=1}^{n} a_i + 2 $$", "refuted"),
])
def test_a_term_outside_a_sum_whose_index_is_free_nowhere_else_is_read_inside(text, verdict):
    (eq,) = _equations(text + "\n")
    assert eq.kind == "claim" and eq.links[0].verdict.value == verdict
    assert any("read inside the sum" in n and "(… + …) to say so" in n for n in eq.notes)


@pytest.mark.parametrize(("text", "why"), [
    ("$$ S = -\\sum_{i=1}^{n} a_i + b_i $$", "negated"),  # does the minus cover b_i?
    ("$$ S = \\sum_{i=1}^{n} (a_i) + b_i $$", "brackets"),
    ("$$ S = \\sum_{i=1}^{n} a_i + c + b_i $$", "between"),
    ("$$ S = \\prod_{i=1}^{n} a_i + b_i $$", "product"),
    ("$$ S = -2 \\sum_{i=1}^{n} a_i + b_i $$", "negated"),
    # inside Σ_i, or inside Σ_j too (m b_i)? Either is a reading
    ("$$ S = \\sum_{i=1}^{n} \\sum_{j=1}^{m} a_{ij} + b_i $$", "another sum"),
    ("$$ S = \\sum_{i=1}^{n} c_i \\sum_{j=1}^{m} a_{ij} + b_i $$", "another sum"),
])
def test_a_term_outside_a_sum_is_refused_where_it_is_not_clear_what_belongs(text, why):
    (eq,) = _equations(text + "\n")
    assert eq.kind == "error" and "free nowhere else" in eq.error.message
    assert why in eq.error.message and "(… + …)" in eq.error.message


def test_a_logarithm_with_a_base_is_read_with_it():
    eqs = _equations("$$ \\log_2 8 = 3 $$\n\n$$ \\log_2 x = \\frac{\\ln x}{\\ln 2} $$\n\n"
                     "$$ \\log_2 x = \\log_{10} x $$\n")
    assert [e.links[0].verdict.value for e in eqs] == ["proved", "proved", "refuted"]
    with pytest.raises(ParseError, match="base e"):
        parse_expression(r"\ln_2 x")


def test_a_counterexample_that_reads_index_0_lists_it():
    (eq,) = _equations("$$ x_0 + x_1 + \\cdots + x_{K-1} = \\sum_{k=1}^{K} x_k $$")
    (link,) = eq.links
    cx = link.counterexample
    assert link.verdict.value == "refuted" and "x_0" in cx.values
    # the listed values reproduce both sides
    xs = [cx.values["x_0"], *cx.values["x"]]
    size = cx.size["K"]
    assert sum(xs[:size]) == pytest.approx(cx.lhs) and sum(xs[1:size + 1]) == pytest.approx(cx.rhs)


def test_links_without_an_integral_are_checked_and_the_others_are_not():
    eqs = _equations("$$ -\\int q \\log q \\, dz = \\int q c \\, dz = \\frac{1}{2} \\log(4) + 1 "
                     "= \\log(2) + 1 = \\log(3) + 1 $$\n\n"
                     "$$ D = \\int p \\, dx = a + a = 2 a $$\n\n"
                     "$$ \\frac{\\partial D}{\\partial a} = 2 $$\n")
    first = eqs[0]
    assert first.kind == "claim" and "links not checked" in first.notes[0]
    assert [lk.verdict.value for lk in first.links] == ["proved", "refuted"]
    assert eqs[1].kind == "claim" and eqs[1].defines is None  # never a definition of D
    assert eqs[2].links[0].verdict.value == "unknown"  # D = ∫…: undetermined, not 2a
    only = _equations("$$ A = \\int f \\, dx = \\int g \\, dx $$\n")
    assert only[0].kind == "skipped"


def test_an_empty_group_after_a_factor_is_nothing():
    eqs = _equations("$$ \\frac{a}{b}{} c = \\frac{a c}{b} $$\n\n$$ a{}b = a + b $$\n")
    assert eqs[0].links[0].verdict.value == "proved"
    assert eqs[1].links[0].verdict.value == "refuted"  # a{}b is a·b
    assert _equations("$$ x^{} = 1 $$\n")[0].kind == "error"


def test_an_update_rule_is_skipped_not_refused():
    eqs = _equations("$$ \\theta_i := \\theta_i - \\alpha g_i $$\n\n$$ D := D + 1 $$\n"
                     "\n$$ E = E + 1 $$\n")
    assert eqs[0].kind == "skipped" and "update rule" in eqs[0].notes[0]
    assert eqs[1].kind == "skipped"
    assert eqs[2].kind == "error" and "uses E itself" in eqs[2].error.message


def test_a_derivative_has_the_domain_its_differentiation_gives():
    # d√x/dx divides by √x: both sides are undefined at x = 0, so the link is proved
    eqs = _equations("$$ f(x) = \\frac{\\sqrt{x}}{x + 2} $$\n\n"
                     "$$ f'(x) = \\frac{(x + 2) \\frac{1}{2} x^{-1/2} - \\sqrt{x}}{(x + 2)^2} $$"
                     "\n\n"
                     "$$ f'(x) = \\frac{(x + 2) \\frac{1}{2} x^{-1/2} + \\sqrt{x}}{(x + 2)^2} $$\n")
    first, wrong = eqs[1].links[0], eqs[2].links[0]
    assert first.verdict.value == "proved" and not first.needs
    assert wrong.verdict.value == "refuted"
    assert (wrong.derived_text or "").startswith("d(")  # the rule gives f', not f itself
    assert "f'" not in (wrong.residual_text or "")  # no opaque f'(x) in the residual


def test_a_fractional_power_is_a_root():
    eqs = _equations("$$ x^{1/2} x^{1/2} = x $$\n\n$$ x^{1/2} = \\sqrt{x} $$\n")
    assert eqs[0].links[0].verdict.value == "conditional"  # undefined for x < 0
    assert "x > 0" in eqs[0].links[0].needs[0].latex
    assert eqs[1].links[0].verdict.value == "proved"


def test_two_definitions_of_one_name_in_one_display_are_two_definitions():
    # both rows are equation 1: the body cache must tell 1a from 1c (it once did not, and
    # only the oracle's veto kept the second f'(x) = 2x from being proved)
    eqs = _equations("$$ f(x) = x^2, \\quad f'(x) = 2 x, \\quad f(x) := x^3, "
                     "\\quad f'(x) = 2 x $$\n")
    assert [e.kind for e in eqs] == ["definition", "claim", "definition", "claim"]
    assert [e.links[0].verdict.value for e in eqs if e.links] == ["proved", "refuted"]
    assert "1a" in eqs[2].notes[-1]  # "it replaces the definition of equation 1a"


def test_a_list_part_without_an_equals_sign_is_noted_never_dropped():
    eqs = _equations("$$ a = b, \\quad c $$\n")
    assert "not checked" in " ".join(eqs[0].notes) and "c" in eqs[0].notes[0]


def test_wide_spaces_between_equations_separate_them():
    eqs = _equations("$$ f(x,y) = x y \\hspace{0.5in} \\rightarrow \\hspace{0.5in} "
                     "\\frac{\\partial f}{\\partial x} = y \\hspace{0.5in} "
                     "\\frac{\\partial f}{\\partial y} = y $$\n")
    assert eqs[0].kind == "definition"  # f(x, y) = … before an arrow defines f
    assert [e.links[0].verdict.value for e in eqs[1:]] == ["proved", "refuted"]
    chain = _equations("$$ u = v \\hspace{1em} + w = v + w $$\n\n$$ u = v + w $$\n")
    assert len(chain) == 2 and chain[0].kind == "definition" and "+ w" in chain[0].latex
    one = _equations("$$ a \\qquad b = a b $$\n")  # a space inside one side separates nothing
    assert len(one) == 1 and one[0].links[0].verdict.value == "proved"


def test_line_breaks_inside_dollars_give_one_equation_a_row():
    eqs = _equations("$$\nf(x) = \\frac{1}{x} \\\\\n\\frac{df}{dx} = -1/x^2 \\\\\n"
                     "= -x^{-2}\n$$\n")
    assert [e.label for e in eqs] == ["1a", "1b"]
    assert [lk.verdict.value for lk in eqs[1].links] == ["proved", "proved"]


def test_only_a_power_below_one_divides_when_differentiated():
    eqs = _equations("$$ f(u) = u^{3/2} $$\n\n$$ f'(u) = \\frac{3}{2} u^{1/2} $$\n\n"
                     "$$ g(u) = u^{1/2} $$\n\n$$ g'(u) = \\frac{1}{2} u^{-1/2} $$\n\n"
                     "$$ h(u) = u^{3/2} $$\n\n$$ h'(u) = \\frac{3 u}{2 u^{1/2}} $$\n")
    assert [e.links[0].verdict.value for e in eqs[1::2]] == ["proved", "proved", "conditional"]
    assert "u \\neq 0" in eqs[5].links[0].needs[0].latex  # h' is defined at 0, the right side not


def test_conditions_inside_cases_never_cut_the_display():
    eqs = _equations("$$ y_{ij} = \\begin{cases}1 & j = i; \\\\ 0 &\\textrm{otherwise.}"
                     "\\end{cases} $$\n\n$$ a = \\begin{cases} 1 & x \\le 0 \\\\ 2 & "
                     "\\text{otherwise} \\end{cases} $$\n")
    assert eqs[0].kind == "definition"
    assert eqs[1].kind == "error" and "case condition" in eqs[1].error.message  # not cut at ≤


def test_the_authors_labels_appear_in_the_report():
    import json

    from derive.report.render import render

    text = ("$$ y = x^2 \\label{eq:square} $$\n\n$$ \\frac{dy}{dx} = 2 x $$\n"
            ":eqlabel:`eq_derivative`\n\n$$\n\\begin{align}\nu &= x + x \\label{eq:u} \\\\\n"
            "v &= 3 x\n\\end{align}\n$$\n")
    report = derive.check_text(text, jobs=1)
    assert [e.title for e in report.equations] == [
        "1 (eq:square)", "2 (eq_derivative)", "3a (eq:u)", "3b"]
    assert [e.label for e in report.equations] == ["1", "2", "3a", "3b"]  # numbers stay
    for fmt in ("plain", "markdown", "html", "latex"):
        needle = "eq\\_derivative" if fmt == "latex" else "eq_derivative"  # (escaped)
        assert needle in render(report, fmt), fmt
    data = json.loads(render(report, "json"))
    found = data["equations"] if "equations" in data else data["files"][0]["equations"]
    assert [e["labels"] for e in found] == [["eq:square"], ["eq_derivative"], ["eq:u"], []]


def test_a_row_that_begins_with_an_operator_goes_on_with_the_side_before_it():
    # L = x \\ + y once defined L as x (the second row an error), so L - x = 0 was proved
    for text in ("$$ L = x \\\\ + y $$\n",
                 "$$\n\\begin{align}\nL &= x \\\\\n  &\\quad + y \\\\\nM &= 2\n\\end{align}\n$$\n"):
        eqs = _equations(text + "\n$$ L - x = 0 $$\n\n$$ L - x = y $$\n")
        assert eqs[0].kind == "definition" and "y" in eqs[0].latex, text
        assert [e.links[0].verdict.value for e in eqs if e.links] == ["refuted", "proved"]
    # a row of its own that begins with a sign is an equation of its own
    rows = _equations("$$\n\\begin{align}\na &= b \\\\\n-c &= d\n\\end{align}\n$$\n")
    assert [e.label for e in rows] == ["1a", "1b"]
    # TeX reads on across a break: L = x \\ y is L = x y; a row with a relation stands alone
    eqs = _equations("$$ L = x \\\\ y $$\n\n$$ L - x = 0 $$\n")
    assert eqs[-1].links[0].verdict.value == "refuted"
    alone = _equations("$$\n\\begin{align}\na &= b \\\\\nx &\\in R \\\\\nc &= d\n"
                       "\\end{align}\n$$\n")
    assert [e.kind for e in alone] == ["definition", "skipped", "definition"]


@pytest.mark.parametrize("text", [
    "$$ \\log((1/2)^{1000000000}) = 1000000000 \\cdot \\log(1/2) $$",
    "$$ e^{100000} = e^{100000} \\cdot 1 $$",
])
def test_a_number_too_large_to_compute_leaves_the_link_unknown_not_an_error(text):
    # the display is read; derive cannot compute the number, so it decides nothing
    (eq,) = _equations(text + "\n")
    assert eq.kind == "claim"
    (link,) = eq.links
    assert link.verdict.value == "unknown" and "too large to compute" in link.reason


def test_a_letter_written_only_as_an_index_is_never_multiplied_by_brackets_after_it():
    # n_H makes H an index; H(p) then is no product H·p (which proved H(p + q) = H(p) + H(q))
    eqs = _equations("$$ a = n_H + n_T $$\n\n$$ H(p + q) = H(p) + H(q) $$\n\n"
                     "$$ \\sum_{i=1}^{n} i(i + 1) = \\sum_{i=1}^{n} (i^2 + i) $$\n")
    assert eqs[1].kind == "error" and "only as an index" in eqs[1].error.message
    # an index also written as a value (i in i + 1) still multiplies
    assert eqs[2].links[0].verdict.value == "proved"


@pytest.mark.parametrize("text", [
    # h_θ is written nowhere as a value: a function with a parameter, not h_θ·(x + y)
    "$$ h_\\theta(x + y) = h_\\theta(x) + h_\\theta(y) $$",
    "$$ f_a(2 x) = 2 f_a(x) $$",
    # σ is written alone (σ^2), but σ(z), one name in brackets, is how functions are written
    "$$ s = \\sigma^2 $$\n\n$$ \\sigma(z) + \\sigma(w) = \\sigma(z + w) $$",
])
def test_brackets_after_a_name_that_is_no_function_are_no_product_guessed(text):
    eqs = _equations(text + "\n")
    assert eqs[-1].kind == "error" and "could be" in eqs[-1].error.message
    assert "\\cdot" in eqs[-1].error.message
    assert not any(lk.verdict.value == "proved" for e in eqs for lk in e.links)


def test_brackets_after_a_value_are_a_product_and_a_plain_name_says_so():
    eqs = _equations("$$ a(b + c) = ab + ac $$\n\n$$ y_k(1 - y_i) = y_k - y_k y_i $$\n")
    assert [e.links[0].verdict.value for e in eqs] == ["proved", "proved"]
    assert any("read as a times (…)" in n for n in eqs[0].notes)
    assert not any("times (…)" in n for n in eqs[1].notes)


@pytest.mark.parametrize(("text", "verdict"), [
    ("$$ \\tanh^2 w + \\operatorname{sech}^2(w) = 1 $$", "proved"),
    ("$$ \\frac{d}{dx} \\tanh x = \\text{sech}^2(x) $$", "proved"),
    ("$$ \\frac{d}{dx} \\tanh x = \\operatorname{sech}(x)^2 + 1 $$", "refuted"),
    ("$$ \\frac{d}{dx} \\frac{1}{\\sinh x} = -\\operatorname{csch}(x) \\coth(x) $$", None),
    # an unknown operator squared is its value squared, never its name squared times (x)
    ("$$ \\operatorname{foo}^2(x) = \\operatorname{foo}(x)^2 $$", "proved"),
    # (foo is a word: a named function, never put in for by an arbitrary one)
    ("$$ \\operatorname{foo}^2(x) = \\operatorname{foo}(x^2) $$", "unknown"),
])
def test_sech_is_built_in_and_an_operator_squared_is_its_value_squared(text, verdict):
    (eq,) = _equations(text + "\n")
    if verdict is None:  # \coth has no reading: an error, never a verdict
        assert eq.kind == "error"
        return
    assert eq.links[0].verdict.value == verdict


@pytest.mark.parametrize("text", ["$$ \\operatorname{sech}^2 w = 1 $$",
                                  "$$ \\text{sech} w = 1 $$",
                                  "$$ \\mathrm{MSE} n = 1 $$"])
def test_an_operator_name_before_a_factor_without_brackets_is_refused(text):
    (eq,) = _equations(text + "\n")
    assert eq.kind == "error" and "without brackets" in eq.error.message


@pytest.mark.parametrize(("claim", "verdict"), [
    ("\\sigma^2(z) = \\sigma(z) \\sigma(z)", "proved"),
    ("\\sigma^2(z) = \\sigma(z^2)", "refuted"),
])
def test_a_function_squared_before_brackets_is_its_value_squared(claim, verdict):
    eqs = _equations(f"$$ \\sigma(u) = \\frac{{1}}{{1 + e^{{-u}}}} $$\n\n$$ {claim} $$\n")
    assert eqs[1].links[0].verdict.value == verdict

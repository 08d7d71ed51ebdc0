"""The LaTeX reader: every construct it must read, round trips, splitting, and its errors."""

from __future__ import annotations

import pytest

import derive
from derive.reading.document import read_document
from derive.reading.markdown import find_equations
from derive.reading.parser import ParseError, parse_chain, parse_expression, split_top_level
from derive.reading.syntax import (
    Apply,
    BigOp,
    Deriv,
    Exp,
    Frac,
    Indicator,
    Log,
    Mul,
    Sym,
    to_latex,
    to_text,
)


def p(src: str):
    return parse_expression(src)


def test_exponential_is_exp_not_a_symbol_e():
    node = p("e^{z_k}")
    assert isinstance(node, Exp) and node.arg == Sym("z", (Sym("k"),))


def test_partial_fraction_is_a_derivative():
    node = p(r"\frac{\partial C}{\partial z_i}")
    assert isinstance(node, Deriv) and node.expr == Sym("C") and node.wrt == (
        Sym("z", (Sym("i"),)),)


def test_product_with_parenthesis_is_kept_whole():
    node = p(r"y_k (1\{k = i\} - y_i)")
    assert isinstance(node, Apply)  # read later as a product, since y is not a function
    (arg,) = node.args
    assert "1\\{k = i\\}" in to_latex(arg) and "y_i" in to_latex(arg)


@pytest.mark.parametrize("src", [
    r"\frac{a}{b}", r"\dfrac{a}{b}", r"\tfrac{a}{b}", r"{a \over b}", r"\frac12",
])
def test_fractions(src):
    assert isinstance(p(src), Frac)


@pytest.mark.parametrize("src,index,written", [
    (r"\sum_{k=1}^{K} x_k", "k", "full"), (r"\sum_{k=1}^K x_k", "k", "full"),
    (r"\sum_{k} x_k", "k", "index"), (r"\sum x_k", None, "bare"),
    (r"\prod_{k=1}^{K-1} x_k", "k", "full"),
])
def test_sums_and_products(src, index, written):
    node = p(src)
    assert isinstance(node, BigOp) and node.index == index and node.written == written


def test_sum_body_stops_at_plus_or_minus():
    node = p(r"\sum_{k=1}^K t_k 1\{k = i\} + \sum_{k=1}^K y_i")
    assert len(node.terms) == 2 and all(isinstance(t, BigOp) for t in node.terms)


@pytest.mark.parametrize("src,style", [
    ("e^{x}", "e"), (r"\exp(x)", "exp"), (r"\exp x", "exp"),
])
def test_exponentials(src, style):
    node = p(src)
    assert isinstance(node, Exp) and node.style == style


@pytest.mark.parametrize("src,style", [
    (r"\log y_k", "log"), (r"\ln y_k", "ln"), (r"\log(1 + x)", "log"),
    (r"\log \sum_j e^{z_j}", "log"),
])
def test_logs(src, style):
    node = p(src)
    assert isinstance(node, Log) and node.style == style


def test_subscripts_run_together():
    node = p("t_ky_i")
    assert isinstance(node, Mul) and [to_latex(f) for f in node.factors] == ["t_k", "y_i"]


@pytest.mark.parametrize("src,style", [
    (r"1\{k = i\}", "1{}"), (r"\mathbb{1}\{k = i\}", "mathbb"), (r"\mathbf{1}\{k = i\}", "mathbf"),
    ("1(k = i)", "1()"), (r"\delta_{ki}", "delta"), (r"\delta_{k,i}", "delta,"),
    (r"\mathbb{1}_{k=i}", "mathbb_"), ("[k = i]", "[]"), (r"\mathbb{1}[k = i]", "mathbb[]"),
])
def test_indicators(src, style):
    node = p(src)
    assert isinstance(node, Indicator) and node.style == style
    assert {node.case.left, node.case.right} == {"k", "i"} and node.case.equal


@pytest.mark.parametrize("src", [r"1\{k \neq i\}", r"1\{k \ne i\}", r"1\{k \not= i\}"])
def test_not_equal_indicators(src):
    node = p(src)
    assert isinstance(node, Indicator) and not node.case.equal


@pytest.mark.parametrize("src,order,operator", [
    (r"\frac{\partial C}{\partial z_i}", 1, False), (r"{\partial y \over \partial z}", 1, False),
    (r"\frac{\partial}{\partial z_i} \log y_k", 1, True),
    (r"\frac{\partial^2 C}{\partial z_i^2}", 2, False), (r"\frac{d f}{d u}", 1, False),
    (r"\frac{d}{du} f", 1, True), (r"\frac{\mathrm{d} f}{\mathrm{d} u}", 1, False),
])
def test_derivatives(src, order, operator):
    node = p(src)
    assert isinstance(node, Deriv) and len(node.wrt) == order and node.operator == operator


def test_operator_derivative_applies_to_the_rest_of_the_term():
    node = p(r"\frac{\partial}{\partial z_i} t_k \log y_k + 1")
    first = node.terms[0]
    assert isinstance(first, Deriv) and isinstance(first.expr, Mul)


@pytest.mark.parametrize("src", [
    r"a \cdot b", r"a \times b", r"\left( a + b \right) c", r"\big( a \big) b", "a^2 b",
    r"-a + 3.5 b", r"a \, b \; c \quad d", r"\sigma(u) \alpha",
])
def test_operators_and_layout(src):
    assert to_latex(p(src))


ROUND_TRIP = [
    r"y_i(z_i)", r"\frac{e^{z_i}}{\sum_{k=1}^K e^{z_k}}", r"-\sum_{k=1}^K t_k \log y_k",
    r"\frac{\partial C}{\partial z_i}", r"y_k (1\{k = i\} - y_i)",
    r"-\sum_{k=1}^K t_k 1\{k = i\} + \sum_{k=1}^K y_i",
    r"\frac{e^{z_{k=i}} \sum e^{z_j} - e^{z_{k=i}}e^{z_i}}{(\sum e^{z_j})^2}",
    r"{\partial y_{k \not= i} \over \partial z_i}", r"\delta_{k,i} - y_i", r"\ln(1 + \exp(-u))",
    r"\frac{\partial^2 C}{\partial z_i^2}", r"\frac{d}{du} \sigma(u)", r"\prod_{k=1}^{K} p_k",
    r"\mathbb{1}\{k = i\} a_k", r"x^{2} - \frac{1}{2} x", r"1(k = i)",
]


@pytest.mark.parametrize("src", ROUND_TRIP)
def test_round_trip_parse_print_parse(src):
    once = p(src)
    again = p(to_latex(once))
    assert again == once
    assert to_text(once)


def test_split_skips_equals_inside_groups_and_not_equal():
    src = r"a_{k=i} = 1\{k = i\} + 1(k = i) = b \not= c"
    sides = [s for s, _ in split_top_level(src)]
    assert [s.strip() for s in sides] == ["a_{k=i}", r"1\{k = i\} + 1(k = i)", r"b \not= c"]


@pytest.mark.parametrize("src,message", [
    (r"\frac{a}{b", "unbalanced braces"), (r"a + \foo{b}", r"unknown macro \foo"),
    ("a + ", "expected"), (r"x^23", "ambiguous superscript"), (r"\partial C", r"\partial"),
    ("(" * 500 + "a" + ")" * 500, "nesting"), (r"\ln_2 x", "base e"),
    (r"f' x", "argument list after the prime"),
    (r"f^{(n)}(x)", "derivative of order n"), ("log x", r"write \log"),
    ("softmax(z)", "run together"),
    ("a/b c", "ambiguous"), (r"a \le b", "relation"), (r"a < b", "relation"),
    (r"\text{if } x", "words inside math"),
])
def test_parse_errors(src, message):
    with pytest.raises(ParseError) as exc:
        parse_chain(src)
    assert message in exc.value.message


def test_primes_and_elementary_functions():
    report = derive.check_text(r"""
$$\sigma(u) = \frac{1}{1 + e^{-u}}$$
$$\sigma'(u) = \sigma(u) (1 - \sigma(u))$$
$$\sigma'(u) = \sigma(u)^2$$
$$\tanh(u) = 2 \sigma(2 u) - 1$$
$$\sqrt{4 x^2} = 2 x$$
$$a := b + 1$$
$$a - 1 = b$$
""")
    got = [lk.verdict.value for e in report.equations for lk in e.links]
    assert got == ["proved", "refuted", "proved", "conditional", "proved"]
    assert [e.kind for e in report.equations][-2] == "definition"


def test_empty_sides_are_errors():
    for src in ("a = ", " = b", "a == b"):
        with pytest.raises(ParseError, match="empty side"):
            parse_chain(src)


def test_errors_in_documents_are_located():
    text = "intro\n\n$$2 a = a + b$$\n\nmore text\n$$x = \\frac{1}{y$$\n\n$$c = d + \\foo$$\n"
    report = derive.check_text(text, "doc.md")
    kinds = [e.kind for e in report.equations]
    assert kinds == ["claim", "error", "error"]
    e2, e3 = report.equations[1].error, report.equations[2].error
    assert (e2.line, e2.file) == (6, "doc.md") and "unbalanced" in e2.message
    assert e3.line == 8 and e3.column == text.split("\n")[7].index("\\foo") + 1
    assert "\\foo" in e3.message and "^" in e3.located
    assert report.exit_code == 2
    assert report.equations[0].links[0].verdict.value == "refuted"  # the rest is still checked


def test_finding_equations():
    text = """---
title: t
---
Inline $a = b$ and \\(c = d\\) are not checked.

$$
x = y
$$

1. item

    $$ p = q $$

\\[ r = s \\]

\\begin{equation} u = v \\end{equation}

\\begin{align}
C &= a \\\\
  &= b
\\end{align}

```
$$ in code = ignored $$
```
"""
    eqs = find_equations(text)
    assert [e.text.split("=")[0].strip() for e in eqs] == ["x", "p", "r", "u", "C"]
    assert [e.line for e in eqs] == [6, 12, 14, 16, 19]
    doc = read_document(text, "t.md")
    assert len(doc.equations[-1].sides) == 3  # the align block is one chain


def test_inference_of_definitions_families_functions_and_scalars():
    text = r"""
$$y_i(z_i) = \frac{e^{z_i}}{\sum_{k=1}^K e^{z_k}}$$
$$\sigma(u) = \frac{1}{1 + e^{-u}}$$
$$C = -\sum_{k=1}^K t_k \log y_k$$
$$y_k (1 - y_i) = y_k - y_k y_i$$
"""
    doc = read_document(text)
    kinds = [(e.kind, e.definition.kind if e.definition else None) for e in doc.equations]
    assert kinds == [("definition", "family"), ("definition", "function"),
                     ("definition", "scalar"), ("claim", None)]


def test_bare_sum_needs_an_index_it_can_find():
    report = derive.check_text(r"$$\sum e^{z_i} = e^{z_i}$$", "bare.md")
    assert report.equations[0].kind == "error"
    assert "bare" in report.equations[0].error.message


def test_function_application_versus_product():
    report = derive.check_text(r"""
$$f(x) = x^2$$
$$f(3) = 9$$
$$t_k (1 + x) = t_k + t_k x$$
$$g(1 + x) = g + g x$$
""")
    verdicts = [e.links[0].verdict.value for e in report.equations[1:]]
    assert verdicts == ["proved", "proved", "proved"]


def test_unicode_and_greek():
    report = derive.check_text(r"$$\alpha (\beta + \gamma) = \alpha \beta + \alpha \gamma$$")
    assert report.equations[0].links[0].verdict.value == "proved"


def test_unicode_math_is_read_as_the_macros_it_stands_for():
    report = derive.check_text("""
$$σ(u) = \\frac{1}{1 + e^{−u}}$$
$$\\frac{∂}{∂u} σ(u) = σ(u) · (1 − σ(u))$$
$$Σ_{k=1}^{K} 2 t_k = 2 Σ_{j=1}^{K} t_j$$
""")
    assert [lk.verdict.value for lk in report.links] == ["proved", "proved"]


def test_case_subscripts_written_either_way_round_are_one_case():
    report = derive.check_text(r"""
$$y_k = \frac{e^{z_k}}{\sum_{j=1}^K e^{z_j}}$$
$$\frac{\partial y_{k=i}}{\partial z_i} = y_{i=k}(1 - y_k)$$
""")
    assert report.links[0].verdict.value == "proved"


def test_a_family_written_without_its_index_is_refused_not_misread():
    report = derive.check_text(r"""
$$C = -\sum_{k=1}^K t_k \log z_k$$
$$\frac{\partial C}{\partial z} = 0$$
""")
    err = report.equations[1].error
    assert err is not None and "element" in err.message and err.line == 3


def test_d_over_u_is_a_fraction_and_d2f_dx2_a_derivative():
    report = derive.check_text(r"""
$$f(x) = x^3$$
$$\frac{d^2 f}{dx^2} = 6 x$$
$$\frac{d}{u} u = d$$
""")
    assert [e.kind for e in report.equations] == ["definition", "claim", "claim"]
    assert report.equations[1].links[0].verdict.value == "proved"
    lk = report.equations[2].links[0]
    assert lk.verdict.value == "conditional" and lk.needs[0].text == "u ≠ 0"

"""The independent oracle (derive.engine.oracle): hand-checked values, false identities it must
find different, domain results, the cancellation artefact, points, and its isolation from
sympy and the engine."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from derive.engine.oracle import Point, evaluate, judge, points
from derive.reading.document import read_document
from derive.reading.parser import parse_expression

ROOT = Path(__file__).resolve().parent.parent
SOFTMAX = "$$y_k = \\frac{e^{z_k}}{\\sum_{j=1}^{K} e^{z_j}}$$\n\n"


def claim(text: str):
    """The last claim of a document: (lhs, rhs, reading, assumptions)."""
    doc = read_document(text)
    eq = [e for e in doc.equations if e.kind == "claim"][-1]
    assert eq.reading is not None, eq.error
    return eq.reading.sides[0], eq.reading.sides[1], eq.reading, doc.assumptions


def verdict(text: str, **kw):
    lhs, rhs, reading, assumptions = claim(text if "$$" in text else f"$${text}$$")
    return judge(lhs, rhs, reading, assumptions=assumptions, **kw)


def value(latex: str, prelude: str = "", sizes=None, indices=None, values=None) -> float:
    """Evaluate ``latex`` (read as the left side of a claim) at a point given by hand."""
    _zero, lhs, reading, _ = claim(prelude + f"$$0 + 0 = {latex}$$")
    pt = Point(0, 0, dict(sizes or {}), dict(indices or {}))
    for key, v in (values or {}).items():
        pt.values[key] = Fraction(v)
    return float(evaluate(lhs, reading.env, pt)[0])


def zs(*vals):
    return {("z", (n,)): v for n, v in enumerate(vals, start=1)}


# --------------------------------------------------------------------------- values

def test_softmax_value():
    z = (0, 1, Fraction(-1, 2))
    total = sum(math.exp(float(v)) for v in z)
    got = value("y_i", SOFTMAX, {"K": 3}, {"i": 2}, zs(*z))
    assert got == pytest.approx(math.e / total, rel=1e-14)
    # the definition's body is read with its own summation index (j), not the claim's
    got = value("\\sum_{k=1}^{K} y_k", SOFTMAX, {"K": 3}, {}, zs(*z))
    assert got == pytest.approx(1.0, rel=1e-14)


def test_k_equals_one_and_empty_ranges():
    assert value("y_i", SOFTMAX, {"K": 1}, {"i": 1}, zs(Fraction(7, 3))) == pytest.approx(1.0)
    assert value("\\sum_{k=3}^{2} x_k") == 0.0
    assert value("\\prod_{k=3}^{2} x_k") == 1.0
    assert value("\\sum_{k=5}^{K} 1", "", {"K": 3}) == 0.0
    assert value("\\sum_{k=5}^{K} 1", "", {"K": 12}) == 8.0
    assert verdict("\\sum_{k=3}^{2} x_k = 0").kind == "agree"


def test_deltas_and_indicators():
    for text in ("\\delta_{ki}", "1\\{k = i\\}", "\\mathbb{1}\\{k = i\\}"):
        assert value(text, "", {"K": 3}, {"i": 2, "k": 2}) == 1.0
        assert value(text, "", {"K": 3}, {"i": 2, "k": 3}) == 0.0
    assert value("1\\{k \\neq i\\}", "", {"K": 3}, {"i": 2, "k": 3}) == 1.0
    assert value("\\sum_{k=1}^{K} \\delta_{ki} t_k", "", {"K": 4}, {"i": 3},
                 {("t", (n,)): n * n for n in range(1, 5)}) == 9.0
    assert verdict("\\sum_{k=1}^K \\delta_{ki} t_k = t_i").kind == "agree"


def test_softmax_jacobian_by_numerical_differentiation():
    z = (Fraction(1, 3), Fraction(-2), Fraction(1, 2))
    e = [math.exp(float(v)) for v in z]
    y = [v / sum(e) for v in e]
    for k in (1, 2, 3):
        for i in (1, 2, 3):
            got = value("\\frac{\\partial y_k}{\\partial z_i}", SOFTMAX, {"K": 3},
                        {"i": i, "k": k}, zs(*z))
            want = y[k - 1] * ((k == i) - y[i - 1])
            assert got == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert verdict(SOFTMAX + "$$\\frac{\\partial y_k}{\\partial z_i} = y_k "
                   "(1\\{k = i\\} - y_i)$$").kind == "agree"
    # the same with the summation in the derivative's own sum: Σ_j e^{z_j} hits j = i
    assert verdict(SOFTMAX + "$$\\frac{\\partial}{\\partial z_i} \\sum_{j=1}^{K} e^{z_j} = "
                   "e^{z_i}$$").kind == "agree"


def test_leibniz_derivative_with_respect_to_a_defined_element():
    z = (Fraction(1, 3), Fraction(-2), Fraction(1, 2))
    e = [math.exp(float(v)) for v in z]
    got = value("\\frac{\\partial \\log y_k}{\\partial y_k}", SOFTMAX, {"K": 3}, {"k": 2},
                zs(*z))
    assert got == pytest.approx(sum(e) / e[1], rel=1e-12)
    assert verdict(SOFTMAX + "$$\\frac{\\partial \\log y_k}{\\partial y_k} = "
                   "\\frac{1}{y_k}$$").kind == "agree"
    # the override holds that element only: y_i for i ≠ k is still the softmax
    assert verdict(SOFTMAX + "$$\\frac{\\partial y_i}{\\partial y_k} = "
                   "\\delta_{ik}$$").kind == "agree"


def test_primes_of_a_defined_function():
    prelude = "$$f(u) = u^2$$\n\n"
    assert value("f'(x)", prelude, values={("x", ()): Fraction(3, 2)}) == pytest.approx(3.0)
    assert value("f''(x)", prelude, values={("x", ()): Fraction(3, 2)}) == pytest.approx(2.0)
    assert verdict(prelude + "$$f'(x) = 2x$$").kind == "agree"
    assert verdict(prelude + "$$f'(x) = 2$$").kind == "disagree"
    assert verdict(prelude + "$$f'(x) = f(x)$$").kind == "disagree"


def test_the_post():
    """Every link of the post: the two erroneous links differ, the rest agree."""
    doc = read_document((ROOT / "examples" / "softmax-cross-entropy.md").read_text())
    kinds = {}
    for eq in doc.equations:
        if eq.reading is None:
            continue
        s = eq.reading.sides
        for n in range(len(s) - 1):
            kinds[f"{eq.index}.{n + 1}"] = judge(s[n], s[n + 1], eq.reading,
                                                 assumptions=doc.assumptions, points=12).kind
    assert len(kinds) == 19
    assert {k for k, v in kinds.items() if v != "agree"} == {"7.2", "7.3"}
    assert kinds["7.2"] == kinds["7.3"] == "disagree"


def test_a_declared_simplex_assumption_is_honoured():
    link = "$$-\\sum_{k=1}^K t_k 1\\{k = i\\} + \\sum_{k=1}^K t_k y_i = -t_i + y_i$$"
    assert verdict(SOFTMAX + link).kind == "disagree"
    front = '---\nderive:\n  assumptions:\n    - "\\\\sum_{k=1}^{K} t_k = 1"\n---\n'
    assert verdict(front + SOFTMAX + link).kind == "agree"
    # the assumption holds at every point used (rescaled t over 1..K)
    lhs, rhs, reading, assumptions = claim(front + SOFTMAX + link)
    total = parse_expression("\\sum_{k=1}^{K} t_k")
    for pt in points(reading, assumptions=assumptions, count=12):
        assert float(evaluate(total, reading.env, pt)[0]) == pytest.approx(1.0, rel=1e-20)


# --------------------------------------------------------------------------- false identities

@pytest.mark.parametrize("text", [
    "\\sin x = \\cos x",
    "\\tan x = \\sin x",
    "\\cosh x = \\sinh x",
    "\\sum_{k=5}^{K} 1 = K - 4",
    "\\sum_{k=7}^{13-K} 1 = 7 - K",
    "\\sqrt{x^2} = x",
    "\\sum_{k=2}^{K} a = a + \\sum_{k=3}^{K} a",
    "\\sum_{k=1}^{K} \\delta_{ki} = K",
])
def test_false_identities_disagree(text):
    v = verdict(text)
    assert v.kind == "disagree", v
    assert v.point is not None and v.lhs != v.rhs


def test_empty_range_counterexample_is_at_large_size():
    """Σ_{k=7}^{13-K} 1 = 7 − K holds for K ≤ 7 and fails for K ≥ 8 (the sum is empty)."""
    v = verdict("\\sum_{k=7}^{13-K} 1 = 7 - K")
    assert v.point["sizes"]["K"] >= 8


@pytest.mark.parametrize("text, operation, side", [
    ("x^{-1} x = 1", "zero to a negative power", "left"),
    ("\\log(x^2) = 2\\log x", "log of a non-positive number", "right"),
    ("e^{\\log x} = x", "log of a non-positive number", "left"),
    ("\\frac{x}{x} = 1", "division by zero", "left"),
    ("\\sqrt{x} \\sqrt{x} = x", "square root of a negative number", "left"),
])
def test_domain(text, operation, side):
    v = verdict(text)
    assert v.kind == "domain", v
    assert operation in v.reason and f"on the {side} side" in v.reason


def test_cancellation_is_not_a_difference():
    v = verdict("e^{200}((\\sin x)^2 + (\\cos x)^2) - e^{200} = 0")
    assert v.kind == "agree", v


def test_cannot():
    front = "---\nderive:\n  functions: [g]\n---\n"
    v = verdict(front + "$$g(x) + 1 = 1 + g(x)$$")
    assert v.kind == "cannot" and "g" in v.reason


# --------------------------------------------------------------------------- points

def test_points_cover_sizes_indices_and_cases():
    _l, _r, reading, _a = claim(SOFTMAX + "$$\\frac{\\partial y_k}{\\partial z_i} = "
                                "y_k (\\delta_{ki} - y_i)$$")
    pts = list(points(reading, count=24))
    assert len(pts) == 24
    assert {p.sizes["K"] for p in pts} == {1, 2, 3, 5, 8, 12}
    assert any(p.indices["i"] == p.indices["k"] for p in pts)
    assert any(p.indices["i"] != p.indices["k"] for p in pts)
    assert any(p.indices["i"] == 1 and p.sizes["K"] > 1 for p in pts)
    assert any(p.indices["i"] == p.sizes["K"] > 1 for p in pts)
    for case, same in (("k=i", True), ("k \\neq i", False)):
        _l, _r, reading, _a = claim(SOFTMAX + f"$$\\frac{{\\partial y_{{{case}}}}}"
                                    "{\\partial z_i} = 0 + 0$$")
        pts = list(points(reading, count=24))
        assert pts and all((p.indices["k"] == p.indices["i"]) == same for p in pts)


def test_several_sizes_vary_independently():
    _l, _r, reading, _a = claim("$$\\sum_{j=1}^{J} \\sum_{k=1}^{K} 1 = J K$$")
    pts = list(points(reading, count=24))
    assert any(p.sizes["J"] == p.sizes["K"] for p in pts)
    assert any(p.sizes["J"] != p.sizes["K"] for p in pts)


def test_values_have_both_signs_and_kinds_and_respect_positivity():
    front = '---\nderive:\n  assumptions:\n    - "a > 0"\n    - "b \\\\neq 0"\n---\n'
    _l, _r, reading, _a = claim(front + "$$a + b + x = x + b + a$$")
    pts = list(points(reading, count=24))
    xs = [p.value("x") for p in pts]
    assert min(xs) < 0 < max(xs)
    assert any(v.denominator == 1 for v in xs) and any(v.denominator != 1 for v in xs)
    assert all(p.value("a") > 0 for p in pts) and all(p.value("b") != 0 for p in pts)


def test_deterministic():
    text = SOFTMAX + "$$\\frac{\\partial y_k}{\\partial z_i} = y_k (1 - y_i)$$"
    a, b = verdict(text), verdict(text)
    assert a == b and a.kind == "disagree"
    assert verdict(text, seed=1).kind == "disagree"


# --------------------------------------------------------------------------- isolation

#: the oracle's modules: the judgement (the public face), the evaluator, the points
ORACLE = ("oracle", "oracle_eval", "oracle_points")


def test_imports_nothing_of_the_engine():
    engine = ROOT / "derive" / "engine"
    # every oracle module is named here, so that a new one is read too
    assert sorted(p.stem for p in engine.glob("oracle*.py")) == sorted(ORACLE)
    own = {f"derive.engine.{name}" for name in ORACLE}
    allowed = {"__future__", "math", "fractions", "random", "itertools", "dataclasses",
               "mpmath", "derive.reading.syntax", "derive.reading.scope", "collections.abc",
               "typing"} | own
    for name in ORACLE:
        tree = ast.parse((engine / f"{name}.py").read_text())
        names = set()
        for node in ast.walk(tree):  # every import, lazy ones in functions too
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert not node.level, f"{name}: a relative import"
                names.add(node.module or "")
        assert names <= allowed, (name, names - allowed)


def test_judging_never_imports_sympy():
    code = ("import sys\nfrom derive.reading.document import read_document\n"
            "from derive.engine.oracle import judge\n"
            "d = read_document('$$\\\\sin x = \\\\cos x$$')\ne = d.equations[0]\n"
            "print(judge(*e.reading.sides, e.reading).kind, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    assert out == ["disagree", "False"]

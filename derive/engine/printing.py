"""Printing sympy results (residuals, derived forms) back in the document's notation.

Owns the conversion of engine-side sympy expressions into LaTeX and plain text for
the report: canonical bound indices are renamed back to letters, families print as
``t_{k}``, deltas as the document's indicator. Used by the checker while it builds the
report, so that renderers never touch sympy.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from derive.reading.names import join_parameters, name_text, split_parameters
from derive.reading.tokenizer import GREEK

_LETTERS = "kjlmnpqrs"
_MACRO = re.compile(r"([A-Za-z]+)\((.+)\)")
_WORDS = ("operatorname", "mathrm", "text", "textrm", "mathit")


def _latex_name(py: str) -> str:
    """The LaTeX name a sympy name was made from (translate.pyname, inverted): hat(y) →
    \\hat{y}, mathbf(theta) → \\mathbf{\\theta}."""
    m = _MACRO.fullmatch(py)
    if m is not None:
        if m.group(1) in _WORDS:
            return m.group(2)
        return f"\\{m.group(1)}{{{_latex_name(m.group(2))}}}"
    return "\\" + py if py in GREEK else py


def _latex_of(py: str) -> str:
    """The LaTeX of a sympy name made of macros: operatorname(sigmoid) → \\operatorname{sigmoid}."""
    sample = py.endswith("^()")
    base = py[:-3] if sample else py
    m = _MACRO.fullmatch(base)
    out = f"\\{m.group(1)}{{{_latex_of(m.group(2))}}}" if m is not None else (
        "\\" + base if base in GREEK else base)
    return out + ("^{(\\cdot)}" if sample else "")


def _function_name(expr: AppliedUndef) -> str:
    """An unknown function's name as written: H/2 (H of two arguments, apart from H of one:
    translate.applied_identity) is H; P[|] (P given) is P."""
    return re.sub(r"(\[[^\]]*\])?(/[0-9]+)?$", "", expr.func.__name__) or expr.func.__name__


def shown_key(py: str) -> str:
    """A name in a counterexample: as :func:`shown_name` where it is made of macros or is a
    function's entries (𝛉, ŷ, s(x)), else as written (sigma stays sigma, as in the JSON
    report's keys before)."""
    base = py[:-3] if py.endswith("^()") else py
    return shown_name(py) if "@" in py or _MACRO.fullmatch(base) else py


def shown_name(py: str) -> str:
    """A sympy name as the report prints it: mathbf(theta) → 𝛉, operatorname(sigmoid) →
    sigmoid, hat(y) → ŷ; a family of a function's entries, s@x, → s(x); anything else as
    it is."""
    if "@" in py:
        func, arg = py.split("@", 1)
        return f"{shown_name(func)}({join_parameters(map(shown_name, split_parameters(arg)))})"
    sample = py.endswith("^()")
    base = py[:-3] if sample else py
    if not (_MACRO.fullmatch(base) or base in GREEK):
        return py
    try:
        out = name_text(_latex_name(base))
    except (ValueError, KeyError):  # (an unusual name: shown as sympy spells it)
        return py
    return out + ("^()" if sample else "")


def readable(e: sp.Expr) -> sp.Expr:
    """Rename canonical/dummy bound indices to free letters not used in ``e``."""
    used = {s.name for s in e.free_symbols if s.is_Symbol}
    mapping = {}
    letters = iter(c for c in _LETTERS if c not in used)

    def visit(x):
        if isinstance(x, (sp.Sum, sp.Product)):
            for lim in x.limits:
                v = lim[0]
                if v not in mapping and (v.name.startswith("_") or isinstance(v, sp.Dummy)):
                    try:
                        mapping[v] = sp.Symbol(next(letters), integer=True)
                    except StopIteration:
                        pass
        for a in x.args:
            visit(a)

    visit(e)
    return e.xreplace(mapping) if mapping else e


class _Latex(LatexPrinter):
    def __init__(self, indicator: str = "1{}"):
        super().__init__({"symbol_names": {}})
        self.indicator = indicator

    def _print_KroneckerDelta(self, expr, exp=None):
        a, b = (self._print(x) for x in expr.args)
        if self.indicator.startswith("delta"):
            out = "\\delta_{" + a + ("," if self.indicator == "delta," else "") + b + "}"
        else:
            out = "1\\{" + a + " = " + b + "\\}"
        return f"({out})^{{{exp}}}" if exp else out

    def _print_Indexed(self, expr):
        idx = "".join(self._print(i) for i in expr.indices)
        return f"{self._print(expr.base.label)}_{{{idx}}}"

    def _print_Symbol(self, expr, style="plain"):
        name = expr.name
        if "@" in name:  # s(x)_i: a function's entries, written as the document does
            func, arg = name.split("@", 1)
            return f"{_latex_of(func)}({', '.join(map(_latex_of, split_parameters(arg)))})"
        if _MACRO.fullmatch(name[:-3] if name.endswith("^()") else name):
            return _latex_of(name)
        return super()._print_Symbol(expr, style)

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, AppliedUndef):
            args = ", ".join(self._print(a) for a in expr.args)
            out = f"{_latex_of(_function_name(expr))}\\left({args}\\right)"
            return f"{out}^{{{exp}}}" if exp else out
        return super()._print_Function(expr, exp)


class _Text(StrPrinter):
    # (Indexed prints itself; text() below renames t[k] to t_k before printing)

    def _bigop(self, sign: str, expr) -> str:
        heads = "".join(f"{sign}_{{{v}={self._print(lo)}}}^{{{self._print(hi)}}} "
                        for v, lo, hi in reversed(expr.limits))
        return heads + self.parenthesize(expr.function, 50)

    def _print_Sum(self, expr):
        return self._bigop("Σ", expr)

    def _print_Product(self, expr):
        return self._bigop("Π", expr)

    def _print_KroneckerDelta(self, expr):
        return f"1{{{self._print(expr.args[0])}={self._print(expr.args[1])}}}"

    def _print_exp(self, expr):
        return f"e^({self._print(expr.args[0])})"

    def _print_Function(self, expr):
        if isinstance(expr, AppliedUndef):  # an unknown function: its name as written, 𝓛(…)
            args = ", ".join(self._print(a) for a in expr.args)
            return f"{shown_name(_function_name(expr))}({args})"
        return super()._print_Function(expr)

    def _print_Derivative(self, expr):
        tops = "".join(f"∂{self._print(v)}" + (f"^{n}" if n != 1 else "")
                       for v, n in expr.variable_count)
        order = sum(n for _, n in expr.variable_count)
        head = "∂" + (f"^{order}" if order != 1 else "")
        inner = expr.expr
        body = self._print(inner) if isinstance(inner, (sp.Symbol, sp.Indexed, AppliedUndef)) \
            else f"({self._print(inner)})"
        return f"{head}{body}/{tops}"

    def _print_Subs(self, expr):
        # φ′ at a point (normal.at_points): Subs(∂φ(u)/∂u, u, p) is φ′(p)
        inner, (var,), (point,) = expr.args[0], expr.args[1], expr.args[2]
        if isinstance(inner, sp.Derivative) and isinstance(inner.expr, AppliedUndef) and \
                inner.expr.args == (var,) and inner.variables == (var,) * len(inner.variables):
            primes = "′" * len(inner.variables)
            return f"{shown_name(_function_name(inner.expr))}{primes}({self._print(point)})"
        return super()._print_Subs(expr)

    def _print_Mul(self, expr):
        # (a power inside the product prints as **: keep it whole for text() to turn into ^)
        return super()._print_Mul(expr).replace("**", "\0").replace("*", "·").replace(
            "\0", "**")


def latex(e: sp.Expr, indicator: str = "1{}") -> str:
    return _Latex(indicator).doprint(readable(e))


def text(e: sp.Expr) -> str:
    e = readable(e)
    # Indexed prints itself as t[k]; show the subscript as the document writes it
    names = {}
    for x in e.atoms(sp.Indexed):
        # (a label among the indices, W[y_i, j]: commas, or it would read as W_{y_ij})
        idx = ("," if len(x.indices) > 1 and any("_" in str(i) for i in x.indices) else
               "").join(str(i) for i in x.indices)
        label = shown_name(str(x.base.label))  # s@x, s(x)_i: a function's entries
        if label.endswith("^()"):  # sample i of x: x^(i), then any other index
            rest = "".join(str(i) for i in x.indices[1:])
            shown = f"{label[:-3]}^({x.indices[0]})" + (f"_{rest}" if len(rest) == 1 else
                                                        f"_{{{rest}}}" if rest else "")
            names[x] = sp.Symbol(shown, **x.assumptions0)
            continue
        names[x] = sp.Symbol(f"{label}_{idx}" if len(idx) == 1 else
                             f"{label}_{{{idx}}}", **x.assumptions0)
    for x in e.atoms(sp.Symbol):
        if "@" in x.name or _MACRO.fullmatch(x.name):
            # l(y, ŷ): the value of a function defined of whole vectors; σ̂, 𝛉
            names[x] = sp.Symbol(shown_name(x.name), **x.assumptions0)
    if names:
        e = e.xreplace(names)
    return _Text().doprint(e).replace("-", "−").replace("**", "^")


def tidy(e: sp.Expr) -> sp.Expr:
    """A compact form for display: collect common factors (y_i (Σ t − K), not a sum of terms)."""
    try:
        return sp.factor_terms(e)
    except Exception:  # noqa: BLE001 - display only; the checker never depends on it
        return e

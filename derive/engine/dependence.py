"""What a derivative may hold fixed: the checks that leave a link undetermined rather than
take a derivative as 0.

Owns the rules, called by :meth:`derive.engine.translate.Translator.derivative`: a name never
defined that is itself differentiated (∂L/∂a_i) depends on what it is differentiated by
(:func:`undefined_inside`); a name the document differentiates on its own elsewhere is no
independent variable inside a larger derivative either, written (:func:`dependent_inside`) or
reached through a definition (:func:`dependent_grounded`); and a data set, held fixed as one
value, is never differentiated through (:func:`data_held`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sympy as sp

from derive.reading.names import applied_parts
from derive.reading.scope import Undetermined
from derive.reading.syntax import Apply, Deriv, Node, Paren, Sym, name_text, walk

if TYPE_CHECKING:
    from derive.engine.translate import Translator


def dependent_inside(tr: Translator, expr: Node, node: Deriv, bound) -> None:
    """∂(t_j log y_j)/∂z_i where the document writes ∂y_j/∂z_i elsewhere with y never
    defined: y is no independent variable there either, so the link is undetermined
    (never a derivative taken as if y were fixed)."""
    names = dependent_names(expr, tr.env, bound, tr.params,
                             {v.name for v in node.wrt})
    if names:
        tr.refuse_unread(names[0])
        shown = name_text(names[0])
        declared = f"'{names[0]}'" if "\\" in names[0] else names[0]
        raise Undetermined(
            f"{shown} is not defined, and the document differentiates it on its own "
            f"elsewhere (∂{shown}/∂…), so what it depends on is unknown: define it, or "
            f"declare it constant (front matter: derive: constants: [{declared}])")


def dependent_grounded(tr: Translator, inner: sp.Expr, node: Deriv, bound) -> None:
    """As :func:`dependent_inside`, for the expression with definitions expanded:
    ∂L/∂z_1 with L = y_1^2 and y differentiated on its own elsewhere is undetermined."""
    wrt = {v.name for v in node.wrt}
    for name in sorted(tr.env.differentiated):
        if not _dependent(name, tr.env, bound, tr.params, wrt):
            continue
        if inner.has(tr.symbols.family(name)) or inner.has(tr.symbols.scalar(name)):
            dependent_inside(tr, Sym(name), node, bound)


def undefined_inside(tr: Translator, node: Deriv, bound) -> None:
    """∂L/∂a_i with L never defined: a name that is differentiated depends on what it is
    differentiated by, and the document does not say how, so the link is undetermined
    (never 0). Names inside a larger expression that are never defined stay the
    document's independent variables (the README's model: z, t, a, …), and a family
    differentiated by one of its own elements (∂z_k/∂z_i) is that variable."""
    expr = node.expr
    while isinstance(expr, Paren):
        expr = expr.inner
    if not isinstance(expr, Sym) or expr.case is not None:
        dependent_inside(tr, expr, node, bound)
    if isinstance(expr, Apply) and not expr.primes:
        name = expr.func.name
        if tr.env.is_function(name) or name in tr.env.definitions:
            return
    elif isinstance(expr, Sym) and expr.case is None:
        name = expr.name
        if name in bound or name in tr.params or name in ("e", "\\pi") or \
                name in tr.env.sizes or name in tr.env.indices or \
                name in tr.env.constants or name in tr.env.definitions:
            return
        if any(v.name == name for v in node.wrt):
            return  # the variable itself, or an element of its own family
    else:
        return
    tr.refuse_unread(name)  # its definition was written but could not be read: say that
    shown = name_text(name)
    if applied_parts(name) is not None:  # s(y)_i with only s(x)_i defined
        raise Undetermined(f"{shown} is not defined (a function of a family is defined "
                           "for the family it is written with), so what it depends on is "
                           "unknown")
    declared = f"'{name}'" if "\\" in name else name  # (single quotes: YAML keeps \)
    raise Undetermined(
        f"{shown} is not defined, so what it depends on is unknown: define it, or "
        f"declare it constant (front matter: derive: constants: [{declared}])")


def data_held(inner: sp.Expr, node: Deriv) -> None:
    """∂L(w; \\{x_n, y_n\\})/∂x_1: a data set is held fixed as one opaque value, so a
    derivative by a name written inside it is undetermined (never 0)."""
    sets = [n for n in (getattr(s, "name", "") for s in inner.free_symbols) if n.startswith("{")]
    if not sets:
        return
    for v in node.wrt:
        # (the entries of a bold x are x_n: the plain and the bold spelling are one name)
        base = re.sub(r"^\\(?:mathbf|boldsymbol|bm)\{(.*)\}$", r"\1", v.name)
        spellings = {name_text(base), name_text(f"\\mathbf{{{base}}}"),
                     name_text(f"\\boldsymbol{{{base}}}")}
        if any(re.search(rf"(?<![^\s{{,(]){re.escape(shown)}(?![A-Za-z])", d)
               for d in sets for shown in spellings):
            raise Undetermined(f"what is differentiated holds a data set that holds "
                               f"{name_text(v.name)}, the variable: the data set is one value "
                               "held fixed, so this derivative is not read; write the function "
                               "of the data's entries")


def _dependent(name: str, env, bound, params, wrt: set[str]) -> bool:
    """Is ``name`` one the document differentiates on its own and never defines, declares,
    binds or differentiates by here (g in dg/dh, an unknown function, is read as such)?"""
    return name in env.differentiated and name not in wrt and name not in bound and \
        name not in params and name not in env.definitions and \
        name not in env.constants and name not in env.sizes and \
        name not in env.indices and not env.is_function(name)


def dependent_names(expr: Node, env, bound, params, wrt: set[str]) -> list[str]:
    """Undefined names in ``expr`` that the document differentiates on their own elsewhere
    (so depend on something it does not say), apart from the variables themselves."""
    return sorted({n.name for n in walk(expr)
                   if isinstance(n, Sym) and _dependent(n.name, env, bound, params, wrt)})

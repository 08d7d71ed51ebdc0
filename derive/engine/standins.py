"""Concrete stand-ins for unknown functions: how a claim about every f is refuted.

Owns :func:`with_concrete_functions`. A claim about an unknown function must hold for every
function, so one concrete choice where the two sides differ refutes it; the checker's numeric
search then looks for the point. Nothing here proves: a proof stays symbolic.
"""

from __future__ import annotations

import sympy as sp

from derive.engine.printing import shown_key

_U = sp.Dummy("u", real=True)
#: concrete stand-ins for unknown functions, positive and nonlinear (so that a divisor g(x)
#: is never zero and a rule that holds only for linear functions is still caught), each with
#: how the reason writes it
_STAND_INS = (("1 + u^2/2", 1 + _U**2 / 2), ("2 + u/3 + u^2", 2 + _U / 3 + _U**2),
              ("3/2 + u^2/3 - u/5", sp.Rational(3, 2) + _U**2 / 3 - _U / 5),
              ("5/4 + u/2 + u^2/4", sp.Rational(5, 4) + _U / 2 + _U**2 / 4))


def with_concrete_functions(lhs: sp.Expr, rhs: sp.Expr):
    """(lhs, rhs, "f(u) = …, g(u) = …") with every unknown function of one argument replaced
    by a fixed polynomial and derivatives taken, or None when there are none; an unknown
    function of whole vectors and its partials by a fixed exponential (see
    :func:`derive.engine.vector_functions.with_stand_ins`)."""
    from sympy.core.function import AppliedUndef

    from derive.engine import vector_functions

    # unknown functions of whole vectors (l(o, y)) first
    vector_names: dict[str, tuple[int, str]] = {}
    lhs = vector_functions.with_stand_ins(lhs, vector_names)
    rhs = vector_functions.with_stand_ins(rhs, vector_names)
    applied = sp.Tuple(lhs, rhs).atoms(AppliedUndef)
    if vector_names and not applied:
        return lhs, rhs, vector_functions.stand_in_text(vector_names)
    arity: dict = {}
    for a in applied:
        arity.setdefault(a.func, set()).add(len(a.args))
    funcs = sorted((f for f, n in arity.items() if len(n) == 1), key=lambda f: str(f))
    if not funcs:
        return None
    chosen, texts = {}, []
    for k, f in enumerate(funcs):
        shown, shape = _STAND_INS[k % len(_STAND_INS)]
        (n,) = arity[f]
        if n == 1:
            chosen[f] = sp.Lambda(_U, shape)
            texts.append(f"{_shown_call(str(f), ['u'])} = {shown}")
            continue
        # several arguments (P(a | b), KL(P ‖ Q), H(X, Y)): a different weight on each, so
        # that swapping two arguments changes the value
        us = sp.symbols(f"u1:{n + 1}", real=True)
        extra = sum(us[j] ** 2 / (j + 2) + us[j] / (j + 3) for j in range(1, n))
        chosen[f] = sp.Lambda(us, shape.xreplace({_U: us[0]}) + extra)
        texts.append(f"{_shown_call(str(f), [str(u) for u in us])} = "
                     f"{shown.replace('u', 'u1')} + "
                     + " + ".join(f"u{j + 1}^2/{j + 2} + u{j + 1}/{j + 3}" for j in range(1, n)))

    def by_symbol(e):  # d f(g(x)) / d g(x) → f′ at g(x), a derivative by a plain variable
        out = e.expr
        for var, n in e.variable_count:
            if var.is_Symbol:
                out = sp.Derivative(out, (var, n))
            else:
                v = sp.Dummy("v", real=True)
                out = sp.Subs(sp.Derivative(out.xreplace({var: v}), (v, n)), v, var)
        return out

    def concrete(side):
        side = side.replace(lambda e: isinstance(e, sp.Derivative), by_symbol)
        return side.replace(lambda e: e.func in chosen, lambda e: chosen[e.func](*e.args)).doit()

    try:
        a, b = concrete(lhs), concrete(rhs)
    except Exception:  # noqa: BLE001 - a stand-in sympy cannot apply: no instance, no verdict
        return None
    if sp.Tuple(a, b).atoms(AppliedUndef):
        return None
    if vector_names:
        texts.append(vector_functions.stand_in_text(vector_names))
    return a, b, ", ".join(texts)


def _shown_call(name: str, args: list[str]) -> str:
    """operatorname(KL)[‖]/2 and (u1, u2) → KL(u1 ‖ u2): the application as the document
    writes it (see :func:`derive.engine.translate.applied_identity`)."""
    base, _, rest = name.split("/")[0].partition("[")
    seps = rest.rstrip("]") if rest else ""
    for wrapper in ("operatorname(", "mathbb("):
        if base.startswith(wrapper) and base.endswith(")"):
            base = base[len(wrapper):-1]
    base = shown_key(base)
    joiners = [f" {c} " if c in "|‖" else ", " for c in seps] if len(seps) == len(args) - 1 \
        else [", "] * (len(args) - 1)
    return base + "(" + args[0] + "".join(j + a for j, a in zip(joiners, args[1:])) + ")"

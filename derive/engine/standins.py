"""Concrete stand-ins for unknown functions: how a claim about every f is refuted.

Owns :func:`with_concrete_functions`, :func:`not_arbitrary` and the search with them put in
(:func:`stand_in_finding`). The document reads a function
it never defines as arbitrary (a note says so), so a claim about it must hold for every
function, and one concrete choice where the two sides differ refutes it as written, as a
point refutes a claim about undefined scalars; the checker's numeric search looks for the
point. Not where a function is not arbitrary: the document defines it (at other arguments),
states its value as a left side (P(X | θ) = θ^9 (1 − θ)^4, a definition the reader does not
take), writes it as probability notation, which the laws of probability tie together (Bayes'
rule is true), or names it by a word or a Greek letter (softmax, σ). Then the link stays
unknown, with what was found. Nothing here proves: a proof stays symbolic.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from derive.engine.normal import at_points
from derive.engine.printing import shown_key
from derive.reading.names import APPLIED
from derive.report.model import Counterexample

#: the reason of a link refuted by stand-ins (the counterexample names them)
REFUTED_FOR_EVERY_FUNCTION = (
    "not true for every function (the counterexample puts concrete functions in for the "
    "unknown ones); if the prose defines the functions, define them in the document")

_U = sp.Dummy("u", real=True)
#: concrete stand-ins for unknown functions, positive and nonlinear (so that a divisor g(x)
#: is never zero and a rule that holds only for linear functions is still caught), each with
#: how the reason writes it
_STAND_INS = (("1 + u^2/2", 1 + _U**2 / 2), ("2 + u/3 + u^2", 2 + _U / 3 + _U**2),
              ("3/2 + u^2/3 - u/5", sp.Rational(3, 2) + _U**2 / 3 - _U / 5),
              ("5/4 + u/2 + u^2/4", sp.Rational(5, 4) + _U / 2 + _U**2 / 4))


def with_concrete_functions(lhs: sp.Expr, rhs: sp.Expr):
    """(lhs, rhs, "f(u) = …, g(u) = …", the names replaced) with every unknown function of
    one argument replaced by a fixed polynomial and derivatives taken, or None when there are
    none; an unknown function of whole vectors and its partials by a fixed exponential (see
    :func:`derive.engine.vector_functions.with_stand_ins`)."""
    from sympy.core.function import AppliedUndef

    from derive.engine import vector_functions

    # unknown functions of whole vectors (l(o, y)) first
    vector_names: dict[str, tuple[int, str]] = {}
    lhs = vector_functions.with_stand_ins(lhs, vector_names)
    rhs = vector_functions.with_stand_ins(rhs, vector_names)
    applied = sp.Tuple(lhs, rhs).atoms(AppliedUndef)
    if vector_names and not applied:
        return lhs, rhs, vector_functions.stand_in_text(vector_names), tuple(vector_names)
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

    def concrete(side):
        side = at_points(side)  # d f(g(x)) / d g(x) → f′ at g(x), by a plain variable
        return side.replace(lambda e: e.func in chosen, lambda e: chosen[e.func](*e.args)).doit()

    try:
        a, b = concrete(lhs), concrete(rhs)
    except Exception:  # noqa: BLE001 - a stand-in sympy cannot apply: no instance, no verdict
        return None
    if sp.Tuple(a, b).atoms(AppliedUndef):
        return None
    if vector_names:
        texts.append(vector_functions.stand_in_text(vector_names))
    return a, b, ", ".join(texts), (*(str(f) for f in funcs), *vector_names)


def function_name(name: str) -> str:
    """The name a stand-in replaced, as the document's (pyname) form: P[|]/2 → P."""
    return name.split("/")[0].partition("[")[0]


#: names that probability and information theory give a fixed meaning (a distribution, an
#: expectation, an entropy, a divergence): never arbitrary functions, whatever the document
#: defines, so a stand-in for one refutes nothing (E[X + Y] = E[X] + E[Y] is true)
CONVENTIONAL = frozenset({"P", "p", "q", "Q", "E", "H", "I", "D", "KL", "Pr", "Var", "Cov",
                          "N"})


def arbitrary(name: str) -> bool:
    """May ``name`` (a pyname: f, L_1, sigma, operatorname(softmax)) stand for any function?
    Only a Latin letter that is not one of :data:`CONVENTIONAL`: a word (softmax, MSE) or a
    Greek letter (σ, the sigmoid; Φ, the normal distribution) names a function its readers
    know, whatever the document defines (σ(x) + σ(−x) = 1 is true of the sigmoid)."""
    base = name.split("_")[0]
    return len(base) == 1 and base.isascii() and base.isalpha() and base not in CONVENTIONAL


@dataclass(frozen=True)
class StandInFinding:
    """Where the concrete functions put in for the unknown ones make the sides differ."""

    hit: Any  # the numeric search's point, with the values of both sides there
    counterexample: Counterexample | None  # confirmed, the functions not yet named in it
    chosen: str  # "f(u) = 1 + u^2/2, g(u) = …"
    given: list[str]  # those functions that may not be arbitrary (see not_arbitrary)

    @property
    def refutation(self) -> Counterexample | None:
        """The counterexample that names the functions put in."""
        cx = self.counterexample
        return replace(cx, functions=self.chosen) if cx is not None else None


def stand_in_finding(ck, lhs: sp.Expr, rhs: sp.Expr, label: str, modes: tuple[str, ...] = (),
                     arbitrary_only: bool = False) -> StandInFinding | None:
    """The checker ``ck``'s numeric search on ``lhs = rhs`` with concrete functions put in
    (in ``modes``, or its own), or None: no unknown function, no point where the sides
    differ, or (``arbitrary_only``) a function that may not be arbitrary."""
    instance = with_concrete_functions(lhs, rhs)
    if instance is None:
        return None
    a, b, chosen, names = instance
    given = not_arbitrary(names, ck.env)
    if given and arbitrary_only:
        return None
    found = ck._search(a, b, label + "#functions", *((modes,) if modes else ()))
    hit = next((found[m] for m in ("one-hot", "simplex", "free") if found.get(m)), None)
    if hit is None:
        return None
    return StandInFinding(hit, ck._counterexample(hit), chosen, given)


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


def not_arbitrary(names: tuple[str, ...], env) -> list[str]:
    """Of the functions a stand-in replaced (sympy names, P[|]/2), those that may not be
    arbitrary, in the document's (pyname) form: defined, failed, stated, probability notation
    (see the module's docstring), or not a plain Latin letter."""
    from derive.engine.translate import pyname

    fixed = {pyname(n.split(APPLIED)[0]) for n in (  # J, for the value J(θ_0, θ_1)
        env.stated | env.probability | env.definitions.keys() | env.failed.keys())}
    return sorted(n for n in {function_name(n) for n in names}
                  if n in fixed or not arbitrary(n))

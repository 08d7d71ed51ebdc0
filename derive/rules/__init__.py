"""Rules of derivation: small objects that apply themselves to the left side of a link.

Each rule rewrites a surface tree (:mod:`derive.reading.syntax`) the way a person would at
that step, and so produces its result in the author's notation: the chain rule turns
∂log y_k/∂z_i into ∂log y_k/∂y_k · ∂y_k/∂z_i, expansion turns −Σ t_k(1{k=i} − y_i) into
−Σ t_k 1{k=i} + Σ t_k y_i. A rule that does not fit returns ``None`` ("don't know" is a
value). The checker decides which rule's result matches the stated right side; a rule
never decides a verdict.

This package's modules, one job each: :mod:`~derive.rules.base` (:class:`Rule`,
:class:`RuleContext`, :class:`Earlier`, the tree helpers), :mod:`~derive.rules.calculus`
(derivatives), :mod:`~derive.rules.sums` (sums), :mod:`~derive.rules.document` (rules that use
other equations and definitions). This module is the catalogue (:data:`BASIC`,
:func:`catalogue`) and re-exports the names the engine and tests use (``R.same``, ``R.shape``,
``R.Substitution``, …).
"""

from __future__ import annotations

from derive.rules.base import (
    Earlier,
    Rule,
    RuleContext,
    add,
    bare,
    index_letters,
    key,
    kinds,
    letters_in,
    map_tree,
    mul,
    neg,
    rename,
    same,
    shape,
    shapes,
    strip,
    wrap,
)
from derive.rules.calculus import (
    Cancellation,
    ChainRule,
    Linearity,
    LogExpDerivative,
    ProductRule,
    QuotientRule,
    depends,
)
from derive.rules.document import (
    CaseMerge,
    CaseSplit,
    FoldDefinition,
    Substitution,
    _match,
    unfold_once,
)
from derive.rules.sums import Composite, ConstantSum, Expansion, Sifting

_SIFT, _CONST = Sifting("indicator sifting"), ConstantSum("sum of a constant")
BASIC = (Linearity("linearity of the derivative"), ChainRule("chain rule"),
         LogExpDerivative("derivative of log"), QuotientRule("quotient rule"),
         ProductRule("product rule"), Cancellation("cancellation"),
         _SIFT, _CONST, Composite("indicator sifting and sum of a constant", (_SIFT, _CONST)),
         Expansion("expansion of the sum"))


def catalogue(ctx: RuleContext) -> list[Rule]:
    """Every rule that might carry a link in this context, most specific first."""
    rules: list[Rule] = []
    others = _distinct(ctx.others)
    merged = [eq for eq in others if len(eq.cases) == 1 and not eq.later]
    unequal: dict = {}  # the k ≠ i cases, by their left side without the case
    for b in merged:
        if not b.cases[0].equal:
            unequal.setdefault(key(bare(b.lhs)), []).append(b)
    for a in merged:
        if not a.cases[0].equal:
            continue
        # a merge needs both cases of the same left side (apply matches both exactly)
        for b in unequal.get(key(bare(a.lhs)), ()):
            if {a.cases[0].left, a.cases[0].right} == {b.cases[0].left, b.cases[0].right}:
                rules.append(CaseMerge(a, b))
    for eq in others:
        if not eq.cases and not eq.later:
            for case in ctx.cases:
                rules.append(CaseSplit(eq, case))
    for eq in others:
        if not eq.cases:
            rules.append(Substitution(eq))
    rules.extend(BASIC)
    for name in ctx.env.order:
        rules.append(FoldDefinition(ctx.env.definitions[name]))
    for name in ctx.env.order:
        rules.append(FoldDefinition(ctx.env.definitions[name], unfold=True))
    return rules


def _distinct(others: tuple[Earlier, ...]) -> list[Earlier]:
    """The other equations, each written form once: a recap of an earlier equation adds
    no rule of its own (the first one keeps the name, as it would win anyway)."""
    seen: set = set()
    out = []
    for eq in others:
        sig = (key(eq.lhs), key(eq.last), eq.cases, eq.later)
        if sig not in seen:
            seen.add(sig)
            out.append(eq)
    return out


__all__ = ["Rule", "RuleContext", "Earlier", "catalogue", "same", "key", "BASIC", "strip",
           "Linearity", "Substitution", "CaseMerge", "unfold_once",
           # re-exported from the modules above, for ``from derive import rules as R``
           "ChainRule", "LogExpDerivative", "QuotientRule", "ProductRule", "Cancellation",
           "Expansion", "Sifting", "ConstantSum", "Composite", "CaseSplit", "FoldDefinition",
           "_match", "add", "bare", "depends", "index_letters", "kinds", "letters_in",
           "map_tree", "mul", "neg", "rename", "shape", "shapes", "wrap"]

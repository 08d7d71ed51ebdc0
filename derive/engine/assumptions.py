"""The assumption catalogue: under what a link that does not hold for all values still holds.

Owns the ordered list :data:`CATALOGUE` of strategies the checker tries on a link, one
small object per assumption, each answering with a :class:`Decision` or ``None`` (not
mine: the next one is tried):

1. :class:`NonZeroDenominators`: the difference vanishes, so the link is proved, unless
   one side divides by a quantity the other does not (then it holds where that is ≠ 0).
   It settles every link whose difference vanishes; the strategies after it see only a
   non-zero residual.
2. :class:`Declared`: an assumption the document declares (``assume: …``).
3. :class:`SumToOne`: Σ_k t_k = 1 for a target family.
4. :class:`OneHot`: t_k = 1{k = c} for one class c in range.
5. :class:`IndexInRange`: an index with no known range is in the range of a sum.
6. :class:`CaseCondition`: a case the document does not state (k = i): refuted, "holds
   when …".
7. :class:`Positivity`: the variables under logs and roots are positive.

After the catalogue the checker searches numbers for a counterexample
(:mod:`derive.engine.decide`); :class:`AtLeastTwo` words a refutation found only at K = 1
("holds when K ≥ 2").

Also owns :class:`Decision`, what the checker answers for one link, and
:class:`RangedZero`, an expression to prove zero with ranges of its own. The checker's
numeric searches are cached per link, so the order of the catalogue decides which points
are evaluated, and when: keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import sympy as sp

from derive.engine.normal import is_zero, nonzero_offset
from derive.reading.syntax import Node, Sym, walk
from derive.records import frozen
from derive.report.model import Assumption, Counterexample, Verdict

if TYPE_CHECKING:  # (decide imports this module)
    from derive.engine.decide import EquationChecker


@frozen
class RangedZero:
    """An expression with a range of its own for some index (the one-hot class c)."""

    expr: sp.Expr
    ranges: dict


@frozen
class Decision:
    """The verdict on one link, how it was reached, and what it needs."""

    verdict: Verdict
    method: str
    needs: tuple[Assumption, ...] = ()
    counterexample: Counterexample | None = None
    residual: sp.Expr | None = None
    reason: str | None = None


@dataclass
class Attempt:
    """One link being decided: its grounded sides, lhs − rhs and what is left of it, and
    what the strategies share (the first point of the target modes, the families whose
    sum is the whole link)."""

    ck: EquationChecker  # deciding the link
    lhs: sp.Expr
    rhs: sp.Expr
    label: str
    written: tuple[Node, Node] | None
    diff: sp.Expr
    proved: bool
    residual: sp.Expr | None
    restated: set = field(default_factory=set)

    @property
    def rest(self) -> sp.Expr:
        """The residual of a link that is not proved, which the strategies after the first
        work on (``residual`` is None only for a proved link, and every proved link is
        decided by NonZeroDenominators, first in the catalogue)."""
        assert self.residual is not None, "a proved link reached a later strategy"
        return self.residual

    @cached_property
    def probe(self) -> dict:
        """One point of each target mode: a counterexample whose targets sum to one (or are
        one-hot) already shows that assuming so cannot make the link hold, so the symbolic
        tries of those assumptions are skipped. (The point is the one the full search would
        report first, so the report is the same either way.)"""
        return self.ck._search(self.lhs, self.rhs, self.label, modes=("one-hot", "simplex"),
                               first_only=True)

    def free_counterexample(self) -> Counterexample | None:
        """A counterexample with free values (none assumed), confirmed, or None. Where the
        sides hold unknown functions that may be arbitrary, numbers cannot evaluate them: the
        search puts concrete functions in, as the refutation of any claim about arbitrary
        functions does (:mod:`derive.engine.standins`), and the counterexample names them."""
        from derive.engine.standins import stand_in_finding

        ck = self.ck
        cx = ck._counterexample(ck._search(self.lhs, self.rhs, self.label,
                                           modes=("free",)).get("free"))
        if cx is not None:
            return cx
        f = stand_in_finding(ck, self.lhs, self.rhs, self.label, ("free",), arbitrary_only=True)
        return f.refutation if f is not None else None


def needed(t: Attempt, assumption: Assumption, residual: sp.Expr | None) -> Decision:
    """The link holds under ``assumption``: conditional when numbers show it fails without
    (a counterexample with free values), else unknown. A link true for all values whose
    difference the normaliser could not cancel also vanishes under the assumption, and
    "holds only if x is one-hot" would then be false."""
    cx = t.free_counterexample()
    if cx is None:
        return Decision(Verdict.UNKNOWN, "none", residual=residual,
                        reason=f"holds when {assumption.text}; no counterexample was found "
                               "otherwise")
    return Decision(Verdict.CONDITIONAL, "symbolic", (assumption,), cx, residual)


class Strategy:
    """One assumption of the catalogue."""

    name = ""

    def try_(self, ck, t: Attempt) -> Decision | None:
        """The decision on link ``t`` under this assumption, or None to try the next."""
        raise NotImplementedError


class NonZeroDenominators(Strategy):
    """A proof: a b / b = a holds only where b ≠ 0 when one side divides by b."""

    name = "non-zero denominators"

    def try_(self, ck, t: Attempt) -> Decision | None:
        if not t.proved:
            return None
        if not t.written:
            return Decision(Verdict.PROVED, "symbolic")
        needs = [a for a in (ck._nonzero_denominators(*t.written),
                             ck._positive_arguments(*t.written)) if a is not None]
        if not needs or ck._same_domain(*t.written):  # σ² > 0 on one side, σ ≠ 0 on the other
            return Decision(Verdict.PROVED, "symbolic")
        if all(ck._stated(a) for a in needs):
            return Decision(Verdict.PROVED, "symbolic", tuple(ck._as_stated(a) for a in needs))
        return Decision(Verdict.CONDITIONAL, "symbolic",
                        tuple(ck._as_stated(a) if ck._stated(a) else a for a in needs),
                        reason="the two sides agree wherever both are defined; one side "
                               f"{_domain_words(needs, ck)} a quantity the other does not")


def _domain_words(needs, ck) -> str:
    """What the one-sided quantity is: divided by (≠ 0) or taken the log or root of (> 0)."""
    kinds = {"divides by" if a.latex.endswith("\\neq 0") or "\\neq 0," in a.latex
             else "takes the log or root of" for a in needs}
    return " and ".join(sorted(kinds))


class Declared(Strategy):
    """An assumption the document declares: its left side replaced by its right."""

    name = "declared"

    def try_(self, ck, t: Attempt) -> Decision | None:
        residual = t.rest
        for a, b, latex, text in ck.declared:
            if residual.has(a) and ck._zero(residual.xreplace({a: b})):
                return Decision(Verdict.PROVED, "symbolic",
                                (Assumption(latex, text, stated=True),), residual=residual)
        return None


class SumToOne(Strategy):
    """Σ_k t_k = 1 for a family the residual sums."""

    name = "sum to one"

    def try_(self, ck, t: Attempt) -> Decision | None:
        probe = t.probe  # first: before any other search of this link
        on_simplex = probe.get("one-hot") is not None or probe.get("simplex") is not None
        targets, fams = ck._targets, ck._families
        residual = t.rest
        for a, latex, text in self.sums(ck, residual):
            marker = sp.Dummy()
            if residual.xreplace({a: marker}).free_symbols <= {marker}:
                t.restated.add(a.function.base)  # the link is about Σ t alone: assume nothing
                continue
            base, (_, lo, hi) = a.function.base, a.limits[0]
            if on_simplex and base in targets and fams.get(base) == (lo, hi):
                continue  # refuted at a point where this sum is 1
            if ck._zero(residual.xreplace({a: sp.Integer(1)})):
                return needed(t, Assumption(latex, text), residual)
        return None

    def sums(self, ck, residual: sp.Expr):
        """(Σ_k t_k, its LaTeX = 1, its text = 1) for each family the residual sums whole."""
        seen = set()
        for s in sorted(residual.atoms(sp.Sum), key=sp.default_sort_key):
            v, lo, hi = s.limits[0]
            f = s.function
            if isinstance(f, sp.Indexed) and f.indices == (v,) and f.base not in seen:
                seen.add(f.base)
                name = str(f.base.label)
                letter = _letter_for(ck, name)
                latex = (f"\\sum_{{{letter}={sp.latex(lo)}}}^{{{sp.latex(hi)}}} "
                         f"{name}_{{{letter}}} = 1")
                text = f"Σ_{letter} {name}_{letter} = 1"  # the plain-text form of the same
                yield s, latex, text


class OneHot(Strategy):
    """t_k = 1{k = c} for a class c in range: the one-hot target of classification."""

    name = "one-hot"

    def try_(self, ck, t: Attempt) -> Decision | None:
        if t.probe.get("one-hot") is not None:  # refuted with every target one-hot
            return None
        for assumption, cond in self.conditions(ck, t.residual, t.restated):
            if ck._zero(cond):
                return needed(t, assumption, t.residual)
        return None

    def conditions(self, ck, residual: sp.Expr, restated: set):
        fams = ck._families
        for base in sorted(ck._targets, key=str):
            if not residual.has(base) or base not in fams or base in restated:
                continue
            c = sp.Symbol("_c", integer=True)
            ranges = dict(ck.ranges)
            ranges[c] = fams[base]
            hot = residual.replace(
                lambda e, b=base: isinstance(e, sp.Indexed) and e.base == b,
                lambda e, c=c: sp.KroneckerDelta(e.indices[0], c))
            name = str(base.label)
            yield (Assumption(f"{name} \\text{{ is one-hot}}", f"{name} is one-hot "
                              f"({name}_k = 1{{k = c}} for one class c)"),
                   RangedZero(hot, ranges))


class IndexInRange(Strategy):
    """A delta left unsifted because its free index has no known range."""

    name = "index in range"

    def try_(self, ck, t: Attempt) -> Decision | None:
        in_range = self.assumption(ck, t.residual)
        if in_range is None:
            return None
        return Decision(Verdict.CONDITIONAL, "symbolic", (in_range,), None, t.residual)

    def assumption(self, ck, residual: sp.Expr) -> Assumption | None:
        for s in residual.atoms(sp.Sum):
            v, lo, hi = s.limits[0]
            for d in s.function.atoms(sp.KroneckerDelta):
                other = d.args[1] if d.args[0] == v else d.args[0] if d.args[1] == v else None
                if other is None or not other.is_Symbol or other in ck.ranges:
                    continue
                ranges = {**ck.ranges, other: (lo, hi)}
                if is_zero(residual, ranges):
                    text = f"{sp.latex(lo)} \\le {other} \\le {sp.latex(hi)}"
                    return Assumption(text, f"{lo} ≤ {other} ≤ {hi}")
        return None


class CaseCondition(Strategy):
    """A case the document does not state (k = i) is no assumption about values: the link
    is false where the case fails, and the report says where it holds."""

    name = "case condition"

    def try_(self, ck, t: Attempt) -> Decision | None:
        if ck.reading.cases:
            return None
        residual = t.rest
        for cond, _latex, text in self.conditions(ck, residual):
            if ck._zero(residual.xreplace(cond)):
                cx = t.free_counterexample()
                if cx is None:
                    return Decision(Verdict.UNKNOWN, "none", residual=residual,
                                    reason=f"holds when {text}; no counterexample was "
                                           "found otherwise")
                also = "; not true for every function otherwise (the counterexample puts " \
                    "concrete functions in)" if cx.functions else ""
                return Decision(Verdict.REFUTED, "numeric", (), cx, residual,
                                reason=f"holds when {text}{also}")
        return None

    def conditions(self, ck, residual: sp.Expr):
        free = sorted({s for s in residual.free_symbols if s.is_Symbol and s.is_integer
                       and not s.is_positive and not s.name.startswith("_")} | set(ck.ranges),
                      key=lambda s: s.name)
        for n, a in enumerate(free):
            for b in free[n + 1:]:
                if not residual.has(a) or not residual.has(b):
                    continue
                yield {b: a}, f"{a} = {b}", f"{a} = {b}"
                yield {b: a + nonzero_offset()}, f"{a} \\neq {b}", f"{a} ≠ {b}"


class Positivity(Strategy):
    """The link holds when the variables under logs and roots are positive."""

    name = "positivity"

    def try_(self, ck, t: Attempt) -> Decision | None:
        positive = self.assumption(ck, t.diff)
        if positive is None:
            return None
        if ck._stated(positive):
            return Decision(Verdict.PROVED, "symbolic", (ck._as_stated(positive),),
                            residual=t.residual)
        return Decision(Verdict.CONDITIONAL, "symbolic", (positive,),
                        t.free_counterexample(), t.residual)

    def assumption(self, ck, diff: sp.Expr) -> Assumption | None:
        inside: set = set()
        for f in diff.atoms(sp.log, sp.Pow, sp.Abs):
            arg = f.base if isinstance(f, sp.Pow) else f.args[0]
            if isinstance(f, sp.Pow) and (f.exp.is_Integer or not f.base.free_symbols):
                continue
            inside |= {s for s in arg.free_symbols if s.is_Symbol and not s.is_integer
                       and not s.is_positive}
            inside |= {i.base for i in arg.atoms(sp.Indexed) if not i.base.is_positive}
        labels = {b.label for b in inside if isinstance(b, sp.IndexedBase)}
        inside = {x for x in inside if x not in labels}
        if not inside:
            return None
        # the bases under the logs first (1 − a > 0, not a > 0), then the variables
        found = self._positive_bases(ck, diff)
        return found if found is not None else self._positive_symbols(ck, diff, inside)

    def _positive_symbols(self, ck, diff: sp.Expr, inside: set) -> Assumption | None:
        mapping = {}
        for x in inside:
            if isinstance(x, sp.IndexedBase):
                mapping[x] = sp.IndexedBase(x.label, positive=True)
            else:
                mapping[x] = sp.Symbol(x.name, positive=True)
        positive = diff.replace(
            lambda e: isinstance(e, sp.Indexed) and e.base in mapping,
            lambda e: mapping[e.base][e.indices]).xreplace(
            {k: v for k, v in mapping.items() if not isinstance(k, sp.IndexedBase)})
        if not ck._zero(positive):
            return None
        names = sorted(str(x.label) + "_k" if isinstance(x, sp.IndexedBase) else str(x)
                       for x in inside)
        return Assumption(", ".join(names) + " > 0", ", ".join(names) + " > 0")

    @staticmethod
    def _positive_bases(ck, diff: sp.Expr) -> Assumption | None:
        """log(θ^n (1 − θ)^m) = n log θ + m log(1 − θ): positive variables are not enough, the
        bases under the logs must be positive. Each base (θ, 1 − θ) becomes a positive
        variable of its own, everywhere it is written: what holds for all positive values
        holds wherever the bases are positive, which is the assumption named."""
        from derive.engine import printing

        bases: set = set()
        for f in diff.atoms(sp.log):
            for factor in sp.Mul.make_args(f.args[0]):
                base = factor.base if isinstance(factor, sp.Pow) else factor
                if base.free_symbols and not base.is_positive and not base.has(sp.Sum):
                    bases.add(base)
        if not bases or len(bases) > 6:
            return None
        ordered = sorted(bases, key=sp.default_sort_key)
        mapping = {b: sp.Dummy(f"b{n}", positive=True) for n, b in enumerate(ordered)}
        if not ck._zero(sp.expand_log(diff.xreplace(mapping), force=False)):
            return None
        shown = [printing.text(b) for b in ordered]
        latex = [printing.latex(b) for b in ordered]
        return Assumption(", ".join(f"{x} > 0" for x in latex),
                          ", ".join(f"{x} > 0" for x in shown))


class AtLeastTwo:
    """A link false only at K = 1 (an index 2 in the range 1..K): "holds when K ≥ 2", said
    of the refutation numbers found (K = 1 is a size too, so it stays refuted)."""

    name = "K ≥ 2"

    def note(self, ck, diff: sp.Expr) -> str | None:
        two = self.assumption(ck, diff)
        return f"holds when {two.text}" if two is not None else None

    def assumption(self, ck, diff: sp.Expr) -> Assumption | None:
        sizes = sorted((s for s in diff.free_symbols if s.is_Symbol and s.is_integer
                        and s.is_positive), key=lambda s: s.name)
        for size in sizes:
            bigger = sp.Symbol(f"_{size.name}", integer=True, positive=True)
            mapping = {size: bigger + 1}
            ranges = {k: (lo.xreplace(mapping), hi.xreplace(mapping))
                      for k, (lo, hi) in ck.ranges.items()}
            if ck._zero(RangedZero(diff.xreplace(mapping), ranges)):
                return Assumption(f"{size} \\geq 2", f"{size} ≥ 2")
        return None


#: The strategies, in the order they are tried.
CATALOGUE: tuple[Strategy, ...] = (NonZeroDenominators(), Declared(), SumToOne(), OneHot(),
                                   IndexInRange(), CaseCondition(), Positivity())
AT_LEAST_TWO = AtLeastTwo()


def _letter_for(ck, family: str) -> str:
    """The index the document itself sums this family over (Σ_c l_c), else a free letter."""
    from derive.reading.syntax import BigOp

    trees = list(ck.reading.sides) + [d.body for d in ck.env.definitions.values()]
    for tree in trees:
        for n in walk(tree):
            if isinstance(n, BigOp) and n.index and any(
                    isinstance(m, Sym) and m.name == family and len(m.sub) == 1
                    and getattr(m.sub[0], "name", None) == n.index for m in walk(n.body)):
                return n.index
    used = {str(s) for s in ck.ranges}
    for c in "kjlmn":
        if c not in used:
            return c
    return "k"

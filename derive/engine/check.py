"""The checker: the one place where verdicts are decided.

For every link of every claim it grounds both sides, asks the normaliser for a
symbolic proof (for all sizes), then for a proof under a catalogue assumption
(Σ_k t_k = 1, a case condition), and only then asks numbers for a counterexample,
which is confirmed at a second precision before it is reported. It also finds the
rule that carries each link (or should have), the derived form, the residual and a
suggested repair, and builds the :class:`~derive.report.model.Report`.
"""

from __future__ import annotations

import difflib
import os
import signal
import time
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property

import sympy as sp

import derive
from derive import rules as R
from derive.engine import numeric, printing
from derive.engine.normal import (
    canonical,
    is_positive,
    is_zero,
    nonzero_offset,
    reduce,
    zero_or_residual,
)
from derive.engine.translate import Symbols, Translator
from derive.reading.document import Document, ReadEquation
from derive.reading.scope import ReadError, Undetermined, family_ranges
from derive.reading.syntax import Node, Sym, name_text, to_latex, to_text, walk
from derive.records import frozen
from derive.report.model import (
    Assumption,
    Chain,
    Counterexample,
    Equation,
    Link,
    Report,
    Verdict,
)

ENGINE = "derive-engine/1"
MAX_RULE_COMPARISONS = 4  # symbolic comparisons per link when naming its rule
VETO_POINTS = 6  # points at which the independent evaluator re-checks each proof
# failures inside sympy or the engine: reported on the link or equation, never a traceback
ENGINE_FAILURES = (RecursionError, MemoryError, ArithmeticError, TypeError, ValueError,
                   AttributeError, KeyError, IndexError, NotImplementedError, NameError,
                   StopIteration, AssertionError)


class TimeLimit(Exception):
    pass


#: exceptions that, raised from derive's own code, are bugs in derive and not mathematics
_BUG_TYPES = (AssertionError, NameError, AttributeError, KeyError, TypeError, IndexError,
              StopIteration, LookupError)
_PACKAGE = os.path.dirname(os.path.abspath(derive.__file__))


def failure(exc: BaseException) -> tuple[str, str]:
    """(method, reason) for an exception raised while checking: an ``internal`` error when it
    is a programming error raised in derive's own code (a bug to report, never a verdict and
    never cached), else the engine (sympy, mpmath, resources) failing on this input."""
    frame = exc.__traceback__
    last = None
    while frame is not None:
        last = frame
        frame = frame.tb_next
    where = last.tb_frame.f_code.co_filename if last is not None else ""
    name = f"{type(exc).__name__}: {str(exc)[:120]}"
    if isinstance(exc, _BUG_TYPES) and where.startswith(_PACKAGE + os.sep):
        line = last.tb_lineno if last is not None else 0
        module = where[len(_PACKAGE) + 1:]
        return "internal", f"internal error in derive ({name}, at {module}:{line}); " \
                           "this is a bug in derive, not a verdict: please report it"
    return "none", f"the engine failed on this link ({name})"


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the work inside after ``seconds`` (SIGALRM; main thread only)."""
    if not seconds or not hasattr(signal, "setitimer"):
        yield
        return
    try:
        def handler(signum, frame):
            raise TimeLimit()
        old = signal.signal(signal.SIGALRM, handler)
    except ValueError:  # not in the main thread: run without a limit
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@frozen
class _RangedZero:
    expr: sp.Expr
    ranges: dict


@frozen
class Decision:
    verdict: Verdict
    method: str
    needs: tuple[Assumption, ...] = ()
    counterexample: Counterexample | None = None
    residual: sp.Expr | None = None
    reason: str | None = None


class EquationChecker:
    """Everything needed to decide the links of one claim equation."""

    def __init__(self, doc: Document, eq: ReadEquation, symbols: Symbols, seed: int):
        self.doc, self.eq, self.symbols, self.seed = doc, eq, symbols, seed
        reading = eq.reading
        self.env = reading.env
        self.ground = Translator(self.env, symbols)
        self.surface = Translator(self.env, symbols, surface=True)
        self.ranges: dict = {}
        # indices free in the definitions in scope (c in t_k = … 1{k=c} …), then declared
        # ranges, then the equation's own
        merged: dict = {}
        for name in self.env.order:
            merged.update(self.env.definitions[name].ranges)
        merged.update(self.env.declared_ranges)
        merged.update({k: v for k, v in reading.ranges.items() if v is not None})
        for letter, rng in merged.items():
            if rng is not None:
                self.ranges[symbols.index(letter)] = (self.ground(rng[0]), self.ground(rng[1]))
        self.proof_subs: dict = {}
        self.constraints: list = []
        for c in reading.cases:
            a, b = symbols.index(c.left), symbols.index(c.right)
            self.proof_subs[a] = b if c.equal else b + nonzero_offset()
            self.constraints.append((a, b, c.equal))
        # the cases k = i only: a residual shown to the reader keeps k and i (k ≠ i is the
        # proof's own device, b + d with d ≠ 0, and means nothing on the page)
        self.equal_subs = {a: b for a, b in self.proof_subs.items() if b.is_Symbol}
        self.declared = self._declared()
        self._found: dict = {}  # (link label, mode) → the numeric search's answer
        self._skipped: dict = {}  # link label → why points were not evaluated (None: one was)
        # link position → its lhs − rhs in the document's names (zero when proved without
        # an assumption), where known: the chain's residual is their sum
        self.link_residuals: dict[int, sp.Expr | None] = {}

    # -- assumptions
    def _declared(self) -> list[tuple[sp.Expr, sp.Expr, str, str]]:
        out = []
        for (lhs, rhs), latex, _line in self.doc.assumptions:
            try:
                from derive.reading.scope import resolve

                r = resolve([lhs, rhs], self.env)
                a, b = self.ground(r.sides[0]), self.ground(r.sides[1])
                out.append((canonical(a), b, latex, f"{to_text(lhs)} = {to_text(rhs)}"))
            except (ReadError, TypeError, ValueError):
                continue
        return out

    def _zero(self, e) -> bool:
        return self._zero_or_residual(e)[0]

    def _zero_or_residual(self, e) -> tuple[bool, sp.Expr | None]:
        ranges = self.ranges
        if isinstance(e, _RangedZero):  # an expression with a range of its own (one-hot class)
            e, ranges = e.expr, e.ranges
        return zero_or_residual(e.xreplace(self.proof_subs) if self.proof_subs else e, ranges)

    def decide(self, lhs: sp.Expr, rhs: sp.Expr, label: str,
               written: tuple[Node, Node] | None = None) -> Decision:
        d = self._decide(lhs, rhs, label, written)
        if d.verdict is Verdict.PROVED and written is not None:
            d = self._veto(d, written, label)
        if d.verdict in (Verdict.PROVED, Verdict.CONDITIONAL) and written is not None:
            used = self._facts_used(lhs, rhs, written)
            known = {a.latex for a in d.needs}
            extra = tuple(a for a in used if a.latex not in known)
            if extra:
                d = replace(d, needs=d.needs + extra)
        return d

    def _veto(self, d: Decision, written: tuple[Node, Node], label: str) -> Decision:
        """A proof is reported only if an evaluator that shares no code with translation,
        normalisation or sympy agrees (:mod:`derive.engine.oracle`): where it finds the sides apart,
        the link is unknown ("internal disagreement", a bug in derive); where exactly one side
        is undefined (a division by zero, the log of a negative number), it holds only where
        both are defined."""
        from derive.engine import oracle

        v = oracle.judge(written[0], written[1], self.eq.reading,
                         assumptions=self.doc.assumptions, seed=_mix(self.seed, label),
                         points=VETO_POINTS)
        if v.kind == "disagree":
            return Decision(Verdict.UNKNOWN, "internal", residual=d.residual,
                            reason=f"internal disagreement: derive's symbolic proof is "
                                   f"contradicted by direct evaluation ({v.reason} at "
                                   f"{_point_text(v.point)}); this is a bug in derive, not a "
                                   "verdict")
        if v.kind == "domain":
            where = f"{v.reason} at {_point_text(v.point)}"
            return Decision(Verdict.CONDITIONAL, d.method, d.needs + (Assumption(
                "\\text{both sides are defined}", f"both sides are defined (not so: {where})"),),
                residual=d.residual,
                reason="the two sides agree wherever both are defined")
        return d

    def _facts_used(self, lhs: sp.Expr, rhs: sp.Expr,
                    written: tuple[Node, Node]) -> tuple[Assumption, ...]:
        """The declared facts about names (T > 0, b ≠ 0) that a proof of this link relies
        on: the link is grounded again with names that know no facts, and if it no longer
        vanishes, every fact about a name it uses is listed (stated) among its needs."""
        facts = self.symbols.positive | self.symbols.nonzero
        if not facts:
            return ()
        from derive.engine.translate import pyname
        from derive.reading.document import name_fact

        expr = sp.Tuple(lhs, rhs)
        present = {str(s) for s in expr.free_symbols} | {
            str(i.base.label) for i in expr.atoms(sp.Indexed)} | {
            pyname(n.name) for side in written for n in walk(side) if isinstance(n, Sym)}
        named = [(latex, fact) for latex in self.doc.conditions
                 if (fact := name_fact(latex)) is not None and pyname(fact[0]) in present]
        if not named:
            return ()
        plain = Translator(self.env, Symbols())
        try:
            a, b = plain(written[0]), plain(written[1])
            if self._zero(canonical(a) - canonical(b)) and \
                    self._nonzero_denominators(*written, ground=plain) is None:
                return ()
        except (ReadError, *ENGINE_FAILURES):
            pass  # cannot tell without the facts: list them
        return tuple(Assumption(latex, _condition_text(latex), stated=True)
                     for latex, _ in named)

    def _decide(self, lhs: sp.Expr, rhs: sp.Expr, label: str,
                written: tuple[Node, Node] | None = None) -> Decision:
        diff = lhs - rhs
        proved, residual = self._zero_or_residual(diff)
        if proved:
            nonzero = self._nonzero_denominators(*written) if written else None
            if nonzero is None:
                return Decision(Verdict.PROVED, "symbolic")
            if self._stated(nonzero):
                return Decision(Verdict.PROVED, "symbolic", (self._as_stated(nonzero),))
            return Decision(Verdict.CONDITIONAL, "symbolic", (nonzero,),
                            reason="the two sides agree wherever both are defined; one side "
                                   "divides by a quantity the other does not")
        # a declared assumption first, then the catalogue
        for a, b, latex, text in self.declared:
            if residual.has(a) and self._zero(residual.xreplace({a: b})):
                return Decision(Verdict.PROVED, "symbolic",
                                (Assumption(latex, text, stated=True),), residual=residual)
        # One point of each target mode first: a counterexample whose targets sum to one (or
        # are one-hot) already shows that assuming so cannot make the link hold, so the
        # symbolic tries of those assumptions are skipped. (The point is the one the full
        # search would report first, so the report is the same either way.)
        probe = self._search(lhs, rhs, label, modes=("one-hot", "simplex"), first_only=True)
        on_simplex = probe.get("one-hot") is not None or probe.get("simplex") is not None
        targets, fams = self._targets, self._families
        restated = set()
        for a, latex, text in self._sum_to_one(residual):
            marker = sp.Dummy()
            if residual.xreplace({a: marker}).free_symbols <= {marker}:
                restated.add(a.function.base)  # the link is about Σ t alone: assume nothing
                continue
            base, (_, lo, hi) = a.function.base, a.limits[0]
            if on_simplex and base in targets and fams.get(base) == (lo, hi):
                continue  # refuted at a point where this sum is 1
            if self._zero(residual.xreplace({a: sp.Integer(1)})):
                cx = self._search(lhs, rhs, label, modes=("free",)).get("free")
                return Decision(Verdict.CONDITIONAL, "symbolic", (Assumption(latex, text),),
                                self._counterexample(cx), residual)
        if probe.get("one-hot") is None:  # else refuted with every target one-hot
            for assumption, cond in self._one_hot(residual, restated):
                if self._zero(cond):
                    cx = self._search(lhs, rhs, label, modes=("free",)).get("free")
                    return Decision(Verdict.CONDITIONAL, "symbolic", (assumption,),
                                    self._counterexample(cx), residual)
        in_range = self._index_in_range(residual)
        if in_range is not None:
            return Decision(Verdict.CONDITIONAL, "symbolic", (in_range,), None, residual)
        if not self.eq.reading.cases:
            # A case the document does not state (k = i) is no assumption about values: the
            # link is false where the case fails, and the report says where it holds.
            for cond, _latex, text in self._case_conditions(residual):
                if self._zero(residual.xreplace(cond)):
                    cx = self._search(lhs, rhs, label, modes=("free",)).get("free")
                    if cx is None:
                        return Decision(Verdict.UNKNOWN, "none", residual=residual,
                                        reason=f"holds when {text}; no counterexample was "
                                               "found otherwise")
                    return Decision(Verdict.REFUTED, "numeric", (), self._counterexample(cx),
                                    residual, reason=f"holds when {text}")
        positive = self._positivity(diff)
        if positive is not None:
            if self._stated(positive):
                return Decision(Verdict.PROVED, "symbolic", (self._as_stated(positive),),
                                residual=residual)
            cx = self._search(lhs, rhs, label, modes=("free",)).get("free")
            return Decision(Verdict.CONDITIONAL, "symbolic", (positive,),
                            self._counterexample(cx), residual)
        found = self._search(lhs, rhs, label)
        note = None
        hits = [f for f in found.values() if f is not None]
        if hits and all(min(f.point.sizes.values(), default=2) == 1 for f in hits):
            # false only at K = 1 (searched last): say when it holds; K = 1 is a size too
            two = self._at_least_two(diff)
            if two is not None:
                note = f"holds when {two.text}"
        for mode in ("one-hot", "simplex"):
            if found.get(mode):
                return Decision(Verdict.REFUTED, "numeric", (),
                                self._counterexample(found[mode]), residual, reason=note)
        if found.get("free"):
            # False in general. Numbers found no counterexample with the targets on the
            # simplex, but numbers never prove: without a symbolic proof under the assumption
            # this stays refuted (the counterexample is real), with the observation as reason.
            if note is None and self._target_sums():
                note = ("no counterexample was found when the targets sum to one, but that "
                        "could not be proved symbolically")
            return Decision(Verdict.REFUTED, "numeric", (), self._counterexample(found["free"]),
                            residual, reason=note)
        sizes = ", ".join(str(n) for n in sorted(numeric.SIZES + numeric.EXTRA_SIZES))
        reason = f"no symbolic proof, and no counterexample at K = {sizes}"
        skipped = self._skipped.get(label, [])
        if None not in skipped:  # not one point could be evaluated: say why
            why = next((s for s in skipped if s), None) or (
                f"a range of more than {numeric.MAX_RANGE:,} terms (a size limit)")
            reason = f"no symbolic proof, and numbers could not evaluate it: {why}"
        return Decision(Verdict.UNKNOWN, "none", residual=residual, reason=reason)

    def _stated(self, a: Assumption) -> bool:
        from derive.reading.document import condition_key

        return condition_key(a.latex) in {condition_key(c) for c in self.doc.conditions}

    @staticmethod
    def _as_stated(a: Assumption) -> Assumption:
        return Assumption(a.latex, a.text, stated=True)

    def _nonzero_denominators(self, lhs: Node, rhs: Node,
                              ground: Translator | None = None) -> Assumption | None:
        """a b / b = a holds only where b ≠ 0: a written denominator that one side has and
        the other has not, and that is not known to be non-zero (exponentials, sums of
        them, sizes and positive names are)."""
        memo = self.symbols.memo
        symbols = ground.symbols if ground is not None else self.symbols

        def dens(side: Node) -> set:
            out = set()
            for den, d in _divisors(side, self.env):
                key = ("denominator", id(self.env), ground is None, id(d), R.key(den))
                if key not in memo:
                    try:
                        if d is None:
                            g = (ground or self.ground)(den)
                        else:  # a divisor inside a definition's body, read in its scope
                            g = _ground_in_definition(d, den, symbols)
                        memo[key] = canonical(g)
                    except (ReadError, *ENGINE_FAILURES):
                        memo[key] = None
                den_g = memo[key]
                if den_g is None:
                    continue
                for f in sp.Mul.make_args(den_g):
                    base = f.base if f.is_Pow and f.exp.is_positive else f
                    if base.free_symbols and not is_positive(base) and \
                            base.is_nonzero is not True:
                        out.add(base)
            return out

        def written(side: Node) -> set:
            return {(id(d), R.key(den)) for den, d in _divisors(side, self.env)}

        if written(lhs) == written(rhs):
            return None  # the same denominators, so the same grounded ones: none one-sided
        one_sided = dens(lhs) ^ dens(rhs)
        if not one_sided:
            return None
        items = sorted(one_sided, key=sp.default_sort_key)
        latex = ", ".join(f"{printing.latex(b)} \\neq 0" for b in items)
        text = ", ".join(f"{printing.text(b)} ≠ 0" for b in items)
        return Assumption(latex, text)

    def _at_least_two(self, diff: sp.Expr) -> Assumption | None:
        """A link that needs two classes at least (an index 2 in the range 1..K)."""
        sizes = sorted((s for s in diff.free_symbols if s.is_Symbol and s.is_integer
                        and s.is_positive), key=lambda s: s.name)
        for size in sizes:
            bigger = sp.Symbol(f"_{size.name}", integer=True, positive=True)
            mapping = {size: bigger + 1}
            ranges = {k: (lo.xreplace(mapping), hi.xreplace(mapping))
                      for k, (lo, hi) in self.ranges.items()}
            if self._zero(_RangedZero(diff.xreplace(mapping), ranges)):
                return Assumption(f"{size} \\geq 2", f"{size} ≥ 2")
        return None

    def _one_hot(self, residual: sp.Expr, restated: set):
        """t_k = 1{k = c} for a class c in range: the one-hot target of classification."""
        fams = self._families
        for base in sorted(self._targets, key=str):
            if not residual.has(base) or base not in fams or base in restated:
                continue
            c = sp.Symbol("_c", integer=True)
            ranges = dict(self.ranges)
            ranges[c] = fams[base]
            hot = residual.replace(
                lambda e, b=base: isinstance(e, sp.Indexed) and e.base == b,
                lambda e, c=c: sp.KroneckerDelta(e.indices[0], c))
            name = str(base.label)
            yield (Assumption(f"{name} \\text{{ is one-hot}}", f"{name} is one-hot "
                              f"({name}_k = 1{{k = c}} for one class c)"),
                   _RangedZero(hot, ranges))

    def _index_in_range(self, residual: sp.Expr) -> Assumption | None:
        """A delta left unsifted because its free index has no known range."""
        for s in residual.atoms(sp.Sum):
            v, lo, hi = s.limits[0]
            for d in s.function.atoms(sp.KroneckerDelta):
                other = d.args[1] if d.args[0] == v else d.args[0] if d.args[1] == v else None
                if other is None or not other.is_Symbol or other in self.ranges:
                    continue
                ranges = {**self.ranges, other: (lo, hi)}
                if is_zero(residual, ranges):
                    text = f"{sp.latex(lo)} \\le {other} \\le {sp.latex(hi)}"
                    return Assumption(text, f"{lo} ≤ {other} ≤ {hi}")
        return None

    def _positivity(self, diff: sp.Expr) -> Assumption | None:
        """Does the link hold when the variables under logs and roots are positive?"""
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
        if not self._zero(positive):
            return None
        names = sorted(str(x.label) + "_k" if isinstance(x, sp.IndexedBase) else str(x)
                       for x in inside)
        return Assumption(", ".join(names) + " > 0", ", ".join(names) + " > 0")

    def _sum_to_one(self, residual: sp.Expr):
        seen = set()
        for s in sorted(residual.atoms(sp.Sum), key=sp.default_sort_key):
            v, lo, hi = s.limits[0]
            f = s.function
            if isinstance(f, sp.Indexed) and f.indices == (v,) and f.base not in seen:
                seen.add(f.base)
                name = str(f.base.label)
                letter = self._letter_for(name)
                latex = (f"\\sum_{{{letter}={sp.latex(lo)}}}^{{{sp.latex(hi)}}} "
                         f"{name}_{{{letter}}} = 1")
                text = f"Σ_{letter} {name}_{letter} = 1"  # the plain-text form of the same
                yield s, latex, text

    def _letter_for(self, family: str) -> str:
        """The index the document itself sums this family over (Σ_c l_c), else a free letter."""
        from derive.reading.syntax import BigOp

        trees = list(self.eq.reading.sides) + [d.body for d in self.env.definitions.values()]
        for tree in trees:
            for n in walk(tree):
                if isinstance(n, BigOp) and n.index and any(
                        isinstance(m, Sym) and m.name == family and len(m.sub) == 1
                        and getattr(m.sub[0], "name", None) == n.index for m in walk(n.body)):
                    return n.index
        used = {str(s) for s in self.ranges}
        for c in "kjlmn":
            if c not in used:
                return c
        return "k"

    def _case_conditions(self, residual: sp.Expr):
        free = sorted({s for s in residual.free_symbols if s.is_Symbol and s.is_integer
                       and not s.is_positive and not s.name.startswith("_")} | set(self.ranges),
                      key=lambda s: s.name)
        for n, a in enumerate(free):
            for b in free[n + 1:]:
                if not residual.has(a) or not residual.has(b):
                    continue
                yield {b: a}, f"{a} = {b}", f"{a} = {b}"
                yield {b: a + nonzero_offset()}, f"{a} \\neq {b}", f"{a} ≠ {b}"

    def _target_sums(self):
        out = []
        for base, (lo, hi) in self._families.items():
            if base in self._targets:
                name = str(base.label)
                out.append((f"\\sum_{{k={sp.latex(lo)}}}^{{{sp.latex(hi)}}} {name}_{{k}} = 1",
                            f"Σ_k {name}_k = 1"))
        return out

    # -- numbers
    @cached_property
    def _families(self) -> dict:
        """IndexedBase → its grounded range, for the families this equation uses."""
        fam = family_ranges(self.env, list(self.eq.reading.sides))
        out = {}
        for name, (lo, hi) in fam.items():
            if name in self.env.definitions:
                continue
            try:
                out[self.symbols.family(name)] = (self.ground(lo), self.ground(hi))
            except ReadError:
                continue
        return out

    @cached_property
    def _targets(self) -> frozenset:
        """The families that are data, not variables of a derivative."""
        wrt = set()
        from derive.reading.syntax import Deriv

        for side in self.eq.reading.sides:
            for n in walk(side):
                if isinstance(n, Deriv):
                    for v in n.wrt:
                        if v.sub:
                            wrt.add(v.name)
        return frozenset(self.symbols.family(name) for name in self._family_names()
                         if name not in wrt)

    def _family_names(self):
        names = set()
        trees = list(self.eq.reading.sides) + [d.body for d in self.env.definitions.values()]
        for t in trees:
            for n in walk(t):
                if isinstance(n, Sym) and n.sub and n.name not in self.env.definitions:
                    names.add(n.name)
        return names

    def _search(self, lhs, rhs, label, modes=numeric.FAMILY_MODES,
                first_only: bool = False) -> dict:
        """mode → a confirmed counterexample or None, each mode searched once per link.

        ``first_only``: try only the first point of each mode; a counterexample found there
        is the one the full search finds first, so it is kept for later calls."""
        out, todo = {}, []
        for mode in modes:
            if (label, mode) in self._found:
                out[mode] = self._found[label, mode]
            else:
                todo.append(mode)
        if todo:
            got = self._search_modes(lhs, rhs, label, tuple(todo), first_only)
            for mode, found in got.items():
                if found is not None or not first_only:
                    self._found[label, mode] = found
                out[mode] = found
        return out

    def _search_modes(self, lhs, rhs, label, modes, first_only: bool) -> dict:
        # the symbols of both sides (their difference may have cancelled some away)
        expr = sp.Tuple(lhs, rhs)
        fams = self._families
        # in name order, never set order: the points drawn depend on the order of indices
        # and families, and a set's order changes with the process's hash seed
        bases = sorted({i.base for i in expr.atoms(sp.Indexed)}, key=lambda b: str(b.label))
        families = {b: fams.get(b) for b in bases}
        labels = {b.label for b in bases}
        free = sorted((s for s in expr.free_symbols if s.is_Symbol and s not in labels),
                      key=lambda s: s.name)
        indices = {s: self.ranges.get(s) for s in free if s.is_integer and not s.is_positive}
        for r in sorted(self.ranges, key=lambda s: s.name):
            if expr.has(r):
                indices.setdefault(r, self.ranges[r])
        used = set(free)
        for rng in list(indices.values()) + list(families.values()):
            for part in rng or ():
                used |= part.free_symbols
        sizes = tuple(sorted((s for s in used if s.is_Symbol and s.is_integer and s.is_positive),
                             key=lambda s: s.name))
        scalars = tuple(sorted((s for s in free if not s.is_integer), key=lambda s: s.name))
        problem = numeric.Problem(lhs, rhs, sizes, indices, families, scalars,
                                  tuple(self.constraints),
                                  tuple(b for b in bases if b in self._targets),
                                  tuple((a, b) for a, b, _, _ in self.declared))
        seed = _mix(self.seed, label)
        skipped = self._skipped.setdefault(label, [])
        return numeric.search(problem, seed, modes, first_only=first_only, skipped=skipped)

    def _counterexample(self, found) -> Counterexample | None:
        if found is None:
            return None
        p = found.point
        size = {str(k): v for k, v in sorted(p.sizes.items(), key=lambda kv: kv[0].name)}
        idx = {str(k): v for k, v in sorted(p.indices.items(), key=lambda kv: kv[0].name)}
        values = {}
        fams = self._families
        touched = found.touched or {}
        for base, vals in sorted(p.families.items(), key=lambda kv: str(kv[0])):
            lo, hi = fams.get(base, (sp.Integer(1), None))
            a = int(lo.xreplace(p.sizes)) if lo is not None else 1
            b = int(hi.xreplace(p.sizes)) if hi is not None else max(p.sizes.values(), default=2)
            used = touched.get(base, ())
            if not used and base not in touched and touched:
                continue  # neither side reads this family at this point
            # every value a side read is listed (z_3 too when the range says 1..2)
            a, b = min([a, *used]), max([b, *used])
            values[str(base.label)] = [numeric.plain(v) for v in vals[max(a, 1):b + 1]]
        for s, v in sorted(p.scalars.items(), key=lambda kv: kv[0].name):
            values[str(s)] = numeric.plain(v)
        # the target family only matters where the point has target values
        mode = p.mode if any(b in self._targets for b in p.families) else "free"
        return Counterexample(size, idx, values, numeric.as_float(found.lhs),
                              numeric.as_float(found.rhs), mode)


def _divisors(side: Node, env) -> list:
    """What a side divides by: written denominators and bases of negative powers, in the
    side itself and in the bodies of the definitions it uses (r b = a with r = a/b divides
    by b), each with the definition it was found in (None for the side itself)."""
    from derive.reading.syntax import Apply, Frac, Neg, Num, Pow

    out: list = []
    seen: set = set()

    def visit(node: Node, scope, where) -> None:
        for n in walk(node):
            if isinstance(n, Frac):
                out.append((n.den, where))
            elif isinstance(n, Pow) and (isinstance(n.exp, Neg) or (
                    isinstance(n.exp, Num) and n.exp.text.startswith("-"))):
                out.append((n.base, where))
            name = n.name if isinstance(n, Sym) else n.func.name if isinstance(n, Apply) else None
            d = scope.definitions.get(name) if name is not None else None
            if d is not None and id(d) not in seen:
                seen.add(id(d))
                visit(d.body, d.env, d)

    visit(side, env, None)
    return out


def _ground_in_definition(d, node: Node, symbols: Symbols) -> sp.Expr:
    """A piece of a definition's body, grounded as the body itself is."""
    function = d.kind == "function"
    sub = Translator(d.env, symbols, params=d.params if function else ())
    bound = {} if function else {p: symbols.index(p) for p in d.params}
    return sub._tr(node, frozenset(), bound)


def _point_text(point: dict | None) -> str:
    """An oracle's point, as a reader would write it: K=2, i=1, z_1=-1/2, …"""
    if not point:
        return "a point"
    parts = []
    for group in ("sizes", "indices", "values"):
        for name, value in (point.get(group) or {}).items():
            parts.append(f"{name}={value}")
    return ", ".join(parts[:12]) + (", …" if len(parts) > 12 else "")


def _condition_text(latex: str) -> str:
    """A declared condition in plain text: b \\neq 0 → b ≠ 0."""
    from derive.reading.document import condition_key

    text = condition_key(latex)
    return text.replace("≠", " ≠ ").replace("≥", " ≥ ").replace(">", " > ").replace("  ", " ")


def _mix(seed: int, label: str) -> int:
    h = seed
    for ch in label:
        h = (h * 1_000_003 + ord(ch)) % (2 ** 61 - 1)
    return h


# --------------------------------------------------------------------------- rules

class Explainer:
    """Find the rule that carries a link, and what it gives."""

    def __init__(self, ck: EquationChecker, doc: Document, eq: ReadEquation):
        self.ck = ck
        # Only the other claims whose left side (with or without its case) could occur in
        # this equation can be substituted, split or merged here: looked up by shape in an
        # index made once per document, so a document of n equations costs n lookups, not
        # n² records (10,000 equations took more than 600 s this way before).
        claims = _claims_index(doc, ck.symbols.memo)
        here: set = set()
        for side in eq.reading.sides:
            here |= R.shapes(side) | R.shapes(R.bare(side))
        by_index = claims[None]
        picked: set = set()
        for _ in range(2):  # and what the claims found can bring in: their last sides
            picked |= {c[0] for shape in here for c in claims.get(shape, ())
                       if c[0] != eq.index}
            for n in picked:
                here |= R.shapes(by_index[n][0].last)
        picked = sorted(picked)
        others = [by_index[n][1] if n > eq.index else by_index[n][0] for n in picked]
        self.earlier = [o for o in others if not o.later]
        self.ctx = R.RuleContext(ck.env, eq.reading.ranges, eq.reading.cases,
                                 tuple(self.earlier) + tuple(o for o in others if o.later))
        self.rules = R.catalogue(self.ctx)

    def surface_equal(self, a: Node, b: Node) -> bool:
        if R.same(a, b):
            return True
        try:
            ea, eb = self.ck.surface(a), self.ck.surface(b)
        except (ReadError, TypeError, ValueError):
            return False
        return self.ck._zero(ea - eb)

    def starts(self, lhs: Node, position: int) -> list[tuple[Node, str | None]]:
        out = [(lhs, None)]
        if position == 1:
            for o in reversed(self.earlier):
                if R.same(o.lhs, lhs):
                    out.append((o.last, f"substitution of ({o.index})"))
        return out

    def explain(self, lhs: Node, rhs: Node, position: int, named: str | None = None,
                holds: bool = True):
        """(rule name, derived tree or None, whether the derived form matches the rhs).

        A rule carries the link when its own result from the left side equals the right
        side and brings the left side closer to what was written on the right.
        """
        # phase 1: a rule whose result is exactly what was written wins at once
        tried: list[tuple[Node, list[tuple[str, Node, object]]]] = []
        for start, via in self.starts(lhs, position):
            if via is not None and R.same(start, rhs):
                return via, start, True
            results: list[tuple[str, Node, object]] = []
            for rule in self.rules:
                if named is not None and not _named(rule, named):
                    continue
                try:
                    derived = rule.attempt(start, self.ctx)
                except (ReadError, RecursionError, StopIteration, TypeError):
                    derived = None
                if derived is None:
                    continue
                name = self._label(rule, start)
                if via is not None and not name.startswith("substitution"):
                    name = f"{name}, continuing {via.split()[-1]}"
                if R.same(derived, rhs):
                    return name, derived, True
                if isinstance(rule, R.CaseMerge) and self.surface_equal(derived, rhs):
                    return name, derived, True  # a merge is never written term for term
                results.append((name, derived, rule))
            tried.append((start, results))
        # no exact fit: rank what the rules gave by likeness to the written right side
        # (only now, as most links end in phase 1 and the likeness costs a string diff)
        target = to_latex(rhs)
        order = 0
        per_start: list[list[tuple[float, int, str, Node, bool]]] = []
        for start, results in tried:
            base = _similarity(start, target)
            candidates: list[tuple[float, int, str, Node, bool]] = []
            for name, derived, rule in results:
                score = _similarity(derived, target)
                order += 1
                if named is not None or score > base:
                    candidates.append((score, -order, name, derived, not isinstance(
                        rule, (R.Substitution, R.CaseMerge))))
            candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
            per_start.append(candidates)
        if holds and named is None:
            two = self._two_steps(per_start, rhs)
            if two is not None:
                return two[0], two[1], True
        # phase 2: the results most like the written right side, compared symbolically;
        # pointless for a link that does not hold (a sound rule's result equals the lhs)
        for candidates in per_start if holds else ():
            for _, _, name, derived, _ in candidates[:MAX_RULE_COMPARISONS]:
                if self.surface_equal(derived, rhs):
                    return name, derived, True
        # a rule that unfolds a definition (the quotient rule on y_k) may match the right
        # side once the names written there are unfolded too
        unfolded = R.unfold_once(rhs, self.ctx) if holds else rhs
        if not R.same(unfolded, rhs):
            for candidates in per_start:
                for _, _, name, derived, sound in candidates[:1]:
                    if sound and self.surface_equal(derived, unfolded):
                        return f"{name}, with the definitions", derived, True
        # nothing fits: report what the rules of mathematics give (not another claim)
        tried = [c for cs in per_start for c in cs if c[4]]
        if not tried:
            return (named, None, False) if named is not None else (None, None, False)
        _, _, name, derived, _ = max(tried, key=lambda c: (c[0], c[1]))
        return (named if named is not None else name), derived, False

    def _two_steps(self, per_start, rhs: Node):
        """Two rules in a row whose result is exactly what was written (people often take
        linearity and the chain rule, or sifting and a constant sum, in one written step)."""
        for candidates in per_start:
            for _, _, first, middle, sound in candidates[:6]:
                if not sound:
                    continue
                for rule in R.BASIC:
                    try:
                        derived = rule.attempt(middle, self.ctx)
                    except (ReadError, RecursionError, StopIteration, TypeError):
                        continue
                    if derived is not None and R.same(derived, rhs):
                        return f"{first}, then {self._label(rule, middle)}", derived
        return None

    def _label(self, rule, start):
        return rule.label(start, self.ctx)


def _claims_index(doc: Document, memo: dict) -> dict:
    """Every claim of the document as an earlier and as a later equation (for the rules
    that use other equations), by the shapes of its left side with and without its case;
    the key None maps each claim's index to its two records. Made once per document."""
    key = ("claims", id(doc))
    if key not in memo:
        index: dict = {None: {}}
        for other in doc.equations:
            if other.kind != "claim" or not other.reading:
                continue
            lhs, last = other.reading.sides[0], other.reading.sides[-1]
            pair = (R.Earlier(other.index, lhs, last, other.reading.cases, later=False),
                    R.Earlier(other.index, lhs, last, other.reading.cases, later=True))
            index[None][other.index] = pair
            for shape in {R.shape(lhs), R.shape(R.bare(lhs))}:
                index.setdefault(shape, []).append((other.index, pair))
        memo[key] = index
    return memo[key]


def _similarity(node: Node, target: str) -> float:
    return difflib.SequenceMatcher(None, to_latex(node), target, autojunk=False).ratio()


def _named(rule, named: str) -> bool:
    return rule.name == named or rule.name.startswith(named + " ")


# --------------------------------------------------------------------------- report

def _side(eq: ReadEquation, k: int) -> tuple[str, str]:
    return eq.side_latex[k], to_text(eq.sides[k])


def check_equation(doc: Document, eq: ReadEquation, symbols: Symbols, seed: int,
                   timeout: float | None) -> Equation:
    """Check one equation of a read document."""
    text = " = ".join(to_text(s) for s in eq.sides) if eq.sides else eq.latex
    if eq.kind == "error":
        return Equation(eq.index, eq.line, "error", eq.latex, eq.latex, error=eq.error)
    if eq.kind == "definition" and len(eq.sides) <= 2:
        return Equation(eq.index, eq.line, "definition", eq.latex, text,
                        defines=name_text(eq.definition.name), notes=eq.notes)
    try:
        ck = EquationChecker(doc, eq, symbols, seed)
        ex = Explainer(ck, doc, eq)
        grounded = [None] * len(eq.reading.sides)
    except ReadError as exc:
        return _error_equation(doc, eq, exc.message, exc.pos)
    except Exception as exc:  # noqa: BLE001
        _method, reason = failure(exc)
        return _error_equation(doc, eq, reason.replace("on this link", "on this equation"))
    offset = 1 if eq.kind == "definition" else 0
    links = []
    for p in range(len(eq.reading.sides) - 1):
        position = p + 1 + offset
        t0 = time.perf_counter()
        label = f"{eq.index}.{position}"
        try:
            with time_limit(timeout):
                link = _check_link(ck, ex, eq, grounded, p, position, label, offset)
        except TimeLimit:
            link = _undecided(eq, p + offset, position, "timeout", "undetermined (time limit)",
                              f"time limit ({timeout:g} s)")
        except Undetermined as exc:
            link = _undecided(eq, p + offset, position, "none", "undetermined", exc.message)
        except ReadError as exc:
            return _error_equation(doc, eq, exc.message, exc.pos)
        except Exception as exc:  # noqa: BLE001 - every failure is a value on its link
            # a failure on one link is an undecided link, never a crash of the run; derive's
            # own bugs say so (method "internal") and are never taken for a verdict
            method, reason = failure(exc)
            link = _undecided(eq, p + offset, position, method, "undetermined", reason)
        links.append(_with_seconds(link, time.perf_counter() - t0))
    chain = None
    if len(links) >= 2 and all(lk.verdict is Verdict.PROVED and not lk.needs for lk in links):
        # every link holds for all sizes: so does the chain, by transitivity
        chain = Chain(Verdict.PROVED, eq.side_latex[offset], eq.side_latex[-1], "transitivity",
                      lhs_text=to_text(eq.sides[offset]), rhs_text=to_text(eq.sides[-1]))
    elif len(links) >= 2:
        try:
            with time_limit(timeout):
                chain = _check_chain(ck, eq, grounded, offset, links)
        except TimeLimit:
            chain = Chain(Verdict.UNKNOWN, eq.side_latex[offset], eq.side_latex[-1], "timeout",
                          reason=f"time limit ({timeout:g} s)")
        except Undetermined as exc:
            chain = Chain(Verdict.UNKNOWN, eq.side_latex[offset], eq.side_latex[-1], "none",
                          reason=exc.message)
        except Exception as exc:  # noqa: BLE001
            method, reason = failure(exc)
            chain = Chain(Verdict.UNKNOWN, eq.side_latex[offset], eq.side_latex[-1], method,
                          reason=reason)
    cases = tuple(Assumption(_case_latex(c), _case_text(c), True) for c in eq.reading.cases)
    return Equation(eq.index, eq.line, eq.kind, eq.latex, text, tuple(links), chain,
                    defines=name_text(eq.definition.name) if eq.definition else None,
                    cases=cases, notes=eq.notes)


def _contradiction(doc: Document, symbols: Symbols):
    """A located error when the declared assumptions contradict each other (1 = 0; x = 2
    beside x = 3): each is grounded, and each is rewritten by every other as the checker
    would use it; a non-zero number left over is a contradiction."""
    from derive.reading.scope import resolve
    from derive.report.model import SourceError

    if not doc.assumptions or doc.env is None:
        return None
    env = replace(doc.env, definitions={}, order=())
    ground = Translator(env, symbols)
    pairs = []
    for (a, b), latex, line in doc.assumptions:
        try:
            r = resolve([a, b], env)
            pairs.append((canonical(ground(r.sides[0])), canonical(ground(r.sides[1])),
                          latex, line))
        except (ReadError, *ENGINE_FAILURES):
            continue

    def settled(e: sp.Expr) -> sp.Expr:
        return sp.simplify(reduce(e, {})) if e.free_symbols else e

    for n, (a, b, latex, line) in enumerate(pairs):
        culprits = None
        diff = settled(a - b)
        if diff.is_number and diff != 0:
            culprits = [latex]
        else:
            for m, (a2, b2, latex2, _) in enumerate(pairs):
                if m == n or not (a - b).has(a2):
                    continue
                left = settled((a - b).xreplace({a2: b2}))
                if left.is_number and left != 0:
                    culprits = [latex, latex2]
                    break
        if culprits:
            shown = " and ".join(f"`{c}`" for c in culprits)
            what = "contradicts itself" if len(culprits) == 1 else "contradict each other"
            lines = doc.text.split("\n")
            return SourceError(f"the declared assumption{'s' if len(culprits) > 1 else ''} "
                               f"{shown} {what}: every step would follow from "
                               f"{'it' if len(culprits) == 1 else 'them'}, so nothing is "
                               "checked", line, 1,
                               lines[line - 1] if 0 < line <= len(lines) else "", doc.source)
    return None


def _error_equation(doc: Document, eq: ReadEquation, message: str, pos: int = 0) -> Equation:
    from derive.reading.document import _error

    err = _error(doc.source, doc.text, eq.offset + pos, message)
    return Equation(eq.index, eq.line, "error", eq.latex, eq.latex, error=err)


def _case_latex(c) -> str:
    return f"{c.left} = {c.right}" if c.equal else f"{c.left} \\neq {c.right}"


def _case_text(c) -> str:
    return f"{c.left} = {c.right}" if c.equal else f"{c.left} ≠ {c.right}"


def _undecided(eq: ReadEquation, k: int, position: int, method: str, rule: str,
               reason: str) -> Link:
    """Link k (sides k, k+1) as unknown, with the reason the engine could not decide it."""
    lhs, lhs_t = _side(eq, k)
    rhs, rhs_t = _side(eq, k + 1)
    return Link(position, lhs, rhs, Verdict.UNKNOWN, method, rule, lhs_t, rhs_t, reason=reason)


def _with_seconds(link: Link, seconds: float) -> Link:
    from dataclasses import replace

    return replace(link, seconds=seconds)


def _grounded(ck: EquationChecker, eq: ReadEquation, cache: list, k: int) -> sp.Expr:
    if cache[k] is None:
        # the same side often recurs (∂C/∂z_i opens four equations): ground it once per scope
        memo = ck.symbols.memo
        key = (id(ck.env), R.key(eq.reading.sides[k]))
        if key not in memo:
            # bound indices renamed canonically once per side, not once per comparison
            memo[key] = canonical(ck.ground(eq.reading.sides[k]))
        cache[k] = memo[key]
    return cache[k]


def _check_link(ck, ex, eq, grounded, p, position, label, offset=0) -> Link:
    lhs_n, rhs_n = eq.reading.sides[p], eq.reading.sides[p + 1]
    lhs_g, rhs_g = _grounded(ck, eq, grounded, p), _grounded(ck, eq, grounded, p + 1)
    d = ck.decide(lhs_g, rhs_g, label, (lhs_n, rhs_n))
    named = eq.rules.get(position)
    rule, derived, fits = ex.explain(lhs_n, rhs_n, position, named,
                                     holds=d.verdict is Verdict.PROVED)
    if not fits and d.verdict is Verdict.PROVED and not named:
        rule, derived = None, None  # true, but no single rule of the catalogue carries it
    if rule is None:
        rule = "algebra"  # the fallback when no rule of the catalogue fits
    if derived is not None:
        derived = R.strip(derived)
    if named:
        rule = _builtin_label(named, rule)
    lhs, lhs_t = _side(eq, p + offset)
    rhs, rhs_t = _side(eq, p + 1 + offset)
    derived_latex = to_latex(derived) if derived is not None else None
    suggestion = None
    residual = residual_t = None
    if d.verdict is Verdict.PROVED:
        if not d.needs:
            ck.link_residuals[p] = sp.Integer(0)
    else:
        ck.link_residuals[p] = surface = _surface_residual(ck, lhs_n, rhs_n)
        residual, residual_t = _residual(ck, surface, d.residual)
        if derived is not None and d.verdict is Verdict.REFUTED:
            try:
                g = ck.ground(derived)
                if ck._zero(lhs_g - g):
                    suggestion = derived_latex
            except (ReadError, Undetermined, TypeError, ValueError):
                suggestion = None  # no suggestion; the verdict stands
    return Link(position, lhs, rhs, d.verdict, d.method, rule, lhs_t, rhs_t, derived_latex,
                to_text(derived) if derived is not None else None, d.needs, d.counterexample,
                suggestion, residual, residual_t, d.reason)


def _builtin_label(named: str, inferred: str) -> str:
    return inferred if inferred.startswith(named) and inferred != named else named


def _surface_residual(ck: EquationChecker, lhs_n, rhs_n) -> sp.Expr | None:
    """lhs − rhs reduced in the document's names (y_i, not e^{z_i}/Σ…), or None where the
    surface cannot show it (a derivative left unevaluated there, or nothing left)."""
    try:
        from derive.engine.translate import SurfaceDerivative

        raw = (ck.surface(lhs_n) - ck.surface(rhs_n)).xreplace(ck.equal_subs)
        if raw.has(SurfaceDerivative):
            return None
        surf = reduce(raw, ck.ranges)
    except (ReadError, TypeError, ValueError):
        return None
    return surf if surf != 0 else None


def _residual(ck: EquationChecker, surface: sp.Expr | None,
              grounded_residual: sp.Expr | None) -> tuple[str | None, str | None]:
    """lhs − rhs as LaTeX and text, in the document's names where possible: the surface
    form when there is one, else the grounded residual folded back."""
    if surface is None:
        if grounded_residual is None:
            return None, None
        surface = _fold_back(ck, grounded_residual)
    r = printing.tidy(surface)
    return printing.latex(r), printing.text(r)


def _fold_back(ck: EquationChecker, residual: sp.Expr) -> sp.Expr:
    """Write a grounded residual with the document's names: (Σ t − 1)·y_i, not …e^{z_i}/Σ…"""
    best = residual
    for name in ck.env.order:
        d = ck.env.definitions[name]
        if d.kind != "family" or len(d.params) != 1:
            continue
        for s in sorted(ck.ranges, key=lambda x: x.name):
            try:
                body = canonical(ck.ground.instantiate(d, [s], frozenset()))
                q = sp.cancel(sp.together(canonical(best / body)))
            except (ReadError, TypeError, ValueError, ZeroDivisionError):
                continue
            if sp.count_ops(q) + 1 < sp.count_ops(best):
                best = q * ck.symbols.family(name)[s]
    return best


def _check_chain(ck, eq, grounded, offset=0, links=()) -> Chain:
    n = len(eq.reading.sides) - 1
    d = ck.decide(_grounded(ck, eq, grounded, 0), _grounded(ck, eq, grounded, n),
                  f"{eq.index}.chain", (eq.reading.sides[0], eq.reading.sides[n]))
    conditional = [lk for lk in links if lk.verdict is Verdict.CONDITIONAL]
    if d.verdict is Verdict.PROVED and conditional:
        # a chain is never stronger than its weakest link: what a link needs, it needs
        needs = list(d.needs)
        for lk in conditional:
            needs.extend(a for a in lk.needs if a.latex not in {b.latex for b in needs})
        d = replace(d, verdict=Verdict.CONDITIONAL, needs=tuple(needs),
                    reason="the first and last sides agree, but a link between them holds "
                           "only under an assumption")
    residual = residual_t = None
    if d.verdict is not Verdict.PROVED:
        surface = _surface_residual(ck, eq.reading.sides[0], eq.reading.sides[n])
        parts = [ck.link_residuals.get(p) for p in range(n)]
        if surface is None and all(r is not None for r in parts):
            # lhs − rhs of the chain is the sum of its links' (a link proved without an
            # assumption adds zero): in the document's names even where the chain's own
            # surface keeps a derivative (∂C/∂z_i), and cheaper than folding back
            try:
                total = reduce(sp.Add(*parts), ck.ranges)
            except (TypeError, ValueError):
                total = sp.Integer(0)
            surface = total if total != 0 else None
        residual, residual_t = _residual(ck, surface, d.residual)
    return Chain(d.verdict, eq.side_latex[offset], eq.side_latex[-1], d.method, d.needs,
                 d.counterexample, residual, to_text(eq.sides[offset]), to_text(eq.sides[-1]),
                 residual_t, d.reason)


def summarise(equations: list[Equation], source_errors: int = 0) -> tuple[str, ...]:
    out = []
    ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
    for e in equations:
        if e.kind == "error":
            continue
        bad = [link for link in e.links if link.verdict is Verdict.REFUTED]
        if e.chain is not None and e.chain.verdict is not Verdict.REFUTED:
            lhs, rhs = e.chain.lhs_text, e.chain.rhs_text
            if e.chain.verdict is Verdict.PROVED and not bad:
                pass
            elif e.chain.verdict is Verdict.PROVED:
                out.append(f"{lhs} = {rhs} holds, although some steps of equation {e.index} "
                           "do not")
            elif e.chain.verdict is Verdict.CONDITIONAL:
                conds = " and ".join(
                    f"{a.text} ({'stated' if a.stated else 'not stated'})" for a in e.chain.needs)
                out.append(f"{lhs} = {rhs} holds if {conds}")
            else:
                out.append(f"{lhs} = {rhs} is not decided")
        elif e.chain is not None:
            out.append(f"{e.chain.lhs_text} = {e.chain.rhs_text} is false")
        if bad:
            where = ", ".join(f"its {ordinal.get(b.position, str(b.position) + 'th')} `=` "
                              f"(link {e.index}.{b.position})" for b in bad)
            out.append(f"equation {e.index} as published has an error at {where}")
        for link in e.links:
            if link.verdict is Verdict.CONDITIONAL:
                conds = " and ".join(f"{a.text}" + ("" if a.stated else " (not stated)")
                                     for a in link.needs)
                out.append(f"link {e.index}.{link.position} holds only if {conds}")
            if link.verdict is Verdict.UNKNOWN:
                out.append(f"link {e.index}.{link.position} is undecided: {link.reason}")
    errors = sum(e.kind == "error" for e in equations)
    total = sum(len(e.links) for e in equations)
    if errors:
        out.append(f"{errors} equation{'s' if errors > 1 else ''} could not be read")
    elif source_errors:
        out.append("the document could not be checked (see the errors)")
    elif not out and total:
        out.append(f"every step holds ({total} links proved for every size)")
    elif not out:
        out.append("nothing to check: no claims")  # (a note says why when there is no math)
    return tuple(out)


def check_document(doc: Document, *, seed: int = 0, timeout: float | None = 20.0,
                   jobs: int | str = 1) -> Report:
    """Check every equation of a read document and build its report.

    ``jobs`` worker processes share the equations out (``"auto"``: one per few links, at
    most the usable CPUs); the report is the same for every ``jobs``.
    """
    t0 = time.perf_counter()
    symbols = Symbols.for_document(doc)
    contradiction = _contradiction(doc, symbols)
    if contradiction is not None:
        # anything follows from contradictory assumptions: check nothing, refuse the document
        errors = (*doc.errors, contradiction)
        return Report(doc.source, (), doc.title, seed, summarise([], len(errors)), (),
                      (), ENGINE, time.perf_counter() - t0, errors)
    if jobs == "auto":
        from derive.app.parallel import auto_jobs

        jobs = auto_jobs(doc)
    if jobs > 1:
        from derive.app.parallel import map_equations

        equations = map_equations(doc, seed, timeout, jobs, symbols)
    else:
        equations = [check_equation(doc, eq, symbols, seed, timeout) for eq in doc.equations]
    notes = tuple(n for e in equations for n in e.notes)
    assumptions = tuple(Assumption(latex, f"{to_text(a)} = {to_text(b)}", True)
                        for (a, b), latex, _ in doc.assumptions)
    errors = list(doc.errors)
    if not doc.equations and not errors:  # prose only (a README in a docs folder): not an error
        notes = (*notes, "no display equations found ($$…$$, \\[…\\], equation or align): "
                         "nothing to check")
    return Report(doc.source, tuple(equations), doc.title, seed,
                  summarise(equations, len(errors)), notes,
                  assumptions, ENGINE, time.perf_counter() - t0, tuple(errors))

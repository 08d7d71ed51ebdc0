"""Deciding one equation's links: the decision procedure.

Owns :class:`EquationChecker`: it grounds the sides of one claim equation, asks the
normaliser for a symbolic proof (for all sizes), then tries the assumption catalogue
(:mod:`derive.engine.assumptions`: a declared assumption, Σ_k t_k = 1, a case
condition, …), and only then asks numbers for a counterexample (:mod:`derive.engine.numeric`),
which is confirmed at a second precision before it is reported. A proof is reported only
if the independent evaluator :mod:`derive.engine.oracle` agrees (the veto), with the
declared facts about names it relied on. Also owns the time limit on a link
(:func:`time_limit`) and the classification of the exceptions raised while checking
(:func:`failure`: a bug in derive, or the engine failing on this input).
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property

import sympy as sp

import derive
from derive import rules as R
from derive.engine import numeric, printing
from derive.engine.assumptions import AT_LEAST_TWO, CATALOGUE, Attempt, Decision, RangedZero
from derive.engine.domain import divisor, log_argument, restricted_parts
from derive.engine.labels import label_ties
from derive.engine.normal import canonical, is_positive, nonzero_offset, zero_or_residual
from derive.engine.sizes import tied_sizes
from derive.engine.standins import REFUTED_FOR_EVERY_FUNCTION as REFUTED_ALL
from derive.engine.standins import stand_in_finding
from derive.engine.translate import Symbols, Translator, pyname
from derive.reading.document import Document, ReadEquation
from derive.reading.scope import ReadError, Reading, family_ranges
from derive.reading.syntax import SAMPLE, Node, Sym, to_text, walk
from derive.report.model import Assumption, Counterexample, Verdict

__all__ = ["ENGINE_FAILURES", "VETO_POINTS", "Decision", "EquationChecker", "TimeLimit",
           "failure", "time_limit"]

VETO_POINTS = 6  # points at which the independent evaluator re-checks each proof
MAX_SHOWN_ENTRIES = 12  # entries of a matrix family listed in a counterexample
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



class EquationChecker:
    """Everything needed to decide the links of one claim equation."""

    def __init__(self, doc: Document, eq: ReadEquation, symbols: Symbols, seed: int):
        self.doc, self.eq, self.symbols, self.seed = doc, eq, symbols, seed
        self.side_uses: dict[int, frozenset] = {}  # side → definitions grounded through
        reading = eq.reading
        assert reading is not None, "only an equation that was read is checked"
        self.reading: Reading = reading  # the equation's resolved sides, ranges and cases
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

    # -- the document's declared assumptions, grounded
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
        if isinstance(e, RangedZero):  # an expression with a range of its own (one-hot class)
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

        v = oracle.judge(written[0], written[1], self.reading,
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
        from derive.reading.conditions import name_fact

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
        """A proof, else the first assumption of the catalogue under which the link holds
        (or that refutes it), else what numbers find."""
        diff = lhs - rhs
        proved, residual = self._zero_or_residual(diff)
        t = Attempt(self, lhs, rhs, label, written, diff, proved, residual)
        for strategy in CATALOGUE:
            d = strategy.try_(self, t)
            if d is not None:
                return d
        return self._by_numbers(t)

    def _by_numbers(self, t: Attempt) -> Decision:
        """No proof under any assumption: refuted where numbers find the sides apart (a
        counterexample with the targets one-hot or on the simplex first), else unknown."""
        lhs, rhs, label, diff, residual = t.lhs, t.rhs, t.label, t.diff, t.residual
        found = self._search(lhs, rhs, label)
        note = None
        hits = [f for f in found.values() if f is not None]
        if hits and all(min(f.point.sizes.values(), default=2) == 1 for f in hits):
            # false only at K = 1 (searched last): say when it holds; K = 1 is a size too
            note = AT_LEAST_TWO.note(self, diff)
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
        f = stand_in_finding(self, lhs, rhs, label)  # unknown functions: see standins
        if f is not None and not f.given:  # refuted as written, the functions named
            return Decision(Verdict.REFUTED, "numeric", (), f.refutation, residual,
                            reason=REFUTED_ALL)
        if f is not None:
            cx = f.counterexample
            at = f" at {cx.text}" if cx is not None and cx.text else ""
            return Decision(Verdict.UNKNOWN, "numeric", residual=residual, reason=(
                f"not true for every function: with {f.chosen} the sides differ{at} "
                f"({_short(f.hit.lhs)} against {_short(f.hit.rhs)}); but {', '.join(f.given)} "
                "may not be arbitrary (defined elsewhere, probability notation, a value "
                "the document states, or a known function's name): define the functions "
                "in the document to have it judged"))
        sizes = ", ".join(str(n) for n in sorted(numeric.SIZES + numeric.EXTRA_SIZES))
        reason = f"no symbolic proof, and no counterexample at K = {sizes}"
        skipped = self._skipped.get(label, [])
        if None not in skipped:  # not one point could be evaluated: say why
            why = next((s for s in skipped if s), None) or (
                f"a range of more than {numeric.MAX_RANGE:,} terms (a size limit)")
            reason = f"no symbolic proof, and numbers could not evaluate it: {why}"
        return Decision(Verdict.UNKNOWN, "none", residual=residual, reason=reason)

    # -- what the strategies of the catalogue ask of the checker
    def _stated(self, a: Assumption) -> bool:
        from derive.reading.conditions import condition_key

        return condition_key(a.latex) in {condition_key(c) for c in self.doc.conditions}

    @staticmethod
    def _as_stated(a: Assumption) -> Assumption:
        return Assumption(a.latex, a.text, stated=True)

    def _nonzero_denominators(self, lhs: Node, rhs: Node,
                              ground: Translator | None = None) -> Assumption | None:
        """a b / b = a holds only where b ≠ 0: a divisor that one side has and the other has
        not, and that is not known to be non-zero (exponentials, sums of them, sizes and
        positive names are)."""
        return self._one_sided(lhs, rhs, divisor, _nonzero_parts, ("\\neq 0", "≠ 0"), ground)

    def _positive_arguments(self, lhs: Node, rhs: Node) -> Assumption | None:
        """e^{\\log x} = x holds only where x > 0: the argument of a log (or a square root)
        that one side has and the other has not, and that is not known to be positive."""
        return self._one_sided(lhs, rhs, log_argument, _positive_parts, ("> 0", "> 0"))

    def _restricted(self, side: Node, pick, required, ground: Translator | None = None) -> set:
        """The grounded parts of ``side`` that ``pick`` finds (divisors, log arguments) and
        ``required`` keeps (those not known to be non-zero, or positive)."""
        memo = self.symbols.memo
        symbols = ground.symbols if ground is not None else self.symbols
        out: set = set()
        for part, d in restricted_parts(side, self.env, pick):
            key = ("restricted", pick.__name__, required.__name__, id(self.env),
                   ground is None, id(d), R.key(part))
            if key not in memo:
                try:
                    if d is None:
                        g = (ground or self.ground)(part)
                    else:  # a part inside a definition's body, read in its scope
                        g = _ground_in_definition(d, part, symbols)
                    memo[key] = required(canonical(g))
                except (ReadError, *ENGINE_FAILURES):
                    memo[key] = set()
            out |= memo[key]
        return out

    def _same_domain(self, lhs: Node, rhs: Node) -> bool:
        """Do both sides need the same of their variables, once each need is reduced (σ² > 0,
        |σ| ≠ 0 and 1/|σ| > 0 all say σ ≠ 0)? Then neither side is defined where the other
        is not, and a proof of lhs = rhs needs no assumption."""
        def needs(side: Node) -> set | None:
            out: set = set()
            for b in self._restricted(side, divisor, _nonzero_parts):
                out |= _reduced_nonzero(b)
            for a in self._restricted(side, log_argument, _positive_parts):
                reduced = _reduced_positive(a)
                if reduced is None:
                    return None
                out |= reduced
            return out

        left, right = needs(lhs), needs(rhs)
        return left is not None and left == right

    def _one_sided(self, lhs: Node, rhs: Node, pick, required, relation: tuple[str, str],
                   ground: Translator | None = None) -> Assumption | None:
        """What one side of a link requires of a part (``pick``: a divisor, a log's argument)
        that the other side has not: the grounded parts ``required`` keeps, as an assumption
        ``part relation``; None where both sides restrict alike."""

        def parts(side: Node) -> set:
            return self._restricted(side, pick, required, ground)

        def written(side: Node) -> set:
            return {(id(d), R.key(p)) for p, d in restricted_parts(side, self.env, pick)}

        if written(lhs) == written(rhs):
            return None  # the same parts written, so the same grounded ones: none one-sided
        one_sided = parts(lhs) ^ parts(rhs)
        if not one_sided:
            return None
        items = sorted(one_sided, key=sp.default_sort_key)
        latex = ", ".join(f"{printing.latex(b)} {relation[0]}" for b in items)
        text = ", ".join(f"{printing.text(b)} {relation[1]}" for b in items)
        return Assumption(latex, text)

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
        fam = family_ranges(self.env, list(self.reading.sides))
        out = {}
        for name, (lo, hi) in fam.items():
            if name in self.env.definitions or "@" in name:  # W@0: an axis of a matrix
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

        for side in self.reading.sides:
            for n in walk(side):
                if isinstance(n, Deriv):
                    for v in n.wrt:
                        if v.sub:
                            wrt.add(v.name)
        # a family of two indices or more (a matrix W_{ij}, samples x_{na}) is no target:
        # "one-hot" and "on the simplex" are said of a vector t_k
        # (nor are samples x^{(i)} and a set's elements X^{(k)}: data points, not a vector)
        many = self._family_names(2)
        return frozenset(self.symbols.family(name) for name in self._family_names()
                         if name not in wrt and name not in many and not name.endswith(SAMPLE))

    def _family_names(self, least: int = 1):
        names = set()
        trees = list(self.reading.sides) + [d.body for d in self.env.definitions.values()]
        for t in trees:
            for n in walk(t):
                if isinstance(n, Sym) and len(n.sub) >= least and \
                        n.name not in self.env.definitions:
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
                                  tuple((a, b) for a, b, _, _ in self.declared),
                                  tuple(sorted({i.base for i in expr.atoms(sp.Indexed)
                                                if len(i.indices) > 1},
                                               key=lambda b: str(b.label))),
                                  label_ties(self.symbols, expr.free_symbols),
                                  tied_sizes(self.doc, self.symbols))
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
            if isinstance(vals, numeric.Table):  # W_{ij}: the entries a side read
                for ints in sorted(touched.get(base, ()))[:MAX_SHOWN_ENTRIES]:
                    where = ",".join(str(k) for k in ints)
                    values[f"{printing.shown_key(str(base.label))}_{{{where}}}"] = \
                        numeric.plain(vals.at(ints))
                continue
            lo, hi = fams.get(base, (sp.Integer(1), None))
            a = int(lo.xreplace(p.sizes)) if lo is not None else 1
            b = int(hi.xreplace(p.sizes)) if hi is not None else max(p.sizes.values(), default=2)
            used = touched.get(base, ())
            if not used and base not in touched and touched:
                continue  # neither side reads this family at this point
            # every value a side read is listed (z_3 too when the range says 1..2)
            a, b = min([a, *used]), max([b, *used])
            label = printing.shown_key(str(base.label))
            values[label] = [numeric.plain(v) for v in vals[max(a, 1):b + 1]]
            if a < 1:  # x_0 read (x_0 + ⋯ + x_{K-1}): the 1-based list cannot hold it
                values[f"{label}_0"] = numeric.plain(vals[0])
        for s, v in sorted(p.scalars.items(), key=lambda kv: kv[0].name):
            values[printing.shown_key(str(s))] = numeric.plain(v)
        # the target family only matters where the point has target values
        mode = p.mode if any(b in self._targets and not isinstance(v, numeric.Table)
                             for b, v in p.families.items()) else "free"
        return Counterexample(size, idx, values, numeric.as_float(found.lhs),
                              numeric.as_float(found.rhs), mode)


def _nonzero_parts(den_g: sp.Expr) -> set:
    """The factors of a divisor not known to be non-zero (b for b², never e^{u})."""
    out = set()
    for f in sp.Mul.make_args(den_g):
        base = f.base if f.is_Pow and f.exp.is_positive else f
        if base.free_symbols and not is_positive(base) and base.is_nonzero is not True:
            out.add(base)
    return out


def _positive_parts(arg_g: sp.Expr) -> set:
    """A log's (or root's) argument, unless it is known to be positive."""
    if not arg_g.free_symbols or is_positive(arg_g) or is_positive(
            sp.cancel(sp.together(arg_g))):
        return set()
    return {arg_g}


def _reduced_nonzero(b: sp.Expr) -> set:
    """b ≠ 0 as conditions on simpler quantities: |x| ≠ 0 and x^k ≠ 0 (k > 0) say x ≠ 0."""
    while True:
        if isinstance(b, sp.Abs):
            b = b.args[0]
        elif b.is_Pow and b.exp.is_positive:
            b = b.base
        else:
            return {("≠ 0", b)}


def _reduced_positive(a: sp.Expr) -> set | None:
    """a > 0 as x ≠ 0 conditions, where a is a positive constant times even powers and
    absolute values (and their reciprocals) of real x; None where it is not of that form."""
    out: set = set()
    for f in sp.Mul.make_args(a):
        if is_positive(f):
            continue
        base, exp = (f.base, f.exp) if f.is_Pow else (f, sp.Integer(1))
        if isinstance(base, sp.Abs) and exp.is_real and base.args[0].is_real:
            out |= _reduced_nonzero(base.args[0])
        elif exp.is_even and base.is_real:
            out |= _reduced_nonzero(base)
        else:
            return None
    return out


def _short(value) -> str:
    v = numeric.as_float(value)
    return f"{v:.6g}" if isinstance(v, float) else str(v)


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
    from derive.reading.conditions import condition_key

    text = condition_key(latex)
    return text.replace("≠", " ≠ ").replace("≥", " ≥ ").replace(">", " > ").replace("  ", " ")


def _mix(seed: int, label: str) -> int:
    h = seed
    for ch in label:
        h = (h * 1_000_003 + ord(ch)) % (2 ** 61 - 1)
    return h

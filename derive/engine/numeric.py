"""Numeric falsification: evaluate both sides at concrete sizes and points, in mpmath.

Owns the search for counterexamples and the classification of an unproved link by
target family. Numbers refute (with a point confirmed at a second, higher precision)
or classify; they never prove. The evaluator walks the grounded sympy tree itself
with memoisation keyed on the free indices of each sub-expression, so a loop-invariant
sum such as Σ_j e^{z_j} is computed once per point, not once per outer term, and
nothing is compiled per point.

Points are reproducible: a seeded :class:`random.Random`, small rational inputs, and
the simplest points first (K = 2, z = 0, one-hot targets), so that a counterexample is
as easy to check by hand as possible.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from typing import TypeAlias

import mpmath
import sympy as sp

from derive.records import frozen

SIZES = (2, 3, 4, 5, 6)
#: searched after SIZES, with fewer points: a link false only for large sizes (a range such as
#: 7..13 − K, empty from K = 7) or only for K = 1 (searched last, so that a link that holds
#: from K = 2 on is seen to fail only there)
EXTRA_SIZES = (8, 12, 1)
EXTRA_PER_SIZE = 2
#: with several sizes, also searched with neighbouring sizes unequal (n = 2, m = 3; …)
STAGGERED_SIZES = (2, 3, 1)
MAX_RANGE = 10_000  # a family or sum over more indices than this is not evaluated
FAMILY_MODES = ("one-hot", "simplex", "free")
LOW_DPS, HIGH_DPS = 30, 60
REL_TOL = mpmath.mpf(10) ** -20


class CannotEvaluate(Exception):
    pass


@frozen
class Point:
    sizes: dict  # size Symbol -> int
    indices: dict  # index Symbol -> int
    families: dict  # IndexedBase -> list of Fraction (1-based: element 0 unused), or a Table
    scalars: dict  # Symbol -> Fraction
    mode: str


class Table:
    """The values of a family of several indices (W_{ij}): drawn on demand, one seeded draw
    per entry, so every entry is independent of the others and the same at both precisions."""

    def __init__(self, seed: str, simple: bool):
        self.seed = seed
        self.simple = simple
        self.drawn: dict[tuple[int, ...], Fraction] = {}

    def at(self, ints: tuple[int, ...]) -> Fraction:
        v = self.drawn.get(ints)
        if v is None:
            v = Fraction(0) if self.simple else _rational(random.Random(f"{self.seed}:{ints}"),
                                                           -2, 2)
            self.drawn[ints] = v
        return v


class Evaluator:
    def __init__(self, point: Point, dps: int):
        self.point = point
        self.dps = dps
        self.memo: dict = {}
        self.env: dict = {**point.sizes, **point.indices}
        self.fam = {b: vals if isinstance(vals, Table) else
                    [mpmath.mpf(v.numerator) / v.denominator for v in vals]
                    for b, vals in point.families.items()}
        self.scal = {s: mpmath.mpf(v.numerator) / v.denominator for s, v in point.scalars.items()}
        self.peak = mpmath.mpf(0)  # the largest term added anywhere (cancellation's scale)
        self.touched: dict = {}  # IndexedBase -> the indices whose values were read

    def int_of(self, e) -> int:
        v = self.ev(e)
        if isinstance(v, int):
            return v
        if isinstance(v, mpmath.mpf) and v == int(v):
            return int(v)
        raise CannotEvaluate(f"non-integer index {e}")

    def ev(self, e):  # noqa: C901 - one case per sympy node type
        if e.is_Integer:
            return int(e)
        if e.is_Rational:
            return mpmath.mpf(e.p) / e.q
        if e.is_Float:
            return mpmath.mpf(str(e))
        if e is sp.E:
            return mpmath.e
        if e is sp.pi:
            return mpmath.pi
        if e.is_Symbol:
            if e in self.env:
                return self.env[e]
            if e in self.scal:
                return self.scal[e]
            raise CannotEvaluate(f"no value for {e}")
        if isinstance(e, sp.Indexed):
            vals = self.fam.get(e.base)
            if vals is None:
                raise CannotEvaluate(f"no values for {e.base}")
            if isinstance(vals, Table) and len(e.indices) > 1:
                ints = tuple(self.int_of(i) for i in e.indices)
                if min(ints) < 0:
                    raise CannotEvaluate(f"index out of range in {e}")
                self.touched.setdefault(e.base, set()).add(ints)
                v = vals.at(ints)
                return mpmath.mpf(v.numerator) / v.denominator
            if isinstance(vals, Table) or len(e.indices) != 1:
                raise CannotEvaluate(f"index out of range in {e}")
            k = self.int_of(e.indices[0])
            if not 0 <= k < len(vals):
                raise CannotEvaluate(f"index out of range in {e}")
            self.touched.setdefault(e.base, set()).add(k)
            return vals[k]
        if e.is_Add:
            terms = [self.ev(a) for a in e.args]
            self._note(terms)
            return sum(terms, mpmath.mpf(0))
        if e.is_Mul:
            out = mpmath.mpf(1)
            for a in e.args:
                out *= self.ev(a)
            return out
        if e.is_Pow:
            b, x = self.ev(e.base), self.ev(e.exp)
            if b == 0 and (x < 0 if not isinstance(x, mpmath.mpc) else True):
                raise CannotEvaluate("division by zero")
            if not isinstance(b, mpmath.mpc) and b < 0 and not (isinstance(x, int) or (
                    isinstance(x, mpmath.mpf) and x == int(x))):
                raise CannotEvaluate("a fractional power of a negative number")
            return mpmath.power(b, x)
        if isinstance(e, sp.exp):
            return mpmath.exp(self.ev(e.args[0]))
        if isinstance(e, sp.log):
            x = self.ev(e.args[0])
            if isinstance(x, mpmath.mpc) or x <= 0:
                # outside the real domain: such a point says nothing about the identity
                raise CannotEvaluate("log of a non-positive number")
            return mpmath.log(x)
        if isinstance(e, sp.KroneckerDelta):
            return 1 if self.int_of(e.args[0]) == self.int_of(e.args[1]) else 0
        if isinstance(e, (sp.Sum, sp.Product)):
            return self.bigop(e)
        if isinstance(e, sp.Abs):
            return abs(self.ev(e.args[0]))
        if isinstance(e, (sp.Max, sp.Min)):  # \max(x, y), built in
            values = [self.ev(a) for a in e.args]
            if any(isinstance(v, mpmath.mpc) for v in values):
                raise CannotEvaluate("a maximum of complex numbers")
            return max(values) if isinstance(e, sp.Max) else min(values)
        if isinstance(e, sp.Heaviside):  # the derivative of max(x, y): none where x = y
            x = self.ev(e.args[0])  # (a written 1(u ≥ v) and the derivative of max are both
            if isinstance(x, mpmath.mpc) or x == 0:  # steps: at the jump, neither is told)
                raise CannotEvaluate("a step at its jump (max or min where arguments tie)")
            return 1 if x > 0 else 0
        if isinstance(e, (sp.sin, sp.cos, sp.tanh, sp.tan, sp.sinh, sp.cosh)):
            f = getattr(mpmath, type(e).__name__)
            return f(self.ev(e.args[0]))
        raise CannotEvaluate(f"cannot evaluate {type(e).__name__}")

    def _note(self, terms) -> None:
        for t in terms:
            if not isinstance(t, int):
                t = abs(t)
                if isinstance(t, mpmath.mpf) and t > self.peak:
                    self.peak = t

    def bigop(self, e):
        free = tuple(s for s in _free_ints(e) if s in self.env)
        key = (e, tuple(self.env[s] for s in free))
        if key in self.memo:
            return self.memo[key]
        # sympy merges Σ_k Σ_j f into one Sum whose limits are innermost first
        total = self._over(e, tuple(reversed(e.limits)))
        self.memo[key] = total
        return total

    def _over(self, e, limits):
        """The sum (or product) of e's body over ``limits``, outermost first; an empty
        range gives 0 (or 1), never sympy's Karr convention."""
        if not limits:
            return self.ev(e.function)
        (v, lo, hi), rest = limits[0], limits[1:]
        a, b = self.int_of(lo), self.int_of(hi)
        if b - a > MAX_RANGE:
            raise CannotEvaluate(f"a range of more than {MAX_RANGE:,} terms (a size limit)")
        is_sum = isinstance(e, sp.Sum)
        saved = self.env.get(v)
        total = mpmath.mpf(0) if is_sum else mpmath.mpf(1)
        try:
            for n in range(a, b + 1):
                self.env[v] = n
                x = self._over(e, rest)
                if is_sum:
                    self._note((x,))
                    total = total + x
                else:
                    total = total * x
        finally:
            if saved is None:
                self.env.pop(v, None)
            else:
                self.env[v] = saved
        return total


_FREE_CACHE: dict = {}


def _free_ints(e) -> tuple:
    r = _FREE_CACHE.get(e)
    if r is None:
        if len(_FREE_CACHE) > 20_000:  # keyed by value, so always correct; only bounded
            _FREE_CACHE.clear()
        r = tuple(sorted((s for s in e.free_symbols if s.is_Symbol and s.is_integer),
                         key=lambda s: s.name))
        _FREE_CACHE[e] = r
    return r


def evaluate(e, point: Point, dps: int):
    with mpmath.workdps(dps):
        return Evaluator(point, dps).ev(e)


# what a side evaluates to: an exact int (a size, an index) or an mpmath number
Number: TypeAlias = "int | mpmath.mpf"


@frozen
class Values:
    """Both sides of a link at one point, with what the evaluation saw."""

    lhs: Number
    rhs: Number
    peak: mpmath.mpf  # the largest term met while evaluating either side
    touched: dict  # IndexedBase -> indices read


def evaluate_pair(lhs, rhs, point: Point, dps: int) -> Values:
    with mpmath.workdps(dps):
        ev = Evaluator(point, dps)
        a = ev.ev(lhs)
        b = ev.ev(rhs)
        return Values(a, b, ev.peak, ev.touched)


def _differs(v: Values) -> bool:
    """Clearly different, relative to the sides and to the largest term added on the way:
    e^{200}·(sin² + cos²) − e^{200} leaves a difference of 10^{57} at 30 digits, which is
    rounding, not mathematics."""
    a, b = v.lhs, v.rhs
    scale = 1 + abs(a) + abs(b) + v.peak
    return abs(a - b) > REL_TOL * scale


def _stays(low: Values, high: Values) -> bool:
    """The difference found at the lower precision is the one found at the higher."""
    d_low, d_high = low.lhs - low.rhs, high.lhs - high.rhs
    return abs(d_low - d_high) <= mpmath.mpf(10) ** -10 * abs(d_high)


@frozen
class Found:
    point: Point
    lhs: Number
    rhs: Number
    touched: dict | None = None  # IndexedBase -> indices read


@frozen
class Problem:
    """What a link needs to be evaluated: its sides and the symbols they mention."""

    lhs: sp.Expr
    rhs: sp.Expr
    sizes: tuple  # size Symbols
    indices: dict  # free index Symbol -> (lo, hi) sympy exprs (may be None)
    families: dict  # IndexedBase -> (lo, hi) or None
    scalars: tuple  # real Symbols
    constraints: tuple  # (a, b, equal) index constraints from case subscripts
    targets: tuple = ()  # families to which the target modes apply
    requirements: tuple = ()  # (lhs, rhs) declared assumptions every point must satisfy
    tables: tuple = ()  # families written with several indices (W_{ij}): Table values
    labels: tuple = ()  # (y_i, y, i): class labels, one value where their samples agree
    tied: tuple = ()  # (|z|_2, K): sizes the document writes as one (engine.sizes)


def _rational(rng: random.Random, lo: int, hi: int, den: int = 4) -> Fraction:
    return Fraction(rng.randint(lo * den, hi * den), den)


def _points(problem: Problem, seed: int, mode: str, per_size: int):
    rng = random.Random(f"{seed}:{mode}")
    schedule = [(size, per_size, 0) for size in SIZES] + [
        (size, min(per_size, EXTRA_PER_SIZE), 0) for size in EXTRA_SIZES]
    if len(problem.sizes) > 1:  # n ≠ m too: a link may hold only where two sizes agree
        schedule += [(size, min(per_size, EXTRA_PER_SIZE), parity) for size in STAGGERED_SIZES
                     for parity in (1, 2)]
    for size, count, staggered in schedule:
        # staggered 1: every other size one larger, from the first; 2: from the second
        sizes = {s: size + ((k + staggered) % 2 if staggered else 0)
                 for k, s in enumerate(problem.sizes)}
        for invented, written in problem.tied:
            if invented in sizes and written in sizes:
                sizes[invented] = sizes[written]
        idx_choices: list[list[tuple[sp.Symbol, int]]] | None  # None: a range too wide
        idx_choices = []
        for sym, rngs in problem.indices.items():
            lo, hi = _bounds(rngs, sizes, size)
            if hi - lo > MAX_RANGE:
                idx_choices = None
                break
            idx_choices.append([(sym, v) for v in range(lo, hi + 1)])
        if idx_choices is None:
            continue
        combos = [dict(c) for c in itertools.product(*idx_choices)] if idx_choices else [{}]
        combos = [c for c in combos if _satisfies(c, problem.constraints) and
                  _labels_agree(c, problem.labels)]
        if not combos:
            continue
        spans = {base: _bounds(rngs, sizes, size) for base, rngs in problem.families.items()}
        if any(hi - lo > MAX_RANGE or hi > MAX_RANGE for lo, hi in spans.values()):
            continue  # a concrete range too large to hold values for (Σ_{k=1}^{10^9})
        # the simplest assignment first, then one with as many distinct indices as the
        # ranges allow (coinciding and distinct indices are both tried), then at random
        distinct = max(combos, key=lambda c: len(set(c.values())))
        for n in range(count):
            indices = combos[0] if n == 0 else distinct if n == 1 else rng.choice(combos)
            fams: dict[sp.IndexedBase, list[Fraction] | Table] = {}
            for base in problem.families:
                if base in problem.tables:  # independent entries, free values
                    fams[base] = Table(f"{seed}:{mode}:{size}:{n}:{base}", simple=(n == 0))
                    continue
                lo, hi = spans[base]
                length = max(hi, size) + 3
                is_target = base in problem.targets
                fams[base] = _family_values(rng, length, lo, hi, mode if is_target else "free",
                                            simple=(n == 0), logit=not is_target)
            # scalars: 1/2 first, then alternately negative and positive values
            scalars = {s: (Fraction(1, 2) if n == 0 else _rational(rng, -3, -1) if n % 2 else
                           _rational(rng, 1, 3)) for s in problem.scalars}
            yield Point(sizes, indices, fams, scalars, mode)


def _bounds(rngs, sizes: dict, size: int) -> tuple[int, int]:
    if rngs is None:
        return 1, size
    lo, hi = rngs
    try:
        return int(lo.xreplace(sizes)), int(hi.xreplace(sizes))
    except (TypeError, ValueError):
        return 1, size


def _labels_agree(assign: dict, labels) -> bool:
    """y_i = y_j wherever i = j: a label is a function of its sample (letters not in the
    point are free)."""
    seen: dict = {}
    for label, base, sample in labels:
        if label in assign and sample in assign:
            if seen.setdefault((base, assign[sample]), assign[label]) != assign[label]:
                return False
    return True


def _satisfies(assign: dict, constraints) -> bool:
    for a, b, equal in constraints:
        va = assign.get(a, a) if not isinstance(a, int) else a
        vb = assign.get(b, b) if not isinstance(b, int) else b
        if isinstance(va, int) and isinstance(vb, int) and (va == vb) != equal:
            return False
    return True


def _family_values(rng: random.Random, length: int, lo: int, hi: int, mode: str, simple: bool,
                   logit: bool) -> list[Fraction]:
    vals = [Fraction(0)] * length
    span = range(max(lo, 0), hi + 1)
    if not span and mode != "free":
        return vals  # an empty range: nothing to make one-hot or to normalise
    if mode == "one-hot":
        hot = lo if simple else rng.choice(list(span))
        for k in span:
            vals[k] = Fraction(int(k == hot))
    elif mode == "simplex":
        raw = [Fraction(rng.randint(1, 8)) for _ in span]
        total = sum(raw)
        for k, r in zip(span, raw):
            vals[k] = r / total  # exact rationals: no rounding before mpmath sees them
    else:
        for k in range(length):
            if simple and logit:
                vals[k] = Fraction(0)
            elif logit:
                vals[k] = _rational(rng, -2, 2)
            else:
                vals[k] = Fraction(rng.randint(1, 12), 4)
    return vals


def search(problem: Problem, seed: int, modes=FAMILY_MODES, per_size: int = 4,
           first_only: bool = False, skipped: list | None = None) -> dict:
    """Look for counterexamples in each target mode; returns mode -> Found (confirmed) or None.

    A candidate point is kept only if the two sides still differ when evaluated again at
    a second, higher precision. ``first_only`` tries just the first point of each mode
    (the one a full search tries first).
    """
    result: dict = {}
    for mode in modes:
        result[mode] = None
        points = _points(problem, seed, mode, per_size)
        for point in itertools.islice(points, 1) if first_only else points:
            try:
                low = evaluate_pair(problem.lhs, problem.rhs, point, LOW_DPS)
            except (CannotEvaluate, ZeroDivisionError, ValueError, OverflowError) as exc:
                if skipped is not None:
                    skipped.append(str(exc) or type(exc).__name__)
                continue
            if skipped is not None:
                skipped.append(None)  # a point evaluated
            if not _differs(low):
                continue
            try:
                high = evaluate_pair(problem.lhs, problem.rhs, point, HIGH_DPS)
                if not _allowed(problem, point):
                    continue
            except (CannotEvaluate, ZeroDivisionError, ValueError, OverflowError):
                continue
            if _differs(high) and _stays(low, high):
                result[mode] = Found(point, high.lhs, high.rhs, high.touched)
                break
    return result


def _allowed(problem: Problem, point: Point) -> bool:
    """Does the point satisfy every assumption the document declares?"""
    for a, b in problem.requirements:
        try:
            values = evaluate_pair(a, b, point, HIGH_DPS)
        except CannotEvaluate:
            continue  # about names this point gives no values to: nothing to satisfy
        if _differs(values):
            return False
    return True


def as_float(x) -> float | list:
    if isinstance(x, mpmath.mpc):
        return [float(x.real), float(x.imag)]
    return float(x)


def plain(v: Fraction):
    """A value as JSON shows it best: an int, an exact short decimal, or 'p/q'."""
    if v.denominator == 1:
        return int(v)
    return float(v) if v.denominator in (2, 4, 5, 8, 10) else str(v)

"""An independent evaluator of surface trees: the oracle that can veto a proof.

Owns the direct evaluation of a *resolved* surface tree (:mod:`derive.reading.syntax` nodes, as in
``Reading.sides`` and ``Definition.body``) in real arithmetic at a concrete point, the
choice of those points, and the comparison of the two sides of a link (:func:`judge`).

It shares no code with translation, normalisation or sympy: it imports only the standard
library, mpmath, :mod:`derive.reading.syntax` (node classes) and :mod:`derive.reading.scope` (Env,
Definition and Reading, read as data). Nothing is rewritten before it is evaluated, so
neither sympy's automatic simplifications (``exp(log(x)) → x``, true over the complex
numbers, not the reals) nor the normaliser's can fool it: the log of a negative number, a
division by zero, the square root of a negative number, a negative base raised to a
non-integer power and zero raised to a negative power are domain errors here.

Semantics, in short:

* a summation index is an integer; a size letter (``env.sizes``) takes the point's size; a
  free index letter takes the point's index value; ``e`` and ``\\pi`` are the constants;
* a defined scalar, family or function is computed from its definition's body, read in the
  definition's own scope; an undefined family element ``z_i`` is a real value drawn lazily
  and deterministically (seeded per point, name and index tuple); an undefined function
  cannot be evaluated (verdict ``cannot``);
* ``f'(x)`` and ``∂^n e/∂v1…∂vn`` are numerical derivatives (``mpmath.diff``). The variable
  is held by a global override keyed (name, index tuple) that every evaluation sees, inside
  definitions' bodies and sums too; a Leibniz derivative with respect to a defined element
  (``∂ log y_k / ∂ y_k``) overrides that element only;
* a sum or product with integer limits runs term by term (empty: 0 or 1); more than
  :data:`MAX_TERMS` terms cannot be evaluated.

Points (see :func:`points`): sizes 1, 2, 3, 5, 8 and 12 (several size letters take equal
sizes on half of the points and different ones on the other half); free indices at the
edges of their ranges (both at the lower edge, both at the upper edge, at opposite edges,
at random), respecting the equation's cases. An index whose range is unknown (``None``)
takes values in 1..S, S the size of the first size letter (by name), or 1..4 if there is
none; 0 and S + 1 are never used, since derive reads every index as lying in its range.
Values are integers (0 included), fractions and decimals of both signs; names declared
positive (``T > 0``, ``p_k > 0``) are positive and names declared non-zero are non-zero. A
declared assumption Σ_{k=lo}^{hi} t_k = c is satisfied by rescaling (or, for a sum near
zero, shifting) t over that range; any other declared assumption is checked at the point,
which is dropped if it fails.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath

from derive.reading.scope import Env, Reading
from derive.reading.syntax import (
    Add,
    Apply,
    BigOp,
    Deriv,
    Exp,
    Frac,
    Func,
    Indicator,
    Log,
    Mul,
    Neg,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
    walk,
)

#: sizes every judgement visits: K = 1 and sizes well above derive's own search range
SIZES = (1, 2, 3, 5, 8, 12)
#: a sum or product with more terms than this is not evaluated (verdict ``cannot``)
MAX_TERMS = 5000
#: working precisions (decimal digits): a difference must show at both, and be stable
LOW_DPS, HIGH_DPS = 30, 60
#: relative tolerance of a difference, against max(1, |lhs|, |rhs|, largest term)
TOLERANCE = Fraction(1, 10**12)
#: the looser tolerance where a side has a numerical derivative (mpmath.diff is accurate to
#: far more digits at these precisions; this leaves room for ill-conditioned steps)
DERIV_TOLERANCE = Fraction(1, 10**9)
#: a difference is "stable" when the 30- and 60-digit differences agree to this fraction
STABILITY = 1e-3

Value = Any  # an mpmath mpf
Key = tuple[str, tuple[int, ...]]


@dataclass(frozen=True)
class OracleVerdict:
    """What the oracle makes of one link ``lhs = rhs``.

    ``kind``: ``agree`` (equal at every point it could evaluate), ``disagree`` (clearly
    different at ``point``, at 30 and 60 digits), ``domain`` (at ``point`` exactly one side
    is defined; ``reason`` says which operation on which side) or ``cannot`` (no point could
    be evaluated: an undefined function, an unsupported node, a sum too long).
    """

    kind: str
    point: dict | None = None
    lhs: float | None = None
    rhs: float | None = None
    reason: str = ""
    points: int = 0  # points at which both sides were evaluated


class Cannot(Exception):
    """The oracle cannot evaluate this tree (not a statement about the mathematics)."""


class DomainError(Exception):
    """The expression is undefined in the reals at this point."""


# --------------------------------------------------------------------------- points

@dataclass
class Point:
    """A concrete point: sizes, free index values, and lazily drawn real values."""

    seed: int
    number: int
    sizes: dict[str, int]
    indices: dict[str, int]
    positive: frozenset[str] = frozenset()
    nonzero: frozenset[str] = frozenset()
    values: dict[Key, Fraction | Value] = field(default_factory=dict)
    default_range: tuple[int, int] = (1, 4)

    def value(self, name: str, idx: tuple[int, ...] = ()) -> Fraction | Value:
        key = (name, idx)
        if key not in self.values:
            self.values[key] = self._draw(name, idx)
        return self.values[key]

    def _draw(self, name: str, idx: tuple[int, ...]) -> Fraction:
        rng = random.Random(f"{self.seed}/{self.number}/{name}/{','.join(map(str, idx))}")
        style = rng.randrange(3)
        if style == 0:
            v = Fraction(rng.randint(-3, 3))
        elif style == 1:
            v = Fraction(rng.choice((-1, 1)) * rng.randint(1, 9), rng.randint(2, 7))
        else:
            v = Fraction(rng.randint(-2500, 2500), 1000)
        if name in self.positive:
            v = abs(v) or Fraction(1, 2)
        elif name in self.nonzero and v == 0:
            v = Fraction(rng.choice((-1, 1)))
        return v

    def index(self, letter: str) -> int:
        """A free index letter's value (drawn in the default range if the point has none)."""
        if letter not in self.indices:
            rng = random.Random(f"{self.seed}/{self.number}/index/{letter}")
            self.indices[letter] = rng.randint(*self.default_range)
        return self.indices[letter]

    def to_json(self) -> dict:
        vals: dict[str, str] = {}
        for (name, idx), v in sorted(self.values.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            label = name + ("_" + ",".join(map(str, idx)) if idx else "")
            vals[label] = str(v) if isinstance(v, Fraction) else mpmath.nstr(v, 20)
        return {"sizes": dict(sorted(self.sizes.items())),
                "indices": dict(sorted(self.indices.items())), "values": vals}


def _mp(v: Fraction | Value) -> Value:
    if isinstance(v, Fraction):
        return mpmath.mpf(v.numerator) / v.denominator
    return mpmath.mpf(v)


def _letter_value(letter: str, local: dict[str, Value], point: Point, env: Env) -> int:
    if letter.isdigit():
        return int(letter)
    if letter in local:
        return _as_int(local[letter], letter)
    if letter in point.sizes:
        return point.sizes[letter]
    return point.index(letter)


def _as_int(v: Value, what: str) -> int:
    if isinstance(v, int):
        return v
    f = mpmath.floor(v)
    if f != v:
        raise Cannot(f"{what} is not an integer ({mpmath.nstr(v, 8)})")
    return int(f)


# --------------------------------------------------------------------------- evaluation

class Evaluator:
    """Evaluates resolved surface trees at one point, at the current mpmath precision.

    ``largest`` is the largest absolute value of any term added in a sum (``Add`` or a
    ``\\sum``) so far: a difference between two sides is judged relative to it.
    """

    def __init__(self, point: Point):
        self.point = point
        self.overrides: dict[Key, Value] = {}
        self.memo: dict[tuple, Value] = {}
        self.largest = mpmath.mpf(0)
        self.has_derivative = False

    # -- helpers
    def _term(self, v: Value) -> None:
        a = abs(v)
        if a > self.largest:
            self.largest = a

    def _subscripts(self, sym: Sym, env: Env, local: dict[str, Value]) -> tuple[int, ...]:
        return tuple(_as_int(self.ev(s, env, local), f"the subscript of {sym.name}")
                     for s in sym.sub)

    def _with_overrides(self, values: dict[Key, Value], thunk: Callable[[], Value]) -> Value:
        saved = {k: self.overrides[k] for k in values if k in self.overrides}
        saved_memo = self.memo
        self.overrides.update(values)
        self.memo = {}
        try:
            return thunk()
        finally:
            for k in values:
                if k in saved:
                    self.overrides[k] = saved[k]
                else:
                    del self.overrides[k]
            self.memo = saved_memo

    # -- the evaluator proper
    def ev(self, node: Node, env: Env, local: dict[str, Value]) -> Value:  # noqa: C901
        if isinstance(node, Num):
            return _mp(Fraction(node.text))
        if isinstance(node, Sym):
            return self._sym(node, env, local)
        if isinstance(node, Paren):
            return self.ev(node.inner, env, local)
        if isinstance(node, Neg):
            return -self.ev(node.arg, env, local)
        if isinstance(node, Add):
            total = mpmath.mpf(0)
            for t in node.terms:
                v = self.ev(t, env, local)
                self._term(v)
                total += v
            return total
        if isinstance(node, Mul):
            prod = mpmath.mpf(1)
            for f in node.factors:
                prod *= self.ev(f, env, local)
            return prod
        if isinstance(node, Frac):
            num = self.ev(node.num, env, local)
            den = self.ev(node.den, env, local)
            if den == 0:
                raise DomainError("division by zero")
            return num / den
        if isinstance(node, Pow):
            return self._pow(self.ev(node.base, env, local), self.ev(node.exp, env, local))
        if isinstance(node, Exp):
            return mpmath.exp(self.ev(node.arg, env, local))
        if isinstance(node, Log):
            a = self.ev(node.arg, env, local)
            if a <= 0:
                raise DomainError(f"log of a non-positive number ({mpmath.nstr(a, 6)})")
            return mpmath.log(a)
        if isinstance(node, Func):
            return self._func(node.name, self.ev(node.arg, env, local))
        if isinstance(node, BigOp):
            return self._bigop(node, env, local)
        if isinstance(node, Indicator):
            c = node.case
            same = (_letter_value(c.left, local, self.point, env)
                    == _letter_value(c.right, local, self.point, env))
            return mpmath.mpf(1 if same == c.equal else 0)
        if isinstance(node, Apply):
            return self._apply(node, env, local)
        if isinstance(node, Deriv):
            return self._deriv(node, env, local)
        raise Cannot(f"unsupported node {type(node).__name__}")

    def _pow(self, base: Value, exp: Value) -> Value:
        integral = mpmath.floor(exp) == exp
        if base == 0:
            if exp < 0:
                raise DomainError("zero to a negative power")
            return mpmath.mpf(1) if exp == 0 else mpmath.mpf(0)
        if base < 0 and not integral:
            raise DomainError(f"a negative base ({mpmath.nstr(base, 6)}) to a non-integer power")
        if integral:
            return mpmath.power(base, int(exp))
        return mpmath.power(base, exp)

    def _func(self, name: str, a: Value) -> Value:
        if name == "sqrt":
            if a < 0:
                raise DomainError(f"square root of a negative number ({mpmath.nstr(a, 6)})")
            return mpmath.sqrt(a)
        table = {"sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
                 "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh}
        if name not in table:
            raise Cannot(f"unsupported function \\{name}")
        if name == "tan" and mpmath.cos(a) == 0:
            raise DomainError("tan at a pole")
        return table[name](a)

    def _sym(self, node: Sym, env: Env, local: dict[str, Value]) -> Value:  # noqa: C901
        name = node.name
        if node.sub:
            idx = self._subscripts(node, env, local)
            key = (name, idx)
            if key in self.overrides:
                return self.overrides[key]
            d = env.definitions.get(name)
            if d is not None:
                if d.kind != "family" or len(d.params) != len(idx):
                    raise Cannot(f"{name} is defined as a {d.kind}, used with a subscript")
                memo_key = (id(d), idx)
                if memo_key not in self.memo:
                    self.memo[memo_key] = self.ev(d.body, d.env, dict(zip(d.params, idx)))
                return self.memo[memo_key]
            return _mp(self.point.value(name, idx))
        if name in local:
            return mpmath.mpf(local[name]) if isinstance(local[name], int) else local[name]
        key = (name, ())
        if key in self.overrides:
            return self.overrides[key]
        if name in self.point.sizes or name in env.sizes:
            if name not in self.point.sizes:
                self.point.sizes[name] = self.point.default_range[1]
            return mpmath.mpf(self.point.sizes[name])
        if name in self.point.indices or name in env.indices:
            return mpmath.mpf(self.point.index(name))
        if name == "e":
            return mpmath.e
        if name == "\\pi":
            return mpmath.pi
        d = env.definitions.get(name)
        if d is not None:
            if d.kind != "scalar":
                raise Cannot(f"{name} is defined as a {d.kind}, used bare")
            memo_key = (id(d), ())
            if memo_key not in self.memo:
                self.memo[memo_key] = self.ev(d.body, d.env, {})
            return self.memo[memo_key]
        if env.is_function(name):
            raise Cannot(f"the function {name} used bare")
        return _mp(self.point.value(name))

    def _bigop(self, node: BigOp, env: Env, local: dict[str, Value]) -> Value:
        # a sum's value depends only on the letters it uses: Σ_j e^{z_j} inside y_k is
        # computed once per point, not once per k (the memo is dropped with every override)
        uses = _letters_used(node)
        memo_key = ("bigop", id(node), id(env),
                    tuple((x, local[x]) for x in uses if x in local))
        if memo_key in self.memo:
            return self.memo[memo_key]
        value = self._bigop_terms(node, env, local)
        self.memo[memo_key] = value
        return value

    def _bigop_terms(self, node: BigOp, env: Env, local: dict[str, Value]) -> Value:
        if node.index is None or node.lo is None or node.hi is None:
            raise Cannot("a sum or product without limits")
        lo = _as_int(self.ev(node.lo, env, local), "a lower limit")
        hi = _as_int(self.ev(node.hi, env, local), "an upper limit")
        if hi - lo >= MAX_TERMS:
            raise Cannot(f"a {node.kind} of {hi - lo + 1} terms")
        acc = mpmath.mpf(0 if node.kind == "sum" else 1)
        for i in range(lo, hi + 1):
            v = self.ev(node.body, env, {**local, node.index: i})
            if node.kind == "sum":
                self._term(v)
                acc += v
            else:
                acc *= v
        return acc

    def _apply(self, node: Apply, env: Env, local: dict[str, Value]) -> Value:
        fname = node.func.name
        d = env.definitions.get(fname)
        if d is None or d.kind != "function" or node.func.sub:
            raise Cannot(f"the undefined function {fname}")
        if len(d.params) != len(node.args):
            raise Cannot(f"{fname} takes {len(d.params)} arguments, given {len(node.args)}")
        args = [self.ev(a, env, local) for a in node.args]
        if not node.primes:
            return self.ev(d.body, d.env, dict(zip(d.params, args)))
        if len(d.params) != 1:
            raise Cannot(f"a prime on the function {fname} of several arguments")
        self.has_derivative = True
        param = d.params[0]

        def f(u: Value) -> Value:
            return self.ev(d.body, d.env, {param: u})

        return mpmath.diff(f, args[0], node.primes)

    def _deriv(self, node: Deriv, env: Env, local: dict[str, Value]) -> Value:
        self.has_derivative = True
        keys: list[Key] = []
        orders: list[int] = []
        starts: list[Value] = []
        for v in node.wrt:
            if not isinstance(v, Sym) or v.case is not None:
                raise Cannot("a derivative with respect to a case")
            if not v.sub and (v.name in local or v.name in env.sizes or v.name in env.indices
                              or v.name in self.point.indices):
                raise Cannot(f"a derivative with respect to the integer {v.name}")
            key = (v.name, self._subscripts(v, env, local))
            if key in keys:
                orders[keys.index(key)] += 1
            else:
                keys.append(key)
                orders.append(1)
                starts.append(self.ev(v, env, local))

        def f(*xs: Value) -> Value:
            return self._with_overrides(dict(zip(keys, xs)),
                                        lambda: self.ev(node.expr, env, local))

        if len(keys) == 1:
            return mpmath.diff(f, starts[0], orders[0])
        return mpmath.diff(f, tuple(starts), tuple(orders))


def _letters_used(node: Node) -> tuple[str, ...]:
    """Every plain letter a tree mentions (names, subscripts, cases, indicators), sorted;
    kept on the tree itself (trees never change)."""
    found = node.__dict__.get("_oracle_letters")
    if found is None:
        out: set[str] = set()
        for n in walk(node):
            if isinstance(n, Sym):
                out.add(n.name)
                if n.case is not None:
                    out.update((n.case.left, n.case.right))
            elif isinstance(n, Indicator):
                out.update((n.case.left, n.case.right))
            elif isinstance(n, Apply):
                out.add(n.func.name)
        found = tuple(sorted(out))
        object.__setattr__(node, "_oracle_letters", found)
    return found


def evaluate(node: Node, env: Env, point: Point, dps: int = LOW_DPS) -> tuple[Value, Value, bool]:
    """The value of ``node`` at ``point`` in ``dps`` digits, the largest term added on the
    way, and whether a numerical derivative was taken. Raises :class:`DomainError` or
    :class:`Cannot`."""
    with mpmath.workdps(dps):
        ev = Evaluator(point)
        try:
            v = ev.ev(node, env, {})
        except (ZeroDivisionError, OverflowError) as exc:
            raise DomainError(str(exc) or "division by zero") from None
        except (RecursionError, ValueError, TypeError) as exc:
            raise Cannot(f"{type(exc).__name__}: {exc}") from None
        if isinstance(v, mpmath.mpc):
            if v.imag != 0:
                raise DomainError("a complex value")
            v = v.real
        if not mpmath.isfinite(v):
            raise DomainError("a non-finite value")
        return +v, +ev.largest, ev.has_derivative


# --------------------------------------------------------------------------- point choice

def _simplex(lhs: Node, rhs: Node) -> tuple[BigOp, Node] | None:
    """Σ_k t_k = c (either way round), t an undefined-looking family indexed by k alone."""
    for s, c in ((lhs, rhs), (rhs, lhs)):
        if isinstance(s, BigOp) and s.kind == "sum" and s.index is not None:
            body = s.body
            while isinstance(body, Paren):
                body = body.inner
            if isinstance(body, Sym) and body.case is None and len(body.sub) == 1 and \
                    isinstance(body.sub[0], Sym) and body.sub[0].name == s.index and \
                    not body.sub[0].sub:
                return s, c
    return None


def _assumption_pairs(assumptions: Sequence) -> list[tuple[Node, Node]]:
    out = []
    for a in assumptions:  # (lhs, rhs) pairs, or Document.assumptions' ((lhs, rhs), latex, line)
        if len(a) == 3 and isinstance(a[0], tuple):
            a = a[0]
        out.append((a[0], a[1]))
    return out


def _sizes_for(p: int, names: list[str]) -> dict[str, int]:
    base = SIZES[p % len(SIZES)]
    out = {}
    for j, name in enumerate(names):
        if j == 0 or (p // len(SIZES)) % 2 == 0:
            out[name] = base
        else:
            out[name] = SIZES[(p + 3 * j) % len(SIZES)] if len(SIZES) > 3 else base
    return out


def _range_ints(rng: tuple[Node, Node] | None, env: Env, point: Point) -> tuple[int, int]:
    if rng is None:
        return point.default_range
    ev = Evaluator(point)
    with mpmath.workdps(LOW_DPS):
        lo = _as_int(ev.ev(rng[0], env, {}), "a range's lower end")
        hi = _as_int(ev.ev(rng[1], env, {}), "a range's upper end")
    return lo, hi


def _choose_indices(p: int, reading: Reading, point: Point, rng: random.Random) -> bool:
    """Set the point's free indices; False if this point cannot satisfy ranges and cases."""
    env = reading.env
    letters = sorted(reading.ranges)
    bounds: dict[str, tuple[int, int]] = {}
    for letter in letters:
        try:
            lo, hi = _range_ints(reading.ranges[letter], env, point)
        except (Cannot, DomainError):
            lo, hi = point.default_range
        if lo > hi:
            return False
        bounds[letter] = (lo, hi)
    mode = p % 4
    for n, letter in enumerate(letters):
        lo, hi = bounds[letter]
        if mode == 0:
            v = lo
        elif mode == 1:
            v = hi
        elif mode == 2:
            v = lo if n % 2 == 0 else hi
        else:
            v = rng.randint(lo, hi)
        point.indices[letter] = v
    for c in reading.cases:
        for letter in (c.left, c.right):
            if letter not in bounds and not letter.isdigit():
                bounds[letter] = point.default_range
                point.indices.setdefault(letter, rng.randint(*point.default_range))
    for c in reading.cases:  # make each case hold, then check them all
        if c.left.isdigit() or c.right.isdigit():
            continue
        left, right = point.indices[c.left], point.indices[c.right]
        lo, hi = bounds[c.right]
        if c.equal and left != right:
            if not lo <= left <= hi:
                return False
            point.indices[c.right] = left
        elif not c.equal and left == right:
            others = [x for x in (lo, hi, lo + 1, hi - 1) if lo <= x <= hi and x != left]
            if not others:
                return False
            point.indices[c.right] = others[0] if mode != 3 else rng.choice(others)
    for c in reading.cases:
        a = int(c.left) if c.left.isdigit() else point.indices[c.left]
        b = int(c.right) if c.right.isdigit() else point.indices[c.right]
        if (a == b) != c.equal:
            return False
    return True


def _satisfy(point: Point, env: Env, pairs: list[tuple[Node, Node]]) -> bool:
    """Rescale families to satisfy Σ t = c assumptions; check the others. False: drop."""
    for lhs, rhs in pairs:
        shape = _simplex(lhs, rhs)
        if shape is None:
            continue
        total, c = shape
        fam = total.body
        while isinstance(fam, Paren):
            fam = fam.inner
        assert isinstance(fam, Sym)
        rng = (total.lo, total.hi) if total.lo is not None and total.hi is not None else (
            env.declared_ranges.get(total.index or "") or (
                (Num("1"), Sym(next(iter(env.sizes)))) if len(env.sizes) == 1 else None))
        if rng is None:
            continue  # checked below like any other assumption (and so dropped)
        try:
            lo, hi = _range_ints(rng, env, point)
            target: Fraction | Value
            if isinstance(c, Num):
                target = Fraction(c.text)
            else:
                target = evaluate(c, env, point, HIGH_DPS)[0]
        except (Cannot, DomainError):
            return False
        if hi < lo:
            if target != 0:
                return False
            continue
        keys = [(fam.name, (i,)) for i in range(lo, hi + 1)]
        vals = [point.value(*k) for k in keys]
        if isinstance(target, Fraction) and all(isinstance(v, Fraction) for v in vals):
            s: Any = sum(vals, Fraction(0))
            exact = True
        else:
            with mpmath.workdps(HIGH_DPS):
                s = mpmath.fsum([_mp(v) for v in vals])
                target = _mp(target)
            exact = False
        if abs(s) >= Fraction(1, 10):
            scale = target / s
            new = [v * scale for v in vals] if exact else [_mp(v) * scale for v in vals]
        else:
            shift = (target - s) / len(vals)
            new = [v + shift for v in vals] if exact else [_mp(v) + shift for v in vals]
        for k, v in zip(keys, new):
            point.values[k] = v
    for lhs, rhs in pairs:
        try:
            a = evaluate(lhs, env, point, HIGH_DPS)
            b = evaluate(rhs, env, point, HIGH_DPS)
        except (Cannot, DomainError):
            return False
        with mpmath.workdps(HIGH_DPS):
            scale = max(mpmath.mpf(1), abs(a[0]), abs(b[0]), a[1], b[1])
            if abs(a[0] - b[0]) > mpmath.mpf(10) ** -40 * scale:
                return False
    return True


def points(reading: Reading, *, assumptions: Sequence = (), seed: int = 0,
           count: int = 24) -> Iterator[Point]:
    """Up to ``count`` points for ``reading``, deterministic for ``seed`` (at most 4·count
    tried: a point that cannot meet the ranges, cases or assumptions is skipped)."""
    env = reading.env
    pairs = _assumption_pairs(assumptions)
    size_names = sorted(env.sizes)
    made = 0
    for p in range(4 * count):
        if made >= count:
            return
        sizes = _sizes_for(p, size_names)
        first = sizes[size_names[0]] if size_names else 4
        point = Point(seed, p, sizes, {}, env.positive, env.nonzero, default_range=(1, first))
        rng = random.Random(f"{seed}/{p}/indices")
        if not _choose_indices(p, reading, point, rng):
            continue
        if not _satisfy(point, env, pairs):
            continue
        made += 1
        yield point


# --------------------------------------------------------------------------- judgement

def _side(node: Node, env: Env, point: Point, dps: int):
    try:
        return ("ok", *evaluate(node, env, point, dps))
    except DomainError as exc:
        return ("domain", str(exc))
    except Cannot as exc:
        return ("cannot", str(exc))


def _differ(a, b, dps: int) -> tuple[bool, Value]:
    with mpmath.workdps(dps):
        tol = DERIV_TOLERANCE if (a[3] or b[3]) else TOLERANCE
        scale = max(mpmath.mpf(1), abs(a[1]), abs(b[1]), a[2], b[2])
        diff = a[1] - b[1]
        return abs(diff) > _mp(tol) * scale, diff


def judge(lhs: Node, rhs: Node, reading: Reading, *, assumptions: Sequence = (), seed: int = 0,
          points: int = 24) -> OracleVerdict:
    """Evaluate both sides of ``lhs = rhs`` (resolved trees, read in ``reading.env``) at up
    to ``points`` points and say whether they agree (see :class:`OracleVerdict`)."""
    env = reading.env
    domain: OracleVerdict | None = None
    cannot_reason = ""
    evaluated = cannots = 0
    for point in _points(reading, assumptions=assumptions, seed=seed, count=points):
        a = _side(lhs, env, point, LOW_DPS)
        b = _side(rhs, env, point, LOW_DPS)
        if a[0] == "cannot" or b[0] == "cannot":
            cannots += 1
            cannot_reason = a[1] if a[0] == "cannot" else b[1]
            if cannots >= 3 and not evaluated and domain is None:
                break
            continue
        if a[0] == "domain" and b[0] == "domain":
            continue
        if a[0] != b[0]:
            a2 = _side(lhs, env, point, HIGH_DPS)
            b2 = _side(rhs, env, point, HIGH_DPS)
            if (a2[0], b2[0]) == (a[0], b[0]) and domain is None:
                side, msg = ("left", a[1]) if a[0] == "domain" else ("right", b[1])
                other = b if a[0] == "domain" else a
                val = float(other[1])
                domain = OracleVerdict(
                    "domain", point.to_json(), val if side == "right" else None,
                    val if side == "left" else None, f"{msg} on the {side} side", evaluated)
            continue
        evaluated += 1
        bad, d30 = _differ(a, b, LOW_DPS)
        if not bad:
            continue
        a2 = _side(lhs, env, point, HIGH_DPS)
        b2 = _side(rhs, env, point, HIGH_DPS)
        if a2[0] != "ok" or b2[0] != "ok":
            continue
        bad2, d60 = _differ(a2, b2, HIGH_DPS)
        with mpmath.workdps(HIGH_DPS):
            stable = abs(d30 - d60) <= STABILITY * abs(d60)
        if bad2 and stable:
            return OracleVerdict("disagree", point.to_json(), float(a2[1]), float(b2[1]),
                                 f"the sides differ by {mpmath.nstr(d60, 8)}", evaluated)
    if domain is not None:
        return OracleVerdict(domain.kind, domain.point, domain.lhs, domain.rhs, domain.reason,
                             evaluated)
    if not evaluated:
        return OracleVerdict("cannot", None, None, None,
                             cannot_reason or "no point satisfies the ranges, cases and "
                             "assumptions", 0)
    return OracleVerdict("agree", None, None, None, f"equal at {evaluated} points", evaluated)


_points = points

__all__ = ["OracleVerdict", "judge", "points", "evaluate", "Point", "Evaluator", "Cannot",
           "DomainError", "SIZES", "MAX_TERMS"]

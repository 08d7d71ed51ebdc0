"""The oracle's evaluator: a resolved surface tree's value in real arithmetic at one point.

Owns :class:`Point` (sizes, free index values and lazily drawn real values), the
:class:`Evaluator` of :mod:`derive.reading.syntax` nodes, :func:`evaluate`, and the two ways
an evaluation fails (:class:`DomainError`: undefined in the reals; :class:`Cannot`: not
something the oracle evaluates). Where the points come from is
:mod:`derive.engine.oracle_points`; comparing two sides is :mod:`derive.engine.oracle`.

Like the rest of the oracle it shares no code with translation, normalisation or sympy: it
imports only the standard library, mpmath, :mod:`derive.reading.syntax` (node classes) and
:mod:`derive.reading.scope` (Env, Definition and Reading, read as data). Nothing is
rewritten before it is evaluated, so the log of a negative number, a division by zero, the
square root of a negative number, a negative base raised to a non-integer power and zero
raised to a negative power are domain errors here.

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
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath

from derive.reading.scope import Env
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
    label_parts,
    walk,
)

#: a sum or product with more terms than this is not evaluated (verdict ``cannot``)
MAX_TERMS = 5000
#: working precisions (decimal digits): a difference must show at both, and be stable
LOW_DPS, HIGH_DPS = 30, 60

Value = Any  # an mpmath mpf
Key = tuple[str, tuple[int, ...]]


class Cannot(Exception):
    """The oracle cannot evaluate this tree (not a statement about the mathematics)."""


class DomainError(Exception):
    """The expression is undefined in the reals at this point."""


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
    labels: dict[tuple[str, int], int] = field(default_factory=dict)  # (y, v) → y_v
    label_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)  # y → its range

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

    def label(self, base: str, sample: int, letter: str) -> int:
        """The class label y_v of the sample v: one value per sample value, whichever letter
        names it (y_i and y_j are one label where i = j); first the point's value of the
        letter, else drawn in the range of the base's labels."""
        key = (base, sample)
        if key not in self.labels:
            if letter in self.indices:
                self.labels[key] = self.indices[letter]
            else:
                rng = random.Random(f"{self.seed}/{self.number}/label/{base}/{sample}")
                self.labels[key] = rng.randint(*self.label_ranges.get(base, self.default_range))
        return self.labels[key]

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


#: (a number's text, or an int, and the working precision in bits) → its mpf, as _mp makes it
#: at that precision (mpf values never change; mpmath.diff raises the precision as it works)
_CONSTANTS: dict[tuple[str | int, int], Value] = {}
_MAX_CONSTANTS = 100_000  # (emptied when full: a long-lived process reads many documents)


def _number(text: str) -> Value:
    """``_mp(Fraction(text))`` at the current precision, made once per precision."""
    key = (text, mpmath.mp.prec)
    v = _CONSTANTS.get(key)
    if v is None:
        if len(_CONSTANTS) > _MAX_CONSTANTS:
            _CONSTANTS.clear()
        v = _CONSTANTS[key] = _mp(Fraction(text))
    return v


#: (the function, a real argument's exact value, the precision) → the function's value:
#: exp and log are pure functions of these, and a numerical derivative evaluates a side
#: again with one variable moved, so most of the terms of its sums (e^{z_j}, j ≠ i) recur
_CALLS: dict[tuple[Callable[[Value], Value], tuple, int], Value] = {}


def _call(fn: Callable[[Value], Value], a: Value) -> Value:
    """``fn(a)`` (mpmath.exp or mpmath.log), made once per argument and precision."""
    raw = getattr(a, "_mpf_", None)  # the exact value of a real mpf (None: anything else)
    if raw is None:
        return fn(a)
    key = (fn, raw, mpmath.mp.prec)
    v = _CALLS.get(key)
    if v is None:
        if len(_CALLS) > _MAX_CONSTANTS:
            _CALLS.clear()
        v = _CALLS[key] = fn(a)
    return v


def _integer(n: int) -> Value:
    """``mpmath.mpf(n)`` at the current precision, made once per precision."""
    key = (n, mpmath.mp.prec)
    v = _CONSTANTS.get(key)
    if v is None:
        if len(_CONSTANTS) > _MAX_CONSTANTS:
            _CONSTANTS.clear()
        v = _CONSTANTS[key] = mpmath.mpf(n)
    return v


def _letter_value(letter: str, local: dict[str, Value], point: Point, env: Env) -> int:
    if letter.isdigit():
        return int(letter)
    label = label_parts(letter)
    if label is not None:  # the class label y_i: the label of the sample i's value
        return point.label(label[0], _letter_value(label[1], local, point, env), letter)
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
        # (name, index tuple, precision) → the point's value as an mpf at that precision
        self.values: dict[tuple[str, tuple[int, ...], int], Value] = {}
        # (every override in force, the precision) → the memo of the evaluations under them
        self.memos: dict[tuple[frozenset, int], dict[tuple, Value]] = {}

    # -- helpers
    def _term(self, v: Value) -> None:
        a = abs(v)
        if a > self.largest:
            self.largest = a

    def _subscripts(self, sym: Sym, env: Env, local: dict[str, Value]) -> tuple[int, ...]:
        out = []
        for s in sym.sub:
            # the common subscripts, as ev and _as_int would give them: a summation index or
            # a parameter bound to an integer, and a written natural number
            if type(s) is Sym and not s.sub:
                v = local.get(s.name)
                if type(v) is int:
                    out.append(v)
                    continue
            elif type(s) is Num and s.text.isascii() and s.text.isdigit():
                out.append(int(s.text))
                continue
            out.append(_as_int(self.ev(s, env, local), f"the subscript of {sym.name}"))
        return tuple(out)

    def _value(self, name: str, idx: tuple[int, ...]) -> Value:
        """``_mp(self.point.value(name, idx))``, converted once per precision."""
        key = (name, idx, mpmath.mp.prec)
        v = self.values.get(key)
        if v is None:
            v = self.values[key] = _mp(self.point.value(name, idx))
        return v

    def _with_overrides(self, values: dict[Key, Value], thunk: Callable[[], Value]) -> Value:
        """``thunk()`` with ``values`` overriding the variables they name. What was memoised
        outside does not hold here; what was memoised under the same overrides, at the same
        precision, does (∂y_k/∂z_i for every k of a sum moves z_i to the same two places, and
        Σ_j e^{z_j} there is computed once, not once per k)."""
        saved = {k: self.overrides[k] for k in values if k in self.overrides}
        saved_memo = self.memo
        self.overrides.update(values)
        state = (frozenset(self.overrides.items()), mpmath.mp.prec)
        memo = self.memos.get(state)
        if memo is None:
            memo = self.memos[state] = {}
        self.memo = memo
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
    def ev(self, node: Node, env: Env, local: dict[str, Value]) -> Value:
        method = _EVALUATORS.get(type(node))
        if method is None:
            method = _evaluator_for(node)
        return method(self, node, env, local)

    def _num(self, node: Num, env: Env, local: dict[str, Value]) -> Value:
        return _number(node.text)

    def _paren(self, node: Paren, env: Env, local: dict[str, Value]) -> Value:
        return self.ev(node.inner, env, local)

    def _neg(self, node: Neg, env: Env, local: dict[str, Value]) -> Value:
        return -self.ev(node.arg, env, local)

    def _add(self, node: Add, env: Env, local: dict[str, Value]) -> Value:
        total = mpmath.mpf(0)
        for t in node.terms:
            v = self.ev(t, env, local)
            self._term(v)
            total += v
        return total

    def _mul(self, node: Mul, env: Env, local: dict[str, Value]) -> Value:
        prod = mpmath.mpf(1)
        for f in node.factors:
            prod *= self.ev(f, env, local)
        return prod

    def _frac(self, node: Frac, env: Env, local: dict[str, Value]) -> Value:
        num = self.ev(node.num, env, local)
        den = self.ev(node.den, env, local)
        if den == 0:
            raise DomainError("division by zero")
        return num / den

    def _power(self, node: Pow, env: Env, local: dict[str, Value]) -> Value:
        return self._pow(self.ev(node.base, env, local), self.ev(node.exp, env, local))

    def _exp(self, node: Exp, env: Env, local: dict[str, Value]) -> Value:
        return _call(mpmath.exp, self.ev(node.arg, env, local))

    def _log(self, node: Log, env: Env, local: dict[str, Value]) -> Value:
        a = self.ev(node.arg, env, local)
        if a <= 0:
            raise DomainError(f"log of a non-positive number ({mpmath.nstr(a, 6)})")
        return _call(mpmath.log, a)

    def _function(self, node: Func, env: Env, local: dict[str, Value]) -> Value:
        return self._func(node.name, self.ev(node.arg, env, local))

    def _indicator(self, node: Indicator, env: Env, local: dict[str, Value]) -> Value:
        c = node.case
        same = (_letter_value(c.left, local, self.point, env)
                == _letter_value(c.right, local, self.point, env))
        return mpmath.mpf(1 if same == c.equal else 0)

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
            return self._value(name, idx)
        if label_parts(name) is not None:
            return mpmath.mpf(_letter_value(name, local, self.point, env))
        if name in local:
            return _integer(local[name]) if isinstance(local[name], int) else local[name]
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
        if node.kind not in ("sum", "prod"):  # a whole vector given to a function: no number
            raise Cannot(f"a {node.kind} that is no sum or product")
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
        if d is None and fname == "\\mathbb{1}" and len(node.seps) == 1 and len(node.args) == 2:
            a, b = (self.ev(x, env, local) for x in node.args)  # \mathbb{1}(a \ge b)
            return int({"≥": a >= b, ">": a > b, "≤": a <= b, "<": a < b}[node.seps[0]])
        if d is None and fname in _EXTREMA and not node.func.sub and not node.seps and \
                len(node.args) >= 2:  # \max(x, y), built in
            return _EXTREMA[fname](self.ev(a, env, local) for a in node.args)
        if d is None or d.kind != "function" or node.func.sub or node.seps:
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


_EXTREMA = {"\\operatorname{max}": max, "\\operatorname{min}": min}
#: the evaluation of each kind of node, in the order ``_evaluator_for`` tries them
_EVALUATORS: dict[type, Callable[[Evaluator, Any, Env, dict[str, Value]], Value]] = {
    Num: Evaluator._num, Sym: Evaluator._sym, Paren: Evaluator._paren, Neg: Evaluator._neg,
    Add: Evaluator._add, Mul: Evaluator._mul, Frac: Evaluator._frac, Pow: Evaluator._power,
    Exp: Evaluator._exp, Log: Evaluator._log, Func: Evaluator._function,
    BigOp: Evaluator._bigop, Indicator: Evaluator._indicator, Apply: Evaluator._apply,
    Deriv: Evaluator._deriv,
}


def _evaluator_for(node: Node) -> Callable[[Evaluator, Any, Env, dict[str, Value]], Value]:
    """The evaluation of a node whose class is not a key of _EVALUATORS (a subclass)."""
    for kind, method in _EVALUATORS.items():
        if isinstance(node, kind):
            return method
    raise Cannot(f"unsupported node {type(node).__name__}")


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


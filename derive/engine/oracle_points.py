"""The oracle's points: where :func:`derive.engine.oracle.judge` evaluates a link.

Owns the choice of points (:func:`points`): sizes 1, 2, 3, 5, 8 and 12 (several size
letters take equal sizes on half of the points and different ones on the other half); free
indices at the edges of their ranges (both at the lower edge, both at the upper edge, at
opposite edges, at random), respecting the equation's cases. An index whose range is
unknown (``None``) takes values in 1..S, S the size of the first size letter (by name), or
1..4 if there is none; 0 and S + 1 are never used, since derive reads every index as lying
in its range. Values (drawn by :class:`~derive.engine.oracle_eval.Point`) are integers (0
included), fractions and decimals of both signs; names declared positive (``T > 0``,
``p_k > 0``) are positive and names declared non-zero are non-zero. A declared assumption
Σ_{k=lo}^{hi} t_k = c is satisfied by rescaling (or, for a sum near zero, shifting) t over
that range; any other declared assumption is checked at the point, which is dropped if it
fails.

Part of the independent oracle: it imports only the standard library, mpmath, the oracle's
evaluator (:mod:`derive.engine.oracle_eval`) and the node and scope classes of
:mod:`derive.reading`; no translation, normalisation or sympy.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import mpmath

from derive.engine.oracle_eval import (
    HIGH_DPS,
    LOW_DPS,
    Cannot,
    DomainError,
    Evaluator,
    Point,
    Value,
    _as_int,
    _mp,
    evaluate,
)
from derive.reading.scope import Env, Reading
from derive.reading.syntax import BigOp, Node, Num, Paren, Sym, label_parts

#: sizes every judgement visits: K = 1 and sizes well above derive's own search range
SIZES = (1, 2, 3, 5, 8, 12)


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
        if (label := label_parts(letter)) is not None:  # y_i: the range of every label y_•
            point.label_ranges[label[0]] = (lo, hi)
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


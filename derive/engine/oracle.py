"""An independent evaluator of surface trees: the oracle that can veto a proof.

Owns the comparison of the two sides of a link (:func:`judge`, its tolerances and its
:class:`OracleVerdict`) and is the oracle's public face: it re-exports the evaluator
(:mod:`derive.engine.oracle_eval`: :class:`Point`, :class:`Evaluator`, :func:`evaluate`,
the semantics) and the choice of points (:mod:`derive.engine.oracle_points`:
:func:`points`). The three modules evaluate a *resolved* surface tree
(:mod:`derive.reading.syntax` nodes, as in ``Reading.sides`` and ``Definition.body``) in
real arithmetic at concrete points.

They share no code with translation, normalisation or sympy: they import only the standard
library, mpmath, each other, :mod:`derive.reading.syntax` (node classes) and
:mod:`derive.reading.scope` (Env, Definition and Reading, read as data);
``tests/test_oracle.py`` reads their imports. Nothing is rewritten before it is evaluated,
so neither sympy's automatic simplifications (``exp(log(x)) → x``, true over the complex
numbers, not the reals) nor the normaliser's can fool it: the log of a negative number, a
division by zero, the square root of a negative number, a negative base raised to a
non-integer power and zero raised to a negative power are domain errors here.

A link is judged at up to 24 points, each side at 30 digits; a difference (relative to
the largest of 1, both sides and the largest term added on the way) must show again at 60
digits, and agree with the 30-digit one, before the sides are said to differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from derive.engine.oracle_eval import (
    HIGH_DPS,
    LOW_DPS,
    MAX_TERMS,
    Cannot,
    DomainError,
    Evaluator,
    Point,
    Value,
    _mp,
    evaluate,
)
from derive.engine.oracle_points import SIZES, points
from derive.reading.scope import Env, Reading
from derive.reading.syntax import Node

#: relative tolerance of a difference, against max(1, |lhs|, |rhs|, largest term)
TOLERANCE = Fraction(1, 10**12)
#: the looser tolerance where a side has a numerical derivative (mpmath.diff is accurate to
#: far more digits at these precisions; this leaves room for ill-conditioned steps)
DERIV_TOLERANCE = Fraction(1, 10**9)
#: a difference is "stable" when the 30- and 60-digit differences agree to this fraction
STABILITY = 1e-3


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

"""The range each family's subscripts run over, read from the sums over it.

Owns :func:`family_ranges` (from the definitions in scope, then from the equation itself,
where several sums over one family widen its range to cover them all), the per-axis keys of
families with several indices (:func:`axis_key`) and the range a letter had as an index
elsewhere. Surface trees only; no sympy here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from derive.reading.sets import lowered
from derive.reading.syntax import Add, BigOp, Neg, Node, Num, Paren, Sym, children, walk

if TYPE_CHECKING:
    from derive.reading.scope import Env

Range = tuple[Node, Node]


def family_ranges(env: Env, extra: Iterable[Node] = ()) -> dict[str, Range]:
    """The range each family's subscript runs over, from the sums of the definitions in scope
    (later definitions win) and then of the equation itself."""
    ranges: dict[str, Range] = {}
    for name in env.order:
        d = env.definitions[name]
        _scan_sums(d.body, ranges, {})
        if d.kind == "family":
            for axis, p in enumerate(d.params):  # a declared range first (z_a = Σ_j W_{aj} x_j)
                r = d.env.declared_ranges.get(p) or range_of_letter(p, d.body, ranges)
                if r is not None:
                    ranges[axis_key(d.name, axis, len(d.params))] = r
    # in the equation itself, the sums over a family set its range, and a definition in
    # scope wins over the equation (Σ_{k=2}^K t_k does not shrink t's range)
    seen: dict[str, list[Range]] = {}
    for tree in extra:
        _scan_sums(tree, {}, {}, seen=seen)
    for name, rngs in seen.items():
        ranges.setdefault(name, _widest(rngs))
    return ranges


def _widest(rngs: list[Range]) -> Range:
    """One range for a family the equation sums over several: Σ_{k=2}^n a_k beside
    Σ_{k=1}^n a_k uses a_1, so a runs over 1..n, never the 2..n of the first sum written
    (one-hot over 2..n would silently assume a_1 = 0). Bounds that are not both numbers
    keep the first sum's bound."""
    lo, hi = rngs[0]
    for a, b in rngs[1:]:
        lo = _extreme(lo, a, min)
        hi = _extreme(hi, b, max)
    return lo, hi


def _extreme(x: Node, y: Node, pick) -> Node:
    a, b = _offset(x), _offset(y)
    if a is None or b is None or a[0] != b[0]:
        return x  # not comparable (n against m): the first sum's bound
    return x if pick(a[1], b[1]) == a[1] else y


def _offset(bound: Node) -> tuple[str, int] | None:
    """A bound as (the size it counts from, an integer offset): 2 → ('', 2), n − 1 → ('n', −1)."""
    if isinstance(bound, Num):
        return ("", int(bound.text)) if bound.text.isdigit() else None
    if isinstance(bound, Sym) and not bound.sub:
        return (bound.name, 0)
    if isinstance(bound, Paren):
        return _offset(bound.inner)
    if isinstance(bound, Add) and len(bound.terms) == 2:
        head, tail = _offset(bound.terms[0]), bound.terms[1]
        sign = 1
        if isinstance(tail, Neg):
            sign, tail = -1, tail.arg
        if head is not None and head[0] and isinstance(tail, Num) and tail.text.isdigit():
            return head[0], head[1] + sign * int(tail.text)
    return None


def _scan_sums(node: Node, ranges: dict[str, Range], bound: dict[str, Range],
               seen: dict[str, list[Range]] | None = None) -> None:
    """Each family's range from the sums over it: the last sum wins in ``ranges``, and
    ``seen`` (when given) collects every range written, in order."""
    if isinstance(node, BigOp) and node.index and node.lo is not None and node.hi is not None:
        inner = dict(bound)
        inner[node.index] = (node.lo, node.hi)
        _scan_sums(node.body, ranges, inner, seen)
        return
    if isinstance(node, Sym) and node.sub:
        for axis, s in enumerate(node.sub):
            where = axis_key(node.name, axis, len(node.sub))
            if isinstance(s, Sym) and s.name in bound:
                ranges[where] = bound[s.name]
                if seen is not None:
                    seen.setdefault(where, []).append(bound[s.name])
    for c in children(node):
        _scan_sums(c, ranges, bound, seen)


def axis_key(family: str, axis: int, axes: int) -> str:
    """Where a family's range is kept: under its name for one index (z_k), and one key per
    axis for several (W_{ij}: the rows and the columns of W may differ in size)."""
    return family if axes == 1 else f"{family}@{axis}"


def range_of_letter(letter: str, tree: Node, fam: dict[str, Range]) -> Range | None:
    for n in walk(tree):
        if isinstance(n, Sym) and n.sub:
            for axis, s in enumerate(n.sub):
                where = axis_key(n.name, axis, len(n.sub))
                if isinstance(s, Sym) and s.name == letter and where in fam:
                    return fam[where]
            if n.case is not None and letter in (n.case.left, n.case.right) and n.name in fam:
                return fam[n.name]
    return None


def definition_sum_range(letter: str, env: Env) -> Range | None:
    """The range ``letter`` had as a summation index in the definitions in scope (newest first)."""
    for name in reversed(env.order):
        for n in walk(env.definitions[name].body):
            if isinstance(n, BigOp) and n.index == letter and n.lo is not None and \
                    not lowered(n):  # (the index over a set's elements is derive's own)
                return (n.lo, n.hi)  # type: ignore[return-value]
    return None

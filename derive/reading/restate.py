"""Whether an equation restates a definition: the same body up to renaming its parameters,
its bound indices and a size (the post's y_k = e^{z_k}/Σ_{j=1}^J e^{z_j} after y_i =
e^{z_i}/Σ_{k=1}^K e^{z_k}). Such a restatement replaces the definition; anything else that
writes a defined name again is a claim about it (:mod:`derive.reading.document`). No sympy.
"""

from __future__ import annotations

from dataclasses import replace

from derive.reading.scope import (
    Definition,
    Env,
    ReadError,
    _fill_sums,
    _rebuild,
    family_ranges,
)
from derive.reading.syntax import BigOp, Indicator, Node, Sym, children


def same_definition(old: Definition, body: Node, params: tuple[str, ...], env: Env) -> bool:
    """Does ``body`` (with ``params``) restate ``old``, up to renaming its parameters, its
    bound indices and a size (the post's y_k = e^{z_k}/Σ_{j=1}^J e^{z_j} after y_i =
    e^{z_i}/Σ_{k=1}^K e^{z_k})? Such a restatement replaces the definition; anything else
    is a claim about the defined name."""
    from itertools import permutations

    from derive.reading.syntax import key

    if len(params) != len(old.params):
        return False
    try:
        new = _fill_sums(body, env, set(params), family_ranges(env, [body]))
    except ReadError:
        return False
    new = _renamed(new, dict(zip(params, old.params)))
    target = key(_bound_canonical(old.body))
    sizes = sorted(env.sizes)
    if key(_bound_canonical(new)) == target:
        return True
    for a, b in permutations(sizes, 2):  # one size renamed (J for K)
        if key(_bound_canonical(_renamed(new, {a: b}))) == target:
            return True
    return False


def _renamed(node: Node, mapping: dict[str, str]) -> Node:
    """Free plain letters renamed (subscripts, cases, indicators, bounds of sums)."""
    mapping = {a: b for a, b in mapping.items() if a != b}
    if not mapping:
        return node
    if isinstance(node, Sym):
        case = node.case
        if case is not None:
            case = replace(case, left=mapping.get(case.left, case.left),
                           right=mapping.get(case.right, case.right))
        name = mapping.get(node.name, node.name) if not node.sub else node.name
        return replace(node, name=name, case=case,
                       sub=tuple(_renamed(x, mapping) for x in node.sub))
    if isinstance(node, Indicator):
        c = node.case
        return replace(node, case=replace(c, left=mapping.get(c.left, c.left),
                                          right=mapping.get(c.right, c.right)))
    if isinstance(node, BigOp) and node.index in mapping:
        inner = {k: v for k, v in mapping.items() if k != node.index}
        return replace(node, body=_renamed(node.body, inner),
                       lo=_renamed(node.lo, mapping) if node.lo else None,
                       hi=_renamed(node.hi, mapping) if node.hi else None)
    kids = children(node)
    return _rebuild(node, [_renamed(k, mapping) for k in kids]) if kids else node


def _bound_canonical(node: Node, depth: int = 0) -> Node:
    """Every summation index renamed by its nesting depth."""
    if isinstance(node, BigOp) and node.index is not None:
        name = f"_b{depth}"
        body = _renamed(node.body, {node.index: name})
        return replace(node, index=name, body=_bound_canonical(body, depth + 1),
                       lo=_bound_canonical(node.lo, depth) if node.lo else None,
                       hi=_bound_canonical(node.hi, depth) if node.hi else None)
    kids = children(node)
    return _rebuild(node, [_bound_canonical(k, depth) for k in kids]) if kids else node

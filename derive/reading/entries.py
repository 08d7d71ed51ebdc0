"""Small builders and printers of index-form nodes for the vector lowering.

Owns the helpers :mod:`derive.reading.linalg` uses as it rewrites vector notation into
entries and sums: an entry that must exist, the letter of an index, parentheses where a sum
becomes a factor, a derivative written as the author wrote the one it replaces, a range's
comparison key, a node's text for messages, and the zero a side written 0 stands for
beside a vector or matrix. No sympy here.
"""

from __future__ import annotations

from typing import Any

from derive.reading.syntax import Add, Deriv, Neg, Node, Num, Paren, Sym
from derive.reading.tokenizer import ParseError

Range = tuple[Node, Node]


def need_entry(i: Node | None) -> Node:
    if i is None:
        raise ParseError("an entry of a vector where a scalar is needed", 0)
    return i


def index_letter(i: Node | None) -> str:
    if not isinstance(i, Sym):
        raise ParseError("diag(…) needs two indices", 0)
    return i.name


def parenthesised(n: Node) -> Node:
    return Paren(n, pos=n.pos) if isinstance(n, (Add, Neg)) else n


def derivative_as_written(expr: Node, var: Sym, written: Deriv | None, pos: int) -> Node:
    if written is not None:
        return Deriv(expr, (var,), written.style, written.frac, written.operator, pos=pos)
    return Deriv(expr, (var,), "partial", "frac", False, pos=pos)


def range_key(r: Range) -> tuple:
    from derive.reading.syntax import key
    return (key(r[0]), key(r[1]))


def shown(node: Node) -> str:
    from derive.reading.syntax import to_text
    try:
        return to_text(node)
    except TypeError:
        return "…"


__all__ = ["need_entry", "index_letter", "parenthesised", "derivative_as_written", "range_key",
           "shown"]


def zeros_shaped(sides: list[Node], lowered: list, low: Any) -> tuple[list, Any]:
    """The sides' (shape, builder) pairs with each side written 0 given the shape of the
    others (∂z/∂β_j = 0, ∇L = 0: the zero vector, said in a note of ``low``, the lowering),
    and the shape they share."""
    zero = [isinstance(s, Num) and s.text == "0" for s in sides]
    s0 = next((s for (s, _), z in zip(lowered, zero) if not z), lowered[0][0])
    if any(zero) and s0 != (None, None):
        low.note(f"0 is read as the zero of {low.shape_text(s0)}")
    return [(s0, b) if z else (s, b) for (s, b), z in zip(lowered, zero)], s0

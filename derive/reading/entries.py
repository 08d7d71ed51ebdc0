"""Small builders and printers of index-form nodes for the vector lowering.

Owns the helpers :mod:`derive.reading.linalg` uses as it rewrites vector notation into
entries and sums: an entry that must exist, the letter of an index, parentheses where a sum
becomes a factor, a derivative written as the author wrote the one it replaces, a range's
comparison key and a node's text for messages. No sympy here.
"""

from __future__ import annotations

from derive.reading.syntax import Add, Deriv, Neg, Node, Paren, Sym
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

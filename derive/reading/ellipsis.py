"""Written-out sums and products: ``e^{z_1} + e^{z_2} + \\cdots + e^{z_K}`` read as
Σ_{k=1}^{K} e^{z_k}, ``p_1 p_2 \\cdots p_n`` as Π_{k=1}^{n} p_k; and a '.' written for a
product (``df.\\frac{1}{N}``).

Owns :func:`fold_dots`, which the expression reader calls when it meets dots between the
terms of a sum or the factors of a product. The first term of the run and the term after
the dots must be the same tree except where the first has a whole number a and the last has
some b (the same a and b at every such place); the terms written between them must then be
that tree at a+1, a+2, ….
Anything else is refused: derive never guesses what dots stand for. No sympy here.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from derive.reading.syntax import BigOp, Neg, Node, Num, Sym, key, meaning_fields, walk
from derive.reading.tokenizer import TokenCursor

_LETTERS = "kjlmnpqrsuvw"


class _Mismatch(Exception):
    pass


def _template(first: Node, last: Node, holes: list[tuple[str, Node]], index: str) -> Node:
    """``first`` with every place where it has a number and ``last`` differs replaced by the
    index; the (number, last's node) pairs are collected in ``holes``."""
    if isinstance(first, Num) and key(first) != key(last):
        if not first.text.isdigit():
            raise _Mismatch
        holes.append((first.text, last))
        return Sym(index, pos=first.pos)
    if type(first) is not type(last):
        raise _Mismatch
    changes: dict[str, object] = {}
    for name in meaning_fields(type(first)):
        a, b = getattr(first, name), getattr(last, name)
        new: object
        if isinstance(a, Node) and isinstance(b, Node):
            new = _template(a, b, holes, index)
        elif isinstance(a, tuple) and isinstance(b, tuple):
            if len(a) != len(b):
                raise _Mismatch
            new = tuple(_template(x, y, holes, index) if isinstance(x, Node) and isinstance(
                y, Node) else _same(x, y) for x, y in zip(a, b))
        else:
            new = _same(a, b)
        if new is not a:
            changes[name] = new
    return dataclasses.replace(first, **changes) if changes else first  # type: ignore[arg-type]


def _same(a: object, b: object) -> object:
    if isinstance(a, Node) or isinstance(b, Node) or a != b:
        raise _Mismatch
    return a


def _letters(*nodes: Node) -> set[str]:
    out: set[str] = set()
    for node in nodes:
        for n in walk(node):
            if isinstance(n, Sym):
                out.add(n.name)
            elif isinstance(n, BigOp) and n.index:
                out.add(n.index)
    return out


def _hole_numbers(first: Node, term: Node, where: int) -> list[str] | None:
    """The numbers ``term`` has where the run's template ``first`` has its ``where`` holes,
    or None when it has another shape or something else there."""
    holes: list[tuple[str, Node]] = []
    try:
        _template(first, term, holes, "·")
    except _Mismatch:
        return None
    numbers = [b.text for _, b in holes if isinstance(b, Num)]
    return numbers if len(holes) == where and len(numbers) == where else None


def fold_dots(terms: list[Node], last: Node, pos: int, kind: str = "sum") -> list[Node] | None:
    """The terms (or the factors, for ``kind`` "prod") with the run that ends in the dots and
    ``last`` folded into one sum (product), or None when no run before the dots matches
    ``last``."""
    used = _letters(*terms, last)
    index = next((c for c in _LETTERS if c not in used), None)
    if index is None:
        return None
    for s in range(len(terms)):  # the earliest start whose run is consecutive
        first = terms[s]
        holes: list[tuple[str, Node]] = []
        try:
            body = _template(first, last, holes, index)
        except _Mismatch:
            continue
        if not holes or len({a for a, _ in holes}) != 1 or \
                len({key(b) for _, b in holes}) != 1:
            continue
        start = int(holes[0][0])
        # the terms between are the template at start + 1, start + 2, …
        if not all(_hole_numbers(first, terms[s + j], len(holes)) == [str(start + j)] *
                   len(holes) for j in range(1, len(terms) - s)):
            continue
        if s > 0 and _hole_numbers(first, terms[s - 1], len(holes)) is not None:
            return None  # x_1 + x_3 + ⋯ + x_n: a step other than 1 is not guessed
        inner = body.arg if isinstance(body, Neg) and kind == "sum" else body
        total: Node = BigOp(kind, inner, index, Num(str(start)), holes[0][1], "dots",
                            pos=first.pos)
        if kind == "prod":
            return [*terms[:s], total]
        return [*terms[:s], Neg(total, pos=first.pos) if isinstance(body, Neg) else total]
    return None


class DotsReading(TokenCursor):
    """Dots between factors, for :class:`derive.reading.parser.Parser` (mixed in)."""

    if TYPE_CHECKING:  # the grammar this calls back into, defined by Parser
        def factor(self) -> Node: ...
        def starts_factor(self) -> bool: ...

    def dot_is_product(self) -> bool:
        """A '.' between two factors with the same space on both sides (``df.\\frac``,
        ``a . b``) is a product; with a space after it only (``b. c``) it is a full stop, and
        what follows is refused in :meth:`parse_side`."""
        dot = self.tok
        after = self.peek()
        if after.kind == "eof" or dot.pos == 0 or dot.pos + 1 >= len(self.src):
            return False
        self.advance()
        follows = self.starts_factor()
        self.i -= 1
        before, behind = self.src[dot.pos - 1].isspace(), self.src[dot.pos + 1].isspace()
        return follows and before == behind

    def dots_then_sign(self) -> bool:
        """Dots right after a term and a sign after them, ``- b \\cdots - c``: only a sum can
        go on so (a product's dots stand between factors)."""
        after = self.peek()
        return self.at_op("dots") and after.kind == "op" and after.value in ("+", "-")

    def product_dots(self, factors: list[Node], ops: list[str]) -> bool:
        """``p(x_1) \\cdot p(x_2) \\cdots p(x_n)``: a written-out product, folded into
        Π_{k=1}^{n} p(x_k) in place (False when no factor follows the dots: a sum's dots)."""
        mark = self.i
        dots = self.advance()
        if self.at("cmd", "cdot") or self.at("cmd", "times"):
            self.advance()
        if not self.starts_factor():
            self.i = mark  # x_1 + \cdots + x_n: the dots of a sum, read there
            return False
        folded = fold_dots(factors, self.factor(), dots.pos, "prod")
        if folded is None:
            raise self.error("cannot tell what the dots stand for: the factors around them "
                             "must differ only in a number that counts up (x_1 x_2 \\cdots "
                             "x_n); or write \\prod_{k=1}^{n} …", dots)
        factors[:] = folded
        del ops[len(folded) - 1:]
        return True

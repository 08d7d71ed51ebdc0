"""Vectors whose entries a document writes with numbers: θ_0, θ_1, β_0.

Owns, for :mod:`derive.reading.linalg`, which entries of each family are written with a
number, the range of a vector numbered from 0 (``θ^T x = θ_0 + θ_1 x_1 + …``: θ_0 written in
an equation that writes vectors, so θ runs over 0..|θ| − 1 and |θ| is still its number of
entries), and the refusal of a vector read from 1 whose entry 0 is written elsewhere (which
entries it holds is unclear, so it is never guessed), checked once every equation is shaped
when the vector could still turn out to be of a size numbered from 0. No sympy here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.reading.names import name_text
from derive.reading.syntax import Add, Neg, Node, Num, Sym
from derive.reading.tokenizer import ParseError
from derive.reading.vectors import all_nodes

if TYPE_CHECKING:
    from derive.reading.linalg import Lowering

Range = tuple[Node, Node]


def _numbered(trees: list[Node]) -> list[tuple[str, int]]:
    """(name, number) of every entry written with a number (θ_0: ('\\theta', 0))."""
    return [(n.name, int(n.sub[0].text)) for t in trees for n in all_nodes(t)
            if isinstance(n, Sym) and len(n.sub) == 1 and isinstance(n.sub[0], Num)
            and n.sub[0].text.isdigit()]


def numbered_entries(trees: list[Node]) -> dict[str, set[int]]:
    """Each family name → the numbers its entries are written with (θ_0, θ_1: {0, 1})."""
    out: dict[str, set[int]] = {}
    for name, k in _numbered(trees):
        out.setdefault(name, set()).add(k)
    return out


def zero_written(equations: list[list[Node]]) -> set[str]:
    """The names whose entry 0 is written in one of ``equations`` (those that write
    vectors): θ in θ^T x = θ_0 + θ_1 x_1 + …; another section's scalar β_0 is not counted."""
    return {name for sides in equations for name, k in _numbered(sides) if k == 0}


def from_zero(label: str) -> Range:
    """The range of a vector numbered from 0 whose range nothing else gives: 0..|θ| − 1."""
    return (Num("0"), Add((Sym(label), Neg(Num("1")))))


def from_zero_note(base: str, label: str) -> str:
    shown = name_text(base)
    return (f"{shown}_0 is written, so the entries of {shown} are numbered from 0: "
            f"{shown}_0, …, {shown}_{{{label} − 1}}")


def check_numbered(numbered: dict[str, set[int]], base: str, known: Range | None,
                   pos: int) -> None:
    """θ_0 written, and θ summed over 1..n (or no range: 1..|θ|): which entries the vector
    θ holds is unclear, so it is refused, never guessed."""
    lo = known[0] if known is not None else Num("1")
    written = numbered.get(base, set())
    if isinstance(lo, Num) and lo.text.isdigit() and written and min(written) < int(lo.text):
        shown = name_text(base)
        raise ParseError(f"{shown}_{min(written)} is written, but the vector {shown} is "
                         f"read from {shown}_{lo.text} on: declare its size (derive: "
                         f"shapes: {{{shown}: [n]}}), or write the sum with its range "
                         f"(\\sum_{{k={min(written)}}}^{{n}})", pos)


def defer_or_check(low: Lowering, base: str, known: Range | None, pos: int, v: int) -> None:
    """:func:`check_numbered` now, or, for x_0 written and x of no known range in a document
    with a vector numbered from 0, once every equation is shaped (:func:`check_pending`): x
    may be of θ's size. (Refused at once, the equation shapes nothing: its sizes stay apart.)"""
    if known is None and low.zero_written and 0 in low.numbered.get(base, ()):
        low.pending.append((low.current, base, known, pos, v))
    else:
        check_numbered(low.numbered, base, known, pos)


def check_pending(low: Lowering, firsts: list) -> None:
    """The deferred checks: a vector whose size is not numbered from 0 after all, with its
    entry 0 written, makes its equation (``firsts[k]``) the refusal."""
    for k, base, known, pos, v in low.pending:
        if low.find(v) not in low.zero and not isinstance(firsts[k], ParseError):
            try:
                check_numbered(low.numbered, base, known, pos)
            except ParseError as exc:
                firsts[k] = exc

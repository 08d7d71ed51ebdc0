"""Sums with no range written: ``\\sum_k e^{o_k}``, ``\\sum_l e^{x_{kl}}``.

Owns how such a sum takes its range when nothing else gives one (called by
:mod:`derive.reading.scope` after the ranges written in the document): the range written
for its family or its index letter elsewhere, else all of the family, 1..|o|, or all of the
axis of a family of several indices that the letter indexes, 1..|x|_2, each a size of its
own shared by every sum over it, so that a claim is checked for every size. Each reading is
said in a note. No sympy here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.reading.syntax import Node, Num, Sym, name_text, to_text, walk

if TYPE_CHECKING:
    from derive.reading.scope import Env, Range


def implicit_size(family: str) -> str:
    """The size of a family whose range the document never writes: |o| for Σ_k e^{o_k}."""
    return f"|{family}|"


def implicit_range(letter: str, body: Node, env: Env, fam: dict[str, Range],
                    implicit: dict[str, str] | None, kind: str) -> Range | None:
    """Σ_k e^{o_k} with no range anywhere: over all of o, 1..|o|, a size of its own (shared
    by every sum over o), so the claim is checked for every size. None if the body indexes
    no family by ``letter``."""
    if implicit is None:
        return None
    indexed = sorted({n.name for n in walk(body) if isinstance(n, Sym) and len(n.sub) == 1
                      and isinstance(n.sub[0], Sym) and n.sub[0].name == letter
                      and not n.sub[0].sub})
    op = "Σ" if kind == "sum" else "Π"
    for family in indexed:
        if family in env.written_ranges:
            rng = env.written_ranges[family]
            implicit.setdefault(f"#{family}", f"{op}_{letter} has no range written: it runs over "
                                f"{letter} = {to_text(rng[0])}..{to_text(rng[1])}, the range "
                                f"written for {name_text(family)} elsewhere in the document")
            return rng
    if indexed and letter in env.letter_ranges:
        rng = env.letter_ranges[letter]
        implicit.setdefault(f"#{letter}", f"{op}_{letter} has no range written: it runs over "
                            f"{letter} = {to_text(rng[0])}..{to_text(rng[1])}, the range every "
                            f"other sum over {letter} in the document writes")
        return rng
    families = [f for f in indexed if f not in env.definitions]
    if not families:
        return None
    family = families[0]
    size = implicit_size(family)
    rng = (Num("1"), Sym(size))
    fam.setdefault(family, rng)
    implicit.setdefault(size, f"{op}_{letter} has no range written: it runs over all of "
                              f"{name_text(family)}, {letter} = 1..{size}, for every size {size}")
    return fam[family]


def implicit_axis(letter: str, body: Node, env: Env, fam: dict[str, Range],
                  implicit: dict[str, str] | None, kind: str) -> Range | None:
    """Σ_l e^{x_{kl}}: over all of x's axis that l indexes, l = 1..|x|_2, a size of its own
    for that axis (shared by every such sum). None unless some family of several indices has
    ``letter`` at exactly one place."""
    found = sorted({(n.name, n.sub.index(place), len(n.sub)) for n in walk(body)
                    if isinstance(n, Sym) and len(n.sub) > 1 and n.name not in env.definitions
                    for place in n.sub if isinstance(place, Sym) and place.name == letter
                    and not place.sub and sum(isinstance(t, Sym) and t.name == letter
                                              for t in n.sub) == 1})
    if not found or implicit is None:
        return None
    from derive.reading.family_ranges import axis_key

    op = "Σ" if kind == "sum" else "Π"

    family, axis, axes = found[0]
    size = f"{implicit_size(family)}_{axis + 1}"
    rng = fam.setdefault(axis_key(family, axis, axes), (Num("1"), Sym(size)))
    implicit.setdefault(size, f"{op}_{letter} has no range written: it runs over all of "
                              f"{name_text(family)}'s axis {axis + 1}, {letter} = 1..{size}, "
                              f"for every size {size}")
    return rng

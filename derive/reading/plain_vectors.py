"""Vectors written plain: ``w^T x_i`` with w never indexed.

Owns the one inference that makes a plain name a vector without a declaration: a plain
lowercase letter that the document transposes (``w^T``, ``w^\\top``) and never writes with
an index is a vector (the transpose of a scalar is no notation anyone writes), and what it
multiplies right after the transpose is one too: ``w^T x`` makes x a vector, ``w^T x_i``
makes x_i member i of a family of vectors (its entries are x_{ia}, as for ``\\mathbf{x}_i``).
Each such name is renamed to its bold spelling in every tree of the document, so the
lowering (:mod:`derive.reading.linalg`) reads it as it reads ``\\mathbf{w}^T\\mathbf{x}_i``,
and every equation that uses one says so in a note.

Nothing else is guessed: a letter also written with an index (w_j: then w^T is read as
before, beside its family), a capital (a matrix or a vector?), a name declared under
``derive: shapes`` or applied as a function, and a neighbour written both bare and indexed
(x beside x_i) stay as they are, and the lowering's messages apply. No sympy here.
"""

from __future__ import annotations

from dataclasses import replace

from derive.reading.names import name_text
from derive.reading.syntax import Apply, Mul, Node, Sym
from derive.reading.vectors import (
    Transpose,
    all_nodes,
    bold_letter,
    is_bold,
    map_names,
    written_forms,
)

Chain = list[tuple[Node, str, int]]


def _plain_letter(name: str) -> bool:
    """One lowercase letter, Latin or Greek (w, θ), not bold and no accent."""
    if is_bold(name) or bold_letter(name) is not None:
        return False
    if len(name) == 1:
        return name.isalpha() and name.islower()
    return name.startswith("\\") and name[1:].isalpha() and name[1].islower()


def _uses(trees: list[Node]) -> tuple[set[str], set[str], set[str], set[str]]:
    """(names written bare or as a case, with one index, with two or more, applied)."""
    applied = {n.func.name for t in trees for n in all_nodes(t) if isinstance(n, Apply)}
    cases = {n.name for t in trees for n in all_nodes(t)  # y_{k=i}: written as an entry
             if isinstance(n, Sym) and not n.sub and n.case is not None}
    bare, one, more = written_forms(trees)
    return bare | cases, one, more, applied


def promoted(trees: list[Node], declared: frozenset[str]
             ) -> tuple[dict[str, str], dict[str, str]]:
    """(the plain names read as vectors, the plain families read as families of vectors),
    each with the transposed vector it multiplies ("" for a name transposed itself)."""
    bare, one, more, applied = _uses(trees)

    def vector_letter(name: str) -> bool:
        return _plain_letter(name) and name not in one | more | applied | declared

    vectors: dict[str, str] = {}  # name -> the transposed vector it multiplies ("" for w)
    families: dict[str, str] = {}
    for t in trees:
        for n in all_nodes(t):
            if not isinstance(n, Mul):
                continue
            for a, b in zip(n.factors, n.factors[1:]):
                if not (isinstance(a, Transpose) and isinstance(a.arg, Sym) and not a.arg.sub
                        and vector_letter(a.arg.name)):
                    continue
                vectors.setdefault(a.arg.name, "")
                if isinstance(b, Sym) and _plain_letter(b.name) and b.name not in \
                        applied | declared:
                    if not b.sub and b.name not in one | more:
                        vectors.setdefault(b.name, a.arg.name)  # w^T x: x of w's size
                    elif len(b.sub) == 1 and isinstance(b.sub[0], Sym) and \
                            b.name not in bare:
                        families.setdefault(b.name, a.arg.name)  # w^T x_i: member i
    return vectors, families


def rename(tree: Node, vectors: dict[str, str], families: dict[str, str]) -> Node:
    """``tree`` with the promoted names in their bold spelling (a subscript is left as it
    is: h_{w,b} names h, whatever w is)."""
    def bold(n: Sym) -> Sym:
        if (n.name in vectors and not n.sub) or (n.name in families and len(n.sub) == 1):
            return replace(n, name=f"\\mathbf{{{n.name}}}")
        return n

    return map_names(tree, bold)


def promote(chains: list[Chain | None], declared: frozenset[str]
            ) -> tuple[list[Chain | None], list[tuple[str, ...]]]:
    """Every chain with the plain vectors renamed bold, and for each chain the notes that
    say which names it reads as vectors."""
    trees = [t for c in chains if c for t, _, _ in c]
    vectors, families = promoted(trees, declared)
    if not vectors and not families:
        return chains, [()] * len(chains)
    out: list[Chain | None] = []
    notes: list[tuple[str, ...]] = []
    for c in chains:
        if not c:
            out.append(c)
            notes.append(())
            continue
        used = {n.name for t, _, _ in c for n in all_nodes(t) if isinstance(n, Sym)}
        said = []
        for name in sorted(vectors.keys() & used):
            shown, by = name_text(name), name_text(vectors[name])
            why = f"it multiplies {by}^T" if by else f"it is transposed, {shown}^T"
            said.append(f"{shown} is read as a vector ({why}, and is never written with an "
                        f"index); declare its shape to say otherwise")
        for name in sorted(families.keys() & used):
            shown, by = name_text(name), name_text(families[name])
            said.append(f"{shown}_i is read as vector i of a family (it multiplies {by}^T), "
                        f"with entries {shown}_{{ia}}")
        out.append([(rename(t, vectors, families), s, o) for t, s, o in c])
        notes.append(tuple(said))
    return out, notes

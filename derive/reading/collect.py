"""The document-wide prepass over parsed trees: which names are families, which letters are
indices and which are sizes, and the one range a document writes for a family or a letter.

Owns only collection (nothing here infers meaning for a single equation; that is
:mod:`derive.reading.scope`). Works on :mod:`derive.reading.syntax` trees; no sympy.
"""

from __future__ import annotations

from derive.reading.sets import lowered
from derive.reading.syntax import BigOp, Indicator, Node, Sym, children, walk

Range = tuple[Node, Node]


def collect_families(trees: list[Node]) -> set[str]:
    """Names written with an index somewhere in the document (z in z_i, y in y_{k=i})."""
    return {n.name for tree in trees for n in walk(tree)
            if isinstance(n, Sym) and (n.sub or n.case is not None)}


def written_ranges(trees: list[Node]) -> tuple[dict[str, Range], dict[str, Range]]:
    """The range written for each family and for each index letter, where the document
    writes exactly one (a family or letter summed over two ranges gets none)."""
    from derive.reading.syntax import key

    by_family: dict[str, dict] = {}
    by_letter: dict[str, dict] = {}
    for tree in trees:
        for n in walk(tree):
            if not (isinstance(n, BigOp) and n.index and n.lo is not None and n.hi is not None):
                continue
            rng = (n.lo, n.hi)
            k = (key(n.lo), key(n.hi))
            if not lowered(n):  # the index of Σ_{x∈X}'s elements is derive's, not the author's
                by_letter.setdefault(n.index, {})[k] = rng
            for m in walk(n.body):
                if isinstance(m, Sym) and len(m.sub) == 1 and isinstance(m.sub[0], Sym) and \
                        m.sub[0].name == n.index:
                    by_family.setdefault(m.name, {})[k] = rng
    def pick(found: dict[str, dict]) -> dict[str, Range]:
        return {name: next(iter(r.values())) for name, r in found.items() if len(r) == 1}

    return pick(by_family), pick(by_letter)


def collect_sizes_and_indices(trees: list[Node]) -> tuple[set[str], set[str]]:
    """Sizes are the letters used as upper limits of sums; indices are subscript letters and
    case letters (document-wide), where no sum binds them. A summation index is an integer
    only inside its own sum (the translator binds it there): ``x`` in Σ_x t_x types nothing
    outside that sum."""
    sizes: set[str] = set()
    indices: set[str] = set()

    def visit(node: Node, bound: frozenset[str]) -> None:
        if isinstance(node, BigOp):
            for s in _letters(node.hi) if node.hi is not None else ():
                sizes.add(s)
            for part in (node.lo, node.hi):
                if part is not None:
                    visit(part, bound)
            visit(node.body, bound | {node.index} if node.index else bound)
            return
        if isinstance(node, Sym):
            if node.case is not None:
                indices.update(x for x in (node.case.left, node.case.right) if x not in bound)
            for sub in node.sub:
                if isinstance(sub, Sym) and not sub.sub:
                    if sub.name not in bound:
                        indices.add(sub.name)
                else:
                    indices.update(x for x in _letters(sub) if x not in bound)
            return
        if isinstance(node, Indicator):
            indices.update(x for x in (node.case.left, node.case.right) if x not in bound)
            return
        for c in children(node):
            visit(c, bound)

    for tree in trees:
        visit(tree, frozenset())
    return sizes, indices - sizes


def _letters(node: Node | None) -> set[str]:
    if node is None:
        return set()
    return {n.name for n in walk(node) if isinstance(n, Sym) and not n.sub and n.case is None}

"""Sizes the document ties to a written range, for the numeric search.

Owns :func:`tied_sizes`: a size the vector lowering invents for an axis of a family of
several indices (``|z|_2`` for the vectors 𝐳_n of z_{ni}) stands for the same number as the
range the document writes for that axis elsewhere (Σ_{i=1}^{K} e^{z_{ni}}), so a point must
never give them two values: a counterexample at |z|_2 = 2, K = 3 is none. Proofs are
symbolic and hold for any values, so they need no tie. No verdicts here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.reading.syntax import BigOp, Num, Sym, key, name_text, walk

if TYPE_CHECKING:
    from derive.engine.translate import Symbols
    from derive.reading.document import Document


def tied_sizes(doc: Document, symbols: Symbols) -> tuple:
    """(invented size, written size) symbol pairs, in name order (memoised per document)."""
    memo_key = ("tied sizes",)
    if memo_key not in symbols.memo:
        symbols.memo[memo_key] = _tied(doc, symbols)
    return symbols.memo[memo_key]


def _tied(doc: Document, symbols: Symbols) -> tuple:
    env = doc.env
    if env is None:
        return ()
    written: dict[tuple[str, int], dict] = {}  # (family, axis) → the ranges written for it
    for eq in doc.equations:
        for side in eq.sides:
            for n in walk(side):
                if not (isinstance(n, BigOp) and n.index and n.lo is not None and
                        n.hi is not None):
                    continue
                for m in walk(n.body):
                    if isinstance(m, Sym) and len(m.sub) > 1:
                        for place, s in enumerate(m.sub):
                            if isinstance(s, Sym) and s.name == n.index:
                                written.setdefault((name_text(m.name), place), {})[
                                    (key(n.lo), key(n.hi))] = (n.lo, n.hi)
    out = []
    for size in sorted(env.sizes):
        if not (size.startswith("|") and ("|_" in size or size.endswith("|"))):
            continue
        if size.endswith("|"):  # |z| of the vectors 𝐳_n of z_{ni}: the axis after the first
            found = [r for (name, at), r in written.items() if name == size[1:-1] and at >= 1]
            ranges = found[0] if len(found) == 1 else None
        else:
            shown, _, axis = size[1:].rpartition("|_")
            ranges = written.get((shown, int(axis) - 1)) if axis.isdigit() else None
        if ranges is None or len(ranges) != 1:
            continue
        lo, hi = next(iter(ranges.values()))
        if isinstance(lo, Num) and lo.text == "1" and isinstance(hi, Sym) and not hi.sub and \
                hi.name in env.sizes and hi.name != size:
            out.append((symbols.size(size), symbols.size(hi.name)))
    return tuple(out)


__all__ = ["tied_sizes"]

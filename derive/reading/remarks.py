"""What the reader says about how it read an equation, beyond its verdicts.

Owns :func:`reading_remarks`: the notes on written-out sums (read as Σ) and on a term left
outside a sum although it uses the sum's index; and :func:`dangling_index`, such a term whose
index is free nowhere else, which the reader refuses. No sympy here.
"""

from __future__ import annotations

from derive.reading.syntax import BigOp, Indicator, Node, Sym, children, to_text, walk


def reading_remarks(sides: list[Node]) -> tuple[str, ...]:
    """The notes on one equation's sides, each once, in order."""
    written_out = [n for s in sides for n in walk(s) if isinstance(n, BigOp) and
                   n.written == "dots"]
    notes = [f"the {'factors' if n.kind == 'prod' else 'terms'} written out with dots are read "
             f"as {to_text(n)}" for n in written_out]
    notes += [note for s in sides for note in left_outside(s)]
    return tuple(dict.fromkeys(notes))


def left_outside(side: Node) -> list[str]:
    """``\\sum_i a_i + b_i``: a term after a sum that uses the sum's index although the
    reading ends the sum before it. It is read as written (b_i outside), and said."""
    return [f"{to_text(use)} comes after {to_text(total)} and uses its index {letter}, but the "
            f"sum ends before it: it is read outside the sum (write \\sum_{letter} (… + …) if "
            "it belongs inside)" for letter, total, _, use in _outside(side)]


def dangling_index(sides: list[Node], free: tuple[str, ...] = ()) -> tuple[str, int] | None:
    """A term left outside a sum that uses the sum's index, where that index is free nowhere
    else in the equation (Σ_{i=1}^n y_i log π_i + (1 − y_i) log(1 − π_i)): then it stands for
    nothing but the sum's index, and whether the term is inside is not guessed. The refusal
    (message, position), or None."""
    found = [(letter, total, later) for s in sides for letter, total, later, _ in _outside(s)]
    for letter, total, later in found:
        if letter in free:  # S_i = Σ_i a_i + b_i: i is the defined family's own index
            continue
        skip = {id(t) for other, _, t in found if other == letter}
        if not any(_free_use(s, letter, skip, False) for s in sides):
            return (f"{to_text(later)} comes after {to_text(total)} and uses its index "
                    f"{letter}, which is free nowhere else: write \\sum_{letter} (… + …) if it "
                    "belongs inside the sum, or another letter if not", later.pos)
    return None


def _free_use(node: Node, letter: str, skip: set[int], bound: bool) -> bool:
    """Does ``letter`` occur free in ``node`` as an index, outside the subtrees ``skip``?"""
    if id(node) in skip:
        return False
    if isinstance(node, BigOp):
        return any(_free_use(p, letter, skip, bound) for p in (node.lo, node.hi)
                   if p is not None) or _free_use(node.body, letter, skip,
                                                 bound or node.index == letter)
    if bound:
        return False
    if isinstance(node, Sym):
        if node.case is not None and letter in (node.case.left, node.case.right):
            return True
        return any((isinstance(x, Sym) and x.name == letter and not x.sub) or
                   _free_use(x, letter, skip, bound) for x in node.sub)
    if isinstance(node, Indicator):
        return letter in (node.case.left, node.case.right)
    return any(_free_use(c, letter, skip, bound) for c in children(node))


def _outside(side: Node) -> list[tuple[str, Node, Node, Node]]:
    """(the sum's index, the sum, a later term that uses it unbound, the use) in ``side``."""
    from derive.reading.syntax import Add, Neg

    out: list[tuple[str, Node, Node, Node]] = []
    for node in walk(side):
        if not isinstance(node, Add):
            continue
        terms = list(node.terms)
        for k, term in enumerate(terms):
            inner = term.arg if isinstance(term, Neg) else term
            if not (isinstance(inner, BigOp) and inner.index):
                continue
            letter = inner.index
            for later in terms[k + 1:]:
                uses = [n for n in walk(later) if isinstance(n, Sym) and any(
                    isinstance(x, Sym) and x.name == letter for x in n.sub)]
                bound = any(isinstance(n, BigOp) and n.index == letter for n in walk(later))
                if uses and not bound:
                    out.append((letter, inner, later, uses[0]))
    return out

"""What the reader says about how it read an equation, beyond its verdicts.

Owns :func:`reading_remarks`: the notes on written-out sums (read as Σ) and on a term left
outside a sum although it uses the sum's index; and :func:`absorb_dangling`, for such a term
whose index is free nowhere else: it is read inside the sum, with a note, where that is the
only reading that gives the letter a meaning, and refused where it is not clear which terms
belong. No sympy here.
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


def absorb_dangling(sides: list[Node], free: tuple[str, ...] = ()
                    ) -> tuple[list[Node], tuple[str, ...], tuple[str, int] | None]:
    """Terms after a sum that use the sum's index, where that index is free nowhere else in
    the equation (Σ_{i=1}^n y_i log π_i + (1 − y_i) log(1 − π_i)). Outside the sum such a
    term would stand for nothing, so it is read inside, and said. Only the terms right after
    the sum are taken in, and only by a sum that is neither negated (−Σ_i a_i + b_i: does
    the minus cover b_i?) nor closed by brackets (Σ_i (a_i) + b_i). Otherwise nothing is
    guessed. Returns (the sides, the notes, a refusal (message, position) or None)."""
    found = [(letter, later) for s in sides for letter, _, later, _ in _outside(s)]
    dangling: set[str] = set()
    for letter, _later in found:
        if letter in free:  # S_i = Σ_i a_i + b_i: i is the defined family's own index
            continue
        skip = {id(t) for other, t in found if other == letter}
        if not any(_free_use(s, letter, skip, False) for s in sides):
            dangling.add(letter)
    if not dangling:
        return sides, (), None
    notes: list[str] = []
    refusal: list[tuple[str, int]] = []
    out = [_absorb(s, dangling, notes, refusal) for s in sides]
    if refusal:
        return sides, (), refusal[0]
    return out, tuple(dict.fromkeys(notes)), None


def _absorb(node: Node, letters: set[str], notes: list[str],
            refusal: list[tuple[str, int]]) -> Node:
    from dataclasses import replace

    from derive.reading.scope import rebuild
    from derive.reading.syntax import Add, Mul, Neg, Paren

    kids = children(node)
    if kids:
        new = [_absorb(k, letters, notes, refusal) for k in kids]
        if any(a is not b for a, b in zip(new, kids)):
            node = rebuild(node, new)
    if not isinstance(node, Add):
        return node
    terms = list(node.terms)
    out: list[Node] = []
    k = 0
    while k < len(terms):
        term = terms[k]
        paths = right_edge_sums(term)  # the sums on the term's right edge, outermost first
        mine = {total.index for _, total in paths if total.index in letters}
        if not mine:
            out.append(term)
            k += 1
            continue
        j = k + 1
        while j < len(terms) and any(_uses(terms[j], x) for x in mine):
            j += 1
        later = terms[k + 1:j]
        rest = [t for t in terms[j:] if any(_uses(t, x) for x in mine)]
        path, inner = paths[-1]  # the innermost sum: the one a term after it would join
        used = {x for x in mine if any(_uses(t, x) for t in later)}
        why = ("other terms come between" if rest else
               "the sum is negated, and whether the minus covers it is not guessed"
               if any(isinstance(n, Neg) for n in path) else
               "it is a product" if any(isinstance(n, BigOp) and n.kind != "sum"
                                        for n in path) else
               "the sum's body is closed by brackets" if isinstance(inner.body, Paren) else
               "the sum's body ends in another sum, which it could belong to"
               if inner.index not in used else None) if later or rest else None
        if why is not None:
            first = (later or rest)[0]
            letter = sorted(used or mine)[0]
            total = next(t for _, t in paths if t.index == letter)
            refusal.append((f"{to_text(first)} comes after {to_text(total)} and uses its "
                            f"index {letter}, which is free nowhere else, but {why}: write "
                            f"\\{total.kind}_{letter} (… + …) if it belongs inside, or "
                            "another letter if not", first.pos))
            return node
        if not later:
            out.append(term)
            k += 1
            continue
        body_terms = inner.body.terms if isinstance(inner.body, Add) else (inner.body,)
        grown: Node = replace(inner, body=Add((*body_terms, *later), pos=inner.body.pos))
        notes.append(f"{' + '.join(to_text(t) for t in later)} comes after {to_text(inner)} "
                     f"and uses its index {inner.index}, which is free nowhere else: it is "
                     f"read inside the sum, {to_text(grown)} (write \\sum_{inner.index} (… + …) "
                     "to say so)")
        for parent in reversed(path[:-1]):  # put the grown sum back in its place
            if isinstance(parent, BigOp):
                grown = replace(parent, body=grown)
            elif isinstance(parent, Mul):
                grown = replace(parent, factors=(*parent.factors[:-1], grown))
        out.append(grown)
        k = j
    if len(out) == len(terms):
        return node
    return out[0] if len(out) == 1 else replace(node, terms=tuple(out))


def right_edge_sums(term: Node) -> list[tuple[tuple[Node, ...], BigOp]]:
    """The sums on the right edge of ``term`` (2 Σ_i a_i, Σ_i Σ_j a_ij, −Σ_i a_i: what a
    term written after it may continue), outermost first, each with the path from ``term``
    down to it (the sum last)."""
    from derive.reading.syntax import Mul, Neg

    out: list[tuple[tuple[Node, ...], BigOp]] = []
    path: list[Node] = []
    node: Node | None = term
    while node is not None:
        path.append(node)
        if isinstance(node, BigOp):
            if node.index:
                out.append((tuple(path), node))
            node = node.body
        elif isinstance(node, Mul):
            node = node.factors[-1]
        elif isinstance(node, Neg):
            node = node.arg
        else:
            node = None
    return out


def _uses(term: Node, letter: str) -> bool:
    """Does ``term`` use ``letter`` as an index, outside any sum over it?"""
    return _first_use(term, letter) is not None


def _first_use(term: Node, letter: str) -> Sym | None:
    """The first entry in ``term`` with ``letter`` as an index (x_i), unless ``term`` sums
    over ``letter`` itself."""
    if any(isinstance(n, BigOp) and n.index == letter for n in walk(term)):
        return None
    return next((n for n in walk(term) if isinstance(n, Sym) and any(
        isinstance(x, Sym) and x.name == letter for x in n.sub)), None)


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
    """(the sum's index, the sum, a later term that uses it unbound, the use) in ``side``:
    for every sum on the right edge of a term (:func:`right_edge_sums`), the terms after it."""
    from derive.reading.syntax import Add

    out: list[tuple[str, Node, Node, Node]] = []
    for node in walk(side):
        if not isinstance(node, Add):
            continue
        terms = list(node.terms)
        for k, term in enumerate(terms):
            for _, total in right_edge_sums(term):
                letter = total.index
                assert letter is not None
                for later in terms[k + 1:]:
                    if (use := _first_use(later, letter)) is not None:
                        out.append((letter, total, later, use))
    return out

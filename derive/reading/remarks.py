"""What the reader says about how it read an equation, beyond its verdicts.

Owns :func:`reading_remarks`: the notes on written-out sums (read as Σ) and on a term left
outside a sum although it uses the sum's index. No sympy here.
"""

from __future__ import annotations

from derive.reading.syntax import BigOp, Node, Sym, to_text, walk


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
    from derive.reading.syntax import Add, Neg

    out = []
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
                    out.append(f"{to_text(uses[0])} comes after {to_text(inner)} and uses its "
                               f"index {letter}, but the sum ends before it: it is read outside "
                               f"the sum (write \\sum_{letter} (… + …) if it belongs inside)")
                    break
    return out

"""Entries of a function's value at a vector: ``s(\\mathbf{x})_i``,
``\\mathrm{softmax}_k(\\mathbf{z})`` and, at a vector of a family,
``\\mathrm{softmax}(\\mathbf{z}_n)_k``.

Owns how the parser names such an entry. It is an entry of a family named for the function and
its argument (:data:`~derive.reading.names.APPLIED`): s(x)_i is ``Sym("s@x", (i,))``, so s(y)_i
is another family. At a vector of a family (``\\mathbf{z}_n``, whose entries are z_{nk}) the
family's indices come first: softmax(z_n)_k is ``Sym("softmax@z", (n, k))``, entry (n, k).

A named operator with an index before its argument, ``\\operatorname{softmax}_k(\\mathbf{z})``,
is read as the same entry, but only for the operators derive knows entry by entry
(:data:`INDEXED_OPERATORS`) and only before a bold argument: ``f_k(x)`` of a plain name
could be a family of functions f_k, and stays as it was.

No sympy here.
"""

from __future__ import annotations

from derive.reading.names import APPLIED
from derive.reading.syntax import Apply, Node, Sym
from derive.reading.tokenizer import Token
from derive.reading.vectors import BOLD, bold_letter

#: named operators whose index before the argument names an entry of their value
INDEXED_OPERATORS = frozenset({
    "\\operatorname{softmax}", "\\operatorname{sigmoid}", "\\operatorname{softplus}",
})


def _plain_index(node: Node) -> bool:
    return isinstance(node, Sym) and not node.sub and node.case is None and \
        node.name.isalpha() and len(node.name) == 1


def operator_entry(node: Sym, toks: list[Token], i: int) -> tuple[Node, ...] | None:
    """The index of ``\\operatorname{softmax}_k`` when a bold argument follows, else None."""
    if node.name not in INDEXED_OPERATORS or len(node.sub) != 1 or node.case is not None or \
            not _plain_index(node.sub[0]):
        return None
    if not (i + 1 < len(toks) and toks[i].kind == "op" and toks[i].value == "(" and
            toks[i + 1].kind == "cmd" and toks[i + 1].value in BOLD):
        return None
    return node.sub


def applied_family(node: Apply, bold: bool) -> Sym | None:
    """The family whose entries are the entries of ``node``'s value, its own indices (a
    family of vectors' index) already in place; None when the argument is no family's name:
    one name, whole (``s(x)``, ``s(\\mathbf{x})``, bold said by ``bold``), or a vector of a
    family written bold with plain indices (``s(\\mathbf{z}_n)``)."""
    if node.func.sub or node.seps or node.primes or len(node.args) != 1 or \
            not isinstance(node.args[0], Sym):
        return None
    arg = node.args[0]
    if not arg.sub:
        return Sym(node.func.name + APPLIED + arg.name, pos=node.func.pos)
    letter = bold_letter(arg.name)
    if letter is None or bold or arg.case is not None or \
            not all(_plain_index(s) for s in arg.sub):
        return None
    return Sym(node.func.name + APPLIED + letter, arg.sub, pos=node.func.pos)

"""Class labels written as indices, in sympy: the y_i of f_{y_i}, p_{y_i} and 1(y_i = k).

Owns how the engine reads a label (parsed by :mod:`derive.reading.bigops` as one index name,
``"y" + LABEL + "i"``): an integer index symbol of its own, for the one letter i it is
written with, so a claim about it must hold for every value it may take, like any free
index. Its tie to i is kept wherever i stays a letter: a family defined with it (L_i = −log
p_{y_i}) read at another letter reads that letter's label (L_j reads y_j). Where the tie
cannot be kept, under a sum over i or at a number (Σ_i L_i, L_2), the link is undecided,
never one label for every sample. :func:`label_ties` tells the numeric search which labels
must agree (y_i = y_j where i = j). No verdicts here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from derive.reading.names import LABEL, label_parts
from derive.reading.scope import ReadError, Undetermined
from derive.reading.syntax import name_text

if TYPE_CHECKING:
    from derive.engine.translate import Symbols, Translator
    from derive.reading.scope import Definition
    from derive.reading.syntax import Sym


def label_value(tr: Translator, node: Sym, bound: dict[str, sp.Symbol]) -> sp.Expr:
    """The symbol of the label y_i at this point of a side: under a sum over i it is
    undecided; the name y written also as a value is refused."""
    label = label_parts(node.name)
    assert label is not None
    base, letter = label
    value = bound.get(letter)
    if value is not None and value != tr.symbols.index(letter):
        raise Undetermined(f"the label {name_text(node.name)} is written under a sum over "
                           f"{letter}: a label for each {letter} is not read; write the "
                           "sum's terms by their own names")
    env = tr.env
    if base in env.values or base in env.entries or base in env.definitions:
        raise ReadError(f"{name_text(node.name)} is written as a label (an index, as in "
                        f"f_{{{name_text(node.name)}}}) and {name_text(base)} also as a "
                        "value: rename one of them", node.pos)
    return tr.symbols.index(node.name)


def labels_at(tr: Translator, d: Definition, body: sp.Expr, at: dict[str, sp.Expr]) -> dict:
    """The labels in a family's body taken at other indices, as a substitution: y_i in
    L_i = −log p_{y_i} is y_j in L_j; at a sum's dummy or a number it is undecided."""
    out: dict = {}
    for symbol in sorted(body.free_symbols, key=str):
        name = tr.symbols.letter_of(symbol) or ""
        label = label_parts(name)
        if label is None:
            continue
        base, letter = label
        if letter not in at or at[letter] == tr.symbols.index(letter):
            continue
        other = tr.symbols.letter_of(at[letter])
        if other is None or label_parts(other) is not None:
            raise Undetermined(f"{name_text(d.name)} reads the label {name_text(name)}: "
                               f"{name_text(d.name)} at another value of {letter} (a sum's "
                               "index, a number) is not read, a label for each value; "
                               "write it at a letter")
        out[symbol] = tr.symbols.index(base + LABEL + other)
    return out


def label_ties(symbols: Symbols, found: set) -> tuple:
    """(y_i, y, i) for each label's symbol among ``found``: where i and j take one value,
    y_i and y_j are one label, so a point must give them one value."""
    out = []
    for symbol in sorted(found, key=str):
        label = label_parts(symbols.letter_of(symbol) or "")
        if label is not None:
            out.append((symbol, label[0], symbols.index(label[1])))
    return tuple(out)


__all__ = ["label_value", "labels_at", "label_ties"]

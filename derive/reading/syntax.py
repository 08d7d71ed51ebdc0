"""The surface syntax tree: what a document writes, before any meaning is attached.

Nodes are frozen dataclasses (made by :mod:`derive.records`) produced by
:mod:`derive.reading.parser`. They remember the author's notation (``\\frac`` or ``\\over``,
``1\\{k=i\\}`` or ``\\delta_{ki}``) so that derive can print a derived or corrected form in
the author's own notation. This module also owns the two printers of the tree: back to
LaTeX, and to plain text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field, replace
from typing import TypeVar

from derive.reading.names import (  # noqa: F401 - re-exported
    APPLIED,
    CONDITION,
    DIVERGENCE,
    LABEL,
    SAMPLE,
    applied_parts,
    label_parts,
    name_text,
    separators_latex,
    separators_text,
)
from derive.records import frozen

_T = TypeVar("_T")


def notation(default: _T) -> _T:
    """A field that records how something was written (``\\frac`` or ``\\over``, ``ln`` or
    ``log``), not what it means: :func:`key` leaves it out, every other field is identity."""
    return field(default=default, metadata={"notation": True})


@frozen
class Node:
    pos: int = field(default=0, compare=False, kw_only=True)  # offset in the equation source


@frozen
class Num(Node):
    text: str


@frozen
class Case(Node):
    """A condition between two indices, as in ``y_{k=i}`` or ``1\\{k \\neq i\\}``."""

    left: str
    right: str
    equal: bool = True
    style: str = notation("=")  # how "≠" was written: \neq, \ne, \not=


@frozen
class Sym(Node):
    """A name, possibly subscripted: ``C``, ``y_k``, ``z_{k=i}``, ``W_{ij}``, ``\\sigma``."""

    name: str
    sub: tuple[Node, ...] = ()
    case: Case | None = None  # for a case subscript: sub holds the case's left index
    braced: bool = notation(False)  # was the subscript written in braces


@frozen
class Apply(Node):
    """``f(x)``, ``H[P]``, ``P(a \\mid b)``, ``KL(P \\| Q)``: a function applied to arguments."""

    func: Sym
    args: tuple[Node, ...]
    primes: int = 0  # f'(x) is the derivative of f at x
    # what stands between the arguments, when it means more than a list: CONDITION in P(a|b),
    # DIVERGENCE in KL(P‖Q), "," for the others; () when every separator is a comma (or ;)
    seps: tuple[str, ...] = ()
    style: tuple[str, ...] = notation(())  # the separators as written: "; ", " \\mid ", …
    brackets: str = notation("(")  # ( or [, as in H[P]


@frozen
class Func(Node):
    """An elementary function written as a macro: \\sin, \\cos, \\tanh, \\sqrt, …"""

    name: str
    arg: Node


@frozen
class Neg(Node):
    arg: Node


@frozen
class Add(Node):
    terms: tuple[Node, ...]  # subtraction is a Neg term


@frozen
class Mul(Node):
    factors: tuple[Node, ...]
    # the written operator before each factor after the first ("" implicit)
    ops: tuple[str, ...] = notation(())


@frozen
class Frac(Node):
    num: Node
    den: Node
    style: str = notation("frac")  # frac | dfrac | tfrac | over | slash


@frozen
class Pow(Node):
    base: Node
    exp: Node


@frozen
class Exp(Node):
    arg: Node
    style: str = notation("e")  # e (e^{x}) | exp (\exp)


@frozen
class Log(Node):
    arg: Node
    style: str = notation("log")  # log | ln


@frozen
class Paren(Node):
    inner: Node
    open: str = notation("(")
    close: str = notation(")")


@frozen
class BigOp(Node):
    """``\\sum``/``\\prod``; a bare one has no index (inferred later)."""

    kind: str  # sum | prod
    body: Node
    index: str | None = None
    lo: Node | None = None
    hi: Node | None = None
    # full | index | bare, as written
    written: str = field(default="full", compare=False, metadata={"notation": True})


@frozen
class Indicator(Node):
    case: Case
    style: str = notation("1{}")  # 1{} | mathbb | mathbf | 1() | mathbb_ | delta | delta,


@frozen
class Deriv(Node):
    """A derivative: ∂^n expr / ∂v1 ∂v2 …; operator form when written ∂/∂v applied to a factor."""

    expr: Node
    wrt: tuple[Sym, ...]  # one entry per differentiation, in order
    style: str = notation("partial")  # partial | d | mathrm
    frac: str = notation("frac")  # frac | over
    operator: bool = notation(False)


def is_conditional(node: Apply) -> bool:
    """P(a | b) or KL(P ‖ Q): a bar stands only between a function's arguments, so such an
    application is never a product, an entry, nor the family of the same letter."""
    return CONDITION in node.seps or DIVERGENCE in node.seps


# --------------------------------------------------------------------------- printing

def to_latex(node: Node) -> str:
    """The tree written back as LaTeX (:mod:`derive.reading.typeset`)."""
    from derive.reading.typeset import latex_of

    return latex_of(node)


def to_text(node: Node) -> str:
    """The tree written as plain text, for terminals and messages
    (:mod:`derive.reading.typeset`)."""
    from derive.reading.typeset import text_of

    return text_of(node)


# --------------------------------------------------------------------------- identity

_MEANING: dict[type, tuple[str, ...]] = {}


def meaning_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that carry meaning: every compared field that is not
    :func:`notation`. Computed from the class itself, so a new field or node kind is part of
    every identity without anyone remembering to add it."""
    names = _MEANING.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls)
                      if f.compare and not f.metadata.get("notation"))
        _MEANING[cls] = names
    return names


def key(node: Node) -> tuple:
    """Structural identity of a tree, from every field that carries meaning (not positions,
    parentheses or the way a symbol was written). The one identity every memo and
    comparison uses; cached on the tree (trees never change)."""
    cached = node.__dict__.get("_key")
    if cached is None:
        cached = _key(node)
        object.__setattr__(node, "_key", cached)
    return cached


def _key(node: Node) -> tuple:
    if isinstance(node, Paren):
        return key(node.inner)
    if isinstance(node, Indicator):  # 1{k = i} and δ_{ik} are the same indicator
        c = node.case
        return ("Indicator", tuple(sorted((c.left, c.right))), c.equal)
    return (type(node).__name__,
            *(_field_key(getattr(node, name)) for name in meaning_fields(type(node))))


def _field_key(value: object) -> object:
    if isinstance(value, Node):
        return key(value)
    if isinstance(value, tuple):
        return tuple(_field_key(v) for v in value)
    return value


def node_classes() -> tuple[type, ...]:
    """Every node class of the tree, as this module defines them (for tests that walk
    them all; the parser's private intermediates never reach a finished tree)."""
    out: list[type] = []
    todo = list(Node.__subclasses__())
    while todo:
        cls = todo.pop(0)
        if cls.__module__ == __name__:
            out.append(cls)
        todo.extend(cls.__subclasses__())
    return tuple(out)


def walk(node: Node):
    """Yield node and every node below it, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Sym):
        return node.sub
    if isinstance(node, Apply):
        return (node.func, *node.args)
    if isinstance(node, (Neg,)):
        return (node.arg,)
    if isinstance(node, Add):
        return node.terms
    if isinstance(node, Mul):
        return node.factors
    if isinstance(node, Frac):
        return (node.num, node.den)
    if isinstance(node, Pow):
        return (node.base, node.exp)
    if isinstance(node, (Exp, Log, Func)):
        return (node.arg,)
    if isinstance(node, Paren):
        return (node.inner,)
    if isinstance(node, BigOp):
        return tuple(n for n in (node.lo, node.hi, node.body) if n is not None)
    if isinstance(node, Deriv):
        return (node.expr, *node.wrt)
    return ()


__all__ = [
    "Node", "Num", "Case", "Sym", "Apply", "Neg", "Add", "Mul", "Frac", "Pow", "Exp", "Log",
    "Paren", "BigOp", "Indicator", "Deriv", "Func", "to_latex", "to_text", "walk", "children",
    "replace", "key", "meaning_fields", "node_classes", "notation", "SAMPLE", "APPLIED", "LABEL",
    "label_parts", "is_conditional",
    "applied_parts",
]

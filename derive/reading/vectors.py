"""Reading vector and matrix notation: the parser's part of it.

Owns the :class:`VectorReading` mixin of the parser: a bold name (``\\mathbf{x}``,
``\\boldsymbol{\\theta}``, ``\\vec x``, ``\\bm W``, kept as the name ``\\mathbf{x}``), a bold
argument read entry by entry (``s(\\mathbf{x})_i``), a transpose (``^T``, ``^\\top``), a norm
``\\|x\\|``, a gradient ``\\nabla_{\\mathbf{w}} L`` and the vector of ones ``\\mathbf{1}``, and
the private nodes these become (:class:`Transpose`, :class:`Norm`, :class:`Grad`,
:class:`Ones`). They never reach a finished tree: :mod:`derive.reading.linalg` lowers every
one of them to index form, or refuses it, right after the parse. No sympy here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from derive.reading.syntax import Apply, Mul, Node, Sym, children
from derive.reading.tokenizer import ACCENTS, GREEK, Token, TokenCursor
from derive.records import frozen

#: bold (vector) names: read only as the argument of a function taken entry by entry
BOLD = ("mathbf", "boldsymbol", "vec", "bm")


@frozen
class Transpose(Node):
    """``A^T``: lowered by :mod:`derive.reading.linalg`, never left in a tree."""

    arg: Node
    mark: str = "T"  # T, or \\top / \\intercal (never a name)


@frozen
class Norm(Node):
    """``\\|x\\|`` (the Euclidean norm), or ``\\|W\\|_F`` (the Frobenius norm)."""

    arg: Node
    frobenius: bool = False  # \|W\|_F: of a matrix too, the root of the sum of its squares


@frozen
class Grad(Node):
    """``\\nabla_{\\mathbf{w}} L``: the gradient of a scalar by a vector."""

    wrt: Sym
    expr: Node


@frozen
class Ones(Node):
    """``\\mathbf{1}``, the vector of ones (its size is inferred where it is used)."""


#: the private vector nodes, which the lowering removes
VECTOR_NODES = (Transpose, Norm, Grad, Ones)


_ACCENTED = re.compile(r"\\(?:hat|bar|tilde|check)\{\\?[A-Za-z]+\}")  # \mathbf{\hat{y}}


def is_bold(name: str) -> bool:
    """Written with a bold macro: \\mathbf{x}, or a sample of one, \\mathbf{x}^{(i)}."""
    return any(name.startswith("\\" + macro + "{") for macro in BOLD)


def bold_letter(name: str) -> str | None:
    """'x' for the bold name \\mathbf{x} (or \\boldsymbol{x}, …), else None."""
    for macro in BOLD:
        head = "\\" + macro + "{"
        inner = name[len(head):-1]
        if name.startswith(head) and name.endswith("}") and ("{" not in inner and "}" not in
                                                             inner or _ACCENTED.fullmatch(inner)):
            return inner
    return None


def all_nodes(node: Node) -> Iterator[Node]:
    """Every node below ``node``, the private vector nodes' insides included."""
    yield node
    if isinstance(node, (Transpose, Norm)):
        yield from all_nodes(node.arg)
    elif isinstance(node, Grad):
        yield from all_nodes(node.wrt)
        yield from all_nodes(node.expr)
    for c in children(node):
        yield from all_nodes(c)


def map_names(node: Node, rename: Callable[[Sym], Sym | None]) -> Node:
    """``node`` with each name ``rename`` gives a new name for replaced by it (as returned:
    its subscripts are not visited again), the private vector nodes' insides included; a
    name it returns None for keeps its place, and its subscripts are visited."""
    from derive.reading.scope import rebuild

    if isinstance(node, Sym):
        new = rename(node)
        if new is not None:
            return new
    if isinstance(node, (Transpose, Norm)):
        return replace(node, arg=map_names(node.arg, rename))
    if isinstance(node, Grad):
        wrt = map_names(node.wrt, rename)
        assert isinstance(wrt, Sym)  # (a name maps to a name)
        return replace(node, wrt=wrt, expr=map_names(node.expr, rename))
    kids = children(node)
    if not kids:
        return node
    return rebuild(node, [map_names(k, rename) for k in kids])


def written_forms(trees: list[Node]) -> tuple[set[str], set[str], set[str]]:
    """(the names written bare, with one index, with two or more) in ``trees``; a case
    such as y_{k=i} is no bare name."""
    bare: set[str] = set()
    one: set[str] = set()
    more: set[str] = set()
    for t in trees:
        for n in all_nodes(t):
            if isinstance(n, Sym):
                if n.sub:
                    (one if len(n.sub) == 1 else more).add(n.name)
                elif n.case is None:
                    bare.add(n.name)
    return bare, one, more


def uses_vectors(node: Node, shaped: frozenset[str]) -> bool:
    """Does the tree use vector notation (``shaped``: the names declared under shapes)?"""
    return any(isinstance(n, VECTOR_NODES) or (isinstance(n, Sym) and (
        is_bold(n.name) or (n.name in shaped and not n.sub)))
        or (isinstance(n, Mul) and "\\odot" in n.ops) for n in all_nodes(node))


class VectorReading(TokenCursor):
    """Vector notation, for :class:`derive.reading.parser.Parser` (mixed in)."""

    in_norm = 0  # inside \\|…\\|, where \\| closes the norm (it never opens a factor)

    if TYPE_CHECKING:  # the grammar these methods call back into, defined by Parser
        def expr(self) -> Node: ...
        def factor(self) -> Node: ...
        def term(self) -> Node: ...
        def starts_factor(self) -> bool: ...
        def script(self) -> Node: ...

    def bold_one_ahead(self) -> bool:
        """At \\mathbf: is it \\mathbf{1} (ones, or an indicator), not a bold name?"""
        toks, i = self.toks, self.i
        return i + 3 < len(toks) and toks[i + 1].value == "{" and toks[i + 2].kind == "num" \
            and toks[i + 2].value == "1" and toks[i + 3].value == "}"

    def bold_name(self, start: int) -> Sym:
        """\\mathbf{x}, \\mathbf x, \\boldsymbol{\\theta}: one bold letter, a name of its own."""
        macro = self.advance().value
        braced = self.at_op("{")
        if braced:
            self.advance()
        t = self.toks[self.i]
        if t.kind == "cmd" and t.value in ACCENTS and t.value != "mathcal":  # \mathbf{\hat{y}}
            accent = self.advance().value
            inner = self.advance() if not self.at_op("{") else None
            if inner is None:
                self.advance()
                inner = self.advance()
                self.expect_op("}", "'}'")
            if not (inner.kind == "letter" or (inner.kind == "cmd" and inner.value in GREEK)):
                raise self.error(f"\\{accent}{{…}} is only understood on a single letter")
            if braced:
                self.expect_op("}", "'}' (a bold name is one letter)")
            letter = inner.value if inner.kind == "letter" else "\\" + inner.value
            return Sym(f"\\{macro}{{\\{accent}{{{letter}}}}}", pos=start)
        if not (t.kind == "letter" or (t.kind == "cmd" and t.value in GREEK)):
            raise self.error(f"\\{macro}{{…}} is read on one letter (a vector \\mathbf{{x}} or "
                             "a matrix \\mathbf{W}), or as \\mathbf{1}")
        self.advance()
        if braced:
            self.expect_op("}", "'}' (a bold name is one letter)")
        letter = t.value if t.kind == "letter" else "\\" + t.value
        return Sym(f"\\{macro}{{{letter}}}", pos=start)

    def transposed(self, base: Node, caret: Token) -> Node:
        """After '^' and a transpose mark (T, {T}, \\top, …): the transpose of ``base``."""
        if self.at_op("{"):
            self.advance()
            mark = self.advance().value
            self.expect_op("}", "'}'")
        else:
            mark = self.advance().value
        if self.at_op("_"):
            raise self.error("a subscript after a transpose: write it first (J_x^T)")
        if self.at_op("^"):
            raise self.error("a superscript after a transpose: use parentheses, (A^T)^T, "
                             "(x^T)^2")
        return Transpose(base, mark, pos=self.offset + caret.pos)

    def norm(self, start: int) -> Node:
        """\\|x\\| (also \\lVert x \\rVert), and \\|x\\|_2 (the same norm)."""
        self.advance()
        if self.in_norm:
            raise self.error("a norm inside a norm is not read")
        self.in_norm += 1
        inner = self.expr()
        self.in_norm -= 1
        self.expect_op("norm", "the closing \\| of the norm")
        frobenius = False
        if self.at_op("_"):
            self.advance()
            toks, i = self.toks, self.i
            braced = toks[i].kind == "op" and toks[i].value == "{"
            k = i + 1 if braced else i
            if k < len(toks) and toks[k].kind == "word" and toks[k].value == "F" and (
                    not braced or (k + 1 < len(toks) and toks[k + 1].value == "}")):
                self.i = k + 2 if braced else k + 1  # \|W\|_\textrm{F}, _{\mathrm{F}}
                return Norm(inner, True, pos=start)
            sub = self.script()
            frobenius = isinstance(sub, Sym) and not sub.sub and sub.name == "F"  # \|W\|_F
            if not (frobenius or getattr(sub, "text", None) == "2"):
                raise self.error("only the Euclidean norm \\|x\\| (or \\|x\\|_2) and the "
                                 "Frobenius norm \\|W\\|_F are read")
        return Norm(inner, frobenius, pos=start)

    def gradient(self, start: int) -> Node:
        """\\nabla_{\\mathbf{w}} L: the gradient by w of the rest of the term."""
        self.advance()
        if not self.at_op("_"):
            # \nabla J(\theta): the gradient of a function of one name, by that name
            whole = self.term() if self.starts_factor() else None
            arg = whole.args[0] if isinstance(whole, Apply) and len(whole.args) == 1 and \
                not whole.seps and not whole.primes else None
            if isinstance(arg, Sym) and not arg.sub and arg.case is None and whole is not None:
                return Grad(arg, whole, pos=start)
            raise self.error("\\nabla needs the variable: write \\nabla_{\\mathbf{w}} L, or "
                             "the gradient of a function of one name, \\nabla J(\\theta)")
        self.advance()
        if self.at_op("{"):
            self.advance()
            var = self.expr()
            self.expect_op("}", "'}'")
        elif self.toks[self.i].kind == "cmd" and self.toks[self.i].value in BOLD:
            var = self.bold_name(self.offset + self.toks[self.i].pos)
        else:
            var = self.script()
        if not (isinstance(var, Sym) and (not var.sub or (  # \\nabla_{\\mathbf{W}^{(1)}}
                is_bold(var.name) and len(var.sub) == 1))):
            raise self.error("\\nabla_{…} is read with one variable below it, "
                             "as \\nabla_{\\mathbf{w}} L")
        if not self.starts_factor():
            raise self.error("expected what the gradient applies to")
        return Grad(var, self.term(), pos=start)  # the rest of the term, as ∂/∂v applies

    def bold_argument(self) -> bool:
        """Is the argument list a bold family name, (\\mathbf{x}) or (\\mathbf x)? Its
        tokens are then replaced by the bare letter."""
        i, toks = self.i, self.toks

        def at(k: int, kind: str, value: str | None = None) -> bool:
            return i + k < len(toks) and toks[i + k].kind == kind and (
                value is None or toks[i + k].value == value)

        if not any(at(1, "cmd", m) for m in BOLD):
            return False
        if at(2, "letter") and at(3, "op", ")"):
            del toks[i + 1]
            return True
        if at(2, "op", "{") and at(3, "letter") and at(4, "op", "}") and at(5, "op", ")"):
            del toks[i + 4]
            del toks[i + 2]
            del toks[i + 1]
            return True
        return False

    def transpose_ahead(self) -> bool:
        """After '^': T, {T}, \\top, {\\top}, \\intercal, \\mathsf{T} (a transpose)."""
        toks, i = self.toks, self.i

        def at(k: int, kind: str, value: str) -> bool:
            return i + k < len(toks) and toks[i + k].kind == kind and toks[i + k].value == value

        if at(0, "letter", "T") or at(0, "cmd", "top") or at(0, "cmd", "intercal"):
            return True
        if at(0, "op", "{") and (at(1, "letter", "T") or at(1, "cmd", "top") or
                                 at(1, "cmd", "intercal")) and at(2, "op", "}"):
            return True
        return False

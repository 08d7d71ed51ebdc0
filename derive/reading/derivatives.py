"""Reading fractions and derivatives: \\frac{…}{…}, {a \\over b}, ∂y/∂x, d²y/dx², ∂/∂x applied.

The methods here are part of :class:`derive.reading.parser.Parser` (mixed in): they read with
its token helpers (:class:`derive.reading.tokenizer.TokenCursor`) and call back into its grammar
(``expr``, ``postfix``, ``script``). A fraction's numerator and denominator are read first as
a possible derivative head (:class:`_DerivHead`: ∂ or d, an order, what is differentiated) and
denominator (:class:`_DerivDen`: the differentials); :meth:`make_fraction` turns a matching
pair into a :class:`Deriv` and anything else into a :class:`Frac`, refusing the halves of a
derivative written with plain fractions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.reading.names import SAMPLE
from derive.reading.syntax import Deriv, Frac, Mul, Node, Num, Sym
from derive.reading.tokenizer import ParseError, Token, TokenCursor
from derive.reading.vectors import is_bold
from derive.records import frozen


class DerivativeReading(TokenCursor):
    """Fractions and derivatives, for :class:`derive.reading.parser.Parser`."""

    if TYPE_CHECKING:  # the grammar these methods call back into, defined by Parser
        def expr(self) -> Node: ...
        def postfix(self) -> Node: ...
        def script(self) -> Node: ...
        def starts_factor(self) -> bool: ...

    def fraction(self, name: str, start: int) -> Node:
        """\\frac{…}{…} (also \\dfrac, \\tfrac, \\frac12): a fraction or a derivative."""
        self.advance()
        mark = self.i
        num = self.frac_arg(numerator=True)
        den = self.frac_arg(numerator=False)
        if isinstance(num, _DerivHead) and num.style == "d" and not isinstance(
                den, _DerivDen):
            self.i = mark  # \frac{d}{u}: d over u, not a derivative
            num = self.frac_arg(numerator=True, plain=True)
            den = self.frac_arg(numerator=False)
        return self.make_fraction(num, den, name, start)

    def group(self) -> Node:
        """A braced group, which may hold {a \\over b}."""
        start = self.pos()
        self.expect_op("{", "'{'")
        if self.at_op("}"):
            raise self.error("empty group")
        num = self.expr_or_deriv_numerator()
        if self.at("cmd", "over"):
            self.advance()
            den = self.deriv_denominator_or_expr()
            self.expect_op("}", "'}'")
            return self.make_fraction(num, den, "over", start)
        if isinstance(num, _DerivHead):
            raise self.error("a derivative numerator needs a denominator")
        self.expect_op("}", "'}'")
        return num

    def frac_arg(self, numerator: bool, plain: bool = False) -> Node:
        if self.at_op("{"):
            self.advance()
            if self.at_op("}"):
                raise self.error("empty group")
            if plain:
                node = self.expr()
            elif numerator:
                node = self.expr_or_deriv_numerator()
            else:
                node = self.deriv_denominator_or_expr()
            self.expect_op("}", "'}'")
            return node
        t = self.tok
        if t.kind == "num":  # \frac12
            self.advance()
            if len(t.value) > 1:
                rest = t.value[1:]
                self.toks[self.i - 1:self.i] = [Token("num", t.value[0], t.pos),
                                                 Token("num", rest, t.pos + 1)]
                return Num(t.value[0], pos=self.offset + t.pos)
            return Num(t.value, pos=self.offset + t.pos)
        if t.kind == "letter":
            self.advance()
            return Sym(t.value, pos=self.offset + t.pos)
        raise self.error("expected '{' after \\frac")

    def expr_or_deriv_numerator(self) -> Node:
        start = self.pos()
        if self.at("cmd", "partial") or self.at_differential():
            style = self.take_differential()
            order = 1
            if self.at_op("^"):
                self.advance()
                o = self.script()
                if not (isinstance(o, Num) and o.text.isdigit()):
                    raise self.error("the order of a derivative must be a number")
                order = int(o.text)
            if self.at_op("}") or self.at("cmd", "over"):
                return _DerivHead(None, style, order, pos=start)
            return _DerivHead(self.expr(), style, order, pos=start)
        return self.expr()

    def at_differential(self) -> bool:
        t = self.tok
        if t.kind == "letter" and t.value == "d":
            nxt = self.peek()
            # "d" then something to differentiate (or d^2 …), or nothing (operator form); a
            # fraction whose denominator is no differential is read again as a plain one
            return not (nxt.kind == "op" and nxt.value in ("_", "("))
        return t.kind == "cmd" and t.value == "mathrm" and self.peek(2).value == "d"

    def take_differential(self) -> str:
        t = self.advance()
        if t.kind == "cmd" and t.value == "partial":
            return "partial"
        if t.kind == "cmd" and t.value == "mathrm":
            self.expect_op("{", "'{'")
            self.advance()
            self.expect_op("}", "'}'")
            return "mathrm"
        return "d"

    def deriv_denominator_or_expr(self) -> Node:
        if not (self.at("cmd", "partial") or self.at_differential()):
            return self.expr()
        start = self.pos()
        wrt: list[Sym] = []
        style = None
        while self.at("cmd", "partial") or self.at_differential():
            s = self.take_differential()
            if style is not None and s != style:
                raise self.error("mixed differentials in one derivative")
            style = s
            var = self.postfix()
            if not isinstance(var, Sym):
                raise self.error("expected a variable after the differential")
            n = 1
            if self.at_op("^") and is_bold(var.name) and self.sample_ahead():
                var = self.bold_sample(var)  # \\partial \\mathbf{W}^{(1)}: a layer, no order
            if self.at_op("^"):
                self.advance()
                o = self.script()
                if not (isinstance(o, Num) and o.text.isdigit()):
                    raise self.error("expected the order of the derivative")
                n = int(o.text)
            wrt.extend([var] * n)
        return _DerivDen(tuple(wrt), style or "partial", pos=start)

    def slash_derivative(self, start: int) -> Node:
        """``\\partial z_i / \\partial x_k``, written on the line: ∂, one name, '/', and the
        differentials; ``\\partial_{o_j} l``, the variable below, applied to the rest of the
        term as ∂/∂o_j would be. Anything else after a bare ∂ is refused."""
        refusal = ("\\partial is only understood inside a derivative fraction "
                   "(\\frac{\\partial y}{\\partial x}), on the line between two names "
                   "(\\partial y / \\partial x), or with its variable below (\\partial_{x} y)")
        self.advance()
        if self.at_op("_"):
            return self.subscript_derivative(start)
        if not (self.tok.kind == "letter" or self.at("cmd")):
            raise ParseError(refusal, start)
        what = self.postfix()
        if not isinstance(what, Sym) or not self.at_op("/") or not (
                self.peek().kind == "cmd" and self.peek().value == "partial"):
            raise ParseError(refusal, start)
        self.advance()  # the '/'
        den = self.deriv_denominator_or_expr()
        if not isinstance(den, _DerivDen) or den.style != "partial":
            raise ParseError(refusal, start)
        if self.starts_factor():  # ∂y/∂x c: is c below the line? never guess, as for a/b c
            raise self.error("∂y/∂x c is ambiguous: write \\frac{\\partial y}{\\partial x} c, "
                             "or (\\partial y / \\partial x) c")
        return Deriv(what, den.wrt, "partial", "frac", False, pos=start)

    def subscript_derivative(self, start: int) -> Node:
        """``\\partial_{o_j} l``, ``\\partial_{\\theta} f``: the operator ∂/∂o_j, applied to
        the rest of the term as ``\\frac{\\partial}{\\partial o_j}`` is. The variable must be
        an entry (o_j), a vector or a Greek or accented name: a plain letter (∂_i, ∂_x) is
        also written for ∂/∂x_i, so it is refused, never guessed."""
        self.advance()  # the '_'
        var = self.script()
        if not (isinstance(var, Sym) and var.case is None and (
                var.sub or var.name.startswith("\\"))):
            raise ParseError("\\partial_{…} is read by an entry (\\partial_{o_j}), a vector or "
                             "a Greek name (\\partial_{\\theta}); a plain letter (\\partial_i) "
                             "could be ∂/∂x_i: write \\frac{\\partial}{\\partial x}", start)
        return Deriv(None, (var,), "partial", "frac", True, pos=start)  # type: ignore[arg-type]

    def sample_ahead(self, after_caret: bool = False) -> bool:
        """At '^' (or just after it): is it ^{(i)} or ^{(1)}, a sample or a layer?"""
        i = self.i - 1 if after_caret else self.i
        kinds = [(t.kind, t.value) for t in self.toks[i:i + 6]]
        return len(kinds) == 6 and kinds[1] == ("op", "{") and kinds[2] == ("op", "(") and \
            kinds[3][0] in ("letter", "num") and kinds[4] == ("op", ")") and \
            kinds[5] == ("op", "}")

    def sample_script(self, var: Sym) -> Sym:
        """``{(i)}`` after a caret (read): var's sample or layer, x^{(·)} with i first."""
        self.advance()
        self.advance()
        t = self.advance()
        self.advance()
        self.advance()
        inner: Node = (Sym(t.value, pos=self.offset + t.pos) if t.kind == "letter"
                       else Num(t.value, pos=self.offset + t.pos))
        return Sym(var.name + SAMPLE, (inner, *var.sub), pos=var.pos)

    def bold_sample(self, var: Sym) -> Sym:
        """\\mathbf{W}^{(1)} after a differential, read as the parser reads it elsewhere."""
        self.advance()  # the '^'
        return self.sample_script(var)

    def make_fraction(self, num: Node, den: Node, style: str, start: int) -> Node:
        if _delta_times(num) and _delta_times(den):
            raise ParseError("\\frac{\\delta …}{\\delta …} reads like a derivative written "
                             "with δ: write \\partial (or d) for a derivative; for a product "
                             "with the letter δ, write \\delta \\cdot …", start)
        if isinstance(num, _DerivHead) or isinstance(den, _DerivDen):
            if isinstance(num, _DerivHead) and not isinstance(den, _DerivDen):
                raise ParseError("a derivative needs a differential above and below the line: "
                                 "the denominator has none (write \\partial x, or dx)", start)
            if not (isinstance(num, _DerivHead) and isinstance(den, _DerivDen)):
                raise ParseError("a derivative needs a differential above and below the line",
                                 start)
            if num.style != den.style:
                raise ParseError("the differentials above and below the line differ", start)
            if num.order != len(den.wrt):
                raise ParseError(
                    f"derivative of order {num.order} over {len(den.wrt)} differentials", start)
            frac = "over" if style == "over" else "frac"
            if num.expr is None:
                return Deriv(None, den.wrt, num.style, frac, True, pos=start)  # type: ignore[arg-type]
            return Deriv(num.expr, den.wrt, num.style, frac, False, pos=start)
        return Frac(num, den, style, pos=start)


def _delta_times(node: Node) -> bool:
    """δ L, δ z_i: the letter δ written in front of a name, as a differential would be."""
    return (isinstance(node, Mul) and len(node.factors) == 2 and node.ops == ("",)
            and isinstance(node.factors[0], Sym) and node.factors[0].name == "\\delta"
            and not node.factors[0].sub and isinstance(node.factors[1], Sym))


@frozen
class _DerivHead(Node):
    expr: Node | None
    style: str
    order: int


@frozen
class _DerivDen(Node):
    wrt: tuple[Sym, ...]
    style: str



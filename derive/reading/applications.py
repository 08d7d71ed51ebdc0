"""Applications of a function to arguments: ``f(x)``, ``H[P]``, ``P(a \\mid b)``,
``\\mathrm{KL}(P \\| Q)``, ``q(z; \\mu, \\sigma)``, ``\\mathbb{E}[X]``.

Owns the :class:`ApplicationReading` mixin of the parser (:mod:`derive.reading.parser`): the
argument of a built-in function (``\\log x``, ``\\tanh^2 x``, ``\\tanh'(z)``), the argument
list and its separators, the name of a divergence written as bare letters
(``KL(q || p)``, ``D_{KL}(p || q)``), an application written with brackets (``H[P]``) and the
expectation ``\\mathbb{E}``. What a separator means:

* ``,`` and ``;`` list arguments: ``q(z; \\mu, \\sigma)`` is q applied to three arguments;
* ``|`` (``\\mid``, ``\\vert``) is a condition: ``P(a | b)`` is an application of its own,
  never ``P(a, b)`` and never ``P(b | a)``;
* ``||`` (``\\|``, ``\\parallel``) is a divergence between two arguments, in order;
* after ``;``, a set in braces, ``L(\\beta; \\{y_n, \\mathbf{x}_n\\}_{n=1}^N)``, is the data the
  function is evaluated on: one opaque argument (:meth:`ApplicationReading.data_set`).

A condition or a divergence is part of the application's identity (``Apply.seps``); how it
was written (``\\mid`` or ``|``, ``;``) is notation. No sympy here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from derive.reading.syntax import (
    CONDITION,
    DIVERGENCE,
    Apply,
    Deriv,
    Func,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
    to_latex,
)
from derive.reading.tokenizer import ParseError, TokenCursor

_SIZING = re.compile(r"\\(?:left|bigl|Bigl|biggl|Biggl|big|Big|bigg|Bigg)$")
#: the separators of an argument list, as tokens: how each is printed back, and its meaning
SEPARATORS = {",": (", ", ","), ";": ("; ", ","), "|": (" | ", CONDITION),
              "\\mid": (" \\mid ", CONDITION), "\\vert": (" \\vert ", CONDITION),
              "||": (" || ", DIVERGENCE), "\\|": (" \\| ", DIVERGENCE),
              "\\parallel": (" \\parallel ", DIVERGENCE)}


class ApplicationReading(TokenCursor):
    """Mixed into the parser, which provides ``expr`` and ``paren_is_condition``."""

    if TYPE_CHECKING:  # the grammar these methods call back into, defined by Parser
        def expr(self) -> Node: ...
        def paren_is_condition(self, close: str = ")") -> bool: ...
        def script(self) -> Node: ...
        def factor(self) -> Node: ...
        def starts_factor(self) -> bool: ...
        def bigop(self, kind: str, start: int) -> Node: ...

    def operator_power(self, node: Pow) -> Pow:
        """``\\operatorname{sech}^2(w)`` is sech(w)², as ``\\tanh^2 w`` is: never sech²·(w)."""
        if _operator_name(node.base) and self.at_op("("):
            assert isinstance(node.base, Sym)
            return Pow(self.call(node.base), node.exp, pos=node.pos)
        return node

    def refuse_operator_before_factor(self, last: Node) -> None:
        """``\\operatorname{sech} w``, ``\\text{sech}^2 w``: an operator's name, then a factor
        without brackets. Its argument, or a product? Never guessed."""
        head = last.base if isinstance(last, Pow) else last
        if _operator_name(head) and not self.at_op("("):
            assert isinstance(head, Sym)
            word = head.name[len("\\operatorname{"):-1]
            raise self.error(f"\\operatorname{{{word}}} is followed by a factor without "
                             "brackets: write its argument in brackets, "
                             f"\\operatorname{{{word}}}(w) (or \\operatorname{{{word}}}^2(w) for "
                             "its square), or \\cdot for a product")

    def call(self, func: Sym, close: str = ")") -> Apply:
        """``func(a, b; c | d)``: the arguments and what separates them."""
        start = self.pos()
        self.advance()
        self._divergence_bar(close)
        args = [self.expr()]
        style: list[str] = []
        meaning: list[str] = []
        while self.at_op(*SEPARATORS):
            tok = self.advance()
            if tok.value == "," and self.at_op("dots") and meaning[-1:] != [CONDITION]:
                if func.name in ("\\operatorname{max}", "\\operatorname{min}"):
                    raise ParseError(f"\\{func.name[14:-1]}(x_1, \\ldots, x_n) of entries "
                                     "listed with dots is not read: derive reads a maximum or "
                                     "minimum of arguments written out", self.pos())
                args = self._listed_entries(args)  # Y_1, \dots, Y_N: the whole family Y
                continue
            shown, means = SEPARATORS[tok.value]
            style.append(shown)
            meaning.append(means)
            # after ';', a set written with braces is the data the function is taken on
            args.append(self.data_set() if shown == "; " and self.at_op("\\{") else
                        self.expr())
        self.expect_op(close, repr(close))
        if (meaning.count(CONDITION) > 1 or meaning.count(DIVERGENCE) > 1
                or (CONDITION in meaning and DIVERGENCE in meaning)
                or (DIVERGENCE in meaning and len(args) != 2)):
            raise ParseError("an argument list holds at most one condition bar (P(a \\mid b)), "
                             "or one divergence bar between two arguments (KL(P \\| Q))", start)
        if style.count("; ") > 1:
            raise ParseError("one ';' separates the parameters of a function: write "
                             "q(z; \\mu, \\sigma)", start)
        special = CONDITION in meaning or DIVERGENCE in meaning
        if special and func.sub:
            func = self._subscripted_name(func)
        plain = all(s == ", " for s in style)
        return Apply(func, tuple(args), seps=tuple(meaning) if special else (),
                     style=() if plain else tuple(style),
                     brackets="[" if close == "]" else "(", pos=start)

    def _listed_entries(self, args: list[Node]) -> list[Node]:
        """``f(z_1, \\ldots, z_k)``: the entries of a family listed with dots are the whole
        family, z over 1..k, given to f as a vector (as ``f(\\mathbf{z})``). The entries
        around the dots must differ only in a number that counts up."""
        from derive.reading.ellipsis import fold_dots
        from derive.reading.vector_functions import VEC

        dots = self.advance()
        self.expect_op(",", "',' after the dots of an argument list")
        last = self.expr()
        folded = fold_dots(args, last, dots.pos, kind=VEC)
        if folded is None or not isinstance(folded[-1].body, Sym):  # type: ignore[attr-defined]
            raise ParseError("cannot tell what the dots in this argument list stand for: "
                             "write the entries of one family, f(z_1, \\ldots, z_k), or the "
                             "vector, f(\\mathbf{z})", dots.pos)
        return folded

    def data_set(self) -> Sym:
        """``\\{y_n, \\mathbf{x}_n\\}_{n=1}^N`` after the ';' of ``L(\\beta; …)``: the data a
        function is evaluated on, held fixed. One opaque name, its LaTeX (the index n is bound
        inside it): two data sets are the same only when written the same."""
        start = self.pos()
        self.advance()
        items = [self.expr()]
        while self.at_op(","):
            self.advance()
            items.append(self.expr())
        self.expect_op("\\}", "'\\}' closing the data set")
        latex = "\\{" + ", ".join(to_latex(item) for item in items) + "\\}"
        if self.at_op("_"):
            self.advance()
            index, lo, excluded = self.bigop_lower()  # type: ignore[attr-defined]
            if lo is None or excluded is not None or not self.at_op("^"):
                raise self.error("a data set's subscript is its range, as in "
                                 "\\{y_n, x_n\\}_{n=1}^{N}")
            self.advance()
            hi = self.script()
            latex += f"_{{{index}={to_latex(lo)}}}^{{{to_latex(hi)}}}"
        return Sym(latex, pos=start)

    def _divergence_bar(self, close: str) -> None:
        """``\\|`` is a norm's bar (``\\|x\\|``) and a divergence's (``KL(P \\| Q)``): one bar
        alone at the top level of this argument list is the divergence's."""
        from derive.reading.tokenizer import Token

        depth, bars = 0, []
        for k in range(self.i, len(self.toks)):
            t = self.toks[k]
            if t.kind == "op" and t.value in ("(", "[", "{", "\\{"):
                depth += 1
            elif t.kind == "op" and t.value in (")", "]", "}", "\\}"):
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and t.kind == "op" and t.value == "norm":
                bars.append(k)
        if len(bars) == 1:
            self.toks[bars[0]] = Token("op", "\\|", self.toks[bars[0]].pos)

    def _subscripted_name(self, func: Sym) -> Sym:
        """``D_{KL}(p || q)``, ``p_\\theta(y | x)``: the subscript is part of the name of a
        divergence or a conditional distribution, not an index."""
        word = "".join(s.name for s in func.sub if isinstance(s, Sym) and not s.sub
                       and s.case is None and len(s.name) == 1 and s.name.isalpha())
        if len(word) < 2 or len(word) != len(func.sub):
            # p_i(y | x), p_\theta(y | x): an index or a parameter, which the name would hide
            # from a sum over it; never guess
            raise ParseError("a subscript on a conditional or a divergence is read only as a "
                             "word in its name (D_{KL}(P \\| Q)): write the index or parameter "
                             "as an argument, p(y | x, \\theta)", func.pos)
        return Sym(f"{func.name}_{{{word}}}", pos=func.pos)

    def function_power(self, name: str) -> Node | None:
        """\\tanh^2 x is (\\tanh x)^2: a positive whole power written on the function's name.
        \\sin^{-1} would be the inverse function, so only 2, 3, … are read."""
        if not self.at_op("^"):
            return None
        self.advance()
        braced = self.at_op("{")
        if braced:
            self.advance()
        t = self.tok
        if t.kind != "num" or not t.value.isdigit() or int(t.value) < 2:
            raise self.error(f"\\{name}^… is read only as a power 2, 3, …: write "
                             f"(\\{name} x)^{{n}} for others (\\{name}^{{-1}} is no power)")
        self.advance()
        if braced:
            self.expect_op("}", "'}'")
        return Num(t.value, pos=self.offset + t.pos)

    def function_argument(self) -> Node:
        """The argument of \\log, \\ln, \\exp: a parenthesised group, a sum, or one factor."""
        if self.at_op("("):
            start = self.pos()
            self.advance()
            inner = self.expr()
            self.expect_op(")", "')'")
            return Paren(inner, pos=start)
        if self.at("cmd", "sum") or self.at("cmd", "prod"):
            return self.bigop(self.tok.value, self.pos())
        if self.at_op("'"):
            raise self.error("a prime on a built-in function (\\tanh'(z)) is not read: write "
                             "the derivative as \\frac{d}{dz} \\tanh(z)")
        if not self.starts_factor():
            raise self.error("expected the argument of the function")
        return self.factor()

    def primed_builtin(self, name: str, start: int) -> Node:
        """``\\tanh'(z)``, ``\\sin''(x)``: the derivative of a built-in function at a name,
        read as ``\\frac{d}{dz} \\tanh(z)``; at anything else (``\\tanh'(2x)``) refused."""
        primes = 0
        while self.at_op("'"):
            self.advance()
            primes += 1
        arg = self.function_argument() if self.at_op("(") else None
        inner = arg.inner if isinstance(arg, Paren) else None
        if primes > 2 or arg is None or not (isinstance(inner, Sym) and inner.case is None):
            raise ParseError(f"\\{name}{chr(39) * primes} is read at a name in parentheses, "
                             f"\\{name}'(z): write \\frac{{d}}{{du}} \\{name}(u) and its value "
                             "elsewhere", start)
        return Deriv(Func(name, arg, pos=start), (inner,) * primes, "d", pos=start)

    def touches(self) -> bool:
        """Is the current token written right after the one before, with nothing but a
        sizing macro between (``H[P]``, ``S\\left[P\\right]``; not ``a [b + c]``)?"""
        m = _SIZING.search(self.src, 0, self.tok.pos)
        before = m.start() if m is not None else self.tok.pos
        return before > 0 and not self.src[before - 1].isspace()

    def bracket_application(self, func: Sym) -> Node:
        """``H[P]``, ``S[P(x)]``, ``\\mathbb{E}[X]``: an application in square brackets, read
        as ``H(P)`` would be (an unknown function when H is never defined, a factor when H
        is also written alone)."""
        if self.paren_is_condition("]"):
            name = func.name
            raise self.error(f"{name}[…] could be an application or a product with an "
                             f"indicator: write {name}(…) or {name} \\cdot […]")
        app = self.call(func, "]")
        if self.at_op("^"):  # \mathbb{E}[X]^2
            self.advance()
            return Pow(app, self.script(), pos=app.pos)
        return app

    def expectation(self, start: int) -> Sym | None:
        """``\\mathbb{E}``, ``\\mathbb{P}``: the expectation and the probability, names applied
        to what follows (``\\mathbb{E}[X]``, ``\\mathbb{P}(A \\mid B)``)
        (an expectation under a distribution, ``\\mathbb{E}_{x \\sim P}``, is skipped before
        reading: see :mod:`derive.reading.document`)."""
        t = self.toks
        if not (self.i + 3 < len(t) and t[self.i + 1].kind == "op" and t[self.i + 1].value == "{"
                and t[self.i + 2].kind == "letter" and t[self.i + 2].value in ("E", "P")
                and t[self.i + 3].kind == "op" and t[self.i + 3].value == "}"):
            return None
        letter = t[self.i + 2].value
        self.i += 4
        return Sym(f"\\mathbb{{{letter}}}", pos=start)


def merge_divergence_names(factors: list[Node], ops: list[str]) -> None:
    """``KL(q || p)``: capital letters written together right before a divergence are its
    name (``\\operatorname{KL}``), since a double bar is read only as a divergence, never
    inside a product; other letters written together before a divergence (``aKL(…)``), a
    condition (``xp(y | x)``) or brackets (``Dx[…]``) are refused (a name, or a product?).
    Both lists are changed in place."""
    k = 1
    while k < len(factors):
        f = factors[k]
        if not (isinstance(f, Apply) and (f.seps or f.brackets == "[") and _letter(f.func)):
            k += 1
            continue
        run: list[Sym] = [f.func]
        j = k
        while j > 0 and ops[j - 1] == "":
            before = factors[j - 1]
            if not (isinstance(before, Sym) and _letter(before) and
                    before.pos + 1 == run[0].pos):
                break
            run.insert(0, before)
            j -= 1
        if j == k:
            k += 1
            continue
        word = "".join(s.name for s in run)
        if f.brackets == "[" or (DIVERGENCE in f.seps and not word.isupper()):
            shown = "[…]" if f.brackets == "[" else "(… \\| …)"
            raise ParseError(f"the letters '{word}' run together before {shown}: write "
                             f"\\operatorname{{{word}}}{shown} for a name, or put a space or "
                             "\\cdot between the factors", run[0].pos)
        if CONDITION in f.seps:
            raise ParseError(f"the letters '{word}' run together before a condition: write "
                             f"\\operatorname{{{word}}}(…) for a name, or put a space or "
                             "\\cdot between the factors", run[0].pos)
        name = Sym(f"\\operatorname{{{word}}}", pos=run[0].pos)
        factors[j:k + 1] = [Apply(name, f.args, f.primes, f.seps, f.style, f.brackets,
                                  pos=run[0].pos)]
        del ops[j:k]
        k = j + 1


def _letter(node: Sym) -> bool:
    return len(node.name) == 1 and node.name.isalpha() and not node.sub and node.case is None


def _operator_name(node: Node) -> bool:
    """Is ``node`` a word written as an operator's name (\\operatorname{sech}, \\text{MSE})?"""
    return isinstance(node, Sym) and not node.sub and node.name.startswith("\\operatorname{")


__all__ = ["SEPARATORS", "ApplicationReading", "merge_divergence_names"]

"""Reading big operators and indicators: \\sum and \\prod with their limits, 1\\{k = i\\},
\\mathbb{1}_{k=i}, Iverson brackets [k = i], the Kronecker delta \\delta_{ki}, and the conditions
(k = i, k \\neq i) they hold.

The methods here are part of :class:`derive.reading.parser.Parser` (mixed in): they read with
its token helpers (:class:`derive.reading.tokenizer.TokenCursor`) and call back into its grammar
(``expr``, ``term``, ``script``, ``starts_factor``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.reading.names import LABEL, STEP_LATEX
from derive.reading.sets import expectation, over_set
from derive.reading.syntax import Apply, BigOp, Case, Indicator, Mul, Node, Num, Paren, Sym
from derive.reading.tokenizer import ParseError, Token, TokenCursor
from derive.reading.vectors import Ones


class BigOpReading(TokenCursor):
    """Big operators, indicators and conditions, for :class:`derive.reading.parser.Parser`."""

    if TYPE_CHECKING:  # the grammar these methods call back into, defined by Parser
        def expr(self) -> Node: ...
        def atom(self) -> Node: ...
        def term(self) -> Node: ...
        def script(self) -> Node: ...
        def starts_factor(self) -> bool: ...

    # -- sums and products
    def bigop(self, kind: str, start: int) -> BigOp:
        self.advance()
        index = lo = hi = None
        excluded: Case | None = None
        for _ in range(2):
            if self.at_op("_"):
                if index is not None:
                    raise self.error("double subscript on the sum")
                self.advance()
                member = self.set_member()
                if member is not None:  # \sum_{x \in X} f(x): over X's elements
                    return self.bigop_over_set(kind, *member, start)
                index, lo, excluded = self.bigop_lower()
            elif self.at_op("^"):
                if hi is not None:
                    raise self.error("double superscript on the sum")
                self.advance()
                try:
                    hi = self.script()
                except ParseError as exc:
                    if not exc.message.endswith("found '='"):
                        raise
                    # \sum_{i=1}^{C=2}: the size and its value at once
                    raise self.error(f"an upper limit with '=' in it (\\{kind}^{{C=2}}) is not "
                                     f"read: write the limit alone, \\{kind}_{{i=1}}^{{2}} or "
                                     f"\\{kind}_{{i=1}}^{{C}}") from exc
        if lo is not None and hi is None:
            raise self.error(f"\\{kind}_{{{index}=…}} needs an upper limit")
        if index is not None and lo is None and hi is not None:
            lo = Num("1", pos=start)  # \sum_{i}^{N} runs over i = 1..N
        body = self.bigop_body(kind)
        if excluded is not None:  # Σ_{k ≠ i} f_k is Σ_k f_k 1{k ≠ i}
            if kind != "sum":
                raise self.error("a product that leaves an index out is not read")
            body = Mul((body, Indicator(excluded, "1{}", pos=excluded.pos)), pos=body.pos)
        written = "full" if lo is not None else ("index" if index is not None else "bare")
        return BigOp(kind, body, index, lo, hi, written, pos=start)

    def bigop_body(self, kind: str) -> Node:
        """The body of a sum or product: a term, or a group in braces, \\sum_x \\{ … \\}."""
        if self.at_op("\\{"):
            start = self.offset + self.tok.pos
            self.advance()
            inner = self.expr()
            self.expect_op("\\}", "'\\}'")
            if self.starts_factor():
                raise self.error(f"the body of the \\{kind} ends with its braces: write the "
                                 "factors after them inside")
            return Paren(inner, "\\{", "\\}", pos=start)
        if not self.starts_factor() and not self.at_op("-"):
            raise self.error(f"expected the body of the \\{kind}")
        return self.term()

    def set_member(self) -> tuple[str, str] | None:
        r"""The bound name and the set of ``{x \in X}`` after a sum's '_' (read), or None."""
        t = self.toks
        if not (self.at_op("{") and self.i + 2 < len(t) and t[self.i + 2].kind == "op"
                and t[self.i + 2].value == "in"):
            return None
        bound = t[self.i + 1]
        if bound.kind not in ("letter", "cmd"):
            raise self.error("expected the name the sum runs over before \\in")
        self.i += 3
        where = self.tok
        name = self.atom()
        if not (isinstance(name, Sym) and not name.sub):
            raise self.error("a sum over a set is read over a set written as a name "
                             "(\\sum_{x \\in X}, \\sum_{x \\in \\mathcal{X}})", where)
        self.expect_op("}", "'}'")
        return (bound.value if bound.kind == "letter" else "\\" + bound.value), name.name

    def bigop_over_set(self, kind: str, bound: str, set_name: str, start: int) -> BigOp:
        """The rest of \\sum_{x \\in X} after its subscript: the body, over X's elements."""
        if self.at_op("^"):
            raise self.error(f"a \\{kind} over a set has no upper limit")
        body = self.bigop_body(kind)
        return over_set(kind, bound, set_name, body, self.letters_written(), start)

    def expectation_ahead(self) -> bool:
        """Is an expectation's subscript next, ``_{x \\sim P}``?"""
        t = self.toks
        return (self.at_op("_") and self.i + 3 < len(t) and t[self.i + 1].kind == "op"
                and t[self.i + 1].value == "{" and t[self.i + 2].kind in ("letter", "cmd")
                and t[self.i + 3].kind == "op" and t[self.i + 3].value == "sim")

    def expectation_under(self, start: int) -> BigOp:
        """``E_{x \\sim P}[f(x)]`` (the E read): a sum over the set x is summed over
        elsewhere, weighted by P (see :mod:`derive.reading.sets`)."""
        self.i += 2
        bound = self.advance()
        self.advance()  # \sim
        distribution = self.expr()
        self.expect_op("}", "'}'")
        if not self.at_op("["):
            raise self.error("expected the expectation's argument in square brackets, "
                             "E_{x \\sim P}[f(x)]")
        self.advance()
        body = self.expr()
        self.expect_op("]", "']'")
        name = bound.value if bound.kind == "letter" else "\\" + bound.value
        return expectation(name, distribution, body, self.letters_written(), start)

    def letters_written(self) -> set[str]:
        """Every letter of this expression (an index chosen for it must be none of them)."""
        return {t.value for t in self.toks if t.kind == "letter"}

    def bigop_lower(self) -> tuple[str, Node | None, Case | None]:
        """The index, the lower limit (if written) and an index left out: _{k}, _{k=1},
        _{k \\neq i}, _{k=1, k \\neq i}."""
        t = self.tok
        if t.kind == "letter":
            self.advance()
            return t.value, None, None
        self.expect_op("{", "'{'")
        idx = self.tok
        if idx.kind != "letter":
            raise self.error("expected the summation index")
        self.advance()
        lo = None
        excluded = None
        if self.at_op("neq"):
            excluded = self.left_out(idx)
        elif self.at_op("="):
            self.advance()
            lo = self.expr()
            if self.at_op(","):
                self.advance()
                again = self.tok
                if not (again.kind == "letter" and again.value == idx.value):
                    raise self.error(f"expected {idx.value} \\neq … after the comma")
                self.advance()
                if not self.at_op("neq"):
                    raise self.error(f"expected {idx.value} \\neq … after the comma")
                excluded = self.left_out(idx)
        self.expect_op("}", "'}'")
        return idx.value, lo, excluded

    def left_out(self, idx: Token) -> Case:
        """The index a sum leaves out, after its \\neq: Σ_{k ≠ i}."""
        op = self.tok
        self.advance()
        other = self.tok
        if not (other.kind == "letter" or (other.kind == "num" and other.value.isdigit())):
            raise self.error("expected the index the sum leaves out")
        self.advance()
        return Case(idx.value, other.value, False, self._neq_style(op),
                    pos=self.offset + idx.pos)

    # -- indicators and conditions
    def mathbb_indicator(self, name: str, start: int) -> Node:
        """\\mathbb{1} or \\mathbf{1} and its condition: \\{k = i\\}, _{k=i}, (k = i) or [k = i]."""
        self.advance()
        vector = f"\\{name}{{…}} is only understood as the indicator \\{name}{{1}}"
        if not self.at_op("{"):
            raise self.error(vector)
        self.advance()
        one = self.tok
        if not (one.kind == "num" and one.value == "1"):
            raise self.error(vector)
        self.advance()
        self.expect_op("}", "'}'")
        if self.at_op("\\{"):
            return self.indicator_braces(name, start)
        if self.at_op("_"):
            self.advance()
            self.expect_op("{", "'{'")
            case = self.condition()
            self.expect_op("}", "'}'")
            return Indicator(case, "mathbb_", pos=start)
        if self.at_op("(") and name == "mathbb" and self._step_ahead(")"):
            return self.step(")", start)
        if self.at_op("(") and (self.paren_is_condition() or name == "mathbb"):
            self.advance()  # \mathbb{1}(…) is an indicator, never 1 times (…)
            case = self.condition()
            self.expect_op(")", "')'")
            return Indicator(case, name, pos=start)
        if self.at_op("[") and self.paren_is_condition("]"):
            return self.bracket_condition(name + "[]", start)
        if name == "mathbf":  # \mathbf{1} alone: the vector of ones
            return Ones(pos=start)
        raise self.error(f"expected a condition after \\{name}{{1}}")

    def paren_is_condition(self, close: str = ")") -> bool:
        return (self.peek().kind == "letter" and self.peek(2).kind == "op"
                and self.peek(2).value in ("=", "neq") and self.peek(3).kind == "letter"
                and self.peek(4).kind == "op" and self.peek(4).value == close)

    def bracket_condition(self, style: str, start: int) -> Indicator:
        """An Iverson bracket: [k = i], or \\mathbb{1}[k = i]."""
        self.advance()
        case = self.condition()
        self.expect_op("]", "']'")
        return Indicator(case, style, pos=start)

    def _step_ahead(self, close: str) -> bool:
        """Does the condition that opens here, up to ``close``, hold an inequality?"""
        depth, k = 0, self.i + 1
        while self.toks[k].kind != "eof":
            t = self.toks[k]
            if t.kind == "op" and depth == 0 and t.value == close:
                return False
            if t.kind == "op" and t.value in STEP_LATEX:
                return True
            depth += t.kind == "op" and t.value in ("(", "[", "{", "\\{")
            depth -= t.kind == "op" and t.value in (")", "]", "}", "\\}")
            k += 1
        return False

    def step(self, close: str, start: int) -> Node:
        """\\mathbb{1}(x \\ge y), 1\\{u > 0\\}: 1 where the inequality holds, else 0 (built
        in: reading.builtins.PRIMITIVES), an application of \\mathbb{1} to its two sides."""
        self.advance()
        left = self.expr()
        op = self.tok
        if not (op.kind == "op" and op.value in ("≥", "≤", "<", ">")):
            raise self.error("expected an inequality in the indicator's condition")
        self.advance()
        right = self.expr()
        self.expect_op(close, repr(close.lstrip("\\")))
        return Apply(Sym("\\mathbb{1}", pos=start), (left, right), seps=(op.value,),
                     style=(f" {STEP_LATEX[op.value]} ",), pos=start)

    def indicator_braces(self, style: str, start: int) -> Node:
        if self.at_op("\\{") and self._step_ahead("\\}"):
            return self.step("\\}", start)
        self.expect_op("\\{", "'\\{'")
        case = self.condition()
        self.expect_op("\\}", "'\\}'")
        return Indicator(case, style, pos=start)

    def kronecker(self, start: int) -> Indicator:
        self.advance()  # _
        if not self.at_op("{"):
            raise self.error("expected \\delta_{ki}")
        self.advance()
        letters: list[str] = []
        while not self.at_op("}"):
            t = self.tok
            if t.kind == "letter" or (t.kind == "num" and t.value.isdigit()):
                letters.extend(t.value if t.kind == "letter" else [t.value])
                self.advance()
            elif self.at_op(","):
                self.advance()
            else:
                raise self.error("expected two indices in \\delta_{…}")
        self.advance()
        if len(letters) != 2:
            raise ParseError("\\delta_{…} needs exactly two single-letter indices", start)
        sep = "delta," if "," in self.src[start - self.offset:self.tok.pos] else "delta"
        return Indicator(Case(letters[0], letters[1], True, "=", pos=start), sep, pos=start)

    def _neq_style(self, tok: Token) -> str:
        raw = self.src[tok.pos:tok.pos + 5]
        if raw.startswith("\\not"):
            return "\\not="
        if raw.startswith("\\neq"):
            return "\\neq"
        return "\\ne"

    def label(self) -> Sym:
        """A class label written as an index, y_i in f_{y_i} or in 1(y_i = k): one letter
        with a one-letter subscript, read as an index of its own (derive.reading.labels)."""
        start = self.advance()
        self.advance()  # _
        braced = self.at_op("{")
        if braced:
            self.advance()
        sub = self.tok
        if sub.kind != "letter" or (braced and not (self.peek().kind == "op" and
                                                    self.peek().value == "}")):
            raise self.error("a label written as an index is read as one letter with a "
                             "one-letter subscript, as f_{y_i}")
        self.advance()
        if braced:
            self.advance()
        return Sym(start.value + LABEL + sub.value, pos=self.offset + start.pos)


    def condition(self) -> Case:
        start = self.tok
        if start.kind != "letter":
            raise self.error("expected an index in the condition")
        left = self._condition_side()
        op = self.tok
        if op.kind == "op" and op.value in ("_", "^"):
            raise self.error("a condition is read between two index letters, as in "
                             "1\\{k = i\\}; one on a name with a subscript or power "
                             f"({start.value}{op.value}…) is not read")
        if not (op.kind == "op" and op.value in ("=", "neq")):
            raise self.error("expected '=' or '\\neq' in the condition")
        self.advance()
        right = self.tok
        if right.kind != "letter" and not (right.kind == "num" and right.value.isdigit()):
            raise self.error("expected an index in the condition")
        other = self._condition_side()
        style = "=" if op.value == "=" else self._neq_style(op)
        return Case(left, other, op.value == "=", style, pos=self.offset + start.pos)

    def _condition_side(self) -> str:
        """An index letter, a number, or a label y_i (1(y_i = k)), as the condition names it."""
        if self.tok.kind == "letter" and self.peek().kind == "op" and self.peek().value == "_" \
                and (self.peek(2).kind == "letter" or (self.peek(2).kind == "op" and
                                                       self.peek(2).value == "{")):
            return self.label().name
        return self.advance().value


"""The LaTeX reader: equation source text → surface syntax trees (:mod:`derive.reading.syntax`).

A hand-written tokenizer and recursive-descent parser for the math people write
in derivations. It errs rather than guesses: anything outside the grammar is a
:class:`ParseError` carrying the offset of the offending token, never a silent
reinterpretation. Meaning (which names are functions, what a bare sum runs over)
is attached later, by :mod:`derive.reading.scope`; here a name is just a name.

Grammar, informally (juxtaposition is multiplication)::

    chain   := expr ('=' expr)*
    expr    := ['+'|'-'] term (('+'|'-') term)*
    term    := factor ((\\cdot | \\times | * | / | ε) factor)*
    factor  := postfix ['^' script]
    postfix := atom ['_' script] ['^' script] ['(' args ')']
    atom    := number | letter | greek | (…) | […] | {…} | {a \\over b} | \\frac{…}{…}
             | \\exp | \\log | \\ln | \\sum | \\prod | indicator | \\delta_{ki} | derivative
"""

from __future__ import annotations

from derive.reading.syntax import (
    Add,
    Apply,
    BigOp,
    Case,
    Deriv,
    Exp,
    Frac,
    Func,
    Indicator,
    Log,
    Mul,
    Neg,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
)
from derive.records import frozen

MAX_DEPTH = 150  # nesting limit: deeper input is refused, not a RecursionError


class ParseError(Exception):
    """A reading failure at a source offset (relative to the equation text)."""

    def __init__(self, message: str, pos: int):
        super().__init__(message)
        self.message = message
        self.pos = pos


@frozen
class Token:
    kind: str  # cmd | letter | num | op | eof
    value: str
    pos: int


GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi "
    "Psi Omega ell".split()
)
# Spacing, sizing and layout macros carry no meaning here.
IGNORED = frozenset(
    "quad qquad displaystyle textstyle scriptstyle left right big Big bigg Bigg bigl bigr Bigl "
    "Bigr biggl biggr Biggl Biggr middle nonumber notag limits nolimits".split()
)
SPACING = frozenset(",;:! ")
SKIP_GROUP = frozenset({"label", "tag"})
FUNCTIONS = frozenset("sin cos tan tanh sinh cosh sqrt".split())
ACCENTS = frozenset("hat bar tilde check mathcal".split())  # \hat{y} is a name of its own
RELATIONS = {"le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "approx": "≈", "propto": "∝",
             "sim": "∼", "simeq": "≃", "lt": "<", "gt": ">", "to": "→", "implies": "⇒",
             "Rightarrow": "⇒", "iff": "⇔"}
KNOWN = frozenset(
    "frac dfrac tfrac over cdot times exp log ln sum prod partial mathrm mathbb mathbf neq ne "
    "not delta pi infty".split()
) | GREEK | IGNORED | SKIP_GROUP | FUNCTIONS | ACCENTS

TOKEN_SAMPLES = (  # the grammar's own vocabulary, for fuzzing
    "\\frac", "\\dfrac", "\\over", "\\cdot", "\\times", "\\exp", "\\log", "\\ln", "\\sum", "\\prod",
    "\\partial", "\\mathrm{d}", "\\mathbb{1}", "\\mathbf{1}", "\\neq", "\\not=", "\\delta",
    "\\sigma", "\\tanh", "\\sqrt", "'", "\\left(", "\\right)", "\\{", "\\}", "{", "}", "(",
    ")", "[", "]", "_", "^",
    "+", "-", "=", ",", "/", "1", "2", "0.5", "e", "k", "i", "j", "K", "z", "t", "y", "d", " ",
)


# Unicode written straight into math: read as the macro it stands for.
_GREEK_CHARS = dict(zip("αβγδεζηθικλμνξρστυφχψωΓΔΘΛΞΦΨΩ", (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Phi Psi Omega").split()))
UNICODE = {**{c: ("cmd", n) for c, n in _GREEK_CHARS.items()},
           "π": ("cmd", "pi"), "ℓ": ("cmd", "ell"), "Σ": ("cmd", "sum"), "∑": ("cmd", "sum"),
           "∏": ("cmd", "prod"), "∂": ("cmd", "partial"), "·": ("cmd", "cdot"),
           "⋅": ("cmd", "cdot"), "×": ("cmd", "times"), "−": ("op", "-"), "≠": ("op", "neq")}


def tokenize(src: str) -> list[Token]:
    toks: list[Token] = []
    n = len(src)
    p = 0
    while p < n:
        c = src[p]
        if c.isspace() or c in "~&":
            p += 1
            continue
        if c == "\\":
            if p + 1 >= n:
                raise ParseError("a lone backslash", p)
            d = src[p + 1]
            if d.isalpha():
                q = p + 1
                while q < n and src[q].isalpha():
                    q += 1
                name = src[p + 1:q]
                if name in IGNORED:
                    if name in ("left", "right", "middle") and q < n and src[q] == ".":
                        q += 1  # \left. is an invisible delimiter
                    p = q
                    continue
                if name in SKIP_GROUP:
                    p = _skip_group(src, q, p)
                    continue
                if name == "not":
                    r = q
                    while r < n and src[r].isspace():
                        r += 1
                    if r < n and src[r] == "=":
                        toks.append(Token("op", "neq", p))
                        p = r + 1
                        continue
                    raise ParseError("\\not is only understood before '='", p)
                if name in ("neq", "ne"):
                    toks.append(Token("op", "neq", p))
                    p = q
                    continue
                if name in RELATIONS:
                    raise ParseError(f"the relation \\{name} ({RELATIONS[name]}) is not checked: "
                                     "derive checks chains of '='", p)
                if name in ("text", "operatorname", "textrm", "mbox", "textbf", "textit"):
                    raise ParseError(f"\\{name}{{…}} (words inside math) is not understood", p)
                if name not in KNOWN:
                    raise ParseError(f"unknown macro \\{name}", p)
                toks.append(Token("cmd", name, p))
                p = q
                continue
            if d in SPACING:
                p += 2
                continue
            if d in "{}":
                toks.append(Token("op", "\\" + d, p))
                p += 2
                continue
            if d == "\\":
                raise ParseError("a line break '\\\\' inside an equation", p)
            raise ParseError(f"unknown macro \\{d}", p)
        if c in _SUPERSCRIPTS:
            raise ParseError(f"a Unicode superscript {c!r} is not read: write a power as "
                             f"^{{{_SUPERSCRIPTS[c]}}}", p)
        if _digit(c) or (c == "." and p + 1 < n and _digit(src[p + 1])):
            q = p
            while q < n and (_digit(src[q]) or (
                    src[q] == "." and q + 1 < n and _digit(src[q + 1]))):
                q += 1
            toks.append(Token("num", src[p:q], p))
            p = q
            continue
        if c.isascii() and c.isalpha():
            toks.append(Token("letter", c, p))
            p += 1
            continue
        if c in UNICODE:
            kind, value = UNICODE[c]
            toks.append(Token(kind, value, p))
            p += 1
            continue
        if c in "<>≤≥≈":
            raise ParseError(f"the relation {c!r} is not checked: derive checks chains of '='", p)
        if c in "+-*/=()[]{}_^,'|.!":
            toks.append(Token("op", c, p))
            p += 1
            continue
        raise ParseError(f"unexpected character {c!r}", p)
    toks.append(Token("eof", "", n))
    return toks


_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-"))


def _digit(c: str) -> bool:
    """An ASCII digit: str.isdigit also takes ², ³ and other scripts' digits."""
    return "0" <= c <= "9"


def _skip_group(src: str, q: int, start: int) -> int:
    while q < len(src) and src[q].isspace():
        q += 1
    if q >= len(src) or src[q] != "{":
        raise ParseError("expected '{' after \\label or \\tag", start)
    depth = 0
    while q < len(src):
        if src[q] == "{":
            depth += 1
        elif src[q] == "}":
            depth -= 1
            if depth == 0:
                return q + 1
        q += 1
    raise ParseError("unbalanced braces: '{' is never closed", start)


def check_balance(src: str) -> None:
    """Refuse unbalanced (), [], {} and \\{\\} early, pointing at the culprit."""
    stack: list[tuple[str, int]] = []
    pairs = {")": "(", "]": "[", "}": "{", "\\}": "\\{"}
    names = {"(": "'('", "[": "'['", "{": "'{'", "\\{": "'\\{'"}
    p = 0
    while p < len(src):
        c = src[p]
        if c == "\\" and p + 1 < len(src):
            two = src[p:p + 2]
            if two in ("\\{", "\\}"):
                c = two
            else:
                p += 2
                continue
        if c in ("(", "[", "{", "\\{"):
            stack.append((c, p))
        elif c in (")", "]", "}", "\\}"):
            if c in (")", "]"):
                # \left( … \right] and half-open intervals are legal; check only braces strictly
                if stack and stack[-1][0] in ("(", "["):
                    stack.pop()
                elif not stack or stack[-1][0] in ("{", "\\{"):
                    raise ParseError(f"unbalanced brackets: {c!r} closes nothing", p)
            else:
                if not stack or stack[-1][0] != pairs[c]:
                    raise ParseError(f"unbalanced braces: {c!r} closes nothing", p)
                stack.pop()
        p += len(c)
    if stack:
        opener, at = stack[-1]
        kind = "braces" if opener in ("{", "\\{") else "brackets"
        raise ParseError(f"unbalanced {kind}: {names[opener]} is never closed", at)


def split_top_level(src: str) -> list[tuple[str, int]]:
    """Split an equation on '=' outside any group; returns (side, offset) pairs.

    '=' inside braces, parentheses, \\{…\\}, subscripts and after \\not is not a split point.
    """
    check_balance(src)
    sides: list[tuple[str, int]] = []
    depth = 0
    start = 0
    p = 0
    while p < len(src):
        c = src[p]
        if c == "\\":
            if src.startswith("\\not", p):
                q = p + 4
                while q < len(src) and src[q].isspace():
                    q += 1
                if q < len(src) and src[q] == "=":
                    p = q + 1
                    continue
            if p + 1 < len(src) and src[p + 1] in "{}":
                depth += 1 if src[p + 1] == "{" else -1
            p += 2
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == "=" and depth == 0:
            end = p - 1 if p > start and src[p - 1] == ":" else p  # a := b defines like a = b
            sides.append((src[start:end], start))
            start = p + 1
        p += 1
    sides.append((src[start:], start))
    return sides


class Parser:
    def __init__(self, src: str, offset: int = 0):
        self.src = src
        self.offset = offset
        try:
            self.toks = tokenize(src)
        except ParseError as exc:
            raise ParseError(exc.message, exc.pos + offset) from None
        self.i = 0
        self.depth = 0

    # -- token helpers
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def at(self, kind: str, value: str | None = None) -> bool:
        t = self.tok
        return t.kind == kind and (value is None or t.value == value)

    def at_op(self, *values: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in values

    def advance(self) -> Token:
        t = self.tok
        self.i += 1
        return t

    def expect_op(self, value: str, what: str) -> Token:
        if not self.at_op(value):
            raise self.error(f"expected {what}")
        return self.advance()

    def error(self, message: str, tok: Token | None = None) -> ParseError:
        t = tok or self.tok
        expecting = message.startswith("expected") or " expected " in message
        if t.kind == "eof" and expecting:
            message += ", found the end of the expression"
        elif expecting:
            shown = ("\\" + t.value) if t.kind == "cmd" else t.value
            message += f", found {shown!r}"
        return ParseError(message, self.offset + t.pos)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nesting is deeper than {MAX_DEPTH} levels")

    def leave(self) -> None:
        self.depth -= 1

    def pos(self) -> int:
        return self.offset + self.tok.pos

    # -- grammar
    def parse_side(self) -> Node:
        if self.at("eof"):
            raise self.error("empty side of '='")
        node = self.expr()
        while self.at_op(".", ","):  # sentence punctuation after a display equation
            self.advance()
        if not self.at("eof"):
            t = self.tok
            if t.kind == "op" and t.value == "neq":
                raise self.error("the relation ≠ is not checked: derive checks chains of '='")
            shown = ("\\" + t.value) if t.kind == "cmd" else t.value
            raise self.error(f"unexpected {shown!r}")
        return node

    def expr(self) -> Node:
        self.enter()
        start = self.pos()
        terms: list[Node] = []
        if self.at_op("+"):
            self.advance()
        if self.at_op("-"):
            self.advance()
            terms.append(Neg(self.term(), pos=start))
        else:
            terms.append(self.term())
        while self.at_op("+", "-"):
            op = self.advance().value
            t = self.term()
            terms.append(Neg(t, pos=t.pos) if op == "-" else t)
        self.leave()
        return terms[0] if len(terms) == 1 else Add(tuple(terms), pos=start)

    def starts_factor(self) -> bool:
        t = self.tok
        if t.kind in ("letter", "num"):
            return True
        if t.kind == "cmd":
            return t.value not in ("over", "cdot", "times")
        return t.kind == "op" and t.value in ("(", "[", "{")

    def term(self) -> Node:
        self.enter()
        start = self.pos()
        if self.at_op("-"):  # a sign inside a product, as in a \cdot -b
            self.advance()
            node = Neg(self.term(), pos=start)
            self.leave()
            return node
        factors = [self.factor()]
        ops: list[str] = []
        while True:
            if isinstance(factors[-1], Deriv) and factors[-1].operator and factors[-1].expr is None:
                # ∂/∂v applies to the rest of the term
                rest = self.rest_of_term(start)
                d = factors.pop()
                factors.append(Deriv(rest, d.wrt, d.style, d.frac, True, pos=d.pos))
                break
            if self.at("cmd", "cdot") or self.at("cmd", "times") or self.at_op("*"):
                t = self.advance()
                ops.append({"cdot": "\\cdot", "times": "\\times"}.get(t.value, "*"))
                if self.at_op("-"):
                    mstart = self.pos()
                    self.advance()
                    factors.append(Neg(self.factor(), pos=mstart))
                else:
                    factors.append(self.factor())
                continue
            if self.at_op("/"):
                self.advance()
                den = self.factor()
                if self.starts_factor():  # a/b c: is c above or below the line? never guess
                    raise self.error("a/b c is ambiguous: write \\frac{a}{b c} or (a/b) c")
                num = factors[0] if len(factors) == 1 else Mul(tuple(factors), tuple(ops))
                factors, ops = [Frac(num, den, "slash", pos=start)], []
                continue
            if self.starts_factor():
                ops.append("")
                factors.append(self.factor())
                continue
            break
        self.leave()
        if len(factors) == 1:
            return factors[0]
        self.refuse_words(factors)
        return Mul(tuple(factors), tuple(ops), pos=start)

    def refuse_words(self, factors: list[Node]) -> None:
        """Three or more letters written together (log x, exp(x), softmax) are a word, not a
        product of one-letter variables: refuse rather than multiply them."""
        run: list[Sym] = []
        for f in [*factors, None]:
            head = f.func if isinstance(f, Apply) else f
            if isinstance(head, Sym) and len(head.name) == 1 and head.name.isalpha() and (
                    not run or head.pos == run[-1].pos + 1) and not (run and run[-1].sub):
                run.append(head)
                continue
            if len(run) >= 3:
                word = "".join(s.name for s in run)
                hint = (f"write \\{word}" if word in ("log", "ln", "exp", "sin", "cos", "tan",
                                                        "tanh", "sqrt") else
                        "put spaces between the letters if you mean a product")
                raise ParseError(f"the letters '{word}' run together like a word: {hint}",
                                 run[0].pos)
            run = [head] if isinstance(head, Sym) and len(head.name) == 1 and \
                head.name.isalpha() else []

    def rest_of_term(self, start: int) -> Node:
        if not self.starts_factor() and not self.at_op("-"):
            raise self.error("expected what the derivative operator applies to")
        node = self.term()
        return node

    def factor(self) -> Node:
        self.enter()
        base = self.postfix()
        if self.at_op("^"):
            caret = self.advance()
            if isinstance(base, Sym) and self.at_op("{") and self.peek().kind == "op" and \
                    self.peek().value == "(" and self.peek(2).kind in ("letter", "num") and \
                    self.peek(3).kind == "op" and self.peek(3).value == ")" and \
                    self.peek(4).kind == "op" and self.peek(4).value == "}":
                # x^{(i)} is a sample index in ML notes, a derivative order elsewhere, and a
                # power only rarely: refuse rather than guess
                raise self.error("a superscript in parentheses like x^{(i)} is ambiguous (an "
                                 "index? a derivative? a power?): write x_{i} for an index, or "
                                 "x^{i} for a power", caret)
            if isinstance(base, Sym) and base.name == "e" and not base.sub:
                node: Node = Exp(self.script(), "e", pos=base.pos)
            else:
                if isinstance(base, (Exp,)) and base.style == "e":
                    raise self.error("double superscript", caret)
                node = Pow(base, self.script(), pos=base.pos)
            if self.at_op("^"):
                raise self.error("double superscript: use braces, e.g. e^{x^2}")
            base = node
        self.leave()
        return base

    def script(self) -> Node:
        """The argument of _ or ^: a braced group or a single token."""
        t = self.tok
        if self.at_op("{"):
            self.advance()
            if self.at_op("}"):
                raise self.error("empty group")
            node = self.expr()
            self.expect_op("}", "'}'")
            return node
        if t.kind == "num":
            self.advance()
            if len(t.value) > 1:  # x^23 is x^2 · 3 in TeX: refuse rather than guess
                raise self.error(f"ambiguous superscript {t.value}: write ^{{{t.value}}}", t)
            return Num(t.value, pos=self.offset + t.pos)
        if t.kind == "letter":
            self.advance()
            return Sym(t.value, pos=self.offset + t.pos)
        if t.kind == "cmd" and t.value in GREEK:
            self.advance()
            return Sym("\\" + t.value, pos=self.offset + t.pos)
        if self.at_op("-"):
            raise self.error("a signed exponent needs braces, e.g. e^{-x}")
        raise self.error("expected a superscript or subscript")

    def postfix(self) -> Node:
        node = self.atom()
        if isinstance(node, Sym) and self.at_op("_"):
            node = self.subscript(node)
        if isinstance(node, Sym) and self.at_op("'"):
            primes = 0
            while self.at_op("'"):
                self.advance()
                primes += 1
            if not self.at_op("("):
                raise self.error("expected an argument list after the prime, as in f'(x)")
            call = self.call(node)
            return Apply(call.func, call.args, primes, pos=call.pos)
        if isinstance(node, Sym) and self.at_op("("):
            # kept as an application here; the scope turns it into a product when the name
            # is not a function (y_k (1 - y_i))
            node = self.call(node)
        return node

    def call(self, func: Sym) -> Node:
        start = self.pos()
        self.advance()
        args = [self.expr()]
        while self.at_op(","):
            self.advance()
            args.append(self.expr())
        self.expect_op(")", "')'")
        return Apply(func, tuple(args), pos=start)

    def subscript(self, sym: Sym) -> Sym:
        self.advance()
        t = self.tok
        if self.at_op("{"):
            self.advance()
            start = self.tok
            # {k=i}, {k \neq i}: a case subscript
            if (self.tok.kind == "letter" and self.peek().kind == "op"
                    and self.peek().value in ("=", "neq") and self.peek(2).kind == "letter"
                    and self.peek(3).kind == "op" and self.peek(3).value == "}"):
                left = self.advance().value
                op_tok = self.advance()
                right = self.advance().value
                self.advance()
                style = "=" if op_tok.value == "=" else self._neq_style(op_tok)
                case = Case(left, right, op_tok.value == "=", style, pos=self.offset + start.pos)
                index = Sym(left, pos=self.offset + start.pos)
                return Sym(sym.name, (index,), case, True, pos=sym.pos)
            subs: list[Node] = []
            while not self.at_op("}"):
                if self.at("eof"):
                    raise self.error("expected '}'")
                if self.at_op(","):
                    self.advance()
                    continue
                s = self.tok
                if s.kind == "letter" and self.peek().kind == "op" and self.peek().value in "+-":
                    subs.append(self.expr())  # an index expression like k+1
                    continue
                if s.kind == "letter":
                    self.advance()
                    subs.append(Sym(s.value, pos=self.offset + s.pos))
                elif s.kind == "num":
                    self.advance()
                    subs.append(Num(s.value, pos=self.offset + s.pos))
                elif s.kind == "cmd" and s.value in GREEK:
                    self.advance()
                    subs.append(Sym("\\" + s.value, pos=self.offset + s.pos))
                else:
                    raise self.error("this subscript is not an index")
            self.advance()
            if not subs:
                raise self.error("empty subscript", t)
            return Sym(sym.name, tuple(subs), None, True, pos=sym.pos)
        if t.kind == "letter":
            self.advance()
            return Sym(sym.name, (Sym(t.value, pos=self.offset + t.pos),), pos=sym.pos)
        if t.kind == "num":
            self.advance()
            if len(t.value) > 1:
                raise self.error(f"ambiguous subscript {t.value}: write _{{{t.value}}}", t)
            return Sym(sym.name, (Num(t.value, pos=self.offset + t.pos),), pos=sym.pos)
        if t.kind == "cmd" and t.value in GREEK:
            self.advance()
            return Sym(sym.name, (Sym("\\" + t.value, pos=self.offset + t.pos),), pos=sym.pos)
        raise self.error("expected a subscript")

    def _neq_style(self, tok: Token) -> str:
        raw = self.src[tok.pos:tok.pos + 5]
        if raw.startswith("\\not"):
            return "\\not="
        if raw.startswith("\\neq"):
            return "\\neq"
        return "\\ne"

    def condition(self) -> Case:
        start = self.tok
        if start.kind != "letter":
            raise self.error("expected an index in the condition")
        self.advance()
        op = self.tok
        if not (op.kind == "op" and op.value in ("=", "neq")):
            raise self.error("expected '=' or '\\neq' in the condition")
        self.advance()
        right = self.tok
        if right.kind != "letter" and not (right.kind == "num" and right.value.isdigit()):
            raise self.error("expected an index in the condition")
        self.advance()
        style = "=" if op.value == "=" else self._neq_style(op)
        return Case(start.value, right.value, op.value == "=", style, pos=self.offset + start.pos)

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

    def atom(self) -> Node:  # noqa: C901 - one branch per construct
        t = self.tok
        start = self.offset + t.pos
        if t.kind == "num":
            self.advance()
            if t.value == "1" and self.at_op("\\{"):
                return self.indicator_braces("1{}", start)
            if t.value == "1" and self.at_op("(") and self.paren_is_condition():
                self.advance()
                case = self.condition()
                self.expect_op(")", "')'")
                return Indicator(case, "1()", pos=start)
            return Num(t.value, pos=start)
        if t.kind == "letter":
            self.advance()
            return Sym(t.value, pos=start)
        if t.kind == "op":
            if t.value == "(":
                self.advance()
                inner = self.expr()
                self.expect_op(")", "')'")
                return Paren(inner, "(", ")", pos=start)
            if t.value == "[":
                if self.paren_is_condition("]"):
                    return self.bracket_condition("[]", start)
                self.advance()
                inner = self.expr()
                self.expect_op("]", "']'")
                return Paren(inner, "[", "]", pos=start)
            if t.value == "{":
                return self.group()
            if t.value == "\\{":
                raise self.error("a set brace \\{ is only understood in an indicator 1\\{k = i\\}")
            raise self.error(f"unexpected {t.value!r}")
        if t.kind == "cmd":
            name = t.value
            if name in ("frac", "dfrac", "tfrac"):
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
            if name == "exp":
                self.advance()
                if self.at_op("^"):
                    raise self.error("\\exp^n is not supported")
                return Exp(self.function_argument(), "exp", pos=start)
            if name in ACCENTS:
                self.advance()
                braced = self.at_op("{")
                if braced:
                    self.advance()
                inner = self.tok
                if not (inner.kind == "letter" or (inner.kind == "cmd" and inner.value in GREEK)):
                    raise self.error(f"\\{name}{{…}} is only understood on a single letter")
                self.advance()
                if braced:
                    self.expect_op("}", "'}'")
                letter = inner.value if inner.kind == "letter" else "\\" + inner.value
                return Sym(f"\\{name}{{{letter}}}", pos=start)
            if name in FUNCTIONS:
                self.advance()
                if name == "sqrt":
                    if self.at_op("["):
                        raise self.error("\\sqrt[n]{…} is not supported")
                    return Func(name, self.script(), pos=start)
                if self.at_op("^"):
                    raise self.error(f"a power of \\{name} needs parentheses: (\\{name} x)^2")
                return Func(name, self.function_argument(), pos=start)
            if name in ("log", "ln"):
                self.advance()
                if self.at_op("_"):
                    raise self.error("a logarithm with a base is not supported: use \\log or \\ln")
                if self.at_op("^"):
                    raise self.error("a power of a logarithm needs parentheses: (\\log x)^2")
                return Log(self.function_argument(), name, pos=start)
            if name in ("sum", "prod"):
                return self.bigop(name, start)
            if name == "delta":
                self.advance()
                if self.at_op("_"):
                    return self.kronecker(start)
                return Sym("\\delta", pos=start)
            if name in GREEK:
                self.advance()
                return Sym("\\" + name, pos=start)
            if name == "pi":
                self.advance()
                return Sym("\\pi", pos=start)
            if name == "infty":
                raise self.error("\\infty is not supported as a value")
            if name in ("mathbb", "mathbf"):
                self.advance()
                self.expect_op("{", "'{'")
                one = self.tok
                if not (one.kind == "num" and one.value == "1"):
                    raise self.error(
                        f"\\{name}{{…}} is only understood as the indicator \\{name}{{1}}")
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
                if self.at_op("(") and self.paren_is_condition():
                    self.advance()
                    case = self.condition()
                    self.expect_op(")", "')'")
                    return Indicator(case, name, pos=start)
                if self.at_op("[") and self.paren_is_condition("]"):
                    return self.bracket_condition(name + "[]", start)
                raise self.error(f"expected a condition after \\{name}{{1}}")
            if name == "mathrm":
                self.advance()
                self.expect_op("{", "'{'")
                d = self.tok
                if not (d.kind == "letter" and d.value == "d" and self.peek().kind == "op"
                        and self.peek().value == "}"):
                    raise self.error(
                        "\\mathrm{…} is only understood as the differential \\mathrm{d}")
                self.advance()
                self.advance()
                raise self.error("a differential \\mathrm{d} outside a derivative fraction", t)
            if name == "partial":
                raise self.error("\\partial is only understood inside a derivative fraction")
            if name == "over":
                raise self.error("\\over must sit inside braces: {a \\over b}")
            raise self.error(f"unexpected \\{name}")
        raise self.error("expected an expression")

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

    def indicator_braces(self, style: str, start: int) -> Indicator:
        self.expect_op("\\{", "'\\{'")
        case = self.condition()
        self.expect_op("\\}", "'\\}'")
        return Indicator(case, style, pos=start)

    def kronecker(self, start: int) -> Indicator:
        self.advance()  # _
        if not self.at_op("{"):
            raise self.error("expected \\delta_{ki}")
        self.advance()
        letters = []
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
        if not self.starts_factor():
            raise self.error("expected the argument of the function")
        return self.factor()

    def bigop(self, kind: str, start: int) -> BigOp:
        self.advance()
        index = lo = hi = None
        for _ in range(2):
            if self.at_op("_"):
                if index is not None:
                    raise self.error("double subscript on the sum")
                self.advance()
                index, lo = self.bigop_lower()
            elif self.at_op("^"):
                if hi is not None:
                    raise self.error("double superscript on the sum")
                self.advance()
                hi = self.script()
        if lo is not None and hi is None:
            raise self.error(f"\\{kind}_{{{index}=…}} needs an upper limit")
        if index is not None and lo is None and hi is not None:
            lo = Num("1", pos=start)  # \sum_{i}^{N} runs over i = 1..N
        if not self.starts_factor() and not self.at_op("-"):
            raise self.error(f"expected the body of the \\{kind}")
        body = self.term()
        written = "full" if lo is not None else ("index" if index is not None else "bare")
        return BigOp(kind, body, index, lo, hi, written, pos=start)

    def bigop_lower(self) -> tuple[str, Node | None]:
        t = self.tok
        if t.kind == "letter":
            self.advance()
            return t.value, None
        self.expect_op("{", "'{'")
        idx = self.tok
        if idx.kind != "letter":
            raise self.error("expected the summation index")
        self.advance()
        lo = None
        if self.at_op("="):
            self.advance()
            lo = self.expr()
        self.expect_op("}", "'}'")
        return idx.value, lo

    # -- derivatives and fractions
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
            if self.at_op("^"):
                self.advance()
                o = self.script()
                if not (isinstance(o, Num) and o.text.isdigit()):
                    raise self.error("expected the order of the derivative")
                n = int(o.text)
            wrt.extend([var] * n)
        return _DerivDen(tuple(wrt), style or "partial", pos=start)

    def make_fraction(self, num: Node, den: Node, style: str, start: int) -> Node:
        if isinstance(num, _DerivHead) or isinstance(den, _DerivDen):
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


@frozen
class _DerivHead(Node):
    expr: Node | None
    style: str
    order: int


@frozen
class _DerivDen(Node):
    wrt: tuple[Sym, ...]
    style: str


def parse_expression(src: str, offset: int = 0) -> Node:
    """Parse one side of an equation. Offsets in errors are ``offset`` + position in ``src``."""
    try:
        check_balance(src)
    except ParseError as exc:
        raise ParseError(exc.message, exc.pos + offset) from None
    return Parser(src, offset).parse_side()


def parse_chain(src: str) -> list[tuple[Node, str, int]]:
    """Parse an equation into its sides: (tree, source text, offset) for each."""
    out = []
    for side, off in split_top_level(src):
        if not side.strip():
            raise ParseError("empty side of '='" if len(src.strip()) > 1 else "empty equation",
                             off + (len(side) - len(side.lstrip())))
        out.append((parse_expression(side, off), side.strip(), off))
    return out

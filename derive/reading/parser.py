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

The grammar lives in three modules, one group of constructs each: this one (sides, sums of
terms, products, powers, scripts, calls, subscripts, and :meth:`Parser.atom`, which dispatches
on the first token to one method per construct), :mod:`derive.reading.derivatives` (fractions
and derivatives) and :mod:`derive.reading.bigops` (big operators, indicators, conditions). The
tokens and the checks on raw text are in :mod:`derive.reading.tokenizer`.
"""

from __future__ import annotations

from dataclasses import replace

from derive.reading.applications import ApplicationReading, merge_divergence_names
from derive.reading.bigops import BigOpReading
from derive.reading.cases import read_cases
from derive.reading.derivatives import DerivativeReading
from derive.reading.ellipsis import DotsReading, fold_dots
from derive.reading.operator_entries import applied_family, operator_entry
from derive.reading.syntax import (
    Add,
    Apply,
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
from derive.reading.tokenizer import (  # re-exported: the reader's public names live here
    ACCENTS,
    FUNCTIONS,
    GREEK,
    MAX_DEPTH,
    TOKEN_SAMPLES,
    ParseError,
    Token,
    check_balance,
    split_top_level,
    tokenize,
)
from derive.reading.vectors import BOLD, VectorReading, bold_letter, is_bold

__all__ = ["MAX_DEPTH", "TOKEN_SAMPLES", "ParseError", "Parser", "Token", "check_balance",
           "parse_chain", "parse_expression", "split_top_level", "tokenize"]


class Parser(DerivativeReading, BigOpReading, VectorReading, ApplicationReading,
             DotsReading):
    """Recursive descent over one side of an equation; one method per construct."""

    # -- grammar
    def parse_side(self) -> Node:
        if self.at("eof"):
            raise self.error("empty side of '='")
        node = self.expr()
        while self.at_op(".", ","):  # sentence punctuation after a display equation
            dot = self.advance()
            if dot.value == "." and self.starts_factor():
                raise self.error("a '.' between two factors: write \\cdot for a product (a "
                                 "full stop belongs at the end)", dot)
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
        while self.at_op("+", "-") or self.dots_then_sign():
            if self.at_op("dots"):  # a - b \cdots - c: the sign before the dots left out
                dots = self.advance()
                op = self.tok.value
                if op != ("-" if isinstance(terms[-1], Neg) else "+"):
                    raise self.error("the signs before and after the dots differ: write "
                                     "the sum as \\sum_{k=1}^{n} …", dots)
                self.i -= 1  # (read on as if the sign stood before the dots too)
            else:
                op = self.advance().value
            if self.at_op("dots"):  # x_1 + x_2 + \cdots + x_n: a written-out sum
                dots = self.advance()
                if self.at_op("+", "-"):
                    if self.tok.value != op:
                        raise self.error("the signs before and after the dots differ: write "
                                         "the sum as \\sum_{k=1}^{n} …", dots)
                    self.advance()
                t = self.term()
                folded = fold_dots(terms, Neg(t, pos=t.pos) if op == "-" else t, dots.pos)
                if folded is None:
                    raise self.error("cannot tell what the dots stand for: the terms around "
                                     "them must differ only in a number that counts up (x_1 + "
                                     "x_2 + \\cdots + x_n); or write \\sum_{k=1}^{n} …", dots)
                terms = folded
                continue
            t = self.term()
            terms.append(Neg(t, pos=t.pos) if op == "-" else t)
        if self.at_op("dots"):
            raise self.error("dots are read between the terms of a sum (x_1 + \\cdots + x_n) "
                             "and the factors of a product (x_1 x_2 \\cdots x_n); in a list "
                             "they are not: write \\sum_{k=1}^{n} … or \\prod_{k=1}^{n} …")
        self.leave()
        return terms[0] if len(terms) == 1 else Add(tuple(terms), pos=start)

    def starts_factor(self) -> bool:
        t = self.tok
        if t.kind in ("letter", "num", "word"):
            return True
        if t.kind == "cmd":
            return t.value not in ("over", "cdot", "times", "odot")
        return t.kind == "op" and (t.value in ("(", "[", "{") or (
            t.value == "norm" and not self.in_norm))

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
            if self.at_op("{") and self.peek().kind == "op" and self.peek().value == "}":
                self.advance()  # a{}b: TeX's empty group after a factor sets nothing
                self.advance()
                continue
            if self.at("cmd", "cdot") or self.at("cmd", "times") or self.at_op("*") or \
                    self.at("cmd", "odot"):
                t = self.advance()
                if self.at_op("dots") and t.value in ("cdot", "times") and \
                        self.product_dots(factors, ops):
                    continue  # t_1 \cdot t_2 \cdot \cdots \cdot t_n
                ops.append({"cdot": "\\cdot", "times": "\\times", "odot": "\\odot"}.get(
                    t.value, "*"))
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
            if self.at_op("dots") and self.product_dots(factors, ops):
                continue
            if self.at_op(".") and self.dot_is_product():
                self.advance()  # df.\frac{…}{…}, a . b: a dot for a product (noted)
                ops.append(".")
                factors.append(self.factor())
                continue
            if self.starts_factor():
                last = factors[-1]
                if self.at_op("[") and isinstance(last, Sym) and not last.sub and \
                        self.touches():
                    # H[P], E[X]: an application in brackets, read as H(P) would be
                    factors[-1] = self.bracket_application(last)
                    continue
                self.refuse_operator_before_factor(last)
                ops.append("")
                factors.append(self.factor())
                continue
            break
        self.leave()
        merge_divergence_names(factors, ops)
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
            word = "".join(s.name for s in run)
            if len(run) == 2 and word in ("if", "or", "so", "ln"):
                raise ParseError(f"the letters '{word}' read like a word: "
                                 + ("write \\ln" if word == "ln" else
                                    "prose belongs outside the display (or write "
                                    f"{word[0]} \\cdot {word[1]} for a product)"), run[0].pos)
            if len(run) >= 3:
                hint = (f"write \\{word}" if word in ("log", "ln", "exp", "sin", "cos", "tan",
                                                        "tanh", "sqrt") else
                        f"write \\operatorname{{{word}}} for a name, or put spaces between "
                        "the letters for a product") + (
                    f", or declare the word (derive: functions: [{word}])")
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
            if self.transpose_ahead() and not (isinstance(base, Sym) and base.name == "e"
                                               and not base.sub):  # e^T is exp(T)
                self.leave()
                return self.transposed(base, caret)  # checked against a name T by linalg
            if isinstance(base, Sym) and self.sample_ahead(after_caret=True):
                # x^{(i)} is a sample index in ML notes (a family of its own, x^{(·)}, apart
                # from x_j); the scope checks that i is an index. f^{(n)}(x) is a derivative
                # order: refused
                sample = self.sample_script(base)
                if self.at_op("_") and not base.sub:
                    extra = self.subscript(Sym(base.name, pos=base.pos))
                    sample = Sym(sample.name, (sample.sub[0], *extra.sub), pos=base.pos)
                if self.at_op("(", "'") and not (is_bold(base.name) and self.at_op("(")):
                    # (\\mathbf{W}^{(2)}(\\mathbf{h} + \\mathbf{b}): a layer times a vector)
                    raise self.error("f^{(n)}(x) is a derivative of order n, which derive does "
                                     "not read: write \\frac{d^n f}{dx^n}", caret)
                if self.at_op("^"):
                    raise self.error("double superscript: use braces, e.g. (x^{(i)})^2")
                self.leave()
                return sample
            if isinstance(base, Sym) and base.name == "e" and not base.sub:
                node: Node = Exp(self.script(), "e", pos=base.pos)
            else:
                if isinstance(base, (Exp,)) and base.style == "e":
                    raise self.error("double superscript", caret)
                node = Pow(base, self.script(), pos=base.pos)
                node = self.operator_power(node)
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
            raise self.error("a signed exponent needs braces: write e^{-x}")
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
            if call.seps or call.style:
                raise self.error("a prime on a function of a condition, a divergence or "
                                 "parameters is not read: write the derivative as a fraction",
                                 self.toks[self.i - 1])
            return Apply(call.func, call.args, primes, pos=call.pos)
        if isinstance(node, Sym) and self.at_op("(") and bold_letter(node.name) is None:
            # kept as an application here; the scope turns it into a product when the name
            # is not a function (y_k (1 - y_i))
            if node.name == "\\operatorname{diag}":  # diag(\mathbf{y}): lowered by linalg
                return self.call(node)
            macro = self.toks[self.i + 1].value if self.i + 1 < len(self.toks) else ""
            ahead = operator_entry(node, self.toks, self.i)  # \operatorname{softmax}_k(…)
            bold = self.bold_argument()
            node = self.call(replace(node, sub=()) if ahead else node)
            if ahead and isinstance(node, Apply):
                family = applied_family(node, bold)
                if family is None:
                    raise self.error("an index on a named operator is read as the entry of "
                                     "its value at a vector, \\operatorname{softmax}_k("
                                     "\\mathbf{z}) or \\operatorname{softmax}_k(\\mathbf{z}_n)")
                return replace(family, sub=family.sub + ahead)
            if self.at_op("_") and isinstance(node, Apply) and \
                    (family := applied_family(node, bold)) is not None:
                # s(x)_i, \sigma(\mathbf{z})_i: entry i of a function of the family x, a
                # family named for the function and its argument (so s(y)_i is another);
                # of a vector of a family, softmax(\mathbf{z}_n)_k, its entries take n first
                entry = self.subscript(replace(family, sub=()))
                return replace(entry, sub=family.sub + entry.sub)
            if self.at_op("_"):
                raise self.error("an index on a function's value is read as s(\\mathbf{x})_i, "
                                 "on a function of one name: write the entry itself")
            from derive.reading.vector_functions import read_whole  # (only where bold)

            if bold and (not isinstance(node, Apply) or not read_whole(node.func.name)):
                raise self.error("a function of a vector (\\mathbf{x}) is read only entry "
                                 "by entry: write s(\\mathbf{x})_i")
            if bold and isinstance(node, Apply) and len(node.args) == 1 and \
                    isinstance(node.args[0], Sym):
                # l(\mathbf{w}): the whole vector, given back its bold name; the lowering
                # reads an unknown function of it, or refuses (derive.reading.vector_functions)
                arg = node.args[0]
                node = replace(node, args=(Sym(f"\\{macro}{{{arg.name}}}", pos=arg.pos),))
        return node

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
            if self.tok.kind == "word" and len(self.tok.value) > 1 and not sym.sub and \
                    self.peek().kind == "op" and self.peek().value == "}":
                # D_{\textrm{KL}}, L_{\text{data}}: a word below is part of the name, as in D_{KL}
                word = self.advance().value
                self.advance()
                return Sym(f"{sym.name}_{{{word}}}", pos=sym.pos)
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
                if s.kind == "letter" and self.peek().kind == "op" and self.peek().value == "_":
                    subs.append(self.label())  # f_{y_i}: the class label y_i as the index
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
                    raise self.error("this subscript is not an index: write letters or "
                                     "numbers, as x_i or W_{ij}")
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
            if t.value == "E" and self.expectation_ahead():  # E_{x \sim P}[f(x)]
                return self.expectation_under(start)
            return Sym(t.value, pos=start)
        if t.kind == "cases":
            self.advance()
            return read_cases(t.value, self.offset + t.pos, start, parse_expression)
        if t.kind == "word":  # \text{MSE}, \operatorname{softmax}: one name, one spelling
            self.advance()
            return Sym(f"\\operatorname{{{t.value}}}", pos=start)
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
            if t.value == "norm":
                return self.norm(start)
            if t.value == "\\{":
                raise self.error("a set brace \\{ is only understood in an indicator 1\\{k = i\\}")
            raise self.error(f"unexpected {t.value!r}")
        if t.kind == "cmd":
            name = t.value
            if name in ("frac", "dfrac", "tfrac"):
                return self.fraction(name, start)
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
                accented = self.tok
                if accented.kind == "cmd" and accented.value in BOLD:  # \hat{\mathbf{y}}
                    bold = self.bold_name(self.pos())
                    if braced:
                        self.expect_op("}", "'}'")
                    macro, letter = bold.name[1:].split("{", 1)
                    return Sym(f"\\{macro}{{\\{name}{{{letter[:-1]}}}}}", pos=start)
                if not (accented.kind == "letter" or (accented.kind == "cmd"
                                                      and accented.value in GREEK)):
                    raise self.error(f"\\{name}{{…}} is only understood on a single letter")
                self.advance()
                if braced:
                    self.expect_op("}", "'}'")
                letter = accented.value if accented.kind == "letter" else "\\" + accented.value
                return Sym(f"\\{name}{{{letter}}}", pos=start)
            if name in FUNCTIONS:
                self.advance()
                if name == "sqrt":
                    if self.at_op("["):
                        raise self.error("\\sqrt[n]{…} is not supported")
                    return Func(name, self.script(), pos=start)
                if self.at_op("'"):
                    return self.primed_builtin(name, start)
                power = self.function_power(name)
                value = Func(name, self.function_argument(), pos=start)
                return Pow(value, power, pos=start) if power is not None else value
            if name in ("log", "ln"):
                self.advance()
                base = None
                if self.at_op("_"):  # \log_2 x is log x / log 2: the same number, exactly
                    if name == "ln":
                        raise self.error("\\ln has base e: write \\log_b for another base")
                    self.advance()
                    base = self.script()
                    if not (isinstance(base, Num) and base.text.isdigit() and
                            int(base.text) >= 2) and not isinstance(base, Sym):
                        raise self.error("the base of a logarithm is read as a whole number "
                                         "2, 3, … or a name", self.toks[self.i - 1])
                power = self.function_power(name)
                log: Node = Log(self.function_argument(), name, pos=start)
                if base is not None:
                    log = Paren(Frac(log, Log(base, name, pos=start), "frac", pos=start),
                                pos=start)
                return Pow(log, power, pos=start) if power is not None else log
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
            if name == "mathbb" and (e := self.expectation(start)) is not None:
                return self.expectation_under(start) if e.name == "\\mathbb{E}" and \
                    self.expectation_ahead() else e
            if name in BOLD and not (name == "mathbf" and self.bold_one_ahead()):
                return self.bold_name(start)
            if name in ("mathbb", "mathbf"):
                return self.mathbb_indicator(name, start)
            if name == "nabla":
                return self.gradient(start)
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
                return self.slash_derivative(start)
            if name == "over":
                raise self.error("\\over must sit inside braces: {a \\over b}")
            raise self.error(f"unexpected \\{name}")
        raise self.error("expected an expression")



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

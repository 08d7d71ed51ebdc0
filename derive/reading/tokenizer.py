"""The LaTeX tokens of an equation: source text → :class:`Token` list, and checks on raw text.

It owns what is decided before any grammar: which macros and Unicode characters are read (and
as what: ``\\underbrace{X}_{label}`` as X, ``\\max(…)`` as the built-in max), which are refused
(relations, words inside math, Unicode superscripts, ``\\mathsf`` tensors), bracket balance
(:func:`check_balance`), the split of an equation at its top-level '=' (:func:`split_top_level`),
:class:`ParseError`, and :class:`TokenCursor`, the position in
a token list that the parser (:mod:`derive.reading.parser`) walks.
"""

from __future__ import annotations

import re

from derive.reading.macros import MAX_DEPTH as MACRO_DEPTH
from derive.reading.macros import MAX_TOKENS as MACRO_TOKENS
from derive.reading.macros import MacroError, current_words, expand
from derive.reading.macros import current as current_macros
from derive.reading.uncheckable import group_end, label_end
from derive.reading.vocabulary import TOKEN_SAMPLES  # noqa: F401 - re-exported
from derive.records import frozen

MAX_DEPTH = 150  # nesting limit: deeper input is refused, not a RecursionError


def _sets():  # \sum_{x \in X}, E_{x \sim P} (the module reads with this one: imported late)
    from derive.reading import sets
    return sets


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
#: macros whose braced argument is not maths: labels, tags and horizontal or vertical space
SKIP_GROUP = frozenset({"label", "tag", "hspace", "vspace", "phantom", "hphantom", "vphantom"})
#: the dots of a written-out sum (x_1 + \cdots + x_n); ... and … are read the same way
DOTS = frozenset("cdots ldots dots dotsb dotsc dotsm dotsi".split())
FUNCTIONS = frozenset("sin cos tan tanh sinh cosh sqrt".split())
ACCENTS = frozenset("hat bar tilde check mathcal".split())  # \hat{y} is a name of its own
RELATIONS = {"le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "approx": "≈", "propto": "∝",
             "sim": "∼", "simeq": "≃", "lt": "<", "gt": ">", "to": "→", "implies": "⇒",
             "Rightarrow": "⇒", "iff": "⇔"}
KNOWN = frozenset(
    "frac dfrac tfrac over cdot times exp log ln sum prod partial mathrm mathbb mathbf neq ne "
    "not delta pi infty boldsymbol vec bm top intercal odot nabla".split()
) | GREEK | IGNORED | SKIP_GROUP | FUNCTIONS | ACCENTS

#: macros whose braced word is a name: \text{MSE}, \mathrm{softmax}, \operatorname{sigmoid}
WORD_MACROS = frozenset("text textrm textit textbf mbox operatorname mathrm mathit rm".split())
#: the separators an argument list may hold besides ',': a condition's bar, a divergence's
#: double bar, and ';' before parameters (read by :mod:`derive.reading.applications`)
SEPARATOR_MACROS = {"mid": "\\mid", "vert": "\\vert", "parallel": "\\parallel"}
_RM_OPEN = re.compile(r"\{\s*\\rm(?![A-Za-z])")
_RM_GROUP = re.compile(r"\{\s*\\rm\s+([A-Za-z][A-Za-z0-9-]*)\s*\}")
#: words that are prose, never names (\text{if}, \text{ where })
PROSE = frozenset("if for where and or otherwise when with then since so else all is are "
                  "s.t. iff".split())


#: environments that lay out a matrix (or a vector) entry by entry
_MATRICES = frozenset({"matrix", "bmatrix", "pmatrix", "Bmatrix", "vmatrix", "Vmatrix",
                       "smallmatrix", "array"})

def _word_group(src: str, q: int) -> tuple[str, int] | None:
    """The word in the braces that follow offset ``q`` (``{MSE}``), and the offset after
    them; None when the braces hold no single name (prose, spaces, other macros)."""
    r = q
    while r < len(src) and src[r] == " ":
        r += 1
    if r >= len(src) or src[r] != "{":
        return None
    close = src.find("}", r)
    if close < 0:
        return None
    inner = src[r + 1:close]
    if inner != inner.strip() or not inner or inner in PROSE:
        return None  # spaced: prose, such as \text{ if }
    if not (inner[0].isascii() and inner[0].isalpha()) or not all(
            c.isascii() and (c.isalnum() or c == "-") for c in inner):
        return None
    return inner, close + 1


_OPERATOR_MACROS = {"neq": "neq", "ne": "neq", "Vert": "norm", "lVert": "norm", "rVert": "norm"}

# Unicode written straight into math: read as the macro it stands for.
_GREEK_CHARS = dict(zip("αβγδεζηθικλμνξρστυφχψωΓΔΘΛΞΦΨΩ", (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Phi Psi Omega").split()))
UNICODE = {**{c: ("cmd", n) for c, n in _GREEK_CHARS.items()},
           "π": ("cmd", "pi"), "ℓ": ("cmd", "ell"), "Σ": ("cmd", "sum"), "∑": ("cmd", "sum"),
           "∏": ("cmd", "prod"), "∂": ("cmd", "partial"), "·": ("cmd", "cdot"),
           "⋅": ("cmd", "cdot"), "×": ("cmd", "times"), "−": ("op", "-"), "≠": ("op", "neq")}


def _declared_word(src: str, p: int, words: tuple[str, ...]) -> str | None:
    """The declared word written at ``p`` as bare letters, standing alone: no letter right
    before it (a subscript's one letter, y_klog, ends before it, as TeX reads it) nor after."""
    before_ok = p == 0 or not src[p - 1].isalpha() or (p >= 2 and src[p - 2] == "_")
    if not before_ok:
        return None
    for w in words:
        end = p + len(w)
        if src.startswith(w, p) and (end >= len(src) or not src[end].isalpha()):
            return w
    return None


def tokenize(src: str, _depth: int = 0) -> list[Token]:
    toks: list[Token] = []
    n = len(src)
    p = 0
    macros = current_macros()
    words = current_words()
    skips: dict[int, int] = {}  # an underbrace's label: where it begins -> where it ends
    while p < n:
        if p in skips:
            p = skips.pop(p)
            continue
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
                if macros is not None and name in macros:
                    q = _expanded(macros[name], src, p, q, toks, _depth)
                    p = q
                    continue
                if name in IGNORED:
                    if name in ("left", "right", "middle") and q < n and src[q] == ".":
                        q += 1  # \left. is an invisible delimiter
                    p = q
                    continue
                if name in SKIP_GROUP:
                    if name in ("hspace", "vspace") and q < n and src[q] == "*":
                        q += 1  # \hspace*{…}
                    p = _skip_group(src, q, p, name)
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
                if name in _OPERATOR_MACROS:  # \neq, and \Vert for a norm \|x\|
                    toks.append(Token("op", _OPERATOR_MACROS[name], p))
                    p = q
                    continue
                if name in DOTS:
                    toks.append(Token("op", "dots", p))
                    p = q
                    continue
                if name in STEPS and _in_indicator(src, p):  # \mathbb{1}(x \ge y)
                    toks.append(Token("op", STEPS[name], p))
                    p = q
                    continue
                if name in ("in", "sim") and _sets().relation_in_subscript(src, p, name):
                    toks.append(Token("op", name, p))
                    p = q
                    continue
                if name in RELATIONS:
                    raise ParseError(f"the relation \\{name} ({RELATIONS[name]}) is not checked: "
                                     "derive checks chains of '='", p)
                if name == "begin" and src.startswith("{cases}", q):
                    inner = q + len("{cases}")
                    end = src.find("\\end{cases}", inner)
                    if end < 0:
                        raise ParseError("\\begin{cases} is never closed by \\end{cases}", p)
                    toks.append(Token("cases", src[inner:end], inner))
                    p = end + len("\\end{cases}")
                    continue
                if name in ("begin", "end"):
                    env = src[q:src.find("}", q) + 1] if src.startswith("{", q) else ""
                    if env.strip("{}") in _MATRICES:
                        raise ParseError(f"a matrix written out entry by entry ({env}) is not "
                                         "read: write its entries as equations (x_1 = …), a "
                                         "vector or matrix by its bold name (\\mathbf{x}), or "
                                         "cases as \\begin{cases}", p)
                    raise ParseError(f"the environment {env or '…'} is not read inside an "
                                     "equation (cases and, around a chain, aligned and split "
                                     "are)", p)
                if name == "mathsf":
                    raise ParseError("\\mathsf{…} names a tensor (as books write them), which "
                                     "derive does not read: write a matrix \\mathbf{Z}, a "
                                     "vector \\mathbf{z}, or the entries Z_{ijk} as scalars", p)
                if name in BRACES:  # \underbrace{X}_{label}: X, the label is noted
                    skips.update([_brace_label(src, p, q, name)])
                    p = q
                    continue
                if name in ("max", "min"):
                    r = q
                    while r < n and src[r].isspace():
                        r += 1
                    if not (src.startswith("(", r) or re.match(r"\\(?:left|bigl?|Bigl?)\s*\(",
                                                               src[r:])):
                        raise ParseError(f"\\{name} is read applied to written arguments, as in "
                                         f"\\{name}(x, y); a \\{name} over a set "
                                         f"(\\{name}_{{x}} …) is not checked", p)
                    toks.append(Token("word", name, p))  # the built-in \operatorname{max}
                    p = q
                    continue
                if name in SEPARATOR_MACROS:
                    toks.append(Token("op", SEPARATOR_MACROS[name], p))
                    p = q
                    continue
                if name in WORD_MACROS:
                    word = _word_group(src, q)
                    if word is not None and not (name == "mathrm" and word[0] == "d"):
                        text, end = word
                        if text in FUNCTIONS or text in ("exp", "log", "ln"):
                            toks.append(Token("cmd", text, p))  # \operatorname{tanh} is \tanh
                        else:
                            toks.append(Token("word", text, p))
                        p = end
                        continue
                    if name != "mathrm":
                        raise ParseError(f"\\{name}{{…}} (words inside math) is not understood: "
                                         "a name is one word (\\operatorname{softmax}); prose "
                                         "belongs outside the display", p)
                if name in ("dot", "ddot"):  # Newton's dot: a derivative, of what by what?
                    raise ParseError(f"\\{name}{{…}} (a derivative written with a dot) is not "
                                     "read: write the derivative and its variable, "
                                     "\\frac{d}{dp} f(p)", p)
                if name not in KNOWN:
                    raise ParseError(f"unknown macro \\{name}", p)
                toks.append(Token("cmd", name, p))
                p = q
                continue
            if d in SPACING or d in "\n\t":  # \, \; … and TeX's control space (\ at a line end)
                p += 2
                continue
            if d == "|":  # \| : a norm, or the double bar of a divergence (applications.py)
                toks.append(Token("op", "norm", p))
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
            declared = _declared_word(src, p, words) if words else None
            if declared is not None:  # Softmax, declared a name: never S·o·f·t·m·a·x
                toks.append(Token("cmd", declared, p) if declared in ("log", "ln", "exp") or
                            declared in FUNCTIONS else Token("word", declared, p))
                p += len(declared)
                continue
            toks.append(Token("letter", c, p))
            p += 1
            continue
        if c in UNICODE:
            kind, value = UNICODE[c]
            toks.append(Token(kind, value, p))
            p += 1
            continue
        if c in "<>≤≥" and _in_indicator(src, p):  # \mathbb{1}(x >= y): a step
            two = c in "<>" and src.startswith("=", p + 1)
            toks.append(Token("op", {"<": "≤", ">": "≥"}[c] if two else c, p))
            p += 2 if two else 1
            continue
        if c in "<>≤≥≈":
            raise ParseError(f"the relation {c!r} is not checked: derive checks chains of '='", p)
        if src.startswith("...", p):
            toks.append(Token("op", "dots", p))
            p += 3
            continue
        if c == "…":
            toks.append(Token("op", "dots", p))
            p += 1
            continue
        if c == "{" and _RM_OPEN.match(src, p):
            m = _RM_GROUP.match(src, p)  # {\rm softmax}: the old spelling of \mathrm{softmax}
            if m is None or m.group(1) in PROSE or m.group(1) == "d":
                raise ParseError("{\\rm …} is read only around one word that is a name "
                                 "({\\rm softmax}); prose belongs outside the display, and "
                                 "a differential is \\mathrm{d}", p)
            rm_word = m.group(1)
            known = rm_word in FUNCTIONS or rm_word in ("exp", "log", "ln")
            toks.append(Token("cmd" if known else "word", rm_word, p))
            p = m.end()
            continue
        if c == "|" and src.startswith("||", p):
            toks.append(Token("op", "||", p))
            p += 2
            continue
        if c in "+-*/=()[]{}_^,'|.!;":
            toks.append(Token("op", c, p))
            p += 1
            continue
        raise ParseError(f"unexpected character {c!r}", p)
    toks.append(Token("eof", "", n))
    return toks


#: the inequalities an indicator's condition may hold (\mathbb{1}(x \ge y), 1\{u > 0\})
STEPS = {"ge": "≥", "geq": "≥", "le": "≤", "leq": "≤", "gt": ">", "lt": "<"}
_INDICATOR_OPEN = re.compile(r"(?:\\mathbb\s*\{\s*1\s*\}\s*(?:\\left\s*)?\(|"
                             r"(?:\\mathbb\s*\{\s*1\s*\}|(?<![0-9.])1)\s*(?:\\left\s*)?\\\{)$")


def _in_indicator(src: str, p: int) -> bool:
    """Is offset p directly inside the parentheses or braces of an indicator, \\mathbb{1}(…)
    or 1\\{…\\}? (not nested deeper: 1\\{f(x > 0)\\} is not a condition)"""
    stack: list[int] = []  # where each open '(' or '\\{' ends
    k = 0
    while k < p:
        if src.startswith("\\{", k) or src.startswith("\\}", k):
            if src[k + 1] == "{":
                stack.append(k + 2)
            elif stack:
                stack.pop()
            k += 2
            continue
        if src[k] == "\\":
            k += 2
            continue
        if src[k] in "([{":
            stack.append(k + 1)
        elif src[k] in ")]}" and stack:
            stack.pop()
        k += 1
    return bool(stack) and _INDICATOR_OPEN.search(src[:stack[-1]]) is not None


BRACES = frozenset({"underbrace", "overbrace"})
_SPACE_BEFORE = re.compile(r"(?:\s|\\[,;:! ]|\\q?quad(?![A-Za-z]))*$")
_FREE_BEFORE = "=+({[,&"  # what may stand before a braced sum: nothing binds it tighter
_FREE_AFTER = re.compile(r"\s*(?:$|[-=+)\]},&.]|\\(?:right|q?quad|end|hspace|underbrace|"
                         r"overbrace)(?![A-Za-z])|\\[\\,;:! ])")


def _brace_label(src: str, p: int, q: int, name: str) -> tuple[int, int]:
    """For ``\\underbrace`` at p (its name ends at q): where its label ``_{…}`` begins and
    ends, for the tokenizer to skip it. A braced sum with a product, a power or a minus sign
    beside it (``2 \\underbrace{a + b}_{s}``, ``-\\underbrace{a + b}_{s}``) is refused: TeX
    draws no parentheses, so 2(a + b) and 2a + b are both read there."""
    r = q
    while r < len(src) and src[r].isspace():
        r += 1
    if r >= len(src) or src[r] != "{":
        raise ParseError(f"expected '{{' after \\{name}", p)
    end = group_end(src, r + 1)
    if end < 0:
        raise ParseError("unbalanced braces: '{' is never closed", r)
    after = label_end(src, end)
    depth, summed = 0, False
    for k, ch in enumerate(src[r + 1:end - 1]):
        depth += {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}.get(ch, 0)
        summed = summed or (depth == 0 and ch in "+-" and (k == 0 or src[r + k] != "\\"))
    before = src[:p]
    before = before[:_SPACE_BEFORE.search(before).start()]  # type: ignore[union-attr]
    if summed and not ((not before or before[-1] in _FREE_BEFORE) and
                       _FREE_AFTER.match(src, after)):
        raise ParseError(f"a sum in \\{name} next to a product, a power or a minus sign: TeX "
                         "draws no parentheses, so write them: "
                         f"\\{name}{{(a + b)}}_{{…}}", p)
    return end, after


def _expanded(macro, src: str, p: int, q: int, toks: list[Token], depth: int) -> int:
    """Read the document's macro used at p (its name ends at q) in place: its replacement's
    tokens, all at the use (the last at its end). Returns the offset after the use."""
    if depth >= MACRO_DEPTH:
        raise ParseError(f"macros nested more than {MACRO_DEPTH} deep (\\{macro.name})", p)
    try:
        body, end = expand(macro, src, q, KNOWN | WORD_MACROS | frozenset(RELATIONS) |
                           DOTS | frozenset({"begin", "end", "not"}))
        inner = tokenize(body, depth + 1)[:-1]  # (without its eof)
        if len(inner) + len(toks) > MACRO_TOKENS:
            raise MacroError(f"the expansion of \\{macro.name} is too long")
    except MacroError as exc:
        raise ParseError(exc.message, p) from None
    except ParseError as exc:
        raise ParseError(f"in the macro \\{macro.name}: {exc.message}", p) from None
    for k, t in enumerate(inner):
        toks.append(Token(t.kind, t.value, end - 1 if k == len(inner) - 1 else p))
    return end


_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-"))


def _digit(c: str) -> bool:
    """An ASCII digit: str.isdigit also takes ², ³ and other scripts' digits."""
    return "0" <= c <= "9"


def _skip_group(src: str, q: int, start: int, name: str) -> int:
    while q < len(src) and src[q].isspace():
        q += 1
    if q >= len(src) or src[q] != "{":
        raise ParseError(f"expected '{{' after \\{name}", start)
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
            if src.startswith("\\begin{cases}", p):  # a condition's '=' splits no chain
                end = src.find("\\end{cases}", p)
                if end > 0:
                    p = end + len("\\end{cases}")
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



_BRACKETED_INDEX = ("an index on a bracketed value ((a + b)_i, [\\sigma(\\mathbf{a})]_i) is not "
                    "read: write the entry itself (s(\\mathbf{x})_i for an entry of a function "
                    "of a vector)")


class TokenCursor:
    """A position in one equation side's tokens, and the helpers the grammar reads them with
    (look, take, expect, err at a token); it counts nesting against :data:`MAX_DEPTH`."""

    def __init__(self, src: str, offset: int = 0):
        self.src = src
        self.offset = offset
        try:
            self.toks = tokenize(src)
        except ParseError as exc:
            raise ParseError(exc.message, exc.pos + offset) from None
        self.i = 0
        self.depth = 0

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
        before = self.toks[self.i - 1] if tok is None and self.i > 0 else None
        if t.value == "_" and before is not None and before.value in (")", "]") and (
                expecting or message.startswith("unexpected")):
            message = _BRACKETED_INDEX  # (a + b)_i, [σ(𝐚)]_i: whatever was expected
        elif t.kind == "eof" and expecting:
            message += ", found the end of the expression"
        elif expecting:
            message += f", found {(chr(92) + t.value) if t.kind == 'cmd' else t.value!r}"
        return ParseError(message, self.offset + t.pos)

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nesting is deeper than {MAX_DEPTH} levels")

    def leave(self) -> None:
        self.depth -= 1

    def pos(self) -> int:
        return self.offset + self.tok.pos

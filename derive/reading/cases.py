"""Reading ``\\begin{cases}…\\end{cases}``: two rows, a value and its condition each.

Owns :func:`read_cases`, which the expression reader calls with the environment's body and
itself (to read each row's value), and :func:`side_condition`: a case written beside a whole
equation, after it (``… \\quad \\text{if } i \\neq j``) or in front of it (``{\\rm if}~i=j,~
…``); :func:`side_range`: a range written beside it (``…, \\text{for } i = 1, \\dots, K``),
and :func:`with_range_beside`, the scope that range gives the equation. No sympy here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from derive.reading.syntax import Add, Case, Indicator, Mul, Neg, Node, Num, Paren, Sym, walk
from derive.reading.tokenizer import ParseError

if TYPE_CHECKING:
    from derive.reading.scope import Env

_GAP = r"(?:\s|\\[,;:! ]|~)*"
_RELATION = r"([A-Za-z])\s*(=|\\neq\b|\\ne\b|\\not\s*=|≠)\s*([A-Za-z0-9])"
_SIDE_CONDITION = re.compile(
    r"(?:\\q?quad|,)" + _GAP + r"(?:(?:\\text|\\textrm|\\mbox)\s*\{\s*(?:if|for|when)\s*\}"
    + _GAP + r")?" + _RELATION + r"\s*[.,;]?\s*$")
#: in front: {\rm if}~i=j,~ …, \text{if } i \neq j, \quad … (not "for i = 1, …", a range)
_LEADING_CONDITION = re.compile(
    r"^\s*(?:\{\s*\\rm\s+(?:if|when)\s*\}|(?:\\text|\\textrm|\\mbox|\\mathrm)\s*"
    r"\{\s*(?:if|when)\s*\})" + _GAP + _RELATION + r"\s*(?:,|\\q?quad)" + _GAP)

_CONDITION = re.compile(r"^\s*(?:(?:\\text|\\textrm|\\mbox)\s*\{\s*(?:if|for|when)\s*\}|if|for)?"
                        r"\s*([A-Za-z])\s*(=|\\neq\b|\\ne\b|\\not\s*=|≠)\s*([A-Za-z0-9])"
                        r"\s*[.,;]?\s*$")
_OTHERWISE = re.compile(r"^\s*(?:(?:\\text|\\textrm|\\mbox)\s*\{\s*(otherwise|else)\s*[.,;]?\s*\}|"
                        r"otherwise|else)\s*[.,;]?\s*$")


def read_cases(body: str, offset: int, start: int,
               parse_expression: Callable[[str, int], Node]) -> Node:
    """``\\begin{cases} A & i = j \\\\ B & i \\neq j \\end{cases}``: A where i = j, B elsewhere,
    read as A·1{i = j} + B·1{i ≠ j}. Only two rows whose conditions are an index equality and
    its negation (or "otherwise") are read, since only they are exhaustive and disjoint."""
    rows = _rows(body)
    if len(rows) != 2:
        raise ParseError("cases are read with two rows, a = b and a ≠ b (or otherwise)",
                         offset)
    parsed: list[tuple[Node, Case | None]] = []  # None: otherwise
    for text, cond, at, cond_at in rows:
        if _top_level_equals(text):  # rows that are equations: read as rows, if at all
            raise ParseError("cases whose rows are equations are read as rows of one display "
                             "only when the display is the cases alone, with two rows under "
                             "an index equality and its negation (j = k, \\text{otherwise}): "
                             "write the conditions so, or each equation in a display of its "
                             "own with its case beside it (… \\quad j = k)", offset + at)
        value = parse_expression(text, offset + at)
        m = _CONDITION.match(cond)
        if m:
            left, op, right = m.groups()
            parsed.append((value, Case(left, right, op == "=", "=" if op == "=" else r"\neq",
                                       pos=offset + cond_at)))
        elif _OTHERWISE.match(cond):
            parsed.append((value, None))
        else:
            raise ParseError("a case condition is read as a = b or a ≠ b (or otherwise)",
                             offset + cond_at)
    (a, first), (b, second) = parsed
    if first is None and second is not None:
        (a, first), (b, second) = (b, second), (a, first)
    if first is None:
        raise ParseError("only one case may be 'otherwise'", offset)
    if second is None:
        second = Case(first.left, first.right, not first.equal,
                      r"\neq" if first.equal else "=", pos=first.pos)
    if {first.left, first.right} != {second.left, second.right} or first.equal == second.equal:
        raise ParseError("the two cases must be a = b and a ≠ b, for the same a and b", offset)

    def term(v: Node, c: Case) -> Node:
        if isinstance(v, Neg):  # -p_j p_i where i ≠ j: −(p_j p_i 1{i ≠ j})
            return Neg(term(v.arg, c), pos=start)
        return Mul((Paren(v) if isinstance(v, Add) else v, Indicator(c, "1{}")), pos=start)

    terms = tuple(term(v, c) for v, c in ((a, first), (b, second)))
    return Paren(Add(terms, pos=start), pos=start)


NEQ = "\\neq"
_CASES_ALONE = re.compile(r"^\s*\\begin\{cases\}(.*)\\end\{cases\}\s*[.,]?\s*$", re.S)


def cases_of_equations(body: str) -> str | None:
    """A display that is only ``\\begin{cases} a = b, & j = k \\\\ a = c, & \\text{otherwise}
    \\end{cases}``, rows that are equations (mlbook): the body as rows of equations with their
    conditions beside them (``a = b , j = k``, and the other row under j ≠ k), same length,
    for the row splitter; None for any other display. Two rows only, whose conditions are an
    index equality and its negation (or otherwise), as :func:`read_cases` reads values."""
    m = _CASES_ALONE.match(body)
    if m is None:
        return None
    inner, at = m.group(1), m.start(1)
    try:
        rows = _rows(inner)
    except ParseError:
        return None
    if len(rows) != 2 or not all(_top_level_equals(value) for value, _, _, _ in rows):
        return None
    conditions = [_CONDITION.match(cond) for _, cond, _, _ in rows]
    otherwise = [_OTHERWISE.match(cond) is not None for _, cond, _, _ in rows]
    if sum(c is not None for c in conditions) + sum(otherwise) != 2 or all(otherwise):
        return None
    chars = list(body)
    for a, b in ((m.start(), m.start(1)), (m.end(1), m.end(1) + len("\\end{cases}"))):
        chars[a:b] = " " * (b - a)
    given = next(c for c in conditions if c is not None)
    left, op, right = given.groups()
    if not any(_is_index(value, x) for value, _, _, _ in rows for x in (left, right)
               if x.isalpha()):  # (as a condition beside an equation: side_condition)
        return None  # a = b with a, b no index of the rows: no case (read_cases says so)
    negated = f"{left} {NEQ if op == '=' else '='} {right}"
    for (_, cond, _, kat), is_other in zip(rows, otherwise):
        amp = at + kat - 1  # the & between value and condition: a comma, as beside an equation
        chars[amp] = ","
        if is_other:
            if len(cond) < len(negated):
                return None
            start = at + kat
            chars[start:start + len(cond)] = list(negated.ljust(len(cond)))
    return "".join(chars)


def _top_level_equals(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}.get(ch, 0)
        if ch == "=" and depth == 0:
            return True
    return False


def _rows(body: str) -> list[tuple[str, str, int, int]]:
    """The rows of a cases body: (value, condition, value offset, condition offset)."""
    out = []
    depth, start, p = 0, 0, 0
    cells: list[tuple[str, int]] = []
    while p <= len(body):
        c = body[p] if p < len(body) else None
        if c is None or (c == "\\" and body.startswith("\\\\", p) and depth == 0):
            cells.append((body[start:p], start))
            if any(x.strip() for x, _ in cells):
                if len(cells) != 2:
                    raise ParseError("each row of cases is a value & a condition", start)
                (v, vat), (k, kat) = cells
                out.append((v, k, vat, kat))
            cells, start = [], p + 2
            p += 2
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c == "&" and depth == 0:
            cells.append((body[start:p], start))
            start = p + 1
        p += 1
    return out


#: a range written beside the equation: "…, for~i=1,...,C", "… \quad \text{for } i = 1, \dots, K"
_SIDE_RANGE = re.compile(
    r"(?:\\q?quad|,|~|\\[,;:! ])" + _GAP + r"(?:(?:\\text|\\textrm|\\mbox)\s*\{\s*for\s*\}|for)"
    + _GAP + r"([A-Za-z])\s*=\s*([0-9])\s*,\s*(?:[0-9]\s*,\s*)?"
    r"(?:\\ldots|\\dots|\\cdots|\.\.\.)\s*,?\s*([A-Za-z]|[0-9]+)\s*[.,;]?\s*$")


def side_range(text: str) -> tuple[str, tuple[str, str, str, int] | None]:
    """A range for an index written beside the equation (``…, \\quad \\text{for } i = 1,
    \\dots, K``): the text without it (offsets kept) and (letter, first, last, offset), the
    range the equation is then read with."""
    m = _SIDE_RANGE.search(text)
    if m is None:
        return text, None
    letter, lo, hi = m.groups()
    if lo != "1":  # y_i = … for i = 2, …, C: a definition would still be read for every i
        raise ParseError(f"a range beside an equation is read from 1 ({letter} = 1, …, {hi}); "
                         f"for {letter} = {lo}, …, {hi} write the cases (\\begin{{cases}}) or "
                         "the equation for each index", m.start(1))
    rest = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return rest, (letter, lo, hi, m.start())


_SUBSCRIPT = re.compile(r"_\s*(?:\{([^{}]*)\}|([A-Za-z]))|\^\s*\{\s*\(([^{}()]*)\)\s*\}")


def _is_index(text: str, letter: str) -> bool:
    """Is ``letter`` written as an index in ``text``: in a subscript (z_i, W_{ij},
    \\sum_{k=1}), a sample's superscript (x^{(i)}) or an indicator's condition
    (1\\{k = i\\})?"""
    for m in _SUBSCRIPT.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        if re.search(r"(?<![\\A-Za-z])" + letter + r"(?![A-Za-z])", inner):
            return True
    return re.search(r"\\\{[^{}]*(?<![\\A-Za-z])" + letter + r"(?![A-Za-z])", text) is not None


def side_condition(text: str) -> tuple[str, Case | None]:
    """A case written beside the equation, after it (``… \\quad i = j``, ``…, \\; i \\ne j``,
    ``… \\quad \\text{if } i \\neq j``) or in front of it, followed by a comma (``{\\rm if}~
    i=j,~ …``): the text without it (offsets kept) and the case, which the equation is then
    read under, as a stated case."""
    lead = _LEADING_CONDITION.match(text)
    m = lead or _SIDE_CONDITION.search(text)
    if m is None:
        return text, None
    left, op, right = m.groups()
    case = Case(left, right, op == "=", "=" if op == "=" else r"\neq", pos=m.start(1))
    rest = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    if not any(_is_index(rest, letter) for letter in (left, right) if letter.isalpha()):
        # a = b \quad b = 2: b is no index of the equation, so this is a second equation
        # beside the first, never a case (which a definition would drop silently)
        return text, None
    if lead is not None and _SIDE_CONDITION.search(rest):
        raise ParseError("a case is written both in front of the equation and after it: "
                         "write one", m.start(1))
    return rest, case


def with_range_beside(env: Env, sides: tuple[Node, ...], letter: str, first: str,
                      last: str) -> tuple[Env, str]:
    """The scope of an equation written with its range beside it (``y_i = e^{x_i}/Σ_k
    e^{x_k}, \\text{for } i = 1, \\dots, C``): ``letter`` ranges over first..last, and so
    do the families it indexes there (x and y have C entries); with the note that says so."""
    span = (Num(first), Num(last) if last.isdigit() else Sym(last))
    indexed = {m.name: span for side in sides for m in walk(side)
               if isinstance(m, Sym) and len(m.sub) == 1 and isinstance(m.sub[0], Sym)
               and m.sub[0].name == letter and m.name not in env.written_ranges}
    env = replace(env, declared_ranges={**env.declared_ranges, letter: span},
                  written_ranges={**env.written_ranges, **indexed})
    return env, (f"the range written beside it, {letter} = {first}..{last}, is the range of "
                 f"{letter} in this equation")

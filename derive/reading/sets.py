"""Sums over a set and expectations under a distribution, read over the set's elements.

Owns two readings and the document-wide scan they rest on:

- ``\\sum_{x \\in X} f(x)`` is Σ_{k=1}^{|X|} f(x^{(k)}): the elements of X are a family of
  unknown values x^{(1)}, …, x^{(|X|)}, for every size |X| ≥ 1 (so a claim must hold for
  every finite set);
- ``E_{x \\sim P}[f(x)]`` is Σ_{k=1}^{|X|} P(x^{(k)}) f(x^{(k)}), an expectation over a
  discrete family, where the document sums x over exactly one set X. An expectation whose x
  the document never sums over a set (a continuous one? over which set?) is skipped with a
  reason, never guessed (:func:`expectation_unread`).

The parser calls :func:`over_set` and :func:`expectation` (see
:mod:`derive.reading.bigops`) with the document's :class:`SetScan` in force
(:func:`in_force`, set by :mod:`derive.reading.document`). The sums made here are marked
(``BigOp.written`` starts with ``set:`` or ``expectation:``) so that their index, a letter
chosen here, never gives a range to the document's own sums over that letter. No sympy here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from derive.reading.names import SAMPLE, name_text
from derive.reading.syntax import (
    Add,
    Apply,
    BigOp,
    Mul,
    Node,
    Num,
    Sym,
    children,
    to_text,
    walk,
)
from derive.reading.tokenizer import ParseError

#: the marks on the sums made here (BigOp.written), followed by the bound name
SET_MARK, EXPECTATION_MARK = "set:", "expectation:"
#: letters tried, in order, for the index over a set's elements
_INDEX_LETTERS = tuple("kjlmrsuvabcdegh")

_NAME = r"(?:\\mathcal\s*\{\s*[A-Za-z]\s*\}|\\[A-Za-z]+|[A-Za-z])"
#: the openings of a sum's subscript, \sum_{, and of an expectation's, E_{ or \mathbb{E}_{
_SUM_OPEN = r"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*\{\s*"
_E_OPEN = r"(?:(?<![A-Za-z\\])E|\\mathbb\s*\{\s*E\s*\})\s*_\s*\{\s*"
_SET_SUM = re.compile(_SUM_OPEN + "(" + _NAME + r")\s*\\in\s*(" + _NAME + r")\s*\}")
_SAMPLE_WRITTEN = re.compile(r"(" + _NAME + r")\s*\^\s*\{\s*\(")
_INTEGRAL = re.compile(r"\\i+nt(?![A-Za-z])|\\oint(?![A-Za-z])")
_EXPECTATION = re.compile(_E_OPEN + "(" + _NAME +
                          r")\s*\\sim(?![A-Za-z])([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
#: a distribution written as a name (P, p, q_\theta) or applied to its variable first (p(x | θ))
_DISTRIBUTION = re.compile(r"\s*(?:[A-Za-z]|\\[A-Za-z]+)(?:\s*_\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))?"
                           r"\s*(?:(?:\\left\s*)?\(\s*(" + _NAME + r")(?![A-Za-z]).*)?")
_SUBSCRIPTED = re.compile(r"(?<![A-Za-z\\])([A-Z])\s*_")


#: what stands before the \in of \sum_{x \in X} (or \prod), and the \sim of E_{x \sim P}
_BEFORE = {"in": re.compile(_SUM_OPEN + _NAME + r"\s*\Z"),
           "sim": re.compile(_E_OPEN + _NAME + r"\s*\Z")}


def relation_in_subscript(src: str, p: int, name: str) -> bool:
    """Is the \\in (or \\sim) at offset p of ``src`` that of \\sum_{x \\in X} (of E_{x \\sim P})?
    Anywhere else it is a relation, which the tokenizer refuses."""
    return _BEFORE[name].search(src, 0, p) is not None


def _normal(name: str) -> str:
    """A name as the parser names it: \\mathcal { X } → \\mathcal{X}."""
    return re.sub(r"\s+", "", name)


@dataclass(frozen=True)
class SetScan:
    """What the whole document writes that the readings here depend on."""

    #: each bound name, and the sets the document sums it over (\sum_{x \in X})
    sets: dict[str, frozenset[str]]
    #: names the document writes as samples itself, x^{(i)}
    samples: frozenset[str] = frozenset()
    #: capital letters the document writes with a subscript (X_1: a family, not a set)
    subscripted: frozenset[str] = frozenset()
    #: does the document write an integral anywhere
    integral: bool = False


def scan(text: str) -> SetScan:
    """The sets each name is summed over in ``text``, and what would make a reading unsafe."""
    found: dict[str, set[str]] = {}
    for m in _SET_SUM.finditer(text):
        found.setdefault(_normal(m.group(1)), set()).add(_normal(m.group(2)))
    return SetScan({x: frozenset(s) for x, s in found.items()},
                   frozenset(_normal(m.group(1)) for m in _SAMPLE_WRITTEN.finditer(text)),
                   frozenset(m.group(1) for m in _SUBSCRIPTED.finditer(text)),
                   bool(_INTEGRAL.search(text)))


_IN_FORCE: ContextVar[SetScan | None] = ContextVar("derive_sets", default=None)


@contextmanager
def in_force(found: SetScan) -> Iterator[None]:
    """Read with this document's sets until the block ends."""
    token = _IN_FORCE.set(found)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def _current() -> SetScan:
    return _IN_FORCE.get() or SetScan({})


def size_name(set_name: str) -> str:
    """The size of a set: |X|."""
    return f"|{set_name}|"


def expectation_unread(src: str, display: str) -> str:
    """Why the expectations in ``src``, a row of ``display``, are not read as sums ("" when
    they all are)."""
    found = _current()
    for m in _EXPECTATION.finditer(src):
        x = _normal(m.group(1))
        under = _DISTRIBUTION.fullmatch(m.group(2), 0)
        if under is None or (under.group(1) is not None and _normal(under.group(1)) != x):
            return ("not checked: an expectation under a distribution written out "
                    f"({' '.join(m.group(2).split())}), which derive does not evaluate; it reads "
                    "E_{x \\sim p}[…] under a name p of the distribution, as a sum over x's set")
        sets = found.sets.get(x, frozenset())
        here = {_normal(s.group(2)) for s in _SET_SUM.finditer(display)
                if _normal(s.group(1)) == x}
        if len(sets) > 1:
            return (f"not checked: an expectation over {name_text(x)}, which the document "
                    f"sums over several sets ({', '.join(sorted(name_text(s) for s in sets))}):"
                    " write the sum over the set meant")
        if not sets:
            return ("not checked: an expectation under a distribution (E_{x \\sim p}[…]) over "
                    "an x the document never sums over a set (discrete or continuous?): "
                    "write the sum, \\sum_{x \\in X} p(x) f(x)")
        if found.integral and not here:
            return ("not checked: an expectation under a distribution (E_{x \\sim p}[…]); the "
                    "document sums its x over a set but also writes an integral (discrete or "
                    "continuous here?): write the sum over x in this display to say")
    return ""


def named_set(display: str, at: int) -> bool:
    """Is the sum over a set at offset ``at`` of ``display`` over a set written as a name?"""
    return _SET_SUM.match(display, at) is not None


def _index_letter(taken: set[str]) -> str:
    for letter in _INDEX_LETTERS:
        if letter not in taken:
            return letter
    raise ParseError("no letter is left to index a set's elements in this display", 0)


def _element(set_name: str, letter: str, pos: int) -> Sym:
    """Element ``letter`` of the set: X^{(k)}, named by the set, so that Σ_{x∈X} f(x) and
    Σ_{y∈X} f(y) run over the same values."""
    return Sym(set_name + SAMPLE, (Sym(letter, pos=pos),), pos=pos)


def _taken(body: Node, written: set[str]) -> set[str]:
    """The letters an index over a set's elements must not be: those written in the display,
    and every name and index in ``body`` (an inner sum over a set has chosen one already)."""
    return written | {n.name for n in walk(body) if isinstance(n, Sym)} | {
        n.index for n in walk(body) if isinstance(n, BigOp) and n.index}


def _substituted(node: Node, bound: str, element: Sym) -> Node:
    """``node`` with every plain ``bound`` replaced by ``element``; refused where the bound
    name is also written as a family or a function, which would make the reading a guess."""
    from derive.reading.scope import _rebuild

    if isinstance(node, Sym):
        if node.name == bound and not node.sub and node.case is None:
            return element
        if node.name == bound:
            raise ParseError(f"{name_text(bound)} is summed over a set here and written with "
                             "an index too: rename one of them", node.pos)
    if isinstance(node, Apply) and node.func.name == bound:
        raise ParseError(f"{name_text(bound)} is summed over a set here and applied as a "
                         "function too: rename one of them", node.pos)
    kids = children(node)
    if not kids:
        return node
    return _rebuild(node, [_substituted(k, bound, element) for k in kids])


def _checked_set(bound: str, set_name: str, pos: int) -> None:
    found = _current()
    if set_name in found.samples:
        raise ParseError(f"{name_text(set_name)} is a set here and written with a sample "
                         f"index, {name_text(set_name)}^{{(i)}}, elsewhere: its elements would "
                         "be taken for the samples; rename one of them", pos)
    if set_name in found.subscripted:
        raise ParseError(f"{name_text(set_name)} is a set here and written with an index "
                         "elsewhere (a family): rename one of them", pos)


def over_set(kind: str, bound: str, set_name: str, body: Node, taken: set[str],
             pos: int) -> BigOp:
    """Σ_{x∈X} body (or Π): over the elements x^{(k)} of X, k = 1..|X|."""
    _checked_set(bound, set_name, pos)
    letter = _index_letter(_taken(body, taken))
    inner = _substituted(body, bound, _element(set_name, letter, pos))
    return BigOp(kind, inner, letter, Num("1", pos=pos), Sym(size_name(set_name), pos=pos),
                 SET_MARK + bound, pos=pos)


def expectation(bound: str, distribution: Node, body: Node, taken: set[str],
                pos: int) -> BigOp:
    """E_{x∼P}[body]: Σ_{k=1}^{|X|} P(x^{(k)}) body(x^{(k)}) over the one set X the document
    sums x over (:func:`expectation_unread` has made sure there is one)."""
    sets = _current().sets.get(bound, frozenset())
    if len(sets) != 1:
        raise ParseError("an expectation is read only over the one set the document sums "
                         "its variable over", pos)
    set_name = next(iter(sets))
    _checked_set(bound, set_name, pos)
    if isinstance(distribution, Sym) and not distribution.sub:
        weight: Node = Apply(distribution, (Sym(bound, pos=distribution.pos),),
                             pos=distribution.pos)
    elif isinstance(distribution, Apply) and any(
            isinstance(a, Sym) and a.name == bound and not a.sub for a in distribution.args):
        weight = distribution  # E_{x ∼ p(x)}: the weight as written
    else:
        raise ParseError("an expectation is read under a distribution written as a name, "
                         "P or p(x), of its variable", distribution.pos)
    letter = _index_letter(_taken(Mul((weight, body), ("",)), taken))
    element = _element(set_name, letter, pos)
    terms = Mul((_substituted(weight, bound, element), _substituted(body, bound, element)),
                ("",), pos=pos)
    return BigOp("sum", terms, letter, Num("1", pos=pos), Sym(size_name(set_name), pos=pos),
                 EXPECTATION_MARK + bound, pos=pos)


def lowered(node: BigOp) -> str:
    """The bound name of a sum made here, or "" for a sum the author wrote."""
    for mark in (SET_MARK, EXPECTATION_MARK):
        if node.written.startswith(mark):
            return node.written[len(mark):]
    return ""


def continued(sides: list[Node]) -> tuple[list[Node], tuple[str, int] | None]:
    """``Σ_{x∈X} P(x) log p(x) − P(x) log q(x)``: terms after a sum over a set that use its
    bound name x, written plain. Where x is written nowhere else in the equation, those terms
    are written over the set's elements too (x^{(k)}, with the sum's own index), so that the
    reading of terms after a sum (:func:`derive.reading.remarks.absorb_dangling`) takes them in,
    with its note, or refuses them. Where x is also written outside (D(p(x)) = Σ_{x∈X} … −
    P(x) …), which x the term means is not guessed: refused. Returns (the sides, a refusal
    (message, position) or None)."""
    later: dict[int, tuple[str, Sym]] = {}  # id of a term after a sum -> (x, its element)
    for side in sides:
        for node in walk(side):
            if isinstance(node, Add):
                _after_set_sums(node, later)
    if not later:
        return sides, None
    terms = {id(n): n for side in sides for n in walk(side) if id(n) in later}
    for bound in sorted({x for x, _ in later.values()}):  # (one message, whatever the seed)
        mine = {i for i, (x, _) in later.items() if x == bound}
        outside = next((side for side in sides if _plain_use([side], bound, mine)), None)
        if outside is not None:
            first = next(terms[i] for i in terms if i in mine)
            return sides, (f"{to_text(first)} comes after a sum over {name_text(bound)} in a "
                           f"set and uses {name_text(bound)}, which is also written outside "
                           f"the sum (in {to_text(outside)}): which one it means is not "
                           f"guessed: write \\sum_{{{name_text(bound)} \\in X}} (… + …) if it "
                           "belongs inside, or another letter outside", first.pos)
    return [_rewritten(s, later) for s in sides], None


def _after_set_sums(node: Add, later: dict[int, tuple[str, Sym]]) -> None:
    """Record the terms of ``node`` written after a sum over a set that use its bound name."""
    from derive.reading.remarks import right_edge_sums

    for k, term in enumerate(node.terms):
        for _, total in right_edge_sums(term):  # 2 Σ…, −Σ…, Σ Σ…
            if total.written.startswith(SET_MARK):
                bound = lowered(total)
                for after in node.terms[k + 1:]:
                    if _plain_use([after], bound, set()) is not None:
                        later.setdefault(id(after), (bound, _set_element(total)))


def _set_element(total: BigOp) -> Sym:
    """The element x^{(k)} a sum made here runs over (its upper limit is the set's size)."""
    size = total.hi.name if isinstance(total.hi, Sym) else "||"
    return _element(size[1:-1], total.index or "", total.pos)


def _plain_use(nodes: list[Node], bound: str, skip: set[int]) -> Node | None:
    """The first plain ``bound`` in ``nodes``, outside the subtrees ``skip``."""
    for node in nodes:
        if id(node) in skip:
            continue
        if isinstance(node, Sym) and node.name == bound and not node.sub:
            return node
        found = _plain_use(list(children(node)), bound, skip)
        if found is not None:
            return found
    return None


def _rewritten(node: Node, later: dict[int, tuple[str, Sym]]) -> Node:
    from derive.reading.scope import rebuild

    if id(node) in later:
        bound, element = later[id(node)]
        return _substituted(node, bound, element)
    kids = children(node)
    if not kids:
        return node
    new = [_rewritten(k, later) for k in kids]
    return rebuild(node, new) if any(a is not b for a, b in zip(new, kids)) else node


def notes(sides: list[Node]) -> tuple[str, ...]:
    """What each sum made here reads, once per set."""
    out = []
    for side in sides:
        for n in walk(side):
            if not isinstance(n, BigOp) or not lowered(n):
                continue
            x, size = name_text(lowered(n)), n.hi.name if isinstance(n.hi, Sym) else "?"
            elements = f"its elements {x}^({n.index}), {n.index} = 1..{size}, for every size"
            if n.written.startswith(EXPECTATION_MARK):
                out.append(f"the expectation over {x} is read as the sum over the set the "
                           f"document sums {x} over, weighted by the distribution: over "
                           f"{elements}")
            else:
                out.append(f"the sum over {x} in a set is read over {elements}")
    return tuple(dict.fromkeys(out))


__all__ = ["EXPECTATION_MARK", "SET_MARK", "SetScan", "continued", "expectation",
           "expectation_unread", "in_force", "lowered", "named_set", "notes", "over_set",
           "relation_in_subscript", "scan", "size_name"]

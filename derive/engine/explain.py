"""Naming the rule that carries a link, and what that rule gives.

Owns :class:`Explainer`: for one equation, the rules of the catalogue
(:mod:`derive.rules`) with the other claims of the document it may use
(:func:`_claims_index`, made once per document), tried on a link's left side; a rule
whose result is exactly what was written wins, else the results are ranked by likeness
to the written right side (:func:`_similarity`) and compared symbolically, two rules in
a row (:meth:`Explainer._two_steps`) and definitions unfolded included. The verdict is
not decided here (:mod:`derive.engine.decide`): this only explains it.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from derive import rules as R
from derive.reading.document import Document, ReadEquation
from derive.reading.scope import ReadError
from derive.reading.syntax import Node, to_latex

if TYPE_CHECKING:
    from derive.engine.decide import EquationChecker

MAX_RULE_COMPARISONS = 4  # symbolic comparisons per link when naming its rule


class Explainer:
    """Find the rule that carries a link, and what it gives."""

    def __init__(self, ck: EquationChecker, doc: Document, eq: ReadEquation):
        self.ck = ck
        # Only the other claims whose left side (with or without its case) could occur in
        # this equation can be substituted, split or merged here: looked up by shape in an
        # index made once per document, so a document of n equations costs n lookups, not
        # n² records (10,000 equations took more than 600 s this way before).
        claims = _claims_index(doc, ck.symbols.memo)
        reading = ck.reading  # (the equation's: only a read equation is checked)
        here: set = set()
        for side in reading.sides:
            here |= R.shapes(side) | R.shapes(R.bare(side))
        by_index = claims[None]
        picked: set = set()
        for _ in range(2):  # and what the claims found can bring in: their last sides
            picked |= {c[0] for shape in here for c in claims.get(shape, ())
                       if c[0] != eq.index}
            for n in picked:
                here |= R.shapes(by_index[n][0].last)
        others = [by_index[n][1] if n > eq.index else by_index[n][0] for n in sorted(picked)]
        self.earlier = [o for o in others if not o.later]
        self.ctx = R.RuleContext(ck.env, reading.ranges, reading.cases,
                                 tuple(self.earlier) + tuple(o for o in others if o.later))
        self.rules = R.catalogue(self.ctx)

    def surface_equal(self, a: Node, b: Node) -> bool:
        if R.same(a, b):
            return True
        try:
            ea, eb = self.ck.surface(a), self.ck.surface(b)
        except (ReadError, TypeError, ValueError):
            return False
        return self.ck._zero(ea - eb)

    def starts(self, lhs: Node, position: int) -> list[tuple[Node, str | None]]:
        out: list[tuple[Node, str | None]] = [(lhs, None)]
        if position == 1:
            for o in reversed(self.earlier):
                if R.same(o.lhs, lhs):
                    out.append((o.last, f"substitution of ({o.index})"))
        return out

    def explain(self, lhs: Node, rhs: Node, position: int, named: str | None = None,
                holds: bool = True):
        """(rule name, derived tree or None, whether the derived form matches the rhs).

        A rule carries the link when its own result from the left side equals the right
        side and brings the left side closer to what was written on the right.
        """
        # phase 1: a rule whose result is exactly what was written wins at once
        tried: list[tuple[Node, list[tuple[str, Node, R.Rule]]]] = []
        for start, via in self.starts(lhs, position):
            if via is not None and R.same(start, rhs):
                return via, start, True
            results: list[tuple[str, Node, R.Rule]] = []
            for rule in self.rules:
                if named is not None and not _named(rule, named):
                    continue
                try:
                    derived = rule.attempt(start, self.ctx)
                except (ReadError, RecursionError, StopIteration, TypeError):
                    derived = None
                if derived is None:
                    continue
                name = self._label(rule, start)
                if via is not None and not name.startswith("substitution"):
                    name = f"{name}, continuing {via.split()[-1]}"
                if R.same(derived, rhs):
                    return name, derived, True
                if isinstance(rule, R.CaseMerge) and self.surface_equal(derived, rhs):
                    return name, derived, True  # a merge is never written term for term
                results.append((name, derived, rule))
            tried.append((start, results))
        # no exact fit: rank what the rules gave by likeness to the written right side
        # (only now, as most links end in phase 1 and the likeness costs a string diff)
        target = to_latex(rhs)
        order = 0
        per_start: list[list[tuple[float, int, str, Node, bool]]] = []
        for start, results in tried:
            base = _similarity(start, target)
            candidates: list[tuple[float, int, str, Node, bool]] = []
            for name, derived, rule in results:
                score = _similarity(derived, target)
                order += 1
                if named is not None or score > base:
                    candidates.append((score, -order, name, derived, not isinstance(
                        rule, (R.Substitution, R.CaseMerge))))
            candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
            per_start.append(candidates)
        if holds and named is None:
            two = self._two_steps(per_start, rhs)
            if two is not None:
                return two[0], two[1], True
        # phase 2: the results most like the written right side, compared symbolically;
        # pointless for a link that does not hold (a sound rule's result equals the lhs)
        for candidates in per_start if holds else ():
            for _, _, name, derived, _ in candidates[:MAX_RULE_COMPARISONS]:
                if self.surface_equal(derived, rhs):
                    return name, derived, True
        # a rule that unfolds a definition (the quotient rule on y_k) may match the right
        # side once the names written there are unfolded too
        unfolded = R.unfold_once(rhs, self.ctx) if holds else rhs
        if not R.same(unfolded, rhs):
            for candidates in per_start:
                for _, _, name, derived, sound in candidates[:1]:
                    if sound and self.surface_equal(derived, unfolded):
                        return f"{name}, with the definitions", derived, True
        # nothing fits: report what the rules of mathematics give (not another claim)
        kept = [c for cs in per_start for c in cs if c[4]]
        if not kept:
            return (named, None, False) if named is not None else (None, None, False)
        _, _, name, derived, _ = max(kept, key=lambda c: (c[0], c[1]))
        return (named if named is not None else name), derived, False

    def _two_steps(self, per_start, rhs: Node):
        """Two rules in a row whose result is exactly what was written (people often take
        linearity and the chain rule, or sifting and a constant sum, in one written step)."""
        for candidates in per_start:
            for _, _, first, middle, sound in candidates[:6]:
                if not sound:
                    continue
                for rule in R.BASIC:
                    try:
                        derived = rule.attempt(middle, self.ctx)
                    except (ReadError, RecursionError, StopIteration, TypeError):
                        continue
                    if derived is not None and R.same(derived, rhs):
                        return f"{first}, then {self._label(rule, middle)}", derived
        return None

    def _label(self, rule, start):
        return rule.label(start, self.ctx)


def _claims_index(doc: Document, memo: dict) -> dict:
    """Every claim of the document as an earlier and as a later equation (for the rules
    that use other equations), by the shapes of its left side with and without its case;
    the key None maps each claim's index to its two records. Made once per document."""
    key = ("claims", id(doc))
    if key not in memo:
        index: dict = {None: {}}
        for other in doc.equations:
            if other.kind != "claim" or not other.reading:
                continue
            lhs, last = other.reading.sides[0], other.reading.sides[-1]
            pair = (R.Earlier(other.index, lhs, last, other.reading.cases, later=False),
                    R.Earlier(other.index, lhs, last, other.reading.cases, later=True))
            index[None][other.index] = pair
            for shape in {R.shape(lhs), R.shape(R.bare(lhs))}:
                index.setdefault(shape, []).append((other.index, pair))
        memo[key] = index
    return memo[key]


def _similarity(node: Node, target: str) -> float:
    return difflib.SequenceMatcher(None, to_latex(node), target, autojunk=False).ratio()


def _named(rule, named: str) -> bool:
    return rule.name == named or rule.name.startswith(named + " ")

"""How the corpus's expectations (tests/corpus/*.expect.json) name derive's links.

An expectation names a link by its display (the display's place among the document's
displays, derive's ``Equation.index``) and its position: the p-th '=' written in that
display. derive reads a display of aligned rows (or one cut at a relation it does not
check) as several equations of one index, each with links numbered from 1; this maps them
back onto the display's '=' signs, counting those written in the rows before (and those
written in front of a chain, in a case such as ``{\\rm if}~i=j,~``). Where only
some links of a display are read (its sides with an integral are not), a link is matched to
its expectation by its two sides instead (:func:`expected_link`).
"""

from __future__ import annotations

import re
from collections import defaultdict

_EQUALS = re.compile(r"(?<![:!<>\\])=(?!=)")


def _written_equals(latex: str) -> int:
    return len(_EQUALS.findall(latex.replace(r"\neq", "").replace(r"\not=", "")))


def display_links(report) -> tuple[dict, dict]:
    """(index -> the report's equations of that display, index -> {position: link})."""
    equations: dict[int, list] = defaultdict(list)
    for eq in report.equations:
        equations[eq.index].append(eq)
    links: dict[int, dict] = {}
    for index, rows in equations.items():
        found, before = {}, 0
        for eq in rows:
            # '=' written in front of the chain (a case, {\rm if}~i=j,~ …) comes before it
            start = eq.latex.find(eq.links[0].lhs) if eq.links else -1
            ahead = max(0, _written_equals(eq.latex[:start]) - eq.links[0].position + 1) \
                if start > 0 else 0
            for link in eq.links:
                found[before + ahead + link.position] = link
            before += _written_equals(eq.latex)
        links[index] = found
    return dict(equations), links


def display_read(rows: list) -> bool:
    """A display counts as read when none of its equations is a reading error."""
    return bool(rows) and all(eq.kind != "error" for eq in rows)


_LAYOUT = re.compile(r"\\boxed|\\therefore|[\s&{}]")


def _key(latex: str) -> str:
    return _LAYOUT.sub("", latex)


def expected_link(want: dict, links: dict):
    """The report's link that the expectation ``want`` (position, lhs, rhs) names: the one
    with the same two sides (up to layout), else the one at its position."""
    lhs, rhs = _key(want.get("lhs", "")), _key(want.get("rhs", ""))
    same = [lk for lk in links.values() if _key(lk.lhs) == lhs and _key(lk.rhs) == rhs]
    if len(same) == 1 or (same and links.get(want["position"]) not in same):
        return same[0]
    return links.get(want["position"])

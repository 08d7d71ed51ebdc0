"""Declared conditions (``T > 0``, ``b \\neq 0``, ``p_k > 0``): which of them are facts about
a name, and how two conditions are compared as written. No sympy here.
"""

from __future__ import annotations

import re

from derive.reading.parser import ParseError, parse_expression
from derive.reading.syntax import Sym

#: a condition that compares a name with a number: facts, not equations
INEQUALITY = re.compile(r"^.*(\\neq|\\ne\b|\\not\s*=|>|\\geq?|≠|≥)\s*[0-9]+\s*$")


def name_fact(latex: str) -> tuple[str, str] | None:
    """'T > 0' → ('T', '>'); 'p_k > 0' → ('p', '>'); 'b \\neq 0' → ('b', '≠').

    A fact applies to what it names: 'p_k > 0' (an index letter) is about every p_k, but
    'x_1 > 0' is about x_1 alone, so it is no fact about the family x (None)."""
    key = condition_key(latex)
    for op in (">", "≠"):
        if key.endswith(op + "0"):
            try:
                node = parse_expression(key[: -2])
            except ParseError:
                return None
            if isinstance(node, Sym) and not node.sub and node.case is None:
                return node.name, op
            if isinstance(node, Sym) and node.case is None and len(node.sub) == 1 and \
                    isinstance(node.sub[0], Sym) and not node.sub[0].sub:
                return node.name, op  # every element: the subscript is an index letter
    return None


def condition_key(latex: str) -> str:
    """A condition as written, compared without spaces or the spelling of ≠ and ≥."""
    out = re.sub(r"\\not\s*=|\\neq|\\ne\b|≠", "≠", latex)
    out = re.sub(r"\\geq?|≥", "≥", out)
    return re.sub(r"\s+|[{}]", "", out)

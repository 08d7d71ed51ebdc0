"""What a display that is not read leaves behind: the names it would define.

Owns :func:`failed_definition`: a display that could not be read, or is skipped, but has the
shape of a definition (``p_j = …``, every part of ``u = […], \\quad v = […]``) marks each
name it would define, so that later uses of it are undetermined, with that display's line,
and never read as a free variable. No sympy here.
"""

from __future__ import annotations

from dataclasses import replace

from derive.reading.parser import ParseError, parse_expression, split_top_level
from derive.reading.relations import split_display
from derive.reading.scope import Env, definition_head
from derive.reading.syntax import Apply, Node


def heads_of(text: str) -> list[Node | None]:
    """The left sides of the parts of a display that is not read (one when not split)."""
    try:
        split = split_display(text)
    except ParseError:
        return [head_of(text)]
    if not split.cut:
        return [head_of(text)]
    return [head_of(part.text) for part in split.parts if part.has_equals]


def head_of(text: str) -> Node | None:
    """The left side of an equation that could not be read, if that much can be."""
    try:
        parts = split_top_level(text)
        return parse_expression(parts[0][0], parts[0][1]) if len(parts) >= 2 else None
    except (ParseError, RecursionError):
        return None


def failed_definition(env: Env, lhs: Node | None, line: int) -> Env:
    """An equation that could not be read but has the shape of a definition (p_j = …):
    later uses of the name are then undetermined, never read as a free variable."""
    head = definition_head(lhs, env) if lhs is not None else None
    name = head[0] if head is not None else None
    if name is None and isinstance(lhs, Apply) and lhs.func.name not in env.families:
        # q(z; μ, σ^2) = …, KL(q ‖ p) = ∫ …: not a definition derive reads, but what it says
        # about q or KL is lost with it, so later claims about them are not judged either
        # (not p in p(y_n) = … beside the family p_n: p_n is no application of p)
        name = lhs.func.name
    if name is None or name in env.definitions:
        return env
    return replace(env, failed={**env.failed, name: line})

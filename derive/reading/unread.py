"""What a display that is not read leaves behind: the names it would define.

Owns :func:`failed_definition`: a display that could not be read, or is skipped, but has the
shape of a definition (``p_j = …``, every part of ``u = […], \\quad v = […]``) marks each
name it would define, so that later uses of it are undetermined, with that display's line,
and never read as a free variable. No sympy here.
"""

from __future__ import annotations

import re
from dataclasses import replace

from derive.reading.parser import ParseError, parse_expression, split_top_level
from derive.reading.relations import split_display
from derive.reading.scope import Env, definition_head
from derive.reading.syntax import Apply, Node
from derive.reading.vectors import bold_letter


def heads_of(text: str) -> list[tuple[Node | None, str]]:
    """The left sides of the parts of a display that is not read (one when not split), each
    with the part's text."""
    try:
        split = split_display(text)
    except ParseError:
        return [(head_of(text), text)]
    if not split.cut:
        return [(head_of(text), text)]
    return [(head_of(part.text), part.text) for part in split.parts if part.has_equals]


#: what a written-out vector of a letter's own entries holds besides them (y = [y_1 … y_N])
_LAYOUT = re.compile(r"\\(?:begin|end)\s*\{[a-z]*matrix\}|\\(?:[lcv]?dots|ddots|in|mathbb|"
                     r"mathbf|bm|boldsymbol|hspace|quad|qquad|times|top|intercal|left|right)"
                     r"(?![A-Za-z])|\\[,;! ]|\{[^{}]*\}|[\s&\\=,.^+()\[\]0-9-]")


def own_entries_only(text: str, letter: str) -> bool:
    """Does the written-out vector in ``text`` (``\\mathbf{y} = [y_1 … y_N]``) hold nothing
    but its letter's own entries? Then it says nothing the convention does not (bold y's
    entries are y_n); otherwise (``\\mathbf{X} = [\\mathbf{x}_1^\\top …]``) it relates them."""
    body = text.split("=", 1)[1] if "=" in text else text
    body = re.sub(r"\\in\s*\\mathbb\s*\{\s*R\s*\}\s*\^\s*(?:\{[^{}]*\}|\S)", " ", body)
    body = re.sub(r"(?<![A-Za-z\\])" + re.escape(letter) + r"\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9])",
                  " ", body)
    return not re.search(r"[A-Za-z]", _LAYOUT.sub(" ", body))


def head_of(text: str) -> Node | None:
    """The left side of an equation that could not be read, if that much can be: the whole
    side, or what follows its last comma (``\\mathbb{R}^N, \\hspace{1em} \\mathbf{X} = […]``:
    the part before is another part's space)."""
    try:
        parts = split_top_level(text)
    except (ParseError, RecursionError):
        return None
    if len(parts) < 2:
        return None
    side, offset = parts[0]
    depth, commas = 0, []
    for k, ch in enumerate(side):
        depth += {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}.get(ch, 0)
        if ch == "," and depth == 0 and side[k - 1:k] != "\\":
            commas.append(k)
    for start in [0, *(k + 1 for k in reversed(commas))]:
        try:
            return parse_expression(side[start:], offset + start)
        except (ParseError, RecursionError):
            continue
    return None


def failed_definition(env: Env, lhs: Node | None, line: int, text: str = "") -> Env:
    """An equation that could not be read but has the shape of a definition (p_j = …):
    later uses of the name are then undetermined, never read as a free variable. For a bold
    name written out (``text``: a skipped display's part), so are its entries, unless it
    writes out only those entries."""
    head = definition_head(lhs, env) if lhs is not None else None
    name = head[0] if head is not None else None
    if name is None and isinstance(lhs, Apply) and lhs.func.name not in env.families:
        # q(z; μ, σ^2) = …, KL(q ‖ p) = ∫ …: not a definition derive reads, but what it says
        # about q or KL is lost with it, so later claims about them are not judged either
        # (not p in p(y_n) = … beside the family p_n: p_n is no application of p)
        name = lhs.func.name
    if name is None or name in env.definitions:
        return env
    letter = bold_letter(name)  # \mathbf{X} = […]: its entries X_{ij} are lost with it
    entries = {letter: line} if letter is not None and text and letter not in \
        env.definitions and not own_entries_only(text, letter) else {}
    return replace(env, failed={**env.failed, name: line, **entries})

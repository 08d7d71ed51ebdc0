"""How a display's text is prepared for the chain reader, before it is parsed.

Owns the layout people give a chain across displays: a display that begins with '=' and
continues the chain of the display before it (with MathJax line breaks before an '='), the
written forms of := (``\\stackrel{def}{=}``, ``\\coloneqq``), boxes (``\\boxed{…}``) that
frame a result, and the author's own labels (``\\label{…}``, a book's ``:eqlabel:``). Offsets
are kept: what is removed is blanked. No sympy.
"""

from __future__ import annotations

import re
from dataclasses import replace

from derive.reading.syntax import Node, children

#: written definitions besides :=: \stackrel{\text{def}}{=}, \overset{def}{=}, \coloneqq, ≜, ≝
DEFINES = re.compile(
    r"\\(?:stackrel|overset)\s*\{\s*(?:\\(?:text|textrm|mathrm|rm)\s*\{\s*def\s*\}|def|"
    r"\\triangle|\\Delta)\s*\}\s*\{\s*=\s*\}|\\coloneqq|\\triangleq|≝|≜")
_BREAK_BEFORE_EQUALS = re.compile(r"\\\\(\[[^\]]*\])?(?=\s*&?\s*=)")


def begins_with_equals(text: str) -> bool:
    body = text.lstrip()
    return body.startswith("=") and not body.startswith("==")


def continuation(text: str, next_continues: bool = False) -> tuple[str, int]:
    """The display's text prepared for the chain reader, and whether it continues the chain
    of the display before it (a display that begins with '=', as people break a long chain
    across displays): 0, or 1 + the offset of that '='.

    A line break ``\\\\`` right before an '=' (the MathJax way of breaking a chain) is blanked,
    and so is a trailing '=' when the next display begins with '=' (the chain goes on
    there); offsets are kept."""
    src = _unboxed(_BREAK_BEFORE_EQUALS.sub(lambda m: " " * len(m.group(0)), text))
    src = DEFINES.sub(lambda m: ":=" + " " * (len(m.group(0)) - 2), src)
    body = src.lstrip()
    lead = len(src) - len(body)
    continues = 0
    if begins_with_equals(body):
        src = src[:lead] + " " + src[lead + 1:]
        continues = lead + 1
    tail = src.rstrip()
    if next_continues and tail.endswith("=") and not tail.endswith("==") and \
            not tail.endswith(":=") and len(tail) > 1 and \
            not tail[:-1].rstrip().endswith("\\not"):
        src = tail[:-1] + " " + src[len(tail):]
    return src, continues


_BOX = re.compile(r"\\(?:boxed|fbox|framebox|colorbox\s*\{[A-Za-z]*\}|color\s*\{[A-Za-z]*\})"
                  r"\s*\{")


def _unboxed(text: str) -> str:
    """``\\boxed{…}`` (and a colour around a part) only decorates: the box and its braces are
    blanked, offsets kept, so ``\\boxed{a = b}`` is the chain a = b."""
    while (m := _BOX.search(text)) is not None:
        depth, k = 1, m.end()
        while k < len(text) and depth:
            if text[k] == "\\":
                k += 2
                continue
            depth += {"{": 1, "}": -1}.get(text[k], 0)
            k += 1
        if depth:  # never closed: left for the reader to report
            return text
        if _BOX.match(text, k + len(text[k:]) - len(text[k:].lstrip())):
            from derive.reading.tokenizer import ParseError  # the tokenizer imports this module

            # \boxed{2}\boxed{3}\boxed{4}: a row of boxes draws a vector's entries, never
            # a product
            raise ParseError("boxes side by side (\\boxed{2}\\boxed{3}) draw the entries of "
                             "a vector, which derive does not read: write one equation per "
                             "entry (o_1 = 2, o_2 = 3)", m.start())
        text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():k - 1] + " " + \
            text[k:]
    return text


_LABEL = re.compile(r"\\label\s*\{([^{}]*)\}")
_EQLABEL = re.compile(r"\s*(?:\$\$|\\\]|\\end\{[a-z*]+\})?[ \t]*\n?[ \t]*:eqlabel:`([^`\n]+)`")


def author_labels(equations: list, raws: list, text: str) -> list:
    """The equations with the labels their authors gave them: ``\\label{eq:softmax}`` in
    the equation's own text, and a book's ``:eqlabel:`eq_softmax``` line right after its
    display (given to the display's first equation)."""
    after: dict[int, str] = {}
    for raw in raws:
        m = _EQLABEL.match(text, raw.offset + len(raw.text))
        if m is not None:
            after.setdefault(raw.display, m.group(1).strip())
    out, seen = [], set()
    for eq in equations:
        names = [x.strip() for x in _LABEL.findall(eq.latex)]
        if eq.index in after and eq.index not in seen:
            names.append(after[eq.index])
        seen.add(eq.index)
        out.append(replace(eq, names=tuple(dict.fromkeys(names))) if names else eq)
    return out


def moved(node: Node, delta: int) -> Node:
    """``node`` with every offset moved by ``delta``: a side carried into the next display
    (``= …``) keeps pointing at the display it was written in."""
    from derive.reading.scope import rebuild

    kids = [moved(c, delta) for c in children(node)]
    out = rebuild(node, kids) if kids else node
    return replace(out, pos=out.pos + delta)

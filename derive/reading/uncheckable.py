"""Displays derive reads but does not check, for a stated reason, and the labels it notes.

Owns the scan of a whole display, before its chain is read, for what is not an identity
between values: an optimisation (``\\mathop{\\mathrm{argmax}}``, ``\\operatorname*{argmin}``,
``\\arg\\max``, a maximum over a set ``\\max_{x}``), a limit (``\\lim_{h \\to 0}``), a
distribution statement (``Y_n \\overset{iid}{\\sim} \\mathcal{N}(…)``), a probability of
events (``P(X_1 \\in [a, b])``), a sum over a set (``\\sum_{x \\in X}``), an expectation under a
distribution (``E_{x \\sim p}[…]``), a matrix written out with entries left out
(``\\begin{bmatrix} y_1 \\\\ \\dots \\\\ y_N \\end{bmatrix}``) and rows elided with
``\\vdots``. :func:`not_checkable` gives the note such a display is skipped with (the
document's own macros are expanded first, so ``\\iid`` for ``\\overset{i.i.d.}{\\sim}`` is
seen). It also owns the notes on labels that are read through: an ``\\underbrace{…}_{label}``
and an '=' with a label over it (``\\overset{(a)}{=}``), see :func:`label_notes`. No sympy
here.
"""

from __future__ import annotations

import re

from derive.reading.layout import DEFINES
from derive.reading.macros import MacroError, expand
from derive.reading.macros import current as current_macros

#: an expectation under a distribution: E_{x \sim p}[…], \mathbb{E}_{x \sim P}[…]
EXPECTATION = re.compile(
    r"(?:\\mathbb\s*\{\s*E\s*\}|(?<![A-Za-z\\])E)\s*_\s*\{[^{}]*\\sim(?![A-Za-z])")
ELIDED_NOTE = ("not checked: \\vdots elides rows, whose terms or steps are not written; "
               "no link is read across them")
INTEGRAL_NOTE = ("not checked: an integral (\\int), which derive does not evaluate; it "
                 "checks sums, products and derivatives")

_ARG = r"(?:arg(?:\s|\\[,;:! ])*\\?(?:max|min))"
_OPTIMUM = re.compile(
    r"\\mathop\s*\{\s*\\(?:mathrm|operatorname|text|rm)\s*\{\s*" + _ARG + r"\s*\}\s*\}"
    r"|\\operatorname\*?\s*\{\s*" + _ARG + r"\s*\}"
    r"|\\(?:mathrm|text|textrm|rm)\s*\{\s*" + _ARG + r"\s*\}"
    r"|\\arg\s*\\(?:max|min)(?![A-Za-z])|\\(?:argmax|argmin)(?![A-Za-z])")
#: \max_{x}, \min\limits_{θ}, \sup_x, \inf_x: an optimum over a set
_OVER_SET = re.compile(r"\\(max|min|sup|inf)(?![A-Za-z])\s*(?:\\(?:limits|nolimits)\s*)?_")
_LIMIT = re.compile(r"\\(?:lim|limsup|liminf|varlimsup|varliminf)(?![A-Za-z])")
_MATRIX = re.compile(r"\\begin\s*\{([a-zA-Z]*matrix|array)\*?\}.*?\\end\s*\{\1\*?\}", re.S)
_VDOTS = re.compile(r"\\(?:vdots|ddots)(?![A-Za-z])")
#: entries left out of a written-out matrix: \dots, \cdots, \ldots, \vdots, \ddots, ...
_ELLIPSIS = re.compile(r"\\(?:[lcvd]?dots|ddots|dotsc|dotsb)(?![A-Za-z])|\.\.\.")
_SUM_OVER_SET = re.compile(r"\\(?:sum|prod)\s*(?:\\limits\s*)?_\s*\{[^{}]*\\in(?![A-Za-z])")
#: a probability written with its argument: P(…), \Pr(…), \mathbb{P}(…)
_PROBABILITY = re.compile(r"(?:(?<![A-Za-z\\])[Pp]|\\Pr|\\mathbb\s*\{\s*P\s*\})\s*"
                          r"(?:\\left\s*)?[(\[]")
_MEMBER = re.compile(r"\\in(?![A-Za-z])")
_MACRO_USE = re.compile(r"\\([A-Za-z]+)")


def expanded(src: str) -> str:
    """``src`` with the document's macros written out (for the scan only: no offsets)."""
    table = current_macros()
    if not table:
        return src
    for _ in range(8):
        out, k, changed = [], 0, False
        for m in _MACRO_USE.finditer(src):
            macro = table.get(m.group(1))
            if macro is None or m.start() < k:
                continue
            try:
                body, end = expand(macro, src, m.end(), frozenset())
            except MacroError:
                continue
            out.append(src[k:m.start()] + body)
            k, changed = end, True
        src = "".join(out) + src[k:]
        if not changed:
            break
    return src


def not_checkable(src: str, display: str = "") -> str:
    """Why the display ``src`` is not checked ("" when nothing here stops it); ``display`` is
    the whole display when ``src`` is one of its rows."""
    from derive.reading.sets import expectation_unread, named_set  # (sets reads tokens)

    text = expanded(src)
    if EXPECTATION.search(text) and (unread := expectation_unread(text, expanded(display) or text)):
        return unread  # an E_{x ∼ p} over an x never summed over a set: discrete?
    demand = next((label_text(lab) for _, _, lab in labelled(text, "=")
                   if label_text(lab) in ("!", "?")), None)
    if demand is not None:  # ∂L/∂w \overset{!}{=} 0: a condition imposed, or a question
        return (f"not checked: an '=' labelled {demand} is "
                + ("a condition imposed (set equal, to solve), " if demand == "!" else
                   "a question, ") + "not an identity")
    if _OPTIMUM.search(text):
        return ("not checked: an argmax or argmin is an optimisation (the point where a "
                "maximum or minimum is reached), not an identity between values")
    over = _OVER_SET.search(text)
    if over is not None:
        return (f"not checked: a \\{over.group(1)} over a set is an optimisation, not an "
                f"identity between values (\\{over.group(1)}(x, y) of written arguments is "
                "read)")
    if _LIMIT.search(text):
        return "not checked: a limit (\\lim), which derive does not evaluate"
    if any(True for _ in labelled(text, "\\sim")):  # \overset{iid}{\sim}
        return ("not checked: a distribution statement (x \\sim p, '…is distributed as…'), "
                "not an equation")
    if any(not named_set(text, m.start()) for m in _SUM_OVER_SET.finditer(text)):
        return ("not checked: a sum over a set written out or built (\\sum_{x \\in \\{0, 1\\}}),"
                " which derive does not read: write the terms, or name the set "
                "(\\sum_{x \\in X})")
    if any(_ELLIPSIS.search(m.group(0)) for m in _MATRIX.finditer(text)):
        return ("not checked: a matrix or vector written out with entries left out (… inside "
                "\\begin{bmatrix}) shows its layout, not values derive can check; write its "
                "entries as equations (y_n = …) to have them read")
    if _member_in_probability(text):
        return ("not checked: a probability of events (P(X \\in [a, b])), which derive does "
                "not evaluate")
    return ""


def elided(src: str) -> list[tuple[int, int]]:
    """Where rows are elided with ``\\vdots`` (not in a matrix: that is its own error)."""
    masked = _MATRIX.sub(lambda m: " " * len(m.group(0)), src)
    return [m.span() for m in _VDOTS.finditer(masked)]


def _member_in_probability(text: str) -> bool:
    """Is there an ∈ inside the argument of a probability P(…)?"""
    for m in _PROBABILITY.finditer(text):
        depth, k = 1, m.end()
        while k < len(text) and depth:
            if text.startswith("\\in", k) and _MEMBER.match(text, k):
                return True
            if text[k] == "\\":
                k += 2
                continue
            depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(text[k], 0)
            k += 1
    return False


_UNDERBRACE = re.compile(r"\\(underbrace|overbrace)\s*\{")
_OVER = re.compile(r"\\(?:overset|stackrel)\s*\{")


def labelled(src: str, relation: str):
    """(start, end, label) of each ``relation`` written with a label over it:
    ``\\overset{(a)}{=}``, ``\\stackrel{\\text{i.i.d.}}{\\sim}`` (a definition,
    ``\\overset{def}{=}``, is layout.DEFINES's: not given for '=')."""
    for m in _OVER.finditer(src):
        end = group_end(src, m.end())
        rel = re.compile(r"\s*\{\s*" + re.escape(relation) + r"\s*\}").match(src, end) \
            if end > 0 else None
        if rel is not None and not (relation == "=" and DEFINES.fullmatch(src[m.start():
                                                                            rel.end()])):
            yield m.start(), rel.end(), src[m.end():end - 1]
_WORD = re.compile(r"\\(?:text|textrm|mathrm|rm|small|mbox|textit)\s*|[{}]")


def label_text(label: str) -> str:
    """A label as it reads: ``\\text{data loss}`` → data loss."""
    return " ".join(_WORD.sub(" ", label).split())


def plain_equals(src: str) -> str:
    """``src`` with every labelled '=' (``\\overset{(a)}{=}``) written as '=', offsets kept."""
    for a, b, _ in list(labelled(src, "=")):
        src = src[:a] + " " * (b - a - 1) + "=" + src[b:]
    return src


def label_notes(src: str) -> tuple[str, ...]:
    """The notes on labels read through: what an underbrace names, what an '=' cites."""
    notes = []
    for _, _, label in labelled(src, "="):
        notes.append(f"an '=' labelled {label_text(label)} is read as '='")
    for m in _UNDERBRACE.finditer(src):
        end = group_end(src, m.end())
        label = src[end:label_end(src, end)].strip().lstrip("_^")
        if end > 0 and label.strip():
            notes.append(f"the {m.group(1)}'s label {label_text(label)} is not read: "
                         "the braced part is read as written")
    return tuple(notes)


def group_end(src: str, q: int) -> int:
    """The offset after the brace group whose '{' is at q - 1, or -1 if it never closes."""
    depth = 1
    while q < len(src):
        ch = src[q]
        if ch == "\\":
            q += 2
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        q += 1
        if depth == 0:
            return q
    return -1


def label_end(src: str, q: int) -> int:
    """The offset after the label ``_{…}`` (or ``^{…}``, ``_\\text{…}``, ``_x``) that follows
    an underbrace's group ending at q; q when there is none."""
    k = q
    while k < len(src) and src[k].isspace():
        k += 1
    if k >= len(src) or src[k] not in "_^":
        return q
    k += 1
    while k < len(src) and src[k].isspace():
        k += 1
    if k >= len(src):
        return q
    if src[k] == "{":
        end = group_end(src, k + 1)
        return end if end > 0 else q
    if src[k] == "\\":
        m = _MACRO_USE.match(src, k)
        if m is None:
            return min(k + 2, len(src))
        r = m.end()
        while r < len(src) and src[r].isspace():
            r += 1
        if r < len(src) and src[r] == "{":
            end = group_end(src, r + 1)
            return end if end > 0 else q
        return m.end()
    return k + 1

"""Splitting a display at what derive does not check: relations other than '=' and prose.

People write ``A = B \\approx C = D``, ``e_i = … \\quad \\Rightarrow \\quad \\frac{∂e_i}{∂w} =
X_i``, ``X \\in \\mathbb{R}^{M \\times N}`` or ``… \\quad \\text{where} \\quad …`` inside one
display. derive checks chains of '=': this module finds, at the top level of a display (not
inside braces, brackets or ``\\left…\\right``), the relations it does not check and the words
of prose between parts, and cuts the display there. Each part keeps its offsets (everything
outside it is blanked), so errors in a part are still located in the file. The parts that hold
an '=' are read and checked as chains; the others, and the relations themselves, are reported
as not checked (:func:`not_checked_note` says so). No sympy here.
"""

from __future__ import annotations

import re

from derive.reading.tokenizer import ParseError, split_top_level
from derive.reading.uncheckable import EXPECTATION as EXPECTATION  # (read here before)
from derive.records import frozen

#: relations and arrows that separate the parts of a display, as macros, with their symbols
SEPARATING_MACROS = {
    "approx": "≈", "simeq": "≃", "cong": "≅", "propto": "∝", "sim": "∼",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "lt": "<", "gt": ">", "ll": "≪", "gg": "≫",
    "leqslant": "≤", "geqslant": "≥", "in": "∈", "notin": "∉", "subset": "⊂",
    "subseteq": "⊆",
    "to": "→", "rightarrow": "→", "longrightarrow": "⟶", "Rightarrow": "⇒",
    "Longrightarrow": "⟹", "implies": "⇒", "iff": "⇔", "Leftrightarrow": "⇔",
    "Longleftrightarrow": "⟺", "impliedby": "⇐", "Leftarrow": "⇐", "mapsto": "↦",
    "downarrow": "↓", "Downarrow": "⇓", "therefore": "∴", "because": "∵",
}
#: the relations of a chain (A = B ≈ C): the parts around them are sides of one derivation
CHAIN_SYMBOLS = frozenset("≈ ≃ ≅ ∝ ≤ ≥ < > ≪ ≫ <= >=".split())
SEPARATING_CHARS = {"<": "<", ">": ">", "≈": "≈", "≤": "≤", "≥": "≥", "⇒": "⇒", "→": "→",
                    "∈": "∈", "∝": "∝"}
#: a real space after ∈, \mathbb{R}^K or \mathbb{R}^{N \times K} (and a full stop or comma)
_SPACE = re.compile(r"\\mathbb\s*\{?\s*R\s*\}?(?:\s*\^\s*(?:\{[^{}=]*\}|\w))?\s*[.,]?")
#: words that join the parts of a display: \text{where}, \textrm{ and }, \mbox{for}
PROSE_WORDS = frozenset("where and or with for since so then thus hence because".split())
_PROSE = re.compile(r"\\(?:text|textrm|mbox|textit|mathrm)\s*\{\s*([A-Za-z ,.;]+?)\s*\}")
_MACRO = re.compile(r"\\([A-Za-z]+)")
#: what follows a comma between two equations of a list: a wide space (\quad, \qquad, \;)
_LIST_GAP = re.compile(r"\s*(?:\\q?quad\b|\\;|\\ \\ |~~)")


@frozen
class Part:
    """A part of a display: the display's text with everything outside the part blanked."""

    text: str
    has_equals: bool


@frozen
class Split:
    """A display cut at its separators: its parts in order and what separated them."""

    parts: tuple[Part, ...]
    separators: tuple[tuple[str, int], ...]  # (how it is shown, offset in the display)

    @property
    def cut(self) -> bool:
        return bool(self.separators)

    @property
    def first_may_define(self) -> bool:
        """Can the first part define a name (``E = … \\approx 0``)? Only before a relation of
        a chain; before an arrow (``x = 0 \\Rightarrow …``) or ∈ it is a condition, and no part
        after a separator ever defines: a name is never given a value by a condition."""
        if len(self.separators) == 1 and self.separators[0][0] == "∈" and len(self.parts) == 2 \
                and _SPACE.fullmatch(self.parts[1].text.strip()):
            return True  # z = W x \in \mathbb{R}^K: a definition with its space, no condition
        return bool(self.separators) and self.separators[0][0] in CHAIN_SYMBOLS

    @property
    def is_list(self) -> bool:
        """Only list commas: each part is an equation of its own (and may define a name)."""
        return bool(self.separators) and all(s == "," for s, _ in self.separators)


def _blank_outside(text: str, a: int, b: int) -> str:
    return "".join(ch if a <= k < b or ch == "\n" else " " for k, ch in enumerate(text))


def _has_top_level_equals(text: str) -> bool:
    depth = 0
    for k, ch in enumerate(text):
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth = max(depth - 1, 0)
        elif ch == "=" and depth == 0 and (k == 0 or text[k - 1] not in "!<>\\"):  # := too
            return True
    return False


def split_display(text: str) -> Split:
    """Cut ``text`` at its top-level separators (relations other than '=', and prose)."""
    seps: list[tuple[int, int, str]] = []  # start, end, shown
    gaps: list[tuple[int, int]] = []  # wide spaces: between two equations, a list separator
    depth = 0
    k, n = 0, len(text)
    while k < n:
        ch = text[k]
        if ch == "\\":
            m = _MACRO.match(text, k)
            if m is None:  # \{ \} \, \\ …: a brace written out is a bracket too
                if k + 1 < n and text[k + 1] == "{":
                    depth += 1
                elif k + 1 < n and text[k + 1] == "}":
                    depth = max(depth - 1, 0)
                k += 2
                continue
            name = m.group(1)
            if name == "begin" and text.startswith("{cases}", m.end()):
                end = text.find("\\end{cases}", m.end())
                if end > 0:  # its conditions (j \in J, i \ne j) relate nothing of the chain
                    k = end + len("\\end{cases}")
                    continue
            if name in ("left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
                        "Bigr", "biggl", "biggr", "Biggl", "Biggr"):
                end = m.end()
                while end < n and text[end] == " ":
                    end += 1
                if end < n and text[end] in "<>|.":  # \left< \right> \left. : a delimiter
                    end += 1
                k = end
                continue
            if depth == 0 and name in SEPARATING_MACROS:
                seps.append((k, m.end(), SEPARATING_MACROS[name]))
            elif depth == 0 and name in ("hspace", "qquad", "quad"):
                wide = _WIDE_SPACE.match(text, k)
                gaps.append((k, wide.end() if wide is not None else m.end()))
                k = gaps[-1][1]
                continue
            elif depth == 0 and name in ("text", "textrm", "mbox", "textit", "mathrm"):
                p = _PROSE.match(text, k)
                if p is not None and p.group(1).strip(" ,.;").lower() in PROSE_WORDS:
                    seps.append((k, p.end(), f"‘{p.group(1).strip()}’"))
                    k = p.end()
                    continue
            k = m.end()
            continue
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth = max(depth - 1, 0)
        elif depth == 0 and ch == "," and _LIST_GAP.match(text, k + 1):
            # p_i = σ(z_i), \quad z_i = w x_i + b: a list of equations, each read on its own
            seps.append((k, k + 1, ","))
        elif depth == 0 and ch in SEPARATING_CHARS:
            end = k + 1
            if ch in "<>" and end < n and text[end] == "=":
                end += 1
            seps.append((k, end, SEPARATING_CHARS[ch] + ("=" if end - k == 2 else "")))
            k = end
            continue
        k += 1
    seps = sorted(seps + _between_equations(text, seps, gaps))
    if not seps:
        return Split((Part(text, _has_top_level_equals(text)),), ())
    parts = []
    start = 0
    for a, b, _ in seps:
        parts.append((start, a))
        start = b
    parts.append((start, n))
    out = []
    for a, b in parts:
        if text[a:b].strip(" \t\n,.;") == "" or _only_spacing(text[a:b]):
            continue
        piece = _blank_outside(text, a, b)
        out.append(Part(piece, _has_top_level_equals(piece)))
    return Split(tuple(out), tuple((shown, a) for a, _, shown in seps))


_OPERATOR_AFTER = re.compile(r"\s*(?:[-+*/=]|\\(?:cdot|times|pm)(?![A-Za-z]))")
_OPERATOR_BEFORE = re.compile(r"(?:[-+*/=]|\\(?:cdot|times|pm))\s*$")
_WIDE_SPACE = re.compile(r"\\(?:hspace\*?\s*\{[^{}]*\}|qquad)")


def _between_equations(text: str, seps: list[tuple[int, int, str]],
                       gaps: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The wide spaces (``\\hspace{0.5in}``, ``\\qquad``, ``\\quad``) that stand between two
    equations, as in ``f = x y \\hspace{1em} \\frac{\\partial f}{\\partial x} = y``: list
    separators. A wide space inside one expression (``a \\qquad b = c``) separates nothing,
    and a ``\\quad`` beside another separator (``\\quad \\Rightarrow \\quad``) is its spacing."""
    cuts = sorted([(a, b) for a, b, _ in seps] + gaps)
    bounds = [0] + [x for cut in cuts for x in cut] + [len(text)]
    segments = [text[bounds[k]:bounds[k + 1]] for k in range(0, len(bounds), 2)]
    filled = [bool(seg.strip()) and not _only_spacing(seg) for seg in segments]
    out = []
    for g, cut in enumerate(cuts):
        if cut not in gaps:
            continue
        if text.startswith("\\quad", cut[0]) and not (filled[g] and filled[g + 1]):
            continue
        left = next((segments[k] for k in range(g, -1, -1) if filled[k]), "")
        right = next((segments[k] for k in range(g + 1, len(segments)) if filled[k]), "")
        if _has_top_level_equals(left) and _has_top_level_equals(right) and not (
                _OPERATOR_AFTER.match(right) or _OPERATOR_BEFORE.search(left)):
            out.append((cut[0], cut[1], ","))  # (u = v \hspace{…} + w = …: one chain)
    return out


_SPACING = re.compile(r"(\\q?quad|\\[,;:! ]|~|\\hspace\s*\{[^}]*\}|\\,|\s|[.,;])*")


def _only_spacing(text: str) -> bool:
    m = _SPACING.fullmatch(text)
    return m is not None


#: an integral sign, which derive does not evaluate
INTEGRAL = re.compile(r"\\(?:int|iint|iiint|oint)(?![A-Za-z])")


def integral_free_chains(text: str) -> list[str]:
    """The runs of two or more consecutive sides without an integral in a chain such as
    ``\\int q\\,dz = \\log(2\\pi\\sigma^2)/2 + 1/2 = \\log(2\\pi)/2 + …``:
    each run is the display's text with everything outside it blanked (offsets kept), so
    that the '=' links between sides without an integral are still checked; a link with
    an integral on either side is not. Returns [] when the chain cannot be split."""
    try:
        sides = split_top_level(text)
    except ParseError:
        return []
    runs: list[list[tuple[str, int]]] = [[]]
    for side, offset in sides:
        if INTEGRAL.search(side):
            runs.append([])
        else:
            runs[-1].append((side, offset))
    out = []
    for run in runs:
        if len(run) >= 2:
            first, last = run[0], run[-1]
            out.append(_blank_outside(text, first[1], last[1] + len(last[0])))
    return out


_LEADING_EQUALS = re.compile(r"^(\s*)=(?!=)")
_TRAILING_EQUALS = re.compile(r"(?<![=:!<>\\])=(\s*)$")


def elided_chains(text: str) -> list[str]:
    """The chains between the rows a ``\\vdots`` elides (``a = b \\\\ \\vdots \\\\ = c = d``):
    each a run of two or more sides, the display's text blanked outside it (offsets kept),
    with the '=' that opens or ends it at the gap blanked, so that no link is read across
    the elided rows. Returns [] when no run has two sides."""
    from derive.reading.uncheckable import elided

    cuts = elided(text)
    if INTEGRAL.search(text):  # an integral and elided rows: not cut further
        return []
    for a, b in cuts:  # a side that goes on across the dots (… + \vdots + …): none read
        before, after = text[:a].rstrip(), text[b:].lstrip()
        if (after and after[0] != "=") or (before and before[-1] in "+-*/(" or
                                            _OPERATOR_BEFORE.search(before)):
            return []
    bounds = [0] + [x for span in cuts for x in span] + [len(text)]
    out = []
    for a, b in zip(bounds[::2], bounds[1::2]):
        piece = _blank_outside(text, a, b)
        piece = _LEADING_EQUALS.sub(lambda m: m.group(1) + " ", piece[:b]) + piece[b:]
        piece = piece[:a] + _TRAILING_EQUALS.sub(lambda m: " " + m.group(1), piece[a:])
        try:
            if len(split_top_level(piece)) >= 2:
                out.append(piece)
        except ParseError:
            return []
    return out


def not_checked_note(split: Split) -> str:
    """The note on a display cut at relations or prose that derive does not check."""
    shown = ", ".join(dict.fromkeys(s for s, _ in split.separators))
    if not any(part.has_equals for part in split.parts):
        return (f"not checked: it relates its parts by {shown}, and derive checks only "
                "chains of '='")
    left = [" ".join(part.text.split()) for part in split.parts if not part.has_equals]
    left = [t if len(t) <= 40 else t[:39] + "…" for t in left]
    return (f"read in parts at {shown}: each chain of '=' is checked; {shown} "
            + ("is" if len(split.separators) == 1 else "are") + " not"
            + (f", nor {', '.join(left)}" if left else ""))

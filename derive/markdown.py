"""Finding display equations in Markdown: the first stage of reading a document.

Owns: front matter splitting, skipping code (fenced blocks, inline code), and
locating every display equation (``$$…$$``, ``\\[…\\]``, ``\\\\[…\\\\]``, the
``equation``/``align``/``gather`` environments and ``aligned`` inside ``$$``).
Inline math is skipped. Each equation keeps its offset in the file, so every later
error can be reported as FILE:LINE:COL. No sympy here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENVIRONMENTS = ("equation", "equation*", "align", "align*", "gather", "gather*",
                "multline", "multline*", "eqnarray", "eqnarray*")


@dataclass(frozen=True)
class RawEquation:
    """One display equation: its source text with row separators blanked out."""

    text: str  # same length as the file span it came from, so offsets map 1:1
    offset: int  # file offset of text[0]
    line: int  # 1-based line of the opening delimiter
    delimiter: str  # $$ | \[ | equation | align | …


_FENCE = re.compile(r"^[ \t>]*(```|~~~)", re.M)
_BEGIN = re.compile(r"\\begin\{(" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}")
_ALIGNED = re.compile(r"\\begin\{(aligned|split|gathered)\}|\\end\{(aligned|split|gathered)\}")


def _mask_code(text: str) -> str:
    """Blank out fenced code blocks and inline code, keeping offsets."""
    out = list(text)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    pos = 0
    while True:
        m = _FENCE.search(text, pos)
        if not m:
            break
        fence = m.group(1)
        end = text.find("\n", m.end())
        close = re.compile(r"^[ \t>]*" + re.escape(fence) + r"[ \t]*$", re.M)
        c = close.search(text, end + 1 if end >= 0 else len(text))
        stop = c.end() if c else len(text)
        blank(m.start(), stop)
        pos = stop
    masked = "".join(out)
    for m in re.finditer(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", masked, re.S):
        if "\n\n" not in m.group(0):
            blank(m.start(), m.end())
    return "".join(out)


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def find_equations(text: str) -> list[RawEquation]:
    """Every display equation in a Markdown text, in order of appearance."""
    masked = _mask_code(text)
    found: list[RawEquation] = []
    pos = 0
    n = len(masked)
    while pos < n:
        candidates = []
        for opener, closer in (("$$", "$$"), ("\\\\[", "\\\\]"), ("\\[", "\\]")):
            k = masked.find(opener, pos)
            if opener == "\\[" and k > 0 and masked[k - 1] == "\\":
                k2 = k
                while k2 >= 0 and k2 < n and masked[k2 - 1:k2] == "\\":
                    k2 = masked.find(opener, k2 + 2)
                    if k2 < 0:
                        break
                k = k2
            if k >= 0:
                candidates.append((k, opener, closer))
        m = _BEGIN.search(masked, pos)
        if m:
            candidates.append((m.start(), m.group(0), "\\end{" + m.group(1) + "}"))
        if not candidates:
            break
        start, opener, closer = min(candidates, key=lambda c: c[0])
        body_start = start + len(opener)
        end = masked.find(closer, body_start)
        line, _ = line_col(text, start)
        if end < 0:
            found.append(RawEquation("", body_start, line, "unclosed:" + opener))
            break
        body = text[body_start:end]
        kind = opener.strip("\\").replace("begin{", "").rstrip("}") if opener.startswith(
            "\\begin") else opener
        found.extend(_rows(body, body_start, line, kind))
        pos = end + len(closer)
    return found


def _rows(body: str, offset: int, line: int, kind: str) -> list[RawEquation]:
    """Split an aligned body into equations: rows that start with '&=' continue the chain."""
    aligned = kind.startswith(("align", "eqnarray", "gather", "multline")) or _ALIGNED.search(body)
    if not aligned:
        return [RawEquation(body, offset, line, kind)]
    chars = list(body)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = " "

    for m in _ALIGNED.finditer(body):
        blank(m.start(), m.end())
    text = "".join(chars)
    rows: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"\\\\(\[[^\]]*\])?", text):
        rows.append((start, m.start()))
        blank(m.start(), m.end())
        start = m.end()
    rows.append((start, len(text)))
    text = "".join(chars)
    groups: list[list[tuple[int, int]]] = []
    for a, b in rows:
        row = text[a:b]
        if not row.strip():
            continue
        head = row.split("&", 1)[0] if "&" in row else None
        continues = head is not None and not head.strip() and row.split("&", 1)[1].lstrip(
        ).startswith("=")
        if continues and groups:
            groups[-1].append((a, b))
        else:
            groups.append([(a, b)])
    out = []
    for group in groups:
        a, b = group[0][0], group[-1][1]
        seg = list(text[a:b])
        for k, ch in enumerate(seg):
            if ch == "&":
                seg[k] = " "
        first = "".join(seg)
        lead = len(first) - len(first.lstrip())
        eq_line = line + body.count("\n", 0, a + lead)
        out.append(RawEquation(first, offset + a, eq_line, kind))
    return out

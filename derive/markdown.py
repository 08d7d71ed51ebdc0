"""Finding display equations in Markdown: the first stage of reading a document.

Owns: front matter splitting, skipping code (fenced blocks, inline code), and
locating every display equation (``$$…$$``, ``\\[…\\]``, ``\\\\[…\\\\]``, the
``equation``/``align``/``gather`` environments and ``aligned`` inside ``$$``).
Inline math is skipped. Each equation keeps its offset in the file, so every later
error can be reported as FILE:LINE:COL. No sympy here.
"""

from __future__ import annotations

import re

from derive.records import frozen

ENVIRONMENTS = ("equation", "equation*", "align", "align*", "gather", "gather*",
                "multline", "multline*", "eqnarray", "eqnarray*")


@frozen
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


_OPENER = re.compile(
    r"\$\$|\\\\\[|(?<!\\)\\\[|\\begin\{("
    + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}")


def find_equations(text: str) -> list[RawEquation]:
    """Every display equation in a Markdown text, in order of appearance (one linear scan)."""
    masked = _mask_code(text)
    found: list[RawEquation] = []
    pos = 0
    counted, line_no = 0, 1  # newlines are counted incrementally, not from the start each time
    while True:
        m = _OPENER.search(masked, pos)
        if not m:
            break
        opener = m.group(0)
        if m.group(1):
            closer, kind = "\\end{" + m.group(1) + "}", m.group(1)
        else:
            closer = {"$$": "$$", "\\\\[": "\\\\]", "\\[": "\\]"}[opener]
            kind = opener
        start, body_start = m.start(), m.end()
        line_no += masked.count("\n", counted, start)
        counted = start
        end = masked.find(closer, body_start)
        if end < 0:
            found.append(RawEquation("", body_start, line_no, "unclosed:" + opener))
            break
        found.extend(_rows(text[body_start:end], body_start, line_no, kind))
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

"""Terminal output: a deterministic plain-text layout and its coloured rich twin.

This module owns the line layout of a report as a worked proof: one line per
link (stated form, "by rule", verdict), explanatory lines under links that are
not proved, then the chain, notes and errors of each equation, and a summary.

`render_plain` returns that layout with no ANSI codes at all (golden tests rely
on it). `print_rich` prints the same lines with colours inside rich panels;
`render_rich` captures that into a string. Both are built from one layout, so
they cannot drift apart. rich is imported only inside the rich functions.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from derive.render import (
    Detail,
    count_items,
    details,
    errors_count_text,
    heading,
    links_noun,
    side_text,
    verdict_label,
)

if TYPE_CHECKING:
    from derive.model import Chain, Equation, Link, Report, SourceError

# A line is a list of (text, style key) spans; style keys are mapped to rich styles below.
Span = tuple[str, str]
Line = list[Span]

STYLES: dict[str, str] = {
    "proved": "bold green",
    "refuted": "bold red",
    "conditional": "bold yellow",
    "unknown": "bold magenta",
    "error": "red",
    "label": "cyan",
    "rule": "italic",
    "math": "",
    "note": "dim",
    "unstated": "yellow",
    "stated": "dim",
    "title": "bold",
    "": "",
}

DETAIL_INDENT = 6  # under "  [1] ": details line up with the statement


@dataclass
class _Section:
    """A titled block: an equation, the reading errors, or the summary."""

    title: str
    style: str  # a STYLES key for the panel border
    lines: list[Line] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Width and block helpers (pure string work, no rich).


def _cells(text: str) -> int:
    """Terminal cells taken by `text`: wide characters count 2, combining marks 0."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def _ljust(text: str, width: int) -> str:
    return text + " " * max(width - _cells(text), 0)


def _hjoin(*blocks: list[str]) -> list[str]:
    """Put multi-line blocks side by side on a common baseline.

    The model gives no baseline for a 2-D pretty form; the middle row (the lower
    middle for an even height) is right for fractions (the bar) and for powers
    (the base under its exponent), which are the usual cases.
    """
    base = max(len(b) // 2 for b in blocks)
    tops = [base - len(b) // 2 for b in blocks]
    height = max(top + len(b) for top, b in zip(tops, blocks, strict=True))
    rows = [""] * height
    for top, block in zip(tops, blocks, strict=True):
        w = max((_cells(line) for line in block), default=0)
        padded = [""] * top + block + [""] * (height - len(block) - top)
        for i, line in enumerate(padded):
            rows[i] += _ljust(line, w)
    return [row.rstrip() for row in rows]


def _statement(lhs: str, rhs: str) -> list[str]:
    """`lhs = rhs` as one or more rows."""
    left, right = lhs.split("\n"), rhs.split("\n")
    if len(left) == 1 and len(right) == 1:
        return [f"{lhs} = {rhs}"]
    return _hjoin(left, [" = "], right)


def _wrap(prefix: Line, value: str, style: str, indent: int, width: int,
          tail: Span | None = None) -> list[Line]:
    """`prefix` then `value` (then `tail`), wrapped at spaces with a hanging indent.

    A multi-line value (a 2-D pretty form) is never re-wrapped: it goes below
    the prefix, indented, row by row.
    """
    hang = " " * (indent + 2)
    if "\n" in value:
        lines: list[Line] = [list(prefix)]
        lines += [[(hang, ""), (row, style)] for row in value.split("\n")]
    else:
        head = " " * _cells("".join(text for text, _ in prefix))
        pieces = textwrap.wrap(value, width, initial_indent=head, subsequent_indent=hang,
                               break_long_words=False, break_on_hyphens=False) or [head]
        lines = [list(prefix) + [(pieces[0][len(head):], style)]]
        lines += [[(hang, ""), (piece[len(hang):], style)] for piece in pieces[1:]]
    if tail:
        if _cells(_text(lines[-1]) + tail[0]) <= width:
            lines[-1].append(tail)
        else:
            lines.append([(hang, ""), (tail[0].lstrip(), tail[1])])
    return lines


# ---------------------------------------------------------------------------
# The shared layout.


def _detail_lines(items: list[Detail], indent: int, width: int) -> list[Line]:
    out: list[Line] = []
    for d in items:
        prefix: Line = [(" " * indent, ""), (f"{d.label}: ", "label")]
        tail: Span | None = None
        if d.note:
            tail = (f" {d.note}", "unstated" if d.key == "unstated" else "stated")
        style = "math" if d.latex is not None else ""
        out += _wrap(prefix, d.text, style, indent, width, tail)
    return out


def _link_rows(links: tuple[Link, ...], width: int) -> list[Line]:
    """One line per link, columns aligned when they fit, then its details."""
    labels = [f"[{link.position}] " for link in links]
    stmts = [_statement(side_text(k.lhs_text, k.lhs), side_text(k.rhs_text, k.rhs))
             for k in links]
    bys = [f"by {link.rule}" if link.rule else "by (no rule named)" for link in links]
    verdicts = [verdict_label(link.verdict) for link in links]
    label_w = max(_cells(s) for s in labels)
    by_w = max(_cells(s) for s in bys)
    verdict_w = max(_cells(s) for s in verdicts)
    # The statement column is as wide as the widest one-row statement that still fits.
    room = width - label_w - 2 - by_w - 2 - verdict_w
    fitting = [_cells(s[0]) for s in stmts if len(s) == 1 and _cells(s[0]) <= room]
    stmt_w = max(fitting, default=0)

    out: list[Line] = []
    for link, label, stmt, by, verdict in zip(links, labels, stmts, bys, verdicts, strict=True):
        key = link.verdict.value
        label_span = (_ljust(label, label_w), "label")
        if len(stmt) == 1 and _cells(stmt[0]) <= stmt_w:
            out.append([label_span, (_ljust(stmt[0], stmt_w), "math"), ("  ", ""),
                        (_ljust(by, by_w), "rule"), ("  ", ""), (verdict, key)])
        elif len(stmt) == 1 and label_w + _cells(stmt[0]) + 4 + _cells(by + verdict) <= width:
            out.append([label_span, (stmt[0], "math"), ("  ", ""), (by, "rule"), ("  ", ""),
                        (verdict, key)])
        else:
            # Too long (or 2-D): the statement gets its own rows, rule and verdict below.
            pad = " " * label_w
            out += [[label_span if i == 0 else (pad, ""), (row, "math")]
                    for i, row in enumerate(stmt)]
            out.append([(pad, ""), (by, "rule"), ("  ", ""), (verdict, key)])
        out += _detail_lines(details(link), DETAIL_INDENT, width)
    return out


def _chain_lines(chain: Chain, width: int) -> list[Line]:
    stmt = _statement(side_text(chain.lhs_text, chain.lhs), side_text(chain.rhs_text, chain.rhs))
    verdict = verdict_label(chain.verdict)
    head: Line = [("chain, first side vs last: ", "label")]
    one = _cells(head[0][0]) + _cells(stmt[0]) + 2 + _cells(verdict)
    if len(stmt) == 1 and one <= width:
        out: list[Line] = [head + [(stmt[0], "math"), ("  ", ""), (verdict, chain.verdict.value)]]
    else:
        out = [head] + [[("    ", ""), (row, "math")] for row in stmt]
        out.append([("    ", ""), (verdict, chain.verdict.value)])
    out += _detail_lines(details(chain), DETAIL_INDENT, width)
    return out


def _error_lines(err: SourceError) -> list[Line]:
    return [[(row, "error")] for row in err.located.split("\n")]


def _equation_title(eq: Equation) -> str:
    kind = eq.kind
    if eq.kind == "definition" and eq.defines:
        kind = f"definition of {eq.defines}"
    return f"Equation {eq.index} · line {eq.line} · {kind}"


def _equation_style(eq: Equation) -> str:
    if eq.kind == "error" or eq.error is not None:
        return "refuted"
    verdicts = {link.verdict.value for link in eq.links}
    if eq.chain is not None:
        verdicts.add(eq.chain.verdict.value)
    for key in ("refuted", "conditional", "unknown", "proved"):
        if key in verdicts:
            return key
    return "note"  # a definition: nothing to judge


def _equation_section(eq: Equation, width: int) -> _Section:
    sec = _Section(_equation_title(eq), _equation_style(eq))
    if eq.kind == "definition" or not eq.links:
        body = eq.text or eq.latex
        if body and eq.kind != "error":
            sec.lines += [[(row, "math")] for row in body.split("\n")]
    for case in eq.cases:
        sec.lines += _wrap([("case: ", "label")], case.text or case.latex, "math", 2, width)
    if eq.links:
        sec.lines += _link_rows(eq.links, width)
    if eq.chain is not None:
        sec.lines += _chain_lines(eq.chain, width)
    for note in eq.notes:
        sec.lines += _wrap([("note: ", "note")], note, "note", 0, width)
    if eq.error is not None:
        sec.lines += _error_lines(eq.error)
    return sec


def _summary_section(report: Report, width: int) -> _Section:
    style = "proved" if report.ok else "unknown" if report.exit_code == 3 else "refuted"
    sec = _Section("Summary", style)
    # Same words as counts_text (used by the other formats), each verdict in its colour.
    line: Line = [(f"{links_noun(report)}: ", "")]
    for i, (verdict, n) in enumerate(count_items(report)):
        if i:
            line.append((", ", ""))
        line.append((f"{verdict.badge} {n} {verdict.value}", verdict.value if n else ""))
    sec.lines.append(line)
    errs = errors_count_text(report)
    if errs:
        sec.lines.append([(errs, "error")])
    for sentence in report.summary:
        sec.lines += _wrap([], sentence, "title", 0, width)
    for note in report.notes:
        sec.lines += _wrap([("note: ", "note")], note, "note", 0, width)
    return sec


def _layout(report: Report, width: int) -> tuple[list[Line], list[_Section]]:
    """The header lines and the sections of a report, laid out for `width` columns."""
    width = max(width, 20)  # below this nothing fits anyway; keep textwrap sane
    head: list[Line] = [[(f"derive: {heading(report)}", "title")]]
    if report.source:
        head.append([("source: ", "label"), (report.source, "")])
    for a in report.assumptions:
        head += _wrap([("assumes: ", "label")], a.text or a.latex, "math", 0, width)
    sections = [_equation_section(eq, width) for eq in report.equations]
    if not report.equations:
        sections.append(_Section("Equations", "note", [[("no display equations found", "note")]]))
    if report.errors:
        err = _Section("Reading errors", "refuted")
        for e in report.errors:
            err.lines += _error_lines(e)
        sections.append(err)
    sections.append(_summary_section(report, width))
    return head, sections


def _text(line: Line) -> str:
    return "".join(text for text, _ in line).rstrip()


# ---------------------------------------------------------------------------
# Public entry points.


def render_plain(report: Report, width: int = 100) -> str:
    """The report as plain text: no ANSI codes, same output for the same report."""
    width = max(width, 40)
    head, sections = _layout(report, width - 2)  # section bodies are indented by 2
    out = [_text(line) for line in head]
    out.insert(1, "=" * min(_cells(out[0]), width))
    for sec in sections:
        out += ["", sec.title]
        out += [("  " + _text(line)).rstrip() for line in sec.lines]
    return "\n".join(out) + "\n"


def _rich_renderables(report: Report, width: int) -> list[Any]:
    from rich.panel import Panel
    from rich.text import Text

    def text(line: Line) -> Text:
        t = Text(no_wrap=False, overflow="fold")
        for chunk, key in line:
            t.append(chunk, style=STYLES.get(key, ""))
        t.rstrip()
        return t

    head, sections = _layout(report, width - 4)  # a panel takes 2 columns each side
    out: list[Any] = [text(line) for line in head]
    for sec in sections:
        body = Text("\n").join(text(line) for line in sec.lines) if sec.lines else Text("")
        out.append(Panel(body, title=Text(sec.title, style="bold"), title_align="left",
                         border_style=STYLES.get(sec.style, "") or "dim", expand=True))
    return out


def print_rich(report: Report, console: Any) -> None:
    """Print the report to a rich `Console`, in colour when the console allows it."""
    for renderable in _rich_renderables(report, console.width):
        console.print(renderable)


def render_rich(report: Report, width: int = 100, color: bool | None = None) -> str:
    """The rich layout captured as a string; `color=False` gives no ANSI codes."""
    import io
    import os

    from rich.console import Console

    if color is None:
        color = "NO_COLOR" not in os.environ
    console = Console(file=io.StringIO(), width=width, force_terminal=color,
                      color_system="standard" if color else None, no_color=not color,
                      highlight=False, emoji=False, markup=False, legacy_windows=False)
    print_rich(report, console)
    return console.file.getvalue()

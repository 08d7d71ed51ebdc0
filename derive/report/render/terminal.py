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

import re
import textwrap
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from derive.report.render import (
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
    from derive.report.model import Chain, Equation, Link, Report, SourceError

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
MIN_STATEMENT = 40  # a statement column narrower (or under half the width): rule and
# verdict go on a row of their own below each statement
HANG = 2  # continuation rows of a wrapped formula, under its first row


def shown_details(item: Any) -> list[Detail]:
    """`details(item)`, with the suggested right side in the statements' notation.

    The checker suggests exactly what the rule gives, so the suggestion's text form
    is the rule's (`derived_text`); LaTeX stays in JSON and `--format latex`. A
    suggestion that is not the rule's result (a hand-built report) keeps its LaTeX.
    """
    out = details(item)
    text = getattr(item, "suggestion_text", None)
    if not text and getattr(item, "suggestion", None) == getattr(item, "derived", None):
        text = getattr(item, "derived_text", None)
    if not text:
        return out
    return [Detail(d.label, text, d.latex, d.note, d.key) if d.key == "suggestion" else d
            for d in out]


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


_OPENERS, _CLOSERS = "([{", ")]}"
_WORD_END = re.compile(r"(?<![A-Za-z_])[A-Za-z]{2,}$")  # "log", "tanh" right before a space
_RELATIONS = ("=", "≠", "≤", "≥", "<", ">", "≈")
_OPERATORS = ("+", "−", "-", "±", "·", "×")


def _breaks(text: str) -> list[tuple[int, int]]:
    """Where a one-row formula may be cut: (offset of a space, class), best class first.

    Class 0 is a space before a relation (`=`) outside any bracket, 1 before a `+` or
    `−` outside brackets, 2 any other space outside brackets (between factors), 3 a
    space before an operator inside brackets. Spaces elsewhere (`1{k = i}` inside a
    subscript or an indicator's braces next to its relation) are never cut.
    """
    out: list[tuple[int, int]] = []
    depth = 0
    for k, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(depth - 1, 0)
        elif (ch == " " and 0 < k < len(text) - 1 and text[k - 1] != " "
              and not text[:k].endswith(_RELATIONS + _OPERATORS)):  # not after "+" itself
            after = text[k + 1:]
            relation = after.startswith(_RELATIONS)
            operator = after.startswith(_OPERATORS) and after[1:2] == " "
            if depth == 0 and (relation or operator):
                out.append((k, 0 if relation else 1))
            elif depth == 0 and not _WORD_END.search(text, 0, k):
                out.append((k, 2))  # between factors, not after a function's name (log y)
            elif operator or relation:
                out.append((k, 3))
    return out


def wrap_formula(text: str, first: int, rest: int) -> list[str]:
    """A one-row formula in rows of at most `first` (then `rest`) cells, cut only at
    the spaces `_breaks` allows, preferring relations, then `+`/`−`, then products.

    A continuation row starts with the operator it was cut before (`+ Σ_k y_i`). A
    piece that cannot be cut to fit is left whole, wider than asked: never cut
    mid-expression.
    """
    rows: list[str] = []
    limit = first
    while _cells(text) > limit:
        cuts = [(k, c) for k, c in _breaks(text) if _cells(text[:k]) <= limit]
        if not cuts:
            later = _breaks(text)
            if not later:
                break
            k = min(k for k, _ in later)  # the shortest piece that can be cut off
        else:
            # Cut at the top-level relation or `+`/`−` that keeps the most on this row,
            # else between top-level factors, else at an operator inside brackets.
            best = min(max(c, 1) for _, c in cuts)
            k = max(k for k, c in cuts if max(c, 1) == best)
        rows.append(text[:k].rstrip())
        text = text[k + 1:].lstrip()
        limit = rest
    rows.append(text)
    return rows


def _wrap(prefix: Line, value: str, style: str, indent: int, width: int,
          tail: Span | None = None) -> list[Line]:
    """`prefix` then `value` (then `tail`), wrapped with a hanging indent.

    Maths (style "math") is cut only at operator boundaries (`wrap_formula`); prose at
    spaces. A multi-line value (a 2-D pretty form) is never re-wrapped: it goes below
    the prefix, indented, row by row.
    """
    hang = " " * (indent + 2)
    if "\n" in value:
        lines: list[Line] = [list(prefix)]
        lines += [[(hang, ""), (row, style)] for row in value.split("\n")]
    else:
        head_w = _cells("".join(text for text, _ in prefix))
        if style == "math":
            pieces = wrap_formula(value, max(width - head_w, 1), max(width - len(hang), 1))
        else:
            pieces = textwrap.wrap(value, max(width - head_w, 1), break_long_words=False,
                                   break_on_hyphens=False) or [""]
            if len(pieces) > 1:  # the first row was cut for the prefix; refill the rest
                pieces = pieces[:1] + textwrap.wrap(
                    " ".join(pieces[1:]), max(width - len(hang), 1), break_long_words=False,
                    break_on_hyphens=False)
        lines = [list(prefix) + [(pieces[0], style)]]
        lines += [[(hang, ""), (piece, style)] for piece in pieces[1:]]
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


@dataclass
class _Columns:
    """One equation's columns: every link's rule and verdict start at the same cell."""

    label: int  # "[n] "
    statement: int  # cells for the statement; 0 when rule and verdict go below it
    rule: int  # cells for "by rule"
    verdict: int  # where the verdict starts

    @property
    def rule_at(self) -> int:
        return self.label + self.statement + 2 if self.statement else self.label


def _columns(labels: list[str], stmts: list[list[str]], bys: list[str], verdicts: list[str],
             width: int) -> _Columns:
    label_w = max(_cells(s) for s in labels)
    verdict_w = max(_cells(s) for s in verdicts)
    by_w = max(_cells(s) for s in bys)
    widest = max(max(_cells(row) for row in stmt) for stmt in stmts)
    room = width - label_w - 2 - by_w - 2 - verdict_w
    if widest <= room or room >= max(MIN_STATEMENT, width // 2):
        stmt_w = min(room, widest)
        return _Columns(label_w, stmt_w, by_w, label_w + stmt_w + 2 + by_w + 2)
    # Rule and verdict on a row of their own under each statement, the rule wrapped.
    by_w = min(by_w, max(width - label_w - 2 - verdict_w, 12))
    return _Columns(label_w, 0, by_w, label_w + by_w + 2)


def _rule_rows(by: str, cols: _Columns) -> list[str]:
    return textwrap.wrap(by, cols.rule, break_long_words=False, break_on_hyphens=False) or [by]


def _link_rows(links: tuple[Link, ...], width: int) -> list[Line]:
    """The links of one equation as a table: statement, "by rule", verdict.

    The verdicts of an equation share one column. A statement too long for its column
    wraps at operator boundaries under itself; when the columns leave too little room
    for statements, every link's rule and verdict go on a row below its statement.
    """
    labels = [f"[{link.position}] " for link in links]
    stmts = [_statement(side_text(k.lhs_text, k.lhs), side_text(k.rhs_text, k.rhs))
             for k in links]
    bys = [f"by {link.rule}" if link.rule else "by (no rule named)" for link in links]
    verdicts = [verdict_label(link.verdict) for link in links]
    cols = _columns(labels, stmts, bys, verdicts, width)
    pad = " " * cols.label

    out: list[Line] = []
    for link, label, stmt, by, verdict in zip(links, labels, stmts, bys, verdicts, strict=True):
        key = link.verdict.value
        if len(stmt) == 1:
            room = cols.statement or width - cols.label
            rows = wrap_formula(stmt[0], room, room - HANG)
            rows = rows[:1] + [" " * HANG + row for row in rows[1:]]
        else:
            rows = stmt  # a 2-D form is never cut
        fits = cols.statement and all(_cells(row) <= cols.statement for row in rows)
        lines: list[Line] = [[(_ljust(label, cols.label) if i == 0 else pad, "label"),
                              (row, "math")] for i, row in enumerate(rows)]
        rule_rows = _rule_rows(by, cols)
        if fits:
            # Rule and verdict on the statement's first row (its baseline for a 2-D form).
            at = len(rows) // 2 if len(stmt) > 1 else 0
            while len(lines) < at + len(rule_rows):
                lines.append([(pad, "label"), ("", "math")])
            for j, rule_row in enumerate(rule_rows):
                line = lines[at + j]
                line[1] = (_ljust(line[1][0], cols.statement), "math")
                line += [("  ", ""), (rule_row, "rule")]
                if j == 0:
                    line[-1] = (_ljust(rule_row, cols.rule), "rule")
                    line += [("  ", ""), (verdict, key)]
        else:
            at = cols.rule_at
            for j, rule_row in enumerate(rule_rows):
                line = [(" " * at, ""), (rule_row, "rule")]
                if j == 0:
                    line = [(" " * at, ""), (_ljust(rule_row, cols.verdict - at - 2), "rule"),
                            ("  ", ""), (verdict, key)]
                lines.append(line)
        out += lines
        out += _detail_lines(shown_details(link), DETAIL_INDENT, width)
    return out


def _chain_lines(chain: Chain, width: int) -> list[Line]:
    stmt = _statement(side_text(chain.lhs_text, chain.lhs), side_text(chain.rhs_text, chain.rhs))
    verdict = verdict_label(chain.verdict)
    head = "chain, first side vs last: "
    key = chain.verdict.value
    rows = wrap_formula(stmt[0], width - _cells(head), width - 4) if len(stmt) == 1 else []
    if rows and _cells(head + rows[0]) <= width:
        out: list[Line] = [[(head, "label"), (rows[0], "math")]]
        out += [[("    ", ""), (row, "math")] for row in rows[1:]]
    elif rows:  # not even the first piece fits after the label: all of it below
        out = [[(head.rstrip(), "label")]]
        out += [[("    ", ""), (row, "math")] for row in wrap_formula(stmt[0], width - 4,
                                                                         width - 4)]
    else:
        out = [[(head, "label")]] + [[("    ", ""), (row, "math")] for row in stmt]
    if _cells(_text(out[-1])) + 2 + _cells(verdict) <= width:
        out[-1] += [("  ", ""), (verdict, key)]
    else:
        out.append([("    ", ""), (verdict, key)])
    out += _detail_lines(shown_details(chain), DETAIL_INDENT, width)
    return out


def _error_lines(err: SourceError, brief: bool = False) -> list[Line]:
    if brief:  # the located message (with its source line) is printed once, on stderr
        return [[(f"reading error at line {err.line}, column {err.column}: {err.message} "
                  "(on stderr, with its source line)", "error")]]
    return [[(row, "error")] for row in err.located.split("\n")]


def _equation_title(eq: Equation) -> str:
    kind = eq.kind
    if eq.kind == "definition" and eq.defines:
        kind = f"definition of {eq.defines}"
    return f"Equation {eq.title} · line {eq.line} · {kind}"


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


def _equation_section(eq: Equation, width: int, brief: bool = False) -> _Section:
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
        for line in _error_lines(eq.error, brief):
            sec.lines += _wrap([], line[0][0], "error", 0, width) if brief else [line]
    return sec


def _summary_section(report: Report, width: int) -> _Section:
    style = "proved" if report.ok else "unknown" if report.exit_code == 3 else "refuted"
    sec = _Section("Summary", style)
    # Same words as counts_text (used by the other formats), each verdict in its colour.
    line: Line = [(f"{links_noun(report)}: ", "")]
    items = count_items(report)
    for i, (verdict, n) in enumerate(items):
        span = (f"{verdict.badge} {n} {verdict.value}" + (", " if i + 1 < len(items) else ""),
                verdict.value if n else "")
        if _cells(_text(line) + " " + span[0].rstrip(", ")) > width:
            sec.lines.append(line)
            line = [("  ", "")]
        line.append(span)
    sec.lines.append(line)
    errs = errors_count_text(report)
    if errs:
        sec.lines.append([(errs, "error")])
    for sentence in report.summary:
        sec.lines += _wrap([], sentence, "title", 0, width)
    for note in report.notes:
        sec.lines += _wrap([("note: ", "note")], note, "note", 0, width)
    return sec


def _layout(report: Report, width: int,
            brief_errors: bool = False) -> tuple[list[Line], list[_Section]]:
    """The header lines and the sections of a report, laid out for `width` columns."""
    width = max(width, 20)  # below this nothing fits anyway; keep textwrap sane
    head: list[Line] = [[(row, "title")] for row in textwrap.wrap(
        f"derive: {heading(report)}", width, break_long_words=False, break_on_hyphens=False)]
    if report.source:
        head.append([("source: ", "label"), (report.source, "")])
    for a in report.assumptions:
        head += _wrap([("assumes: ", "label")], a.text or a.latex, "math", 0, width)
    sections = [_equation_section(eq, width, brief_errors) for eq in report.equations]
    if not report.equations:
        sections.append(_Section("Equations", "note", [[("no display equations found", "note")]]))
    if report.errors:
        err = _Section("Reading errors", "refuted")
        for e in report.errors:
            for line in _error_lines(e, brief_errors):
                err.lines += _wrap([], line[0][0], "error", 0, width) if brief_errors else [line]
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
    title_rows = sum(1 for line in head if line and line[0][1] == "title")
    out.insert(title_rows, "=" * min(max(_cells(row) for row in out[:title_rows]), width))
    for sec in sections:
        out += ["", sec.title]
        out += [("  " + _text(line)).rstrip() for line in sec.lines]
    return "\n".join(out) + "\n"


def _rich_renderables(report: Report, width: int, brief_errors: bool = False) -> list[Any]:
    from rich.panel import Panel
    from rich.text import Text

    def text(line: Line) -> Text:
        t = Text(no_wrap=False, overflow="fold")
        for chunk, key in line:
            t.append(chunk, style=STYLES.get(key, ""))
        t.rstrip()
        return t

    head, sections = _layout(report, width - 4, brief_errors)  # a panel: 2 columns a side
    out: list[Any] = [text(line) for line in head]
    for sec in sections:
        body = Text("\n").join(text(line) for line in sec.lines) if sec.lines else Text("")
        out.append(Panel(body, title=Text(sec.title, style="bold"), title_align="left",
                         border_style=STYLES.get(sec.style, "") or "dim", expand=True))
    return out


def print_rich(report: Report, console: Any, errors_on_stderr: bool = True) -> None:
    """Print the report to a rich `Console`, in colour when the console allows it.

    The command line prints every located reading error on stderr, which shares the
    terminal: by default (`errors_on_stderr`) a panel then names each error in one line
    rather than repeating it with its source line and caret.
    """
    for renderable in _rich_renderables(report, console.width, errors_on_stderr):
        console.print(renderable)


def render_rich(report: Report, width: int = 100, color: bool | None = None) -> str:
    """The rich layout captured as a string; `color=False` gives no ANSI codes."""
    import io
    import os

    from rich.console import Console

    if color is None:
        color = "NO_COLOR" not in os.environ
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color,
                      color_system="standard" if color else None, no_color=not color,
                      highlight=False, emoji=False, markup=False, legacy_windows=False)
    print_rich(report, console, errors_on_stderr=False)
    return buffer.getvalue()

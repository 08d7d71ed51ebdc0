"""Markdown output for GitHub job summaries, PR comments and notebooks.

This module owns the Markdown layout: a heading, one table per equation (link,
statement as `$lhs = rhs$`, rule, verdict), a nested list of details under the
table for links that are not proved, then the chain, notes and errors, and a
summary. Maths is GitHub-style `$…$` LaTeX taken from the report as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from derive.report.render import (
    Detail,
    counts_text,
    errors_count_text,
    heading,
    verdict_label,
)
from derive.report.render.terminal import shown_details as details

if TYPE_CHECKING:
    from derive.report.model import Chain, Equation, Link, Report, SourceError

# `|` is left alone here: it only matters inside table cells, where `_cell` escapes it.
# `$` too: GitHub would read two of them as inline maths.
_PROSE_SPECIALS = re.compile(r"([\\`*_\[\]<>$])")


def _prose(text: str) -> str:
    """Escape Markdown punctuation in prose so titles and notes render literally."""
    return _PROSE_SPECIALS.sub(r"\\\1", " ".join(text.split("\n")))


def _math(latex: str) -> str:
    """Inline maths; newlines would end a table row or paragraph, so they become spaces."""
    return f"${' '.join(latex.split())}$"


def _cell(text: str) -> str:
    """A table cell: `|` must be escaped even inside maths (GFM splits cells first)."""
    return text.replace("|", r"\|")


def _code(text: str) -> str:
    ticks = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (ticks + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _detail(d: Detail) -> str:
    value = _math(d.latex) if d.latex is not None else _prose(d.text)
    note = f" {_prose(d.note)}" if d.note else ""
    return f"{d.label}: {value}{note}"


def _details_list(title: str, items: list[Detail]) -> list[str]:
    if not items:
        return []
    return [f"- {title}"] + [f"  - {_detail(d)}" for d in items]


def _link_table(links: tuple[Link, ...]) -> list[str]:
    out = ["| link | statement | rule | verdict |", "|---:|---|---|---|"]
    for link in links:
        stmt = _math(f"{link.lhs} = {link.rhs}")
        rule = f"by {_prose(link.rule)}" if link.rule else "*(no rule named)*"
        out.append(f"| {link.position} | {_cell(stmt)} | {_cell(rule)} | "
                   f"{verdict_label(link.verdict)} |")
    return out


def _chain(chain: Chain) -> list[str]:
    head = (f"**Chain**, first side vs last: {_math(f'{chain.lhs} = {chain.rhs}')} — "
            f"**{verdict_label(chain.verdict)}**")
    items = details(chain)
    return [head] + ([""] + [f"- {_detail(d)}" for d in items] if items else [])


def _error(err: SourceError) -> list[str]:
    text = err.located
    fence = "```"
    while fence in text:
        fence += "`"
    return [f"{fence}text", text, fence]


def _equation(eq: Equation) -> list[str]:
    kind = eq.kind
    if eq.kind == "definition" and eq.defines:
        kind = f"definition of {_code(eq.defines)}"
    out = [f"### Equation {eq.title} · line {eq.line} · {kind}", ""]
    if (eq.kind == "definition" or not eq.links) and eq.kind != "error" and eq.latex:
        out += [_math(eq.latex), ""]
    if eq.cases:
        out += [f"- case: {_math(c.latex)}" for c in eq.cases] + [""]
    if eq.links:
        out += _link_table(eq.links) + [""]
        lists: list[str] = []
        for link in eq.links:
            lists += _details_list(f"**Link {link.position}** {verdict_label(link.verdict)}",
                                   details(link))
        if lists:
            out += lists + [""]
    if eq.chain is not None:
        out += _chain(eq.chain) + [""]
    for note in eq.notes:  # paragraphs, so they never merge into a details list above
        out += [f"*Note:* {_prose(note)}", ""]
    if eq.error is not None:
        out += _error(eq.error) + [""]
    return out


def render(report: Report) -> str:
    """The report as GitHub-flavoured Markdown (with `$…$` maths)."""
    out = [f"# derive: {_prose(heading(report))}", ""]
    meta = []
    if report.source:
        meta.append(f"Source: {_code(report.source)}")
    if report.assumptions:
        meta.append("assumes " + ", ".join(_math(a.latex) for a in report.assumptions))
    if meta:
        out += [" · ".join(meta), ""]
    for eq in report.equations:
        out += _equation(eq)
    if not report.equations:
        out += ["*No display equations found.*", ""]
    if report.errors:
        out += ["### Reading errors", ""]
        for err in report.errors:
            out += _error(err) + [""]
    out += ["## Summary", "", f"**{counts_text(report)}**", ""]
    errs = errors_count_text(report)
    if errs:
        out += [f"**{errs}**", ""]
    if report.summary:  # one sentence an item: they are not written to run on
        out += [f"- {_prose(s)}" for s in report.summary] + [""]
    for note in report.notes:
        out += [f"*Note:* {_prose(note)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"

"""HTML output: one self-contained fragment for Jupyter and for a standalone page.

This module owns the HTML layout. `render` returns a `<div>` carrying its own
`<style>` (scoped under `.derive-report`), so it works as a notebook output
(`Report._repr_html_`) and, unchanged, as the body of a page; `render_page`
wraps it in a full document. Nothing is fetched: no scripts, fonts or links.
Maths is MathML (see :mod:`derive.report.render.mathml`), which browsers typeset natively,
with the LaTeX kept as an annotation; a formula breaks only at its top-level `=`.
The CSS outranks JupyterLab's table rules (right-aligned cells, a fixed table
layout), so the report looks the same in a notebook and on its own. Verdict
badges also carry inline colours, since some viewers strip `<style>` blocks.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from derive.report.render import (
    Detail,
    count_items,
    errors_count_text,
    heading,
    links_noun,
    verdict_label,
)
from derive.report.render.mathml import formula, statement, to_mathml
from derive.report.render.terminal import shown_details as details

if TYPE_CHECKING:
    from derive.report.model import Chain, Equation, Link, Report, SourceError, Verdict

# Background colours of the verdict badges (white text on all four).
COLOURS: dict[str, str] = {
    "proved": "#1a7f37",
    "refuted": "#cf222e",
    "conditional": "#9a6700",
    "unknown": "#8250df",
}

_CSS = """
.derive-report{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  line-height:1.45;max-width:64em;text-align:left}
.derive-report h2{margin:.2em 0 .3em}
.derive-report h3{margin:1em 0 .3em;font-size:1.1em}
.derive-report h3 small{font-weight:normal;opacity:.7}
div.derive-report table.derive-links{border-collapse:collapse;margin:.3em 0;
  table-layout:auto;width:auto;max-width:100%;border:none}
div.derive-report table.derive-links th,div.derive-report table.derive-links td{
  border:none;border-bottom:1px solid rgba(127,127,127,.3);padding:.25em .6em;
  text-align:left;vertical-align:top;white-space:normal;max-width:none;line-height:1.45}
div.derive-report table.derive-links tr{background:none}
div.derive-report table.derive-links td.derive-pos{text-align:right;opacity:.7}
div.derive-report table.derive-links td.derive-rule{min-width:8em}
div.derive-report table.derive-links td.derive-verdict{white-space:nowrap}
.derive-report ul{margin:.2em 0;padding-left:1.3em;text-align:left}
.derive-report .derive-math{display:inline-block;white-space:nowrap;max-width:100%;
  overflow-x:auto;overflow-y:hidden;vertical-align:middle;padding:.1em 0}
.derive-report math{font-size:1.1em}
.derive-report .derive-label{font-weight:600}
.derive-report .derive-unstated{color:#9a6700;font-weight:600}
.derive-report .derive-note{opacity:.8;font-style:italic}
.derive-report pre.derive-error{color:#cf222e;background:rgba(207,34,46,.07);
  padding:.4em .6em;border-radius:4px;overflow-x:auto}
.derive-badge{display:inline-block;padding:0 .5em;border-radius:.8em;font-weight:600;
  white-space:nowrap;color:#fff}
""".strip()


def _math(latex: str) -> str:
    return f'<span class="derive-math">{to_mathml(latex)}</span>'


def _badge(verdict: Verdict) -> str:
    key = verdict.value
    style = f"background:{COLOURS[key]};color:#fff"
    return (f'<span class="derive-badge derive-{key}" style="{style}">'
            f"{escape(verdict_label(verdict))}</span>")


def _detail(d: Detail) -> str:
    value = _math(d.latex) if d.latex is not None else escape(d.text)
    note = ""
    if d.note:
        cls = "derive-unstated" if d.key == "unstated" else "derive-stated"
        note = f' <span class="{cls}">{escape(d.note)}</span>'
    return f'<li><span class="derive-label">{escape(d.label)}:</span> {value}{note}</li>'


def _details(items: list[Detail]) -> str:
    return "<ul>" + "".join(_detail(d) for d in items) + "</ul>" if items else ""


def _link_rows(links: tuple[Link, ...]) -> list[str]:
    head = "".join(f"<th>{name}</th>" for name in ("link", "statement", "rule", "verdict"))
    out = ['<table class="derive-links">', f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    for link in links:
        rule = f"by {escape(link.rule)}" if link.rule else "<em>(no rule named)</em>"
        out.append(f'<tr class="derive-link derive-{link.verdict.value}">'
                   f'<td class="derive-pos">{link.position}</td>'
                   f'<td class="derive-stmt">{statement(link.lhs, link.rhs)}</td>'
                   f'<td class="derive-rule">{rule}</td>'
                   f'<td class="derive-verdict">{_badge(link.verdict)}</td></tr>')
        items = details(link)
        if items:
            out.append(f'<tr class="derive-details"><td></td><td colspan="3">{_details(items)}'
                       "</td></tr>")
    out += ["</tbody>", "</table>"]
    return out


def _chain(chain: Chain) -> list[str]:
    return [f'<p class="derive-chain"><span class="derive-label">Chain</span>, first side vs '
            f"last: {statement(chain.lhs, chain.rhs)} {_badge(chain.verdict)}</p>"
            + _details(details(chain))]


def _error(err: SourceError) -> str:
    return f'<pre class="derive-error">{escape(err.located)}</pre>'


def _equation(eq: Equation) -> list[str]:
    kind = escape(eq.kind)
    if eq.kind == "definition" and eq.defines:
        kind = f"definition of <code>{escape(eq.defines)}</code>"
    out = [f'<section class="derive-equation derive-{escape(eq.kind)}">',
           f"<h3>Equation {escape(eq.title)} <small>· line {eq.line} · {kind}</small></h3>"]
    if (eq.kind == "definition" or not eq.links) and eq.kind != "error" and eq.latex:
        out.append(f'<p class="derive-definition">{formula(eq.latex)}</p>')
    if eq.cases:
        out.append("<ul>" + "".join(f'<li><span class="derive-label">case:</span> '
                                    f"{_math(c.latex)}</li>" for c in eq.cases) + "</ul>")
    if eq.links:
        out += _link_rows(eq.links)
    if eq.chain is not None:
        out += _chain(eq.chain)
    out += [f'<p class="derive-note">note: {escape(n)}</p>' for n in eq.notes]
    if eq.error is not None:
        out.append(_error(eq.error))
    out.append("</section>")
    return out


def _summary(report: Report) -> list[str]:
    # The counts line (same words as counts_text), each non-zero verdict in its colour.
    parts = []
    for verdict, n in count_items(report):
        part = escape(f"{verdict.badge} {n} {verdict.value}")
        if n:
            part = f'<span style="color:{COLOURS[verdict.value]};font-weight:600">{part}</span>'
        parts.append(part)
    counts = f"{escape(links_noun(report))}: {', '.join(parts)}"
    out = ['<section class="derive-summary">', "<h3>Summary</h3>", f"<p>{counts}</p>"]
    errs = errors_count_text(report)
    if errs:
        out.append(f'<p style="color:{COLOURS["refuted"]};font-weight:600">{escape(errs)}</p>')
    if report.summary:  # one sentence per item: they are not written to run on
        out.append('<ul class="derive-sentences">'
                   + "".join(f"<li>{escape(s)}</li>" for s in report.summary) + "</ul>")
    out += [f'<p class="derive-note">note: {escape(n)}</p>' for n in report.notes]
    out.append("</section>")
    return out


def render(report: Report) -> str:
    """The report as an HTML fragment with inline CSS (Jupyter `_repr_html_`)."""
    out = ['<div class="derive-report">', f"<style>{_CSS}</style>",
           f"<h2>derive: {escape(heading(report))}</h2>"]
    meta = []
    if report.source:
        meta.append(f"source: <code>{escape(report.source)}</code>")
    if report.assumptions:
        meta.append("assumes " + ", ".join(_math(a.latex) for a in report.assumptions))
    if meta:
        out.append("<p>" + " · ".join(meta) + "</p>")
    for eq in report.equations:
        out += _equation(eq)
    if not report.equations:
        out.append('<p class="derive-note">No display equations found.</p>')
    if report.errors:
        out += ['<section class="derive-errors">', "<h3>Reading errors</h3>"]
        out += [_error(e) for e in report.errors]
        out.append("</section>")
    out += _summary(report)
    out.append("</div>")
    return "\n".join(out) + "\n"


def render_page(report: Report) -> str:
    """A complete HTML document around `render(report)`."""
    title = escape(f"derive: {heading(report)}")
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title}</title>\n</head>\n<body>\n{render(report)}</body>\n</html>\n")

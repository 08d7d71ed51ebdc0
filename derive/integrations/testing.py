"""Assertions for test suites: ``assert_holds`` and ``assert_refuted``.

    >>> from derive.integrations.testing import assert_holds
    >>> assert_holds(r"\\frac{d}{dx} x^2 = 2x")

Either function takes a whole Markdown document or a bare LaTeX equation (or chain
``a = b = c``); text without ``$$``, ``\\[`` or ``\\begin`` is wrapped as ``$$…$$``.
``assumptions`` are LaTeX equations declared in the document's front matter.
A failure raises :class:`AssertionError` with the same explanation that the pytest
plugin (``pytest --derive``) shows: every link that is not proved, its verdict and
rule, the counterexample, residual, suggested right side and needed assumptions.

This module also owns that explanation (:func:`explain_equation`,
:func:`explain_report`). Importing it is cheap: sympy is loaded by a check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derive.report.model import Equation, Report

__all__ = ["assert_holds", "assert_refuted", "explain_equation", "explain_report", "as_markdown"]


def as_markdown(text: str, assumptions: Iterable[str] = ()) -> str:
    """A Markdown document for `text`: bare LaTeX is wrapped, assumptions go to front matter."""
    body = text
    if not any(mark in text for mark in ("$$", "\\[", "\\begin")):
        body = f"$${text.strip()}$$\n"
    assumptions = list(assumptions)
    if not assumptions:
        return body
    items = "".join(f"    - {_quote(a)}\n" for a in assumptions)
    block = f"derive:\n  assumptions:\n{items}"
    if body.startswith("---\n"):  # merge into the document's own front matter
        end = body.find("\n---", 3)
        head = body[4:end + 1] if end >= 0 else ""
        if end < 0 or "derive:" in head:
            raise ValueError("assumptions=: the text already has a front matter `derive:` "
                             "block (or an unclosed front matter); declare them there")
        return f"---\n{head}{block}{body[end + 1:]}"
    return f"---\n{block}---\n\n{body}"


def _quote(latex: str) -> str:
    # a double-quoted YAML scalar; the front matter parser reads \\ and \" back
    return '"' + latex.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _line(label: str, value: str, indent: str) -> list[str]:
    first, *rest = value.split("\n")
    pad = indent + " " * (len(label) + 2)
    return [f"{indent}{label}: {first}"] + [pad + r for r in rest]


def _item_lines(item, title: str) -> list[str]:
    from derive.report.render import details, one_line, verdict_label

    lhs = one_line(item.lhs_text, item.lhs)
    rhs = one_line(item.rhs_text, item.rhs)
    rule = getattr(item, "rule", "")
    out = [f"  {title}: {verdict_label(item.verdict)}" + (f"  (by {rule})" if rule else ""),
           f"    {lhs} = {rhs}"]
    if (lhs, rhs) != (item.lhs, item.rhs):
        out.append(f"    as written: {item.lhs} = {item.rhs}")
    try:
        items = [(d.label, d.text + (f" {d.note}" if d.note else "")) for d in details(item)]
    except Exception:  # never hide the verdict behind a formatting failure
        cex = item.counterexample
        items = [("counterexample", str(cex.to_json()))] if cex is not None else []
        items += [("residual lhs - rhs", item.residual)] if item.residual else []
        items += [("needs", a.text or a.latex) for a in item.needs]
    for label, value in items:
        out += _line(label, value, "    ")
    return out


def explain_equation(eq: Equation, source: str = "") -> str:
    """Why an equation is not proved (an empty string when it is)."""
    if eq.ok:
        return ""
    where = f"{source}:{eq.line}: " if source else f"line {eq.line}: "
    if eq.kind == "error" or eq.error is not None:
        located = eq.error.located if eq.error else f"{where}cannot be read"
        return f"{where}equation {eq.label} cannot be read\n  {located}"
    out = [f"{where}equation {eq.label} ({eq.kind}) is not proved", f"  {eq.latex}"]
    for case in eq.cases:
        out.append(f"  case: {case.text or case.latex}")
    for link in eq.links:
        if not link.ok:
            out += _item_lines(link, f"link {eq.label}.{link.position}")
    if eq.chain is not None and eq.chain.verdict.value != "proved":
        out += _item_lines(eq.chain, "chain, first side vs last")
    return "\n".join(out)


def explain_report(report: Report) -> str:
    """Every reading error and every equation that is not proved, in order."""
    parts = [e.located for e in report.errors]
    parts += [explain_equation(eq, report.source) for eq in report.equations if not eq.ok]
    return "\n\n".join(p for p in parts if p)


def _check(text: str, assumptions: Iterable[str], options: dict) -> Report:
    from derive.app.api import check_text

    source = options.pop("source", "<assert>")
    return check_text(as_markdown(text, assumptions), source, **options)


def assert_holds(markdown_or_latex: str, *, assumptions: Iterable[str] = (),
                 **check_options) -> Report:
    """Fail unless every link (and every chain) of the text is proved; return the report."""
    report = _check(markdown_or_latex, assumptions, dict(check_options))
    if not report.links and not report.has_errors:
        raise AssertionError(f"{report.source}: no equation with an '=' to check")
    if not report.ok:
        raise AssertionError("derivation does not hold\n" + explain_report(report))
    return report


def assert_refuted(markdown_or_latex: str, *, assumptions: Iterable[str] = (),
                   **check_options) -> Report:
    """Fail unless at least one link is refuted (with a counterexample); return the report."""
    report = _check(markdown_or_latex, assumptions, dict(check_options))
    if report.has_errors:
        raise AssertionError("derivation cannot be read\n" + explain_report(report))
    if not any(link.verdict.value == "refuted" for link in report.links):
        verdicts = ", ".join(f"{eq.label}.{link.position} {link.verdict.value}"
                             for eq in report.equations for link in eq.links)
        raise AssertionError(f"expected a refuted link, got: {verdicts or 'no links'}")
    return report

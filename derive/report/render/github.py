"""GitHub Actions output: workflow commands that annotate the checked source.

This module owns the annotation format. Each problem becomes one command line:
`::error` for a refuted or undecided link and for a reading error (with `col=`),
`::warning` for a conditional link or chain; a `::notice` with the summary ends
the output. Messages are plain text (pretty forms, falling back to LaTeX when a
pretty form spans several rows), escaped as GitHub requires.

The model records where an equation starts, not where each link sits, so every
link of an equation is annotated on the equation's first line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.report.render import Detail, counts_text, errors_count_text, one_line
from derive.report.render.terminal import shown_details as details

if TYPE_CHECKING:
    from derive.report.model import Chain, Equation, Link, Report, SourceError


def escape_data(text: str) -> str:
    """Escape a command's message: `%`, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as a message, plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **props: object) -> str:
    """One workflow command, e.g. `::error file=a.md,line=3,title=T::message`."""
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in props.items()
                      if value is not None)
    return f"::{kind}{' ' + fields if fields else ''}::{escape_data(message)}"


def _phrase(d: Detail) -> str:
    value = one_line(d.text, d.latex or d.text)
    if d.key == "derived":
        return f"the rule gives {value}"
    if d.key == "counterexample":
        return f"counterexample {value}"
    if d.key == "residual":
        return f"residual lhs - rhs = {value}"
    if d.key == "suggestion":
        return f"suggested right side: {value}"
    if d.key in ("stated", "unstated"):
        return f"needs {value} {d.note}"
    return value  # the reason an item is unknown


_VERDICT_PHRASE = {
    "refuted": "is false",
    "conditional": "holds only under an assumption",
    "unknown": "is undecided",
}


def _message(stmt: str, verdict: str, items: list[Detail]) -> str:
    head = f"{stmt} {_VERDICT_PHRASE[verdict]}"
    return f"{head}: {'; '.join(_phrase(d) for d in items)}" if items else head


def _link(link: Link, eq: Equation, file: str | None) -> str | None:
    verdict = link.verdict.value
    if verdict == "proved":
        return None
    stmt = f"{one_line(link.lhs_text, link.lhs)} = {one_line(link.rhs_text, link.rhs)}"
    if link.rule:
        stmt += f" (by {link.rule})"
    kind = "warning" if verdict == "conditional" else "error"
    return command(kind, _message(stmt, verdict, details(link)), file=file, line=eq.line,
                   title=f"derive: equation {eq.label} link {link.position} {verdict}")


def _chain(chain: Chain, eq: Equation, file: str | None) -> str | None:
    verdict = chain.verdict.value
    if verdict == "proved":
        return None
    # A refuted or undecided chain is already explained by a link with that verdict;
    # a conditional chain is always reported (its assumptions are the chain's own).
    if verdict != "conditional" and any(k.verdict is chain.verdict for k in eq.links):
        return None
    stmt = (f"first side vs last: {one_line(chain.lhs_text, chain.lhs)} = "
            f"{one_line(chain.rhs_text, chain.rhs)}")
    kind = "warning" if verdict == "conditional" else "error"
    return command(kind, _message(stmt, verdict, details(chain)), file=file, line=eq.line,
                   title=f"derive: equation {eq.label} chain {verdict}")


def sentence(text: str) -> str:
    """A summary phrase as a sentence of its own: a capital (when it starts with a
    lower-case word, not with maths) and a full stop, so that phrases never run together."""
    text = text.strip()
    if text[:1].isascii() and text[:1].islower() and text[1:2].isalpha():
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _reading(err: SourceError, file: str | None, title: str) -> str:
    return command("error", err.message, file=file or None, line=err.line, col=err.column,
                   title=title)


def render(report: Report, file: str | None = None) -> str:
    """Workflow commands for `report`, one per line; `file` defaults to the report's source."""
    path = file or report.source or None  # no file= at all rather than an empty one
    out: list[str] = []
    for eq in report.equations:
        for link in eq.links:
            line = _link(link, eq, path)
            if line:
                out.append(line)
        if eq.chain is not None:
            line = _chain(eq.chain, eq, path)
            if line:
                out.append(line)
        if eq.error is not None:
            out.append(_reading(eq.error, path, f"derive: reading error in equation {eq.label}"))
    for err in report.errors:
        # A source-level error names its own file when the report has none.
        out.append(_reading(err, path or err.file, "derive: reading error"))
    summary = counts_text(report)
    errs = errors_count_text(report)
    if errs:
        summary += f"; {errs}"
    words = [summary + "."] + [sentence(s) for s in report.summary]
    words += [sentence(f"Note: {n}") for n in report.notes]
    out.append(command("notice", " ".join(words), title="derive: summary"))
    return "\n".join(out) + "\n"

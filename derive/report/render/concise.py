"""Concise output: only the problems, one a line, as ruff and mypy print them.

    post.md:52:1: refuted: link 7.2 −Σ… = … (by expansion of the sum); counterexample …
    post.md:52:1: conditional: chain 7 ∂C/∂z_i = y_i − t_i; needs Σ_k t_k = 1 (not stated …)
    post.md:80:7: error: unknown macro \\frob

Each line is ``FILE:LINE:COL: VERDICT: WHAT``, where VERDICT is ``refuted``,
``conditional``, ``unknown`` or ``error`` (a reading error), so editors and ``grep`` can
jump to it. The model records where an equation starts, not where each link sits, so a
link or chain is placed at its equation's first line, column 1; a reading error at its
own line and column. A proved link prints nothing. After the problems comes one line
of totals (`render`); the command prints the problems of each file as it is checked and
the totals of all of them at the end (`problems`, and `derive.report.render.total_text`).

Messages are plain text (pretty forms, or LaTeX when a pretty form spans several
rows); the only colour, when asked for, is ANSI codes on the verdict word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.report.render import Detail, details, one_line, total_text

if TYPE_CHECKING:
    from derive.report.model import Chain, Equation, Link, Report, SourceError

_COLOURS = {"refuted": "31", "error": "31", "unknown": "35", "conditional": "33"}


def _verdict(word: str, color: bool) -> str:
    return f"\x1b[1;{_COLOURS[word]}m{word}\x1b[0m" if color else word


def _phrase(d: Detail) -> str:
    value = one_line(d.text, d.latex or d.text)
    if d.key == "derived":
        return f"the rule gives {value}"
    if d.key == "counterexample":
        return f"counterexample {value}"
    if d.key == "residual":
        return f"residual {value}"
    if d.key == "suggestion":
        return f"suggested right side {value}"
    if d.key in ("stated", "unstated"):
        return f"needs {value} {d.note}"
    return value  # the reason an item is unknown


def _evidence(item) -> str:
    """The one or two details that say most: the counterexample and the suggestion, the
    assumptions needed, or the reason an item is undecided."""
    wanted = ("counterexample", "suggestion", "stated", "unstated", "reason")
    shown = [_phrase(d) for d in details(item) if d.key in wanted]
    return "; ".join(shown)


def _line(file: str, line: int, column: int, word: str, what: str, color: bool) -> str:
    return f"{file}:{line}:{column}: {_verdict(word, color)}: {what}"


def _link(link: Link, eq: Equation, file: str, color: bool) -> str | None:
    if link.ok:
        return None
    what = (f"link {eq.label}.{link.position} {one_line(link.lhs_text, link.lhs)} = "
            f"{one_line(link.rhs_text, link.rhs)}")
    if link.rule:
        what += f" (by {link.rule})"
    evidence = _evidence(link)
    return _line(file, eq.line, 1, link.verdict.value, what + (f"; {evidence}" if evidence else ""),
                 color)


def _chain(chain: Chain, eq: Equation, file: str, color: bool) -> str | None:
    word = chain.verdict.value
    if word == "proved":
        return None
    # as in the annotations: a refuted or undecided chain is already explained by a link
    # with that verdict; a conditional chain is always listed (its assumptions are its own)
    if word != "conditional" and any(k.verdict is chain.verdict for k in eq.links):
        return None
    what = (f"chain {eq.label} {one_line(chain.lhs_text, chain.lhs)} = "
            f"{one_line(chain.rhs_text, chain.rhs)}")
    evidence = _evidence(chain)
    return _line(file, eq.line, 1, word, what + (f"; {evidence}" if evidence else ""), color)


def _reading(err: SourceError, file: str, color: bool) -> str:
    return _line(file, err.line, err.column, "error", err.message, color)


def problems(report: Report, color: bool = False) -> list[str]:
    """One line per problem of `report`, in the order of the source."""
    file = report.source or "<string>"
    out: list[str] = []
    for err in report.errors:
        out.append(_reading(err, file if report.source else err.file, color))
    for eq in report.equations:
        if eq.error is not None:
            out.append(_reading(eq.error, file, color))
        for link in eq.links:
            line = _link(link, eq, file, color)
            if line:
                out.append(line)
        if eq.chain is not None:
            line = _chain(eq.chain, eq, file, color)
            if line:
                out.append(line)
    return out


def render(report: Report, color: bool = False) -> str:
    """The problems of `report`, then its totals on one line."""
    return "".join(line + "\n" for line in [*problems(report, color), total_text([report])])

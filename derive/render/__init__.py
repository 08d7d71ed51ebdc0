"""Renderers: pure functions from a `Report` to text in one output format.

This package owns presentation only. A renderer computes no maths and imports no
sympy: every value it shows (pretty forms, counterexamples, residuals,
suggestions, summary sentences) is already a field of the report. Each format
shows the same content; only the layout differs.

`render(report, fmt)` dispatches on `fmt` (one of `FORMATS`). The submodules are
imported lazily so that `import derive.render` stays cheap and `rich` is only
loaded when terminal output is asked for. The small helpers below are shared by
the submodules so that wording (verdict words, assumption status, counts) is
identical in every format.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from derive.records import frozen

if TYPE_CHECKING:  # the model is light, but only the type checker needs it here
    from derive.model import Assumption, Counterexample, Report, Verdict

FORMATS: tuple[str, ...] = ("plain", "terminal", "json", "markdown", "html", "latex", "github")

# Order in which verdicts are counted and listed everywhere.
VERDICT_ORDER: tuple[str, ...] = ("proved", "refuted", "conditional", "unknown")

STATED = "(stated)"
NOT_STATED = "(not stated in the document)"


def render(report: Report, fmt: str, *, width: int | None = None,
           color: bool | None = None) -> str:
    """Render `report` in format `fmt` (see `FORMATS`) and return the text.

    `width` applies to "plain" and "terminal" (default 100). `color` applies to
    "terminal": None means colour unless the NO_COLOR convention says otherwise,
    False gives rich's layout without any ANSI codes.
    """
    if fmt == "plain":
        from derive.render import terminal

        return terminal.render_plain(report, width=width or 100)
    if fmt == "terminal":
        from derive.render import terminal

        return terminal.render_rich(report, width=width or 100, color=color)
    if fmt == "json":
        return report.to_json()
    if fmt == "markdown":
        from derive.render import markdown

        return markdown.render(report)
    if fmt == "html":
        from derive.render import html

        # A file written from the command line should open as a page on its own.
        return html.render_page(report)
    if fmt == "latex":
        from derive.render import latex

        return latex.render(report)
    if fmt == "github":
        from derive.render import github

        return github.render(report)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


# ---------------------------------------------------------------------------
# Shared wording helpers (formatting only; no maths).


def verdict_label(verdict: Verdict) -> str:
    """'✓ proved', '✗ refuted', '~ conditional' or '? unknown'."""
    return f"{verdict.badge} {verdict.value}"


def number(value: Any) -> str:
    """A counterexample value as a short, stable string (12 significant digits)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return format(value, ".12g")
    if isinstance(value, complex):
        return f"({number(value.real)}{'+' if value.imag >= 0 else '-'}{number(abs(value.imag))}j)"
    return str(value)


def status(assumption: Assumption) -> str:
    """Whether the document itself states the assumption."""
    return STATED if assumption.stated else NOT_STATED


def values_text(cex: Counterexample) -> str:
    """'lhs = 1, rhs = 0': the two sides evaluated at the counterexample."""
    return f"lhs = {number(cex.lhs)}, rhs = {number(cex.rhs)}"


def family_note(cex: Counterexample) -> str:
    """'' for the default family, else ' (from the <family> family)'."""
    return "" if cex.family in ("", "free") else f" (from the {cex.family} family)"


def count_items(report: Report) -> list[tuple[Verdict, int]]:
    """(verdict, number of links) for every verdict, in `VERDICT_ORDER`."""
    from derive.model import Verdict  # light module; only needed when rendering

    counts = report.counts
    return [(Verdict(word), counts.get(word, 0)) for word in VERDICT_ORDER]


def links_noun(report: Report) -> str:
    """'4 links' or '1 link'."""
    total = sum(report.counts.values())
    return f"{total} {'link' if total == 1 else 'links'}"


def counts_text(report: Report) -> str:
    """'4 links: ✓ 1 proved, ✗ 1 refuted, ~ 1 conditional, ? 1 unknown'."""
    parts = [f"{verdict.badge} {n} {verdict.value}" for verdict, n in count_items(report)]
    return f"{links_noun(report)}: {', '.join(parts)}"


def errors_count_text(report: Report) -> str:
    """'2 reading errors' or '' when the source was read cleanly."""
    n = len(report.errors) + sum(
        1 for eq in report.equations if eq.kind == "error" or eq.error is not None)
    if not n:
        return ""
    return f"{n} reading error" + ("" if n == 1 else "s")


def heading(report: Report) -> str:
    """The report's title, falling back to its source."""
    return report.title or report.source or "derivation"


@frozen
class Detail:
    """One explanatory line under a link or chain: a label, a value, an optional note.

    `text` is the plain-text value; `latex` is the same value as LaTeX, or None
    when the value is prose (a counterexample, a reason) rather than maths.
    Building these once here keeps every format showing the same facts.
    """

    label: str
    text: str
    latex: str | None = None
    note: str = ""
    key: str = ""  # derived | counterexample | residual | suggestion | stated | unstated | reason


def details(item: Any) -> list[Detail]:
    """The details to show under a `Link` or a `Chain`, in a fixed order.

    A proved item only shows the assumptions it used; anything else shows every
    explanatory field that the checker filled in.
    """
    from derive.model import Verdict

    out: list[Detail] = []
    proved = item.verdict is Verdict.PROVED
    derived = getattr(item, "derived", None)
    if derived and not proved:
        text = getattr(item, "derived_text", None) or derived
        out.append(Detail("the rule gives", text, derived, key="derived"))
    cex = item.counterexample
    if cex is not None and not proved:
        text = f"{cex.text}{family_note(cex)}, where {values_text(cex)}"
        out.append(Detail("counterexample", text, None, key="counterexample"))
    if item.residual and not proved:
        text = getattr(item, "residual_text", None) or item.residual
        out.append(Detail("residual lhs - rhs", text, item.residual, key="residual"))
    suggestion = getattr(item, "suggestion", None)
    if suggestion and not proved:
        out.append(Detail("suggested right side", suggestion, suggestion, key="suggestion"))
    for assumption in item.needs:
        out.append(Detail("needs", assumption.text or assumption.latex, assumption.latex,
                          status(assumption), key="stated" if assumption.stated else "unstated"))
    reason = getattr(item, "reason", None)
    if reason and not proved:
        out.append(Detail("reason", reason, None, key="reason"))
    return out


def side_text(text: str, latex: str) -> str:
    """The plain-text pretty form of a side, falling back to its LaTeX."""
    return text or latex


def one_line(text: str, latex: str) -> str:
    """A single-line plain form: a multi-line pretty form falls back to LaTeX."""
    return text if text and "\n" not in text else latex

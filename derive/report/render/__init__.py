"""Renderers: pure functions from a `Report` to text in one output format.

This package owns presentation only. A renderer computes no maths and imports no
sympy: every value it shows (pretty forms, counterexamples, residuals,
suggestions, summary sentences) is already a field of the report. Each format
shows the same content; only the layout differs.

`render(report, fmt)` dispatches on `fmt` (one of `FORMATS`, the one list of output
formats: the command line offers these and "auto"). The submodules are imported
lazily so that `import derive.report.render` stays cheap and `rich` is only loaded when
terminal output is asked for. The small helpers below are shared by the submodules
so that wording (verdict words, assumption status, counts) is identical in every
format.

This module also owns what is said about several reports at once: the totals
(`total_counts`, `total_text`, `problem_text`) and the command's JSON document,
schema `derive.report/2` (`json_document`, `JsonStream`): one top level whether one
file was checked or many, with a `reports` list of `derive.report/1` reports.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from derive.records import frozen

if TYPE_CHECKING:  # the model is light, but only the type checker needs it here
    from derive.report.model import Assumption, Counterexample, Report, Verdict

#: Every output format, in the order the command line lists them.
FORMATS: tuple[str, ...] = ("plain", "terminal", "concise", "json", "markdown", "html", "latex",
                            "github")

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
        from derive.report.render import terminal

        return terminal.render_plain(report, width=width or 100)
    if fmt == "terminal":
        from derive.report.render import terminal

        return terminal.render_rich(report, width=width or 100, color=color)
    if fmt == "json":
        return report.to_json()
    if fmt == "markdown":
        from derive.report.render import markdown

        return markdown.render(report)
    if fmt == "html":
        from derive.report.render import html

        # A file written from the command line should open as a page on its own.
        return html.render_page(report)
    if fmt == "latex":
        from derive.report.render import latex

        return latex.render(report)
    if fmt == "github":
        from derive.report.render import github

        return github.render(report)
    if fmt == "concise":
        from derive.report.render import concise

        return concise.render(report)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


#: What a notebook is given for a report (``Report._repr_mimebundle_``): each MIME type with
#: the renderer's module and function that writes it (fragments, not whole documents).
MIME_TYPES: dict[str, tuple[str, str]] = {
    "text/html": ("html", "render"),
    "text/markdown": ("markdown", "render"),
    "text/latex": ("latex", "render_fragment"),
}


def mimebundle(report: Report, include=None, exclude=None) -> dict[str, str]:
    """The report in every MIME type of `MIME_TYPES` (only those in `include`, if given,
    and none in `exclude`), each renderer imported when first asked for."""
    from importlib import import_module

    out = {}
    for mime, (module, function) in MIME_TYPES.items():
        if (include is None or mime in include) and not (exclude and mime in exclude):
            renderer = import_module(f"derive.report.render.{module}")
            out[mime] = getattr(renderer, function)(report)
    return out


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
    from derive.report.model import Verdict  # light module; only needed when rendering

    counts = report.counts
    return [(Verdict(word), counts.get(word, 0)) for word in VERDICT_ORDER]


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 link', '2 links', '0 links' (`words` for an irregular plural)."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def links_noun(report: Report) -> str:
    """'4 links' or '1 link'."""
    return plural(sum(report.counts.values()), "link")


def _counts_parts(counts: dict[str, int]) -> str:
    from derive.report.model import Verdict

    return ", ".join(f"{Verdict(word).badge} {counts.get(word, 0)} {word}"
                     for word in VERDICT_ORDER)


def counts_text(report: Report) -> str:
    """'4 links: ✓ 1 proved, ✗ 1 refuted, ~ 1 conditional, ? 1 unknown'."""
    return f"{links_noun(report)}: {_counts_parts(report.counts)}"


def reading_errors(report: Report) -> int:
    """How many reading errors the report has (of the source, and of equations)."""
    return len(report.errors) + sum(
        1 for eq in report.equations if eq.kind == "error" or eq.error is not None)


def errors_count_text(report: Report) -> str:
    """'2 reading errors' or '' when the source was read cleanly."""
    n = reading_errors(report)
    return plural(n, "reading error") if n else ""


# ---------------------------------------------------------------------------
# Several reports at once: totals, problems, and the command's JSON document.


def total_counts(reports: Iterable[Report]) -> dict[str, int]:
    """The links of every report counted together, by verdict (in `VERDICT_ORDER`)."""
    total = dict.fromkeys(VERDICT_ORDER, 0)
    for r in reports:
        for word, n in r.counts.items():
            total[word] = total.get(word, 0) + n
    return total


def total_text(reports: list[Report], unchecked: int = 0) -> str:
    """'38 links in 3 files: ✓ 35 proved, ✗ 2 refuted, ~ 1 conditional, ? 0 unknown',
    with '; 1 file not checked' when some targets could not be checked at all."""
    counts = total_counts(reports)
    text = (f"{plural(sum(counts.values()), 'link')} in {plural(len(reports), 'file')}: "
            f"{_counts_parts(counts)}")
    if unchecked:
        text += f"; {plural(unchecked, 'file')} not checked"
    return text


def problem_text(report: Report) -> str:
    """What is wrong with a report, in a few words ('' when it is ok): '✗ 2 refuted,
    1 chain conditional, 1 reading error'."""
    from derive.report.model import Verdict

    if report.ok:
        return ""
    counts = report.counts
    parts = [f"{Verdict(word).badge} {counts[word]} {word}" for word in VERDICT_ORDER[1:]
             if counts.get(word)]
    chains: dict[str, int] = {}
    for eq in report.equations:
        if eq.chain is not None and eq.chain.verdict is not Verdict.PROVED:
            word = eq.chain.verdict.value
            chains[word] = chains.get(word, 0) + 1
    parts += [f"{plural(n, 'chain')} {word}" for word, n in chains.items()]
    errors = errors_count_text(report)
    if errors:
        parts.append(errors)
    return ", ".join(parts) or "not proved"


#: The schema of the command's JSON output, whether it checked one file or many.
REPORT_SET_SCHEMA = "derive.report/2"


def json_head() -> dict[str, Any]:
    return {"schema": REPORT_SET_SCHEMA}


def json_tail(reports: list[Report], errors: Iterable[tuple[str, str]] = (),
              exit_code: int | None = None) -> dict[str, Any]:
    """The totals that follow the `reports` list in a `derive.report/2` document."""
    listed = [{"target": target, "message": message} for target, message in errors]
    if exit_code is None:
        exit_code = _exit_code([r.exit_code for r in reports], bool(listed))
    return {
        "ok": exit_code == 0,
        "exit_code": exit_code,
        "files": len(reports),
        "counts": total_counts(reports),
        "problems": [{"source": r.source, "exit_code": r.exit_code, "text": problem_text(r)}
                     for r in reports if not r.ok],
        "errors": listed,
        "seed": reports[0].seed if reports else None,
        "equations": link_index(reports),
    }


def link_index(reports: list[Report]) -> list[dict[str, Any]]:
    """Every equation with links, of every report, in one flat list: where it is and each
    link's sides and verdict (the full record is in `reports`), for tools that read one list,
    as `jq '.equations[].links[] | select(.verdict == "proved")'`."""
    return [{"source": r.source, "index": e.index, "row": e.row, "line": e.line,
             "links": [{"position": lk.position, "lhs": lk.lhs, "rhs": lk.rhs,
                        "verdict": lk.verdict.value} for lk in e.links]}
            for r in reports for e in r.equations if e.links]


def _exit_code(codes: list[int], errors: bool) -> int:
    """The command's exit code from its reports' codes (2 > 1 > 3 > 0)."""
    if errors or 2 in codes:
        return 2
    if 1 in codes:
        return 1
    return 3 if 3 in codes else 0


def json_document(reports: list[Report], errors: Iterable[tuple[str, str]] = (),
                  exit_code: int | None = None) -> dict[str, Any]:
    """The command's JSON output (schema `derive.report/2`) as a dict: `schema`, the
    `reports` (each a `derive.report/1` report, as `Report.to_dict()`), then the totals
    (`ok`, `exit_code`, `files`, `counts`, `problems`, `errors`, `seed`, and `equations`:
    the links of every report in one flat list, :func:`link_index`)."""
    return {**json_head(), "reports": [r.to_dict() for r in reports],
            **json_tail(reports, errors, exit_code)}


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


class JsonStream:
    """`json_document` written piece by piece, a report as soon as it is made: the
    concatenation of `head()`, each `report(r)` and `tail(...)` is exactly
    ``dumps(json_document(...))`` plus a newline."""

    def __init__(self) -> None:
        self.reports: list[Report] = []

    def head(self) -> str:
        return dumps(json_head())[:-2] + ',\n  "reports": ['

    def report(self, report: Report) -> str:
        lead = ",\n" if self.reports else "\n"
        self.reports.append(report)
        return lead + _indent(dumps(report.to_dict()), "    ")

    def tail(self, errors: Iterable[tuple[str, str]] = (), exit_code: int | None = None) -> str:
        close = "\n  ]" if self.reports else "]"
        return close + "," + dumps(json_tail(self.reports, errors, exit_code))[1:] + "\n"


def _indent(text: str, pad: str) -> str:
    return "\n".join(pad + line for line in text.split("\n"))


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
    from derive.report.model import Verdict

    out: list[Detail] = []
    proved = item.verdict is Verdict.PROVED
    derived = getattr(item, "derived", None)
    if derived and not proved:
        text = getattr(item, "derived_text", None) or derived
        out.append(Detail("the rule gives", text, derived, key="derived"))
    cex = item.counterexample
    if cex is not None and not proved:
        point = f"{cex.text}{family_note(cex)}"
        # (a claim with no variables, e = 3, has no point: only the two values)
        text = f"{point}, where {values_text(cex)}" if point else values_text(cex)
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

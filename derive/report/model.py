"""The derivation model: frozen dataclasses (made by :mod:`derive.records`) for equations,
links, verdicts and reports.

This module owns the data that flows from the checker to the renderers. It
imports nothing heavy (no sympy): a report can be built, rendered and
serialised without the maths engine. Every field a renderer shows is computed
before the report is built; renderers only format.
"""

from __future__ import annotations

import json
from dataclasses import field
from enum import Enum
from typing import Any

from derive.records import frozen

SCHEMA = "derive.report/1"


class Verdict(str, Enum):
    """How a link (one `=`) or a chain fared."""

    PROVED = "proved"  # symbolic, for every size
    REFUTED = "refuted"  # a concrete, re-checked counterexample
    CONDITIONAL = "conditional"  # false in general, true under a named assumption
    UNKNOWN = "unknown"  # undecided: never shown as passed

    @property
    def badge(self) -> str:
        return _BADGES[self]


_BADGES = {
    Verdict.PROVED: "✓",
    Verdict.REFUTED: "✗",
    Verdict.CONDITIONAL: "~",
    Verdict.UNKNOWN: "?",
}


@frozen
class Assumption:
    """An assumption a link needs, e.g. Σ_k t_k = 1 or k ≠ i."""

    latex: str
    text: str
    stated: bool = False  # does the document itself state it?

    def to_json(self) -> str:
        return self.latex


@frozen
class Counterexample:
    """A concrete point where the two sides differ, confirmed at a second precision."""

    size: dict[str, int]  # e.g. {"K": 2}
    indices: dict[str, int]  # e.g. {"i": 1}
    values: dict[str, Any]  # family -> values in 1-based order ({"z": [0, 0]}); scalar -> value
    # each side's value at the point: a float, or [real, imaginary] when it is complex
    # (numeric.as_float gives it so, ready for JSON)
    lhs: float | list[float]
    rhs: float | list[float]
    family: str = "free"  # the target family the point was drawn from
    # the concrete functions put in for unknown ones ("f(u) = 1 + u^2/2"), when the point
    # refutes a claim about every function
    functions: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        out.update(self.size)
        out.update(self.indices)
        out.update(self.values)
        out["lhs"] = self.lhs
        out["rhs"] = self.rhs
        out["family"] = self.family
        if self.functions:
            out["functions"] = self.functions
        return out

    @property
    def text(self) -> str:
        parts = [self.functions] if self.functions else []
        parts += [f"{k}={v}" for k, v in {**self.size, **self.indices}.items()]
        for name, vals in self.values.items():
            if isinstance(vals, (list, tuple)):
                parts.append(f"{name}=({', '.join(_num(v) for v in vals)})")
            else:  # a scalar variable
                parts.append(f"{name}={_num(vals)}")
        return ", ".join(parts)


def _num(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class _Shown:
    """Jupyter shows a report as HTML, Markdown and LaTeX, and a link or an equation as the
    report of it alone (``as_report``): one ``_repr_mimebundle_``, through the renderers'
    registry (derive.report.render.mimebundle), imported when a notebook first asks."""

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        from derive.report.render import mimebundle

        return mimebundle(self.as_report(), include, exclude)  # type: ignore[attr-defined]


@frozen
class Link(_Shown):
    """One `=` of a chain: lhs = rhs, with the rule that should carry it and the verdict."""

    position: int  # 1-based place in the chain
    lhs: str  # LaTeX as written
    rhs: str
    verdict: Verdict
    method: str  # symbolic | numeric | cache | timeout | none
    rule: str  # the rule that carries (or should carry) the step
    lhs_text: str = ""  # plain-text pretty form
    rhs_text: str = ""
    derived: str | None = None  # LaTeX: what the rule gives from lhs
    derived_text: str | None = None
    needs: tuple[Assumption, ...] = ()
    counterexample: Counterexample | None = None
    suggestion: str | None = None  # LaTeX: a corrected right side
    residual: str | None = None  # LaTeX: lhs - rhs, simplified
    residual_text: str | None = None
    reason: str | None = None  # why unknown, e.g. "time limit"
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.PROVED

    def as_report(self) -> Report:
        """This link alone, as a report (for display in a notebook)."""
        eq = Equation(0, 0, "claim", f"{self.lhs} = {self.rhs}",
                      f"{self.lhs_text} = {self.rhs_text}", (self,))
        return Report(f"link {self.position}", (eq,))

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "verdict": self.verdict.value,
            "method": self.method,
            "rule": self.rule,
            "derived": self.derived,
            "needs": [a.to_json() for a in self.needs],
            "needs_stated": [a.stated for a in self.needs],
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "suggestion": self.suggestion,
            "residual": self.residual,
            "reason": self.reason,
            "seconds": round(self.seconds, 6),
        }


@frozen
class Chain:
    """The first side of an equation against its last (only for two or more links)."""

    verdict: Verdict
    lhs: str
    rhs: str
    method: str
    needs: tuple[Assumption, ...] = ()
    counterexample: Counterexample | None = None
    residual: str | None = None
    lhs_text: str = ""
    rhs_text: str = ""
    residual_text: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "lhs": self.lhs,
            "rhs": self.rhs,
            "method": self.method,
            "needs": [a.to_json() for a in self.needs],
            "needs_stated": [a.stated for a in self.needs],
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "residual": self.residual,
            "reason": self.reason,
        }


@frozen
class SourceError:
    """A reading failure, located in the source file."""

    message: str
    line: int
    column: int
    snippet: str = ""  # the offending source line
    file: str = "<string>"

    @property
    def located(self) -> str:
        caret = " " * max(self.column - 1, 0) + "^"
        head = f"{self.file}:{self.line}:{self.column}: {self.message}"
        return f"{head}\n    {self.snippet}\n    {caret}" if self.snippet else head

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "line": self.line, "column": self.column,
                "snippet": self.snippet}


def equation_label(index: int, row: int) -> str:
    """Display 3 is "3"; its rows are "3a", "3b", … ("3.r27" past the alphabet)."""
    if not row:
        return str(index)
    return f"{index}{chr(ord('a') + row - 1)}" if row <= 26 else f"{index}.r{row}"


@frozen
class Equation(_Shown):
    """A display equation: a definition, a claim (a chain of links) or a reading error."""

    index: int  # 1-based place among all display equations of the source
    line: int  # 1-based source line where it starts
    kind: str  # "definition" | "claim" | "error" | "skipped" (not checkable: notes say why)
    latex: str
    text: str = ""  # plain-text pretty form of the whole equation
    links: tuple[Link, ...] = ()
    chain: Chain | None = None
    defines: str | None = None  # for a definition: the name it defines
    cases: tuple[Assumption, ...] = ()  # case conditions read from the equation
    notes: tuple[str, ...] = ()
    error: SourceError | None = None
    row: int = 0  # 1-based row when its display holds several equations (aligned rows), else 0
    names: tuple[str, ...] = ()  # the author's own labels: \label{…}, a book's :eqlabel:

    @property
    def title(self) -> str:
        """Its label with the author's own ("3 (eq_softmax)"), as headings show it."""
        return self.label + (f" ({', '.join(self.names)})" if self.names else "")

    @property
    def label(self) -> str:
        """How reports name it: its display's number, with a letter for a row ("3b")."""
        return equation_label(self.index, self.row)

    @property
    def ok(self) -> bool:
        return self.kind != "error" and all(link.ok for link in self.links) and (
            self.chain is None or self.chain.verdict is Verdict.PROVED)

    def as_report(self) -> Report:
        """This equation alone, as a report (for display in a notebook)."""
        return Report(f"equation {self.label}", (self,))

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "row": self.row,
            "labels": list(self.names),
            "line": self.line,
            "kind": self.kind,
            "latex": self.latex,
            "defines": self.defines,
            "cases": [c.to_json() for c in self.cases],
            "links": [link.to_json() for link in self.links],
            "chain": self.chain.to_json() if self.chain else None,
            "notes": list(self.notes),
            "error": self.error.to_json() if self.error else None,
        }


@frozen
class Report(_Shown):
    """The result of checking one source: what every renderer shows."""

    source: str
    equations: tuple[Equation, ...]
    title: str = ""
    seed: int = 0
    summary: tuple[str, ...] = ()  # the overall result in words
    notes: tuple[str, ...] = ()
    assumptions: tuple[Assumption, ...] = ()  # declared by the document
    engine: str = ""
    seconds: float = 0.0
    errors: tuple[SourceError, ...] = field(default=())  # source-level errors (no equation)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts.items())
        return f"<Report {self.source!r}: {counts}, exit_code={self.exit_code}>"

    @property
    def links(self) -> list[Link]:
        return [link for eq in self.equations for link in eq.links]

    @property
    def counts(self) -> dict[str, int]:
        counts = {v.value: 0 for v in Verdict}
        for link in self.links:
            counts[link.verdict.value] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(eq.kind == "error" for eq in self.equations)

    @property
    def ok(self) -> bool:
        return not self.has_errors and all(eq.ok for eq in self.equations)

    @property
    def exit_code(self) -> int:
        """0 all proved; 1 refuted or conditional; 3 only unknowns; 2 reading errors."""
        if self.has_errors:
            return 2
        verdicts = {link.verdict for link in self.links}
        verdicts |= {eq.chain.verdict for eq in self.equations if eq.chain}
        if verdicts & {Verdict.REFUTED, Verdict.CONDITIONAL}:
            return 1
        if Verdict.UNKNOWN in verdicts:
            return 3
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "source": self.source,
            "title": self.title,
            "engine": self.engine,
            "seed": self.seed,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "counts": self.counts,
            "summary": list(self.summary),
            "assumptions": [a.to_json() for a in self.assumptions],
            "notes": list(self.notes),
            "errors": [e.to_json() for e in self.errors],
            "equations": [eq.to_json() for eq in self.equations],
            "seconds": round(self.seconds, 6),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def as_report(self) -> Report:
        return self

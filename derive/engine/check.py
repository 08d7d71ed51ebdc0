"""The checker: a document's equations checked link by link, and the report built.

Owns the assembly: :func:`check_document` checks every equation (in this process, or in
workers through :func:`derive.app.parallel.map_equations`) and builds the
:class:`~derive.report.model.Report`; :func:`check_equation` checks one equation's links
(each under the time limit, every failure a value on its link) and its chain (first side
to last). A link's verdict is decided by :class:`~derive.engine.decide.EquationChecker`
(:mod:`derive.engine.decide`, with the assumption catalogue of
:mod:`derive.engine.assumptions`) and its rule named by
:class:`~derive.engine.explain.Explainer`; here are the derived form, the residual (lhs −
rhs in the document's names, a chain's the sum of its links') and the suggested repair.
Also owns the refusal of contradictory declared assumptions (:func:`_contradiction`) and
``ENGINE``, the engine's name (the cache reads it from this file).
"""

from __future__ import annotations

import time
from dataclasses import replace

import sympy as sp

from derive import rules as R
from derive.engine import printing
from derive.engine.decide import (
    ENGINE_FAILURES,
    VETO_POINTS,
    Decision,
    EquationChecker,
    TimeLimit,
    _mix,
    failure,
    time_limit,
)
from derive.engine.explain import Explainer
from derive.engine.normal import canonical, reduce
from derive.engine.translate import Symbols, Translator
from derive.reading.document import Document, ReadEquation
from derive.reading.scope import ReadError, Undetermined
from derive.reading.syntax import name_text, to_latex, to_text
from derive.reading.vector_functions import ASSUMED
from derive.report.model import Assumption, Chain, Equation, Link, Report, Verdict, equation_label
from derive.report.summary import summarise

# the names other modules and tests have always taken from here
__all__ = ["ENGINE", "VETO_POINTS", "Decision", "EquationChecker", "Explainer", "TimeLimit",
           "_mix", "check_document", "check_equation", "failure", "summarise", "time_limit"]

ENGINE = "derive-engine/1"


def _side(eq: ReadEquation, k: int) -> tuple[str, str]:
    return eq.side_latex[k], to_text(eq.sides[k])


def check_equation(doc: Document, eq: ReadEquation, symbols: Symbols, seed: int,
                   timeout: float | None) -> Equation:
    """Check one equation of a read document."""
    checked = _check_equation(doc, eq, symbols, seed, timeout)
    return replace(checked, row=eq.row, names=eq.names) if eq.row or eq.names else checked


def _check_equation(doc: Document, eq: ReadEquation, symbols: Symbols, seed: int,
                    timeout: float | None) -> Equation:
    text = " = ".join(to_text(s) for s in eq.sides) if eq.sides else eq.latex
    if eq.kind == "error":
        return Equation(eq.index, eq.line, "error", eq.latex, eq.latex, error=eq.error)
    if eq.kind == "skipped":  # not checkable for a stated reason (a relation other than '=')
        return Equation(eq.index, eq.line, "skipped", eq.latex, eq.latex, notes=eq.notes)
    defines = name_text(eq.definition.name) if eq.definition else None
    if eq.kind == "definition" and len(eq.sides) <= 2:
        return Equation(eq.index, eq.line, "definition", eq.latex, text, defines=defines,
                        notes=eq.notes)
    try:
        ck = EquationChecker(doc, eq, symbols, seed)
        ex = Explainer(ck, doc, eq)
        grounded = [None] * len(ck.reading.sides)
    except ReadError as exc:
        return _error_equation(doc, eq, exc.message, exc.pos)
    except Exception as exc:  # noqa: BLE001
        _method, reason = failure(exc)
        return _error_equation(doc, eq, reason.replace("on this link", "on this equation"))
    offset = 1 if eq.kind == "definition" else 0
    links = []
    for p in range(len(ck.reading.sides) - 1):
        position = p + 1 + offset
        t0 = time.perf_counter()
        label = f"{equation_label(eq.index, eq.row)}.{position}"
        try:
            with time_limit(timeout):
                link = _check_link(ck, ex, eq, grounded, p, position, label, offset)
        except TimeLimit:
            link = _undecided(eq, p + offset, position, "timeout", "undetermined (time limit)",
                              f"time limit ({timeout:g} s)")
        except Undetermined as exc:
            link = _undecided(eq, p + offset, position, "none", "undetermined", exc.message)
        except ReadError as exc:
            return _error_equation(doc, eq, exc.message, exc.pos)
        except Exception as exc:  # noqa: BLE001 - every failure is a value on its link
            # a failure on one link is an undecided link, never a crash of the run; derive's
            # own bugs say so (method "internal") and are never taken for a verdict
            method, reason = failure(exc)
            link = _undecided(eq, p + offset, position, method, "undetermined", reason)
        links.append(_with_seconds(link, time.perf_counter() - t0))
    chain = None
    if len(links) >= 2 and all(lk.verdict is Verdict.PROVED and not lk.needs for lk in links):
        # every link holds for all sizes: so does the chain, by transitivity
        chain = Chain(Verdict.PROVED, eq.side_latex[offset], eq.side_latex[-1], "transitivity",
                      lhs_text=to_text(eq.sides[offset]), rhs_text=to_text(eq.sides[-1]))
    elif len(links) >= 2:
        first, last = to_text(eq.sides[offset]), to_text(eq.sides[-1])
        try:
            with time_limit(timeout):
                chain = _check_chain(ck, eq, grounded, offset, links)
        except TimeLimit:
            chain = Chain(Verdict.UNKNOWN, eq.side_latex[offset], eq.side_latex[-1], "timeout",
                          reason=f"time limit ({timeout:g} s)", lhs_text=first, rhs_text=last)
        except Undetermined as exc:
            chain = Chain(Verdict.UNKNOWN, eq.side_latex[offset], eq.side_latex[-1], "none",
                          reason=exc.message, lhs_text=first, rhs_text=last)
        except Exception as exc:  # noqa: BLE001
            method, reason = failure(exc)
            chain = Chain(Verdict.UNKNOWN, eq.side_latex[offset], eq.side_latex[-1], method,
                          reason=reason, lhs_text=first, rhs_text=last)
    cases = tuple(Assumption(_case_latex(c), _case_text(c), True) for c in ck.reading.cases)
    return Equation(eq.index, eq.line, eq.kind, eq.latex, text, tuple(links), chain,
                    defines=defines, cases=cases, notes=eq.notes)


def _contradiction(doc: Document, symbols: Symbols):
    """A located error when the declared assumptions contradict each other (1 = 0; x = 2
    beside x = 3): each is grounded, and each is rewritten by every other as the checker
    would use it; a non-zero number left over is a contradiction."""
    from derive.reading.scope import resolve
    from derive.report.model import SourceError

    if not doc.assumptions or doc.env is None:
        return None
    env = replace(doc.env, definitions={}, order=())
    ground = Translator(env, symbols)
    pairs = []
    for (a, b), latex, line in doc.assumptions:
        try:
            r = resolve([a, b], env)
            pairs.append((canonical(ground(r.sides[0])), canonical(ground(r.sides[1])),
                          latex, line))
        except (ReadError, *ENGINE_FAILURES):
            continue

    def settled(e: sp.Expr) -> sp.Expr:
        return sp.simplify(reduce(e, {})) if e.free_symbols else e

    for n, (a, b, latex, line) in enumerate(pairs):
        culprits = None
        diff = settled(a - b)
        if diff.is_number and diff != 0:
            culprits = [latex]
        else:
            for m, (a2, b2, latex2, _) in enumerate(pairs):
                if m == n or not (a - b).has(a2):
                    continue
                left = settled((a - b).xreplace({a2: b2}))
                if left.is_number and left != 0:
                    culprits = [latex, latex2]
                    break
        if culprits:
            shown = " and ".join(f"`{c}`" for c in culprits)
            what = "contradicts itself" if len(culprits) == 1 else "contradict each other"
            lines = doc.text.split("\n")
            return SourceError(f"the declared assumption{'s' if len(culprits) > 1 else ''} "
                               f"{shown} {what}: every step would follow from "
                               f"{'it' if len(culprits) == 1 else 'them'}, so nothing is "
                               "checked", line, 1,
                               lines[line - 1] if 0 < line <= len(lines) else "", doc.source)
    return None


def _error_equation(doc: Document, eq: ReadEquation, message: str, pos: int = 0) -> Equation:
    from derive.reading.document import _error

    err = _error(doc.source, doc.text, eq.offset + pos, message)
    return Equation(eq.index, eq.line, "error", eq.latex, eq.latex, error=err)


def _case_latex(c) -> str:
    return f"{c.left} = {c.right}" if c.equal else f"{c.left} \\neq {c.right}"


def _case_text(c) -> str:
    return f"{c.left} = {c.right}" if c.equal else f"{c.left} ≠ {c.right}"


def _undecided(eq: ReadEquation, k: int, position: int, method: str, rule: str,
               reason: str) -> Link:
    """Link k (sides k, k+1) as unknown, with the reason the engine could not decide it."""
    lhs, lhs_t = _side(eq, k)
    rhs, rhs_t = _side(eq, k + 1)
    return Link(position, lhs, rhs, Verdict.UNKNOWN, method, rule, lhs_t, rhs_t, reason=reason)


def _with_seconds(link: Link, seconds: float) -> Link:
    from dataclasses import replace

    return replace(link, seconds=seconds)


def _grounded(ck: EquationChecker, eq: ReadEquation, cache: list, k: int) -> sp.Expr:
    if cache[k] is None:
        # the same side often recurs (∂C/∂z_i opens four equations): ground it once per scope
        memo, uses = ck.symbols.memo, ck.symbols.uses
        key = (id(ck.env), R.key(ck.reading.sides[k]))
        if key not in memo:
            # bound indices renamed canonically once per side, not once per comparison
            saved, ck.ground.used = ck.ground.used, set()
            memo[key] = canonical(ck.ground(ck.reading.sides[k]))
            uses[("side",) + key], ck.ground.used = frozenset(ck.ground.used), saved
        cache[k] = memo[key]
        # (every definition in scope where the side was grounded elsewhere: more, never less)
        found = uses.get(("side",) + key)
        ck.side_uses[k] = found if found is not None else frozenset(
            (d.name, d.equation, d.row) for d in ck.env.definitions.values())
    return cache[k]


def _assumed(ck, used: frozenset) -> tuple[str, ...]:
    """The readings the text states only in prose (notes marked :data:`ASSUMED`: d2l's prod
    as the chain rule, an undefined φ of a vector at each entry) that a link rests on: its
    equation's own, and those of every definition its sides were grounded through."""
    memo = ck.symbols.memo  # per document: each display's assumed readings, found once
    if ("assumed",) not in memo:
        memo[("assumed",)] = {(e.index, e.row): [n[len(ASSUMED):] for n in e.notes
                                                 if n.startswith(ASSUMED)]
                              for e in ck.doc.equations}
    readings = memo[("assumed",)]
    out = list(readings.get((ck.eq.index, ck.eq.row), ()))
    for _, equation, row in sorted(used):
        out += readings.get((equation, row), ())
    return tuple(dict.fromkeys(out))


def _under_readings(d, assumed: tuple[str, ...]):
    """A link proved under a reading the text states only in prose (d2l's prod as the
    chain rule) holds only if that reading is the author's: it is conditional on it."""
    if d.verdict is not Verdict.PROVED or not assumed:
        return d
    return replace(d, verdict=Verdict.CONDITIONAL,
                   needs=d.needs + tuple(Assumption(f"\\text{{{a}}}", a) for a in assumed),
                   reason="proved with the notation read as the note says, which the text "
                          "states only in prose")


def _check_link(ck, ex, eq, grounded, p, position, label, offset=0) -> Link:
    lhs_n, rhs_n = ck.reading.sides[p], ck.reading.sides[p + 1]
    lhs_g, rhs_g = _grounded(ck, eq, grounded, p), _grounded(ck, eq, grounded, p + 1)
    d = _under_readings(ck.decide(lhs_g, rhs_g, label, (lhs_n, rhs_n)),
                        _assumed(ck, ck.side_uses[p] | ck.side_uses[p + 1]))
    named = eq.rules.get(position)
    rule, derived, fits = ex.explain(lhs_n, rhs_n, position, named,
                                     holds=d.verdict is Verdict.PROVED)
    if not fits and d.verdict is Verdict.PROVED and not named:
        rule, derived = None, None  # true, but no single rule of the catalogue carries it
    if rule is None:
        rule = "algebra"  # the fallback when no rule of the catalogue fits
    if derived is not None:
        derived = R.strip(derived)
    if named:
        rule = _builtin_label(named, rule)
    lhs, lhs_t = _side(eq, p + offset)
    rhs, rhs_t = _side(eq, p + 1 + offset)
    derived_latex = to_latex(derived) if derived is not None else None
    suggestion = None
    residual = residual_t = None
    if d.verdict is Verdict.PROVED:
        if not d.needs:
            ck.link_residuals[p] = sp.Integer(0)
    else:
        ck.link_residuals[p] = surface = _surface_residual(ck, lhs_n, rhs_n)
        residual, residual_t = _residual(ck, surface, d.residual)
        if derived is not None and d.verdict is Verdict.REFUTED:
            try:
                g = ck.ground(derived)
                if ck._zero(lhs_g - g):
                    suggestion = derived_latex
            except (ReadError, Undetermined, TypeError, ValueError):
                suggestion = None  # no suggestion; the verdict stands
    return Link(position, lhs, rhs, d.verdict, d.method, rule, lhs_t, rhs_t, derived_latex,
                to_text(derived) if derived is not None else None, d.needs, d.counterexample,
                suggestion, residual, residual_t, d.reason)


def _builtin_label(named: str, inferred: str) -> str:
    return inferred if inferred.startswith(named) and inferred != named else named


def _surface_residual(ck: EquationChecker, lhs_n, rhs_n) -> sp.Expr | None:
    """lhs − rhs reduced in the document's names (y_i, not e^{z_i}/Σ…), or None where the
    surface cannot show it (a derivative left unevaluated there, or nothing left)."""
    try:
        from sympy.core.function import AppliedUndef

        from derive.engine.translate import SurfaceDerivative

        raw = (ck.surface(lhs_n) - ck.surface(rhs_n)).xreplace(ck.equal_subs)
        if raw.has(SurfaceDerivative) or any(
                str(a.func).endswith("'") for a in raw.atoms(AppliedUndef)):
            return None  # f'(x) of a defined f stands for a derivative the surface keeps
        surf = reduce(raw, ck.ranges)
    except (ReadError, TypeError, ValueError):
        return None
    return surf if surf != 0 else None


def _residual(ck: EquationChecker, surface: sp.Expr | None,
              grounded_residual: sp.Expr | None) -> tuple[str | None, str | None]:
    """lhs − rhs as LaTeX and text, in the document's names where possible: the surface
    form when there is one, else the grounded residual folded back."""
    if surface is None:
        if grounded_residual is None:
            return None, None
        surface = _fold_back(ck, grounded_residual)
    r = printing.tidy(surface)
    return printing.latex(r), printing.text(r)


def _fold_back(ck: EquationChecker, residual: sp.Expr) -> sp.Expr:
    """Write a grounded residual with the document's names: (Σ t − 1)·y_i, not …e^{z_i}/Σ…"""
    best = residual
    for name in ck.env.order:
        d = ck.env.definitions[name]
        if d.kind != "family" or len(d.params) != 1:
            continue
        for s in sorted(ck.ranges, key=lambda x: x.name):
            try:
                body = canonical(ck.ground.instantiate(d, [s], frozenset()))
                q = sp.cancel(sp.together(canonical(best / body)))
            except (ReadError, Undetermined, TypeError, ValueError, ZeroDivisionError):
                continue  # (a family that reads a label, at another: only a way of writing)
            if sp.count_ops(q) + 1 < sp.count_ops(best):
                best = q * ck.symbols.family(name)[s]
    return best


def _check_chain(ck, eq, grounded, offset=0, links=()) -> Chain:
    n = len(ck.reading.sides) - 1
    d = ck.decide(_grounded(ck, eq, grounded, 0), _grounded(ck, eq, grounded, n),
                  f"{equation_label(eq.index, eq.row)}.chain",
                  (ck.reading.sides[0], ck.reading.sides[n]))
    conditional = [lk for lk in links if lk.verdict is Verdict.CONDITIONAL]
    if d.verdict is Verdict.PROVED and conditional:
        # a chain is never stronger than its weakest link: what a link needs, it needs
        needs = list(d.needs)
        for lk in conditional:
            needs.extend(a for a in lk.needs if a.latex not in {b.latex for b in needs})
        d = replace(d, verdict=Verdict.CONDITIONAL, needs=tuple(needs),
                    reason="the first and last sides agree, but a link between them holds "
                           "only under an assumption")
    residual = residual_t = None
    if d.verdict is not Verdict.PROVED:
        surface = _surface_residual(ck, eq.reading.sides[0], eq.reading.sides[n])
        parts = [ck.link_residuals.get(p) for p in range(n)]
        if surface is None and all(r is not None for r in parts):
            # lhs − rhs of the chain is the sum of its links' (a link proved without an
            # assumption adds zero): in the document's names even where the chain's own
            # surface keeps a derivative (∂C/∂z_i), and cheaper than folding back
            try:
                total = reduce(sp.Add(*parts), ck.ranges)
            except (TypeError, ValueError):
                total = sp.Integer(0)
            surface = total if total != 0 else None
        residual, residual_t = _residual(ck, surface, d.residual)
    return Chain(d.verdict, eq.side_latex[offset], eq.side_latex[-1], d.method, d.needs,
                 d.counterexample, residual, to_text(eq.sides[offset]), to_text(eq.sides[-1]),
                 residual_t, d.reason)



def check_document(doc: Document, *, seed: int = 0, timeout: float | None = 20.0,
                   jobs: int | str = 1) -> Report:
    """Check every equation of a read document and build its report.

    ``jobs`` worker processes share the equations out (``"auto"``: one per few links, at
    most the usable CPUs); the report is the same for every ``jobs``.
    """
    t0 = time.perf_counter()
    symbols = Symbols.for_document(doc)
    contradiction = _contradiction(doc, symbols)
    if contradiction is not None:
        # anything follows from contradictory assumptions: check nothing, refuse the document
        refused = (*doc.errors, contradiction)
        return Report(doc.source, (), doc.title, seed, summarise([], len(refused)), (),
                      (), ENGINE, time.perf_counter() - t0, refused)
    if jobs == "auto":
        from derive.app.parallel import auto_jobs

        jobs = auto_jobs(doc)
    if not isinstance(jobs, int):
        raise TypeError(f"jobs must be a number of processes or 'auto', not {jobs!r}")
    if jobs > 1:
        from derive.app.parallel import map_equations

        equations = map_equations(check_equation, doc, seed, timeout, jobs, symbols)
    else:
        equations = [check_equation(doc, eq, symbols, seed, timeout) for eq in doc.equations]
    notes = tuple(dict.fromkeys(n for e in equations for n in e.notes))  # each said once
    assumptions = tuple(Assumption(latex, f"{to_text(a)} = {to_text(b)}", True)
                        for (a, b), latex, _ in doc.assumptions)
    errors = list(doc.errors)
    if not doc.equations and not errors:  # prose only (a README in a docs folder): not an error
        notes = (*notes, "no display equations found ($$…$$, \\[…\\], equation or align): "
                         "nothing to check")
    return Report(doc.source, tuple(equations), doc.title, seed,
                  summarise(equations, len(errors)), notes,
                  assumptions, ENGINE, time.perf_counter() - t0, tuple(errors))

"""The summary of a report: a few sentences on what holds, what does not, and where.

Owns :func:`summarise`, pure wording from the report model (no engine): the checker
calls it once the equations of a document are checked.
"""

from __future__ import annotations

from derive.report.model import Equation, Verdict


def summarise(equations: list[Equation], source_errors: int = 0) -> tuple[str, ...]:
    out = []
    for e in equations:
        if e.kind == "error":
            continue
        bad = [link for link in e.links if link.verdict is Verdict.REFUTED]
        if e.chain is not None and e.chain.verdict is not Verdict.REFUTED:
            lhs, rhs = e.chain.lhs_text, e.chain.rhs_text
            if e.chain.verdict is Verdict.PROVED and not bad:
                pass
            elif e.chain.verdict is Verdict.PROVED:
                out.append(f"{lhs} = {rhs} holds, although some steps of equation {e.label} "
                           "do not")
            elif e.chain.verdict is Verdict.CONDITIONAL:
                conds = " and ".join(
                    f"{a.text} ({'stated' if a.stated else 'not stated'})" for a in e.chain.needs)
                out.append(f"{lhs} = {rhs} holds if {conds}")
            else:
                out.append(f"{lhs} = {rhs} is not decided")
        elif e.chain is not None:
            out.append(f"{e.chain.lhs_text} = {e.chain.rhs_text} is false")
        if bad:
            # a link's place is its '=' only when every '=' of the display is a link of it:
            # not after a side that was not read (= a = b), nor in a display read in parts
            counted = not any(n.startswith(("not checked: the link", "read in parts"))
                              for n in e.notes)
            where = ", ".join((f"its {_ordinal(b.position)} `=` (link {e.label}.{b.position})"
                               if counted else f"link {e.label}.{b.position}") for b in bad)
            out.append(f"equation {e.label} as published has an error at {where}")
        for link in e.links:
            if link.verdict is Verdict.CONDITIONAL:
                conds = " and ".join(f"{a.text}" + ("" if a.stated else " (not stated)")
                                     for a in link.needs)
                out.append(f"link {e.label}.{link.position} holds only if {conds}")
            if link.verdict is Verdict.UNKNOWN:
                out.append(f"link {e.label}.{link.position} is undecided: {link.reason}")
    errors = sum(e.kind == "error" for e in equations)
    total = sum(len(e.links) for e in equations)
    if errors:
        out.append(f"{errors} equation{'s' if errors > 1 else ''} could not be read")
    elif source_errors:
        out.append("the document could not be checked (see the errors)")
    elif not out and total:
        out.append(f"every step holds ({total} link{'s' if total != 1 else ''} proved for "
                   "every size)")
    elif not out:
        out.append("nothing to check: no claims")  # (a note says why when there is no math)
    skipped = sum(e.kind == "skipped" for e in equations)
    if skipped:
        out.append(f"{skipped} display{'s are' if skipped > 1 else ' is'} not checked: "
                   "each for the reason in its notes (a relation other than '=', an "
                   "integral, …)")
    return tuple(out)


_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}


def _ordinal(n: int) -> str:
    """first … sixth, then 7th, 11th, 21st, 22nd, 23rd, 101st."""
    if n in _ORDINALS:
        return _ORDINALS[n]
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

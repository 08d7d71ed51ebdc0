"""MathML for the HTML report: the report's LaTeX, typeset without any script or network.

This module owns the conversion of the LaTeX strings a report holds (the sides as
written, the rule's result and suggestions from derive's printer, residuals from
the engine's printer) into presentation MathML, which current browsers render
natively. The conversion is done by latex2mathml (pure Python, MIT), imported
only when a formula is converted, so `derive --help` and a check never load it.
Each formula keeps its LaTeX as an `application/x-tex` annotation (hidden by the
browser, kept for copying and for search). A formula the converter refuses is
shown as escaped LaTeX source in `<code>`, never dropped.

No maths is done here: the LaTeX is typeset as written.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

_NAMESPACE = ' xmlns="http://www.w3.org/1998/Math/MathML"'  # implied for <math> in HTML5


def split_top_level(latex: str, sign: str = "=") -> list[str]:
    """`latex` cut at the `sign`s outside any bracket or brace: 'a = (b = c) = d' gives
    ['a', '(b = c)', 'd']. Used to let a long equation break only at its relations."""
    parts: list[str] = []
    depth = 0
    start = 0
    k = 0
    while k < len(latex):
        ch = latex[k]
        if ch == "\\":  # a command: \{ and \} are brackets, anything else is skipped whole
            nxt = latex[k + 1:k + 2]
            if nxt == "{":
                depth += 1
            elif nxt == "}":
                depth -= 1
            k += 2
            continue
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        elif ch == sign and depth == 0:
            parts.append(latex[start:k].strip())
            start = k + 1
        k += 1
    parts.append(latex[start:].strip())
    return [p for p in parts if p] or [latex]


@lru_cache(maxsize=4096)
def to_mathml(latex: str) -> str:
    """One `<math>` element for `latex` (inline), or `<code>` LaTeX if it cannot be read."""
    source = " ".join(latex.split())
    fallback = f'<code class="derive-tex">{escape(source, quote=False)}</code>'
    if not source:
        return ""
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - a dependency of derive; still never fail here
        return fallback
    try:
        out = convert(source)
    except Exception:  # noqa: BLE001 - any refusal of the converter: show the source
        return fallback
    head, sep, rest = out.partition(">")
    body, sep2, _ = rest.rpartition("</math>")
    if not (sep and sep2 and head.startswith("<math")):
        return fallback
    head = head.replace(_NAMESPACE, "")
    tex = escape(source, quote=False)
    annotation = f'<annotation encoding="application/x-tex">{tex}</annotation>'
    return f"{head}><semantics><mrow>{body}</mrow>{annotation}</semantics></math>"


def formula(latex: str) -> str:
    """A formula that may break only at its top-level `=` signs: each piece (the first
    side, then `= side` for every further one) is one unbreakable `<span>`."""
    pieces = split_top_level(latex)
    spans = [pieces[0]] + [f"= {p}" for p in pieces[1:]]
    return " ".join(f'<span class="derive-math">{to_mathml(p)}</span>' for p in spans)


def statement(lhs: str, rhs: str) -> str:
    """`lhs = rhs` as two unbreakable pieces, `lhs` and `= rhs`."""
    return (f'<span class="derive-math">{to_mathml(lhs)}</span> '
            f'<span class="derive-math">{to_mathml(f"= {rhs}")}</span>')

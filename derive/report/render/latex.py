r"""LaTeX output: a standalone pdflatex document and a fragment for Jupyter.

This module owns the LaTeX layout and LaTeX escaping. `render` writes a complete
article (amsmath, amssymb, and the core `color` package only, so a basic TeX
Live compiles it with pdflatex): each claim is an `alignat*` worked proof, one
row per link (stated form, "by rule", verdict), with details set as
`\intertext` under the row they explain. `render_fragment` writes one
`$$\begin{array} … $$` block for `Report._repr_latex_`, valid in both MathJax
and LaTeX.

Maths (the sides, derived forms, residuals, suggestions, assumptions) is copied
from the report as written; prose is escaped. pdflatex cannot typeset arbitrary
Unicode, so common symbols become math commands and anything else unknown is
spelled as its code point.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from derive.report.render import (
    Detail,
    count_items,
    errors_count_text,
    heading,
    links_noun,
)
from derive.report.render.terminal import shown_details

if TYPE_CHECKING:
    from derive.report.model import Chain, Equation, Link, Report, SourceError, Verdict

# Verdict badges as math (both pdflatex and MathJax know these with amssymb).
BADGES: dict[str, str] = {
    "proved": r"\checkmark",
    "refuted": r"\times",
    "conditional": r"\sim",
    "unknown": "?",
}

# Badge colours, for the document (the `color` package is part of core LaTeX).
COLOURS: dict[str, str] = {
    "proved": "0.10,0.50,0.22",
    "refuted": "0.81,0.13,0.18",
    "conditional": "0.60,0.40,0.00",
    "unknown": "0.51,0.31,0.87",
}

# Unicode that may occur in prose or pretty forms -> a math-mode command.
_MATH_CHARS: dict[str, str] = {
    "✓": r"\checkmark", "✗": r"\times", "×": r"\times", "·": r"\cdot", "−": "-",
    "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "≈": r"\approx", "≡": r"\equiv",
    "→": r"\to", "←": r"\leftarrow", "↔": r"\leftrightarrow", "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow", "∞": r"\infty", "∂": r"\partial", "∇": r"\nabla",
    "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "√": r"\surd", "±": r"\pm", "∓": r"\mp",
    "∈": r"\in", "∉": r"\notin", "⊂": r"\subset", "⊆": r"\subseteq", "∪": r"\cup",
    "∩": r"\cap", "∀": r"\forall", "∃": r"\exists", "∅": r"\emptyset", "…": r"\ldots",
    "⋯": r"\cdots", "∘": r"\circ", "⊗": r"\otimes", "⊕": r"\oplus", "′": "'",
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ι": r"\iota", "κ": r"\kappa",
    "λ": r"\lambda", "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho",
    "σ": r"\sigma", "τ": r"\tau", "υ": r"\upsilon", "φ": r"\phi", "χ": r"\chi",
    "ψ": r"\psi", "ω": r"\omega", "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta",
    "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi", "Σ": r"\Sigma", "Υ": r"\Upsilon",
    "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
}

# Text-mode replacements for characters special to TeX, and typographic Unicode.
_TEXT_CHARS: dict[str, str] = {
    "\\": r"$\backslash$", "&": r"\&", "%": r"\%", "$": r"$\$$", "#": r"\#", "_": r"\_",
    # Math forms rather than \textasciitilde, \textdollar and friends: those pull in
    # TS1 fonts, which a basic TeX Live only has as bitmaps generated on first use.
    "{": r"\{", "}": r"\}", "~": r"$\sim$", "^": r"\^{}", "<": "$<$", ">": "$>$", "|": "$|$",
    "—": "---", "–": "--", "“": "``", "”": "''", "‘": "`", "’": "'", "\u00a0": "~",
    "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}", "œ": r"\oe{}", "Œ": r"\OE{}", "ø": r"\o{}",
    "Ø": r"\O{}", "§": r"\S{}", "¶": r"\P{}", "©": r"\copyright{}", "£": r"\pounds{}",
    "°": r"$^\circ$", "µ": r"$\mu$", "¬": r"$\neg$", "¿": "?`", "¡": "!`",
}

# Combining accents LaTeX spells in text mode with the default (OT1) fonts.
_ACCENTS: dict[str, str] = {
    "0300": "`", "0301": "'", "0302": "^", "0303": "~", "0304": "=", "0306": "u",
    "0308": '"', "030A": "r", "030C": "v", "0327": "c",
}


def _accented(ch: str) -> tuple[str, str] | None:
    """(accent command, ASCII base) for a letter like é, or None."""
    parts = unicodedata.decomposition(ch).split()
    if len(parts) == 2 and parts[1] in _ACCENTS and not parts[0].startswith("<"):
        base = chr(int(parts[0], 16))
        if base.isascii() and base.isalpha():
            return _ACCENTS[parts[1]], base
    return None

# Characters that must leave \text{…} in the fragment: MathJax and LaTeX treat them
# differently inside \text, but agree on these math-mode spellings.
_FRAGMENT_CHARS: dict[str, str] = {
    "\\": r"\backslash", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\sim", "^": r"\hat{}", "<": "<", ">": ">", "|": "|",
}


def _codepoint(ch: str) -> str:
    return rf"\texttt{{[U+{ord(ch):04X}]}}"


def escape_text(text: str) -> str:
    """Prose for LaTeX text mode: specials escaped, Unicode made pdflatex-safe."""
    out = []
    for ch in " ".join(text.splitlines()):
        if ch in _TEXT_CHARS:
            out.append(_TEXT_CHARS[ch])
        elif ch in _MATH_CHARS:
            out.append(f"${_MATH_CHARS[ch]}$")
        elif ch.isascii():
            out.append(ch)
        elif accent := _accented(ch):
            # Spelled as an accent command: needs no font encoding beyond the default.
            cmd, base = accent
            out.append(f"\\{cmd}{{{base}}}" if cmd.isalpha() else f"\\{cmd}{base}")
        else:
            out.append(_codepoint(ch))
    return "".join(out)


def math(latex: str) -> str:
    """Maths from the report, one line, with known Unicode symbols spelled as commands."""
    out = []
    for ch in " ".join(latex.split()):
        # Braced so that a subscript like x_α becomes x_{\alpha}.
        out.append("{" + _MATH_CHARS[ch] + "}" if ch in _MATH_CHARS else ch)
    return "".join(out)


def fragment_text(text: str) -> str:
    r"""Prose inside math mode: \text{…} runs, with specials set as math symbols."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(r"\text{" + "".join(run) + "}")
            run.clear()

    for ch in " ".join(text.splitlines()):
        if ch in _FRAGMENT_CHARS:
            flush()
            out.append(_FRAGMENT_CHARS[ch])
        elif ch in _MATH_CHARS:
            flush()
            out.append("{" + _MATH_CHARS[ch] + "}")
        elif ch.isascii() or _accented(ch):
            run.append(ch)  # MathJax shows é as is; LaTeX's utf8 input spells it
        else:
            flush()
            out.append(rf"\text{{[U+{ord(ch):04X}]}}")
    flush()
    return "".join(out) or r"\text{}"


def _verdict(verdict: Verdict) -> str:
    """A coloured badge and word, for text mode in the document."""
    key = verdict.value
    return rf"\derivebadge{{{key}}}{{${BADGES[key]}$ {key}}}"


def _fragment_verdict(verdict: Verdict) -> str:
    return rf"{BADGES[verdict.value]}\ \text{{{verdict.value}}}"


# ---------------------------------------------------------------------------
# The standalone document.

_PREAMBLE = r"""\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{color}
%(colours)s
\newcommand{\derivebadge}[2]{\textcolor{derive#1}{\textbf{#2}}}
\usepackage{graphicx}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5ex}
\sloppy\setlength{\emergencystretch}{3em}
\allowdisplaybreaks
% \derivefit{indent}{maths}: the maths on a line of its own after `indent`, scaled down
% only when it is wider than what is left of the line (so nothing runs off the page).
\newsavebox{\derivebox}
\newlength{\deriveroom}
\newcommand{\derivefit}[2]{\par\noindent\hspace*{#1}%
  \setlength{\deriveroom}{\linewidth}\addtolength{\deriveroom}{-#1}%
  \sbox{\derivebox}{$\displaystyle #2$}%
  \ifdim\wd\derivebox>\deriveroom\resizebox{\deriveroom}{!}{\usebox{\derivebox}}%
  \else\usebox{\derivebox}\fi\par}
"""


def _detail(d: Detail) -> str:
    value = f"${math(d.latex)}$" if d.latex is not None else escape_text(d.text)
    note = ""
    if d.note:
        note = " " + (rf"\textbf{{{escape_text(d.note)}}}" if d.key == "unstated"
                      else escape_text(d.note))
    return rf"\emph{{{escape_text(d.label)}:}} {value}{note}"


def _link_rows(links: tuple[Link, ...]) -> list[str]:
    # Per link: a line with its number, verdict and rule (the verdicts of an equation in one
    # column, right after the number), then the statement on lines of its own, cut at its
    # `=` (lhs, then "= rhs" indented), each scaled down only if still too wide; then
    # the details, small and indented. Nothing is wider than the text block.
    out: list[str] = []
    for link in links:
        rule = escape_text(f"by {link.rule}" if link.rule else "by (no rule named)")
        out.append(r"\medskip")
        out.append(rf"\noindent\makebox[2em][l]{{\textbf{{{link.position}.}}}}"
                   rf"\makebox[7.5em][l]{{{_verdict(link.verdict)}}} {rule}\par")
        out.append(rf"\derivefit{{2em}}{{{math(link.lhs)}}}")
        out.append(rf"\derivefit{{4em}}{{= {math(link.rhs)}}}")
        out += _small_details(shown_details(link))
    return out


def _small_details(items: list[Detail]) -> list[str]:
    """Details as a small indented block, outside an alignment."""
    if not items:
        return []
    return [r"{\small\leftskip=3em " + r"\par ".join(_detail(d) for d in items) + r"\par}"]


def prose(text: str) -> str:
    """Prose from the report: paired backticks (`=`) become typewriter code, the rest is
    escaped (a lone backtick is set as a grave accent, never as an opening quote)."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: none is code
        return escape_text(text).replace("`", r"{\char18}")
    return "".join(rf"\texttt{{{escape_text(p)}}}" if k % 2 else escape_text(p)
                   for k, p in enumerate(parts))


def _chain(chain: Chain) -> list[str]:
    head = (rf"\noindent\makebox[9.5em][l]{{{_verdict(chain.verdict)}}} "
            r"\textbf{Chain}, first side vs last:\par")
    return [r"\medskip", head, rf"\derivefit{{2em}}{{{math(chain.lhs)}}}",
            rf"\derivefit{{4em}}{{= {math(chain.rhs)}}}", *_small_details(shown_details(chain))]


def _verbatim(text: str) -> str:
    # Verbatim cannot hold commands, so non-ASCII becomes "?" (one column, which
    # keeps the caret under the right character).
    safe = "".join(ch if ch.isascii() else "?" for ch in text)
    return safe.replace(r"\end{verbatim}", r"\end {verbatim}")


def _error(err: SourceError) -> list[str]:
    return [r"\begin{verbatim}", _verbatim(err.located), r"\end{verbatim}"]


def _equation(eq: Equation) -> list[str]:
    kind = escape_text(eq.kind)
    if eq.kind == "definition" and eq.defines:
        kind = rf"definition of \texttt{{{escape_text(eq.defines)}}}"
    title = escape_text(eq.title)
    out = [rf"\subsection*{{Equation {title} $\cdot$ line {eq.line} $\cdot$ {kind}}}"]
    if (eq.kind == "definition" or not eq.links) and eq.kind != "error" and eq.latex:
        out.append(rf"\derivefit{{2em}}{{{math(eq.latex)}}}")
    for case in eq.cases:
        out.append(rf"\emph{{case:}} ${math(case.latex)}$\par")
    if eq.links:
        out += _link_rows(eq.links)
    if eq.chain is not None:
        out += _chain(eq.chain)
    out += [rf"\emph{{Note:}} {prose(n)}\par" for n in eq.notes]
    if eq.error is not None:
        out += _error(eq.error)
    return out + [""]


def _counts(report: Report) -> str:
    """The counts line (same words as counts_text), non-zero verdicts in colour."""
    parts = []
    for verdict, n in count_items(report):
        part = f"${BADGES[verdict.value]}$ {n} {verdict.value}"
        parts.append(rf"\derivebadge{{{verdict.value}}}{{{part}}}" if n else part)
    return f"{escape_text(links_noun(report))}: " + ", ".join(parts)


def render(report: Report) -> str:
    """The report as a standalone LaTeX document (compiles with pdflatex)."""
    colours = "\n".join(rf"\definecolor{{derive{k}}}{{rgb}}{{{v}}}" for k, v in COLOURS.items())
    out = [_PREAMBLE.replace("%(colours)s", colours).rstrip("\n"), r"\begin{document}",
           rf"\section*{{derive: {escape_text(heading(report))}}}"]
    if report.source:
        out.append(rf"Source: \texttt{{{escape_text(report.source)}}}\par")
    if report.assumptions:
        out.append("Assumes " + ", ".join(f"${math(a.latex)}$" for a in report.assumptions)
                   + r".\par")
    out.append("")
    for eq in report.equations:
        out += _equation(eq)
    if not report.equations:
        out += [r"\emph{No display equations found.}", ""]
    if report.errors:
        out.append(r"\subsection*{Reading errors}")
        for err in report.errors:
            out += _error(err)
        out.append("")
    out += [r"\section*{Summary}", _counts(report) + r"\par"]
    errs = errors_count_text(report)
    if errs:
        out.append(rf"\derivebadge{{refuted}}{{{escape_text(errs)}}}\par")
    if report.summary:  # one sentence an item: they are not written to run on
        # $\bullet$: the text bullet would need TS1 fonts (bitmaps on a basic TeX Live)
        out += [r"\begin{itemize}"] + [rf"\item[$\bullet$] {prose(s)}" for s in report.summary]
        out.append(r"\end{itemize}")
    out += [rf"\emph{{Note:}} {prose(n)}\par" for n in report.notes]
    out += [r"\end{document}", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# The Jupyter fragment.


def _fragment_detail(d: Detail) -> str:
    value = math(d.latex) if d.latex is not None else fragment_text(d.text)
    note = rf"\ {fragment_text(d.note)}" if d.note else ""
    return rf"\quad {fragment_text(d.label + ': ')}{value}{note}"


def render_fragment(report: Report) -> str:
    r"""A `$$\begin{array}…$$` block for `_repr_latex_`: every link, its verdict and details."""
    rows: list[str] = []

    def row(*cells: str) -> None:
        rows.append(" & ".join(cells + ("",) * (4 - len(cells))) + r" \\")

    row(r"\textbf{derive}", fragment_text(heading(report)))
    for eq in report.equations:
        kind = eq.kind + (f" of {eq.defines}" if eq.kind == "definition" and eq.defines else "")
        title = escape_text(eq.title)
        row(rf"\textbf{{Equation {title}}}", fragment_text(f"line {eq.line}, {kind}"))
        if (eq.kind == "definition" or not eq.links) and eq.kind != "error" and eq.latex:
            row("", math(eq.latex))
        for case in eq.cases:
            row("", fragment_text("case: ") + math(case.latex))
        for link in eq.links:
            rule = f"by {link.rule}" if link.rule else "by (no rule named)"
            row(rf"\text{{{link.position}.}}", f"{math(link.lhs)} = {math(link.rhs)}",
                fragment_text(rule), _fragment_verdict(link.verdict))
            for d in shown_details(link):
                row("", _fragment_detail(d))
        if eq.chain is not None:
            chain = eq.chain
            row(r"\text{chain}", f"{math(chain.lhs)} = {math(chain.rhs)}",
                fragment_text("first side vs last"), _fragment_verdict(chain.verdict))
            for d in shown_details(chain):
                row("", _fragment_detail(d))
        for note in eq.notes:
            row("", fragment_text(f"note: {note}"))
        if eq.error is not None:
            row("", fragment_text(f"reading error: {eq.error.located.splitlines()[0]}"))
    for err in report.errors:
        row(r"\textbf{Error}", fragment_text(f"reading error: {err.located.splitlines()[0]}"))
    parts = ", ".join(rf"{BADGES[v.value]}\ \text{{{n} {v.value}}}" for v, n in count_items(report))
    row(r"\textbf{Summary}", rf"\text{{{links_noun(report)}:}}\ {parts}")
    errs = errors_count_text(report)
    if errs:
        row("", fragment_text(errs))
    for sentence in report.summary:
        row("", fragment_text(sentence))
    for note in report.notes:
        row("", fragment_text(f"note: {note}"))
    rows[-1] = rows[-1].removesuffix(r" \\")
    return "$$\n\\begin{array}{rlll}\n" + "\n".join(rows) + "\n\\end{array}\n$$"

"""How a name is spelled in plain text, and the marks inside the names the reader makes.

Owns the spelling of names (``\\sigma`` → σ, ``\\hat{y}`` → ŷ), the marks on a family of
samples (``x^{(i)}``) and on a function of a family taken entry by entry (``s(x)_i``), and
the separators written between the arguments of an application (``P(a \\mid b)``,
``\\mathrm{KL}(P \\| Q)``, ``q(z; \\mu, \\sigma)``). Plain strings only: no tree, no sympy.
"""

from __future__ import annotations

import re

#: the mark on a family of samples: x^{(i)} is Sym("x" + SAMPLE, (i,)), apart from x_i
SAMPLE = "^{()}"
#: the mark on a function of a family taken entry by entry: s(x)_i is Sym("s" + APPLIED + "x")
APPLIED = "@"
#: the mark on a class label written as an index: f_{y_i} is f_ℓ with ℓ = Sym("y" + LABEL + "i")
LABEL = "#"


def label_parts(name: str) -> tuple[str, str] | None:
    """("y", "i") for the label y_i written as an index (f_{y_i}), else None."""
    if LABEL not in name:
        return None
    base, sub = name.split(LABEL, 1)
    return base, sub


def applied_parts(name: str) -> tuple[str, str] | None:
    """("s", "x") for the family s(x) of entries s(x)_i, else None."""
    if APPLIED not in name:
        return None
    func, arg = name.split(APPLIED, 1)
    return func, arg



#: separators between arguments that are part of an application's meaning: the bar of a
#: condition, P(a | b), and the double bar of a divergence, KL(P ‖ Q) (a comma or a
#: semicolon, q(z; μ, σ), only lists arguments)
CONDITION, DIVERGENCE = "|", "‖"
#: an entry with number subscripts among a value's parameters: \theta_0, W_1_2
_ENTRY = re.compile(r"(.+?)((?:_[0-9]+)+)")
#: the separator of \mathbb{1}(x \ge y) (reading.bigops.step): the inequality, as LaTeX
STEP_LATEX = {"≥": "\\ge", "≤": "\\le", ">": ">", "<": "<"}


def separators_latex(seps: tuple[str, ...], style: tuple[str, ...], count: int) -> list[str]:
    """The LaTeX written between ``count`` arguments: as the author wrote it (``style``),
    else from the meaning (``seps``), else commas."""
    if len(style) == count - 1:
        return list(style)
    if len(seps) == count - 1:
        return [{CONDITION: " \\mid ", DIVERGENCE: " \\| "}.get(
            s, f" {STEP_LATEX[s]} " if s in STEP_LATEX else ", ") for s in seps]
    return [", "] * (count - 1)


def separators_text(seps: tuple[str, ...], style: tuple[str, ...], count: int) -> list[str]:
    out = [{CONDITION: " | ", DIVERGENCE: " ‖ "}.get(s, f" {s} " if s in STEP_LATEX else ", ")
           for s in seps] \
        if len(seps) == count - 1 else [", "] * (count - 1)
    if len(style) == count - 1:  # a semicolon is kept as written
        out = ["; " if w.strip() == ";" else o for w, o in zip(style, out)]
    return out


_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ",
}


_ACCENT_MARKS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "check": "\u030c"}


def _bold(text: str) -> str:
    """A vector's name in bold letters (𝐱, 𝛉), apart from the scalar of the same letter;
    a letter with no bold form (an accented one) stays as it is."""
    import unicodedata

    out = []
    for ch in text:
        try:
            kind = "CAPITAL" if ch.isupper() else "SMALL"
            name = unicodedata.name(ch).split()[-1]
            out.append(unicodedata.lookup(f"MATHEMATICAL BOLD {kind} {name}"))
        except (KeyError, ValueError):
            out.append(ch)
    return "".join(out)


def _arg_text(arg: str) -> str:
    """A parameter in the name of a value: a name, or an entry, θ_0 (kept as "\\theta_0")."""
    m = _ENTRY.fullmatch(arg)
    if m is None:
        return name_text(arg)
    subs = m.group(2).split("_")[1:]
    return name_text(m.group(1)) + "_" + (subs[0] if len(subs) == 1 else "{" + ",".join(subs) + "}")


#: a macro in the LaTeX of a data set, \{y_n, \mathbf{x}_n\}_{n=1}^{N}
_MACRO_IN_SET = re.compile(r"\\[A-Za-z]+(?:\{[^{}]*\})?")


def split_parameters(text: str) -> list[str]:
    """The parameters in a value's name, ``y,\\hat{y}``: split at the commas outside braces
    (a data set's own commas, ``\\{y_n, x_n\\}``, stay inside it)."""
    out, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "{(":
            depth += 1
        elif ch in "})":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:k])
            start = k + 1
    out.append(text[start:])
    return out


def join_parameters(shown) -> str:
    """Parameters as printed: by commas, and a ';' before a data set (L(𝛃; {y_n, 𝐱_n}))."""
    out = ""
    for k, text in enumerate(shown):
        out += ("; " if text.startswith("{") else ", ") + text if k else text
    return out


def data_set_text(name: str) -> str:
    """A data set's name (its LaTeX) in plain text: {y_n, 𝐱_n}_{n=1}^{N}."""
    body = name.replace("\\{", "{").replace("\\}", "}")
    return _MACRO_IN_SET.sub(lambda m: name_text(m.group(0)), body)


def name_text(name: str) -> str:
    if name.startswith("\\{"):  # a data set (reading.applications.data_set)
        return data_set_text(name)
    parts = applied_parts(name)
    if parts is not None:
        # (a defined function of several vectors, l(y, ŷ): its parameters, by commas)
        shown = map(_arg_text, split_parameters(parts[1]))
        return f"{name_text(parts[0])}({join_parameters(shown)})"
    if name.endswith(SAMPLE):
        return name_text(name[:-len(SAMPLE)]) + "^(·)"
    label = label_parts(name)
    if label is not None:
        return f"{name_text(label[0])}_{name_text(label[1])}"
    if len(name) > 2 and name[0] == name[-1] == "|":  # a size, |o|, |𝒳|
        return f"|{name_text(name[1:-1])}|"
    if not name.startswith("\\"):
        return name
    bare = name[1:]
    if "{" in bare:  # an accented or calligraphic name: \hat{y} → ŷ, \mathcal{L} → 𝓛-like L
        accent, letter = bare[:-1].split("{", 1)
        letter = name_text(letter)
        if accent == "mathcal":
            return letter
        if accent in ("mathbf", "boldsymbol", "bm", "vec"):
            return _bold(letter)
        return letter + _ACCENT_MARKS.get(accent, "")
    return _GREEK.get(bare, bare)

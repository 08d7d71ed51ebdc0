"""Named operators derive knows without a definition: sigmoid, softplus and softmax's entries.

Owns :data:`OPERATORS` (each operator's definition, written in LaTeX as a document would
write it) and :func:`builtin_definitions`, which picks the definitions a document needs: an
operator it applies but never defines itself (`\\operatorname{sigmoid}(x)`,
`\\mathrm{softmax}(z)_i`, spelled with `\\operatorname`, `\\mathrm` or `\\text`). The reader
reads those texts like the document's own definitions, ahead of it, and notes each use. A
document's own definition of the name always wins. :data:`PRIMITIVES` are the operators read
as themselves, never defined (``\\max(x, y)``, ``\\min(x, y)``: the translator gives sympy's
Max and Min, and engine.domain notes that their derivative needs the arguments apart).
No sympy here.
"""

from __future__ import annotations

from derive.reading.names import applied_parts
from derive.reading.naming import free_names
from derive.reading.parser import parse_chain
from derive.reading.scope import Definition, Env, ReadError, definition_head, resolve
from derive.reading.syntax import Apply, Node, Sym, name_text, walk

#: operator name -> its definition, for an argument u (a scalar) or a family z (entries)
OPERATORS = {
    "\\operatorname{sigmoid}": "\\operatorname{sigmoid}(u) = \\frac{1}{1 + e^{-u}}",
    "\\operatorname{softplus}": "\\operatorname{softplus}(u) = \\log(1 + e^{u})",
    # hyperbolic secant and cosecant, which LaTeX has no command for
    "\\operatorname{sech}": "\\operatorname{sech}(u) = \\frac{1}{\\cosh u}",
    "\\operatorname{csch}": "\\operatorname{csch}(u) = \\frac{1}{\\sinh u}",
}
#: operators of a family, defined entry by entry for the family they are applied to
ENTRYWISE = {
    "\\operatorname{softmax}": (
        "\\operatorname{softmax}(§)_{@i} = \\frac{e^{§_{@i}}}{\\sum_j e^{§_{@j}}}"
    ),
    # a scalar operator at a vector is taken entry by entry, as σ(\mathbf{z})_i = σ(z_i)
    "\\operatorname{sigmoid}": "\\operatorname{sigmoid}(§)_{@i} = \\frac{1}{1 + e^{-§_{@i}}}",
    "\\operatorname{softplus}": "\\operatorname{softplus}(§)_{@i} = \\log(1 + e^{§_{@i}})",
}
#: the leading index of an entry at a vector of a family, softmax(\mathbf{z}_n)_k (entry r, i)
_FAMILY_INDEX = "r "


def entrywise_text(func: str, arg: str, indices: int) -> str | None:
    """The definition of the entries of ``func`` at the vector ``arg`` (of a family of
    vectors when ``indices`` is 2), or None when it has no such built-in reading."""
    if func not in ENTRYWISE or indices not in (1, 2):
        return None
    lead = _FAMILY_INDEX if indices == 2 else ""
    return ENTRYWISE[func].replace("§", arg).replace("@", lead)

#: operators read as themselves (sympy's Max and Min), never defined by a document
PRIMITIVES = {
    "\\operatorname{max}": "\\max(u, v, …), the largest argument (where two tie, it has no "
                            "derivative)",
    "\\operatorname{min}": "\\min(u, v, …), the smallest argument (where two tie, it has no "
                            "derivative)",
    "\\mathbb{1}": "\\mathbb{1}(u \\ge v), 1 where the inequality holds, else 0",
}


def builtin_definitions(trees: list[Node], defined: set[str]) -> list[tuple[str, str]]:
    """(name, LaTeX definition) for every built-in operator the trees use and the document
    does not define (``defined``: the names its definitions give)."""
    out: dict[str, str] = {}
    for tree in trees:
        for n in walk(tree):
            if isinstance(n, Apply) and n.func.name in OPERATORS and not n.seps:
                out.setdefault(n.func.name, OPERATORS[n.func.name])
            elif isinstance(n, Sym) and (parts := applied_parts(n.name)) is not None:
                func, arg = parts
                text = entrywise_text(func, arg, len(n.sub))
                if text is not None and arg.isalpha() and len(arg) == 1:
                    out.setdefault(n.name, text)
    return [(name, text) for name, text in out.items() if name not in defined]


def builtin_note(sides: tuple[Node, ...], builtins: dict[str, str]) -> tuple[str, ...]:
    """The note on an equation that uses a built-in operator."""
    used = sorted({n.func.name if isinstance(n, Apply) else n.name for s in sides
                   for n in walk(s) if (isinstance(n, Apply) and n.func.name in builtins) or
                   (isinstance(n, Sym) and n.name in builtins)})
    return tuple(f"{name_text(u).split('@')[0]} is built in: {builtins[u]}" for u in used)


def define_builtins(env: Env, sides: tuple[Node, ...], builtins: dict[str, str]) -> Env:
    """Define the built-in operators these sides use, where they are first used (so that
    their bodies see the definitions in force there, as a definition written there would)."""
    for name in sorted(set(builtins) - set(env.definitions)):
        if builtin_note(sides, {name: builtins[name]}):
            (lhs, _, _), (body, _, _) = parse_chain(builtins[name])
            head = definition_head(lhs, env)
            if head is None:
                continue
            try:
                reading = resolve([body], env)
            except ReadError as exc:
                raise ReadError(f"{name_text(name).split('@')[0]} is built in as "
                                f"{builtins[name]}; reading it here: {exc.message}", 0) from None
            env = reading.env
            env = env.define(Definition(
                head[0], head[1], head[2], reading.sides[0], 0, 0, lhs, env,
                {k: v for k, v in reading.ranges.items() if k not in head[2]},
                free=free_names(reading.sides[0], env, head[2])))
    return env

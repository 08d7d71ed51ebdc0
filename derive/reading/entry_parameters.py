"""A function defined of entries of a family: ``J(\\theta_0, \\theta_1) = …``.

Owns the reading of a definition whose head applies a name to entries with number
subscripts (``\\mathcal{L}(\\hat{\\beta}_0, \\hat{\\beta}_1)``, ``J(\\theta_0, \\theta_1)``,
plain names beside them allowed). The application names what the function depends on, so it
is read as the value the definition gives, one name (``Sym("J@\\theta_0,\\theta_1")``), as
``s(\\mathbf{x})_i`` names a family: written again with the same arguments, in a claim or a
derivative ``\\frac{\\partial J(\\theta_0, \\theta_1)}{\\partial \\theta_0}``, it is that
value. The same name applied to other arguments is left alone: an unknown function, whose
links stay unknown (its body is never taken at other arguments silently). A name that also
has a definition of as many plain parameters (``J(a, b) = …``) is left alone too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace

from derive.reading.names import APPLIED
from derive.reading.syntax import Apply, Node, Num, Sym

#: how an entry's subscript is kept in the name of the value: θ_0 is "\theta_0"
ENTRY_MARK = "_"


def _entry(node: Node) -> bool:
    return isinstance(node, Sym) and node.case is None and bool(node.sub) and \
        all(isinstance(s, Num) and s.text.isdigit() for s in node.sub)


def _plain(node: Node) -> bool:
    return isinstance(node, Sym) and node.case is None and not node.sub


def _arg_key(node: Sym) -> str:
    return node.name + "".join(ENTRY_MARK + s.text for s in node.sub)  # type: ignore[attr-defined]


def entry_head(node: Node) -> tuple[str, str] | None:
    """(function, value name) when ``node`` is ``F(a_0, b, …)``: F a plain name, every
    argument a plain name or an entry with number subscripts, at least one entry, all
    different; else None."""
    if not (isinstance(node, Apply) and not node.primes and not node.seps and
            node.brackets == "(" and _plain(node.func) and node.args):
        return None
    if not all(_entry(a) or _plain(a) for a in node.args) or not any(map(_entry, node.args)):
        return None
    keys = [_arg_key(a) for a in node.args]  # type: ignore[arg-type]  # all Syms (above)
    if len(set(keys)) != len(keys) or any("," in k or APPLIED in k for k in keys):
        return None
    return node.func.name, node.func.name + APPLIED + ",".join(keys)


def _plain_head(node: Node) -> tuple[str, int] | None:
    """(F, number of arguments) when ``node`` is ``F(a, b)``, a function's definition head."""
    if isinstance(node, Apply) and _plain(node.func) and node.args and \
            all(_plain(a) for a in node.args):
        return node.func.name, len(node.args)
    return None


def values_named(heads: Iterable[Node]) -> dict[str, str]:
    """The value names to read, from the heads of the document's definitions: the name of
    each ``F(θ_0, θ_1)`` head, unless F is also defined of as many plain parameters, or at another
    list of entries."""
    heads = list(heads)
    plain = {n for n in map(_plain_head, heads) if n is not None}
    # (F of another number of arguments is another function, as L(β̂) beside L(β̂_0, β̂_1))
    found = [f for f in map(entry_head, heads)
             if f is not None and (f[0], f[1].count(",") + 1) not in plain]
    # (F defined at two lists of entries, J(θ_0, θ_1) and J(θ_1, θ_0), says something about
    # F itself: neither is named, both stay applications of an unknown function)
    lists: dict[str, set[str]] = {}
    for function, value in found:
        lists.setdefault(function, set()).add(value)
    return {value: function for function, value in found if len(lists[function]) == 1}


def name_values(node: Node, names: dict[str, str]) -> Node:
    """``node`` with every application ``F(θ_0, θ_1)`` whose value is named (``names``, from
    :func:`values_named`) read as that name."""
    if isinstance(node, Apply):
        found = entry_head(node)
        if found is not None and found[1] in names:
            return Sym(found[1], pos=node.pos)
    changes: dict[str, object] = {}
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            new = name_values(value, names)
            if new is not value:
                changes[f.name] = new
        elif isinstance(value, tuple) and value and all(isinstance(v, Node) for v in value):
            items = tuple(name_values(v, names) for v in value)
            if any(a is not b for a, b in zip(items, value)):
                changes[f.name] = items
    return replace(node, **changes) if changes else node  # type: ignore[arg-type]

"""What a name in a document is: a known function, an unknown one, or a refused guess.

Owns the document-wide judgements about names that the reader makes before reading each
equation: which names are unknown functions (written only applied, never defined), whether
``dw`` on a left side is a name or a product, and that a definition does not use its own
name. No sympy here.
"""

from __future__ import annotations

from typing import Any

from derive.reading.scope import Env, ReadError
from derive.reading.syntax import DIVERGENCE, Node, Sym, name_text
from derive.reading.syntax import children as _children
from derive.records import frozen

CONSTANTS = frozenset({"\\pi", "e"})


def applied_only(trees: list[Node]) -> frozenset[str]:
    """Names written applied somewhere, f(x) and f'(x), and never alone nor with a subscript
    (dg/dx, a derivative of the name, is not alone): such a name is never a factor."""
    from derive.reading.syntax import Apply, Deriv

    applied: set[str] = set()
    alone: set[str] = set()

    def visit(node: Node) -> None:
        if isinstance(node, Apply):
            if not node.func.sub and node.func.case is None:
                applied.add(node.func.name)
            for arg in node.args:
                if DIVERGENCE in node.seps and isinstance(arg, Sym) and not arg.sub:
                    continue  # KL(q ‖ p): q and p are distributions named, not factors
                visit(arg)
            return
        if isinstance(node, Deriv) and not node.operator and isinstance(node.expr, Sym) and \
                not node.expr.sub and node.expr.case is None:
            return  # dg/dx, dg/dh: g's derivative names g (and h) as functions may be
        if isinstance(node, Sym):
            alone.add(node.name)
        for child in _children(node):
            visit(child)

    for tree in trees:
        visit(tree)
    return frozenset(applied - alone)


def written_bare(trees: list[Node]) -> frozenset[str]:
    """Names written somewhere alone, without a subscript and not as the name of an
    application: p in p y_n (not p in p(y_n), nor p_n)."""
    from derive.reading.syntax import Apply

    out: set[str] = set()

    def visit(node: Node) -> None:
        if isinstance(node, Apply):
            kids = node.args if not node.func.sub else (node.func, *node.args)
        else:
            if isinstance(node, Sym) and not node.sub:
                out.add(node.name)
            kids = _children(node)
        for child in kids:
            visit(child)

    for tree in trees:
        visit(tree)
    return frozenset(out)


@frozen
class NameUses:
    """How names are written across a document, beyond definitions."""

    values: frozenset[str]  # alone, as a value, outside subscripts: i in i(i + 1), Σ_i i
    entries: frozenset[str]  # with a subscript, as a value: y in y_k (not h in h_θ(x))
    # applied to names, entries or whole vectors, as the left side of an equation whose other
    # sides do not apply it: P in P(X | θ) = θ^9 (1 − θ)^4, f in f(s_i) = …, the shape of a
    # definition, so the function is not arbitrary even where no definition is read (f in
    # f(x + ε) = g(x + ε) + h(x + ε), P in P(a | b) = P(b | a) are claims about them)
    stated: frozenset[str]
    # applied with a condition or a divergence, or in square brackets: P(a | b), KL(q ‖ p),
    # H[P]: probability notation, whose functions the laws of probability tie together
    probability: frozenset[str]


def _named(arg: Node) -> bool:
    """A name, an entry (s_i) or a whole vector (\\mathbf{x}, lowered to its entries)."""
    from derive.reading.syntax import BigOp

    return isinstance(arg, Sym) or (isinstance(arg, BigOp) and arg.kind == "vec" and
                                    isinstance(arg.body, Sym))


def name_uses(chains: list[list[Node]]) -> NameUses:
    """How each name is written in ``chains``, the sides of every equation read."""
    from derive.reading.syntax import Apply, BigOp, walk

    alone: set[str] = set()
    indexed: set[str] = set()

    def visit(node: Node) -> None:
        if isinstance(node, Sym):
            (indexed if node.sub else alone).add(node.name)
            for part in node.sub:  # what a subscript holds is an index, not a value
                if not isinstance(part, Sym):
                    visit(part)
                elif part.sub:
                    indexed.add(part.name)
            return
        if isinstance(node, Apply):
            for arg in node.args:
                visit(arg)
            return
        if isinstance(node, BigOp):
            alone.update([node.index] if node.index else [])
        for child in _children(node):
            visit(child)

    for chain in chains:
        for tree in chain:
            visit(tree)
    stated = frozenset(head.func.name for head, *rest in (c for c in chains if len(c) >= 2)
                       if isinstance(head, Apply) and not head.primes and
                       all(_named(a) for a in head.args) and
                       not any(isinstance(n, Apply) and n.func.name == head.func.name
                               for side in rest for n in walk(side)))
    probability = frozenset(n.func.name for chain in chains for tree in chain
                            for n in walk(tree) if isinstance(n, Apply) and
                            (n.seps or n.brackets == "["))
    return NameUses(frozenset(alone), frozenset(indexed), stated, probability)


def env_fields(uses: NameUses) -> dict[str, Any]:
    """``uses`` as the :class:`~derive.reading.scope.Env` fields of the same names."""
    from dataclasses import fields

    return {f.name: getattr(uses, f.name) for f in fields(uses)}


def unknown_functions(only_applied: frozenset[str], heads: set[Node],
                      taken: set[str]) -> frozenset[str]:
    """Of the names only ever written applied (:func:`applied_only`), those never defined
    or declared: unknown functions of their arguments, so a claim about them must hold for
    every such function. (A name also written alone, as a in a(b + c) = ab + ac, stays a
    factor; and a proof for every function holds for u ↦ a·u too.)"""
    defined = _defined_names(heads)
    return frozenset(n for n in only_applied - defined - taken
                     if n not in CONSTANTS and n != "d")


def _defined_names(heads: set[Node], primed: bool = True) -> set[str]:
    from derive.reading.syntax import Apply

    defined: set[str] = set()
    for head in heads:  # definition-shaped left sides: f(x), σ(z) (not f(x + y) = …)
        if isinstance(head, Apply) and (primed or not head.primes) and not head.seps and all(
                isinstance(a, Sym) and not a.sub for a in head.args):
            defined.add(head.func.name)
        elif isinstance(head, Sym):
            defined.add(head.name)
    return defined


def functions_defined_later(only_applied: frozenset[str], heads: set[Node],
                            taken: set[str]) -> frozenset[str]:
    """Names only written applied that the document defines somewhere (f(u) = \\sin u). Used
    before that definition (the chain rule for a general f, then an example), such a name is
    an arbitrary function there, never f times its argument: what is proved there holds for
    every f, the later one included."""
    return frozenset(n for n in only_applied & _defined_names(heads, primed=False) - taken
                     if n not in CONSTANTS and n != "d")


def used_before_definition(sides: tuple[Node, ...], later: frozenset[str],
                           defined: dict) -> tuple[str, ...]:
    """The note on an equation that applies a function defined only further on."""
    from derive.reading.syntax import Apply, walk

    head = sides[0] if sides else None
    if isinstance(head, Apply) and not head.primes and all(
            isinstance(a, Sym) and not a.sub for a in head.args):
        sides = sides[1:]  # f(u) = … is the definition itself
    used = sorted({n.func.name for s in sides for n in walk(s)
                   if isinstance(n, Apply) and n.func.name in later and
                   n.func.name not in defined})
    if not used:
        return ()
    names = ", ".join(name_text(n) for n in used)
    return (f"{names} {'is' if len(used) == 1 else 'are'} defined only further on: here "
            f"read as {'an arbitrary function' if len(used) == 1 else 'arbitrary functions'}"
            ", so this must hold for every such function",)


def unknown_function_notes(sides: tuple[Node, ...], unknown: frozenset[str]) -> tuple[str, ...]:
    from derive.reading.syntax import Apply, walk

    apps = [n for s in sides for n in walk(s) if isinstance(n, Apply) and n.func.name in unknown]
    used = sorted({n.func.name for n in apps})
    if not used:
        return ()
    several = any(len(n.args) > 1 for n in apps)
    names = ", ".join(name_text(n) for n in used)
    return (f"{names} {'is' if len(used) == 1 else 'are'} not defined: read as unknown "
            f"function{'' if len(used) == 1 else 's'} of {'its' if len(used) == 1 else 'their'} "
            f"argument{'' if len(used) == 1 and not several else 's'}, so this must hold for "
            "every such "
            "function (declare one under derive: functions, or write a \\cdot (…) for a "
            "product)",)

def no_name_or_product(lhs: Node, env: Env) -> None:
    """``dw = …`` with neither d nor w defined: the name dw, or the product d·w? Written on
    the left of an equation, as people name a gradient, it is refused rather than guessed."""
    from derive.reading.syntax import Mul

    if not (isinstance(lhs, Mul) and all(op == "" for op in lhs.ops)):
        return
    letters = lhs.factors
    # (only d and a letter: dw, dz, db name gradients in ML notes; ab = ba stays a product)
    if len(letters) == 2 and isinstance(letters[0], Sym) and letters[0].name == "d" and all(
            isinstance(f, Sym) and not f.sub and f.case is None and len(f.name) == 1
            and f.name not in env.definitions for f in letters):
        word = "".join(f.name for f in letters if isinstance(f, Sym))
        spaced = " \\cdot ".join(word)
        raise ReadError(f"'{word}' on the left of '=' could be one name or the product "
                        f"{spaced}: write \\mathit{{{word}}} (or \\text{{{word}}}) for a name, "
                        f"or {spaced} for a product", lhs.pos)

def no_self_reference(name: str, kind: str, body: Node) -> None:
    """D = D + 1 defines nothing: a definition cannot use its own name."""
    from derive.reading.syntax import Apply, walk

    for n in walk(body):
        hit = (isinstance(n, Sym) and n.name == name and bool(n.sub) == (kind == "family")
               and kind != "function") or (isinstance(n, Apply) and n.func.name == name)
        if hit:
            raise ReadError(f"the definition of {name_text(name)} uses {name_text(name)} "
                            "itself: a definition cannot use its own name (for an update "
                            f"rule, write {name_text(name)} := …)", n.pos)


def free_names(body: Node, env: Env, params: tuple[str, ...]) -> frozenset[str]:
    """The names a definition's body reads as the document's free variables, its own and
    those of the definitions it uses (at its point of the document). If one of them is
    defined later (``L = z^2``, then ``z = 3w``), an expansion of the body past that point
    is undetermined: z was free in L, but the document now says what z is."""
    from derive.reading.syntax import Apply, BigOp

    out: set[str] = set()
    bound: set[str] = set(params)

    def visit(node: Node) -> None:
        if isinstance(node, BigOp) and node.index:
            bound.add(node.index)
        if isinstance(node, Apply):
            d = env.definitions.get(node.func.name)
            if d is not None:
                out.update(d.free)
            for kid in _children(node)[1:]:
                visit(kid)
            return
        if isinstance(node, Sym):
            d = env.definitions.get(node.name)
            if d is not None:
                out.update(d.free)
            elif node.name not in CONSTANTS and node.name not in env.constants:
                out.add(node.name)
        for kid in _children(node):
            visit(kid)

    visit(body)
    return frozenset(out - bound - env.indices - env.sizes - set(env.failed))


def definitions_first(parts: list[tuple[str | None, frozenset[str]]]) -> list[int]:
    """The order to read the equations of one list display in (``p_i = σ(z_i), \\quad
    σ(z) = \\frac{1}{1 + e^{-z}}``): each given as (the name its left side defines, the
    names its other sides use), a part that defines a name before the parts that use it,
    otherwise as written. A cycle, or a name defined twice in the list, keeps the written
    order."""
    order: list[int] = []
    placed: set[int] = set()
    visiting: set[int] = set()
    named = [head for head, _ in parts if head is not None]
    if len(named) != len(set(named)):  # x := 3, y = x^2, x := 4: as written
        return list(range(len(parts)))
    heads = {head: k for k, (head, _) in enumerate(parts) if head is not None}

    def place(k: int) -> None:
        if k in placed or k in visiting:
            return
        visiting.add(k)
        for name in sorted(parts[k][1]):
            j = heads.get(name)
            if j is not None and j != k:
                place(j)
        visiting.discard(k)
        placed.add(k)
        order.append(k)

    for k in range(len(parts)):
        place(k)
    return order


def names_in(tree: Node) -> set[str]:
    """Every name written in ``tree``, alone, with a subscript or applied."""
    from derive.reading.syntax import walk

    return {n.name for n in walk(tree) if isinstance(n, Sym)}


def claimed_before_note(name: str, line: int) -> str:
    """The note on ``name = …`` after a claim (at ``line``) that writes ``name`` as a value."""
    return (f"{name_text(name)} is written in a claim before (line {line}), so this is a claim "
            "about it, not its definition (define it first, or with :=)")


def values_written(trees: tuple[Node, ...]) -> set[str]:
    """The names ``trees`` write as values (alone or with a subscript), not applied."""
    from derive.reading.syntax import Apply, walk

    heads = {id(n.func) for t in trees for n in walk(t) if isinstance(n, Apply)}
    return {n.name for t in trees for n in walk(t) if isinstance(n, Sym) and id(n) not in heads}


def function_head(lhs: Node) -> bool:
    """f(x, y) = … before an arrow defines f (a condition is never written on a function's
    parameters): ``f(x,y) = x y \\rightarrow \\frac{\\partial f}{\\partial x} = y``."""
    from derive.reading.syntax import Apply

    return isinstance(lhs, Apply) and not lhs.primes and all(
        isinstance(a, Sym) and not a.sub for a in lhs.args)


def defined_name(lhs: Node | None) -> str | None:
    """The name a definition-shaped left side gives: f for f(x) = …, y for y_i = …."""
    from derive.reading.syntax import Apply

    if isinstance(lhs, Apply):
        return lhs.func.name
    return lhs.name if isinstance(lhs, Sym) else None


def differentiated_alone(trees: list[Node]) -> frozenset[str]:
    """The names written differentiated on their own somewhere, by something else: y in
    ∂y_j/∂z_i, L in ∂L/∂w."""
    from derive.reading.syntax import Deriv, Paren, walk

    out = set()
    for tree in trees:
        for node in walk(tree):
            if isinstance(node, Deriv):
                expr = node.expr
                while isinstance(expr, Paren):
                    expr = expr.inner
                # (∂z_k/∂z_i, by an element of its own family, says nothing about z)
                if isinstance(expr, Sym) and expr.case is None and \
                        all(v.name != expr.name for v in node.wrt):
                    out.add(expr.name)
    return frozenset(out)


def dot_product_note(chain: list[tuple[Node, str, int]]) -> tuple[str, ...]:
    """The note on a chain where a '.' between two factors is read as a product."""
    from derive.reading.syntax import Mul, walk

    if any(isinstance(n, Mul) and "." in n.ops for t, _, _ in chain for n in walk(t)):
        return ("a '.' between two factors (df.\\frac{…}{…}, a . b) is read as a product; "
                "write \\cdot to say so",)
    return ()

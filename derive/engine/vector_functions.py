"""Unknown scalar functions of whole vectors, in sympy: l(o, y) and its partial derivatives.

Owns the sympy objects of an application ``l(\\mathbf{o}, y)`` of a function the document
never defines to whole vectors (lowered by :mod:`derive.reading.vector_functions`), and
their derivatives:

* :class:`VectorApply` ``(name, args…)`` is the value of l at its arguments: a vector argument
  is a :class:`Whole` ``(o, lo, hi)`` (the family o over lo..hi), a scalar one is itself. It is
  opaque: two applications are the same value only when name and arguments are the same.
* :class:`Partial` ``(g, q, j)`` is the j-th partial derivative of g (an application, or a
  partial of one) by its q-th argument, a vector, at the same point; ``(g, q)`` by a scalar
  argument. It too is a value of its own: ∂l/∂o_j and ∂l/∂o_k are never identified.
* :class:`Block` is a whole matrix, or a whole row of a family of more indices (the sample
  𝐱^{(i)}), as an argument: no derivative by its entries is taken, and one with a definition
  is not read (:func:`block`), since its value would hide what it depends on.
* While a derivative is being taken, a vector that has a definition and is not held as a
  variable (o = W h, differentiated by h_j) carries its entries: ``Whole(o, lo, hi, e, m)``
  with e the grounded entry o_m, so that the chain rule Σ_m ∂l/∂o_m · ∂o_m/∂h_j is taken
  through it (:func:`derivative`). :func:`settle` drops the entries once every derivative is
  taken: the point is the vector o itself, whatever it is defined as.

Numbers never stand in for these values: :mod:`derive.engine.numeric` cannot evaluate them
and declines, so a link with one is proved symbolically or stays unknown. Only to say why a
wrong step is wrong, :func:`with_stand_ins` puts a concrete function in (an exponential whose
every partial is known), as :mod:`derive.engine.standins` does for unknown functions of
scalars: a step that fails for it is not true for every function, and stays unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING

import sympy as sp
from sympy.core.symbol import Str

if TYPE_CHECKING:
    from derive.engine.translate import Translator
    from derive.reading.syntax import Node


class Opaque(sp.Function):
    """A value sympy never evaluates nor differentiates on its own."""

    is_commutative = True

    @classmethod
    def eval(cls, *args):  # sympy's hook for automatic evaluation (not Python's eval): none
        return None

    def _eval_is_extended_real(self) -> bool:
        return True

    def _eval_derivative(self, s):  # sympy's chain rule (sin(l(o)) by o_j) lands here
        from derive.engine.translate import differentiate

        return derivative(self, s, differentiate)


class _Given(sp.Function):
    """A family given whole to a function (never a sum), named by its base (args[0])."""

    @classmethod
    def eval(cls, *args):  # sympy's hook for automatic evaluation (not Python's eval): none
        return None

    def _eval_derivative(self, s):  # never differentiated alone (see derivative)
        raise TypeError("a whole vector is differentiated only inside a function of it")

    def _sympystr(self, printer) -> str:
        return printer._print(self.args[0])

    def _latex(self, printer) -> str:
        return "\\mathbf{" + printer._print(self.args[0]) + "}"


class Whole(_Given):
    """The whole family ``base`` over lo..hi, given to a function (never a sum); with the
    grounded entry at ``m`` while a derivative through its definition is taken."""


class Block(_Given):
    """A whole matrix ``base`` (rows, columns), or a whole row of a family with more indices
    (the sample 𝐱^{(i)}: the entries x_{i,a}), given to a function, never a sum. Its args are
    (base, fixed, limits): ``fixed`` the Tuple of the leading indices that pick the block,
    ``limits`` the Tuple lo, hi of each index that runs. The family has no definition
    (:func:`block` leaves that undecided), so its entries are variables of their own; no
    derivative by one of them is taken (:func:`derivative` leaves it undecided)."""


class VectorApply(Opaque):
    """l(o, y): args are the function's name (a Str) and its arguments."""

    def _latex(self, printer) -> str:
        name, *args = self.args
        return f"{name.name}({', '.join(printer._print(a) for a in args)})"

    def _sympystr(self, printer) -> str:
        name, *args = self.args
        return f"{name.name.split('/')[0]}({', '.join(printer._print(a) for a in args)})"


class Partial(Opaque):
    """∂g/∂(argument q)[_j]: the partial derivative of g by its q-th argument (entry j)."""

    def _sympystr(self, printer) -> str:
        g, q, *j = self.args
        entry = f"_{printer._print(j[0])}" if j else ""
        return f"D{printer._print(q)}{entry}[{printer._print(g)}]"

    def _latex(self, printer) -> str:
        g, q, *j = self.args
        entry = "," + printer._print(j[0]) if j else ""
        return f"\\partial_{{{printer._print(q)}{entry}}} {printer._print(g)}"


def apply(name: str, args: list[sp.Expr]) -> sp.Expr:
    return VectorApply(Str(name), *args)


def whole(base: sp.IndexedBase, lo: sp.Expr, hi: sp.Expr,
          entry: tuple[sp.Expr, sp.Symbol] | None = None) -> sp.Expr:
    if entry is None:
        return Whole(base, lo, hi)
    return Whole(base, lo, hi, entry[0], entry[1])


def argument(tr: Translator, node: Node, keep: frozenset[str], bound: dict) -> sp.Expr:
    """A whole vector given to an unknown function (a BigOp of kind vec): the family over its
    range, with its grounded entries where it has a definition that ``tr`` does not hold."""
    from derive.engine.translate import pyname
    from derive.reading.scope import ReadError
    from derive.reading.syntax import BigOp, Sym

    body = node.body if isinstance(node, BigOp) else None
    found = block(tr, node, keep, bound)
    if found is not None:
        return found
    if not (isinstance(node, BigOp) and isinstance(body, Sym) and len(body.sub) == 1 and
            isinstance(body.sub[0], Sym) and body.sub[0].name == node.index and
            node.lo is not None and node.hi is not None):
        raise ReadError("a whole vector is read by its name only", node.pos)
    name = body.name
    tr.refuse_unread(name)
    base = tr.symbols.family(name)
    lo, hi = tr._tr(node.lo, keep, bound), tr._tr(node.hi, keep, bound)
    d = tr.definition(name)
    if d is None or tr.surface or name in keep:
        return whole(base, lo, hi)
    if d.kind != "family" or len(d.params) != 1:
        raise ReadError(f"{pyname(name)} is given whole to a function, but it is not "
                        "defined as a vector (a family of one index)", node.pos)
    m = tr.symbols.entry_dummy(name)
    return whole(base, lo, hi, (carried(tr, d, m, keep), m))


def block(tr: Translator, node: Node, keep: frozenset[str], bound: dict) -> sp.Expr | None:
    """A whole matrix (a vec of rows, each a vec of X_{ab}) or a whole row of a family with
    more indices (a vec of x_{i,a}) given to an unknown function, as a :class:`Block`; None
    for a vector of one index (a :class:`Whole`)."""
    from derive.engine.translate import pyname
    from derive.reading.scope import ReadError, Undetermined
    from derive.reading.syntax import BigOp, Sym
    from derive.reading.vectors import all_nodes

    runs: list[BigOp] = []
    inner: Node = node
    while isinstance(inner, BigOp) and inner.kind == "vec":
        runs.append(inner)
        inner = inner.body
    if len(runs) == 1 and isinstance(inner, Sym) and len(inner.sub) == 1:
        return None
    indices = [r.index for r in runs]
    subs = inner.sub if isinstance(inner, Sym) else ()
    cut = len(subs) - len(runs)
    prefix_names = {n.name for x in subs[:max(cut, 0)] for n in all_nodes(x) if isinstance(n, Sym)}
    if not (isinstance(inner, Sym) and 1 <= len(runs) <= 2 and cut >= 0 and
            [x.name if isinstance(x, Sym) and not x.sub else None for x in subs[cut:]] ==
            indices and not prefix_names & set(indices) and
            all(r.lo is not None and r.hi is not None for r in runs)):
        raise ReadError("a whole vector or matrix is read by its name only", node.pos)
    name = inner.name
    tr.refuse_unread(name)
    if tr.definition(name) is not None:
        # its value depends on what the definition reads, which the block does not show
        # (a derivative by it would be taken as 0): undecided, never guessed
        raise Undetermined(f"{pyname(name)} has a definition and is given whole to an unknown "
                           "function as a matrix or a sample: what that value depends on is "
                           "not read; write the function of its entries, or of a vector")
    fixed = [tr.index_value(x, bound) for x in subs[:cut]]
    limits = [tr._tr(x, keep, bound) for r in runs for x in (r.lo, r.hi) if x is not None]
    return Block(tr.symbols.family(name), sp.Tuple(*fixed), sp.Tuple(*limits))


def point(g: sp.Expr) -> sp.Expr:
    """The application a partial (of a partial …) is taken of."""
    while isinstance(g, Partial):
        g = g.args[0]
    return g


def derivative(g: sp.Expr, v: sp.Expr, differentiate: Callable[[sp.Expr, sp.Expr], sp.Expr]
               ) -> sp.Expr:
    """∂g/∂v for an application g (or a partial of one): the sum over its arguments of the
    partial by each times the argument's own derivative (by every entry of a vector)."""
    from derive.engine.normal import summation
    from derive.reading.scope import Undetermined

    app = point(g)
    terms = []
    for q, a in enumerate(app.args[1:], start=1):
        if isinstance(a, Block):
            if isinstance(v, sp.Indexed) and v.base == a.args[0]:
                raise Undetermined("a derivative of a function of a whole matrix or sample "
                                   "by one of its entries is not taken")
            continue  # a family of its own (never one with a definition): it does not depend on v
        if isinstance(a, Whole):
            base, lo, hi = a.args[:3]
            if isinstance(v, sp.Indexed) and v.base == base:
                if len(v.indices) != 1 or len(a.args) > 3:
                    raise Undetermined("a derivative by an entry of a vector that is given "
                                       "whole to an unknown function is not read here")
                terms.append(Partial(g, q, v.indices[0]))
            elif len(a.args) > 3:  # defined, not held: through its entries
                entry, m = a.args[3:]
                k = sp.Dummy("k", integer=True)
                d_entry = differentiate(entry.xreplace({m: k}), v)
                if d_entry != 0:
                    terms.append(summation(Partial(g, q, k) * d_entry, (k, lo, hi)))
                    through(base, entry)
            # else a vector of its own (or held as a variable): it does not depend on v
            continue
        if a.has(Whole, Block):
            raise Undetermined("an unknown function of a vector inside the argument of another "
                               "is not differentiated")
        da = differentiate(a, v)
        if da != 0:
            terms.append(Partial(g, q) * da)
    return sp.Add(*terms)


#: the translator taking a derivative (translate.Translator.derivative), to which a
#: derivative through a vector's carried entries reports the definitions they rest on
DIFFERENTIATING: ContextVar = ContextVar("derive_differentiating", default=None)


def carried(tr: Translator, d, m: sp.Symbol, keep: frozenset[str]) -> sp.Expr:
    """The entry of the defined vector d that a whole vector carries for the chain rule: the
    definitions it is grounded through count for a link only where a derivative is taken
    through it (:func:`through`), not for being carried."""
    saved, tr.used = tr.used, set()
    try:
        entry = tr.instantiate(d, [m], keep)
        own = frozenset(tr.used)
    finally:
        tr.used = saved
    uses, key = tr.symbols.uses, ("carried", tr.symbols.family(d.name))
    uses[key] = uses.get(key, frozenset()) | own  # every carry of it, for a fallback
    uses[key + (entry,)] = own  # this entry's own
    return entry


def through(base: sp.IndexedBase, entry: sp.Expr) -> None:
    """A derivative went through the carried ``entry`` of ``base``: the definitions it was
    grounded through are ones the link rests on (every carry of base's, where this entry is
    no longer the one carried: more, never fewer)."""
    tr = DIFFERENTIATING.get()
    if tr is not None:
        uses = tr.symbols.uses
        own = uses.get(("carried", base, entry))
        tr.used |= own if own is not None else uses.get(("carried", base), frozenset())


def settle(expr: sp.Expr) -> sp.Expr:
    """Every derivative taken: each whole vector is the vector itself again (its entries,
    carried for the chain rule, dropped)."""
    if not expr.has(Whole):
        return expr
    return expr.replace(lambda e: isinstance(e, Whole) and len(e.args) > 3,
                        lambda e: Whole(*e.args[:3]))


def carry(expr: sp.Expr, base: sp.IndexedBase, entry: Callable[[sp.Symbol], sp.Expr]
          ) -> sp.Expr:
    """A held vector unfolded after its derivative: its whole occurrences carry their
    entries again, so that a derivative outside sees what the vector depends on."""
    if not expr.has(Whole):
        return expr
    m = sp.Dummy("m", integer=True)
    return expr.replace(lambda e: isinstance(e, Whole) and len(e.args) == 3 and e.args[0] == base,
                        lambda e: Whole(*e.args, entry(m), m))


def with_stand_ins(expr: sp.Expr, names: dict[str, tuple[int, str]]) -> sp.Expr:
    """``expr`` with every application and partial replaced by a concrete function's value:
    f(a_1, …) = exp(S) + Σ_q a_q²/2 over the scalar arguments, S = Σ_q Σ_m a_{q,m}/(q+m+c)
    + Σ_q a_q/(q+c+1) (c = 2 + the function's place among the functions met), whose every
    partial is known in closed form. A claim about every function that fails for this one is
    not true for every function (nothing here proves). ``names`` collects, per function
    name, its place and how a reason writes its stand-in."""
    def value(g: sp.Expr) -> sp.Expr:
        chain: list[tuple[int, sp.Expr | None]] = []
        while isinstance(g, Partial):
            chain.append((int(g.args[1]), g.args[2] if len(g.args) > 2 else None))
            g = g.args[0]
        name, *args = g.args
        if name.name not in names:
            names[name.name] = (len(names), _stand_in_text(name.name, args, 2 + len(names)))
        c = 2 + names[name.name][0]
        exponent = sp.Integer(0)
        for q, a in enumerate(args, start=1):
            if isinstance(a, Whole):
                base, lo, hi = a.args[:3]
                m = sp.Dummy("m", integer=True)
                exponent += sp.Sum(base[m] / (q + m + c), (m, lo, hi))
            elif isinstance(a, Block):
                base, fixed, limits = a.args
                runs = [sp.Dummy(f"m{r}", integer=True) for r in range(len(limits) // 2)]
                weight = q + c + sum((r + 1) * m for r, m in enumerate(runs))
                exponent += sp.Sum(base[tuple(fixed) + tuple(runs)] / weight,
                                   *[(m, limits[2 * r], limits[2 * r + 1])
                                     for r, m in enumerate(runs)])
            else:
                exponent += a / (q + c + 1)
        out = sp.exp(exponent)
        for q, j in chain:
            a = args[q - 1]
            if isinstance(a, Whole):
                lo, hi = a.args[1:3]
                assert j is not None
                inside = sp.Heaviside(j - lo + sp.Rational(1, 2)) * sp.Heaviside(
                    hi - j + sp.Rational(1, 2))  # 0 for an entry the vector does not have
                out *= inside / (q + j + c)
            else:
                out /= (q + c + 1)
        scalars = [a for a in args if not isinstance(a, (Whole, Block))]
        if not chain:
            out += sum((a**2 / 2 for a in scalars), sp.Integer(0))
        elif len(chain) == 1 and chain[0][1] is None:
            out += args[chain[0][0] - 1]
        elif len(chain) == 2 and chain[0][1] is None and chain[0] == chain[1]:
            out += 1
        return out

    found = expr.atoms(VectorApply, Partial)
    if not found:
        return expr
    # xreplace matches the largest expression first: a partial before the application in it
    return expr.xreplace({g: with_stand_ins(value(g), names) for g in found})


def _stand_in_text(name: str, args: list[sp.Expr], c: int) -> str:
    """l(o, y) = exp(Σ_m o_m/(m+3) + y/5) + y^2/2: the stand-in, at the arguments first met."""
    from derive.engine.printing import shown_key

    shown = [shown_key(str(a.args[0])) if isinstance(a, (Whole, Block)) else f"u{q}"
             for q, a in enumerate(args, start=1)]
    exponent = " + ".join(
        f"Σ_m {shown[q - 1]}_m/(m+{q + c})" if isinstance(a, Whole) else
        f"Σ {shown[q - 1]}_(…)/(…+{q + c})" if isinstance(a, Block) else
        f"{shown[q - 1]}/{q + c + 1}" for q, a in enumerate(args, start=1))
    squares = "".join(f" + {shown[q - 1]}^2/2" for q, a in enumerate(args, start=1)
                      if not isinstance(a, (Whole, Block)))
    base = name.split('/')[0]
    bars = ""
    if base.endswith("]") and "[" in base:  # P[|]: a condition, P(a | b), kept in the text
        base, bars = base[:-1].split("[", 1)
    between = [" | " if k < len(bars) and bars[k] == "|" else ", " for k in range(len(shown))]
    written = shown[0] + "".join(w + a for w, a in zip(between, shown[1:])) if shown else ""
    return f"{base}({written}) = exp({exponent}){squares}"


def stand_in_text(names: dict[str, tuple[int, str]]) -> str:
    """How the reason writes the stand-ins :func:`with_stand_ins` chose."""
    return ", ".join(text for _, text in names.values())


__all__ = ["argument", "carried", "through", "DIFFERENTIATING", "with_stand_ins",
           "stand_in_text", "VectorApply", "Partial", "Whole", "Block", "apply", "whole",
           "derivative", "settle", "carry", "point", "Opaque"]

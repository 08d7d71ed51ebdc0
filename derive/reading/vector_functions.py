"""Functions of whole vectors: an unknown scalar function applied to vectors, and ``prod``.

Owns the lowering of an application whose arguments include whole vectors or matrices, for
:class:`derive.reading.linalg.Lowering`:

* ``l(\\mathbf{o}, y)``, with l a function the document never defines, never writes alone or
  subscripted, and no known entry-by-entry function (σ, softmax, …), is an **unknown scalar
  function of every entry** of the vectors it is applied to. Each vector argument becomes a
  :class:`~derive.reading.syntax.BigOp` of kind ``"vec"`` (``VEC``): the whole family o_a,
  a = 1..|o|, never a sum; the engine (:mod:`derive.engine.vector_functions`) reads it as the
  vector itself, so the application depends on every entry, for every size. Only a vector or
  a matrix written by its name is read as an argument (the engine identifies the point by
  that name); a matrix is a vec of rows, and a sample 𝐱^{(i)} a vec of its entries x_{i,a}.
* A function of one scalar applied to a vector (``s(\\mathbf{z})`` for ``s(u) = …``, the
  activations, and σ, φ, ϕ) acts on each entry; for an undefined σ, φ or ϕ that reading is
  an assumption, marked :data:`ASSUMED` in its note.
* ``\\text{prod}(∂J/∂X, ∂X/∂Y)`` (d2l's product of tensors) is the chain rule through X, an
  :data:`ASSUMED` reading too, since the text says what prod is only in prose.
* ``\\mathcal{L}(\\hat{\\boldsymbol\\beta}) = …``, a function the document **defines** of a
  vector (among plain names), is a value named for the function and its parameters
  (:func:`own_application`): written again of exactly those names it is that value, so
  ``\\frac{\\partial \\mathcal{L}(\\hat{\\boldsymbol\\beta})}{\\partial \\hat{\\boldsymbol\\beta}}``
  differentiates its body; applied to other arguments it is refused with advice. Entries
  ``s(\\mathbf{x})_i`` of a function defined entry by entry are read by the parser, as before.
* An application with a condition bar, ``P(y \\mid \\mathbf{x})``, is an unknown function as
  above: ``P(a \\mid b) = …`` never defines P, and the bar is part of the function's identity
  (the engine's name for it), so P(a | b) is neither P(a, b) nor P(b | a); with the bar it
  is one even beside a family p_i of the same letter.

No sympy here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.reading.syntax import Apply, BigOp, Node, Paren, Sym, is_conditional
from derive.reading.tokenizer import ParseError
from derive.reading.vectors import all_nodes

if TYPE_CHECKING:
    from derive.reading.linalg import Build, Lowering, Shape

#: the BigOp kind of a whole vector given to a function (not a sum)
VEC = "vec"
_PROBE = "?"  # an index no document writes: what a vector's entry is made of

#: functions that are read entry by entry where the document applies them to a vector: never
#: an unknown scalar function of the whole vector
ENTRYWISE = frozenset({
    "\\sigma", "\\phi", "\\varphi", "\\operatorname{sigmoid}", "\\operatorname{softmax}",
    "\\operatorname{softplus}", "\\operatorname{relu}", "\\operatorname{ReLU}",
    "\\operatorname{ReLu}", "\\operatorname{tanh}", "\\operatorname{exp}", "\\operatorname{log}",
    "\\operatorname{max}", "\\operatorname{min}", "\\mathbb{1}", "\\operatorname{diag}",
    "\\operatorname{sign}", "\\operatorname{abs}", "\\operatorname{argmax}",
    "\\operatorname{argmin}", "\\operatorname{prod}",
})


#: functions of one scalar: applied to a whole vector or matrix, they act on each entry (a
#: note says so). σ, φ and ϕ are names an author may use for another function (σ for
#: softmax): undefined, that reading is an assumption (:data:`ASSUMED`)
SCALAR_ONLY = frozenset({
    "\\sigma", "\\phi", "\\varphi", "\\operatorname{sigmoid}", "\\operatorname{softplus}",
    "\\operatorname{relu}", "\\operatorname{ReLU}", "\\operatorname{ReLu}",
    "\\operatorname{tanh}", "\\operatorname{sign}", "\\operatorname{abs}",
})
_NAMES_OF_OTHERS = frozenset({"\\sigma", "\\phi", "\\varphi"})


def read_whole(name: str) -> bool:
    """Is a vector given to ``name`` read by the lowering (an unknown function of it, or a
    function of one scalar at each entry), rather than refused by the parser?"""
    return name not in ENTRYWISE or name in SCALAR_ONLY


class Functions:
    """What the document says about the names applied to vectors: which it defines (an
    equation headed by an application of the name without a bar: ``P(a \\mid b) = …`` is a
    claim about P, never its definition), the heads of those definitions written of plain
    names (``\\mathcal{L}(\\hat{\\boldsymbol\\beta}) = …``), and which names it writes alone
    or subscripted (a factor, or a family: never an unknown function)."""

    def __init__(self, heads: list[Node], trees: list[Node]):
        self.defined = {h.func.name for h in heads if isinstance(h, Apply) and not h.seps}
        self.heads: dict[str, list[tuple[str, ...]]] = {}
        for h in heads:
            params = _parameters(h)
            if isinstance(h, Apply) and params is not None and \
                    params not in self.heads.get(h.func.name, []):
                self.heads.setdefault(h.func.name, []).append(params)
        applied = {id(n.func) for t in trees for n in all_nodes(t) if isinstance(n, Apply)}
        self.written = {n.name for t in trees for n in all_nodes(t)
                        if isinstance(n, Sym) and id(n) not in applied}
        self.written |= {n.func.name for t in trees for n in all_nodes(t)
                         if isinstance(n, Apply) and n.func.sub}

    def unknown(self, func: Sym, conditional: bool = False) -> bool:
        """Is ``func`` applied only, never defined: an unknown function? Applied with a bar
        (``p(x \\mid \\boldsymbol\\theta)``), it is one even where p is also a family or a
        factor (p_i): the bar is read only between a function's arguments, and the bar is part
        of the function's identity, so the application is never identified with p_i."""
        return not func.sub and func.case is None and func.name not in ENTRYWISE and \
            func.name not in self.defined and (conditional or func.name not in self.written)


def lower_application(low: Lowering, node: Apply) -> tuple[Shape, Build] | None:
    """The shape and builder of an application with a vector among its arguments, or None
    when no argument is a vector (the caller reads it as before)."""
    from derive.reading.linalg import SCALAR

    name = node.func.name
    if name == "\\operatorname{prod}" and not node.primes and not node.seps:
        return _prod(low, node)
    parts = [low.low(a) for a in node.args]
    if all(s == SCALAR for s, _ in parts):
        return None
    functions = low.functions
    heads = functions.heads.get(name, []) if functions is not None else []
    # σ(u) = … written: a function of u, at each entry of a vector (of a matrix, f(W) could
    # be a function of the matrix, as W² is W W: only the activations are read so there)
    of_one_scalar = name in SCALAR_ONLY and not heads or (
        heads and all(len(p) == 1 and low.name_shape(Sym(p[0])) is None for p in heads) and
        len(parts) == 1 and parts[0][0][1] is None)
    if of_one_scalar and len(parts) == 1 and not node.func.sub and not node.seps:
        return _each_entry(low, node, parts[0], functions)
    if functions is not None and not node.func.sub and node.func.name in functions.heads:
        own = own_application(low, node, functions)
        if own is not None:
            return own
    conditional = is_conditional(node)
    if functions is not None and not node.primes and not node.func.sub and not conditional \
            and node.func.name in functions.written and node.func.name not in ENTRYWISE:
        # p(x_1, \boldsymbol\theta) beside p_i: a factor or a family, never a function; a
        # bar (p(x_1 | \boldsymbol\theta)) is read only in an application, so that one is
        raise ParseError(f"{_show_name(name)} is applied to a vector here, but "
                         f"{_show_name(name)} is also written alone or with an index (a "
                         "factor or a family), so it is no unknown function: rename one of "
                         "them", node.pos)
    if conditional and functions is not None and node.func.name in functions.defined:
        raise ParseError(f"{_show_name(name)} is defined as a function of its arguments: a "
                         "condition or a divergence of it (a | b, a ‖ b) is not read; define "
                         "it with the bar", node.pos)
    if node.primes or functions is None or not functions.unknown(node.func, conditional):
        # defined (s(\mathbf{x}) = …), entry by entry (σ) or also a factor: the caller's
        # refusal, a vector where a scalar is needed (write s(\mathbf{x})_i)
        return None
    builders: list[Build] = []
    vectors: list[str] = []
    shown_args: list[str] = []
    for (shape, build), arg in zip(parts, node.args):
        if shape == SCALAR:
            builders.append(build)
            shown_args.append(_show(arg))
            continue
        inner = arg.inner if isinstance(arg, Paren) else arg
        if shape[1] is not None and shape[0] is not None:
            _refuse_unnamed_matrix(low, inner, build, shape, name, arg.pos)
            vectors.append(_show(arg))
            shown_args.append(_show(arg))
            builders.append(_whole(low, build, (shape[0], shape[1]), arg.pos))
            continue
        if shape[0] is None:
            # a row given whole: a transpose, whose entries are not the family's own by one
            # index, so it is refused, never guessed
            raise ParseError(f"{low.shape_text(shape)} given whole to the unknown function "
                             f"{_show_name(name)}: only vectors (columns) and matrices written "
                             "by their names are read as whole arguments: write the value by "
                             "the vectors it depends on, or name it as a scalar and define it "
                             "(L = …)", arg.pos)
        # a vector by its name: its entry is the family's own, x_a (never a sum or product)
        if inner is not arg:
            build = low.low(inner)[1]  # l((\mathbf{o})): the vector inside
        probe = build(Sym(_PROBE), None) if isinstance(inner, Sym) else None
        if not _own_entry(probe, 1):
            raise ParseError(f"{low.shape_text(shape)} given to the unknown function "
                             f"{_show_name(name)}: only a vector written by its name is read "
                             "as a whole argument: name it first and write it by its name "
                             f"(\\mathbf{{u}} = …, then {_show_name(name)}(\\mathbf{{u}}))",
                             arg.pos)
        size = shape[0]
        vectors.append(_show(arg))
        shown_args.append(_show(arg))
        builders.append(_whole(low, build, (size,), arg.pos))
    shown = ", ".join(vectors)
    from derive.reading.names import separators_text

    between = separators_text(node.seps, node.style, len(shown_args))  # P(y | x): the bar
    written = shown_args[0] + "".join(w + a for w, a in zip(between, shown_args[1:]))
    low.note(f"{_show_name(name)}({written}) is read as an unknown "
             f"scalar function of every entry of {shown} (for every size); its derivative by "
             "an entry is a value of its own")
    return SCALAR, lambda i, j: Apply(node.func, tuple(b(None, None) for b in builders),
                                      node.primes, node.seps, node.style, node.brackets,
                                      pos=node.pos)


def _each_entry(low: Lowering, node: Apply, part: tuple[Shape, Build],
                functions: Functions | None) -> tuple[Shape, Build]:
    """σ(\\mathbf{z}), \\phi'(\\mathbf{z}): a function of one scalar at each entry, with a
    note; for σ, φ or ϕ that the document does not define, an assumption (:data:`ASSUMED`),
    since an author may mean a function of the whole vector (σ for softmax)."""
    shape, build = part
    name, shown = node.func.name, _show(node)
    assumed = name in _NAMES_OF_OTHERS and (functions is None or name not in functions.defined)
    low.note(f"{ASSUMED if assumed else ''}{shown} is {_show_name(name)}"
             f"{chr(8242) * node.primes} applied to each entry of {_show(node.args[0])}")
    return shape, lambda i, j: Apply(node.func, (build(i, j),), node.primes, node.seps,
                                     node.style, node.brackets, pos=node.pos)


def _parameters(node: Node) -> tuple[str, ...] | None:
    """The parameter names of a definition's head ``F(a, b)``: distinct plain names (no
    index, no bar, no prime, F no subscript and no entry-by-entry function), else None."""
    if not (isinstance(node, Apply) and not node.seps and not node.primes and
            not node.func.sub and node.func.case is None and node.func.name not in ENTRYWISE
            and node.brackets == "("):
        return None
    names = tuple(a.name if isinstance(a, Sym) and not a.sub and a.case is None else ""
                  for a in node.args)
    if "" in names or len(set(names)) != len(names):
        return None
    return names


def own_application(low: Lowering, node: Apply, functions: Functions
                    ) -> tuple[Shape, Build] | None:
    """``F(\\mathbf{x})`` where the document defines F of the vector x, ``F(\\mathbf{x}) = …``:
    the application names what F depends on, so it is the value the definition gives, a
    scalar named for the function and its parameters (as ``s(\\mathbf{x})_i`` names a
    family): ``F(\\mathbf{x})`` written again, as a definition's head or in a claim, is that
    value. F applied to any other arguments is refused: its body would have to be taken at
    them, which is never done silently. None when F has no head with a vector among its
    parameters (the caller reads it as before)."""
    from derive.reading.linalg import SCALAR
    from derive.reading.names import APPLIED

    name = node.func.name
    vector_heads = [p for p in functions.heads.get(name, [])
                    if any(low.name_shape(Sym(x)) is not None for x in p)]
    if not vector_heads:
        return None
    params = _parameters(node)
    if params is None or params not in vector_heads:
        written = ", ".join(f"{_show_name(name)}({', '.join(_show_name(x) for x in p)})"
                            for p in vector_heads)
        raise ParseError(f"{_show(node)} applies {_show_name(name)}, which the document "
                         f"defines as {written}, to other arguments: its definition is not "
                         "taken at other arguments: write the body at them (or name the value "
                         f"and define it), or write {_show_name(name)} of its own parameters",
                         node.pos)
    low.note(f"{_show(node)} is the value its definition gives (the application names what "
             f"{_show_name(name)} depends on)")
    key = Sym(name + APPLIED + ",".join(params), pos=node.pos)
    return SCALAR, lambda i, j: key


def _whole(low: Lowering, entry: Build, sizes: tuple[int, ...], pos: int) -> Build:
    """The whole vector (one size) whose entry a is ``entry(a)``, or matrix (two) whose entry
    (a, b) is ``entry(a, b)``: a vec over a (of vecs over b), bound, never summed."""
    def build(i: Node | None, j: Node | None) -> Node:
        letters = [low.fresh_sum() for _ in sizes]
        try:
            ranges = [low.range_of(v) for v in sizes]
        finally:
            low.sums -= len(sizes)
        at = [Sym(x) for x in letters] + [None] * (2 - len(sizes))
        node = entry(at[0], at[1])
        for letter, (lo, hi) in reversed(list(zip(letters, ranges))):
            node = BigOp(VEC, node, letter, lo, hi, pos=pos)
        return node
    return build


def _own_entry(probe: Node | None, runs: int) -> bool:
    """Is ``probe``, the entry built at the probe indices, the family's own entry: a name
    whose last subscripts are the probes, in order, and whose others (a sample's i in
    x^{(i)}_a) do not mention them?"""
    if not isinstance(probe, Sym) or len(probe.sub) < runs:
        return False
    cut = len(probe.sub) - runs
    tail = [x.name if isinstance(x, Sym) and not x.sub else None for x in probe.sub[cut:]]
    fixed = {n.name for x in probe.sub[:cut] for n in all_nodes(x) if isinstance(n, Sym)}
    return tail == [_PROBE * (r + 1) for r in range(runs)] and not fixed & {_PROBE, _PROBE * 2}


def _refuse_unnamed_matrix(low: Lowering, inner: Node, build: Build, shape: Shape,
                           func: str, pos: int) -> None:
    """Refuse a matrix given whole, ``P(\\mathbf{Y} \\mid \\mathbf{X})``, that is not written
    by its name: only one whose entry (a, b) is its own Y_{ab} is read."""
    probe = build(Sym(_PROBE), Sym(_PROBE * 2)) if isinstance(inner, Sym) else None
    if not _own_entry(probe, 2):
        raise ParseError(f"{low.shape_text(shape)} given to the unknown function "
                         f"{_show_name(func)}: only a matrix written by its name is read as a "
                         "whole argument (a transpose or a product is not): name it first and "
                         "write it by its name", pos)


#: a note that begins so names an assumption the reading makes that the text states only in
#: prose: the checker leaves a link it proves under it conditional on it
ASSUMED = "read under an assumption the text states only in prose: "


def _prod(low: Lowering, node: Apply) -> tuple[Shape, Build]:
    """prod(∂J/∂X, ∂X/∂Y), d2l's product of tensors "after the necessary operations, such as
    transposition": read as the chain rule's contraction over the entries of X, the middle
    variable both derivatives name (a scalar X: ∂J/∂X times ∂X/∂Y; a vector X and a scalar J:
    Σ_a ∂J/∂X_a ∂X_a/∂Y, which is (∂X/∂Y)^T ∂J/∂X in the numerator layout). Which product is
    meant is said in prose only, so the reading is an assumption (:data:`ASSUMED`): a link
    proved under it is conditional on it. Anything else (a matrix X, a vector J, arguments
    that are no such pair, a definition) is refused, saying to write the product."""
    from derive.reading.syntax import Deriv, key

    refuse = ParseError("prod(…) (a product of tensors whose kind the text does not write) is "
                        "read only as the chain rule of two derivatives through one scalar or "
                        "vector, prod(\\frac{\\partial J}{\\partial \\mathbf{h}}, \\frac{\\partial "
                        "\\mathbf{h}}{\\partial \\mathbf{z}}): write the product itself, as "
                        "\\mathbf{W}^\\top \\mathbf{u}", node.pos)
    first, second = (node.args + (None, None))[:2]
    first = first.inner if isinstance(first, Paren) else first
    second = second.inner if isinstance(second, Paren) else second
    if len(node.args) != 2 or not (isinstance(first, Deriv) and isinstance(second, Deriv) and
                                   len(first.wrt) == 1 and len(second.wrt) == 1 and
                                   key(first.wrt[0]) == key(second.expr)):
        raise refuse
    if not low.claim:  # a definition would carry the assumed product into every use
        raise ParseError("prod(…) in a definition is not read: its meaning is said in prose "
                         "only, and a definition would carry it into every use; write the "
                         "product itself", node.pos)
    shown = [_show(a) for a in node.args]
    middle = _show(second.expr)
    sa, ba = low.low(node.args[0])
    by_matrix = _by_matrix(low, second, sa, ba, node.pos)
    if by_matrix is not None:  # Σ_a ∂J/∂X_a ∂X_a/∂W: a tensor written only inside the sum
        (shape, build), form = by_matrix, f"Σ_a ({shown[0]})_a ∂{middle}_a/∂{_show(second.wrt[0])}"
    else:
        shape, build, form = _through(low, first, (sa, ba), low.low(node.args[1]), shown,
                                      middle, refuse, node.pos)
    low.note(f"{ASSUMED}prod({shown[0]}, {shown[1]}) is {form}: the chain rule through "
             f"{middle} (d2l's prod)")
    return shape, build


def _through(low: Lowering, first: Node, a: tuple[Shape, Build], b: tuple[Shape, Build],
             shown: list[str], middle: str, refuse: ParseError, pos: int
             ) -> tuple[Shape, Build, str]:
    """prod(∂J/∂X, ∂X/∂Y) through a scalar X (their product) or a vector X with J a scalar
    (Σ_a ∂J/∂X_a ∂X_a/∂Y, over the axis of ∂X/∂Y that is X's): shape, builder and the form
    the note names; else ``refuse``."""
    from derive.reading.linalg import SCALAR
    from derive.reading.syntax import Deriv

    assert isinstance(first, Deriv)
    (sa, ba), (sb, bb) = a, b
    if sa == SCALAR and (sb == SCALAR or low.name_shape(first.wrt[0]) is None):
        return (*low.times(sa, ba, sb, bb, "", pos), f"{shown[0]} · {shown[1]}")
    if sa[1] is None and sa[0] is not None and _axis_of(low, sb, sa[0]) is not None:
        flip = _axis_of(low, sb, sa[0]) == 0
        return (*low.times(*_flip((sb, bb), flip), sa, ba, "", pos),
                f"({shown[1]}){'^T' if flip else ''} {shown[0]}, summed over the entries of "
                f"{middle}")
    raise refuse


def _by_matrix(low: Lowering, second: Node, sa: Shape, ba: Build, pos: int
               ) -> tuple[Shape, Build] | None:
    """prod(∂J/∂𝐗, ∂𝐗/∂𝐖) with J a scalar, X a vector and W a matrix: the matrix of
    Σ_a ∂J/∂X_a ∂X_a/∂W_{bc} (∂X/∂W itself, of three indices, is never formed); else None."""
    from derive.reading import families as fam
    from derive.reading.entries import derivative_as_written, parenthesised
    from derive.reading.syntax import Deriv, Mul

    assert isinstance(second, Deriv)
    named = low.name_shape(second.wrt[0])
    if named is None or None in named[1] or sa[0] is None or sa[1] is not None:
        return None
    base, (wr, wc), member = named
    sx, bx = low.low(second.expr)
    size = sx[0]
    if sx[1] is not None or size is None or low.find(size) != low.find(sa[0]):
        return None

    def build(i: Node | None, j: Node | None) -> Node:
        assert i is not None and j is not None
        entry = fam.entry(member, base, (i, j), pos)
        return low.summed(size, lambda a: Mul((parenthesised(ba(a, None)), parenthesised(
            derivative_as_written(bx(a, None), entry, second, pos))), ("",), pos=pos))
    return (wr, wc), build


def _axis_of(low: Lowering, shape: Shape, axis: int) -> int | None:
    """Which axis of ``shape`` (0 rows, 1 columns) is the size ``axis``: the only one, or,
    both being it, the one the layout gives the numerator; None if neither is."""
    same = [k for k, v in enumerate(shape) if v is not None and low.find(v) == low.find(axis)]
    if len(same) == 2:
        return 0 if low.layout == "numerator" else 1
    return same[0] if same else None


def _flip(part: tuple[Shape, Build], transposed: bool) -> tuple[Shape, Build]:
    (r, c), build = part
    return part if not transposed else ((c, r), lambda i, j: build(j, i))


def _show_name(name: str) -> str:
    from derive.reading.syntax import name_text
    return name_text(name)


def _show(node: Node) -> str:
    from derive.reading.syntax import to_text
    try:
        return to_text(node)
    except TypeError:
        return "…"


def is_whole(node: Node) -> bool:
    """A whole vector (or matrix) given to a function (never a sum)."""
    return isinstance(node, BigOp) and node.kind == VEC


__all__ = ["VEC", "ENTRYWISE", "SCALAR_ONLY", "ASSUMED", "read_whole", "Functions",
           "lower_application", "is_whole"]

"""Lowering vector and matrix notation to index form, for symbolic sizes.

Owns the pass that runs right after the parse of a document and before any inference:
every tree that uses vector notation (bold names, names declared under ``derive: shapes``,
``u^T v``, ``W x``, ``\\|x\\|``, ``u \\odot v``, ``\\mathbf{1}``, ``\\operatorname{diag}(y)``,
outer products, ``\\nabla_{\\mathbf{w}} L`` and derivatives by vectors and matrices) is
rewritten into the scalar nodes of :mod:`derive.reading.syntax`: sums over fresh indices,
entries ``x_a``, ``W_{ab}``, Kronecker indicators. An equation whose sides are vectors or
matrices becomes the equation of one entry, at fresh free indices whose ranges are the
sizes; so the engine checks it for every entry and every size, and needs no vector
notion of its own (a side written 0 is the zero of the others' shape).

Shapes are (rows, columns); a vector is a column, ``x^T`` a row, a scalar has two
singleton axes. Sizes are symbols, unified across the document (a name means one vector
throughout): a size is the range the document writes for the family (Σ_{j=1}^{K} z_j),
the declared shape, or else a size of its own, ``|x|``. A shape mismatch is an error that
names both shapes. Nothing is guessed: a plain name is a vector only when declared, when
it is a family of one index written bare beside a transpose (``\\theta^T x``), or when
:mod:`derive.reading.plain_vectors` finds it transposed and never indexed (``w^T x_i``).
No sympy here.
"""

from __future__ import annotations

from collections.abc import Callable

from derive.reading import families as fam  # \\mathbf{x}_n, \\mathbf{W}^{(1)}
from derive.reading.entries import derivative_as_written as _deriv
from derive.reading.entries import index_letter as _letter
from derive.reading.entries import need_entry as _need
from derive.reading.entries import parenthesised as _paren
from derive.reading.entries import range_key as _range_key
from derive.reading.entries import shown as _show
from derive.reading.entries import zeros_shaped
from derive.reading.numbered import (
    check_pending,
    defer_or_check,
    from_zero,
    from_zero_note,
    numbered_entries,
    zero_written,
)
from derive.reading.plain_vectors import promote
from derive.reading.syntax import (
    Add,
    Apply,
    BigOp,
    Case,
    Deriv,
    Frac,
    Func,
    Indicator,
    Mul,
    Neg,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
    children,
    name_text,
)
from derive.reading.tokenizer import ParseError
from derive.reading.vector_functions import Functions, lower_application
from derive.reading.vectors import (
    Grad,
    Norm,
    Ones,
    Transpose,
    all_nodes,
    bold_letter,
    is_bold,
    uses_vectors,
    written_forms,
)

Range = tuple[Node, Node]
Axis = int | None  # a size variable, or None for a singleton axis
Shape = tuple[Axis, Axis]
Build = Callable[[Node | None, Node | None], Node]
SCALAR: Shape = (None, None)

#: letters a fresh index may take, in order of preference (e is the constant)
_POOL = "abcdfghijklmnopqrsuvwxyz"


class Lowering:
    """The vector reading of one document: sizes, fresh letters, and the lowering of each
    equation (``shape`` first for every equation, then ``build``)."""

    def __init__(self, trees: list[Node], shapes: dict[str, tuple[Range, ...]],
                 layout: str, names: frozenset[str], ranges: dict[str, Range]):
        self.shapes = shapes
        self.layout = layout
        self.ranges = ranges  # the range written for each family
        used = {n.name for t in trees for n in all_nodes(t) if isinstance(n, Sym)}
        used |= {n.index for t in trees for n in all_nodes(t)
                 if isinstance(n, BigOp) and n.index}
        used |= {x for t in trees for n in all_nodes(t) if isinstance(n, Indicator)
                 for x in (n.case.left, n.case.right)}
        used |= {bold_letter(n) or n for n in used}  # \\mathbf{z}: z is taken too
        used |= names
        self.pool = [c for c in _POOL if c not in used]
        self.bare, self.one_index, self.two_index = written_forms(trees)
        self.t_name = "T" in used or "T" in names
        self.numbered = numbered_entries(trees)  # θ_0, θ_1: entries written with a number
        self.zero_written: set[str] = set()  # θ_0 beside vectors (see lower_chains)
        self.zero: set[int] = set()  # the sizes of vectors numbered from 0
        self.pending: list[tuple[int, str, Range | None, int, int]] = []  # checked at the end
        self.current = 0  # the chain being shaped
        self.parent: dict[int, int] = {}
        self.known: dict[int, Range] = {}
        self.label: dict[int, str] = {}
        self.axes: dict[tuple[str, int], int] = {}
        self.free: dict[tuple[int, int], str] = {}  # (size class, slot) -> letter
        self.free_ranges: dict[str, Range] = {}
        self.notes: list[str] = []
        self.implicit = False  # inside a product with a transpose: θ^T x
        self.sums = 0
        self.functions: Functions | None = None  # the names applied to vectors (see lower_chains)
        self.touched: set[int] = set()  # size classes a definition's shape fixed
        self.claim = False  # shaping a claim: it may not merge two classes definitions fixed
        self.families = fam.FamilyIndex(trees)  # \mathbf{x}_n, \mathbf{W}^{(1)}: families.py

    # ------------------------------------------------------------------ sizes
    def _var(self, label: str, known: Range | None) -> int:
        v = len(self.parent)
        self.parent[v] = v
        self.label[v] = label
        if known is not None:
            self.known[v] = known
        return v

    def find(self, v: int) -> int:
        while self.parent[v] != v:
            v = self.parent[v]
        return v

    def unify(self, a: Axis, b: Axis, what: Callable[[], str], pos: int,
              hint: str = "") -> None:
        if a is None and b is None:
            return
        if a is None or b is None:
            raise ParseError(what() + hint, pos)
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.label[ra] == "|1|":  # a size is named for a vector, not for \mathbf{1}
            ra, rb = rb, ra
        ka, kb = self.known.get(ra), self.known.get(rb)
        if (ka is not None and kb is not None and _range_key(ka) != _range_key(kb)) or \
                (ra in self.zero and kb is not None) or (rb in self.zero and ka is not None):
            raise ParseError(what() + f" (sizes {self.size_text(ra)} and {self.size_text(rb)} "
                             "are not known to be equal; declare them under derive: shapes if they "
                             "are)", pos)
        if self.claim and ra in self.touched and rb in self.touched and ka is None:
            raise ParseError(what() + f" (sizes {self.size_text(ra)} and {self.size_text(rb)} "
                             "are not known to be equal; declare them under derive: shapes if they "
                             "are)", pos)
        self.parent[rb] = ra
        if rb in self.touched:
            self.touched.add(ra)
        if ka is None and kb is not None:
            self.known[ra] = kb
        if rb in self.zero:  # numbered from 0 (θ_0 written): so is what it equals in size
            self.zero.add(ra)

    def range_of(self, v: int) -> Range:
        r = self.find(v)
        if r not in self.known:
            self.known[r] = from_zero(self.label[r]) if r in self.zero else \
                (Num("1"), Sym(self.label[r]))
        return self.known[r]

    def size_text(self, v: Axis) -> str:
        if v is None:
            return "1"
        r = self.find(v)
        if r in self.known:
            return _show(self.known[r][1])
        return self.label[r]

    def shape_text(self, s: Shape) -> str:
        if s == SCALAR:
            return "a scalar"
        if s[1] is None:
            return f"a vector of {self.size_text(s[0])}"
        if s[0] is None:
            return f"a row vector of {self.size_text(s[1])}"
        return f"a {self.size_text(s[0])}×{self.size_text(s[1])} matrix"

    def name_shape(self, sym: Sym) -> tuple[str, Shape, fam.Member | None] | None:
        """The entries' name and the shape of a vector or matrix name (and the family member
        it is, for an indexed bold name), or None."""
        member = self.families.member(sym, self.shapes)
        if member is not None:
            return member.base, fam.member_shape(self, member, sym.pos), member
        letter = bold_letter(sym.name)
        plain = sym.name
        if letter is None and is_bold(plain):
            raise ParseError("this bold name is not read: write its entries", sym.pos)
        if letter is None and sym.sub:
            return None  # x_i: an entry of x, a scalar
        if letter is None and not (plain in self.shapes or (
                self.implicit and plain in self.one_index and plain not in self.two_index)):
            return None
        base = letter if letter is not None else plain
        apart = fam.apart_from_scalar(letter, self.bare, self.one_index | self.two_index)
        if apart is not None:
            base = apart
        elif letter is not None and letter in self.bare:
            raise ParseError(f"both {name_text(letter)} and the bold {name_text(letter)} are "
                             f"written: the entries of the vector are {name_text(letter)}_i, so "
                             f"{name_text(letter)} alone is ambiguous: rename one of them",
                             sym.pos)
        declared = self.shapes.get(base) or self.shapes.get(sym.name)
        matrix = fam.is_matrix_letter(letter or base) if declared is None else len(declared) == 2
        axes = []
        for k in range(2 if matrix else 1):
            v = self.axes.get((base, k))
            if v is None:
                known = declared[k] if declared is not None and k < len(declared) else (
                    self.ranges.get(base) if not matrix else None)
                shown = name_text(base)  # |𝛉| and |θ|, not |\mathbf{\theta}| or |\theta|
                label = f"|{shown}|" if not matrix else f"|{shown}|_{k + 1}"
                v = self.axes[(base, k)] = self._var(label, known)
                if known is None and not matrix and base in self.zero_written:
                    self.zero.add(v)  # θ_0 written: θ_0 … θ_{|θ|-1}
                    self.note(from_zero_note(base, label))
                if not matrix and v not in self.zero:
                    defer_or_check(self, base, known, sym.pos, v)
            axes.append(v)
        return base, (axes[0], axes[1] if matrix else None), None

    # ------------------------------------------------------------------ letters
    def fresh_free(self, v: int, slot: int) -> Sym:
        key = (self.find(v), slot)
        if key not in self.free:
            if not self.pool:
                raise ParseError("no letter is left for a fresh index", 0)
            letter = self.pool.pop(0)
            self.free[key] = letter
            self.free_ranges[letter] = self.range_of(v)
        return Sym(self.free[key])

    def fresh_sum(self) -> str:
        k = len(self.pool) - 1 - self.sums
        if k < 0:
            raise ParseError("no letter is left for a fresh summation index", 0)
        self.sums += 1
        return self.pool[k]

    def summed(self, v: int, body: Callable[[Node], Node]) -> Node:
        letter = self.fresh_sum()
        lo, hi = self.range_of(v)
        try:
            inner = body(Sym(letter))
        finally:
            self.sums -= 1
        return BigOp("sum", inner, letter, lo, hi, "full")

    # ------------------------------------------------------------------ the lowering
    def low(self, node: Node) -> tuple[Shape, Build]:  # noqa: C901 - one case per node
        """The shape of ``node`` and a builder of its entry (i, j) (None on a singleton
        axis)."""
        if isinstance(node, Sym):
            named = self.name_shape(node)
            if named is None:
                return SCALAR, lambda i, j: node
            base, shape, m = named
            if shape[1] is None:
                return shape, lambda i, j: fam.entry(m, base, (_need(i),), node.pos)
            return shape, lambda i, j: fam.entry(m, base, (_need(i), _need(j)), node.pos)
        if isinstance(node, Ones):
            v = self._var("|1|", None)
            return (v, None), lambda i, j: Num("1", pos=node.pos)
        if isinstance(node, Transpose):
            if self.t_name and node.mark == "T":
                raise ParseError("T is also a name in this document, so ^T could be a power "
                                 "or a transpose: write ^\\top for a transpose, or "
                                 "rename T", node.pos)
            saved, self.implicit = self.implicit, True
            try:
                if isinstance(node.arg, Sym) and self.name_shape(node.arg) is None:
                    shown = name_text(node.arg.name)
                    raise ParseError(f"{shown}^T reads as a transpose, but {shown} is no vector or "
                                     "matrix here (no family of one index): write "
                                     f"\\mathbf{{{shown}}}, or declare its shape (derive: "
                                     f"shapes: {{{shown}: [n]}})", node.pos)
                (r, c), b = self.low(node.arg)
            finally:
                self.implicit = saved
            if (r, c) == SCALAR:
                raise ParseError("the transpose of a scalar", node.pos)
            return (c, r), lambda i, j: b(j, i)
        if isinstance(node, Paren):
            s, b = self.low(node.inner)
            return s, lambda i, j: Paren(b(i, j), node.open, node.close, pos=node.pos)
        if isinstance(node, Neg):
            s, b = self.low(node.arg)
            return s, lambda i, j: Neg(b(i, j), pos=node.pos)
        if isinstance(node, Add):
            parts = [self.low(t) for t in node.terms]
            s0 = parts[0][0]
            for (s, _), t in zip(parts[1:], node.terms[1:]):
                self.same(s0, s, "add", t.pos)
            return s0, lambda i, j: Add(tuple(b(i, j) for _, b in parts), pos=node.pos)
        if isinstance(node, Mul):
            return self.product(node)
        if isinstance(node, Frac):
            (sn, bn), (sd, bd) = self.low(node.num), self.low(node.den)
            if sd != SCALAR:
                raise ParseError(f"a division by {self.shape_text(sd)}", node.den.pos)
            return sn, lambda i, j: Frac(bn(i, j), bd(None, None), node.style, pos=node.pos)
        if isinstance(node, Pow) and isinstance(node.base, Norm) and \
                isinstance(node.exp, Num) and node.exp.text == "2":
            return SCALAR, self.norm_squared(node.base)
        if isinstance(node, Norm):
            b = self.norm_squared(node)
            return SCALAR, lambda i, j: Func("sqrt", b(None, None), pos=node.pos)
        if isinstance(node, Grad):
            return self.derivative(node.expr, node.wrt, node.pos, "gradient")
        if isinstance(node, Deriv) and any(self.name_shape(v) is not None for v in node.wrt):
            if len(node.wrt) != 1:
                raise ParseError("a derivative of higher order by a vector or matrix is not "
                                 "read", node.pos)
            return self.derivative(node.expr, node.wrt[0], node.pos, "deriv", node)
        if isinstance(node, BigOp):  # a sum of vectors is a vector
            return fam.vector_sum(self, node)
        if isinstance(node, Pow):
            fam.power_of_bold(node)  # \\mathbf{x}^n: a power or a sample? refused
        if isinstance(node, Apply) and node.func.name == "\\operatorname{diag}":
            if len(node.args) != 1:
                raise ParseError("diag takes one vector", node.pos)
            (r, c), b = self.low(node.args[0])
            if c is not None or r is None:
                raise ParseError("diag(…) is read of a vector (a column)", node.pos)
            return (r, r), lambda i, j: Mul((Indicator(Case(_letter(i), _letter(j)), "delta"),
                                             b(i, None)), ("",), pos=node.pos)
        if isinstance(node, Apply) and self.name_shape(node.func) is not None and \
                len(node.args) == 1:  # W(x + b) is a product
            return self.product(Mul((node.func, Paren(node.args[0], pos=node.pos)), ("",),
                                    pos=node.pos))
        if isinstance(node, Apply):  # l(\mathbf{o}, y): an unknown function of whole vectors
            applied = lower_application(self, node)
            if applied is not None:
                return applied
        # any other node: its parts must be scalars
        kids = children(node)
        lowered = [self.low(k) for k in kids]
        for (s, _), k in zip(lowered, kids):
            if s != SCALAR:
                raise ParseError(f"{self.shape_text(s)} where a scalar is needed: write a "
                                 "function of a vector entry by entry, as s(\\mathbf{x})_i",
                                 k.pos)
        if not kids:
            return SCALAR, lambda i, j: node
        from derive.reading.scope import rebuild
        return SCALAR, lambda i, j: rebuild(node, [b(None, None) for _, b in lowered])

    def same(self, a: Shape, b: Shape, verb: str, pos: int) -> None:
        def what() -> str:
            return f"cannot {verb} {self.shape_text(a)} and {self.shape_text(b)}"
        hint = _PLAIN if SCALAR in (a, b) else ""
        self.unify(a[0], b[0], what, pos, hint)
        self.unify(a[1], b[1], what, pos, hint)

    def norm_squared(self, node: Norm) -> Build:
        (r, c), b = self.low(node.arg)
        if node.frobenius and r is not None and c is not None:
            return self.frobenius_squared(r, c, b, node.pos)
        if (r is None) == (c is None):
            raise ParseError(f"the norm of {self.shape_text((r, c))}: only a vector's norm "
                             "is read", node.pos)
        v: int = r if r is not None else c  # type: ignore[assignment]
        column = r is not None
        return lambda i, j: self.summed(v, lambda m: Pow(
            _paren(b(m, None) if column else b(None, m)), Num("2"), pos=node.pos))

    def frobenius_squared(self, r: int, c: int, b: Build, pos: int) -> Build:
        """\\|W\\|_F^2 of a matrix: Σ_a Σ_b W_ab^2."""
        return lambda i, j: self.summed(r, lambda m: self.summed(c, lambda k: Pow(
            _paren(b(m, k)), Num("2"), pos=pos)))

    def product(self, node: Mul) -> tuple[Shape, Build]:
        saved = self.implicit
        if any(isinstance(f, Transpose) for f in node.factors):
            self.implicit = True
        try:
            parts = [self.low(f) for f in node.factors]
        finally:
            self.implicit = saved
        if fam.right_fold([s for s, _ in parts], node.ops):  # u^T W v as u^T (W v)
            shape, build = parts[-1]
            for n in range(len(parts) - 2, -1, -1):
                shape, build = self.times(*parts[n], shape, build, "", node.factors[n + 1].pos)
            return shape, build
        shape, build = parts[0]
        for n, (s, b) in enumerate(parts[1:], start=1):
            op = node.ops[n - 1] if n - 1 < len(node.ops) else ""
            shape, build = self.times(shape, build, s, b, op, node.factors[n].pos)
        return shape, build

    def times(self, sa: Shape, ba: Build, sb: Shape, bb: Build, op: str,
              pos: int) -> tuple[Shape, Build]:
        def mul(x: Node, y: Node) -> Node:
            return Mul((_paren(x), _paren(y)), ("",), pos=pos)
        if sa == SCALAR:
            return sb, lambda i, j: mul(ba(None, None), bb(i, j))
        if sb == SCALAR:
            return sa, lambda i, j: mul(ba(i, j), bb(None, None))
        if op == "\\odot":
            self.same(sa, sb, "multiply entry by entry", pos)
            return sa, lambda i, j: mul(ba(i, j), bb(i, j))
        if op == ".":  # a . b: a product of scalars only (a dot product is written \cdot)
            raise ParseError("a '.' between two vectors or matrices is not read: write \\cdot "
                             "for the dot product, or A B for the matrix product", pos)
        if op == "\\times":
            raise ParseError("\\times between two vectors or matrices (a cross product?) is "
                             "not read: write the product as A B, or u^T v", pos)
        if op == "\\cdot" and None in sa and None in sb:  # u · v: the dot product
            va = sa[0] if sa[0] is not None else sa[1]
            vb = sb[0] if sb[0] is not None else sb[1]
            self.unify(va, vb, lambda: f"cannot take the dot product of {self.shape_text(sa)} "
                       f"and {self.shape_text(sb)}", pos)

            def dot(i: Node | None, j: Node | None) -> Node:
                assert va is not None
                return self.summed(va, lambda m: mul(
                    ba(m, None) if sa[0] is not None else ba(None, m),
                    bb(m, None) if sb[0] is not None else bb(None, m)))
            return SCALAR, dot
        inner_a, inner_b = sa[1], sb[0]
        self.unify(inner_a, inner_b, lambda: f"cannot multiply {self.shape_text(sa)} by "
                   f"{self.shape_text(sb)}", pos)
        if inner_a is None:  # an outer product, y y^T, or a scalar u^T v times a row
            return (sa[0], sb[1]), lambda i, j: mul(ba(i, None), bb(None, j))
        k: int = inner_a
        return (sa[0], sb[1]), lambda i, j: self.summed(k, lambda m: mul(ba(i, m), bb(m, j)))

    def derivative(self, expr: Node, wrt: Sym, pos: int, kind: str,
                   written: Deriv | None = None) -> tuple[Shape, Build]:
        named = self.name_shape(wrt)
        se, be = self.low(expr)
        if named is None:
            if kind == "gradient":
                raise ParseError("\\nabla_{…} is read by a vector or matrix: write it bold (\\"
                                 "mathbf{w}) or declare its shape (derive: shapes)", pos)
            return se, lambda i, j: _deriv(be(i, j), wrt, written, pos)
        base, (wr, wc), m = named
        assert wr is not None
        shown = (f"∇_{name_text(base)} {_show(expr)}" if kind == "gradient" else
                 f"∂{_show(expr)}/∂{name_text(base)}")
        if se == SCALAR:
            if wc is None:
                self.note(f"{shown} is read as the vector of ∂{_show(expr)}/∂{name_text(base)}"
                          "_a (a gradient, a column)")
                return (wr, None), lambda i, j: _deriv(be(None, None), fam.entry(
                    m, base, (_need(i),), pos), written, pos)
            self.note(f"{shown} is read as the matrix of ∂{_show(expr)}/∂{name_text(base)}_{{ab}}"
                      " (the shape of the matrix: denominator layout)")
            return (wr, wc), lambda i, j: _deriv(be(None, None), fam.entry(
                m, base, (_need(i), _need(j)), pos), written, pos)
        if se[1] is None and wc is None and se[0] is not None:
            er: int = se[0]
            if self.layout == "denominator":
                self.note(f"{shown} is read in denominator layout (declared): entry (a, b) is "
                          f"∂{_show(expr)}_b/∂{name_text(base)}_a")
                return (wr, er), lambda i, j: _deriv(be(j, None), fam.entry(
                    m, base, (_need(i),), pos), written, pos)
            self.note(f"{shown} is read in numerator layout (the Jacobian): entry (a, b) is "
                      f"∂{_show(expr)}_a/∂{name_text(base)}_b; declare derive: layout: "
                      "denominator for the other")
            return (er, wr), lambda i, j: _deriv(be(i, None), fam.entry(
                m, base, (_need(j),), pos), written, pos)
        raise ParseError(f"the derivative of {self.shape_text(se)} by "
                         f"{self.shape_text((wr, wc))} is not read", pos)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def shape_equation(self, sides: list[Node]) -> tuple[list[tuple[Shape, Build]],
                                                         tuple[str, ...]]:
        """First pass: the shapes of one equation's sides (sizes unified), and builders."""
        self.notes = []
        lowered, s0 = zeros_shaped(sides, [self.low(s) for s in sides], self)
        for (s, _), side in zip(lowered[1:], sides[1:]):
            self.same(s0, s, "equate", side.pos)
        return lowered, tuple(self.notes)

    def build(self, lowered: list[tuple[Shape, Build]], notes: tuple[str, ...]
              ) -> tuple[list[Node], tuple[str, ...]]:
        """Second pass, once every size is known: the sides as the entry (a, b) at fresh
        free indices."""
        self.notes = list(notes)
        return self._build(lowered, lowered[0][0])

    def _build(self, lowered: list[tuple[Shape, Build]], s0: Shape
               ) -> tuple[list[Node], tuple[str, ...]]:
        i = self.fresh_free(s0[0], 0) if s0[0] is not None else None
        j = self.fresh_free(s0[1], 0 if s0[0] is None or self.find(s0[0]) !=
                            self.find(s0[1]) else 1) if s0[1] is not None else None
        notes = list(self.notes)
        if s0 != SCALAR:
            where = ", ".join(f"{x.name} = {_show(self.free_ranges[x.name][0])}.."
                              f"{_show(self.free_ranges[x.name][1])}"
                              for x in (i, j) if isinstance(x, Sym))
            notes.insert(0, f"read entry by entry: {self.shape_text(s0)} on each side, "
                            f"checked at every entry ({where})")
        out = [b(i, j) for _, b in lowered]
        return out, tuple(notes)


Chain = list[tuple[Node, str, int]]
_PLAIN = (": a plain name is a scalar unless transposed (w^T) or declared; write a vector or "
          "matrix bold (\\mathbf{X}), or declare its shape (derive: shapes: {X: [m, n]})")


def lower_chains(chains: list[Chain | None], shapes: dict[str, tuple[str, ...]], layout: str,
                 names: frozenset[str], parts: list[int] | None = None
                 ) -> tuple[list[tuple[Chain | None, tuple[str, ...], ParseError | None]],
                            dict[str, Range]]:
    """Lower every chain of a document that uses vector notation (the others are returned
    as they are): for each, (the lowered chain, its notes, or the error), and the range of
    every fresh free index. ``parts``: each chain's part (see families.by_part)."""
    from derive.reading.parser import parse_expression
    from derive.reading.scope import written_ranges

    chains = fam.rename_layers(chains)  # W^{(1)}_{ab} beside \\mathbf{W}^{(1)}: the layer's name
    chains, promoted = promote(chains, frozenset(shapes) | names)  # w^T x_i, w never indexed
    trees = [t for c in chains if c for t, _, _ in c]
    declared: dict[str, tuple[Range, ...]] = {}
    for name, dims in shapes.items():
        letter = bold_letter(name) or (("\\" + name) if name.isalpha() and len(name) > 1
                                       else name)
        declared[letter] = tuple((Num("1"), parse_expression(d)) for d in dims)
    shaped = frozenset(declared)
    # a vector's size is the range written for its family in an equation that does not use
    # the vector (a claim θ^T x = θ_1 x_1 + … + θ_n x_n must not set θ's range itself),
    # and starts at 0 or 1 (Σ_{k=2}^K x_k is no range of all of x)
    scalar_trees = [t for c in chains if c and not any(uses_vectors(u, shaped) for u, _, _ in c)
                    for t, _, _ in c]
    family_ranges = {name: r for name, r in written_ranges(scalar_trees)[0].items()
                     if isinstance(r[0], Num) and r[0].text in ("0", "1")}
    lowering = Lowering(trees, declared, layout, names, family_ranges)
    # θ_0 in an equation that also writes vectors (θ^T x = θ_0 + θ_1 x_1 + …): θ is numbered
    # from 0; written only in scalar equations (another section's β_0) it says nothing
    lowering.zero_written = zero_written(
        [[t for t, _, _ in c] for c in chains if c and any(uses_vectors(t, shaped)
                                                          for t, _, _ in c)])
    lowering.functions = Functions([c[0][0] for c in chains if c], trees)
    part_of, by_part = fam.by_part(chains, parts)
    out: list[tuple[Chain | None, tuple[str, ...], ParseError | None]] = []
    firsts: list = [None] * len(chains)
    # definitions first (x = …, L = …: their shapes hold for the whole document), then the
    # claims, which may not merge sizes that definitions keep apart (X(Xw - y) with X not
    # known to be square is a shape error, never a reason to make X square everywhere)
    # (only the first equation of a name defines it: o = A B x after o = B h is a claim)
    defining = fam.first_definitions(chains, _defines)
    for claims in (False, True):
        lowering.claim = claims
        for k, chain in enumerate(chains):
            if not chain or not any(uses_vectors(t, shaped) for t, _, _ in chain) or \
                    (k in defining) == claims:
                continue
            lowering.current = k
            lowering.families = by_part[part_of[k]]
            try:
                firsts[k] = lowering.shape_equation([t for t, _, _ in chain])
            except ParseError as exc:
                firsts[k] = exc
        if not claims:
            lowering.touched = {lowering.find(v) for v in lowering.parent}
    check_pending(lowering, firsts)  # x_0 written: is x numbered from 0, as θ is?
    fam.check_plain_names(by_part, part_of, chains, firsts, declared)  # x_n beside 𝐱_n
    for chain, first, said, part in zip(chains, firsts, promoted, part_of):
        lowering.families = by_part[part]  # (as when it was shaped)
        if first is None or chain is None:
            out.append((chain, (), None))
        elif isinstance(first, ParseError):
            out.append((None, (), first))
        else:
            try:
                sides, notes = lowering.build(*first)
            except ParseError as exc:
                out.append((None, (), exc))
                continue
            out.append(([(t, latex, off) for t, (_, latex, off) in zip(sides, chain)],
                        said + tuple(notes), None))
    return out, dict(lowering.free_ranges)


def _defines(chain: Chain) -> bool:
    """Has the equation the shape of a definition of a vector, matrix or scalar (x = …)?"""
    head = chain[0][0]
    return len(chain) == 2 and isinstance(head, Sym) and (not head.sub or fam.defines_member(head))


__all__ = ["Lowering", "lower_chains", "uses_vectors", "all_nodes", "SCALAR"]

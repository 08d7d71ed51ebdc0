"""Families of vectors and matrices: bold names that carry an index.

Owns the reading of an indexed bold name for :mod:`derive.reading.linalg`:

- ``\\mathbf{x}_n``, ``\\mathbf{x}^{(i)}``, ``\\hat{\\mathbf{p}}_n`` (a letter index): member n
  of a *family* of vectors. Entry a of vector n is the two-index entry ``x_{na}`` (the sample
  index first; ``x^{(i)}_a`` for a sample), so the entries an author writes (``x_{nd}``,
  ``x^{(i)}_j``) are the same entries. Every member has the same size.
- ``\\mathbf{W}^{(1)}``, ``\\mathbf{b}^{(2)}`` (a number in parentheses): a *layer*, a vector
  or matrix of its own name, ``W^{(1)}``, and its own shape. The author's ``W^{(1)}_{ab}``
  (which the parser reads as ``W^{()}_{1ab}``) is renamed to the layer's entries wherever the
  bold layer is written, so ``\\mathbf{b}^{(1)} = …`` defines them and two layers never share
  an entry.
- a sum over n of vector terms (``\\sum_n (y_n - p_n)\\mathbf{x}_n``) is a vector; with no
  range written it runs over the range of a plain family it sums, else over a number of
  members of its own (#x), never over a size the document gives to something else.
- helpers the lowering uses for these: the first definition of each name, a product of
  layers built from the right (``W_2 (W_1 x)``).

What could be read two ways is refused with a message saying how to write it: a family
written with a number and with a letter (``\\mathbf{x}^{(1)}`` and ``\\mathbf{x}^{(i)}``: a
layer or a member?), a number below a bold name (``\\mathbf{x}_1``), the bold name also written
bare (``\\mathbf{x}`` beside ``\\mathbf{x}_n``), the entries written with another number of
indices (``x_n`` beside ``\\mathbf{x}_n``, refused in equations that use vectors), a family of
matrices by a letter (whose members' shapes may differ), two indices on a bold name, and a
superscript on a bold name that could be a power or a sample (``\\mathbf{x}^n``). No sympy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from derive.reading.names import SAMPLE, name_text
from derive.reading.syntax import BigOp, Node, Num, Pow, Sym
from derive.reading.tokenizer import ParseError
from derive.reading.vectors import all_nodes, bold_letter, map_names

Range = tuple[Node, Node]

if TYPE_CHECKING:
    from derive.reading.linalg import Build, Chain, Lowering, Shape


@dataclass(frozen=True)
class Member:
    """What an indexed bold name denotes."""

    base: str  # the entries' name: x, x^{()}, \\hat{p}, or a layer's own, W^{(1)}
    prefix: tuple[Node, ...]  # the member's index, put before the entry's: (n,); () a layer
    key: str  # the name its sizes are kept under: x for every member, W^{(1)} for a layer
    shown: str  # how a message and a size's label name the vector or matrix
    size: str  # the label of its size: |x| for a family, |W^(1)| for a layer
    matrix: bool
    dims: tuple[Range, ...] | None  # the declared sizes, if any


def _split(name: str) -> tuple[str, bool] | None:
    """(the bold letter, a sample?) of a bold name, \\mathbf{x} or \\mathbf{x}^{()}."""
    sample = name.endswith(SAMPLE)
    letter = bold_letter(name[:-len(SAMPLE)] if sample else name)
    return None if letter is None else (letter, sample)


def _index_text(n: Node) -> str:
    return n.text if isinstance(n, Num) else n.name if isinstance(n, Sym) else "…"


def apart_from_scalar(letter: str | None, bare: set[str], indexed: set[str]) -> str | None:
    """The name of a bold vector's entries when its letter is also a scalar, written alone
    and never with an index (θ and 𝛉: no θ_i says whose entry it would be): the bold name
    itself, one for every bold spelling of the letter. None otherwise."""
    if letter is None or letter not in bare or letter in indexed:
        return None
    return f"\\mathbf{{{letter}}}"


def is_matrix_letter(letter: str) -> bool:
    """The rule for an undeclared bold name: a capital is a matrix (W, \\Sigma, and an
    accented one, \\hat{B})."""
    accented = _ACCENT.fullmatch(letter)
    if accented:
        letter = accented.group(1)
    return letter[-1:].isupper() or letter[1:2].isupper()


_ACCENT = re.compile(r"\\(?:hat|bar|tilde|check)\{(.+)\}")


class FamilyIndex:
    """The document-wide facts the reading of a family needs: how each bold letter is written
    (bare, with a letter index, with a number), and how many indices its plain entries take."""

    def __init__(self, trees: list[Node]):
        self.bold_bare: set[str] = set()  # \\mathbf{x} written with no index
        self.by_letter: dict[str, set[str]] = {}  # base -> indices written on the bold name
        self.by_number: dict[str, set[str]] = {}
        self.arity: dict[str, set[int]] = {}  # plain name -> numbers of indices written
        for t in trees:
            for n in all_nodes(t):
                if not isinstance(n, Sym):
                    continue
                split = _split(n.name)
                if split is None:
                    if n.case is None:
                        self.arity.setdefault(n.name, set()).add(len(n.sub))
                    continue
                letter, sample = split
                base = letter + SAMPLE if sample else letter
                if not n.sub and not sample:
                    self.bold_bare.add(letter)
                elif len(n.sub) == 1 and isinstance(n.sub[0], Num):
                    self.by_number.setdefault(base, set()).add(n.sub[0].text)
                elif len(n.sub) == 1 and isinstance(n.sub[0], Sym) and not n.sub[0].sub:
                    self.by_letter.setdefault(base, set()).add(n.sub[0].name)

    def member(self, sym: Sym, shapes: dict[str, tuple[Range, ...]]) -> Member | None:
        """The family member or layer an indexed bold name is, or None for a plain bold name
        (``shapes``: the declared shapes, by letter; a family takes its letter's)."""
        split = _split(sym.name)
        if split is None:
            return None
        letter, sample = split
        if not sym.sub and not sample:
            return None
        base = letter + SAMPLE if sample else letter
        shown = name_text(letter)
        bold = f"\\mathbf{{{letter}}}"  # LaTeX, for what to write
        if sym.case is not None or len(sym.sub) != 1:
            entry = f"{letter}^{{(i)}}_j" if sample else f"{letter}_{{nd}}"
            alone = f"{bold}^{{(i)}}" if sample else f"{bold}_n"
            raise ParseError(f"a bold name with two indices is not read: write the entry plain, "
                             f"{entry}, or the vector alone, {alone}", sym.pos)
        index = sym.sub[0]
        if not (isinstance(index, Num) and index.text.isdigit()) and not (
                isinstance(index, Sym) and not index.sub and len(index.name) == 1):
            raise ParseError(f"the index of {bold} is read as one letter ({bold}_n, a member "
                             f"of a family) or a number ({bold}^{{(1)}}, a layer)", sym.pos)
        if base in self.by_letter and base in self.by_number:
            num = sorted(self.by_number[base])[0]
            let = sorted(self.by_letter[base])[0]
            mark = (lambda i: f"^{{({i})}}") if sample else (lambda i: f"_{i}")
            raise ParseError(f"{bold}{mark(num)} and {bold}{mark(let)} are both written: is "
                             f"{bold}{mark(num)} member {num} of the family (of one size) or a "
                             f"vector of its own? Rename one of them (a layer: "
                             f"{bold}^{{({num})}} with no letter index on "
                             f"{bold})", sym.pos)
        if letter in self.bold_bare and not sample:
            raise ParseError(f"both {bold} and {bold}_{_index_text(index)} are written: "
                             f"{bold} alone could be a vector of its own or the whole family; "
                             "rename one of them", sym.pos)
        declared = shapes.get(letter) if isinstance(index, Sym) and not sample else None
        matrix = len(declared) == 2 if declared is not None else is_matrix_letter(letter)
        if isinstance(index, Sym) and matrix:
            raise ParseError(f"a family of matrices by a letter index ({bold}"
                             f"{'^{(' + index.name + ')}' if sample else '_' + index.name}) is "
                             f"not read, since its members' shapes may differ: number them "
                             f"({bold}^{{(1)}}, {bold}^{{(2)}}), or write the entries", sym.pos)
        if isinstance(index, Num) and not sample:  # \\mathbf{x}_1: a member, or a vector?
            raise ParseError(f"a number below a bold name ({bold}_{index.text}) is not read: "
                             f"write a vector of its own as {bold}^{{({index.text})}} (a layer), "
                             f"or a member of a family with a letter, {bold}_n", sym.pos)
        if isinstance(index, Num):  # a layer: a name of its own, W^{(1)}
            layer = layer_name(letter, index.text)
            label = f"{shown}^({index.text})"
            return Member(layer, (), layer, label, f"|{label}|", matrix, None)
        else:
            key = base
            label = f"{shown}_{index.name}" if not sample else f"{shown}^({index.name})"
            size = f"|{name_text(base)}|"
        return Member(base, (index,), key, label, size, matrix, declared)

    def check_entries(self, m: Member, axes: int, pos: int) -> None:
        """The plain entries of a family must take the member's index and the entry's:
        x_n beside \\mathbf{x}_n is refused (a scalar family, or the vectors?)."""
        want = len(m.prefix) + axes
        other = sorted(self.arity.get(m.base, set()) - {want})
        if not other:
            return
        shown = name_text(m.base)
        bold = f"\\mathbf{{{_letter(m.base)}}}"
        written = {0: f"{shown} alone", 1: f"{shown} with one index"}.get(
            other[0], f"{shown} with {other[0]} indices")
        raise ParseError(f"{m.shown} is a {'matrix' if axes == 2 else 'vector'} here, with "
                         f"entries of {want} indices ({_entry_example(m, axes)}), but "
                         f"{written} is written too: write the bold name ({bold}) for the "
                         "vector and its entries with every index, or rename one of them", pos)


    def check_plain(self, tree: Node, shapes: dict[str, tuple[Range, ...]]) -> None:
        """The other side of :meth:`check_entries`, for every equation of the document: a
        plain name with another number of indices than the entries of a bold family of the
        same name (\\hat{p}_n beside \\hat{\\mathbf{p}}_n) is refused in an equation that
        uses vectors, since the document may mean one name or two."""
        for n in all_nodes(tree):
            if not isinstance(n, Sym) or n.case is not None or _split(n.name) is not None:
                continue
            for written in (self.by_letter, self.by_number):
                if n.name not in written:
                    continue
                letter = _letter(n.name)
                declared = shapes.get(letter) if not n.name.endswith(SAMPLE) else None
                matrix = len(declared) == 2 if declared is not None else \
                    is_matrix_letter(letter)
                want = 2 + int(matrix)
                if len(n.sub) != want:
                    index = sorted(written[n.name])[0]
                    sample = n.name.endswith(SAMPLE)
                    bold = f"\\mathbf{{{letter}}}" + (f"^{{({index})}}" if sample else
                                                      f"_{index}")
                    raise ParseError(
                        f"{name_text(n.name)} is written plain with {len(n.sub)} "
                        f"{'index' if len(n.sub) == 1 else 'indices'} and bold ({bold}, a "
                        f"{'matrix' if matrix else 'vector'} with entries of {want} indices): "
                        "one name or two? Rename one of them, or write the entries of the "
                        "bold one with every index", n.pos)


    def rename_layers(self, tree: Node) -> Node:
        """The entries an author writes of a layer, W^{(1)}_{ab} (read as W^{()}_{1ab}), as
        the entries of the layer's own name W^{(1)}, where the document writes the bold
        layer: so \\mathbf{W}^{(1)} = … defines them, and two layers never share a name."""
        def layer(n: Sym) -> Sym | None:
            if n.name in layers and n.sub and isinstance(n.sub[0], Num) and \
                    n.sub[0].text.isdigit():
                return replace(n, name=layer_name(_letter(n.name), n.sub[0].text),
                               sub=tuple(map_names(k, layer) for k in n.sub[1:]))
            return None
        layers = {k for k in self.by_number if k.endswith(SAMPLE)}
        return map_names(tree, layer) if layers else tree


def layer_name(letter: str, number: str) -> str:
    """The name of layer ``number`` of the bold ``letter``: W^{(1)}."""
    return f"{letter}^{{({number})}}"


def _letter(base: str) -> str:
    return base[:-len(SAMPLE)] if base.endswith(SAMPLE) else base


def _entry_example(m: Member, axes: int) -> str:
    shown = _letter(m.base)
    first = _index_text(m.prefix[0])
    rest = "ab"[:axes]
    if m.base.endswith(SAMPLE):
        return f"{shown}^{{({first})}}_{{{rest}}}"
    return f"{shown}_{{{first}{rest}}}"


def defines_member(head: Node) -> bool:
    """Is the left side of an equation a bold name with one index (\\mathbf{z}_n = …, a
    definition of the family's members, as z_i = … defines the family z)?"""
    return isinstance(head, Sym) and _split(head.name) is not None and len(head.sub) == 1


def entry(m: Member | None, base: str, at: tuple[Node, ...], pos: int) -> Sym:
    """The entry of a plain vector (m None) or of a member, at the indices ``at``."""
    if m is None:
        return Sym(base, at, pos=pos)
    return Sym(base, (*m.prefix, *at), pos=pos)


def vector_sum(low: Lowering, node: BigOp) -> tuple[Shape, Build]:
    """A sum (or product) and its shape: a sum whose body is a vector or matrix is the
    vector of sums; a product of them is refused."""
    from derive.reading.linalg import SCALAR

    node = _member_range(low, node)
    s, b = low.low(node.body)
    limits = [low.low(p) if p is not None else None for p in (node.lo, node.hi)]
    for part, lowered in zip((node.lo, node.hi), limits):
        if part is not None and lowered is not None and lowered[0] != SCALAR:
            raise ParseError(f"a limit of a sum is {low.shape_text(lowered[0])} here", part.pos)
    if s != SCALAR and (node.kind != "sum" or not node.index):
        raise ParseError(f"a {'product' if node.kind != 'sum' else 'sum with no index'} of "
                         f"{low.shape_text(s)} is not read: write it entry by entry", node.pos)

    def build(i: Node | None, j: Node | None) -> Node:
        lo, hi = (x[1](None, None) if x is not None else None for x in limits)
        return replace(node, body=b(i, j), lo=lo, hi=hi)
    return s, build


def _member_range(low: Lowering, node: BigOp) -> BigOp:
    """A sum over the members n of a family with no range written: it runs over the range
    written for a plain family it sums by n (y in Σ_n (y_n − p_n) x_n; |y| if none is), else
    over a number of members of its own, #x, for every number: never over a size the
    document gives to something else (the vectors' size), which would be a guess."""
    if node.lo is not None or not node.index:
        if not node.index and any(isinstance(n, Sym) and _split(n.name) is not None and
                                  len(n.sub) == 1 for n in all_nodes(node.body)):
            raise ParseError("a sum with no index over members of a family of vectors: write "
                             "its index and range, \\sum_{n=1}^{N}", node.pos)
        return node
    i = node.index
    members = sorted(_letter(_base(n)) for n in all_nodes(node.body) if isinstance(n, Sym) and
                     _split(n.name) is not None and n.sub == (Sym(i),))
    if not members:
        return node
    plain = sorted(n.name for n in all_nodes(node.body) if isinstance(n, Sym) and
                   _split(n.name) is None and n.sub == (Sym(i),))
    if plain:
        lo, hi = low.ranges.get(plain[0]) or (Num("1"), Sym(f"|{plain[0]}|"))
        low.note(f"Σ_{i} has no range written: it runs over {i} = {_text(lo)}..{_text(hi)}, "
                 f"the range of {name_text(plain[0])}")
    else:
        lo, hi = Num("1"), Sym(f"#{name_text(members[0])}")
        low.note(f"Σ_{i} has no range written: it runs over all the members of the family "
                 f"{name_text(members[0])}, {i} = 1..{hi.name}, for every number {hi.name}")
    return replace(node, lo=lo, hi=hi)


def _base(n: Sym) -> str:
    split = _split(n.name)
    assert split is not None
    return split[0] + SAMPLE if split[1] else split[0]


def _text(n: Node) -> str:
    from derive.reading.syntax import to_text
    return to_text(n)


def member_shape(low: Lowering, m: Member, pos: int) -> Shape:
    """The shape of a family member (every member the same) or of a layer (its own)."""
    axes = []
    for k in range(2 if m.matrix else 1):
        v = low.axes.get((m.key, k))
        if v is None:
            known = m.dims[k] if m.dims is not None and k < len(m.dims) else None
            v = low.axes[(m.key, k)] = low._var(m.size + (f"_{k + 1}" if m.matrix else ""),
                                                known)
        axes.append(v)
    low.families.check_entries(m, len(axes), pos)
    return axes[0], axes[1] if m.matrix else None


def right_fold(shapes: list[Shape], ops: tuple[str, ...]) -> bool:
    """Is a product [a row] matrices… a column, written by juxtaposition? It is then built
    from the right, W_2 (W_1 x), whose entries are sums inside sums as one would write them
    (the same product: matrix products associate, and every size is unified alike)."""
    if any(ops):
        return False
    shapes = [s for s in shapes if s != (None, None)]
    if len(shapes) < 3 or not (shapes[-1][0] is not None and shapes[-1][1] is None):
        return False
    return all(s[1] is not None and (s[0] is not None or k == 0)
               for k, s in enumerate(shapes[:-1]))


def first_definitions(chains: list[Chain | None], defines: Callable[[Chain], bool]) -> set[int]:
    """The chains that define a name: each the first with the shape of a definition of its
    head (\\mathbf{z}_n and \\mathbf{z}_m define one family; \\mathbf{b}^{(1)} and
    \\mathbf{b}^{(2)} two layers)."""
    seen: set[str] = set()
    out: set[int] = set()
    for k, chain in enumerate(chains):
        if chain and defines(chain):
            head = chain[0][0]
            name = head.name if isinstance(head, Sym) else ""
            if isinstance(head, Sym) and head.sub and isinstance(head.sub[0], Num):
                name += "(" + head.sub[0].text + ")"
            if name not in seen:
                seen.add(name)
                out.add(k)
    return out


def rename_layers(chains: list[Chain | None]) -> list[Chain | None]:
    """Every chain with the entries an author writes of a bold layer renamed to the layer's
    own name (:meth:`FamilyIndex.rename_layers`)."""
    index = FamilyIndex([t for c in chains if c for t, _, _ in c])
    return [[(index.rename_layers(t), s, o) for t, s, o in c] if c else c for c in chains]


def by_part(chains: list[Chain | None], parts: list[int] | None
            ) -> tuple[list[int], dict[int, FamilyIndex]]:
    """Each chain's part of the document (the # or ## heading it stands under), and the
    family index of each part: how a bold family and its plain entries are written is read
    per part, since a book's part on one feature (x_n) may use the letter for vectors in the
    next (𝐱_n). Reading two names apart never proves more than reading them as one would."""
    part_of = parts or [0] * len(chains)
    return part_of, {p: FamilyIndex([t for c, q in zip(chains, part_of) if c and q == p
                                     for t, _, _ in c]) for p in set(part_of)}


def check_plain_names(indices: dict[int, FamilyIndex], part_of: list[int],
                      chains: list[Chain | None], firsts: list,
                      shapes: dict[str, tuple[Range, ...]]) -> None:
    """:meth:`FamilyIndex.check_plain` on each chain that uses vectors and was shaped (an
    equation of scalars alone reads x_n as it always has), against its part's index; a
    refusal replaces its shapes."""
    for k, chain in enumerate(chains):
        if chain and firsts[k] is not None and not isinstance(firsts[k], ParseError):
            try:
                for t, _, _ in chain:
                    indices[part_of[k]].check_plain(t, shapes)
            except ParseError as exc:
                firsts[k] = exc


def power_of_bold(node: Pow) -> None:
    """\\mathbf{x}^n, \\mathbf{x}^2: a power of a vector, or the sample n? Refused, saying
    how to write either."""
    split = _split(node.base.name) if isinstance(node.base, Sym) else None
    if split is not None:
        x = split[0]
        bold = f"\\mathbf{{{x}}}"
        raise ParseError(f"a superscript on the bold {name_text(x)} could be a power or an "
                         f"index: write a sample as {bold}^{{(n)}} or {bold}_n, a squared "
                         f"length as \\|{bold}\\|^2, or a power of its entries as {x}_a^2",
                         node.pos)


__all__ = ["FamilyIndex", "Member", "by_part", "check_plain_names", "defines_member", "entry",
           "first_definitions", "is_matrix_letter", "layer_name",
           "member_shape", "power_of_bold", "rename_layers", "right_fold", "vector_sum"]

"""The ground every rule stands on: :class:`Rule`, what it is applied in (:class:`RuleContext`,
:class:`Earlier`), and the tree helpers rules rewrite with.

The helpers work on surface trees (:mod:`derive.reading.syntax`) and keep the author's
notation: structural identity (:func:`key`, :func:`same`), identity up to a renaming of index
letters (:func:`shape`, :func:`shapes`) and the node classes a tree holds (:func:`kinds`), both
cached on the tree; case subscripts and parentheses dropped (:func:`bare`, :func:`strip`);
products, sums and negations built flat (:func:`mul`, :func:`add`, :func:`neg`,
:func:`wrap`); index letters found and renamed (:func:`index_letters`, :func:`letters_in`,
:func:`rename`); and bottom-up rewriting (:func:`map_tree`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from derive.reading.names import LABEL, label_parts
from derive.reading.scope import Env, rebuild
from derive.reading.syntax import (
    Add,
    Apply,
    BigOp,
    Case,
    Deriv,
    Exp,
    Frac,
    Indicator,
    Log,
    Mul,
    Neg,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
    children,
    walk,
)
from derive.reading.syntax import key as syntax_key
from derive.records import frozen


@frozen
class Earlier:
    """A claim equation elsewhere in the document, for substitution and case merging."""

    index: int
    lhs: Node
    last: Node  # its last side
    cases: tuple[Case, ...]
    later: bool = False


@frozen
class RuleContext:
    env: Env
    ranges: dict  # free index -> (lo, hi) trees
    cases: tuple[Case, ...]
    others: tuple[Earlier, ...] = ()


# --------------------------------------------------------------------------- tree helpers

def _on_tree(node: Node, attr: str, make):
    """``make(node)``, computed once per tree and kept on it (trees never change)."""
    cached = node.__dict__.get(attr)
    if cached is None:
        cached = make(node)
        object.__setattr__(node, attr, cached)
    return cached


key = syntax_key  # structural identity: one definition, in derive.reading.syntax


def same(a: Node, b: Node) -> bool:
    return key(a) == key(b)


_ANY = "?"


def shape(node: Node):
    """:func:`key` with every letter a renaming could change left out (plain names, index
    letters, case letters, summation indices): trees that match up to a renaming of index
    letters (as :func:`derive.rules.document._match` does) have the same shape. A cheap
    necessary condition."""
    return _on_tree(node, "_shape", lambda n: _erase(key(n)))


def _erase(k):
    if not isinstance(k, tuple) or not k:
        return k
    tag = k[0]
    if tag == "Sym":
        _, name, subs, case = k
        if not subs and case is None:
            return ("Sym", _ANY, (), None)
        return ("Sym", name, tuple(_erase(x) for x in subs), _erase(case))
    if tag == "Case":
        return ("Case", _ANY, _ANY, k[3])
    if tag == "Indicator":
        return ("Indicator", _ANY, k[2])
    if tag == "BigOp":
        _, kind, body, _index, lo, hi = k
        return ("BigOp", kind, _erase(body), _ANY, _erase(lo), _erase(hi))
    return tuple(_erase(x) for x in k)


def _over_subtrees(attr: str, of_node):
    """The set of ``of_node(n)`` over every subtree n, cached on each subtree."""
    def collect(node: Node) -> frozenset:
        def make(n: Node) -> frozenset:
            out = {of_node(n)}
            for kid in children(n):
                out |= collect(kid)
            return frozenset(out)
        return _on_tree(node, attr, make)
    return collect


#: The shapes of every subtree of a tree.
shapes = _over_subtrees("_shapes", shape)
#: The node classes a tree contains: a rule that rewrites only, say, derivatives can tell
#: at once that a tree without one gives it nothing to do (see :attr:`Rule.needs`).
kinds = _over_subtrees("_kinds", type)


def bare(node: Node) -> Node:
    """The tree without its case subscripts (y_{k=i} → y_k), cached on the tree."""
    return _on_tree(node, "_bare", _drop_cases)




def _drop_cases(node: Node) -> Node:
    def fn(n: Node):
        if isinstance(n, Sym) and n.case is not None:
            return replace(n, case=None, braced=False)
        return None
    return map_tree(node, fn)


def strip(node: Node) -> Node:
    while isinstance(node, Paren):
        node = node.inner
    return node


def mul(*factors: Node) -> Node:
    flat: list[Node] = []
    sign = False
    for f in factors:
        f = strip(f) if isinstance(strip(f), (Mul, Sym, Num, Frac, Exp, Log, Indicator, Deriv,
                                               Apply, Pow)) else f
        if isinstance(f, Neg):
            sign = not sign
            f = f.arg
        if isinstance(f, Num) and f.text == "1":
            continue
        if isinstance(f, Mul):
            flat.extend(f.factors)
        else:
            flat.append(f)
    if any(isinstance(f, Num) and f.text == "0" for f in flat):
        return Num("0")
    body: Node = Num("1") if not flat else flat[0] if len(flat) == 1 else Mul(tuple(flat))
    return Neg(body) if sign else body


def neg(node: Node) -> Node:
    node = strip(node) if isinstance(strip(node), Neg) else node
    if isinstance(node, Neg):
        return node.arg
    return Neg(node)


def add(*terms: Node) -> Node:
    flat: list[Node] = []
    for t in terms:
        if isinstance(t, Add):
            flat.extend(t.terms)
        elif not (isinstance(t, Num) and t.text == "0"):
            flat.append(t)
    if not flat:
        return Num("0")
    return flat[0] if len(flat) == 1 else Add(tuple(flat))


def wrap(node: Node) -> Node:
    return Paren(node) if isinstance(node, (Add, Neg)) else node


def index_letters(node: Node, sum_indices: bool = True, names: bool = False) -> set[str]:
    """Letters used as indices (subscripts, case conditions, indicators and, unless told
    otherwise, summation indices); with ``names``, plain names too."""
    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, Sym):
            if n.case is not None:
                out.update((n.case.left, n.case.right))
            out.update(s.name for s in n.sub if isinstance(s, Sym))
            if names and not n.sub:
                out.add(n.name)
        elif isinstance(n, Indicator):
            out.update((n.case.left, n.case.right))
        elif sum_indices and isinstance(n, BigOp) and n.index:
            out.add(n.index)
    return out


def letters_in(node: Node) -> set[str]:
    """Every letter a tree mentions: its indices (not bound ones) and its plain names."""
    return index_letters(node, sum_indices=False, names=True)


def _renamed(letter: str, mapping: dict[str, str]) -> str:
    """An index letter renamed, and a label's letter with it (y_i is y_j where i is j)."""
    label = label_parts(letter)
    if label is not None:
        return label[0] + LABEL + mapping[label[1]] if label[1] in mapping else letter
    return mapping.get(letter, letter)


def rename(node: Node, mapping: dict[str, str]) -> Node:
    """Rename index letters (free occurrences) in a tree."""
    if not mapping:
        return node
    if isinstance(node, Sym):
        if node.case is not None:
            c = node.case
            case = replace(c, left=_renamed(c.left, mapping), right=_renamed(c.right, mapping))
            return replace(node, case=case, sub=tuple(rename(s, mapping) for s in node.sub))
        if not node.sub and (node.name in mapping or LABEL in node.name):
            return replace(node, name=_renamed(node.name, mapping))
        return replace(node, sub=tuple(rename(s, mapping) for s in node.sub))
    if isinstance(node, Indicator):
        c = node.case
        return replace(node, case=replace(c, left=_renamed(c.left, mapping),
                                          right=_renamed(c.right, mapping)))
    if isinstance(node, BigOp) and node.index in mapping:
        inner = {k: v for k, v in mapping.items() if k != node.index}
        return replace(node, body=rename(node.body, inner),
                       lo=rename(node.lo, mapping) if node.lo else None,
                       hi=rename(node.hi, mapping) if node.hi else None)
    kids = children(node)
    if not kids:
        return node
    return rebuild(node, [rename(k, mapping) for k in kids])


def map_tree(node: Node, fn) -> Node:
    """Rewrite bottom-up: fn(node) returns a replacement or None.

    The variables of a derivative are never rewritten (∂/∂y_k stays ∂/∂y_k).
    """
    if isinstance(node, Deriv):
        if node.expr is None:
            return node
        expr = map_tree(node.expr, fn)
        if expr is not node.expr:
            node = replace(node, expr=expr)
        out = fn(node)
        return node if out is None else out
    kids = children(node)
    if kids:
        new = [map_tree(k, fn) for k in kids]
        if any(a is not b for a, b in zip(new, kids)):
            node = rebuild(node, new)
    out = fn(node)
    return node if out is None else out


# --------------------------------------------------------------------------- the rule

@frozen
class Rule:
    name: str

    #: Node classes the rule rewrites: for each group, a tree must contain one of its
    #: classes, or the rule cannot change it (and :meth:`attempt` does not walk it).
    #: A class attribute, not a field.
    needs: ClassVar[tuple[tuple[type[Node], ...], ...]] = ()

    def apply(self, node: Node, ctx: RuleContext) -> Node | None:  # pragma: no cover
        raise NotImplementedError

    def idle(self, node: Node) -> bool:
        """Whether the tree lacks what this rule rewrites (so that it has nothing to do)."""
        have = kinds(node)
        return any(have.isdisjoint(group) for group in self.needs)

    def attempt(self, node: Node, ctx: RuleContext) -> Node | None:
        """:meth:`apply`, skipped at once on a tree the rule cannot change."""
        return None if self.idle(node) else self.apply(node, ctx)

    def label(self, node: Node, ctx: RuleContext) -> str:
        return self.name


def _changed(old: Node, new: Node) -> Node | None:
    return None if same(old, new) else new

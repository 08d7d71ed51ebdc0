"""Rules that use the rest of the document: substitution of an earlier equation ("by (N)"),
folding and unfolding a definition, merging two cases (k = i, k ≠ i) with the indicator, and
taking a general result in one case.

:func:`unfold_once` replaces defined names by their definitions (the calculus rules use it
too); :func:`_match` matches a tree against a pattern up to a renaming of index letters.
"""

from __future__ import annotations

from dataclasses import replace

from derive.reading.scope import Definition
from derive.reading.syntax import (
    Add,
    Apply,
    BigOp,
    Case,
    Deriv,
    Exp,
    Frac,
    Indicator,
    Mul,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
    name_text,
    walk,
)
from derive.rules.base import (
    Earlier,
    Rule,
    RuleContext,
    _changed,
    add,
    bare,
    index_letters,
    key,
    letters_in,
    map_tree,
    mul,
    neg,
    rename,
    shape,
    shapes,
    strip,
    wrap,
)


def unfold_once(node: Node, ctx: RuleContext, names: set[str] | None = None) -> Node:
    """Replace defined names by their definitions (one level)."""

    def fn(n: Node):
        if isinstance(n, Sym) and n.name in ctx.env.definitions and (
                names is None or n.name in names):
            d = ctx.env.definitions[n.name]
            if d.kind == "scalar" and not n.sub:
                return wrap(d.body)
            if d.kind == "family" and len(n.sub) == len(d.params):
                mapping = {}
                for p, s in zip(d.params, n.sub):
                    if isinstance(s, Sym):
                        mapping[p] = s.name
                body = _fresh_bound(d.body, set(mapping.values()))
                out = rename(body, mapping)
                if n.case is not None:
                    out = _with_case(out, n.case)
                return wrap(out)
        if isinstance(n, Apply) and n.func.name in ctx.env.definitions and (
                names is None or n.func.name in names):
            d = ctx.env.definitions[n.func.name]
            if d.kind == "function" and len(n.args) == len(d.params) and n.primes:
                # f'(x) for f(x) = …: the derivative of the body, never the body itself
                if len(d.params) != 1 or key(n.args[0]) != key(Sym(d.params[0])):
                    return None
                return Deriv(d.body, (Sym(d.params[0]),) * n.primes, "d")
            if d.kind == "function" and len(n.args) == len(d.params):
                return Paren(_subst_params(d.body, dict(zip(d.params, n.args))))
        return None

    return map_tree(node, fn)


def _with_case(node: Node, case: Case) -> Node:
    def fn(n: Node):
        if isinstance(n, Sym) and len(n.sub) == 1 and isinstance(n.sub[0], Sym) and \
                n.sub[0].name == case.left and n.case is None:
            return replace(n, case=case, braced=True)
        return None
    return map_tree(node, fn)


def _fresh_bound(body: Node, avoid: set[str]) -> Node:
    def fn(n: Node):
        if isinstance(n, BigOp) and n.index in avoid:
            new = next(c for c in "jlmnpqrs" if c not in avoid)
            # rename(n, {}) is n, a BigOp
            return replace(rename(n, {}), index=new,  # type: ignore[call-arg]
                           body=rename(n.body, {n.index: new}))
        return None
    return map_tree(body, fn)


def _subst_params(body: Node, args: dict[str, Node]) -> Node:
    def fn(n: Node):
        if isinstance(n, Sym) and not n.sub and n.name in args:
            return wrap(args[n.name])
        return None
    return map_tree(body, fn)


class Substitution(Rule):
    """Replace an earlier equation's left side by its result: "by (N)"."""

    def __init__(self, eq: Earlier):
        object.__setattr__(self, "name", f"substitution of ({eq.index})" if not eq.later else
                           f"the result of ({eq.index}), derived later")
        object.__setattr__(self, "eq", eq)

    def apply(self, node, ctx):
        eq: Earlier = self.eq  # type: ignore[attr-defined]
        if shape(eq.lhs) not in shapes(node):
            return None  # no subtree can match: a set lookup, not a walk of the tree

        def fn(n: Node):
            mapping = _match(eq.lhs, n)
            if mapping is not None:
                return wrap(rename(eq.last, mapping))
            return None

        return _changed(node, strip(map_tree(node, fn)))


def _match(pattern: Node, node: Node) -> dict[str, str] | None:
    """Match a tree against a pattern up to a renaming of index letters."""
    kp, kn = key(pattern), key(node)
    if kp == kn:
        return {}
    if type(strip(pattern)) is not type(strip(node)):
        return None
    lp, ln = sorted(index_letters(pattern)), sorted(index_letters(node))
    if len(lp) != len(ln) or len(lp) > 3:
        return None
    import itertools

    for perm in itertools.permutations(ln):
        mapping = dict(zip(lp, perm))
        if key(rename(pattern, mapping)) == kn:
            return mapping
    return None


class FoldDefinition(Rule):
    """Recognise a definition's right side and write the defined name instead (or unfold it)."""

    def __init__(self, d: Definition, unfold: bool = False):
        what = name_text(d.name)
        object.__setattr__(self, "name", f"definition of {what} ({d.label})")
        object.__setattr__(self, "d", d)
        object.__setattr__(self, "unfold", unfold)

    def apply(self, node, ctx):
        d: Definition = self.d  # type: ignore[attr-defined]
        if self.unfold:  # type: ignore[attr-defined]
            return _changed(node, unfold_once(node, ctx, {d.name}))
        if d.kind == "function" and len(d.params) == 1:
            return _changed(node, _fold_function(node, d))
        if d.kind != "family" or len(d.params) != 1:
            return None
        p = d.params[0]
        body_kind = type(strip(d.body))  # only a node of the body's own kind can be the body

        def fn(n: Node):
            if isinstance(n, (Frac, Mul, Exp, BigOp)) and type(n) is body_kind:
                for letter in letters_in(n):
                    cand = rename(d.body, {p: letter}) if letter != p else d.body
                    if _match_loose(cand, bare(n)):
                        sub = _case_sym(n, letter)
                        return Sym(d.name, (Sym(letter),), sub, sub is not None)
            return None

        return _changed(node, map_tree(node, fn))


_PARAM = ("param",)


def _fold_function(node: Node, d: Definition) -> Node:
    """Write σ(a) wherever the body of σ(u) = … appears with some a in place of u."""
    param = ("Sym", d.params[0], (), None)
    pattern = _mark(key(d.body), param)

    def fn(n: Node):
        if isinstance(n, (Frac, Mul, Exp, Add, Pow)):
            binding: dict = {}
            if _unify(pattern, key(n), binding) and "arg" in binding:
                arg = next((m for m in walk(n) if key(m) == binding["arg"]), None)
                if arg is not None:
                    return Apply(Sym(d.name), (strip(arg),))
        return None

    return map_tree(node, fn)


def _mark(k, param):
    if k == param:
        return _PARAM
    if isinstance(k, tuple):
        return tuple(_mark(x, param) for x in k)
    return k


def _unify(pattern, k, binding: dict) -> bool:
    if pattern == _PARAM:
        if "arg" in binding:
            return binding["arg"] == k
        binding["arg"] = k
        return True
    if isinstance(pattern, tuple) and isinstance(k, tuple):
        return len(pattern) == len(k) and all(_unify(p, x, binding) for p, x in zip(pattern, k))
    return pattern == k


def _case_sym(n: Node, letter: str) -> Case | None:
    for m in walk(n):
        if isinstance(m, Sym) and m.case is not None and m.case.left == letter:
            return m.case
    return None


def _match_loose(pattern: Node, node: Node) -> bool:
    """Equality up to bound-index names and the written form of sum limits."""
    def norm(n: Node):
        k = key(n)
        return _rename_bound(k)
    return norm(pattern) == norm(node)


def _rename_bound(k, depth=0):
    if isinstance(k, tuple) and k and k[0] == "BigOp" and k[1] == "sum":
        _, kind, body, idx, lo, hi = k
        name = f"_{depth}"
        return ("BigOp", kind, _rename_bound(_replace_letter(body, idx, name), depth + 1),
                name, lo, hi)
    if isinstance(k, tuple):
        return tuple(_rename_bound(x, depth) for x in k)
    return k


def _replace_letter(k, old, new):
    if isinstance(k, tuple):
        if len(k) == 4 and k[0] == "Sym" and k[1] == old and k[2] == () and k[3] is None:
            return ("Sym", new, (), None)
        if len(k) == 4 and k[0] == "Case":
            return ("Case", new if k[1] == old else k[1], new if k[2] == old else k[2], k[3])
        return tuple(_replace_letter(x, old, new) for x in k)
    return k


class CaseMerge(Rule):
    """Two cases (k = i) and (k ≠ i) merged into one form with the indicator."""

    def __init__(self, eq_same: Earlier, eq_other: Earlier):
        object.__setattr__(self, "name", f"merging the cases ({eq_same.index}) and "
                                         f"({eq_other.index}) with the indicator")
        object.__setattr__(self, "pair", (eq_same, eq_other))

    def apply(self, node, ctx):
        a, b = self.pair  # type: ignore[attr-defined]
        ca = a.cases[0]
        if _match(bare(a.lhs), node) != {} or _match(bare(b.lhs), node) != {}:
            return None
        ind = Indicator(Case(ca.left, ca.right))
        return add(mul(ind, wrap(bare(a.last))),
                   mul(Paren(add(Num("1"), neg(ind))), wrap(bare(b.last))))


class CaseSplit(Rule):
    """A general result taken in one case: (5) with k = i turns 1{k = i} into 1."""

    def __init__(self, eq: Earlier, case: Case):
        what = f"{case.left} {'=' if case.equal else '≠'} {case.right}"
        object.__setattr__(self, "name", f"case {what} of ({eq.index})")
        object.__setattr__(self, "eq", eq)
        object.__setattr__(self, "case", case)

    def apply(self, node, ctx):
        eq: Earlier = self.eq  # type: ignore[attr-defined]
        case: Case = self.case  # type: ignore[attr-defined]
        target = bare(strip(node))
        if shape(eq.lhs) != shape(target):
            return None
        mapping = _match(eq.lhs, target)
        if mapping is None:
            return None
        general = rename(eq.last, mapping)

        def fn(n: Node):
            if isinstance(n, Indicator) and {n.case.left, n.case.right} == {case.left,
                                                                          case.right}:
                holds = case.equal == n.case.equal
                return Num("1" if holds else "0")
            return None

        return _with_case(map_tree(general, fn), case)

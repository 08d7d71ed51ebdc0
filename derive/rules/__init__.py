"""Rules of derivation: small objects that apply themselves to the left side of a link.

Each rule rewrites a surface tree (:mod:`derive.reading.syntax`) the way a person would at
that step, and so produces its result in the author's notation: the chain rule turns
∂log y_k/∂z_i into ∂log y_k/∂y_k · ∂y_k/∂z_i, expansion turns −Σ t_k(1{k=i} − y_i) into
−Σ t_k 1{k=i} + Σ t_k y_i. A rule that does not fit returns ``None`` ("don't know" is a
value). The checker decides which rule's result matches the stated right side; a rule
never decides a verdict.
"""

from __future__ import annotations

from dataclasses import replace

from derive.reading.scope import Definition, Env, rebuild
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
    name_text,
    to_latex,
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
    letters (as :func:`_match` does) have the same shape. A cheap necessary condition."""
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


def rename(node: Node, mapping: dict[str, str]) -> Node:
    """Rename index letters (free occurrences) in a tree."""
    if not mapping:
        return node
    if isinstance(node, Sym):
        if node.case is not None:
            c = node.case
            case = replace(c, left=mapping.get(c.left, c.left), right=mapping.get(c.right, c.right))
            return replace(node, case=case, sub=tuple(rename(s, mapping) for s in node.sub))
        if not node.sub and node.name in mapping:
            return replace(node, name=mapping[node.name])
        return replace(node, sub=tuple(rename(s, mapping) for s in node.sub))
    if isinstance(node, Indicator):
        c = node.case
        return replace(node, case=replace(c, left=mapping.get(c.left, c.left),
                                          right=mapping.get(c.right, c.right)))
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


def depends(node: Node, var: Sym, ctx: RuleContext) -> bool:
    """Whether a tree can depend on the differentiation variable ``var``."""
    for n in walk(node):
        if isinstance(n, Sym):
            if n.name == var.name:
                return True
            d = ctx.env.definitions.get(n.name)
            if d is not None and n is not var and depends(d.body, var, ctx):
                return True
        if isinstance(n, Apply) and ctx.env.definitions.get(n.func.name) is not None:
            if any(depends(a, var, ctx) for a in n.args) or depends(
                    ctx.env.definitions[n.func.name].body, var, ctx):
                return True
    return False


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
        if isinstance(n, Apply) and n.func.name in ctx.env.definitions:
            d = ctx.env.definitions[n.func.name]
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
            return replace(rename(n, {}), index=new, body=rename(n.body, {n.index: new}))
        return None
    return map_tree(body, fn)


def _subst_params(body: Node, args: dict[str, Node]) -> Node:
    def fn(n: Node):
        if isinstance(n, Sym) and not n.sub and n.name in args:
            return wrap(args[n.name])
        return None
    return map_tree(body, fn)


# --------------------------------------------------------------------------- rules

@frozen
class Rule:
    name: str

    #: Node classes the rule rewrites: for each group, a tree must contain one of its
    #: classes, or the rule cannot change it (and :meth:`attempt` does not walk it).
    #: A class attribute, not a field (no annotation).
    needs = ()

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


class Linearity(Rule):
    """∂/∂x of a sum, a difference or a constant multiple: push the derivative inside."""

    needs = ((Deriv,),)

    def apply(self, node, ctx):
        return self._push(node, ctx, [])

    def label(self, node, ctx):
        consts: list[str] = []
        self._push(node, ctx, consts)
        if consts:  # name what was taken out as constant, as in "(t constant)"
            names = sorted({c.split("_")[0] for c in consts})
            return f"{self.name} ({', '.join(names)} constant)"
        return self.name

    def _push(self, node, ctx, consts: list[str]):
        def push(expr: Node, d: Deriv) -> Node:
            expr = strip(expr)
            var = d.wrt[0]
            if isinstance(expr, Neg):
                return neg(push(expr.arg, d))
            if isinstance(expr, Add):
                return add(*[push(t, d) if not isinstance(t, Neg) else neg(push(t.arg, d))
                             for t in expr.terms])
            if isinstance(expr, BigOp) and expr.kind == "sum":
                return replace(expr, body=push(expr.body, d))
            if isinstance(expr, Mul):
                const = [f for f in expr.factors if not depends(f, var, ctx)]
                rest = [f for f in expr.factors if depends(f, var, ctx)]
                if const and rest:
                    consts.extend(to_latex(c) for c in const)
                    inner = rest[0] if len(rest) == 1 else Mul(tuple(rest))
                    return mul(*const, Deriv(inner, d.wrt, d.style, d.frac, False))
            if isinstance(expr, Num):
                return Num("0")
            return Deriv(expr, d.wrt, d.style, d.frac, False)

        def fn(n: Node):
            if isinstance(n, Deriv) and len(n.wrt) == 1 and n.expr is not None:
                inner = strip(n.expr)
                if isinstance(inner, Sym) and not inner.sub and inner.name in ctx.env.definitions:
                    inner = strip(unfold_once(inner, ctx))
                if isinstance(inner, (Neg, Add, BigOp, Mul)):
                    return push(inner, n)
            return None

        return _changed(node, map_tree(node, fn))


class ChainRule(Rule):
    """∂f(g)/∂x = ∂f(g)/∂g · ∂g/∂x, where g is a defined name."""

    needs = ((Deriv,),)

    def apply(self, node, ctx):
        def inner_name(expr: Node) -> Node | None:
            expr = strip(expr)
            if isinstance(expr, (Log, Exp)):
                g = strip(expr.arg)
            elif isinstance(expr, Pow):
                g = strip(expr.base)
            elif isinstance(expr, Apply) and len(expr.args) == 1:
                g = strip(expr.args[0])
            else:
                return None
            if isinstance(g, Sym) and g.name in ctx.env.definitions:
                return g
            if isinstance(g, Apply) and g.func.name in ctx.env.definitions:
                return g
            return None

        def fn(n: Node):
            if isinstance(n, Deriv) and len(n.wrt) == 1 and n.expr is not None:
                g = inner_name(n.expr)
                if g is not None and not same(g, n.wrt[0]):
                    var = g if isinstance(g, Sym) else None
                    if var is None:
                        return None
                    return Mul((Deriv(n.expr, (var,), n.style, n.frac),
                                Deriv(g, n.wrt, n.style, n.frac)))
            return None

        return _changed(node, map_tree(node, fn))


class LogExpDerivative(Rule):
    """∂log u/∂u = 1/u and ∂e^u/∂u = e^u."""

    needs = ((Deriv, Frac),)  # (it also folds a 1/u into its neighbour)

    def apply(self, node, ctx):
        def fn(n: Node):
            if not (isinstance(n, Mul)):
                if isinstance(n, Deriv) and len(n.wrt) == 1 and n.expr is not None:
                    return direct(n)
                return None
            # fold 1/u into the neighbouring factor, as in t_k · 1/y_k = t_k / y_k
            factors = list(n.factors)
            for k, f in enumerate(factors):
                if k and isinstance(f, Frac) and isinstance(f.num, Num) and f.num.text == "1" \
                        and not isinstance(factors[k - 1], (Frac, Deriv, BigOp)):
                    factors[k - 1:k + 1] = [Frac(factors[k - 1], f.den)]
                    return mul(*factors)
                if isinstance(f, Deriv) and len(f.wrt) == 1 and isinstance(strip(f.expr), Log) \
                        and same(strip(f.expr).arg, f.wrt[0]):
                    u = strip(f.expr).arg
                    if k > 0 and not isinstance(factors[k - 1], (Frac, Deriv)):
                        factors[k - 1:k + 1] = [Frac(factors[k - 1], u)]
                    else:
                        factors[k] = Frac(Num("1"), u)
                    return mul(*factors)
            return None

        def direct(d: Deriv):
            e = strip(d.expr)
            if isinstance(e, Log) and same(e.arg, d.wrt[0]):
                return Frac(Num("1"), e.arg)
            if isinstance(e, Exp) and same(e.arg, d.wrt[0]):
                return e
            return None

        return _changed(node, map_tree(node, fn))


def _d(expr: Node, var: Sym, ctx: RuleContext) -> Node | None:
    """A small derivative of simple pieces (exponentials, sums of them), in surface form."""
    expr = strip(expr)
    if not depends(expr, var, ctx):
        return Num("0")
    if isinstance(expr, Sym) and same(expr, var):
        return Num("1")
    if isinstance(expr, Sym) and expr.name == var.name and len(expr.sub) == 1 == len(var.sub):
        a, b = _idx(expr), _idx(var)
        case = _case_between(a, b, ctx)
        if case is True:
            return Num("1")
        if case is False:
            return Num("0")
        return Indicator(Case(a, b))
    if isinstance(expr, Exp):
        inner = _d(expr.arg, var, ctx)
        if inner is None:
            return None
        return mul(expr, inner) if not (isinstance(inner, Num) and inner.text == "0") else Num("0")
    if isinstance(expr, BigOp) and expr.kind == "sum":
        body_d = _d(expr.body, var, ctx)
        if body_d is None:
            return None
        sifted = _sift_one(replace(expr, body=body_d), ctx)
        return sifted if sifted is not None else replace(expr, body=body_d)
    if isinstance(expr, Add):
        parts = []
        for t in expr.terms:
            sub = _d(t.arg if isinstance(t, Neg) else t, var, ctx)
            if sub is None:
                return None
            parts.append(neg(sub) if isinstance(t, Neg) else sub)
        return add(*[p for p in parts if not (isinstance(p, Num) and p.text == "0")])
    return None


def _idx(sym: Sym) -> str:
    if sym.case is not None:
        return sym.case.left
    s = sym.sub[0]
    return s.name if isinstance(s, Sym) else to_latex(s)


def _case_between(a: str, b: str, ctx: RuleContext) -> bool | None:
    if a == b:
        return True
    for c in ctx.cases:
        if {c.left, c.right} == {a, b}:
            return c.equal
    return None


class QuotientRule(Rule):
    """∂(u/v)/∂x = (∂u/∂x · v − u · ∂v/∂x) / v², with the simple derivatives taken."""

    needs = ((Deriv,),)

    def apply(self, node, ctx):
        def fn(n: Node):
            if isinstance(n, Deriv) and len(n.wrt) == 1 and n.expr is not None:
                e = strip(n.expr)
                if isinstance(e, (Sym, Apply)) and _defined(e, ctx):
                    e = strip(unfold_once(e, ctx))
                if isinstance(e, Frac):
                    du, dv = _d(e.num, n.wrt[0], ctx), _d(e.den, n.wrt[0], ctx)
                    if du is None or dv is None:
                        return None
                    num = add(mul(du, e.den) if not _zero(du) else mul(Num("0"), e.den),
                              neg(mul(e.num, dv)))
                    return Frac(num, Pow(Paren(e.den) if not isinstance(e.den, Paren) else e.den,
                                         Num("2")))
            return None

        return _changed(node, map_tree(node, fn))

    def label(self, node, ctx):
        for c in ctx.cases:
            return f"quotient rule (case {c.left} {'=' if c.equal else '≠'} {c.right})"
        return self.name


def _defined(e: Node, ctx: RuleContext) -> bool:
    name = e.func.name if isinstance(e, Apply) else e.name  # type: ignore[union-attr]
    return name in ctx.env.definitions


def _zero(n: Node) -> bool:
    return isinstance(n, Num) and n.text == "0"


class ProductRule(Rule):
    """∂(uv)/∂x = ∂u/∂x · v + u · ∂v/∂x."""

    needs = ((Deriv,),)

    def apply(self, node, ctx):
        def fn(n: Node):
            if isinstance(n, Deriv) and len(n.wrt) == 1 and isinstance(strip(n.expr), Mul):
                fs = strip(n.expr).factors
                var = n.wrt[0]
                dep = [f for f in fs if depends(f, var, ctx)]
                if len(dep) < 2:
                    return None
                terms = []
                for k, f in enumerate(fs):
                    if not depends(f, var, ctx):
                        continue
                    others = [g for j, g in enumerate(fs) if j != k]
                    terms.append(mul(*others, Deriv(f, n.wrt, n.style, n.frac)))
                return add(*terms)
            return None

        return _changed(node, map_tree(node, fn))


class Cancellation(Rule):
    """a/b · b = a: a factor cancels against a denominator."""

    needs = ((Frac,),)

    def apply(self, node, ctx):
        def fn(n: Node):
            if not isinstance(n, Mul):
                return None
            fs = list(n.factors)
            for k, f in enumerate(fs):
                f = strip(f)
                if isinstance(f, Frac):
                    for j, g in enumerate(fs):
                        if j != k and same(g, f.den):
                            new = fs[:]
                            new[k] = f.num
                            del new[j]
                            return mul(*new)
            return None

        return _changed(node, map_tree(node, fn))


def _expand_product(factors: list[Node]) -> Node:
    """Distribute a product over the one sum among its factors."""
    for k, f in enumerate(factors):
        s = strip(f)
        if isinstance(s, Add):
            before, after = factors[:k], factors[k + 1:]
            terms = []
            for t in s.terms:
                if isinstance(t, Neg):
                    terms.append(neg(mul(*before, t.arg, *after)))
                else:
                    terms.append(mul(*before, t, *after))
            return add(*terms)
    return mul(*factors)


class Expansion(Rule):
    """Multiply out and split a sum over its terms: Σ (a + b) = Σ a + Σ b."""

    needs = ((Add,),)  # every case it rewrites has a sum of terms inside

    def apply(self, node, ctx):
        def fn(n: Node):
            if isinstance(n, Mul) and any(isinstance(strip(f), Add) for f in n.factors):
                return _expand_product(list(n.factors))
            if isinstance(n, BigOp) and n.kind == "sum" and isinstance(strip(n.body), Add):
                terms = []
                for t in strip(n.body).terms:
                    if isinstance(t, Neg):
                        terms.append(neg(replace(n, body=t.arg)))
                    else:
                        terms.append(replace(n, body=t))
                return add(*terms)
            if isinstance(n, Neg) and isinstance(strip(n.arg), Add):
                return add(*[neg(t) for t in strip(n.arg).terms])
            return None

        out = node
        for _ in range(3):
            new = map_tree(out, fn)
            if same(new, out):
                break
            out = new
        return _changed(node, out)


def _sift_one(n: BigOp, ctx: RuleContext) -> Node | None:
    body = strip(n.body)
    factors = list(body.factors) if isinstance(body, Mul) else [body]
    for k, f in enumerate(factors):
        if isinstance(f, Indicator) and f.case.equal and n.index in (f.case.left, f.case.right):
            other = f.case.right if f.case.left == n.index else f.case.left
            if other == n.index:
                continue
            rng = ctx.ranges.get(other)
            if rng is None or not (same(rng[0], n.lo) and same(rng[1], n.hi)):
                if not (n.written == "bare"):
                    continue
            rest = factors[:k] + factors[k + 1:]
            return rename(mul(*rest) if rest else Num("1"), {n.index: other})
    return None


class Sifting(Rule):
    """Σ_k f_k 1{k = i} = f_i, when i lies in the range of the sum."""

    needs = ((BigOp,), (Indicator,))

    def apply(self, node, ctx):
        def fn(n: Node):
            if isinstance(n, BigOp) and n.kind == "sum":
                return _sift_one(n, ctx)
            return None

        return _changed(node, map_tree(node, fn))


class ConstantSum(Rule):
    """Σ_{k=1}^{K} c = K c when c does not depend on k."""

    needs = ((BigOp,),)

    def apply(self, node, ctx):
        def fn(n: Node):
            if isinstance(n, BigOp) and n.kind == "sum" and n.index not in letters_in(n.body):
                count: Node
                if isinstance(n.lo, Num) and n.lo.text == "1":
                    count = n.hi  # type: ignore[assignment]
                else:
                    count = Paren(add(n.hi, neg(n.lo), Num("1")))  # type: ignore[arg-type]
                body = strip(n.body)
                if isinstance(body, Num) and body.text == "1":
                    return count
                return mul(count, n.body)
            return None

        return _changed(node, map_tree(node, fn))


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
        object.__setattr__(self, "name", f"definition of {what} ({d.equation})")
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


def _drop_cases(node: Node) -> Node:
    def fn(n: Node):
        if isinstance(n, Sym) and n.case is not None:
            return replace(n, case=None, braced=False)
        return None
    return map_tree(node, fn)


class Composite(Rule):
    """Two rules in a row, as people often take them in one written step."""

    def __init__(self, name: str, parts: tuple[Rule, ...]):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "parts", parts)

    def apply(self, node, ctx):
        out = node
        applied = 0
        for rule in self.parts:  # type: ignore[attr-defined]
            new = rule.attempt(out, ctx)
            if new is not None:
                out = new
                applied += 1
        return out if applied == len(self.parts) else None  # type: ignore[attr-defined]


_SIFT, _CONST = Sifting("indicator sifting"), ConstantSum("sum of a constant")
BASIC = (Linearity("linearity of the derivative"), ChainRule("chain rule"),
         LogExpDerivative("derivative of log"), QuotientRule("quotient rule"),
         ProductRule("product rule"), Cancellation("cancellation"),
         _SIFT, _CONST, Composite("indicator sifting and sum of a constant", (_SIFT, _CONST)),
         Expansion("expansion of the sum"))


def catalogue(ctx: RuleContext) -> list[Rule]:
    """Every rule that might carry a link in this context, most specific first."""
    rules: list[Rule] = []
    others = _distinct(ctx.others)
    merged = [eq for eq in others if len(eq.cases) == 1 and not eq.later]
    unequal: dict = {}  # the k ≠ i cases, by their left side without the case
    for b in merged:
        if not b.cases[0].equal:
            unequal.setdefault(key(bare(b.lhs)), []).append(b)
    for a in merged:
        if not a.cases[0].equal:
            continue
        # a merge needs both cases of the same left side (apply matches both exactly)
        for b in unequal.get(key(bare(a.lhs)), ()):
            if {a.cases[0].left, a.cases[0].right} == {b.cases[0].left, b.cases[0].right}:
                rules.append(CaseMerge(a, b))
    for eq in others:
        if not eq.cases and not eq.later:
            for case in ctx.cases:
                rules.append(CaseSplit(eq, case))
    for eq in others:
        if not eq.cases:
            rules.append(Substitution(eq))
    rules.extend(BASIC)
    for name in ctx.env.order:
        rules.append(FoldDefinition(ctx.env.definitions[name]))
    for name in ctx.env.order:
        rules.append(FoldDefinition(ctx.env.definitions[name], unfold=True))
    return rules


def _distinct(others: tuple[Earlier, ...]) -> list[Earlier]:
    """The other equations, each written form once: a recap of an earlier equation adds
    no rule of its own (the first one keeps the name, as it would win anyway)."""
    seen: set = set()
    out = []
    for eq in others:
        sig = (key(eq.lhs), key(eq.last), eq.cases, eq.later)
        if sig not in seen:
            seen.add(sig)
            out.append(eq)
    return out


__all__ = ["Rule", "RuleContext", "Earlier", "catalogue", "same", "key", "BASIC", "strip",
           "Linearity", "Substitution", "CaseMerge", "unfold_once"]

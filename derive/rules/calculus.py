"""Rules of differential calculus: linearity, the chain rule, derivatives of log and exp, the
quotient and product rules, and cancellation of a factor above and below a fraction line.

:func:`_d` takes the small derivatives these rules need (exponentials, sums of them, indexed
variables against each other, which gives an indicator 1{k = i} or, under a case, 1 or 0), and
:func:`depends` says whether a tree can depend on the differentiation variable at all.
"""

from __future__ import annotations

from dataclasses import replace

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
    to_latex,
    walk,
)
from derive.rules.base import (
    Rule,
    RuleContext,
    _changed,
    add,
    map_tree,
    mul,
    neg,
    same,
    strip,
)
from derive.rules.document import unfold_once
from derive.rules.sums import _sift_one


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
                        and same(strip(f.expr).arg, f.wrt[0]):  # type: ignore[attr-defined]
                    u = strip(f.expr).arg  # type: ignore[attr-defined]  # a Log, as above
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
    name = e.func.name if isinstance(e, Apply) else e.name  # type: ignore[attr-defined]
    return name in ctx.env.definitions


def _zero(n: Node) -> bool:
    return isinstance(n, Num) and n.text == "0"


class ProductRule(Rule):
    """∂(uv)/∂x = ∂u/∂x · v + u · ∂v/∂x."""

    needs = ((Deriv,),)

    def apply(self, node, ctx):
        def fn(n: Node):
            if isinstance(n, Deriv) and len(n.wrt) == 1 and isinstance(strip(n.expr), Mul):
                fs = strip(n.expr).factors  # type: ignore[attr-defined]  # a Mul, as above
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

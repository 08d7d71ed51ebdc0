"""Rules for sums: expansion (multiplying out, splitting a sum over its terms), indicator
sifting (Σ_k f_k 1{k = i} = f_i), the sum of a constant (Σ_{k=1}^K c = K c), and
:class:`Composite`, two rules taken in one written step.
"""

from __future__ import annotations

from dataclasses import replace

from derive.reading.syntax import (
    Add,
    BigOp,
    Indicator,
    Mul,
    Neg,
    Node,
    Num,
    Paren,
)
from derive.rules.base import (
    Rule,
    RuleContext,
    _changed,
    add,
    letters_in,
    map_tree,
    mul,
    neg,
    rename,
    same,
    strip,
)


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
                for t in strip(n.body).terms:  # type: ignore[attr-defined]  # an Add: narrowed above, through strip()
                    if isinstance(t, Neg):
                        terms.append(neg(replace(n, body=t.arg)))
                    else:
                        terms.append(replace(n, body=t))
                return add(*terms)
            if isinstance(n, Neg) and isinstance(strip(n.arg), Add):
                return add(*[neg(t) for t in strip(n.arg).terms])  # type: ignore[attr-defined]  # an Add: narrowed above, through strip()
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
            # (lo and hi are optional in BigOp's type, not narrowed here: left as it runs)
            if rng is None or not (same(rng[0], n.lo) and same(rng[1], n.hi)):  # type: ignore[arg-type]
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

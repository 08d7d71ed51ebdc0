"""Where a side of a link is defined: the parts of its surface tree that restrict its domain.

Owns :func:`restricted_parts`: the divisors (a written denominator, the base of a negative
power) and the arguments of logs and roots (including fractional powers) of a side and of
the definitions it uses, and what differentiating adds (d√u = du / (2√u) divides by √u).
The checker compares the two sides' parts: a part only one side has is an assumption the
link needs. Surface trees only: no sympy here.
"""

from __future__ import annotations

from derive.reading.syntax import Node, Sym, walk


def restricted_parts(side: Node, env, pick) -> list:
    """The parts of a side that restrict its domain, as ``pick`` finds them in a node (a
    divisor, the argument of a log), in the side itself and in the bodies of the definitions
    it uses (r b = a with r = a/b divides by b), each with the definition it was found in
    (None for the side itself)."""
    from derive.reading.syntax import Apply, Deriv

    out: list = []
    seen: set = set()

    def visit(node: Node, scope, where, differentiated: bool = False) -> None:
        for n in walk(node):
            part = pick(n)
            if part is not None:
                out.append((part, where))
            if pick is divisor and differentiated:
                part = _singular_when_differentiated(n)
                if part is not None:
                    out.append((part, where))
            name = n.name if isinstance(n, Sym) else n.func.name if isinstance(n, Apply) else None
            d = scope.definitions.get(name) if name is not None else None
            inner = differentiated or (isinstance(n, Apply) and bool(n.primes))
            if isinstance(n, Deriv) and pick is divisor and not differentiated:
                visit(n.expr, scope, where, True)  # (its parts were seen above)
            if d is not None and (id(d), inner) not in seen:
                seen.add((id(d), inner))
                visit(d.body, d.env, d, inner)

    visit(side, env, None)
    return out


def _singular_when_differentiated(n: Node) -> Node | None:
    """What a derivative of ``n`` divides by although ``n`` does not: d√u = du / (2√u),
    d log u = du / u, d u^{1/2} = du / (2 u^{1/2}): the argument, or the base of a power that
    is less than one (u^{3/2} differentiates to (3/2) u^{1/2}: no division); for max(u, v)
    min(u, v) and the step 1(u ≥ v), which have no derivative where u = v, u − v."""
    from derive.reading.syntax import Add, Apply, Mul, Neg, Paren, Pow

    if isinstance(n, Apply) and n.func.name in ("\\operatorname{max}", "\\operatorname{min}",
                                                "\\mathbb{1}") \
            and not n.func.sub and len(n.args) >= 2:  # not differentiable where two tie
        gaps = [Paren(Add((a, Neg(b, pos=n.pos)), pos=n.pos), pos=n.pos)
                for k, a in enumerate(n.args) for b in n.args[k + 1:]]
        return gaps[0] if len(gaps) == 1 else Mul(tuple(gaps), pos=n.pos)
    if isinstance(n, Pow):
        value = _fraction_value(n.exp)
        return n.base if value is not None and value < 1 else None
    return log_argument(n)


def _fraction_value(exp: Node) -> float | None:
    """The value of a written fractional exponent (-\\frac{1}{2}, 3/2, 0.5), else None."""
    from derive.reading.syntax import Frac, Neg, Num, Paren

    sign = 1.0
    while isinstance(exp, (Neg, Paren)):
        if isinstance(exp, Neg):
            sign, exp = -sign, exp.arg
        else:
            exp = exp.inner
    if isinstance(exp, Frac) and isinstance(exp.num, Num) and isinstance(exp.den, Num):
        den = float(exp.den.text)
        return sign * float(exp.num.text) / den if den else None
    if isinstance(exp, Num) and "." in exp.text:
        return sign * float(exp.text)
    return None


def divisor(n: Node) -> Node | None:
    """What ``n`` divides by: a written denominator, or the base of a negative power."""
    from derive.reading.syntax import Frac, Neg, Num, Pow

    if isinstance(n, Frac):
        return n.den
    if isinstance(n, Pow) and (isinstance(n.exp, Neg) or (
            isinstance(n.exp, Num) and n.exp.text.startswith("-"))):
        return n.base
    return None


def log_argument(n: Node) -> Node | None:
    """What ``n`` takes the log or the square root of (sympy writes e^{log x} as x, true
    only where x > 0), or the base of a power that is not a whole number (x^{1/2} is √x)."""
    from derive.reading.syntax import Func, Log, Pow

    if isinstance(n, Log) or (isinstance(n, Func) and n.name == "sqrt"):
        return n.arg
    if isinstance(n, Pow) and _fraction_value(n.exp) is not None:
        return n.base
    return None

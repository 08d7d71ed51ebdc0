"""The normaliser: a canonical form of grounded expressions over symbolic index ranges.

Owns the symbolic decision procedure's rewriting. One pass:

1. sum linearity: split a sum over ``+``, pull out factors that do not depend on the
   bound index, and turn a sum of a constant into constant·(hi − lo + 1);
2. Kronecker-delta sifting against the known index ranges (never sympy's ``doit``,
   which leaves ``Piecewise((…, K >= i), …)`` behind);
3. splitting logarithms of positive products (``log(e^{z}/S) = z − log S``);
4. renaming bound indices canonically, so Σ_j e^{z_j} and Σ_k e^{z_k} coincide;
5. ``cancel(together(·))`` on the result.

Passes repeat to a fixed point. :func:`is_zero` adds the split into cases a = b and
a ≠ b where a free delta remains, and the join of sums over one range into one summand,
shown zero at a free index (:func:`_merged_zero`), which linearity's split cannot see.
Anything this cannot show stays non-zero: an unproved link is then decided by numbers or
left unknown, never guessed. :func:`at_points` writes a derivative by an entry (φ′ at z_k)
as one at a point, so that the entry's definition replaces the point only.
"""

from __future__ import annotations

import sympy as sp

Ranges = dict  # sympy Symbol -> (lo, hi)
MAX_PASSES = 6

_new_expr = sp.Expr.__new__


def summation(function: sp.Expr, *limits) -> sp.Expr:
    """``Sum(function, *limits)``, built directly where sympy's constructor only checks.

    That is: every limit a (symbol, lo, hi) triple of sympy expressions, with no ``Idx``; a
    summand that is no Sum (sympy would merge the two into one Sum) and holds no Piecewise
    (sympy would fold it out). sympy's checks walk the summand three times, about 0.1 ms a
    sum here, and the normaliser builds a sum every time it renames a bound index.
    Anything else goes to sympy.
    """
    if limits and isinstance(function, sp.Expr) and not isinstance(function, sp.Sum) \
            and function is not sp.S.NaN and all(map(_plain_limit, limits)) \
            and not function.has(sp.Piecewise):
        obj = _new_expr(sp.Sum)
        obj._args = (function, *[lim if isinstance(lim, sp.Tuple) else sp.Tuple(*lim)
                                 for lim in limits])
        obj.is_commutative = function.is_commutative  # as sympy's constructor sets it
        return obj
    return sp.Sum(function, *limits)


def _plain_limit(lim) -> bool:
    return isinstance(lim, (tuple, sp.Tuple)) and len(lim) == 3 and \
        isinstance(lim[0], sp.Symbol) and not isinstance(lim[0], sp.Idx) and \
        isinstance(lim[1], sp.Expr) and isinstance(lim[2], sp.Expr)


def _depends(expr: sp.Expr, v: sp.Symbol) -> bool:
    return expr.has(v)


def _nonneg(e: sp.Expr) -> bool:
    e = sp.expand(e)
    return e.is_nonnegative is True or e == 0


def _count(lo: sp.Expr, hi: sp.Expr) -> sp.Expr | None:
    """How many integers lie in [lo, hi], where the normaliser can say it for every size:
    hi − lo + 1 when that is never negative, 0 when it is never positive, else ``None``
    (a range such as 5..K is empty at K = 1: no single formula counts it)."""
    n = hi - lo + 1
    if _nonneg(n):
        return n
    if _nonneg(-n):
        return sp.Integer(0)
    return None


def _in_range(other: sp.Expr, lo: sp.Expr, hi: sp.Expr, ranges: Ranges) -> bool:
    if other.is_Integer:
        return _nonneg(other - lo) and _nonneg(hi - other)
    r = ranges.get(other)
    if r is None:
        return False
    olo, ohi = r
    return (olo == lo or _nonneg(olo - lo)) and (ohi == hi or _nonneg(hi - ohi))


def _sift(dep: list[sp.Expr], v: sp.Symbol, lo, hi, ranges: Ranges) -> sp.Expr | None:
    for n, f in enumerate(dep):
        base = f.base if f.is_Pow and f.exp.is_positive and f.exp.is_Integer else f
        if isinstance(base, sp.KroneckerDelta):
            a, b = base.args
            if a == v and not b.has(v):
                other = b
            elif b == v and not a.has(v):
                other = a
            else:
                continue
            if not _in_range(other, lo, hi, ranges):
                continue
            rest = sp.Mul(*(dep[:n] + dep[n + 1:]))
            return rest.xreplace({v: other})
    return None


def _sum(body: sp.Expr, v: sp.Symbol, lo, hi, ranges: Ranges,
         original: sp.Expr | None = None) -> sp.Expr:
    count = _count(lo, hi)
    if count == 0:
        return sp.Integer(0)  # a range empty for every size (K + 1..K): the empty sum
    inner = dict(ranges)
    inner[v] = (lo, hi)
    before = body
    body = _linear(body, inner)
    body = sp.expand(body, power_base=False, power_exp=False, log=False)
    if original is not None and body == before and not body.is_Add and not any(
            not _depends(f, v) or isinstance(f, sp.KroneckerDelta) or (
                f.is_Pow and isinstance(f.base, sp.KroneckerDelta))
            for f in sp.Mul.make_args(body)) and (
                count is None or _index_power(list(sp.Mul.make_args(body)), v) is None):
        return original  # nothing to split, pull out or sift: keep the very same object
    total = []
    for term in sp.Add.make_args(body):
        const: list[sp.Expr] = []
        dep: list[sp.Expr] = []
        for f in sp.Mul.make_args(term):
            (dep if _depends(f, v) else const).append(f)
        c = sp.Mul(*const)
        if not dep:
            if count is not None:
                total.append(c * count)
            else:  # a range that may be empty: c·(hi − lo + 1) would be wrong there
                total.append(c * summation(sp.Integer(1), (v, lo, hi)))
            continue
        sifted = _sift(dep, v, lo, hi, inner)
        if sifted is not None:
            total.append(c * sifted)
        elif count is not None and (powers := _index_power(dep, v)) is not None:
            # Σ_{k=lo}^{hi} k^p, with hi ≥ lo − 1 for every size: Faulhaber's polynomial,
            # exact there (at hi = lo − 1 it is the empty sum's 0)
            total.append(c * sp.expand(sp.summation(v**powers, (v, lo, hi))))
        else:
            total.append(c * summation(sp.Mul(*dep), (v, lo, hi)))
    return sp.Add(*total)


def _index_power(dep: list[sp.Expr], v: sp.Symbol) -> int | None:
    """p where the factors that depend on the index are v^p alone, 1 ≤ p ≤ 4; else None."""
    if len(dep) != 1:
        return None
    f = dep[0]
    if f == v:
        return 1
    if f.is_Pow and f.base == v and f.exp.is_Integer and 1 <= int(f.exp) <= 4:
        return int(f.exp)
    return None


def _linear(e: sp.Expr, ranges: Ranges) -> sp.Expr:
    if isinstance(e, sp.Sum):
        # sympy merges Σ_k Σ_j f into one Sum with two limits: take them innermost first,
        # each with the ranges of the enclosing ones known (to sift δ_{kj} over j)
        inner = dict(ranges)
        for v, lo, hi in e.limits:
            inner[v] = (lo, hi)
        if len(e.limits) == 1:
            v, lo, hi = e.limits[0]
            return _sum(e.function, v, lo, hi, inner, original=e)
        out = e.function
        for v, lo, hi in e.limits:
            out = _sum(out, v, lo, hi, inner)
        return out
    if isinstance(e, sp.Product):
        if len(e.limits) != 1:
            return e
        v, lo, hi = e.limits[0]
        inner = dict(ranges)
        inner[v] = (lo, hi)
        count = _count(lo, hi)
        if count == 0:
            return sp.Integer(1)  # the empty product
        body = _linear(e.function, inner)
        if not _depends(body, v) and count is not None:
            return body ** count
        return sp.Product(body, (v, lo, hi))
    if not e.args or e.is_Atom or isinstance(e, (sp.Indexed, sp.KroneckerDelta)):
        return e
    if isinstance(e, sp.Derivative) or not e.has(sp.Sum, sp.Product):
        return e
    args = [_linear(a, ranges) for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    return e.func(*args)


def is_positive(e: sp.Expr) -> bool:
    """Positivity that sympy cannot see (exp of reals, sums of positive terms, ...), or
    that sympy's assumptions show. The structure is looked at first: asking sympy about a
    softmax's sum explores many facts (several ms), and the structure often settles it."""
    return _positive_by_structure(e) or e.is_positive is True


def _positive_by_structure(e: sp.Expr) -> bool:
    if isinstance(e, sp.exp):
        return e.args[0].is_real is True
    if isinstance(e, (sp.Sum, sp.Product)):
        # and every range non-empty: an empty sum is 0 (for a product, only caution)
        return is_positive(e.function) and all(_nonneg(hi - lo) for _, lo, hi in e.limits)
    if e.is_Mul or e.is_Add:
        return all(is_positive(a) for a in e.args)
    if e.is_Pow:
        return is_positive(e.base) and e.exp.is_real is True
    return False


def split_logs(e: sp.Expr) -> sp.Expr:
    """Every log of a positive product in ``e`` as a sum of logs (and exponents)."""
    if not e.has(sp.log):
        return e
    return e.replace(lambda x: isinstance(x, sp.log), lambda x: _split_log(x.args[0]))


def log_of(arg: sp.Expr) -> sp.Expr:
    """``split_logs(log(arg))``, without building ``log(arg)`` first: sympy's log asks
    the assumptions of its whole argument when it is built (the costly part, for a
    softmax over a sum), and the split would take it apart again at once."""
    return _split_log(split_logs(arg))


def _split_log(arg: sp.Expr) -> sp.Expr:
    """log(arg), split: the logs of its positive factors added, exponents brought down."""
    if arg.is_Mul:
        # a factor that is never negative splits off: where the product is positive, so is
        # each such factor (and the rest); where it is not, both forms are undefined
        pos = [f for f in arg.args if _never_negative(f)]
        rest = [f for f in arg.args if not _never_negative(f)]
        if pos:
            out = sp.Add(*[_split_log(f) for f in pos])
            return out + (0 if not rest else _split_log(rest[0]) if len(rest) == 1 else
                          sp.log(sp.Mul(*rest)))
    if arg.is_Pow and arg.exp.is_real and (is_positive(arg.base) or arg.base.is_nonnegative):
        # |x|^a: where the base is 0 both log|x|^a and a·log|x| are undefined
        return arg.exp * _split_log(arg.base)
    if arg.is_Pow and arg.exp.is_even and arg.base.is_real:
        # log x² = 2 log|x| for real x: defined for the same x (x ≠ 0), equal there
        return arg.exp * _split_log(sp.Abs(arg.base))
    if isinstance(arg, sp.exp) and arg.args[0].is_real:
        return arg.args[0]
    if arg.is_Add and is_positive(arg) and any(
            isinstance(x, sp.exp) and x.args[0].could_extract_minus_sign()
            for x in arg.atoms(sp.exp)):
        # log(1 + e^{-u}) = log(e^{u} + 1) − u: one canonical form for both spellings
        combined = sp.together(arg)
        if combined.is_Mul:
            return _split_log(combined)
    if isinstance(arg, sp.Product) and is_positive(arg.function):
        # over every range: log Π_k Π_j f = Σ_k Σ_j log f (an empty product's log is 0)
        return summation(_split_log(arg.function), *arg.limits)
    return sp.log(arg)


def _never_negative(f: sp.Expr) -> bool:
    return bool(is_positive(f) or f.is_nonnegative or (
        f.is_Pow and f.exp.is_even and f.base.is_real))


def _fresh(e: sp.Expr) -> sp.Expr:
    """Give every bound index a fresh dummy (so canonical renaming cannot capture)."""
    if isinstance(e, (sp.Sum, sp.Product)):
        mapping = {v: sp.Dummy(v.name, integer=True) for v, _, _ in e.limits}
        limits = [(mapping[v], lo.xreplace(mapping), hi.xreplace(mapping))
                  for v, lo, hi in e.limits]
        return _rebuilt(e, _fresh(e.function).xreplace(mapping), limits)
    if not e.args or e.is_Atom or isinstance(e, sp.Indexed):
        return e
    return e.func(*[_fresh(a) for a in e.args])


def _rebuilt(e: sp.Expr, body: sp.Expr, limits) -> sp.Expr:
    """The sum or product ``e`` with another body and limits."""
    return summation(body, *limits) if isinstance(e, sp.Sum) else e.func(body, *limits)


_CANON = [sp.Symbol(f"_b{n}", integer=True) for n in range(32)]


def _name(depth: int) -> sp.Symbol:
    return _CANON[depth] if depth < len(_CANON) else sp.Symbol(f"_b{depth}", integer=True)


def _canon(e: sp.Expr, depth: int = 0) -> sp.Expr:
    if isinstance(e, (sp.Sum, sp.Product)) and len(e.limits) > 1:
        # limits are innermost first; the outermost gets the smallest depth
        n = len(e.limits)
        names = {v: _name(depth + n - 1 - k) for k, (v, _, _) in enumerate(e.limits)}
        body = e.function
        if any(body.has(x) for x in names.values()):
            body = _fresh(body)
        body = _canon(body.xreplace(names), depth + n)
        # an inner limit may name an outer index (Σ_k Σ_{j=1}^{k}): rename it there too
        return _rebuilt(e, body, [(names[v], lo.xreplace(names), hi.xreplace(names))
                                  for v, lo, hi in e.limits])
    if isinstance(e, (sp.Sum, sp.Product)) and len(e.limits) == 1:
        v, lo, hi = e.limits[0]
        new = _name(depth)
        body = e.function
        if v != new:
            if body.has(new):  # an inner sum binds the name already: make inner binders fresh
                body = _fresh(body)
            body = body.xreplace({v: new})
        body = _canon(body, depth + 1)
        if v == new and body is e.function:
            return e
        return _rebuilt(e, body, [(new, lo, hi)])
    if not e.args or e.is_Atom or isinstance(e, sp.Indexed) or not e.has(sp.Sum, sp.Product):
        return e
    args = [_canon(a, depth) for a in e.args]
    if all(a is b for a, b in zip(args, e.args)):
        return e
    return e.func(*args)


def canonical(e: sp.Expr) -> sp.Expr:
    """Rename every bound index by its nesting depth (_b0, _b1, …)."""
    return _canon(e) if e.has(sp.Sum, sp.Product) else e


def _delta_powers(e: sp.Expr) -> sp.Expr:
    if not e.has(sp.KroneckerDelta):
        return e
    return e.replace(lambda x: x.is_Pow and isinstance(x.base, sp.KroneckerDelta)
                     and x.exp.is_Integer and x.exp > 0, lambda x: x.base)


def _pass(e: sp.Expr, ranges: Ranges) -> sp.Expr:
    new = _linear(e, ranges)
    new = split_logs(new)
    new = canonical(new)
    return _delta_powers(sp.expand(new, power_base=False, log=False))


def normalize(e: sp.Expr, ranges: Ranges) -> sp.Expr:
    """A canonical form of ``e``; zero when the normaliser can show ``e`` vanishes."""
    for _ in range(MAX_PASSES):
        new = sp.cancel(sp.together(_pass(e, ranges)))
        if new == e or new == 0:
            return new
        e = new
    return e


def free_deltas(e: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]]:
    """Kronecker deltas in ``e`` between two free index symbols (outside every sum)."""
    out = []
    bound: set = set()
    for d in e.atoms(sp.KroneckerDelta):
        a, b = d.args
        if a.is_Symbol and b.is_Symbol and (a, b) not in out and (b, a) not in out:
            out.append((a, b))
    for s in e.atoms(sp.Sum):
        bound |= {lim[0] for lim in s.limits}
    # in name order: the set of atoms comes in hash order, and which pair is split first
    # must not depend on the process's hash seed
    return sorted(((a, b) for a, b in out if a not in bound and b not in bound),
                  key=lambda ab: (str(ab[0]), str(ab[1]), sp.default_sort_key(ab)))


def nonzero_offset() -> sp.Dummy:
    """A fresh non-zero integer d, for one case a ≠ b written b = a + d. Every case gets its
    own: two cases j ≠ i and k ≠ i sharing one d would silently assume j = k."""
    return sp.Dummy("d", integer=True, nonzero=True)


def _settle(e: sp.Expr, ranges: Ranges) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Passes to a fixed point (or until the numerator vanishes): the expression reached,
    and the expanded numerator and the denominator of its combined fraction."""
    cur = e
    for _ in range(MAX_PASSES):  # (at least one pass: MAX_PASSES ≥ 1)
        new = _pass(cur, ranges)
        num, den = _fraction(new)
        if num == 0:
            return new, num, den
        if new == cur:
            break
        cur = new
    return cur, num, den


def _fraction(e: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    if e == 0:
        return sp.Integer(0), sp.Integer(1)
    num, den = sp.fraction(sp.together(e))
    return sp.expand(num), den


def reduce(e: sp.Expr, ranges: Ranges) -> sp.Expr:
    """A cheaper normal form than :func:`normalize`: passes to a fixed point, then one
    fraction with an expanded numerator (no gcd). Zero exactly when ``is_zero`` finds it
    zero without a case split."""
    _, num, den = _settle(e, ranges)
    return num / den


def is_zero(e: sp.Expr, ranges: Ranges, depth: int = 0) -> bool:
    """Whether ``e`` is zero for every value of the sizes and indices in their ranges.

    Passes of the normaliser run to a fixed point; after each, the numerator of the
    combined fraction is expanded (a zero numerator is a zero expression, so no gcd is
    needed here). Where a delta between two free indices remains, both cases are tried.
    """
    return zero_or_residual(e, ranges, depth)[0]


def abstract_exponentials(e: sp.Expr) -> sp.Expr:
    """``e`` with every exponential of a sum (σ(𝐰^T 𝐱 + b) grounds to one) replaced by a
    positive symbol of its own, the same for the same exponent; only exponentials whose
    exponent holds no index bound by a sum of ``e`` (it has one value throughout ``e``).
    What vanishes for every value of those symbols vanishes for the exponentials too, and
    expanding an exponential of a sum is the costly part of the normaliser."""
    bound = {lim[0] for s in e.atoms(sp.Sum, sp.Product) for lim in s.limits}
    bases: list[tuple[sp.Expr, sp.Dummy]] = []  # exponent, its symbol u (e^{r·a} is u^r)
    chosen: dict[sp.Expr, sp.Expr] = {}
    # (the shortest exponent first, so that e^{-2a} is u^{-2}, not e^{a} the root of …)
    for x in sorted(e.atoms(sp.exp), key=lambda x: (sp.count_ops(x), sp.default_sort_key(x))):
        if not x.args[0].has(sp.Sum) or x.args[0].free_symbols & bound:
            continue
        a = canonical(x.args[0])  # (Σ_j and Σ_k over the same range are one exponent)
        for base, u in bases:
            r = sp.cancel(a / base)
            if r.is_Rational:
                chosen[x] = u ** r
                break
        else:
            u = sp.Dummy("u", positive=True)
            bases.append((a, u))
            chosen[x] = u
    return e.xreplace(chosen) if chosen else e


def _merged_zero(e: sp.Expr, ranges: Ranges, depth: int) -> bool:
    """Is ``e`` zero because, once the sums over one range are joined into one, each
    joined summand vanishes at every index in the range (and the terms outside sums
    vanish)? Linearity splits Σ_k (f_k − g_k) into sums the fraction of the whole cannot
    cancel (∂L/∂b of the logistic loss: six sums of fractions in e^{b}e^{w x_k}); inside
    one summand the index is a symbol and f_k − g_k cancels. Sufficient, never necessary:
    it only ever answers True for an expression that is zero."""
    if depth > 3:
        return False
    groups: dict[tuple, list[tuple[sp.Expr, sp.Expr, sp.Symbol]]] = {}
    rest: list[sp.Expr] = []
    for term in sp.Add.make_args(e):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) != 1 or len(sums[0].limits) != 1:
            rest.append(term)
            continue
        s = sums[0]
        v, lo, hi = s.limits[0]
        coeff = term / s
        if v in coeff.free_symbols:
            rest.append(term)
            continue
        groups.setdefault((lo, hi), []).append((coeff, s.function, v))
    _peel(groups, rest)
    if not any(len(parts) > 1 for parts in groups.values()):
        return False
    spread = sp.Add(*rest)
    order = sorted(groups.items(), key=lambda kv: sp.default_sort_key(kv[0]))
    for (lo, hi), parts in order:
        k = sp.Dummy("k", integer=True)  # the index, free in the joined summand
        summand = sp.Add(*(c * f.xreplace({v: k}) for c, f, v in parts))
        count = _count(lo, hi)
        if spread != 0 and count is not None and _nonneg(count - 1):
            # Σ_{k=lo}^{hi} 1 = count ≥ 1: the rest (n in Σ_k a_k + Σ_k b_k − n) joins in
            summand, spread = summand + spread / count, sp.Integer(0)
        if not zero_or_residual(summand, {**ranges, k: (lo, hi)}, 0)[0]:
            return False
    return spread == 0 or is_zero(spread, ranges, depth + 1)


def _peel(groups: dict[tuple, list], rest: list[sp.Expr]) -> None:
    """Sums over lo..hi and over (lo + d)..hi (d = 1, 2, 3) made one group: Σ_{k=lo}^{hi} f is
    f(lo) + … + f(lo + d − 1) + Σ_{k=lo+d}^{hi} f wherever hi ≥ lo + d − 1 (then the first
    range holds the d peeled indices); where that is not known for every size, not at all."""
    for lo, hi in sorted(groups, key=sp.default_sort_key):
        for d in (1, 2, 3):
            later = (lo + d, hi)
            if later in groups and (lo, hi) in groups and _nonneg(hi - (lo + d - 1)):
                for c, f, v in groups.pop((lo, hi)):
                    groups[later].append((c, f, v))
                    rest.extend(c * f.xreplace({v: lo + j}) for j in range(d))
                break


def zero_or_residual(e: sp.Expr, ranges: Ranges,
                     depth: int = 0) -> tuple[bool, sp.Expr | None]:
    """:func:`is_zero`, and when it is not shown zero, :func:`reduce` of ``e`` too (from
    the same passes, which are the expensive part of both). First, cheaply, with the
    exponentials of sums held as symbols (:func:`abstract_exponentials`)."""
    if depth == 0:
        sifted = _linear(e, ranges)  # (the deltas sifted: fewer exponents under a sum)
        held = abstract_exponentials(sifted)
        if held is not sifted and zero_or_residual(held, ranges, 1)[0]:
            return True, None
        if _merged_zero(sifted, ranges, 0):  # (before the costly passes over the whole)
            return True, None
    cur, num, den = _settle(e, ranges)
    if num == 0:
        return True, None
    if _merged_zero(cur, ranges, depth):
        return True, None
    if depth < 2:
        for a, b in free_deltas(cur):
            # case a = b, then case a ≠ b (b = a + d with d a non-zero integer)
            if is_zero(cur.xreplace({b: a}), ranges, depth + 1) and \
                    is_zero(cur.xreplace({b: a + nonzero_offset()}), ranges, depth + 1):
                return True, None
            break
    return False, num / den


def at_points(expr: sp.Expr) -> sp.Expr:
    """Each derivative by something that is no plain symbol (an entry z_k, as in
    ∂φ(z_k)/∂z_k, sympy's form of φ′(z_k)) as the derivative by a plain variable taken at
    that point, Subs(∂φ(u)/∂u, u, z_k): one form for φ′ at z_k however it arose, in which
    replacing z_k by its definition replaces the point only."""
    def by_symbol(e: sp.Derivative) -> sp.Expr:
        out = e.expr
        for var, n in e.variable_count:
            if var.is_Symbol:
                out = sp.Derivative(out, (var, n))
            else:
                u = sp.Dummy("u", real=True)
                out = sp.Subs(sp.Derivative(out.xreplace({var: u}), (u, n)), u, var)
        return out

    if not expr.has(sp.Derivative):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Derivative) and not all(
        v.is_Symbol for v in e.variables), by_symbol)

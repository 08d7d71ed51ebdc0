"""Reading meaning into a document's notation: definitions, indices, sizes, bare sums, cases.

Owns the inference that turns surface trees into something checkable, in the
open: which equations define names (and which redefine them), which letters are
integer indices and which are sizes, the range of every free index, what a bare
``\\sum`` runs over, and the case conditions read from subscripts like ``y_{k=i}``.
It works on :mod:`derive.reading.syntax` trees only (no sympy) and reports every inference
it could not make as a :class:`ReadError` at a source offset.
"""

from __future__ import annotations

from dataclasses import field, replace

from derive.reading.collect import (  # noqa: F401 - re-exported
    collect_families,
    collect_sizes_and_indices,
    written_ranges,
)
from derive.reading.family_ranges import (  # noqa: F401 - re-exported
    axis_key,
    definition_sum_range,
    family_ranges,
    range_of_letter,
)
from derive.reading.implicit_ranges import implicit_axis, implicit_range
from derive.reading.names import LABEL
from derive.reading.remarks import absorb_dangling, reading_remarks
from derive.reading.sets import continued as continued_set_sums
from derive.reading.sets import notes as set_notes
from derive.reading.syntax import (
    SAMPLE,
    Apply,
    BigOp,
    Case,
    Deriv,
    Indicator,
    Mul,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
    children,
    is_conditional,
    name_text,
    to_latex,
    to_text,
    walk,
)
from derive.records import frozen


class ReadError(Exception):
    def __init__(self, message: str, pos: int):
        super().__init__(message)
        self.message = message
        self.pos = pos


class Undetermined(Exception):
    """A link whose meaning the document leaves open: a name it uses has no definition in
    force where one is needed (what L depends on, in ∂L/∂a_i), or its definition could not
    be read. The link is unknown, with this as the reason; never a reading error."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Range = tuple[Node, Node]


@frozen
class Definition:
    """A name defined by an equation: a scalar (C), a family (y_•) or a function (σ(·))."""

    name: str
    kind: str  # scalar | family | function
    params: tuple[str, ...]
    body: Node
    equation: int  # index of the defining equation
    line: int
    lhs: Node
    env: Env  # the scope the body is read in (definitions visible at that point)
    ranges: dict = field(default_factory=dict)  # free index -> range, read in the body
    free: frozenset[str] = frozenset()  # free variables of its expansion (naming.free_names)
    row: int = 0  # its row in the display (equation, row) names it: rows share a display

    @property
    def label(self) -> str:
        """Its equation as reports name it: 6, or 6e for a row."""
        if not self.equation:
            return "built in"
        return f"{self.equation}{chr(96 + self.row) if self.row else ''}"


@frozen
class Env:
    """Everything visible at one point of a document."""

    definitions: dict[str, Definition] = field(default_factory=dict)
    order: tuple[str, ...] = ()  # definition names, oldest first
    sizes: frozenset[str] = frozenset()
    indices: frozenset[str] = frozenset()
    declared_ranges: dict[str, Range] = field(default_factory=dict)
    functions: frozenset[str] = frozenset()  # declared function names
    constants: frozenset[str] = frozenset()
    families: frozenset[str] = frozenset()  # names written with a subscript somewhere
    positive: frozenset[str] = frozenset()  # names declared positive: T > 0, p_k > 0
    nonzero: frozenset[str] = frozenset()  # names declared non-zero: b \neq 0
    failed: dict[str, int] = field(default_factory=dict)  # name -> line of an unread definition
    # the one range written for a family, or for an index letter, anywhere in the document
    # (for a sum that writes none: Σ_i e_i^2 beside Σ_{i=1}^n elsewhere means 1..n)
    written_ranges: dict[str, Range] = field(default_factory=dict)
    letter_ranges: dict[str, Range] = field(default_factory=dict)
    # names written only applied, f(x), never alone: such an f is never a factor
    applied_only: frozenset[str] = frozenset()
    # names differentiated on their own, ∂y_j/∂z_i (naming.differentiated_alone)
    differentiated: frozenset[str] = frozenset()
    bare: frozenset[str] = frozenset()  # names written alone somewhere (naming.written_bare)
    # names written as a value somewhere, outside subscripts (naming.name_uses)
    values: frozenset[str] = frozenset()
    entries: frozenset[str] = frozenset()  # names written with a subscript, as values (y_k)
    # names applied as a whole left side (P(X | θ) = …), or in probability notation (P(a | b))
    stated: frozenset[str] = frozenset()
    probability: frozenset[str] = frozenset()

    def define(self, d: Definition) -> Env:
        defs = dict(self.definitions)
        defs[d.name] = d
        order = tuple(n for n in self.order if n != d.name) + (d.name,)
        return replace(self, definitions=defs, order=order)

    def is_function(self, name: str) -> bool:
        d = self.definitions.get(name)
        return (d is not None and d.kind == "function") or name in self.functions


@frozen
class Reading:
    """A claim equation, resolved: sides with bare sums filled in, ranges, cases."""

    sides: tuple[Node, ...]
    cases: tuple[Case, ...]
    ranges: dict[str, Range | None]  # free index -> range
    env: Env
    notes: tuple[str, ...] = ()


def key_of(sym: Sym) -> tuple:
    return (sym.name, tuple(getattr(s, "name", None) for s in sym.sub))


# --------------------------------------------------------------------------- definitions

def definition_head(lhs: Node, env: Env) -> tuple[str, str, tuple[str, ...]] | None:
    """If ``lhs`` has the shape of a defined name, return (name, kind, params)."""
    sym = lhs.func if isinstance(lhs, Apply) else lhs
    if not isinstance(sym, Sym) or sym.case is not None:
        return None
    if isinstance(lhs, Apply) and (lhs.primes or lhs.seps):
        return None  # f'(x) = …, P(a | b) = …, KL(P ‖ Q) = …: claims about f, P, KL
    if sym.name in env.sizes or (sym.name == "e" and not sym.sub) or (
            not sym.sub and sym.name in env.indices):
        return None
    if sym.sub:
        if not all(isinstance(s, Sym) and not s.sub for s in sym.sub):
            return None
        if isinstance(lhs, Apply) and not all(
                isinstance(a, Sym) and a.case is None for a in lhs.args):
            return None  # y_k (1 - y_i) is a product, not y_i(z_i) naming its argument
        params = tuple(s.name for s in sym.sub)  # type: ignore[attr-defined]  # all Syms (above)
        if len(set(params)) != len(params) or any(LABEL in p for p in params):
            return None  # (f_{y_i} = …: one entry, at a label, is a claim about f)
        return sym.name, "family", params
    if isinstance(lhs, Apply):
        if not all(isinstance(a, Sym) and not a.sub for a in lhs.args):
            return None
        return sym.name, "function", tuple(a.name for a in lhs.args)  # type: ignore[attr-defined]
    return sym.name, "scalar", ()



# --------------------------------------------------------------------------- resolution

def free_letters(node: Node, env: Env, bound: frozenset[str] = frozenset(),
                 skip_bare: bool = True) -> set[str]:
    """Index letters occurring in ``node`` outside the sums that bind them (and, if
    ``skip_bare``, outside bare sums)."""
    out: set[str] = set()

    def visit(n: Node, b: frozenset[str]) -> None:
        if isinstance(n, BigOp):
            if n.index is None and skip_bare:
                return
            inner = b | ({n.index} if n.index else set())
            for part in (n.lo, n.hi):
                if part is not None:
                    visit(part, b)
            visit(n.body, inner)
            return
        if isinstance(n, Sym):
            if n.case is not None:
                out.update(x for x in (n.case.left, n.case.right) if x not in b)
            for s in n.sub:
                if isinstance(s, Sym) and not s.sub and s.name not in b and s.name in env.indices:
                    out.add(s.name)
                else:
                    visit(s, b)
            if not n.sub and n.name in env.indices and n.name not in b:
                out.add(n.name)
            return
        if isinstance(n, Indicator):
            out.update(x for x in (n.case.left, n.case.right) if x not in b)
            return
        for c in children(n):
            visit(c, b)

    visit(node, bound)
    return out


def resolve(sides: list[Node], env: Env, stated: tuple[Case, ...] = (),
            params: tuple[str, ...] = ()) -> Reading:
    """Fill in bare sums, find free index ranges and case conditions for one equation
    (``stated``: a case written beside the equation, as in ``… \\quad i \\neq j``;
    ``params``: the indices of the definition whose body ``sides`` is, free there too)."""
    sides, refusal = continued_set_sums(list(sides))  # Σ_{x∈X} a(x) + b(x)
    if refusal is not None:
        raise ReadError(*refusal)
    sides, absorbed, refusal = absorb_dangling(sides, params)  # Σ_i a_i + b_i
    if refusal is not None:
        raise ReadError(*refusal)
    cases = _cases(sides, stated)
    for s in sides:
        _check_samples(s, env, frozenset())
    free: set[str] = set()
    for s in sides:
        free |= free_letters(s, env)
    fam = family_ranges(env, sides)
    implicit: dict[str, str] = {}
    resolved = tuple(_fill_sums(s, env, free, fam, implicit) for s in sides)
    notes: tuple[str, ...] = ()
    if implicit:
        env = replace(env, sizes=env.sizes | frozenset(n for n in implicit if n[0] != "#"))
        notes = tuple(implicit[name] for name in sorted(implicit))
    notes += absorbed + reading_remarks(sides) + set_notes(sides)
    fam = family_ranges(env, list(resolved))
    ranges: dict[str, Range | None] = {}
    for letter in sorted(free):
        ranges[letter] = _free_range(letter, resolved, env, fam)
    for c in cases:  # a case index takes its partner's range if it has none of its own
        for a, b in ((c.left, c.right), (c.right, c.left)):
            if ranges.get(a) is None and ranges.get(b) is not None:
                ranges[a] = ranges[b]
    return Reading(resolved, cases, ranges, env, notes)


def _check_samples(node: Node, env: Env, bound: frozenset[str]) -> None:
    """x^{(i)} is sample i of x only where i is an index: bound by a sum around it, summed
    over elsewhere in the document, or declared; otherwise it is refused as ambiguous."""
    if isinstance(node, BigOp) and node.index:
        bound = bound | {node.index}
    if isinstance(node, Sym) and node.name.endswith(SAMPLE) and node.sub and \
            isinstance(node.sub[0], Sym):
        letter = node.sub[0].name
        if letter not in bound and letter not in env.letter_ranges and \
                letter not in env.declared_ranges:
            base = name_text(node.name[:-len(SAMPLE)])
            raise ReadError(f"{base}^{{({letter})}} is ambiguous here ({letter} is no sum's "
                            f"index: a sample index? a derivative order? a power?): sum over "
                            f"{letter} somewhere, or declare it (derive: indices: {letter}: "
                            f"\"[1, m]\"), or write {base}_{{{letter}}} or {base}^{{{letter}}}",
                            node.pos)
    for child in children(node):
        _check_samples(child, env, bound)


def _cases(sides: list[Node], stated: tuple[Case, ...] = ()) -> tuple[Case, ...]:
    found: list[Case] = []
    written = [n.case for s in sides for n in walk(s) if isinstance(n, Sym) and n.case is not None]
    for c in [*stated, *written]:
        key = (frozenset((c.left, c.right)), c.equal)  # y_{k=i} and z_{i=k}: one case
        if all((frozenset((f.left, f.right)), f.equal) != key for f in found):
            for f in found:
                if {f.left, f.right} == {c.left, c.right} and f.equal != c.equal:
                    raise ReadError(
                        f"contradictory cases {to_text(Sym('y', case=f))} and this", c.pos)
            found.append(c)
    return tuple(found)


def _free_range(letter: str, sides, env: Env, fam: dict[str, Range]) -> Range | None:
    if letter in env.declared_ranges:
        return env.declared_ranges[letter]
    for s in sides:
        r = range_of_letter(letter, s, fam)
        if r is not None:
            return r
        for n in walk(s):  # a letter in y_k where y is defined: the family's range
            if isinstance(n, Sym) and n.sub and n.name in env.definitions:
                for axis, x in enumerate(n.sub):
                    where = axis_key(n.name, axis, len(n.sub))
                    if isinstance(x, Sym) and x.name == letter and where in fam:
                        return fam[where]
                if n.case is not None and letter in (n.case.left, n.case.right) and \
                        n.name in fam:
                    return fam[n.name]
    # no range from any family: none is invented (with one size K, "i in 1..K" would be a
    # silent assumption; the checker names it as one where a link needs it)
    return None


def _range_advice(kind: str, letter: str) -> str:
    return (f": write it, \\{kind}_{{{letter}=1}}^{{K}}, "
            f"or declare it (derive: indices: {{{letter}: \"[1, K]\"}})")


def _fill_sums(node: Node, env: Env, free: set[str], fam: dict[str, Range],
               implicit: dict[str, str] | None = None) -> Node:
    if isinstance(node, BigOp):
        body = _fill_sums(node.body, env, free, fam, implicit)
        if node.index is None:
            candidates = free_letters(node.body, env, skip_bare=False) - free
            if len(candidates) != 1:
                what = "no index" if not candidates else "several indices (" + ", ".join(
                    sorted(candidates)) + ")"
                raise ReadError(
                    f"cannot tell what the bare \\{node.kind} runs over: its body has {what} "
                    "not free in the equation", node.pos)
            letter = candidates.pop()
            r = definition_sum_range(letter, env) or range_of_letter(letter, body, fam) or \
                implicit_range(letter, body, env, fam, implicit, node.kind)
            if r is None:
                raise ReadError(f"cannot tell the range of the bare \\{node.kind} over "
                                f"{letter}{_range_advice(node.kind, letter)}", node.pos)
            return BigOp(node.kind, body, letter, r[0], r[1], "bare", pos=node.pos)
        if node.lo is None:
            r = (env.declared_ranges.get(node.index) or definition_sum_range(node.index, env)
                 or range_of_letter(node.index, body, fam)
                 or implicit_range(node.index, body, env, fam, implicit, node.kind))
            if r is None and len(env.sizes) == 1:
                r = (Num("1"), Sym(next(iter(env.sizes))))
            r = r or implicit_axis(node.index, body, env, fam, implicit, node.kind)
            if r is None:
                raise ReadError(f"cannot tell the range of \\{node.kind}_{{{node.index}}}"
                                f"{_range_advice(node.kind, node.index)}", node.pos)
            return BigOp(node.kind, body, node.index, r[0], r[1], "index", pos=node.pos)
        return replace(node, body=body)
    fd = env.definitions.get(node.expr.name) if isinstance(node, Deriv) and isinstance(
        node.expr, Sym) and not node.expr.sub else None
    if isinstance(node, Deriv) and fd is not None and fd.kind == "function" and \
            len(fd.params) > 1 and all(not v.sub and v.name in fd.params for v in node.wrt):
        # ∂f/∂x for f(x, y) = …: the derivative of f(x, y), at its own parameters
        head = Sym(fd.name, pos=node.expr.pos)
        node = replace(node, expr=Apply(head, tuple(Sym(p) for p in fd.params), pos=head.pos))
    elif isinstance(node, Deriv) and isinstance(node.expr, Sym) and not node.expr.sub and \
            env.is_function(node.expr.name) and len({key_of(v) for v in node.wrt}) == 1 and \
            not node.wrt[0].sub:
        # dσ/du for a function σ of one argument means dσ(u)/du
        func = node.expr
        node = replace(node, expr=Apply(func, (node.wrt[0],), pos=func.pos))
    d = env.definitions.get(node.func.name) if isinstance(node, Apply) else None
    if isinstance(node, Apply) and d is not None and d.kind == "scalar" and not node.seps and \
            not node.func.sub and not node.primes and all(isinstance(a, Sym) for a in node.args):
        # C(z) for a scalar C defined earlier names what C depends on: it is C itself
        return node.func
    if isinstance(node, Apply) and node.primes and not env.is_function(node.func.name):
        name = name_text(node.func.name)
        raise ReadError(f"{name}{chr(39) * node.primes} is the derivative of {name}, but {name} is "
                        f"not a defined function: define it first ({name}(u) = …)", node.pos)
    if isinstance(node, Apply) and node.func.name.startswith("\\operatorname{") and \
            not env.is_function(node.func.name) and node.func.name not in env.definitions:
        # a named operator applied: never a product (softmax(z) is not softmax times z)
        name = name_text(node.func.name)
        raise ReadError(f"{name}(…) applies a function that is not defined here: define it "
                        f"first ({name}(u) = …), or declare it under derive: functions",
                        node.pos)
    if isinstance(node, Apply) and node.func.name == "d" and not node.func.sub and \
            not env.is_function("d") and "d" not in env.definitions:
        # d(u/v) is a differential more often than d times (u/v): never guess which
        raise ReadError("d(…) could be a differential or d times (…): write a derivative as "
                        "\\frac{d}{dx}(…), or a product as d \\cdot (…)", node.pos)
    if isinstance(node, Apply) and not env.is_function(node.func.name) and \
            node.func.name in env.applied_only and not node.func.sub and \
            node.func.name not in env.definitions:
        # σ(z_i) before σ(z) = … is defined: never σ times z_i
        name = name_text(node.func.name)
        raise ReadError(f"{name}(…) is applied before {name} is defined as a function: "
                        f"define it first ({name}(u) = …), or declare it under derive: "
                        "functions", node.pos)
    if isinstance(node, Apply) and not env.is_function(node.func.name) and \
            node.brackets == "[":  # x[…] with x written alone too: never guess
        name = name_text(node.func.name)
        raise ReadError(f"{name}[…] could be an application or a product: write {name}(…) for "
                        f"an application of a function, or {name} \\cdot […] for a product",
                        node.pos)
    if isinstance(node, Apply) and not env.is_function(node.func.name) and \
            not node.func.sub and node.func.case is None and node.func.name in env.families \
            and node.func.name not in env.bare and node.func.name not in env.definitions \
            and not is_conditional(node):
        # p(y_n) beside p_n, p never written alone: no value p to multiply by (p(x | θ), with
        # a bar, is read only as an application: an unknown function apart from p_n)
        name = name_text(node.func.name)
        raise ReadError(f"{name}(…) applies {name}, which is written elsewhere only with an "
                        f"index ({name}_n, a family): write {name}_n for an entry, {name} "
                        "\\cdot (…) for a product, or name the function apart", node.pos)
    if isinstance(node, Apply) and not env.is_function(node.func.name) and \
            not node.func.sub and node.func.name in env.indices and \
            node.func.name not in env.values | env.definitions.keys() | env.sizes:
        # H(p) where H is only ever an index (n_H): no value H to multiply by
        name = name_text(node.func.name)
        raise ReadError(f"{name}(…) applies {name}, which is written elsewhere only as an "
                        f"index, in subscripts (x_{name}): write {name} \\cdot (…) for a "
                        "product, or another letter for the function or for the index",
                        node.pos)
    if isinstance(node, Apply) and not env.is_function(node.func.name) and \
            len(node.args) == 1 and node.func.name not in env.failed and not node.primes:
        _product_or_refuse(node, env, implicit)
    if isinstance(node, Apply) and not env.is_function(node.func.name) and len(node.args) == 1:
        # not a function: juxtaposition is multiplication, as in y_k (1 - y_i)
        return _juxtaposed(node.func, _fill_sums(node.args[0], env, free, fam, implicit),
                           node.pos)
    if isinstance(node, Mul):
        node = _derivatives_at(_function_powers(node, env), env)
        if not isinstance(node, Mul):
            return _fill_sums(node, env, free, fam, implicit)
    kids = children(node)
    if not kids:
        return node
    return _rebuild(node, [_fill_sums(c, env, free, fam, implicit) for c in kids])


def _function_powers(node: Mul, env: Env) -> Mul:
    """``\\sigma^2(z)`` for a function σ is σ(z)², as ``\\sin^2 x`` is sin(x)²."""
    factors, ops = list(node.factors), list(node.ops)
    k = 0
    while k + 1 < len(factors):
        power, arg = factors[k], factors[k + 1]
        if isinstance(power, Pow) and isinstance(power.base, Sym) and not power.base.sub and \
                power.base.case is None and env.is_function(power.base.name) and \
                isinstance(arg, Paren) and arg.open == "(" and ops[k] == "":
            factors[k] = Pow(Apply(power.base, (arg.inner,), pos=power.pos), power.exp,
                             pos=power.pos)
            del factors[k + 1], ops[k]
        k += 1
    if len(factors) == len(node.factors):
        return node
    return replace(node, factors=tuple(factors), ops=tuple(ops))


def _derivatives_at(node: Mul, env: Env) -> Node:
    """``\\frac{dg}{dx}(x)`` and ``\\frac{dg}{dh}(h(x))`` for a function g of one argument:
    g's derivative at what the parentheses hold (g'(x), g'(h(x))), never dg/dx times x. Any
    other parentheses after it (``\\frac{dg}{dx}(3)``) are refused: a point, or a factor?"""
    factors, ops = list(node.factors), list(node.ops)
    k = 0
    while k + 1 < len(factors):
        d, arg = factors[k], factors[k + 1]
        if isinstance(d, Deriv) and not d.operator and isinstance(d.expr, Sym) and \
                not d.expr.sub and d.expr.case is None and isinstance(arg, Paren) and \
                arg.open == "(" and ops[k] == "" and _one_argument(d.expr.name, env) and \
                len({key_of(v) for v in d.wrt}) == 1 and not d.wrt[0].sub:
            at, var = arg.inner, d.wrt[0].name  # at x, or at h(x) for dg/dh: nothing else
            if not (isinstance(at, Sym) and key_of(at) == (var, ()) or isinstance(at, Apply)
                    and at.func.name == var):
                # \frac{dg}{dx}(a + b): g' at a + b, or g' times (a + b)? never guess
                g = name_text(d.expr.name)
                raise ReadError(f"d{g}/d{name_text(var)}(…) could be the derivative at (…) or "
                                f"times (…): write {g}'(…) for the derivative at a point, or "
                                "\\cdot (…) for a product", arg.pos)
            factors[k] = Apply(d.expr, (at,), primes=len(d.wrt), pos=d.pos)
            del factors[k + 1], ops[k]
        k += 1
    if len(factors) == 1:
        return factors[0]
    return node if len(factors) == len(node.factors) else replace(node, factors=tuple(factors),
                                                                      ops=tuple(ops))


def _one_argument(name: str, env: Env) -> bool:
    d = env.definitions.get(name)
    return (d.kind == "function" and len(d.params) == 1) if d is not None else (
        name in env.functions and name in env.applied_only)


def _product_or_refuse(node: Apply, env: Env, implicit: dict[str, str] | None) -> None:
    """``a(…)`` where ``a`` is no function: a product when that is how ``a`` is written
    elsewhere, said in a note; refused where a product is not what such writing means.

    * ``h_θ(x)``, a name with a subscript that is written nowhere as a value (y_k is, in
      y_k (1 − y_i)): a function with a parameter, most likely, so no product is guessed;
    * ``σ(z)``, one name or number in the brackets: nobody writes σ·z so, but f(x) is how a
      function is written;
    * ``a(b + c)`` with ``a`` written alone elsewhere: the product, with a note."""
    func, arg = node.func, node.args[0]
    name, shown = name_text(func.name), to_text(func)
    if func.name in env.sizes | env.constants:  # n(x), c(x) with c declared a constant
        return
    if func.sub and func.name not in env.entries:
        why = f"{shown} is written nowhere else as a value"
    elif not func.sub and isinstance(arg, (Sym, Num)):
        why = f"{name} is no function here: it is written alone elsewhere, or defined as a value"
    else:
        plain = func.name in env.indices or func.name in env.definitions or any(
            isinstance(n, Sym) and n.name == func.name for n in walk(arg))
        if implicit is not None and not func.sub and not plain:
            # (not y_k (1 − y_i), p(1 − p), n(n + 1), nor a size or a defined value: plainly
            # products, too common to say)
            implicit[f"#product {shown}"] = (
                f"{shown}(…) is read as {shown} times (…): {name} is no function here (it is "
                f"written as a value elsewhere); define {name} as a function if it is one")
        return
    what = to_text(arg)
    raise ReadError(f"{shown}({what}) could be {shown} applied to {what} or {shown} times "
                    f"{what} ({why}): write {shown} \\cdot ({what}) for a product, or define "
                    f"{shown} as a function ({shown}(u) = …), or declare {name} under derive: "
                    "functions", node.pos)


def _juxtaposed(factor: Node, arg: Node, pos: int) -> Node:
    """``a (b)`` read as the product it is, where ``a`` is not a function."""
    return Mul((factor, Paren(arg, pos=pos)), ("",), pos=pos)


def _rebuild(node: Node, kids: list[Node]) -> Node:
    from derive.reading import syntax as s

    if isinstance(node, s.Sym):
        return replace(node, sub=tuple(kids))
    if isinstance(node, s.Apply):
        if not isinstance(kids[0], s.Sym) and len(kids) == 2:
            # the name was rewritten (e.g. unfolded): what remains is a product
            return _juxtaposed(kids[0], kids[1], node.pos)
        # (a name rewritten to a non-name, with several arguments, stays in func's place)
        return replace(node, func=kids[0], args=tuple(kids[1:]))  # type: ignore[arg-type]
    if isinstance(node, s.Neg):
        return replace(node, arg=kids[0])
    if isinstance(node, s.Add):
        return replace(node, terms=tuple(kids))
    if isinstance(node, s.Mul):
        flat: list = []
        ops: list = []
        for n, k in enumerate(kids):
            op = node.ops[n - 1] if 0 < n <= len(node.ops) else ""
            if isinstance(k, s.Mul):  # a rewritten factor that is itself a product: splice it
                if flat:
                    ops.append(op)
                flat.extend(k.factors)
                ops.extend(k.ops[: len(k.factors) - 1] or [""] * (len(k.factors) - 1))
            else:
                if flat:
                    ops.append(op)
                flat.append(k)
        return replace(node, factors=tuple(flat), ops=tuple(ops))
    if isinstance(node, s.Frac):
        return replace(node, num=kids[0], den=kids[1])
    if isinstance(node, s.Pow):
        return replace(node, base=kids[0], exp=kids[1])
    if isinstance(node, (s.Exp, s.Log, s.Func)):
        return replace(node, arg=kids[0])
    if isinstance(node, s.Paren):
        return replace(node, inner=kids[0])
    if isinstance(node, s.Deriv):
        # the variables come back as the Syms children() gave out (a rename keeps a Sym)
        return replace(node, expr=kids[0], wrt=tuple(kids[1:]))  # type: ignore[arg-type]
    if isinstance(node, s.BigOp):
        lo = kids[0] if node.lo is not None else None
        hi = kids[1 if node.lo is not None else 0] if node.hi is not None else None
        return replace(node, lo=lo, hi=hi, body=kids[-1])
    if isinstance(node, s.Case | s.Num | s.Indicator):
        return node
    raise TypeError(f"cannot rebuild {type(node).__name__}")


rebuild = _rebuild

__all__ = ["Definition", "Env", "Reading", "ReadError", "Undetermined", "resolve", "rebuild",
           "definition_head", "collect_sizes_and_indices", "family_ranges", "to_latex"]

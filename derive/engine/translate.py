"""From surface trees to sympy: the surface view and the grounded view of an expression.

Owns the sympy symbols of a document (indices, sizes, families, scalars, functions)
and two translations of a resolved tree:

* the **surface** view keeps what the author wrote: defined names stay names
  (``y[k]``, ``C``, ``sigma(u)``), derivatives stay unevaluated ``Derivative``s;
* the **grounded** view replaces every defined name by its definition and evaluates
  every derivative, in the order that makes that sound: a Leibniz derivative with
  respect to a defined name (∂log y_k/∂y_k) is taken with that name held as a
  variable, and only then is the name unfolded.

Input is never handed to ``sympify``/``parse_expr``: every sympy object is built
from the tree by explicit constructors.
"""

from __future__ import annotations

import math
from dataclasses import replace

import sympy as sp

from derive.engine import dependence, labels, vector_functions
from derive.engine.normal import at_points, summation
from derive.reading.names import LABEL, label_parts, split_parameters
from derive.reading.scope import Definition, Env, ReadError, Undetermined
from derive.reading.syntax import (
    APPLIED,
    Add,
    Apply,
    BigOp,
    Deriv,
    Exp,
    Frac,
    Func,
    Indicator,
    Log,
    Mul,
    Neg,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
    is_conditional,
    name_text,
    walk,
)
from derive.reading.vector_functions import is_whole

_ELEMENTARY = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh,
               "cosh": sp.cosh, "sqrt": sp.sqrt}

_EXTREMA = {"\\operatorname{max}": sp.Max, "\\operatorname{min}": sp.Min}
MAX_DIGITS = 10_000  # refuse integer powers with more digits than this before sympy builds them


def pyname(name: str) -> str:
    """A sympy name for a LaTeX name: \\sigma → sigma, \\hat{y} → hat(y), x^{()} → x^()."""
    if name.startswith("\\{"):  # a data set, \{y_n, \mathbf{x}_n\}_{n=1}^N: as written
        return name_text(name)
    if APPLIED in name and "\\{" in name:  # the value L(β; {y_n, x_n}): each part as above
        func, args = name.split(APPLIED, 1)
        return pyname(func) + APPLIED + ",".join(map(pyname, split_parameters(args)))
    if name.endswith("^{()}"):  # the family of samples x^{(i)}
        return pyname(name[:-5]) + "^()"
    label = label_parts(name)
    if label is not None:  # a class label written as an index, f_{y_i}: y_i
        return "_".join(map(pyname, label))
    return name.lstrip("\\").replace("{\\", "(").replace("{", "(").replace("}", ")")


def applied_identity(node: Apply) -> str:
    """The name of the function an application applies: the name itself, with what sets a
    condition or a divergence apart (P(a | b) is not P(a, b)), and, for a function that is
    not defined, the number of its arguments (H(S) and H(X, Y) are two unknown functions)."""
    name = node.func.name
    if node.seps:
        name += "[" + "".join(node.seps) + "]"
    return name if len(node.args) == 1 else f"{name}/{len(node.args)}"


class Symbols:
    """One sympy object per name of a document, so that every equation shares them."""

    def __init__(self, positive: frozenset[str] = frozenset(),
                 nonzero: frozenset[str] = frozenset()) -> None:
        self.positive = positive  # names declared positive (T > 0) or non-zero (b \neq 0)
        self.nonzero = nonzero
        self._cache: dict[tuple[str, str], object] = {}
        self._letters: dict[sp.Symbol, str] = {}
        self.memo: dict = {}  # grounded sides, keyed by scope and tree (see checker)
        self.bodies: dict = {}  # grounded definition bodies, keyed by definition and held names
        # the definitions each cached body (or side) was grounded through, (name, display, row)
        self.uses: dict = {}

    def _get(self, kind: str, name: str, make):
        key = (kind, name)
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def index(self, letter: str) -> sp.Symbol:
        symbol = self._get("index", letter, lambda: sp.Symbol(pyname(letter), integer=True))
        self._letters[symbol] = letter
        return symbol

    def letter_of(self, value: sp.Expr) -> str | None:
        """The index letter whose symbol ``value`` is (never a sum's dummy), else None."""
        return self._letters.get(value) if isinstance(value, sp.Symbol) else None

    def size(self, letter: str) -> sp.Symbol:
        return self._get("size", letter,
                         lambda: sp.Symbol(pyname(letter), integer=True, positive=True))

    @classmethod
    def for_document(cls, doc) -> Symbols:
        env = doc.env
        if env is None:
            return cls()
        return cls(env.positive, env.nonzero)

    def _facts(self, name: str) -> dict:
        if name in self.positive:
            return {"positive": True}
        if name in self.nonzero:
            return {"real": True, "nonzero": True}
        return {"real": True}

    def family(self, name: str) -> sp.IndexedBase:
        return self._get("family", name,
                         lambda: sp.IndexedBase(pyname(name), **self._facts(name)))

    def scalar(self, name: str) -> sp.Symbol:
        return self._get("scalar", name, lambda: sp.Symbol(pyname(name), **self._facts(name)))

    def function(self, name: str):
        return self._get("function", name, lambda: sp.Function(pyname(name), real=True))

    def entry_dummy(self, family: str) -> sp.Dummy:
        """The index at which a vector's grounded entry is carried (one per family)."""
        return self._get("entry", family, lambda: sp.Dummy("m", integer=True))

    def dummy(self, letter: str) -> sp.Dummy:
        return sp.Dummy(pyname(letter), integer=True)


class Translator:
    """Translate resolved trees of one equation in one scope."""

    def __init__(self, env: Env, symbols: Symbols, surface: bool = False,
                 params: tuple[str, ...] = ()):
        self.env = env
        self.symbols = symbols
        self.surface = surface
        self.used: set[tuple[str, int, int]] = set()  # definitions grounded through
        self.params = params  # a function's parameters, read as scalars in its body

    # -- public
    def __call__(self, node: Node) -> sp.Expr:
        # every derivative taken: a whole vector given to a function is the vector itself
        return at_points(vector_functions.settle(self._tr(node, frozenset(), {})))

    # -- helpers
    def index_value(self, node: Node, bound: dict[str, sp.Symbol]) -> sp.Expr:
        if isinstance(node, Sym) and not node.sub and LABEL in node.name:
            return labels.label_value(self, node, bound)
        if isinstance(node, Sym) and not node.sub:
            if node.name in bound:
                return bound[node.name]
            if node.name in self.env.sizes:
                return self.symbols.size(node.name)
            return self.symbols.index(node.name)
        return self._tr(node, frozenset(), bound)

    def definition(self, name: str) -> Definition | None:
        return self.env.definitions.get(name)

    def grounded_body(self, d: Definition, keep: frozenset[str]) -> sp.Expr:
        late = sorted(n for n in d.free if n in self.env.definitions or n in self.env.failed)
        if late:  # checked here, before the cache: it depends on this equation's scope
            shown = name_text(late[0])
            where = (self.env.definitions[late[0]].line if late[0] in self.env.definitions
                     else self.env.failed[late[0]])
            raise Undetermined(f"the definition of {name_text(d.name)} (line {d.line}) reads "
                               f"{shown} as a free variable, but {shown} has a definition after it "
                               f"(line {where}): define {shown} first")
        key = (d.name, d.equation, d.row, keep)
        cache = self.symbols.bodies  # per document: never shared with another document
        if key not in cache:
            function = d.kind == "function"
            sub = Translator(d.env, self.symbols, params=d.params if function else ())
            bound = {} if function else {p: self.symbols.index(p) for p in d.params}
            cache[key] = sub._tr(d.body, keep, bound)
            self.symbols.uses[key] = frozenset(sub.used)
        self.used |= {(d.name, d.equation, d.row)} | self.symbols.uses[key]
        return cache[key]

    def instantiate(self, d: Definition, args: list[sp.Expr], keep: frozenset[str]) -> sp.Expr:
        memo = self.symbols.memo
        self.used |= {(d.name, d.equation, d.row)} | self.symbols.uses.get(
            (d.name, d.equation, d.row, keep), frozenset())
        key = ("instance", d.name, d.equation, d.row, tuple(args), keep)
        if key not in memo:
            memo[key] = self._instantiate(d, args, keep)
        return memo[key]

    def _instantiate(self, d: Definition, args: list[sp.Expr], keep: frozenset[str]) -> sp.Expr:
        body = self.grounded_body(d, keep)
        if d.kind == "family":
            if len(args) != len(d.params):
                raise ReadError(f"{name_text(d.name)} is defined with {len(d.params)} "
                                f"index(es), but is written here with {len(args)}: a family "
                                "written with another number of indices needs a name of its "
                                "own", 0)
            mapping = {self.symbols.index(p): a for p, a in zip(d.params, args)}
            mapping.update(labels.labels_at(self, d, body, dict(zip(d.params, args))))
        elif d.kind == "function":
            if len(args) != len(d.params):
                raise ReadError(f"{pyname(d.name)} is defined as a function of "
                                f"{len(d.params)} argument(s), but is applied to {len(args)}: "
                                "a function of another number of arguments needs a name of "
                                "its own", 0)
            mapping = {self.symbols.scalar(p): a for p, a in zip(d.params, args)}
        else:
            mapping = {}
        return body.xreplace(mapping) if mapping else body

    def unfold(self, expr: sp.Expr, names: set[str], keep: frozenset[str] = frozenset()
               ) -> sp.Expr:
        """Replace the held names in ``expr`` by their definitions, in which the names an
        outer derivative holds (``keep``) stay held: ∂/∂h_j of ∂L/∂o_k unfolds o with h as
        the variable it is differentiated by next, never past h's own definition."""
        expr = at_points(expr)  # (a held entry may be a derivative's variable: φ′ at z_k)
        for name in names:
            d = self.definition(name)
            if d is None:
                continue
            if d.kind == "family":
                base = self.symbols.family(name)
                expr = expr.replace(
                    lambda e, b=base: isinstance(e, sp.Indexed) and e.base == b,
                    lambda e, d=d: self.instantiate(d, list(e.indices), keep))
                # l(o) with o held: o's entries again, for a derivative taken outside
                expr = vector_functions.carry(expr, base, self._entries(d, keep))
            elif d.kind == "scalar":
                if expr.has(self.symbols.scalar(name)):  # (only where it is written: a
                    # definition instantiated is one the link rests on, translate.used)
                    expr = expr.xreplace({self.symbols.scalar(name): self.instantiate(
                        d, [], keep)})
            else:
                f = self.symbols.function(name)
                expr = expr.replace(lambda e, f=f: getattr(e, "func", None) == f,
                                    lambda e, d=d: self.instantiate(d, list(e.args), keep))
        return expr

    def _entries(self, d: Definition, keep: frozenset[str]):
        """The grounded entry of the defined vector d at an index (for carry)."""
        def entry(m: sp.Symbol) -> sp.Expr:
            return vector_functions.carried(self, d, m, keep)
        return entry

    # -- the translation
    def _tr(self, node: Node, keep: frozenset[str], bound: dict[str, sp.Symbol]):  # noqa: C901
        t = self._tr
        if isinstance(node, Num):
            return sp.Rational(node.text) if "." in node.text else sp.Integer(node.text)
        if isinstance(node, Sym):
            return self.symbol(node, keep, bound)
        if isinstance(node, Paren):
            return t(node.inner, keep, bound)
        if isinstance(node, Neg):
            return -t(node.arg, keep, bound)
        if isinstance(node, Add):
            return sp.Add(*[t(x, keep, bound) for x in node.terms])
        if isinstance(node, Mul):
            return sp.Mul(*[t(x, keep, bound) for x in node.factors])
        if isinstance(node, Frac):
            den = t(node.den, keep, bound)
            if den == 0:
                raise ReadError("division by zero", node.pos)
            return t(node.num, keep, bound) / den
        if isinstance(node, Pow):
            base = t(node.base, keep, bound)
            exp = t(node.exp, keep, bound)
            _guard_power(base, exp, node.pos)
            return base ** exp
        if isinstance(node, Exp):
            arg = t(node.arg, keep, bound)
            if arg.is_Integer and abs(int(arg)) > MAX_DIGITS:
                raise Undetermined(f"e^{arg} is too large to compute exactly (more than "
                                   f"{MAX_DIGITS} digits): the link is left undecided")
            return sp.exp(arg)
        if isinstance(node, Log):
            arg = t(node.arg, keep, bound)
            if arg == 0:
                raise ReadError("log of zero", node.pos)
            if self.surface:
                return sp.log(arg)
            from derive.engine.normal import log_of

            return log_of(arg)  # log(e^{z}/S) = z − log S: simpler to differentiate
        if isinstance(node, Func):
            value = _ELEMENTARY[node.name](t(node.arg, keep, bound))
            if node.name in ("tanh", "sinh", "cosh") and not self.surface:
                value = value.rewrite(sp.exp)  # one form for tanh u and (e^u − e^{−u})/(…)
            return value
        if isinstance(node, BigOp):
            return self.bigop(node, keep, bound)
        if isinstance(node, Indicator):
            a, b = (sp.Integer(x) if x.isdigit() else self.index_value(Sym(x), bound)
                    for x in (node.case.left, node.case.right))
            d = delta(a, b)
            return d if node.case.equal else 1 - d
        if isinstance(node, Apply):
            return self.apply(node, keep, bound)
        if isinstance(node, Deriv):
            return self.derivative(node, keep, bound)
        raise ReadError(f"cannot read {type(node).__name__}", node.pos)

    def refuse_unread(self, name: str) -> None:
        """Undetermined when ``name``'s definition was written but could not be read."""
        line = self.env.failed.get(name)
        if line is not None and name not in self.env.definitions:
            shown = name_text(name)  # l(o), not l@o; KL, not operatorname(KL)
            raise Undetermined(f"{shown} is used, but its definition at line {line} "
                               "could not be read")

    def symbol(self, node: Sym, keep, bound):
        name = node.name
        if name not in bound:
            self.refuse_unread(name)
        if not node.sub:
            if name in bound:
                return bound[name]
            if name in self.params:
                return self.symbols.scalar(name)
            if name in self.env.sizes:
                return self.symbols.size(name)
            if name in self.env.indices:
                return self.symbols.index(name)
            if name == "e":
                return sp.E
            if name == "\\pi":
                return sp.pi
            d = self.definition(name)
            if d is not None and d.kind == "family":
                raise ReadError(f"{name_text(name)} is a family: it needs a subscript, "
                                f"as in {name_text(name)}_{d.params[0]}", node.pos)
            if d is not None and d.kind == "function":
                raise ReadError(f"{name_text(name)} is a function: apply it, as in "
                                f"{name_text(name)}({', '.join(d.params)})", node.pos)
            if d is not None and not self.surface and name not in keep:
                return self.instantiate(d, [], keep)
            return self.symbols.scalar(name)
        idx = [self.index_value(s, bound) for s in node.sub]
        d = self.definition(name)
        if d is not None and d.kind == "family" and not self.surface and name not in keep:
            return self.instantiate(d, idx, keep)
        if d is not None and d.kind != "family":
            raise ReadError(f"{pyname(name)} is not a family: it takes no subscript", node.pos)
        return self.symbols.family(name)[tuple(idx) if len(idx) > 1 else idx[0]]

    def apply(self, node: Apply, keep, bound):
        func = node.func
        if func.sub and self.parameter_subscript(func):
            # h_θ(x) for a defined h(x) whose body reads the family θ: the subscript names
            # the parameters, h_θ(x) is h(x)
            func = Sym(func.name, pos=func.pos)
            node = replace(node, func=func)
        if node.primes:
            return self.primed(node, keep, bound)
        if func.name == "\\mathbb{1}" and len(node.seps) == 1 and len(node.args) == 2:
            a, b = (self._tr(x, keep, bound) for x in node.args)  # \mathbb{1}(a \ge b): a step
            gap = a - b if node.seps[0] in "≥>" else b - a
            return sp.Heaviside(gap, 1 if node.seps[0] in "≥≤" else 0)
        if func.name in _EXTREMA and not func.sub and not node.seps and \
                self.definition(func.name) is None:  # \max(x, y): built in (reading.builtins)
            if len(node.args) < 2:
                raise ReadError(f"{pyname(func.name)}(…) needs two or more arguments", node.pos)
            return _EXTREMA[func.name](*[self._tr(a, keep, bound) for a in node.args])
        if not func.sub and self.definition(func.name) is None:
            self.refuse_unread(func.name)  # f(x) = … written but not read: f is not arbitrary
        # p(x | θ) with p undefined is an unknown function even beside a family p_i: a bar
        # stands only between a function's arguments, and it is part of the identity
        unknown = not func.sub and self.definition(func.name) is None and (
            self.env.is_function(func.name) or is_conditional(node))
        if unknown and any(map(is_whole, node.args)):
            # l(\mathbf{o}, y): an unknown scalar function of every entry of o
            return vector_functions.apply(applied_identity(node), [
                vector_functions.argument(self, a, keep, bound) if is_whole(a) else
                self._tr(a, keep, bound)
                for a in node.args])
        if unknown or not func.sub and self.env.is_function(func.name):
            args = [self._tr(a, keep, bound) for a in node.args]
            d = self.definition(func.name)
            if node.seps and d is not None:
                raise ReadError(f"{pyname(func.name)} is defined as a function of its "
                                "arguments: a condition or a divergence of it (a | b, a ‖ b) "
                                "is not read; define it with the bar", node.pos)
            if d is None:
                return self.symbols.function(applied_identity(node))(*args)
            if self.surface or func.name in keep:
                return self.symbols.function(func.name)(*args)
            return self.instantiate(d, args, keep)
        if len(node.args) != 1:
            raise ReadError(f"{pyname(func.name)}(…) with several arguments, but "
                            f"{pyname(func.name)} is not a defined function", node.pos)
        # not a function: juxtaposition is multiplication, as in t_k (1 - y_i)
        return self.symbol(func, keep, bound) * self._tr(node.args[0], keep, bound)

    def parameter_subscript(self, func: Sym) -> bool:
        """Whether the subscript of ``h_θ`` names parameters of the defined function h: each
        is a bare name that h's body reads as a family (θ_i), none of h's parameters."""
        d = self.definition(func.name)
        if d is None or d.kind != "function" or func.case is not None:
            return False
        families = {n.name for n in walk(d.body) if isinstance(n, Sym) and n.sub}
        return all(isinstance(s, Sym) and not s.sub and s.name in families and
                   s.name not in d.params for s in func.sub)

    def primed(self, node: Apply, keep, bound):
        """f'(x): the derivative of a defined function of one argument, taken at x."""
        name = node.func.name
        d = self.definition(name)
        if d is None and self.env.is_function(name) and len(node.args) == 1:
            # f'(x) for an unknown (or declared) function f: its derivative, taken at x
            u = sp.Dummy("u", real=True)
            arg = self._tr(node.args[0], keep, bound)
            return sp.Derivative(self.symbols.function(name)(u), (u, node.primes)).subs(u, arg)
        if d is None or d.kind != "function" or len(d.params) != 1 or len(node.args) != 1:
            raise ReadError(f"{pyname(name)}' needs {pyname(name)} to be a defined function of "
                            "one argument", node.pos)
        arg = self._tr(node.args[0], keep, bound)
        if self.surface:
            return self.symbols.function(name + "'" * node.primes)(arg)
        var = self.symbols.scalar(d.params[0])
        body = self.grounded_body(d, keep)
        for _ in range(node.primes):
            body = differentiate(body, var)
        return body.xreplace({var: arg})

    def bigop(self, node: BigOp, keep, bound):
        if is_whole(node):
            raise ReadError("a whole vector where a scalar is needed", node.pos)
        if node.index is None or node.lo is None or node.hi is None:
            raise ReadError("a sum whose range could not be inferred", node.pos)
        lo = self._tr(node.lo, keep, bound)
        hi = self._tr(node.hi, keep, bound)
        v = self.symbols.dummy(node.index)
        inner = dict(bound)
        inner[node.index] = v
        body = self._tr(node.body, keep, inner)
        if node.kind == "sum":
            return summation(body, (v, lo, hi))
        return sp.Product(body, (v, lo, hi))

    def variable(self, v: Sym, bound) -> tuple[sp.Expr, str | None]:
        """The sympy variable of a differential, and the defined name it holds (if any)."""
        name = v.name
        d = self.definition(name)
        held = name if d is not None else None
        if v.sub:
            if d is not None and d.kind != "family":
                raise ReadError(f"{pyname(name)} is not a family", v.pos)
            idx = [self.index_value(s, bound) for s in v.sub]
            return self.symbols.family(name)[tuple(idx) if len(idx) > 1 else idx[0]], held
        if name in self.env.indices or name in self.env.sizes or name in bound:
            raise ReadError(f"cannot differentiate with respect to the index {name}", v.pos)
        if d is not None and d.kind != "scalar":
            raise ReadError(f"cannot differentiate with respect to {pyname(name)}", v.pos)
        return self.symbols.scalar(name), held

    def derivative(self, node: Deriv, keep, bound):
        pairs = [self.variable(v, bound) for v in node.wrt]
        if not self.surface:
            dependence.undefined_inside(self, node, bound)
        if self.surface:
            inner = self._tr(node.expr, keep, bound)
            return SurfaceDerivative(inner, *[p[0] for p in pairs])
        held = {p[1] for p in pairs if p[1] is not None}
        inner = self._tr(node.expr, keep | held, bound)
        dependence.dependent_grounded(self, inner, node, bound)
        dependence.data_held(inner, node)
        for v, (var, _) in zip(node.wrt, pairs):
            # ∂C/∂z where C depends on the family z_k: a gradient, not a scalar derivative
            if var.is_Symbol and v.name in self.env.families and inner.has(
                    self.symbols.family(v.name)):
                raise ReadError(f"∂/∂{pyname(v.name)}: what is differentiated depends on "
                                f"{pyname(v.name)}_k; differentiate with respect to an "
                                f"element such as {pyname(v.name)}_i (gradients of vectors "
                                "are not understood)", v.pos)
        token = vector_functions.DIFFERENTIATING.set(self)  # (through carried entries)
        try:
            for var, _ in pairs:
                inner = differentiate(inner, var)
        finally:
            vector_functions.DIFFERENTIATING.reset(token)
        new = held - keep
        return self.unfold(inner, new, keep) if new else inner


def _bound_in(tree: Node, letter: str) -> bool:
    return any(isinstance(n, BigOp) and n.index == letter for n in walk(tree))


_PLAIN_INTEGER = sp.Symbol("_", integer=True).assumptions0  # what an index symbol knows


def delta(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """``KroneckerDelta(a, b)``, built directly for two distinct symbols that are integers
    and nothing more (the indices of a derivation).

    sympy's evaluation asks whether a − b is zero, which for two such symbols it cannot
    know either way, so all it can do is order the pair; asking costs it about a
    millisecond a delta here. Anything else (numbers, sums, sizes, signed or non-zero
    symbols) goes to sympy.
    """
    if isinstance(a, sp.Symbol) and isinstance(b, sp.Symbol) and a != b and \
            a.assumptions0 == _PLAIN_INTEGER and b.assumptions0 == _PLAIN_INTEGER:
        if sp.default_sort_key(b) < sp.default_sort_key(a):
            a, b = b, a  # the order sympy's own evaluation would give
        return sp.KroneckerDelta(a, b, evaluate=False)
    return sp.KroneckerDelta(a, b)


def differentiate(e: sp.Expr, v: sp.Expr) -> sp.Expr:
    """∂e/∂v for the forms derivations are made of, without sympy's general machinery.

    ∂z_k/∂z_i is the delta 1{k = i}; sums are differentiated term by term; anything
    unusual is handed to ``sympy.diff``. Much faster than ``sympy.diff`` on sums.
    """
    indexed = isinstance(v, sp.Indexed)
    if not (e.has(v.base) if indexed else e.has(v)):
        return sp.Integer(0)
    if e == v:
        return sp.Integer(1)
    if indexed and isinstance(e, sp.Indexed) and e.base == v.base and len(e.indices) == len(
            v.indices):
        return sp.Mul(*[delta(a, b) for a, b in zip(e.indices, v.indices)])
    if e.is_Add:
        return sp.Add(*[differentiate(a, v) for a in e.args])
    if e.is_Mul:
        args = list(e.args)
        terms = []
        for n, f in enumerate(args):
            df = differentiate(f, v)
            if df != 0:
                terms.append(sp.Mul(*args[:n], df, *args[n + 1:]))
        return sp.Add(*terms)
    if e.is_Pow:
        base, exp = e.args
        if not (exp.has(v.base) if indexed else exp.has(v)):
            return exp * base ** (exp - 1) * differentiate(base, v)
        return e * (differentiate(exp, v) * sp.log(base) + exp * differentiate(base, v) / base)
    if isinstance(e, sp.exp):
        return e * differentiate(e.args[0], v)
    if isinstance(e, sp.log):
        return differentiate(e.args[0], v) / e.args[0]
    if isinstance(e, (sp.Max, sp.Min)):  # the argument that is the max, where none ties
        sign = 1 if isinstance(e, sp.Max) else -1
        return sp.Add(*[sp.Mul(*[sp.Heaviside(sign * (a - b), 1) for b in e.args if b != a],
                               differentiate(a, v)) for a in e.args])
    if isinstance(e, vector_functions.Opaque):  # l(o, y) and its partials
        return vector_functions.derivative(e, v, differentiate)
    if isinstance(e, sp.Sum):
        bound = {lim[0] for lim in e.limits}
        if not (set(getattr(v, "indices", ())) & bound) and not any(
                lim[1].has(v) or lim[2].has(v) for lim in e.limits):
            return summation(differentiate(e.function, v), *e.limits)
    return sp.diff(e, v)


class SurfaceDerivative(sp.Function):
    """An opaque derivative for the surface view: never evaluated, compared as written.

    sympy's own ``Derivative`` collapses to 0 when its expression does not visibly contain
    the variable (∂y_k/∂z_i with y a name), which is exactly what the surface must not do.
    """

    is_commutative = True

    @classmethod
    def eval(cls, *args):  # sympy's hook for automatic evaluation (not Python's eval): none
        return None


def _guard_power(base: sp.Expr, exp: sp.Expr, pos: int) -> None:
    if base.is_Number and exp.is_Number and not base.is_zero:
        try:
            digits = float(abs(exp)) * math.log10(max(abs(float(base)), 1e-300))
        except (OverflowError, ValueError):
            digits = math.inf
        if abs(digits) > MAX_DIGITS:
            raise Undetermined("a number too large to compute exactly (an integer power with "
                               f"more than {MAX_DIGITS} digits): the link is left undecided")

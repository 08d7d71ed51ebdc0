"""Mutation testing of the checker: "never wrong, never stuck".

Every link that derive proves in the built-in derivations and the examples is a
known-true step. This module breaks such steps on purpose (mutants) and rewrites
them without changing their meaning (rewrites), and checks what derive says:

* a mutant that is false must never be ``proved`` (and a ``refuted`` one's
  counterexample must really be one); at least 95% of the false mutants must be
  decided: ``refuted`` with a counterexample, or ``conditional`` on an assumption under
  which the oracle confirms the mutant (e.g. a mutant that holds only when k = i), the
  rest ``unknown``; refuted alone must be at least 70%;
* a rewrite must stay ``proved`` (target and assertion: all of them).

How a mutant is made
    The right side of one proved link is parsed (:func:`derive.reading.parser.parse_expression`),
    one mutation is applied to the tree (flip a sign, swap two indices, replace
    ``y_i`` by ``y_k``, drop/double/flip an indicator, change an exponent, multiply by
    2, shift a sum's limit, swap numerator and denominator, drop a term or a factor),
    the tree is printed back (:func:`derive.reading.syntax.to_latex`) and spliced into the
    Markdown in place of the original side. Every other equation stays where it was,
    so definitions, sizes and indices are read exactly as in the original document.

How a mutant is checked
    The mutated Markdown is read with :func:`derive.reading.document.read_document` and the
    mutated equation is checked with :func:`derive.engine.check.check_equation` — the very
    function :func:`derive.check_text` maps over a document's equations (a link's
    verdict depends on the definitions before it and on the document-wide prepass,
    both of which the full read keeps, never on the checking of other equations).
    Checking only that equation keeps the run fast; ``test_fast_path_agrees_with_check_text``
    confirms on a sample that ``check_text`` gives the same verdicts.

The independent second check (the oracle)
    Whether a mutant is, after all, a true identity is decided without derive's
    normaliser and without :mod:`derive.engine.numeric`: both sides are grounded with
    derive's translator (definitions unfolded, derivatives taken by sympy), then every
    size is set to 2 and 3, every free index runs over all its values (respecting
    case conditions such as ``k ≠ i``), the finite sums are written out term by term
    and both sides are evaluated with sympy floats of 40 digits at random points with
    positive inputs (a family the document declares to sum to one is drawn on the
    simplex). Equal everywhere → "true identity" (counted separately, may be proved);
    different somewhere → false. Each counterexample derive reports for a mutant is
    re-evaluated by the oracle, and a ``conditional`` mutant is re-evaluated under the
    assumption it names (one-hot or simplex targets, k = i or k ≠ i).

Each mutant is read and checked with a fresh :class:`derive.engine.translate.Symbols`, as a
separate document (``test_verdict_does_not_depend_on_earlier_documents`` guards against
state leaking from one document to the next).

Run ``python tests/test_mutation.py [N]`` for the numbers and every non-refuted mutant;
the full run (every mutant, every rewrite) is ``test_full_mutation_run`` (``-m slow``).
"""

from __future__ import annotations

import itertools
import os
import random
import re
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest
import sympy as sp

import derive
from derive.engine.check import check_equation
from derive.engine.decide import EquationChecker
from derive.engine.translate import Symbols
from derive.reading.document import read_document
from derive.reading.frontmatter import split_front_matter
from derive.reading.gathering import blank_front_matter
from derive.reading.markdown import find_equations
from derive.reading.parser import ParseError, parse_expression, split_top_level
from derive.reading.scope import ReadError
from derive.reading.syntax import (
    Add,
    Apply,
    BigOp,
    Case,
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
    to_latex,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "derive" / "library").glob("*.md")) + sorted(
    (ROOT / "examples").glob("*.md")) + [ROOT / "tests" / "data" / "notations" / "trig-primes.md"]
TIMEOUT = 10.0
SEED = 0

# Default run: at most this many mutants per (link, operator) and rewrites per (link, kind).
PER_OPERATOR = 1
PER_REWRITE = 1


# --------------------------------------------------------------------------- tree helpers

def sites(node: Node):
    """Every sub-node of ``node`` with a function that rebuilds ``node`` with it replaced."""
    yield node, (lambda new: new)
    if isinstance(node, Sym) and node.case is not None:
        return  # a case subscript y_{k=i} is mutated as a whole, never its parts
    for f in fields(node):
        if f.name == "pos":
            continue
        value = getattr(node, f.name)
        if isinstance(value, Node) and not isinstance(value, Case):
            for sub, put in sites(value):
                yield sub, (lambda new, f=f, put=put: replace(node, **{f.name: put(new)}))
        elif isinstance(value, tuple):
            for n, item in enumerate(value):
                if isinstance(item, Node) and not isinstance(item, Case):
                    for sub, put in sites(item):
                        yield sub, (lambda new, f=f, n=n, put=put, value=value: replace(
                            node, **{f.name: value[:n] + (put(new),) + value[n + 1:]}))


def rename_letter(node: Node, mapping: dict[str, str]) -> Node:
    """Rename index letters everywhere in a tree: subscripts, cases, sum indices, bare names."""
    if isinstance(node, Sym):
        name = mapping.get(node.name, node.name) if not node.sub else node.name
        case = node.case
        if case is not None:
            case = replace(case, left=mapping.get(case.left, case.left),
                           right=mapping.get(case.right, case.right))
        return replace(node, name=name, sub=tuple(rename_letter(s, mapping) for s in node.sub),
                       case=case)
    if isinstance(node, Indicator):
        c = node.case
        return replace(node, case=replace(c, left=mapping.get(c.left, c.left),
                                          right=mapping.get(c.right, c.right)))
    changes = {}
    for f in fields(node):
        if f.name == "pos":
            continue
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = rename_letter(value, mapping)
        elif isinstance(value, tuple) and value and isinstance(value[0], Node):
            changes[f.name] = tuple(rename_letter(v, mapping) for v in value)
    if isinstance(node, BigOp) and node.index is not None:
        changes["index"] = mapping.get(node.index, node.index)
    return replace(node, **changes) if changes else node


def letters(node: Node) -> set[str]:
    """Index letters used in a tree (subscripts, cases, sum indices)."""
    out: set[str] = set()
    for sub, _ in sites(node):
        if isinstance(sub, Sym):
            if sub.case is not None:
                out |= {sub.case.left, sub.case.right}
            out |= {s.name for s in sub.sub if isinstance(s, Sym) and not s.sub}
        elif isinstance(sub, Indicator):
            out |= {sub.case.left, sub.case.right}
        elif isinstance(sub, BigOp) and sub.index:
            out.add(sub.index)
    return out


def times(a: Node, b: Node) -> Node:
    if isinstance(a, Num) and isinstance(b, Num) and a.text.isdigit() and b.text.isdigit():
        return Num(str(int(a.text) * int(b.text)))
    return Mul((a, b), ("",))


def negate(node: Node) -> Node:
    if isinstance(node, Neg):
        return node.arg
    return Neg(Paren(node) if isinstance(node, (Add, Neg)) else node)


def plus_one(node: Node, delta: int = 1) -> Node:
    if isinstance(node, Num) and node.text.isdigit():
        return Num(str(int(node.text) + delta))
    return Add((node, Num("1") if delta > 0 else Neg(Num("1"))))


TWO = Num("2")


# --------------------------------------------------------------------------- mutations

_OTHER_FUNCTION = {"sin": "cos", "cos": "sin", "tan": "sin", "tanh": "sinh", "sinh": "cosh",
                   "cosh": "sinh"}


def mutations(tree: Node, pool: set[str]):
    """(operator, mutant tree) for every applicable mutation of ``tree``.

    ``pool`` holds the index letters of the equation (targets for y_i → y_k).
    """
    yield "flip sign", negate(tree)
    used = letters(tree)
    for a, b in itertools.combinations(sorted(used), 2):
        yield "swap indices", rename_letter(tree, {a: b, b: a})
    yield "multiply by 2", times(TWO, Paren(tree) if isinstance(tree, Add) else tree)
    for node, put in sites(tree):
        if isinstance(node, Add):
            for n, term in enumerate(node.terms):
                yield "flip sign", put(replace(node, terms=node.terms[:n] + (
                    negate(term),) + node.terms[n + 1:]))
                rest = node.terms[:n] + node.terms[n + 1:]
                if rest:
                    yield "drop a term", put(Add(rest) if len(rest) > 1 else rest[0])
                yield "multiply by 2", put(replace(node, terms=node.terms[:n] + (
                    times(TWO, term) if not isinstance(term, Neg) else Neg(times(TWO, term.arg)),
                ) + node.terms[n + 1:]))
        if isinstance(node, Mul) and len(node.factors) > 1 and not any(
                isinstance(f, Deriv) and f.operator for f in node.factors):
            for n in range(len(node.factors)):
                factors = node.factors[:n] + node.factors[n + 1:]
                yield "drop a factor", put(factors[0] if len(factors) == 1 else Mul(
                    factors, ("",) * (len(factors) - 1)))
        if isinstance(node, Sym) and len(node.sub) == 1 and node.case is None and isinstance(
                node.sub[0], Sym) and not node.sub[0].sub:
            for b in sorted(pool - {node.sub[0].name}):
                yield "replace y_i by y_k", put(replace(node, sub=(Sym(b),)))
        if isinstance(node, Indicator):
            yield "drop an indicator", put(Num("1"))
            yield "double an indicator", put(times(TWO, node))
            yield "square an indicator", put(times(node, node))  # idempotent: a true identity
            yield "negate an indicator", put(replace(node, case=replace(
                node.case, equal=not node.case.equal, style="\\neq")))
        if isinstance(node, Pow):
            yield "change an exponent", put(replace(node, exp=plus_one(node.exp)))
        if isinstance(node, Exp):
            yield "change an exponent", put(replace(node, arg=negate(node.arg)))
            yield "change an exponent", put(replace(node, arg=times(TWO, Paren(node.arg)) if
                                                    isinstance(node.arg, Add) else times(
                                                        TWO, node.arg)))
        if isinstance(node, BigOp) and node.lo is not None and node.written == "full":
            yield "shift a sum limit", put(replace(node, lo=plus_one(node.lo)))
            yield "shift a sum limit", put(replace(node, hi=plus_one(node.hi, -1)))
            yield "shift a sum limit", put(replace(node, hi=plus_one(node.hi)))
        if isinstance(node, Func) and node.name in _OTHER_FUNCTION:
            yield "swap a function's name", put(replace(node, name=_OTHER_FUNCTION[node.name]))
        if isinstance(node, Apply):
            yield "add a prime", put(replace(node, primes=node.primes + 1))
            if node.primes:
                yield "drop a prime", put(replace(node, primes=node.primes - 1))
        if isinstance(node, Log):
            yield "log for exp", put(Exp(node.arg))
        if isinstance(node, BigOp) and node.lo is not None:
            yield "sum for product", put(replace(
                node, kind="prod" if node.kind == "sum" else "sum"))
        if isinstance(node, Deriv) and node.wrt and len(node.wrt[0].sub) == 1:
            v = node.wrt[0]
            for b in sorted(pool - {getattr(v.sub[0], "name", "")})[:1]:
                yield "change the variable", put(replace(
                    node, wrt=(replace(v, sub=(Sym(b),)),) + node.wrt[1:]))
        if isinstance(node, Num) and node.text.isdigit():
            yield "change a constant", put(Num(str(int(node.text) + 1)))
        if isinstance(node, Frac):
            yield "swap numerator and denominator", put(replace(node, num=node.den, den=node.num))
            yield "multiply by 2", put(replace(node, num=times(TWO, Paren(node.num)) if
                                               isinstance(node.num, Add) else times(
                                                   TWO, node.num)))


# --------------------------------------------------------------------------- rewrites

def fresh_letter(used: set[str]) -> str:
    return next(c for c in "mnpqrsl" if c not in used)


def distribute(factor_list: tuple[Node, ...], n: int, add: Add) -> Node:
    """f₁ … (a + b) … fₘ  →  f₁ … a … fₘ + f₁ … b … fₘ."""
    terms = []
    for term in add.terms:
        sign, body = (True, term.arg) if isinstance(term, Neg) else (False, term)
        factors = factor_list[:n] + (Paren(body) if isinstance(body, Add) else body,) + \
            factor_list[n + 1:]
        prod = Mul(factors, ("",) * (len(factors) - 1))
        terms.append(Neg(prod) if sign else prod)
    return Add(tuple(terms))


def rewrites(tree: Node):
    """(kind, equivalent tree) for rewrites that keep the meaning of ``tree``."""
    used = letters(tree)
    for node, put in sites(tree):
        if isinstance(node, Add) and len(node.terms) > 1:
            rev = tuple(reversed(node.terms))
            yield "reorder terms", put(Add(rev))
            first, rest = node.terms[0], node.terms[1:]
            if isinstance(first, Neg):  # -a → -2a + a
                split = (Neg(times(TWO, first.arg)), first.arg)
            else:  # a → 2a - a
                split = (times(TWO, first), Neg(first))
            yield "split a term", put(Add(split + rest))
        if isinstance(node, Mul) and len(node.factors) > 1 and not any(
                isinstance(f, Deriv) and f.operator for f in node.factors):
            yield "reorder factors", put(Mul(tuple(reversed(node.factors)),
                                             ("",) * (len(node.factors) - 1)))
            for n, f in enumerate(node.factors):
                inner = f.inner if isinstance(f, Paren) else None
                if isinstance(inner, Add):
                    yield "expand", put(Paren(distribute(node.factors, n, inner)))
        if isinstance(node, BigOp) and node.index is not None and node.written != "bare":
            new = fresh_letter(used | {node.index})
            yield "rename a bound index", put(rename_letter(node, {node.index: new}))
        if isinstance(node, Num) and node.text.isdigit() and int(node.text) > 1:
            yield "split a term", put(Paren(Add((Num(str(int(node.text) - 1)), Num("1")))))
        if isinstance(node, Frac) and node.style in ("frac", "dfrac"):
            yield "rewrite notation", put(replace(node, style="over"))
        if isinstance(node, Indicator):
            c = node.case
            yield "rewrite notation", put(replace(node, case=replace(c, left=c.right,
                                                                     right=c.left)))
    # factor: take out a first factor common to every term, and 2 · (x / 2)
    if isinstance(tree, Add) and len(tree.terms) > 1:
        heads = [t.factors[0] if isinstance(t, Mul) else None for t in tree.terms]
        if heads[0] is not None and all(h == heads[0] for h in heads):
            rest = []
            for t in tree.terms:
                fs = t.factors[1:]
                rest.append(fs[0] if len(fs) == 1 else Mul(fs, ("",) * (len(fs) - 1)))
            yield "factor", times(heads[0], Paren(Add(tuple(rest))))
    yield "factor", times(Num("2"), Frac(tree if not isinstance(tree, Add) else tree, Num("2")))


# --------------------------------------------------------------------------- documents

@dataclass(frozen=True)
class Site:
    """One proved link of a source: equation index, link position, the sides' file spans."""

    source: str
    text: str
    eq: int
    position: int
    rhs_span: tuple[int, int]
    rhs_latex: str
    pool: frozenset[str]
    signature: tuple[str, ...] = ()  # the document's definitions, to spot shared links


def side_spans(text: str) -> dict[int, list[tuple[int, int, str]]]:
    """Equation index → [(start, end, latex) for each side], as file offsets."""
    _, body_line = split_front_matter(text)
    out = {}
    for n, raw in enumerate(find_equations(blank_front_matter(text, body_line)), start=1):
        if raw.delimiter.startswith("unclosed"):
            continue
        try:
            sides = split_top_level(raw.text)
        except ParseError:
            continue
        out[n] = [(raw.offset + off, raw.offset + off + len(s), s.strip()) for s, off in sides]
    return out


@cache
def proved_sites(path: Path) -> tuple[Site, ...]:
    text = path.read_text(encoding="utf-8")
    report = derive.check_text(text, source=path.name, seed=SEED, timeout=TIMEOUT)
    spans = side_spans(text)
    signature = tuple(e.latex for e in report.equations if e.kind == "definition")
    out = []
    for eq in report.equations:
        for link in eq.links:
            if link.verdict.value != "proved":
                continue
            start, end, latex = spans[eq.index][link.position]
            pool = frozenset(set().union(*(letters(parse_expression(s[2]))
                                           for s in spans[eq.index])))
            out.append(Site(path.name, text, eq.index, link.position, (start, end), latex, pool,
                            signature + (eq.latex,)))
    return tuple(out)


def splice(site: Site, latex: str) -> str:
    a, b = site.rhs_span
    return site.text[:a] + " " + latex + " " + site.text[b:]


@dataclass
class Outcome:
    verdict: str  # proved | refuted | conditional | unknown | error
    link: object = None
    truth: bool | None = None  # oracle: True identity, False differs, None cannot tell
    cx_confirmed: bool | None = None  # oracle re-evaluation of derive's counterexample
    under_needs: bool | None = None  # conditional: does the oracle agree under the assumption?
    detail: str = ""


def check_site(site: Site, latex: str, oracle: str = "auto") -> Outcome:
    """Check the mutated link; return derive's verdict and the oracle's view.

    ``oracle``: "auto" (skip the full oracle when derive's counterexample re-checks),
    "always", or "never".
    """
    text = splice(site, latex)
    doc = read_document(text, site.source)
    eq = doc.equations[site.eq - 1]
    if eq.kind == "error":
        return Outcome("error", detail=eq.error.message if eq.error else "")
    symbols = Symbols.for_document(doc)
    result = check_equation(doc, eq, symbols, SEED, TIMEOUT)
    if result.kind == "error":
        return Outcome("error", detail=result.error.message if result.error else "")
    link = next((lk for lk in result.links if lk.position == site.position), None)
    if link is None:
        return Outcome("error", detail="link disappeared")
    out = Outcome(link.verdict.value, link)
    if oracle == "never":
        return out
    try:
        ck = EquationChecker(doc, eq, symbols, SEED)
        offset = 1 if eq.kind == "definition" else 0
        p = site.position - 1 - offset
        lhs, rhs = ck.ground(eq.reading.sides[p]), ck.ground(eq.reading.sides[p + 1])
        simplex = declared_simplex(ck)
    except (ReadError, TypeError, ValueError) as exc:
        out.detail = f"cannot ground: {exc}"
        return out
    if link.counterexample is not None:
        out.cx_confirmed = oracle_counterexample(lhs, rhs, link.counterexample)
    if oracle == "always" or not (out.verdict == "refuted" and out.cx_confirmed):
        out.truth = oracle_equal(lhs, rhs, ck, simplex) if simplex is not None else None
        if out.truth is False:
            out.detail = "the oracle finds the sides different"
    if out.verdict == "conditional" and simplex is not None:
        extra = needs_of(link)
        if extra is not None:
            more_simplex, onehot, constraints = extra
            out.under_needs = oracle_equal(lhs, rhs, ck, {**simplex, **more_simplex},
                                           constraints, onehot=onehot)
    return out


# --------------------------------------------------------------------------- the oracle

_SUM_ONE = re.compile(r"\\sum_\{(\w)=1\}\^\{?(\w)\}?\s*(\w+)_\{?\1\}?\s*=\s*1$")
_CASE = re.compile(r"^(\w) (=|\\neq) (\w)$")
_ONE_HOT = re.compile(r"^(\w+) \\text\{ is one-hot\}$")
_POSITIVE = re.compile(r"^[\w, ]+ > 0$")
_IN_RANGE = re.compile(r"^\S+ \\le \w \\le \S+$")


def declared_simplex(ck: EquationChecker) -> dict | None:
    """Families the document declares to sum to one: name -> size name; None if some
    declared assumption is of another form (the oracle would not know how to honour it)."""
    out = {}
    for _sides, latex, _line in ck.doc.assumptions:
        m = _SUM_ONE.match(latex.strip())
        if m is None:
            return None
        out[m.group(3)] = m.group(2)
    return out


def needs_of(link) -> tuple[dict, set, list] | None:
    """The assumptions a conditional link names, as oracle inputs: families on the simplex,
    one-hot families, index conditions (None if some assumption is of an unknown form).

    Positivity ("t_k > 0") and index ranges ("1 \\le c \\le K") need nothing: the oracle's
    inputs are positive and its indices in range anyway."""
    simplex, onehot, cases = {}, set(), []
    for a in link.needs:
        latex = a.latex.strip()
        if m := _SUM_ONE.match(latex):
            simplex[m.group(3)] = m.group(2)
        elif m := _ONE_HOT.match(latex):
            onehot.add(m.group(1))
        elif m := _CASE.match(latex):
            cases.append((m.group(1), m.group(3), m.group(2) == "="))
        elif not (_POSITIVE.match(latex) or _IN_RANGE.match(latex)):
            return None
    return simplex, onehot, cases


def _classify(lhs: sp.Expr, rhs: sp.Expr, ranges: dict):
    """Sizes, free indices and scalars of both sides (not of lhs − rhs: a name that cancels
    there still needs a value to evaluate either side)."""
    sizes, indices, scalars = set(), set(), set()
    for s in lhs.free_symbols | rhs.free_symbols:
        if isinstance(s, sp.Dummy) or not s.is_Symbol:
            continue
        if s.is_integer and s.is_positive:
            sizes.add(s)
        elif s.is_integer:
            indices.add(s)
        else:
            scalars.add(s)
    for s, rng in ranges.items():
        indices.add(s)
        for part in rng or ():
            sizes |= {x for x in part.free_symbols if x.is_integer and x.is_positive}
    bases = {i.base for i in lhs.atoms(sp.Indexed) | rhs.atoms(sp.Indexed)}
    scalars -= {b.label for b in bases}
    return sorted(sizes, key=str), sorted(indices, key=str), sorted(scalars, key=str)


def expand_sums(e: sp.Expr) -> sp.Expr:
    """Write out every sum and product with integer limits, outermost first."""
    if isinstance(e, (sp.Sum, sp.Product)):
        (v, lo, hi), = e.limits
        terms = [expand_sums(e.function.xreplace({v: sp.Integer(n)}))
                 for n in range(int(lo), int(hi) + 1)]
        return sp.Add(*terms) if isinstance(e, sp.Sum) else sp.Mul(*terms)
    if not e.args or isinstance(e, sp.Indexed):
        return e
    return e.func(*[expand_sums(a) for a in e.args])


def _number(e: sp.Expr) -> complex | None:
    if e.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    v = sp.N(e, 40)
    if not v.is_number or v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    try:
        return complex(v)
    except (TypeError, ValueError):
        return None


def _differ(a: complex, b: complex) -> bool:
    return abs(a - b) > 1e-12 * (1 + abs(a) + abs(b))


def _at(expr: sp.Expr, env: dict, value) -> complex | None:
    """expr at a point: sizes and indices from env, family entries from value(name, idx)."""
    e = expand_sums(expr.xreplace(env)).xreplace(env)
    subs = {}
    for atom in e.atoms(sp.Indexed):
        try:
            idx = tuple(int(i) for i in atom.indices)
        except TypeError:
            return None
        v = value(str(atom.base.label), idx)
        if v is None:
            return None
        subs[atom] = v
    return _number(e.xreplace(subs))


def _float(q) -> sp.Float:
    q = Fraction(q)
    return sp.Float(sp.Rational(q.numerator, q.denominator), 40)


def oracle_equal(lhs: sp.Expr, rhs: sp.Expr, ck: EquationChecker, simplex: dict,
                 extra_constraints=(), points: int = 2, onehot=frozenset()) -> bool | None:
    """True if lhs = rhs at every tried point, False if they differ at one, None if untestable.

    Sizes 2 and 3; every index assignment at size 2, up to six at size 3; ``points`` random
    points each, with positive entries (families in ``simplex`` scaled to sum to one over
    1..size, families in ``onehot`` one at a random class in 1..size and zero elsewhere).
    """
    sizes, indices, scalars = _classify(lhs, rhs, ck.ranges)
    by_name = {str(s): s for s in (*indices, *sizes)}
    constraints = list(ck.constraints)
    for a, b, equal in extra_constraints:
        if a not in by_name or b not in by_name:
            return None
        constraints.append((by_name[a], by_name[b], equal))
    rng = random.Random(7)
    evaluated = 0
    for size in (2, 3):
        env_sizes = {s: sp.Integer(size) for s in sizes}
        choices = []
        for s in indices:
            lo, hi = ck.ranges.get(s) or (sp.Integer(1), sizes[0] if sizes else sp.Integer(size))
            try:
                a, b = int(lo.xreplace(env_sizes)), int(hi.xreplace(env_sizes))
            except (TypeError, ValueError, AttributeError):
                a, b = 1, size
            choices.append([(s, v) for v in range(a, b + 1)])
        combos = []
        for combo in itertools.product(*choices) if choices else [()]:
            assign = dict(combo)
            if all(assign.get(a) is None or assign.get(b) is None or
                   (assign[a] == assign[b]) == equal for a, b, equal in constraints):
                combos.append(assign)
        if size > 2 and len(combos) > 6:
            combos = rng.sample(combos, 6)
        for assign in combos:
            env = {**env_sizes, **{s: sp.Integer(v) for s, v in assign.items()}}
            for _ in range(points):
                table: dict = {}
                for name in simplex:  # every size is `size` at this point
                    raw = [Fraction(rng.randint(1, 8)) for _ in range(size)]
                    for k, r in enumerate(raw, start=1):
                        table[(name, (k,))] = _float(r / sum(raw))
                hot = {name: rng.randint(1, size) for name in onehot}

                def value(name, idx, table=table, hot=hot):
                    if name in hot:
                        return _float(int(idx == (hot[name],)))
                    if (name, idx) not in table:  # (outside a simplex's range: anything)
                        table[(name, idx)] = _float(Fraction(rng.randint(3, 25), 10))
                    return table[(name, idx)]

                env_s = {**env, **{s: _float(Fraction(rng.randint(3, 25), 10)) for s in scalars}}
                try:
                    a = _at(lhs, env_s, value)
                    b = _at(rhs, env_s, value)
                except (TypeError, ValueError, ZeroDivisionError, RecursionError):
                    continue
                if a is None or b is None:
                    continue
                evaluated += 1
                if _differ(a, b):
                    return False
    return True if evaluated else None


def oracle_counterexample(lhs: sp.Expr, rhs: sp.Expr, cx) -> bool | None:
    """Re-evaluate both sides at derive's counterexample: True if they differ there."""
    env = {}
    for s in lhs.free_symbols | rhs.free_symbols:
        name = str(s)
        if name in cx.size:
            env[s] = sp.Integer(cx.size[name])
        elif name in cx.indices:
            env[s] = sp.Integer(cx.indices[name])
        elif name in cx.values and not isinstance(cx.values[name], list):
            env[s] = _float(Fraction(str(cx.values[name])))

    def value(name, idx):
        vals = cx.values.get(name)
        k = idx[0] if len(idx) == 1 else None
        if not isinstance(vals, list) or k is None or not 1 <= k <= len(vals):
            return None
        return _float(Fraction(str(vals[k - 1])))

    try:
        a = _at(lhs, env, value)
        b = _at(rhs, env, value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if a is None or b is None:
        return None
    return _differ(a, b)


# --------------------------------------------------------------------------- sampling

def _pick(items: list, k: int, key: str) -> list:
    if len(items) <= k:
        return items
    return random.Random(key).sample(items, k)


def _printable(tree: Node) -> str | None:
    """The LaTeX of a tree, if it reads back as itself (else the printer would lie)."""
    latex = to_latex(tree)
    try:
        again = to_latex(parse_expression(latex))
    except ParseError:
        return None
    return latex if again == latex else None


def mutants_of(site: Site, per_operator: int = 1):
    tree = parse_expression(site.rhs_latex)
    original = _printable(tree) or site.rhs_latex
    by_op: dict[str, list[str]] = {}
    for op, mutant in mutations(tree, set(site.pool)):
        latex = _printable(mutant)
        if latex is None or latex == original:
            continue
        bucket = by_op.setdefault(op, [])
        if latex not in bucket:
            bucket.append(latex)
    for op in sorted(by_op):
        key = f"{site.source}:{site.eq}.{site.position}:{op}"
        for latex in _pick(by_op[op], per_operator, key):
            yield op, latex


def rewrites_of(site: Site, per_kind: int = 1):
    tree = parse_expression(site.rhs_latex)
    by_kind: dict[str, list[str]] = {}
    for kind, new in rewrites(tree):
        latex = _printable(new)
        if latex is None:
            continue
        bucket = by_kind.setdefault(kind, [])
        if latex not in bucket and latex != site.rhs_latex:
            bucket.append(latex)
    for kind in sorted(by_kind):
        key = f"{site.source}:{site.eq}.{site.position}:{kind}"
        for latex in _pick(by_kind[kind], per_kind, key):
            yield kind, latex


@cache
def all_sites() -> tuple[Site, ...]:
    """Every proved link of the sources, once (the two copies of the post share most links)."""
    seen, out = set(), []
    for path in SOURCES:
        for site in proved_sites(path):
            key = (site.signature, site.eq, site.position)
            if key not in seen:
                seen.add(key)
                out.append(site)
    return tuple(out)


def mutant_jobs(sample: int | None) -> list[tuple[Site, str, str]]:
    jobs = [(site, op, latex) for site in all_sites() for op, latex in mutants_of(site)]
    return jobs if sample is None or sample >= len(jobs) else random.Random(SEED).sample(
        jobs, sample)


def rewrite_jobs(sample: int | None) -> list[tuple[Site, str, str]]:
    jobs = [(site, kind, latex) for site in all_sites() for kind, latex in rewrites_of(site)]
    return jobs if sample is None or sample >= len(jobs) else random.Random(SEED).sample(
        jobs, sample)


# --------------------------------------------------------------------------- runs

def _job(args) -> Outcome:
    site, latex, oracle = args
    return check_site(site, latex, oracle)


def run(jobs: list[tuple[Site, str, str]], oracle: str) -> list[tuple[Site, str, str, Outcome]]:
    """Check every job; in WORKERS processes (default: 2 if there are 2 cores)."""
    args = [(site, latex, oracle) for site, _, latex in jobs]
    workers = int(os.environ.get("DERIVE_TEST_WORKERS", min(2, os.cpu_count() or 1)))
    if workers > 1 and len(args) > 20:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            outcomes = list(pool.map(_job, args, chunksize=4))
    else:
        outcomes = [_job(a) for a in args]
    return [(site, op, latex, out) for (site, op, latex), out in zip(jobs, outcomes, strict=True)]


def _where(row) -> str:
    site, op, latex, out = row
    cx = out.link.counterexample if out.link is not None else None
    cx = cx.to_json() if cx is not None else ""
    return (f"{site.source} link {site.eq}.{site.position} [{op}]: {site.rhs_latex!r} -> "
            f"{latex!r}: {out.verdict} {out.detail} {cx}".rstrip())


def classify(row) -> str:
    """true (an identity after all) | false | untested | unreadable."""
    out = row[3]
    if out.verdict == "error":
        return "unreadable"
    if out.verdict == "refuted" and out.cx_confirmed:
        return "false"
    if out.truth is True:
        return "true"
    if out.truth is False:
        return "false"
    return "untested"


def _good_conditional(row) -> bool:
    """Conditional, not contradicted by the oracle under the assumption it names, and with
    a counterexample to the general claim or confirmed by the oracle under the assumption."""
    out = row[3]
    return (out.verdict == "conditional" and out.under_needs is not False
            and (out.link.counterexample is not None or out.under_needs is True))


def summarise_mutants(rows) -> dict:
    kinds = [classify(r) for r in rows]
    false = [r for r, k in zip(rows, kinds, strict=True) if k == "false"]
    true = [r for r, k in zip(rows, kinds, strict=True) if k == "true"]
    stats = {
        "mutants": len(rows),
        "unreadable (reading error)": kinds.count("unreadable"),
        "oracle could not tell": kinds.count("untested"),
        "true identities": len(true),
        "  of which proved": sum(r[3].verdict == "proved" for r in true),
        "false mutants": len(false),
        "  refuted": sum(r[3].verdict == "refuted" for r in false),
        "  conditional": sum(r[3].verdict == "conditional" for r in false),
        "    confirmed": sum(_good_conditional(r) for r in false),
        "  unknown": sum(r[3].verdict == "unknown" for r in false),
        "  proved (must be 0)": sum(r[3].verdict == "proved" for r in false),
    }
    n = max(len(false), 1)
    stats["share refuted"] = stats["  refuted"] / n
    stats["share refuted or conditional"] = (
        stats["  refuted"] + stats["    confirmed"]) / n
    stats["share unknown"] = stats["  unknown"] / n
    return stats


def _print_stats(title: str, stats: dict) -> None:
    print(f"\n{title}")
    for k, v in stats.items():
        print(f"  {k:32} {v:.1%}" if isinstance(v, float) else f"  {k:32} {v}")


# The properties, shared by the default sample and the full (slow) run.

def assert_never_proves_false(rows) -> None:
    bad = [r for r in rows if r[3].verdict == "proved" and classify(r) != "true"]
    assert not bad, f"{len(bad)} mutants proved that the oracle does not confirm:\n" + "\n".join(
        _where(r) for r in bad)


def assert_refutations_are_real(rows) -> None:
    refuted = [r for r in rows if r[3].verdict == "refuted"]
    no_cx = [r for r in refuted if r[3].link.counterexample is None]
    assert not no_cx, "refuted without a counterexample:\n" + "\n".join(_where(r) for r in no_cx)
    wrong = [r for r in refuted if r[3].cx_confirmed is False]
    assert not wrong, "counterexamples at which the two sides agree:\n" + "\n".join(
        _where(r) for r in wrong)
    wrong = [r for r in refuted if not r[3].cx_confirmed and r[3].truth is True]
    assert not wrong, "true identities refuted:\n" + "\n".join(_where(r) for r in wrong)


def assert_conditionals_hold_under_their_assumption(rows) -> None:
    bad = [r for r in rows if r[3].verdict == "conditional" and r[3].under_needs is False]
    assert not bad, "conditional, but false even under the named assumption:\n" + "\n".join(
        _where(r) for r in bad)


def assert_mostly_refuted(rows) -> None:
    stats = summarise_mutants(rows)
    _print_stats(f"mutants ({len(rows)})", stats)
    stuck = [r for r in rows if classify(r) == "false" and r[3].verdict == "unknown"]
    assert stats["share refuted or conditional"] >= 0.95, (
        f"{stats['share refuted or conditional']:.1%} of {stats['false mutants']} false mutants "
        f"refuted or conditional; unknown:\n" + "\n".join(_where(r) for r in stuck))
    assert stats["share refuted"] >= 0.70, stats


def assert_rewrites_proved(rows) -> None:
    valid = [r for r in rows if r[3].truth is True]
    kept = [r for r in valid if r[3].verdict == "proved"]
    print(f"\nrewrites: {len(rows)} made, {len(valid)} equivalent by the oracle, "
          f"{len(kept)} kept proved ({len(kept) / max(len(valid), 1):.1%})")
    lost = [r for r in valid if r[3].verdict != "proved"]
    assert not lost, f"{len(lost)} of {len(valid)} equivalent rewrites not proved:\n" + "\n".join(
        _where(r) for r in lost)


# --------------------------------------------------------------------------- tests

DEFAULT_MUTANTS = 500
DEFAULT_REWRITES = 200


@pytest.fixture(scope="module")
def mutant_rows():
    return run(mutant_jobs(DEFAULT_MUTANTS), "auto")


@pytest.fixture(scope="module")
def rewrite_rows():
    return run(rewrite_jobs(DEFAULT_REWRITES), "always")


def test_sources_have_proved_links():
    assert len(SOURCES) >= 11
    for path in SOURCES:
        assert proved_sites(path), f"{path.name}: no proved link to mutate"
    assert len(all_sites()) >= 100, len(all_sites())


def test_original_sides_stay_proved_after_splicing():
    """The harness itself: splicing a side back as derive prints it keeps the link proved."""
    jobs = [(site, "as printed", to_latex(parse_expression(site.rhs_latex)))
            for site in all_sites()]
    bad = [r for r in run(jobs, "never") if r[3].verdict != "proved"]
    assert not bad, "\n".join(_where(r) for r in bad)


def test_the_oracle_tells_true_from_false():
    """The oracle itself, on a link known true and on an obviously false mutant of it."""
    site = next(s for s in all_sites() if s.source == "softmax-jacobian.md" and s.eq == 8
                and s.position == 4)  # y_i - y_i = 0
    assert check_site(site, "0", "always").truth is True
    assert check_site(site, "y_i", "always").truth is False
    assert check_site(site, "y_i - y_i \\sum_{k=1}^{K} y_k", "always").truth is True


def test_enough_mutants(mutant_rows):
    stats = summarise_mutants(mutant_rows)
    _print_stats(f"mutants, default sample of {len(mutant_jobs(None))}", stats)
    assert stats["mutants"] >= 450, stats
    assert stats["false mutants"] >= 350, stats
    assert stats["unreadable (reading error)"] <= 0.15 * stats["mutants"], stats
    assert stats["oracle could not tell"] <= 0.05 * stats["mutants"], stats
    ops = {row[1] for row in mutant_rows}
    assert ops >= {"flip sign", "swap indices", "replace y_i by y_k", "drop an indicator",
                   "double an indicator", "change an exponent", "multiply by 2",
                   "shift a sum limit", "swap numerator and denominator", "drop a term"}, ops


def test_every_operator_has_mutants():
    """Mutation operators for every node kind, each with something to mutate."""
    ops = {op for _, op, _ in mutant_jobs(None)}
    assert ops >= {"swap a function's name", "add a prime", "drop a prime", "log for exp",
                   "sum for product", "change the variable", "change a constant",
                   "drop a factor", "negate an indicator"}, ops


def test_no_false_mutant_is_proved(mutant_rows):
    """Never wrong: every proved mutant is a true identity, confirmed by the oracle."""
    assert_never_proves_false(mutant_rows)


def test_refutations_are_real(mutant_rows):
    """Never wrong, the other way: a refutation comes with a counterexample that is one."""
    assert_refutations_are_real(mutant_rows)


def test_conditionals_hold_under_their_assumption(mutant_rows):
    assert_conditionals_hold_under_their_assumption(mutant_rows)


def test_false_mutants_are_refuted(mutant_rows):
    """Never stuck: at least 95% of the false mutants get a counterexample."""
    assert_mostly_refuted(mutant_rows)


def test_rewrites_stay_proved(rewrite_rows):
    """Equivalent rewrites (reorder, expand, factor, rename, split) of true links stay proved."""
    valid = [r for r in rewrite_rows if r[3].truth is True]
    assert len(valid) >= 180, len(valid)
    kinds = {r[1] for r in valid}
    assert kinds >= {"reorder terms", "reorder factors", "rename a bound index", "split a term",
                     "expand", "factor"}, kinds
    assert_rewrites_proved(rewrite_rows)


def test_rewrites_are_equivalent(rewrite_rows):
    """The rewrite generator itself: the oracle finds every rewrite equivalent."""
    bad = [r for r in rewrite_rows if r[3].truth is False]
    assert not bad, "\n".join(_where(r) for r in bad)
    assert_never_proves_false([r for r in rewrite_rows if r[3].truth is not None])


def test_fast_path_agrees_with_check_text(mutant_rows):
    """check_equation on the mutated equation gives what check_text gives for it."""
    rows = mutant_rows[::20]
    assert len(rows) >= 10
    for site, _op, latex, out in rows:
        report = derive.check_text(splice(site, latex), source=site.source, seed=SEED,
                                   timeout=TIMEOUT)
        eq = report.equations[site.eq - 1]
        if out.verdict == "error":
            assert eq.kind == "error", (site.source, site.eq, latex)
            continue
        link = next(lk for lk in eq.links if lk.position == site.position)
        assert link.verdict.value == out.verdict, (site.source, site.eq, site.position, latex)


def test_verdict_does_not_depend_on_earlier_documents():
    """A document's verdicts must not depend on what was checked before it in the process.

    Grounded definition bodies were once cached per ``id(Symbols())``: once a document's
    Symbols object was freed its id could be reused by the next document's, which then saw
    the previous document's definition of y_k. Whether an id is reused depends on the
    allocator, so the pair is checked many times.
    """
    a = ("$$y_k = \\frac{e^{z_k}}{\\sum_{j=1}^{K} e^{z_j}}$$\n\n"
         "$$\\sum_{k=1}^{K} y_k = 1$$\n")
    b = "$$y_k = 2 z_k$$\n\n$$\\sum_{k=1}^{K} y_k = 1$$\n"
    seen_a, seen_b = [], []
    for _ in range(50):
        seen_a.append(derive.check_text(a).links[0].verdict.value)
        seen_b.append(derive.check_text(b).links[0].verdict.value)
    assert set(seen_a) == {"proved"}, f"sum of softmax = 1: {seen_a.count('refuted')} of 50 refuted"
    assert set(seen_b) == {"refuted"}, f"sum of 2 z_k = 1: {seen_b.count('proved')} of 50 proved"


def test_a_term_that_cancels_still_gets_a_counterexample():
    """x + 1 = x is false at every point; a name that cancels from lhs − rhs (x here) must
    still get a value when the sides are evaluated."""
    for text in ("$$x + 1 = x$$", "$$t_i + z_i = t_i$$"):
        link = derive.check_text(text).links[0]
        assert link.verdict.value == "refuted", (text, link.verdict.value, link.reason)
        assert link.counterexample is not None


def _full_run_selected(config) -> bool:
    return bool(os.environ.get("DERIVE_SLOW")) or "slow" in (config.option.markexpr or "")


@pytest.mark.slow
def test_full_mutation_run(request):
    """Every mutation of every proved link (and every rewrite kind); a few minutes.

    Runs with ``pytest -m slow`` or DERIVE_SLOW=1.
    """
    if not _full_run_selected(request.config):
        pytest.skip("the full mutation run: select with -m slow or DERIVE_SLOW=1")
    rows = run(mutant_jobs(None), "auto")
    assert len(rows) >= 700
    assert_never_proves_false(rows)
    assert_refutations_are_real(rows)
    assert_conditionals_hold_under_their_assumption(rows)
    rewrites_ = run(rewrite_jobs(None), "always")
    assert_rewrites_proved(rewrites_)
    assert_mostly_refuted(rows)


if __name__ == "__main__":  # python tests/test_mutation.py [sample]: numbers and details
    import sys
    import time

    t0 = time.perf_counter()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else None
    rows = run(mutant_jobs(n), "auto")
    _print_stats(f"mutants ({len(rows)}), {time.perf_counter() - t0:.0f} s",
                 summarise_mutants(rows))
    for op in sorted({r[1] for r in rows}):
        mine = [r for r in rows if r[1] == op]
        tally = {v: sum(r[3].verdict == v for r in mine) for v in
                 ("refuted", "conditional", "unknown", "proved", "error")}
        print(f"  {op:32} {len(mine):4}  {tally}")
    for row in rows:
        k = classify(row)
        if row[3].verdict != "refuted" or k != "false":
            print(" ", k, _where(row))
    t0 = time.perf_counter()
    rw = run(rewrite_jobs(n), "always")
    print(f"rewrites {len(rw)}, {time.perf_counter() - t0:.0f} s")
    for kind in sorted({r[1] for r in rw}):
        mine = [r for r in rw if r[1] == kind]
        print(f"  {kind:32} {len(mine):4}  proved {sum(r[3].verdict == 'proved' for r in mine)}")
    for row in rw:
        if row[3].verdict != "proved" or row[3].truth is not True:
            print("  rewrite", row[3].truth, _where(row))

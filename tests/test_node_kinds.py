"""Every node kind of the surface tree, through every operation on trees.

A new node class, or a new field on one, must reach every memo, comparison, printer and
evaluator: issue #14 found ``\\sin x = \\cos x`` proved because one memo key left out a
function's name. This module walks :func:`derive.reading.syntax.node_classes` (so a class added
later is enumerated without anyone remembering to list it here) and fails when a class has
no sample below, or when any operation mishandles it.
"""

from __future__ import annotations

import dataclasses

import pytest

import derive
from derive.engine import oracle
from derive.reading.document import read_document
from derive.reading.parser import parse_expression
from derive.reading.scope import rebuild
from derive.reading.syntax import (
    Case,
    Node,
    Num,
    Sym,
    children,
    key,
    meaning_fields,
    node_classes,
    to_latex,
    to_text,
    walk,
)

PREAMBLE = r"""
$$y_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$$

$$f(u) = u^2 + 1$$
"""

# a LaTeX sample containing each node kind (as an expression derive reads)
SAMPLES = {
    "Num": "3",
    "Sym": "a_{1}",
    "Case": r"y_{k=i}",
    "Apply": "f'(a)",
    "Func": r"\sin a",
    "Neg": "-a",
    "Add": "a + b",
    "Mul": "a b",
    "Frac": r"\frac{a}{b^2 + 1}",
    "Pow": "a^{3}",
    "Exp": "e^{a}",
    "Log": r"\log(a^2 + 1)",
    "Paren": "(a + 1)",
    "BigOp": r"\sum_{k=1}^{K} t_k z_k",
    "Indicator": r"1\{k = i\}",
    "Deriv": r"\frac{\partial y_k}{\partial z_i}",
}
CLASSES = {c.__name__: c for c in node_classes()}


def test_every_node_class_has_a_sample():
    assert set(SAMPLES) == set(CLASSES), "add a sample for each new node class"


def _tree(name: str) -> Node:
    return parse_expression(SAMPLES[name])


def _instances(name: str) -> list[Node]:
    found = [n for n in walk(_tree(name)) if type(n) is CLASSES[name]]
    if name == "Case":
        found = [n.case for n in walk(_tree(name)) if isinstance(n, Sym) and n.case]
    return found


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_sample_holds_its_kind(name):
    assert _instances(name), name


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_children_and_rebuild_round_trip(name):
    tree = _tree(name)
    for node in walk(tree):
        assert rebuild(node, list(children(node))) == node


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_both_printers_and_reparsing_keep_the_identity(name):
    tree = _tree(name)
    assert to_text(tree)
    assert key(parse_expression(to_latex(tree))) == key(tree)


def _changed(value):
    """Another value of the same kind, to see whether a field is part of the identity."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "q"
    if isinstance(value, Case):
        return dataclasses.replace(value, left=value.left + "q")
    if isinstance(value, Node):
        return Num("7") if not isinstance(value, Num) else Num("8")
    if isinstance(value, tuple):
        return (*value, Num("7")) if not value or isinstance(value[0], Node) else (
            *value, "q")
    if value is None:
        return Num("7")
    raise AssertionError(f"no way to change {value!r}")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_field_that_carries_meaning_is_in_the_key(name):
    for node in _instances(name):
        names = meaning_fields(type(node))
        for f in dataclasses.fields(node):
            if not f.compare:
                continue
            other = dataclasses.replace(node, **{f.name: _changed(getattr(node, f.name))})
            if f.name in names:
                assert key(other) != key(node), (name, f.name)
            else:
                assert f.metadata.get("notation"), (name, f.name)  # only notation is left out
                assert key(other) == key(node), (name, f.name)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_translation_numbers_and_the_oracle_handle_it(name):
    """Through the whole checker: the sample equals itself (proved, and the independent
    evaluator agrees) and does not equal itself plus one (refuted, with a counterexample)."""
    sample = SAMPLES[name]
    report = derive.check_text(PREAMBLE + f"\n$${sample} = {sample}$$\n\n"
                               f"$${sample} = {sample} + 1$$\n", jobs=1)
    same, shifted = report.equations[-2], report.equations[-1]
    assert same.kind == "claim", same.error
    assert [lk.verdict.value for lk in same.links] == ["proved"], same.links[0].reason
    assert [lk.verdict.value for lk in shifted.links] == ["refuted"], shifted.links[0].reason
    assert shifted.links[0].counterexample is not None
    doc = read_document(PREAMBLE + f"\n$${sample} = {sample} + 1$$\n")
    eq = doc.equations[-1]
    lhs, rhs = eq.reading.sides
    assert oracle.judge(lhs, lhs, eq.reading).kind in ("agree", "domain")
    assert oracle.judge(lhs, rhs, eq.reading).kind == "disagree"

"""The explainer's indexes: shapes filter rules without changing what they find, and a
document's length costs rules linearly (a recap adds no rules of its own)."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

from derive import rules as R
from derive.reading.document import read_document
from derive.reading.frontmatter import split_front_matter
from derive.reading.parser import parse_expression
from derive.reading.syntax import to_latex


def tree(src: str):
    return parse_expression(src)


@pytest.mark.parametrize("a, b, renamed", [
    ("y_k", "y_i", True),
    (r"t_k \log y_k", r"t_j \log y_j", True),
    (r"1\{k=i\} y_k", r"1\{j=l\} y_j", True),
    (r"\frac{\partial C}{\partial z_i}", r"\frac{\partial C}{\partial z_j}", True),
    (r"y_{k=i}", r"y_{j=l}", True),
    ("y_k", "z_k", False),
    (r"\sum_{k=1}^K t_k", r"\prod_{k=1}^K t_k", False),
    (r"\frac{\partial C}{\partial z_i}", r"\frac{\partial C}{\partial y_i}", False),
    (r"y_k (1 - y_i)", r"y_k (1 + y_i)", False),
    (r"1\{k=i\}", r"1\{k \neq i\}", False),
])
def test_one_shape_exactly_for_trees_that_match_up_to_renaming(a, b, renamed):
    ta, tb = tree(a), tree(b)
    # where the renaming exists, the filter lets it through; elsewhere it tells them apart
    assert (R._match(ta, tb) is not None) is renamed
    assert (R.shape(ta) == R.shape(tb)) is renamed


def test_shapes_hold_every_subtree():
    t = tree(r"\sum_{k=1}^K t_k \log y_k")
    assert R.shape(tree(r"\log y_j")) in R.shapes(t)
    assert R.shape(tree(r"\log z_j")) not in R.shapes(t)


def test_substitution_filtered_by_shape_still_substitutes():
    eq = R.Earlier(5, tree(r"\frac{\partial y_k}{\partial z_i}"), tree(r"y_k (1\{k=i\} - y_i)"),
                   ())
    rule = R.Substitution(eq)
    doc = read_document("$$y_k = z_k$$\n", "x.md")
    ctx = R.RuleContext(doc.env, {}, ())
    got = rule.apply(tree(r"\sum_{j=1}^K t_j \frac{\partial y_j}{\partial z_i}"), ctx)
    assert got is not None
    assert R.same(got, tree(r"\sum_{j=1}^K t_j y_j (1\{j=i\} - y_i)")), to_latex(got)
    assert rule.apply(tree(r"\sum_{j=1}^K t_j y_j"), ctx) is None


def _rule_count(text: str) -> int:
    from derive.engine.decide import EquationChecker
    from derive.engine.explain import Explainer
    from derive.engine.translate import Symbols

    doc = read_document(text, "post.md")
    symbols = Symbols.for_document(doc)
    claims = [eq for eq in doc.equations if eq.kind == "claim" and eq.reading]
    eq = claims[-1]
    return len(Explainer(EquationChecker(doc, eq, symbols, 0), doc, eq).rules)


def test_a_document_written_twice_has_no_more_rules_than_once():
    text = (EXAMPLES / "softmax-cross-entropy.md").read_text(encoding="utf-8")
    _, body_line = split_front_matter(text)
    body = "\n".join(text.split("\n")[body_line - 1:])
    once = _rule_count(text)
    twice = _rule_count(text + "\n\n" + body)
    assert once > 10 and twice == once, (once, twice)


def test_kinds_name_every_node_class_of_a_tree():
    from derive.reading.syntax import BigOp, Deriv, Frac, Indicator

    t = tree(r"\frac{\partial}{\partial z_i} \sum_{k=1}^K t_k 1\{k=i\}")
    assert {Deriv, BigOp, Indicator} <= R.kinds(t)
    assert Frac not in R.kinds(tree(r"\sum_{k=1}^K t_k"))


@pytest.mark.parametrize("rule, applies, idle", [
    (R.Cancellation("cancellation"), r"\frac{a}{b} b", r"a b"),
    (R.Expansion("expansion"), r"2 (b + c)", r"2 b c"),
    (R.Sifting("sifting"), r"\sum_{k=1}^K t_k 1\{k=i\}", r"\sum_{k=1}^K t_k"),
    (R.ConstantSum("constant sum"), r"\sum_{k=1}^K c", r"K c"),
])
def test_a_rule_skips_a_tree_without_what_it_rewrites(rule, applies, idle):
    doc = read_document("$$K = 3$$\n", "x.md")
    ctx = R.RuleContext(doc.env, {"i": (tree("1"), tree("K"))}, ())
    assert rule.apply(tree(applies), ctx) is not None
    assert rule.apply(tree(idle), ctx) is None
    assert rule.idle(tree(idle)) and not rule.idle(tree(applies))
    assert rule.attempt(tree(idle), ctx) is None

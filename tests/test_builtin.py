"""The built-in post: every link's verdict, rule, counterexample, chain and the JSON fields."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from conftest import link

PROVED = ["3.1", "4.1", "4.2", "5.1", "6.1", "6.2", "7.1", "7.4", "9.1", "9.2", "9.3", "9.4",
          "10.1", "10.2", "10.3", "10.4", "11.1"]
REFUTED = ["7.2", "7.3"]


def test_eleven_equations_with_the_posts_lines(post_report):
    eqs = post_report.equations
    assert [e.index for e in eqs] == list(range(1, 12))
    assert [e.line for e in eqs] == [18, 26, 34, 38, 42, 48, 52, 64, 72, 80, 87]
    assert [e.kind for e in eqs] == ["definition", "definition"] + ["claim"] * 5 + [
        "definition"] + ["claim"] * 3
    assert [len(e.links) for e in eqs] == [0, 0, 1, 2, 1, 2, 4, 0, 4, 4, 1]


@pytest.mark.parametrize("name", PROVED)
def test_true_links_are_proved_symbolically(post_report, name):
    eq, pos = map(int, name.split("."))
    lk = link(post_report, eq, pos)
    assert lk.verdict.value == "proved"
    assert lk.method == "symbolic"
    assert lk.counterexample is None


@pytest.mark.parametrize("name", REFUTED)
def test_wrong_links_are_refuted_with_a_counterexample(post_report, name):
    eq, pos = map(int, name.split("."))
    lk = link(post_report, eq, pos)
    assert lk.verdict.value == "refuted"
    cx = lk.counterexample
    assert cx is not None and abs(cx.lhs - cx.rhs) > 0.1


def test_link_7_2_counterexample_and_derived_form(post_report):
    lk = link(post_report, 7, 2)
    cx = lk.counterexample.to_json()
    assert cx["K"] == 2 and cx["i"] == 1 and cx["z"] == [0, 0] and cx["t"] == [1, 0]
    assert cx["lhs"] == pytest.approx(-0.5) and cx["rhs"] == pytest.approx(0.0)
    assert lk.rule == "expansion of the sum"
    assert lk.derived.replace(" ", "") == r"-\sum_{k=1}^Kt_k1\{k=i\}+\sum_{k=1}^Kt_ky_i"
    assert lk.suggestion == lk.derived
    assert "K" in lk.residual and r"\sum" in lk.residual


def test_link_7_3_says_what_sifting_gives(post_report):
    lk = link(post_report, 7, 3)
    assert lk.derived.replace(" ", "") == "-t_i+Ky_i"
    assert "K - 1" in lk.residual


def test_chain_7_is_conditional_on_an_unstated_sum_to_one(post_report):
    chain = next(e for e in post_report.equations if e.index == 7).chain
    assert chain.verdict.value == "conditional"
    assert [a.latex for a in chain.needs] == [r"\sum_{k=1}^{K} t_{k} = 1"]
    assert chain.needs[0].stated is False
    assert chain.counterexample is not None  # false for free targets


def test_other_chains_are_proved(post_report):
    for e in post_report.equations:
        if e.chain is not None and e.index != 7:
            assert e.chain.verdict.value == "proved", e.index


def test_appendix_keeps_its_own_size_J(post_report):
    eq8 = next(e for e in post_report.equations if e.index == 8)
    assert eq8.defines == "y" and any("redefined" in n for n in eq8.notes)
    eq9 = next(e for e in post_report.equations if e.index == 9)
    assert [c.latex for c in eq9.cases] == ["k = i"]
    eq10 = next(e for e in post_report.equations if e.index == 10)
    assert [c.latex for c in eq10.cases] == [r"k \neq i"]


RULES = {
    "3.1": "linearity of the derivative", "4.1": "chain rule", "4.2": "derivative of log",
    "6.1": "substitution of (5)", "6.2": "cancellation", "7.1": "substitution of (6)",
    "7.2": "expansion of the sum", "9.1": "quotient rule (case k = i)",
    "10.1": "quotient rule (case k ≠ i)", "11.1": "merging the cases (9) and (10)",
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_rules_of_the_builtin(post_report, name):
    eq, pos = map(int, name.split("."))
    assert link(post_report, eq, pos).rule.startswith(RULES[name])


def test_every_link_names_a_rule(post_report):
    assert all(lk.rule for lk in post_report.links)


def test_counts_ok_and_exit_code(post_report):
    assert post_report.counts == {"proved": 17, "refuted": 2, "conditional": 0, "unknown": 0}
    assert post_report.ok is False
    assert post_report.exit_code == 1


def test_json_fields(post_report):
    data = json.loads(post_report.to_json())
    assert data["schema"] == "derive.report/1"
    assert data["source"] == "softmax-cross-entropy"
    assert data["ok"] is False and data["seed"] == 0
    assert data["counts"]["proved"] == 17 and data["counts"]["refuted"] == 2
    eq7 = data["equations"][6]
    assert eq7["index"] == 7 and eq7["line"] == 52 and eq7["kind"] == "claim"
    l2 = eq7["links"][1]
    for key in ("position", "lhs", "rhs", "verdict", "method", "rule", "derived", "needs",
                "counterexample", "suggestion", "residual"):
        assert key in l2
    assert l2["position"] == 2 and l2["verdict"] == "refuted"
    assert l2["counterexample"]["K"] == 2
    assert eq7["chain"]["verdict"] == "conditional"
    assert eq7["chain"]["needs"] == [r"\sum_{k=1}^{K} t_{k} = 1"]
    assert data["equations"][0]["chain"] is None


def _exact_side(report, eq_index, side, cx):
    """Evaluate one side at a counterexample exactly (sympy, K fixed, sums expanded)."""
    from derive.app.registry import library_text
    from derive.engine.decide import EquationChecker
    from derive.engine.translate import Symbols
    from derive.reading.document import read_document

    doc = read_document(library_text("softmax-cross-entropy"), "softmax-cross-entropy")
    eq = doc.equations[eq_index - 1]
    syms = Symbols()
    ck = EquationChecker(doc, eq, syms, 0)
    expr = ck.ground(eq.reading.sides[side])
    K = cx["K"]
    expr = expr.xreplace({syms.size("K"): K, syms.index("i"): cx["i"]}).doit()
    values = {}
    for name in ("z", "t"):
        base = syms.family(name)
        for n, v in enumerate(cx[name], start=1):
            values[base[n]] = sp.Rational(str(v))
    return sp.nsimplify(expr.xreplace(values).doit())


@pytest.mark.parametrize("pos", [2, 3])
def test_counterexamples_really_separate_the_sides(post_report, pos):
    lk = link(post_report, 7, pos)
    cx = lk.counterexample.to_json()
    lhs = _exact_side(post_report, 7, pos - 1, cx)
    rhs = _exact_side(post_report, 7, pos, cx)
    assert lhs != rhs
    assert float(lhs) == pytest.approx(cx["lhs"]) and float(rhs) == pytest.approx(cx["rhs"])


CHAIN_7_RESIDUAL = "y_i·(Σ_{k=1}^{K} t_k − 1)"


def test_chain_7_residual_is_the_sum_of_its_links(post_report):
    # 7.2 leaves y_i (Σ t − K) and 7.3 leaves y_i (K − 1); the two proved links add nothing
    eq7 = next(e for e in post_report.equations if e.index == 7)
    assert [lk.residual_text for lk in eq7.links] == [
        None, "y_i·(−K + Σ_{k=1}^{K} t_k)", "y_i·(K − 1)", None]
    assert eq7.chain.residual_text == CHAIN_7_RESIDUAL


def _chain_7(monkeypatch, drop_link_residuals: bool):
    import derive
    from derive.engine import check as checker

    folded = []
    fold_back = checker._fold_back
    monkeypatch.setattr(checker, "_fold_back",
                        lambda ck, r: folded.append(r) or fold_back(ck, r))
    if drop_link_residuals:
        class Forgetful(dict):
            def __setitem__(self, key, value):  # as if no link's residual were known
                pass

        init = checker.EquationChecker.__init__

        def forgetful_init(self, *args, **kwargs):
            init(self, *args, **kwargs)
            self.link_residuals = Forgetful()

        monkeypatch.setattr(checker.EquationChecker, "__init__", forgetful_init)
    report = derive.check("softmax-cross-entropy")
    return next(e for e in report.equations if e.index == 7).chain, folded


def test_chain_residual_from_links_needs_no_folding_back(monkeypatch):
    chain, folded = _chain_7(monkeypatch, drop_link_residuals=False)
    assert chain.residual_text == CHAIN_7_RESIDUAL and folded == []


def test_chain_residual_folds_back_when_a_link_s_residual_is_unknown(monkeypatch):
    # the chain's own surface keeps ∂C/∂z_i; without its links' residuals the grounded
    # residual is folded back into the document's names: the same residual, by another road
    chain, folded = _chain_7(monkeypatch, drop_link_residuals=True)
    assert chain.residual_text == CHAIN_7_RESIDUAL and len(folded) == 1


# --------------------------------------------------------------------------- the post as data

def test_the_post_is_a_library_file_with_the_posts_lines_and_rules():
    from derive.app import registry
    from derive.reading.document import read_document

    text = registry.library_text("softmax-cross-entropy")
    assert "lyy1994" in text and "11 May 2016" in text  # the credit
    doc = read_document(text, "softmax-cross-entropy")
    assert not doc.errors
    assert [e.line for e in doc.equations] == [18, 26, 34, 38, 42, 48, 52, 64, 72, 80, 87]
    assert doc.title == ("Derivative of softmax under Cross-Entropy Error function "
                         "(2016 blog post, as published)")
    assert doc.equations[6].rules == {1: "substitution of (6)", 2: "expansion of the sum",
                                      3: "indicator sifting and sum of a constant",
                                      4: "algebra"}


def test_derive_list_shows_the_post_first_with_its_title():
    from derive.app import registry

    first = registry.builtins()[0]
    assert first.name == "softmax-cross-entropy" and first.title.startswith("Derivative of")
    rest = [b.name for b in registry.builtins()[1:]]
    assert rest == sorted(rest) and len(rest) >= 7


BAD_BUILTIN = [
    ("builtin: [1, 2]", "'derive.builtin' must be a mapping"),
    ("builtin: {extra: 1}", "'derive.builtin' must be a mapping"),
    ("builtin: {lines: 3}", "'derive.builtin.lines' must be a list"),
    ("builtin: {lines: [3, x]}", "must be a whole number"),
    ("builtin: {lines: [3, 0]}", "must be a whole number"),
    ("builtin: {lines: [5, 3]}", "'derive.builtin.lines' must increase"),
    ("builtin: {rules: [1]}", "'derive.builtin.rules' must map"),
    ("builtin: {rules: {one: {1: a}}}", "must be a whole number"),
    ("builtin: {rules: {1: rule}}", "'derive.builtin.rules.1' must map"),
    ("builtin: {rules: {1: {1: ''}}}", "'derive.builtin.rules.1.1' must be a rule's name"),
]


@pytest.mark.parametrize("yaml,message", BAD_BUILTIN)
def test_derive_builtin_is_validated(yaml, message):
    from derive.reading.document import read_document

    doc = read_document(f"---\nderive:\n  {yaml}\n---\n\n$$a = a$$\n", "x.md")
    assert [e.message for e in doc.errors if message in e.message], doc.errors
    assert doc.errors[0].line == 3  # the line of the key, in the document


def test_lines_for_another_number_of_equations_are_an_error():
    from derive.reading.document import read_document

    doc = read_document("---\nderive:\n  builtin: {lines: [7]}\n---\n\n$$a = a$$\n\n$$b = b$$\n")
    assert any("1 line number(s) for 2 equation(s)" in e.message for e in doc.errors)
    assert [e.line for e in doc.equations] == [7, 8]  # the rest keep their own lines

"""Unknown scalar functions of whole vectors: l(\\mathbf{o}, y), L(\\hat{\\boldsymbol\\beta}).

An undefined function applied to whole vectors is an opaque scalar that depends on every
entry, for every size; its partial derivative by an entry is a value of its own. True steps
(d2l's chain through J = L + s, the sum rule, the chain rule through a linear layer) are
proved; wrong ones (j for k, another function, a dropped factor) are never proved."""

from __future__ import annotations

import pytest
import sympy as sp

import derive
from derive.engine import vector_functions as vf
from derive.engine.translate import differentiate

D2L = (r"$$L = l(\mathbf{o}, y)$$" "\n\n"
       r"$$J = L + s$$" "\n\n")
LAYER = (r"$$\mathbf{o} = \mathbf{W} \mathbf{h}$$" "\n\n"
         r"$$L = l(\mathbf{o}, y)$$" "\n\n")


def _eqs(text: str):
    return derive.check_text(text, jobs=1).equations


def _verdicts(text: str) -> list[str]:
    return [e.kind if e.kind == "error" else " ".join(link.verdict.value for link in e.links)
            for e in _eqs(text)]


def _last(text: str) -> str:
    return _verdicts(text)[-1]


# -- true steps, proved

def test_the_d2l_chain_through_a_defined_scalar():
    # (d2l writes the middle side prod(∂J/∂L, ∂L/∂o): refused, see below)
    text = D2L + (r"$$\frac{\partial J}{\partial \mathbf{o}} = \frac{\partial J}{\partial L} "
                  r"\frac{\partial L}{\partial \mathbf{o}} = "
                  r"\frac{\partial L}{\partial \mathbf{o}}$$")
    eqs = _eqs(text)
    assert [link.verdict.value for link in eqs[-1].links] == ["proved", "proved"]
    assert any("unknown scalar function of every entry of 𝐨" in n for n in eqs[0].notes)


def test_the_derivative_of_an_unknown_function_of_a_vector_equals_itself():
    assert _last(r"$$\frac{\partial}{\partial \mathbf{w}} l(\mathbf{w}) = "
                 r"\frac{\partial l(\mathbf{w})}{\partial \mathbf{w}}$$") == "proved"
    assert _last(r"$$\nabla_{\mathbf{w}} l(\mathbf{w}) = "
                 r"\frac{\partial l(\mathbf{w})}{\partial \mathbf{w}}$$") == "proved"


def test_the_sum_rule():
    assert _last(r"$$\frac{\partial}{\partial \mathbf{w}} (l(\mathbf{w}) + 3 g(\mathbf{w})) = "
                 r"\frac{\partial l(\mathbf{w})}{\partial \mathbf{w}} + "
                 r"3 \frac{\partial g(\mathbf{w})}{\partial \mathbf{w}}$$") == "proved"


def test_the_chain_rule_through_a_linear_layer():
    assert _last(LAYER + r"$$\frac{\partial L}{\partial \mathbf{h}} = \mathbf{W}^\top "
                         r"\frac{\partial L}{\partial \mathbf{o}}$$") == "proved"
    assert _last(LAYER + r"$$\frac{\partial L}{\partial \mathbf{W}} = "
                         r"\frac{\partial L}{\partial \mathbf{o}} \mathbf{h}^\top$$") == "proved"
    assert _last(LAYER + r"$$\frac{\partial L}{\partial h_j} = \sum_k "
                         r"\frac{\partial L}{\partial o_k} W_{kj}$$") == "proved"


def test_a_scalar_argument_and_a_vector_it_does_not_depend_on():
    assert _last(D2L + r"$$\frac{\partial L}{\partial y} = "
                       r"\frac{\partial l(\mathbf{o}, y)}{\partial y}$$") == "proved"
    assert _last(D2L + r"$$\frac{\partial L}{\partial u_j} = 0$$") == "proved"
    assert _last(D2L + r"$$\frac{\partial L}{\partial s} = 0$$") == "proved"


def test_a_chain_rule_through_a_scalar_function_of_the_value():
    # (where the log is defined: l(w) > 0, an assumption derive names)
    assert _last(r"$$M = \log(l(\mathbf{w}))$$" "\n\n"
                 r"$$\frac{\partial M}{\partial \mathbf{w}} = \frac{1}{l(\mathbf{w})} "
                 r"\frac{\partial l(\mathbf{w})}{\partial \mathbf{w}}$$") in ("proved",
                                                                              "conditional")
    assert _last(r"$$M = \sin(l(\mathbf{w}))$$" "\n\n"
                 r"$$\frac{\partial M}{\partial \mathbf{w}} = \cos(l(\mathbf{w})) "
                 r"\frac{\partial l(\mathbf{w})}{\partial \mathbf{w}}$$") == "proved"


# -- false variants, never proved

@pytest.mark.parametrize("claim", [
    r"$$\frac{\partial J}{\partial o_j} = \frac{\partial L}{\partial o_k}$$",  # j for k
    r"$$\frac{\partial J}{\partial \mathbf{o}} = 2 \frac{\partial L}{\partial \mathbf{o}}$$",
    r"$$\frac{\partial J}{\partial \mathbf{o}} = "
    r"\frac{\partial g(\mathbf{o}, y)}{\partial \mathbf{o}}$$",  # another function
    r"$$\frac{\partial J}{\partial \mathbf{o}} = "
    r"\frac{\partial l(\mathbf{u}, y)}{\partial \mathbf{u}}$$",  # another vector
    r"$$\frac{\partial J}{\partial \mathbf{o}} = "
    r"\frac{\partial l(\mathbf{o}, z)}{\partial \mathbf{o}}$$",  # another scalar argument
    r"$$\frac{\partial J}{\partial o_j} = 0$$",
    r"$$\frac{\partial J}{\partial y} = 0$$",
    r"$$L = l(\mathbf{o}, s)$$",
])
def test_wrong_steps_after_the_d2l_definitions_are_never_proved(claim):
    assert _last(D2L + claim) in ("unknown", "refuted")


@pytest.mark.parametrize("claim", [
    r"$$\frac{\partial L}{\partial \mathbf{h}} = \frac{\partial L}{\partial \mathbf{o}}$$",
    r"$$\frac{\partial L}{\partial h_j} = \sum_k \frac{\partial L}{\partial o_k} W_{jk}$$",
    r"$$\frac{\partial L}{\partial h_j} = \frac{\partial L}{\partial o_j} W_{jj}$$",
    r"$$\frac{\partial L}{\partial h_j} = \sum_k W_{kj}$$",  # the factor ∂L/∂o_k dropped
    r"$$\frac{\partial L}{\partial h_j} = 0$$",
    r"$$\frac{\partial L}{\partial \mathbf{W}} = \mathbf{h} "
    r"\frac{\partial L}{\partial \mathbf{o}}^\top$$",
])
def test_wrong_chain_rules_through_a_layer_are_never_proved(claim):
    assert _last(LAYER + claim) in ("unknown", "refuted", "error")


def test_swapped_arguments_are_another_value():
    # (written first, l(…) = … would define l: the claims start with 0 +)
    assert _last(r"$$0 + l(\mathbf{u}, \mathbf{v}) = l(\mathbf{v}, \mathbf{u})$$") in (
        "unknown", "refuted")
    assert _last(r"$$0 + l(\mathbf{u}) = g(\mathbf{u})$$") in ("unknown", "refuted")
    assert _last(r"$$0 + l(\mathbf{u}) = l(\mathbf{u})$$") == "proved"


# -- what stays refused, and what is read as before

def test_a_function_the_document_defines_of_a_vector_is_read_only_at_its_parameters():
    # (tests/test_defined_vector_functions.py has the rest)
    eq, other = _eqs(r"$$s(\mathbf{x}) = \mathbf{x}^\top \mathbf{x}$$" "\n\n"
                     r"$$a = s(\mathbf{y})$$")
    assert eq.kind == "definition"
    assert other.kind == "error" and "to other arguments" in other.error.message


def test_entrywise_functions_of_a_vector_are_not_scalars():
    for text in (r"$$a = \sigma(\mathbf{z})$$",
                 r"$$a = \operatorname{softmax}(\mathbf{z})$$",
                 r"$$a = \phi(\mathbf{z})$$"):
        assert _verdicts(text) == ["error"]


def test_a_function_of_one_scalar_acts_on_each_entry_of_a_vector():
    # σ, φ undefined: at each entry is an assumption (σ may be softmax); a proof rests on it,
    # through the definition too
    text = r"$$\mathbf{h} = \phi(\mathbf{z})$$" "\n\n"
    eqs = _eqs(text + r"$$\frac{\partial h_k}{\partial z_j} = \phi'(z_k) \delta_{kj}$$")
    assert eqs[0].kind == "definition"
    assert [lk.verdict.value for lk in eqs[-1].links] == ["conditional"]
    assert "φ applied to each entry" in eqs[-1].links[0].needs[0].text
    # ∂h_1/∂z_2 = 0 holds at each entry only: never proved outright
    eq = _eqs(text + r"$$\frac{\partial h_1}{\partial z_2} = 0$$")[-1]
    assert [lk.verdict.value for lk in eq.links] != ["proved"]
    # a function the document defines of one scalar is at each entry, with no assumption
    text = (r"$$s(u) = \frac{1}{1 + e^{-u}}$$" "\n\n" r"$$\mathbf{h} = s(\mathbf{z})$$" "\n\n")
    assert [lk.verdict.value for lk in _eqs(text + r"$$h_1 = \frac{1}{1 + e^{-z_1}}$$")[-1]
            .links] == ["proved"]
    assert [lk.verdict.value for lk in _eqs(text + r"$$h_1 = \frac{1}{1 + e^{-z_2}}$$")[-1]
            .links] == ["refuted"]


def test_a_name_also_written_alone_is_no_unknown_function():
    assert _verdicts(r"$$a = 2$$" "\n\n" r"$$b = a(\mathbf{x})$$")[-1] == "error"


def test_only_a_vector_by_its_name_is_a_whole_argument():
    (eq,) = _eqs(r"$$L = l(\mathbf{W}\mathbf{h})$$")
    assert eq.kind == "error" and "written by its name" in eq.error.message


def test_prod_is_the_product_whose_sizes_agree_and_a_proof_needs_that_reading():
    # which product d2l's prod is, is said in prose only: a step proved with it read as the
    # product whose sizes agree is conditional on that reading, never proved
    text = D2L + (r"$$\frac{\partial J}{\partial \mathbf{o}} = \text{prod}\left("
                  r"\frac{\partial J}{\partial L}, \frac{\partial L}{\partial \mathbf{o}}\right)"
                  r" = \frac{\partial L}{\partial \mathbf{o}}$$")
    eq = _eqs(text)[-1]
    assert [lk.verdict.value for lk in eq.links] == ["conditional", "conditional"]
    assert "prod(∂J/∂L, ∂L/∂𝐨) is ∂J/∂L · ∂L/∂𝐨" in eq.links[0].needs[0].text
    wrong = _eqs(text.replace(r"= \frac{\partial L}{\partial \mathbf{o}}$$",
                              r"= 2 \frac{\partial L}{\partial \mathbf{o}}$$"))[-1]
    assert [lk.verdict.value for lk in wrong.links] == ["conditional", "refuted"]


def test_prod_of_a_gradient_and_a_jacobian_is_the_transposed_jacobian_times_it():
    text = (r"$$\mathbf{o} = \mathbf{W} \mathbf{h}$$" "\n\n" r"$$J = l(\mathbf{o}, y)$$" "\n\n"
            r"$$\frac{\partial J}{\partial \mathbf{h}} = \textrm{prod}\left(\frac{\partial J}"
            r"{\partial \mathbf{o}}, \frac{\partial \mathbf{o}}{\partial \mathbf{h}}\right) = ")
    right = _eqs(text + r"\mathbf{W}^\top \frac{\partial J}{\partial \mathbf{o}}$$")[-1]
    assert [lk.verdict.value for lk in right.links] == ["conditional", "conditional"]
    assert "is (∂𝐨/∂𝐡)^T ∂J/∂𝐨" in right.notes[-1] or any(
        "is (∂𝐨/∂𝐡)^T ∂J/∂𝐨" in n for n in right.notes)
    wrong = _eqs(text + r"\mathbf{W}^\top \frac{\partial J}{\partial \mathbf{o}} + "
                 r"\mathbf{h}$$")[-1]
    assert [lk.verdict.value for lk in wrong.links] == ["conditional", "refuted"]


def test_prod_is_refused_where_no_one_product_has_sizes_known_to_agree():
    for text in (r"$$a = \text{prod}(\mathbf{v}, \mathbf{w})$$",
                 r"$$\mathbf{u} = \textrm{prod}(\mathbf{v}, \mathbf{w}, \mathbf{x})$$"):
        eq = _eqs(text)[-1]
        assert eq.kind == "error" and "write the product itself" in eq.error.message


# -- the sympy objects themselves

def test_partials_by_different_entries_or_arguments_are_different_values():
    o, u = sp.IndexedBase("o", real=True), sp.IndexedBase("u", real=True)
    n = sp.Symbol("n", integer=True, positive=True)
    j, k = sp.symbols("j k", integer=True)
    y = sp.Symbol("y", real=True)
    app = vf.apply("l/2", [vf.whole(o, sp.Integer(1), n), y])
    assert differentiate(app, o[j]) == vf.Partial(app, 1, j)
    assert differentiate(app, o[j]) != differentiate(app, o[k])
    assert differentiate(app, u[j]) == 0
    assert differentiate(app, y) == vf.Partial(app, 2)
    other = vf.apply("g/2", [vf.whole(o, sp.Integer(1), n), y])
    assert differentiate(other, o[j]) != differentiate(app, o[j])


def test_numbers_decline_an_unknown_function_of_a_vector():
    from derive.engine import numeric

    o = sp.IndexedBase("o", real=True)
    n = sp.Symbol("n", integer=True, positive=True)
    app = vf.apply("l/1", [vf.whole(o, sp.Integer(1), n)])
    point = numeric.Point({n: 2}, {}, {o: [0, 1, 2]}, {}, "free")
    with pytest.raises(numeric.CannotEvaluate):
        numeric.Evaluator(point, 30).ev(app)


# -- derivatives of derivatives, and definitions out of order

def test_a_derivative_of_a_partial_takes_the_chain_rule_again():
    text = r"$$h_i = \sigma(z_i)$$" "\n\n" + LAYER
    assert _last(text + r"$$\frac{\partial}{\partial \mathbf{h}} \frac{\partial L}{\partial o_k} "
                        r"= \mathbf{W}^\top \frac{\partial}{\partial \mathbf{o}} "
                        r"\frac{\partial L}{\partial o_k}$$") == "proved"
    assert _last(text + r"$$\frac{\partial}{\partial h_j} \frac{\partial L}{\partial o_k} = 0$$"
                 ) in ("unknown", "refuted")


def test_an_inner_derivative_unfolds_with_the_outer_variable_held():
    # ∂L/∂o_k = 2 o_k, and o_k = Σ_b W_kb h_b: its derivative by h_j is 2 W_kj, never 0
    # (unfolding o past h's own definition once made it 0, and proved it)
    text = (r"$$h_i = z_i^2$$" "\n\n" r"$$o_i = \sum_{b=1}^{n} W_{ib} h_b$$" "\n\n"
            r"$$L = \sum_{k=1}^{K} o_k^2$$" "\n\n")
    assert _last(text + r"$$\frac{\partial}{\partial h_j} \frac{\partial L}{\partial o_k} = 0$$"
                 ) != "proved"
    assert _last(text + r"$$\frac{\partial}{\partial h_j} \frac{\partial L}{\partial o_k} = "
                        r"2 W_{kj}$$") == "proved"


def test_a_vector_defined_after_the_function_of_it_leaves_the_link_unknown():
    text = (r"$$L = l(\mathbf{o}, y)$$" "\n\n" r"$$\mathbf{o} = \mathbf{W} \mathbf{h}$$" "\n\n"
            r"$$\frac{\partial L}{\partial h_j} = 0$$")
    assert _last(text) == "unknown"


def test_the_second_partials_are_not_assumed_symmetric_but_never_wrong():
    assert _last(D2L + r"$$\frac{\partial^2 L}{\partial o_m \partial o_k} = "
                       r"\frac{\partial^2 L}{\partial o_k \partial o_m}$$") != "refuted"


def test_a_wrong_step_names_a_function_for_which_it_fails_and_is_refuted():
    (link,) = _eqs(D2L + r"$$\frac{\partial J}{\partial \mathbf{o}} = "
                         r"2 \frac{\partial L}{\partial \mathbf{o}}$$")[-1].links
    assert link.verdict.value == "refuted"
    assert "not true for every function" in link.reason
    assert "l(o, u2) = exp(" in link.counterexample.functions


def test_the_stand_in_partials_are_the_partials_of_the_stand_in():
    o = sp.IndexedBase("o", real=True)
    n = sp.Symbol("n", integer=True, positive=True)
    y = sp.Symbol("y", real=True)
    app = vf.apply("l/2", [vf.whole(o, sp.Integer(1), n), y])
    names: dict = {}
    at = {n: 2, o[1]: sp.Rational(1, 3), o[2]: sp.Rational(-1, 2), y: sp.Rational(1, 4)}

    def value(e):
        return vf.with_stand_ins(e, names).subs(n, 2).doit().subs(at)

    f = vf.with_stand_ins(app, names).subs(n, 2).doit()
    for d, by in ((vf.Partial(app, 1, 2), (o[2],)), (vf.Partial(app, 2), (y,)),
                  (vf.Partial(vf.Partial(app, 2), 2), (y, y)),
                  (vf.Partial(vf.Partial(app, 1, 1), 2), (o[1], y))):
        expected = f
        for v in by:
            expected = sp.diff(expected, v)
        assert sp.simplify(value(d) - expected.subs(at)) == 0
    assert value(vf.Partial(app, 1, 3)) == 0  # an entry o does not have


def test_a_function_whose_definition_could_not_be_read_is_not_arbitrary():
    # f(x) = x w … was written: f depends on w, so ∂f(x)/∂w = 0 must not be proved
    for text in (r"$$f(x) = x w \ldots$$" "\n\n" r"$$\frac{\partial f(x)}{\partial w} = 0$$",
                 r"$$l(\mathbf{o}) = \sum_k o_k w \ldots$$" "\n\n"
                 r"$$\frac{\partial l(\mathbf{o})}{\partial w} = 0$$"):
        (link,) = _eqs(text)[-1].links
        assert link.verdict.value == "unknown" and "could not be read" in link.reason


def test_prod_in_a_definition_is_refused():
    # its assumed meaning would reach every use of the name, unconditionally
    eq = _eqs(r"$$\mathbf{u} = \textrm{prod}\left(a, \mathbf{v}\right)$$" "\n\n"
              r"$$\mathbf{u} = a \mathbf{v}$$")[0]
    assert eq.kind == "error" and "write the product itself" in eq.error.message
    text = (r"$$\mathbf{o} = \mathbf{W} \mathbf{h}$$" "\n\n" r"$$J = l(\mathbf{o}, y)$$" "\n\n"
            r"$$\mathbf{g} = \textrm{prod}\left(\frac{\partial J}{\partial \mathbf{o}}, "
            r"\frac{\partial \mathbf{o}}{\partial \mathbf{h}}\right)$$")
    eq = _eqs(text)[-1]
    assert eq.kind == "error" and "in a definition" in eq.error.message


def test_prod_through_a_vector_by_a_matrix_is_the_matrix_of_the_chain_rule():
    # d2l: ∂J/∂W = prod(∂J/∂o, ∂o/∂W) = ∂J/∂o h^T, the tensor ∂o/∂W never formed
    text = (r"$$\mathbf{o} = \mathbf{W} \mathbf{h}$$" "\n\n" r"$$J = l(\mathbf{o}, y)$$" "\n\n"
            r"$$\frac{\partial J}{\partial \mathbf{W}} = \textrm{prod}\left(\frac{\partial J}"
            r"{\partial \mathbf{o}}, \frac{\partial \mathbf{o}}{\partial \mathbf{W}}\right) = ")
    right = _eqs(text + r"\frac{\partial J}{\partial \mathbf{o}} \mathbf{h}^\top$$")[-1]
    assert [lk.verdict.value for lk in right.links] == ["conditional", "conditional"]
    wrong = _eqs(text + r"2 \frac{\partial J}{\partial \mathbf{o}} \mathbf{h}^\top$$")[-1]
    assert [lk.verdict.value for lk in wrong.links] == ["conditional", "refuted"]


def test_a_reading_counts_for_a_link_only_where_a_derivative_goes_through_it():
    # h = φ(z) (φ at each entry: assumed) is carried inside l(o) for the chain rule; ∂J/∂s
    # never differentiates through it, so it rests on no assumption; ∂J/∂z does
    text = (r"$$\mathbf{h} = \phi(\mathbf{z})$$" "\n\n" r"$$\mathbf{o} = \mathbf{W} \mathbf{h}$$"
            "\n\n" r"$$J = l(\mathbf{o}, y) + s$$" "\n\n")
    eq = _eqs(text + r"$$\frac{\partial J}{\partial s} = 1$$")[-1]
    assert [lk.verdict.value for lk in eq.links] == ["proved"]
    # (∂J/∂h = W^T ∂J/∂o is conditional too: h, held, is unfolded inside o's carried entries
    # after the derivative, which counts h's reading; more than needed, never less)
    eq = _eqs(text + r"$$\frac{\partial J}{\partial \mathbf{z}} = \phi'(\mathbf{z}) \odot "
              r"(\mathbf{W}^\top \frac{\partial J}{\partial \mathbf{o}})$$")[-1]
    verdicts = [lk.verdict.value for lk in eq.links]
    assert verdicts == ["conditional"], verdicts
    assert any("φ applied to each entry" in a.text for a in eq.links[0].needs)

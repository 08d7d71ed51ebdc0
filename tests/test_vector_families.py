"""Families of vectors and matrices: bold names with an index (derive/reading/families.py).

``\\mathbf{x}_n`` and ``\\mathbf{x}^{(i)}`` are members of a family whose entries are the
two-index entries x_{na} (the sample index first), the same as the entries an author writes;
``\\mathbf{W}^{(1)}`` is a layer, a matrix of its own shape. Each true step is proved, each
wrong variant refuted or refused with a message saying how to write it; never a false proof."""

from __future__ import annotations

import pytest

import derive
from derive.reading.document import read_document
from derive.reading.syntax import to_text


def _eqs(text: str):
    return derive.check_text(text, jobs=1).equations


def _verdicts(text: str) -> list[str]:
    return [e.kind if e.kind == "error" else " ".join(link.verdict.value for link in e.links)
            for e in _eqs(text)]


def _error(text: str) -> str:
    errors = [e for e in _eqs(text) if e.kind == "error"]
    assert errors, "expected a refusal"
    return errors[0].error.message


LEAST_SQUARES = (r"\frac{\partial}{\partial \mathbf{w}} \sum_{n=1}^N "
                 r"(\mathbf{x}_n^\top \mathbf{w} - y_n)^2")
TWO_LAYERS = (r"$$\mathbf{h} = \mathbf{W}^{(1)}\mathbf{x}$$" "\n\n"
              r"$$\mathbf{o} = \mathbf{W}^{(2)}\mathbf{h}$$" "\n\n")


# -- the entries of a member are the entries the author writes

def test_a_member_of_a_family_lowers_to_two_index_entries_sample_first():
    doc = read_document(r"$$\mathbf{z}_n = \mathbf{W}\mathbf{x}_n$$")
    (eq,) = doc.equations
    lhs, rhs = (to_text(s) for s in eq.sides)
    assert lhs.startswith("z_{n") and "x_{n" in rhs and "W_{" in rhs and "Σ" in rhs


def test_an_inner_product_with_a_member_is_the_written_sum():
    assert _verdicts(r"$$\mathbf{x}_n^\top \mathbf{w} = \sum_d x_{nd} w_d$$") == ["proved"]


def test_the_wrong_member_or_entry_order_is_refuted():
    assert _verdicts(r"$$\mathbf{x}_n^\top \mathbf{w} = \sum_d x_{md} w_d$$") == ["refuted"]
    assert _verdicts(r"$$\mathbf{x}_n^\top \mathbf{w} = \sum_d x_{dn} w_d$$") == ["refuted"]


def test_every_member_has_the_same_size():
    assert _verdicts(r"$$\mathbf{x}_n^\top \mathbf{x}_m = \sum_d x_{nd} x_{md}$$") == ["proved"]


def test_a_definition_of_the_members_and_claims_about_them():
    text = (r"$$\mathbf{z}_n = \mathbf{W}\mathbf{x}_n$$" "\n\n"
            r"$$\mathbf{z}_n^\top \mathbf{v} = \sum_a \sum_b v_a W_{ab} x_{nb}$$" "\n\n"
            r"$$\mathbf{z}_n^\top \mathbf{v} = \sum_a \sum_b v_a W_{ba} x_{nb}$$" "\n\n"
            r"$$\mathbf{z}_n = \mathbf{W}\mathbf{x}_m$$")
    assert _verdicts(text)[1:] == ["proved", "refuted", "refuted"]


def test_a_sample_superscript_is_a_family_of_its_own_with_the_written_entries():
    text = (r"$$\sum_{i=1}^{m} (\mathbf{w}^\top \mathbf{x}^{(i)})^2 = "
            r"\sum_{i=1}^m \left(\sum_j w_j x^{(i)}_j\right)^2$$" "\n\n"
            r"$$\sum_{i=1}^{m} (\mathbf{w}^\top \mathbf{x}^{(i)})^2 = "
            r"\sum_{i=1}^m \left(\sum_j w_j x^{(1)}_j\right)^2$$")
    assert _verdicts(text) == ["proved", "refuted"]


def test_a_sample_index_that_is_no_index_stays_refused():
    assert "ambiguous" in _error(r"$$b = \mathbf{w}^T\mathbf{x}^{(i)}$$")


# -- sums of vectors and gradients

def test_a_sum_over_the_family_of_vector_terms_is_a_vector():
    text = (r"$$\sum_{n=1}^N (y_n - p_n)\mathbf{x}_n = "
            r"\sum_{n=1}^N y_n \mathbf{x}_n - \sum_{n=1}^N p_n \mathbf{x}_n$$" "\n\n"
            r"$$\sum_{n=1}^N (y_n - p_n)\mathbf{x}_n = "
            r"\sum_{n=1}^N y_n \mathbf{x}_n + \sum_{n=1}^N p_n \mathbf{x}_n$$")
    eqs = _eqs(text)
    assert _verdicts(text) == ["proved", "refuted"]
    assert any("vector" in n and "entry by entry" in n for n in eqs[0].notes)


def test_least_squares_gradient_over_the_samples():
    right = r"\sum_{n=1}^N 2(\mathbf{x}_n^\top \mathbf{w} - y_n)\mathbf{x}_n"
    wrong = [r"\sum_{n=1}^N (\mathbf{x}_n^\top \mathbf{w} - y_n)\mathbf{x}_n",  # no 2
             r"\sum_{n=1}^N 2(\mathbf{x}_n^\top \mathbf{w} - y_n)\mathbf{w}",  # w for x_n
             r"\sum_{n=1}^N 2(\mathbf{x}_n^\top \mathbf{w} + y_n)\mathbf{x}_n"]  # a sign
    text = "\n\n".join(f"$${LEAST_SQUARES} = {rhs}$$" for rhs in [right, *wrong])
    assert _verdicts(text) == ["proved", "refuted", "refuted", "refuted"]


def test_the_gradient_by_a_member_is_by_its_entries():
    text = (r"$$\frac{\partial}{\partial \mathbf{x}_n} \mathbf{x}_n^\top \mathbf{w} = "
            r"\mathbf{w}$$" "\n\n"
            r"$$\frac{\partial}{\partial \mathbf{x}_m} \mathbf{x}_n^\top \mathbf{w} = "
            r"\mathbf{w}$$")
    assert _verdicts(text) == ["proved", "refuted"]


def test_a_missing_transpose_is_a_shape_error_naming_both_shapes():
    message = _error(r"$$a = \mathbf{x}_n \mathbf{w}$$")
    assert "cannot multiply a vector of |x| by a vector of |w|" in message


def test_a_member_and_a_vector_of_another_size_do_not_multiply():
    text = (r"$$\mathbf{z}_n = \mathbf{W}\mathbf{x}_n$$" "\n\n"
            r"$$\mathbf{x}_n^\top \mathbf{z}_n = 0$$")
    message = _error(text)
    assert "cannot multiply" in message and "not known to be equal" in message


# -- layers: \mathbf{W}^{(1)} and \mathbf{W}^{(2)} are two matrices

def test_a_two_layer_chain():
    text = TWO_LAYERS + (
        r"$$\mathbf{o} = \mathbf{W}^{(2)}(\mathbf{W}^{(1)}\mathbf{x})$$" "\n\n"
        r"$$\frac{\partial \mathbf{o}}{\partial \mathbf{h}} = \mathbf{W}^{(2)}$$" "\n\n"
        r"$$\frac{\partial \mathbf{o}}{\partial \mathbf{x}} = \mathbf{W}^{(2)}\mathbf{W}^{(1)}$$"
        "\n\n"
        r"$$\frac{\partial \mathbf{o}}{\partial \mathbf{x}} = "
        r"\mathbf{W}^{(2)}\mathbf{W}^{(2)}$$")
    verdicts = _verdicts(text)
    assert verdicts[2:5] == ["proved", "proved", "proved"]
    assert verdicts[5] in ("error", "refuted")


def test_a_product_of_layers_and_a_vector_nests_its_sums_from_the_right():
    text = TWO_LAYERS + r"$$\mathbf{o} = \mathbf{W}^{(2)}\mathbf{W}^{(1)}\mathbf{x}$$"
    assert _verdicts(text)[2] == "proved"


def test_swapped_layers_are_a_shape_error():
    message = _error(TWO_LAYERS + r"$$\mathbf{o} = \mathbf{W}^{(1)}\mathbf{W}^{(2)}\mathbf{x}$$")
    assert "cannot multiply" in message and "W^(1)" in message and "W^(2)" in message


def test_the_entries_of_a_layer_are_the_written_entries():
    text = (r"$$\mathbf{h} = \mathbf{W}^{(1)}\mathbf{x}$$" "\n\n"
            r"$$h_a = \sum_{b} W^{(1)}_{ab} x_b$$")
    first, second = read_document(text).equations
    assert "name='W^{(1)}'" in str(first.sides[1]) and "name='W^{(1)}'" in str(second.sides[1])
    text = ("---\nderive:\n  shapes:\n    u: [m]\n    v: [n]\n---\n"
            r"$$\mathbf{u}^\top\mathbf{W}^{(1)}\mathbf{v} = "
            r"\sum_{a=1}^m \sum_{b=1}^n u_a W^{(1)}_{ab} v_b$$" "\n\n"
            r"$$\mathbf{u}^\top\mathbf{W}^{(1)}\mathbf{v} = "
            r"\sum_{a=1}^m \sum_{b=1}^n u_a W^{(2)}_{ab} v_b$$")
    assert _verdicts(text) == ["proved", "refuted"]


def test_two_layers_never_share_an_entry():
    text = (r"$$\frac{\partial (\mathbf{u}^\top \mathbf{W}^{(2)} \mathbf{v})}"
            r"{\partial \mathbf{W}^{(2)}} = \mathbf{u}\mathbf{v}^\top$$" "\n\n"
            r"$$\frac{\partial (\mathbf{u}^\top \mathbf{W}^{(2)} \mathbf{v})}"
            r"{\partial \mathbf{W}^{(1)}} = \mathbf{u}\mathbf{v}^\top$$")
    assert _verdicts(text) == ["proved", "refuted"]


def test_a_layer_bias_vector():
    text = (r"$$\mathbf{h} = \mathbf{W}^{(1)}\mathbf{x} + \mathbf{b}^{(1)}$$" "\n\n"
            r"$$\frac{\partial (\mathbf{v}^\top\mathbf{h})}{\partial \mathbf{b}^{(1)}} = "
            r"\mathbf{v}$$" "\n\n"
            r"$$\frac{\partial (\mathbf{v}^\top\mathbf{h})}{\partial \mathbf{b}^{(1)}} = "
            r"\mathbf{W}^{(1)}\mathbf{v}$$")
    verdicts = _verdicts(text)
    assert verdicts[1] == "proved" and verdicts[2] in ("error", "refuted")


# -- what could be read two ways is refused, saying how to write it

@pytest.mark.parametrize("text, words", [
    ("$$a = \\sum_n x_n$$\n\n$$b = \\mathbf{x}_n^\\top\\mathbf{w}$$", "one index"),
    ("$$a = \\mathbf{x}^\\top\\mathbf{w}$$\n\n$$b = \\mathbf{x}_n^\\top\\mathbf{w}$$",
     "both \\mathbf{x} and \\mathbf{x}_n"),
    ("$$a = \\mathbf{x}_1^\\top\\mathbf{w}$$\n\n$$b = \\mathbf{x}_n^\\top\\mathbf{w}$$",
     "member 1 of the family"),
    (r"$$a = \mathbf{x}^n$$", "a power or an index"),
    (r"$$a = \mathbf{x}_1^\top \mathbf{w}$$", "a number below a bold name"),
    (r"$$\mathbf{z} = \mathbf{W}_l \mathbf{x}$$", "a family of matrices"),
    (r"$$a = \mathbf{x}_{nd}$$", "two indices"),
    (r"$$a = \mathbf{x}_{n+1}^\top \mathbf{w}$$", "one letter"),
    ("$$a = \\sum_{i=1}^m \\mathbf{w}^\\top\\mathbf{x}^{(i)}$$\n\n"
     "$$b = \\mathbf{w}^\\top\\mathbf{x}^{(1)}$$", "member 1 of the family"),
])
def test_ambiguous_forms_are_refused(text, words):
    assert words in _error(text)


def test_a_plain_family_beside_a_bold_one_is_refused_in_vector_equations_only():
    text = ("$$c = \\sum_{n=1}^N x_n$$\n\n"
            "$$a = \\mathbf{w}^\\top \\mathbf{x}_n + x_n$$\n\n"
            "$$b = \\mathbf{x}_n^\\top\\mathbf{w}$$")
    eqs = _eqs(text)
    assert eqs[0].kind == "definition"  # scalars alone: read as always
    assert eqs[1].kind == "error" and "one index" in eqs[1].error.message
    assert eqs[2].kind == "error"


def test_a_power_of_a_member_is_refused_not_read_as_a_sample():
    assert "a power or an index" in _error(r"$$a = \mathbf{x}_n^2$$")


def test_a_counterexample_lists_the_entries_of_a_family_it_read():
    (eq,) = _eqs(r"$$\mathbf{x}_n^\top \mathbf{w} = \sum_d x_{dn} w_d$$")
    cx = eq.links[0].counterexample
    assert cx is not None and any(k.startswith("x_{") for k in cx.values)


def test_a_layer_is_defined_by_its_equation_and_each_layer_has_its_own_size():
    text = (r"$$\mathbf{b}^{(1)} = \mathbf{W}\mathbf{x}$$" "\n\n"
            r"$$\mathbf{b}^{(2)} = \mathbf{V}\mathbf{x}$$" "\n\n"
            r"$$\mathbf{b}^{(1)} = \mathbf{V}\mathbf{x}$$" "\n\n"
            r"$$\mathbf{v}^\top\mathbf{b}^{(2)} = \mathbf{v}^\top\mathbf{V}\mathbf{x}$$" "\n\n"
            r"$$\mathbf{v}^\top\mathbf{b}^{(2)} = \mathbf{v}^\top\mathbf{V}\mathbf{y}$$")
    eqs = _eqs(text)
    assert [e.kind for e in eqs[:2]] == ["definition", "definition"]
    assert eqs[2].kind == "error" and "b^(1)" in eqs[2].error.message
    assert _verdicts(text)[3:] == ["proved", "refuted"]


def test_a_sum_over_the_members_with_no_range_runs_over_a_number_of_its_own():
    # never over the vectors' size |x|: over the range of a plain family it sums, else #x
    text = (r"$$a = \sum_n (\mathbf{x}_n^\top\mathbf{w} - y_n)^2$$" "\n\n"
            r"$$b = \sum_n \mathbf{x}_n^\top\mathbf{w}$$" "\n\n"
            r"$$\frac{\partial b}{\partial \mathbf{w}} = \sum_n \mathbf{x}_n$$" "\n\n"
            r"$$\frac{\partial a}{\partial \mathbf{w}} = "
            r"\sum_n 2 (\mathbf{x}_n^\top\mathbf{w} - y_n) \mathbf{x}_n$$" "\n\n"
            r"$$\frac{\partial b}{\partial \mathbf{w}} = \sum_{n=1}^{N} \mathbf{x}_n$$")
    eqs = _eqs(text)
    assert any("n = 1..|y|, the range of y" in n for n in eqs[0].notes)
    assert any("n = 1..#x, for every number #x" in n for n in eqs[1].notes)
    verdicts = _verdicts(text)
    assert verdicts[2:4] == ["proved", "proved"] and verdicts[4] != "proved"  # #x is no N
    assert "no index" in _error(r"$$\mathbf{s} = \sum \mathbf{x}_n$$")


def test_an_accented_bold_capital_is_a_matrix_of_its_own():
    text = (r"$$\hat{\mathbf{z}}_n = \hat{\mathbf{B}}^\top \mathbf{x}_n$$" "\n\n"
            r"$$\hat{z}_{nk} = \sum_d \hat{B}_{kd} x_{nd}$$")
    eqs = _eqs(text)
    assert eqs[0].kind == "definition"
    assert eqs[1].links[0].verdict.value == "refuted"  # B̂^T: the transpose is missing


def test_the_gradient_by_a_layer():
    text = (r"$$L = \mathbf{v}^\top \mathbf{W}^{(1)} \mathbf{u}$$" "\n\n"
            r"$$\nabla_{\mathbf{W}^{(1)}} L = \mathbf{v}\mathbf{u}^\top$$" "\n\n"
            r"$$\nabla_{\mathbf{W}^{(1)}} L = \mathbf{u}\mathbf{v}^\top$$")
    verdicts = _verdicts(text)
    assert verdicts[1] == "proved" and verdicts[2] in ("error", "refuted")


def test_a_definition_followed_by_its_space_still_defines():
    text = (r"$$\hat{\mathbf{z}}_n = \hat{\mathbf{B}}^\top \mathbf{x}_n \in \mathbb{R}^K.$$" "\n\n"
            r"$$\hat{\mathbf{Z}} = \mathbf{X} \hat{\mathbf{B}} \in \mathbb{R}^{N \times K},$$"
            "\n\n" r"$$y = u \in S$$")
    eqs = _eqs(text)
    assert [e.kind for e in eqs[:2]] == ["definition", "definition"]
    assert eqs[2].kind == "claim"  # ∈ a set that is no space: a condition, as before

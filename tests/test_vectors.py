"""Vectors and matrices, lowered to index form for symbolic sizes (issue #19, point 1).

Each true claim is proved (or conditional where an assumption is needed) entry by entry for
every size; each wrong variant is refuted, or a shape error, or at least not proved."""

from __future__ import annotations

import pytest

import derive
from derive.reading.document import read_document

SOFTMAX = (r"$$y_k = \frac{e^{z_k}}{\sum_j e^{z_j}}$$" "\n\n"
           r"$$C = -\sum_k t_k \log y_k$$" "\n\n")
LAYER = (r"$$\mathbf{z} = \mathbf{W}\mathbf{x} + \mathbf{b}$$" "\n\n"
         r"$$L = \frac{1}{2}\|\mathbf{z} - \mathbf{t}\|^2$$" "\n\n")
REGRESSION = r"$$L = \frac{1}{2n}\|\mathbf{X}\mathbf{w} - \mathbf{y}\|^2$$" "\n\n"


def _eqs(text: str):
    return derive.check_text(text, jobs=1).equations


def _verdicts(text: str) -> list[str]:
    return [e.kind if e.kind == "error" else " ".join(link.verdict.value for link in e.links)
            for e in _eqs(text)]


def _last(text: str):
    return _eqs(text)[-1]


# -- the acceptance examples

def test_softmax_gradient_is_y_minus_t_given_the_targets_sum_to_one():
    eq = _last(SOFTMAX + r"$$\nabla_{\mathbf{z}} C = \mathbf{y} - \mathbf{t}$$")
    (link,) = eq.links
    assert link.verdict.value == "conditional" and "t_k = 1" in str(link.needs)
    assert any("entry by entry" in n for n in eq.notes)
    declared = ("---\nderive:\n  assumptions:\n    - \"\\\\sum_k t_k = 1\"\n---\n" + SOFTMAX +
                r"$$\nabla_{\mathbf{z}} C = \mathbf{y} - \mathbf{t}$$")
    assert _last(declared).links[0].verdict.value == "proved"


def test_softmax_gradient_with_the_wrong_sign_is_refuted():
    eq = _last(SOFTMAX + r"$$\nabla_{\mathbf{z}} C = \mathbf{t} - \mathbf{y}$$")
    assert eq.links[0].verdict.value == "refuted"


def test_softmax_jacobian_numerator_layout_and_its_wrong_variants():
    text = SOFTMAX + (
        r"$$\frac{\partial \mathbf{y}}{\partial \mathbf{z}} = "
        r"\operatorname{diag}(\mathbf{y}) - \mathbf{y}\mathbf{y}^\top$$" "\n\n"
        r"$$\frac{\partial \mathbf{y}}{\partial \mathbf{z}} = "
        r"\operatorname{diag}(\mathbf{y}) - \mathbf{y}^\top\mathbf{y}$$" "\n\n"
        r"$$\frac{\partial \mathbf{y}}{\partial \mathbf{z}} = "
        r"\operatorname{diag}(\mathbf{y}) - \mathbf{y}\mathbf{t}^\top$$")
    eqs = _eqs(text)
    assert eqs[2].links[0].verdict.value == "proved"
    assert any("numerator layout" in n for n in eqs[2].notes)
    assert eqs[3].kind == "error" and "matrix and a scalar" in eqs[3].error.message
    assert eqs[4].links[0].verdict.value == "refuted"


def test_declared_denominator_layout_transposes_the_jacobian():
    text = ("---\nderive:\n  layout: denominator\n---\n" + SOFTMAX +
            r"$$\frac{\partial \mathbf{y}}{\partial \mathbf{z}} = "
            r"\operatorname{diag}(\mathbf{y}) - \mathbf{y}\mathbf{y}^\top$$" "\n\n"
            r"$$\frac{\partial \mathbf{y}}{\partial \mathbf{z}} = "
            r"\operatorname{diag}(\mathbf{y}) - \mathbf{t}\mathbf{y}^\top$$")
    eqs = _eqs(text)
    assert eqs[2].links[0].verdict.value == "proved"  # symmetric: the same in both layouts
    assert any("denominator layout (declared)" in n for n in eqs[2].notes)
    assert eqs[3].links[0].verdict.value != "proved"


def test_linear_layer_weight_gradient_and_the_swapped_outer_product():
    text = LAYER + (
        r"$$\frac{\partial L}{\partial \mathbf{z}} = \mathbf{z} - \mathbf{t}$$" "\n\n"
        r"$$\frac{\partial L}{\partial \mathbf{W}} = (\mathbf{z} - \mathbf{t})\mathbf{x}^\top$$"
        "\n\n"
        r"$$\frac{\partial L}{\partial \mathbf{W}} = \mathbf{x}(\mathbf{z} - \mathbf{t})^\top$$"
        "\n\n" r"$$\frac{\partial L}{\partial \mathbf{b}} = \mathbf{z} - \mathbf{t}$$")
    eqs = _eqs(text)
    assert [e.links[0].verdict.value for e in eqs[2:4]] == ["proved", "proved"]
    assert any("denominator layout" in n for n in eqs[3].notes)
    assert eqs[4].kind == "error" and "not known to be equal" in eqs[4].error.message
    assert eqs[5].links[0].verdict.value == "proved"


def test_a_square_layer_makes_the_swapped_outer_product_a_claim_never_proved():
    text = ("---\nderive:\n  shapes:\n    W: [K, K]\n---\n" + LAYER +
            r"$$\frac{\partial L}{\partial \mathbf{W}} = (\mathbf{z} - \mathbf{t})\mathbf{x}^\top$$"
            "\n\n" r"$$\frac{\partial L}{\partial \mathbf{W}} = "
            r"\mathbf{x}(\mathbf{z} - \mathbf{t})^\top$$")
    eqs = _eqs(text)
    assert eqs[2].links[0].verdict.value == "proved"
    assert eqs[3].kind != "error" and eqs[3].links[0].verdict.value != "proved"


def test_least_squares_gradient_needs_the_transpose():
    text = REGRESSION + (
        r"$$\nabla_{\mathbf{w}} L = \frac{1}{n}\mathbf{X}^\top(\mathbf{X}\mathbf{w} - "
        r"\mathbf{y})$$" "\n\n"
        r"$$\nabla_{\mathbf{w}} L = \frac{1}{n}\mathbf{X}(\mathbf{X}\mathbf{w} - \mathbf{y})$$")
    eqs = _eqs(text)
    assert eqs[1].links[0].verdict.value == "proved"
    assert eqs[2].kind == "error" and "cannot multiply" in eqs[2].error.message


def test_one_hidden_layer_backprop_chain():
    text = (r"$$\mathbf{h} = \mathbf{W}\mathbf{x}$$" "\n\n"
            r"$$\mathbf{o} = \mathbf{V}\mathbf{h}$$" "\n\n"
            r"$$L = \frac{1}{2}\|\mathbf{o} - \mathbf{t}\|^2$$" "\n\n"
            r"$$\frac{\partial L}{\partial \mathbf{h}} = \mathbf{V}^\top(\mathbf{o} - \mathbf{t})$$"
            "\n\n"
            r"$$\frac{\partial L}{\partial \mathbf{h}} = \mathbf{V}(\mathbf{o} - \mathbf{t})$$")
    eqs = _eqs(text)
    assert eqs[3].links[0].verdict.value == "proved"
    assert eqs[4].kind == "error"


# -- the constructs

@pytest.mark.parametrize("claim, verdict", [
    (r"\mathbf{u}^T\mathbf{v} = \mathbf{v}^\top\mathbf{u}", "proved"),
    (r"\mathbf{u} \cdot \mathbf{v} = \sum_k u_k v_k", "proved"),
    (r"\|\mathbf{u} \odot \mathbf{v}\|^2 = \sum_k u_k^2 v_k^2", "proved"),
    (r"\mathbf{1}^\top \mathbf{u} = \sum_k u_k", "proved"),
    (r"\mathbf{u}\mathbf{v}^T = \mathbf{v}\mathbf{u}^T", "refuted"),
    (r"\mathbf{u}^\top\mathbf{u} = \|\mathbf{u}\|^2", "proved"),
    (r"\mathbf{u}^\top\mathbf{v} = u_1 v_1", "refuted"),  # true only when the size is 1
    (r"2\mathbf{u} - \mathbf{u} = \mathbf{u}", "proved"),
])
def test_vector_identities(claim, verdict):
    assert _verdicts(f"$${claim}$$") == [verdict]


def test_a_family_written_bare_beside_a_transpose_is_a_vector():
    text = (r"$$ h = \sum_{i=1}^{n}\theta_{i}x_{i}$$" "\n\n" r"$$ \theta^{T}x = h$$" "\n\n"
            r"$$ \theta^{T}x = h + \theta_1$$")
    assert _verdicts(text)[1:] == ["proved", "refuted"]


# -- attacks: what is refused, never guessed

@pytest.mark.parametrize("text, words", [
    (r"$$\mathbf{u}^\top\mathbf{W} = \mathbf{W}\mathbf{u}^\top$$", "cannot multiply"),
    (r"$$\alpha = \mathbf{u}$$", "a scalar and a vector"),
    (r"$$\mathbf{u}\times\mathbf{v} = \mathbf{w}$$", "cross product"),
    (r"$$a = \exp(\mathbf{u})$$", "entry by entry"),
    (r"$$a = \mathbf{x}_{ij}$$", "two indices"),  # \mathbf{x}_i: tests/test_vector_families.py
    (r"$$a = W^T x$$", "no vector or matrix"),  # (w^T x: tests/test_plain_vectors.py)
    (r"$$a = \frac{1}{\mathbf{u}}$$", "division by"),
    (r"$$\nabla L = 0$$", "\\nabla needs the variable"),
    # x alone, x_1 and the bold x: is x_1 an entry of the bold x or of another x?
    (r"$$a = x + \mathbf{x}^\top\mathbf{x} + x_1$$", "both x and the bold x"),
    (r"$$b = \mathbf{w}^T\mathbf{x}^{(i)}_j$$", "two indices"),
    (r"$$\nabla_x \ell = J^T_x z$$", "a subscript after a transpose"),
    (r"$$a = \|\mathbf{W}\|^2$$", "only a vector's norm"),
])
def test_what_is_refused(text, words):
    (eq,) = _eqs(text)
    assert eq.kind == "error" and words in eq.error.message, eq.error


def test_two_vectors_of_different_declared_sizes_do_not_add():
    text = ("---\nderive:\n  shapes:\n    u: [K]\n    v: [N]\n---\n"
            r"$$a = u^\top v$$")
    (eq,) = _eqs(text)
    assert eq.kind == "error" and "K" in eq.error.message and "N" in eq.error.message


def test_a_name_t_in_the_document_makes_caret_t_refused():
    text = (r"$$ h = \sum_{i=1}^{n}\theta_{i}x_{i} + T$$" "\n\n" r"$$ g = \theta^{T}x$$"
            "\n\n" r"$$ g = \theta^{\top}x$$")
    eqs = _eqs(text)
    assert eqs[1].kind == "error" and "^\\top" in eqs[1].error.message
    assert eqs[2].kind != "error"


def test_fresh_indices_never_clash_with_the_documents_letters():
    text = SOFTMAX.replace("_k", "_a").replace("_j", "_b") + \
        r"$$\nabla_{\mathbf{z}} C = \mathbf{y} - \mathbf{t}$$"
    doc = read_document(text)
    last = doc.equations[-1]
    used = {"a", "b", "y", "z", "t", "C", "e"}
    free = set(last.reading.ranges)
    assert free and not free & used
    assert _last(text).links[0].verdict.value == "conditional"


def test_a_vector_whose_entry_0_is_written_beside_it_is_numbered_from_0():
    # (tests/test_numbered_vectors.py has more); x_0 = 1 is not written, so no proof
    text = r"$$h = \theta^T x = \theta_0 + \theta_1 x_1 + \cdots + \theta_n x_n$$"
    (eq,) = _eqs(text)
    assert [lk.verdict.value for lk in eq.links] == ["refuted"]
    assert any("numbered from 0" in n for n in eq.notes)


def test_the_range_a_claim_writes_is_not_the_vectors_range():
    # θ^T x = θ_1 x_1 + … + θ_n x_n would hold by reading θ's size from the claim itself
    text = r"$$h = \theta^T x = \theta_1 x_1 + \cdots + \theta_n x_n$$"
    (eq,) = _eqs(text)
    assert all(link.verdict.value != "proved" for link in eq.links)


def test_a_document_without_vectors_reads_as_before():
    doc = read_document(SOFTMAX)
    assert [e.kind for e in doc.equations] == ["definition", "definition"]
    assert not any("entry by entry" in n for e in doc.equations for n in e.notes)


def test_a_vector_in_a_declared_assumption_is_refused_with_the_entries_to_write():
    text = ("---\nderive:\n  assumptions:\n    - \"\\\\mathbf{1}^\\\\top \\\\mathbf{t} = 1\"\n"
            "---\n$$a = \\mathbf{t}^\\top\\mathbf{1}$$\n")
    doc = read_document(text)
    assert any("index form" in e.message for e in doc.errors)


def test_a_matrix_definition_gives_its_rows_and_columns_their_own_sizes():
    doc = read_document(r"$$\mathbf{z} = \mathbf{W}\mathbf{x}$$" "\n\n"
                        r"$$\frac{\partial z_i}{\partial x_j} = W_{ij}$$")
    ranges = doc.equations[1].reading.ranges
    assert ranges["i"][1].name == "|z|" and ranges["j"][1].name == "|W|_2"


def test_a_derivative_by_a_vector_is_a_vector_inside_a_product():
    text = LAYER + (
        r"$$\frac{\partial L}{\partial \mathbf{x}} = \mathbf{W}^\top \frac{\partial L}"
        r"{\partial \mathbf{z}}$$" "\n\n"
        r"$$\frac{\partial L}{\partial \mathbf{x}} = \mathbf{W}^\top (\mathbf{z} - \mathbf{t})$$"
        "\n\n" r"$$\frac{\partial \mathbf{z}}{\partial \mathbf{x}} = \mathbf{W}$$" "\n\n"
        r"$$\frac{\partial \mathbf{z}}{\partial \mathbf{x}} = \mathbf{W}^\top$$")
    eqs = _eqs(text)
    assert [e.links[0].verdict.value for e in eqs[2:5]] == ["proved"] * 3
    assert eqs[5].kind == "error" and "not known to be equal" in eqs[5].error.message


def test_the_gradient_applies_to_the_rest_of_its_term():
    text = (r"$$\nabla_{\mathbf{w}} \frac{1}{2}\|\mathbf{X}\mathbf{w} - \mathbf{y}\|^2 = "
            r"\mathbf{X}^\top(\mathbf{X}\mathbf{w} - \mathbf{y})$$" "\n\n"
            r"$$\frac{\partial}{\partial \mathbf{w}} \mathbf{w}^\top\mathbf{w} = 2\mathbf{w}$$"
            "\n\n"
            r"$$\nabla_{\mathbf{w}} \frac{1}{2}\|\mathbf{X}\mathbf{w} - \mathbf{y}\|^2 = 0 \cdot "
            r"\mathbf{w}$$")
    assert _verdicts(text) == ["proved", "proved", "refuted"]  # numbers draw matrix entries


def test_an_accented_bold_name_is_a_vector_of_its_own():
    import derive

    for spelled in ("\\hat{\\mathbf{y}}", "\\mathbf{\\hat{y}}"):
        eqs = derive.check_text(f"$$ {spelled} = \\mathbf{{y}} + \\mathbf{{y}} $$\n\n"
                                f"$$ {spelled}^\\top \\mathbf{{t}} = 2 \\sum_k y_k t_k $$\n\n"
                                f"$$ {spelled}^\\top \\mathbf{{t}} = \\sum_k y_k t_k $$\n",
                                jobs=1).equations
        assert eqs[0].kind == "definition"
        assert [e.links[0].verdict.value for e in eqs[1:]] == ["proved", "refuted"], spelled


def test_the_gradient_of_a_function_of_one_name_is_by_that_name():
    text = r"$$J(\mathbf{w}) = \frac{1}{2} \| \mathbf{X}\mathbf{w} - \mathbf{y} \|^2$$" "\n\n"
    for rhs, verdict in ((r"\mathbf{X}^\top (\mathbf{X}\mathbf{w} - \mathbf{y})", "proved"),
                         (r"\mathbf{X}^\top (\mathbf{X}\mathbf{w} + \mathbf{y})", "refuted"),
                         (r"(\mathbf{X}\mathbf{w} - \mathbf{y})", "refuted")):
        eq = derive.check_text(text + rf"$$\nabla J(\mathbf{{w}}) = {rhs}$$", jobs=1).equations[-1]
        got = "error" if eq.kind == "error" else eq.links[0].verdict.value
        assert got == verdict, rhs
    for written in (r"\nabla J(\mathbf{w}, b) = 0", r"\nabla J(\mathbf{w}) \mathbf{v} = 0"):
        eq = derive.check_text(text + f"$${written}$$", jobs=1).equations[-1]
        assert eq.kind == "error" and "\\nabla needs the variable" in eq.error.message

"""Entries of a named operator's value at a vector: ``\\mathrm{softmax}_k(\\mathbf{z})``,
``\\text{softmax}(\\mathbf{z}_n)_k`` at a vector of a family, and scalar operators taken entry by
entry (``\\operatorname{sigmoid}(\\mathbf{z})_k`` is σ(z_k)).

mlbook's logistic-regression chapter writes ``\\log(\\text{sigmoid}_k(\\mathbf{z}_n)) =
\\log(\\exp(z_{nk}) / \\sum_{j=1}^K \\exp(z_{nk})) = z_{nk} - \\log \\sum_j \\exp(z_{nj})``: both
links are false (the middle side is -log K), and both must be refuted. True forms are proved;
each false variant (another index, the sum over the wrong axis, a dropped term) is refuted."""

from __future__ import annotations

import pytest

import derive
from derive.reading.parser import parse_chain
from derive.reading.syntax import Apply, Sym


def _verdicts(text: str) -> list[str]:
    eqs = derive.check_text(text, jobs=1).equations
    return [e.kind if e.kind == "error" else " ".join(link.verdict.value for link in e.links)
            for e in eqs]


def _one(latex: str) -> str:
    return _verdicts(f"$$\n{latex}\n$$\n")[-1]


def _tree(latex: str):
    return parse_chain(latex)[0][0]


# -- how the entry is named

@pytest.mark.parametrize("latex", [
    r"\operatorname{softmax}(\mathbf{z})_k", r"\operatorname{softmax}_k(\mathbf{z})",
    r"\text{softmax}_k(\mathbf z)", r"\mathrm{softmax}_{k}(\mathbf{z})",
])
def test_an_index_before_or_after_the_argument_names_the_same_entry(latex):
    node = _tree(latex)
    assert isinstance(node, Sym)
    assert node.name == "\\operatorname{softmax}@z"
    assert [s.name for s in node.sub] == ["k"]


@pytest.mark.parametrize("latex", [
    r"\operatorname{softmax}(\mathbf{z}_n)_k", r"\text{softmax}_k(\mathbf{z}_n)",
])
def test_at_a_vector_of_a_family_its_index_comes_first(latex):
    node = _tree(latex)
    assert isinstance(node, Sym) and node.name == "\\operatorname{softmax}@z"
    assert [s.name for s in node.sub] == ["n", "k"]


def test_an_unknown_word_with_an_index_stays_a_family_of_functions():
    # \text{foo}_k(\mathbf{z}) could be the k-th of several functions: not read as an entry
    node = _tree(r"\text{foo}_k(\mathbf{z})")
    assert isinstance(node, Apply) and node.func.sub


def test_a_plain_subscripted_argument_is_still_refused():
    # s(x_n)_i: x_n is a scalar here, so which entry is meant is not said
    with pytest.raises(Exception, match="an index on a function's value"):
        _tree(r"s(x_n)_i")


# -- true steps, proved

def test_softmax_entry_written_before_the_argument_is_proved():
    assert _one(r"\log(\text{softmax}_k(\mathbf{z})) = z_k - \log\left(\sum_{j=1}^K "
                r"\exp(z_j)\right)") == "proved"


def test_softmax_at_a_vector_of_a_family_is_proved():
    assert _one(r"\log(\text{softmax}_k(\mathbf{z}_n)) = z_{nk} - \log\left(\sum_{j=1}^K "
                r"\exp(z_{nj})\right)") == "proved"


def test_the_entries_of_softmax_at_a_vector_of_a_family_sum_to_one():
    assert _one(r"\sum_{k=1}^K \operatorname{softmax}(\mathbf{z}_n)_k = 1") == "proved"


def test_sigmoid_at_a_vector_is_taken_entry_by_entry():
    assert _one(r"\operatorname{sigmoid}_k(\mathbf{x}) + \operatorname{sigmoid}(-x_k) = 1") \
        == "proved"


# -- false steps, refuted

def test_mlbooks_two_wrong_links_are_refuted():
    text = (r"$$\log(\text{sigmoid}_k(\mathbf{z}_n)) = \log\left(\frac{\exp(z_{nk})}"
            r"{\sum_{j = 1}^K \exp(z_{nk})}\right) = z_{nk} - \log\left(\sum_{j = 1}^K "
            r"\exp(z_{nj})\right).$$" "\n")
    assert _verdicts(text) == ["refuted refuted"]


@pytest.mark.parametrize("latex", [
    # (the operator on the right: on the left alone, it would be the document's definition)
    # another entry on the left
    r"\frac{e^{z_1}}{\sum_{j=1}^K e^{z_j}} = \operatorname{softmax}_k(\mathbf{z})",
    # the sum over the family's index, not the entry's
    r"\frac{e^{z_{nk}}}{\sum_{m=1}^N e^{z_{mk}}} = \operatorname{softmax}_k(\mathbf{z}_n)",
    # one term dropped from the sum
    r"\sum_{k=2}^K \operatorname{softmax}(\mathbf{z}_n)_k = 1",
    # true for K = 1 only
    r"1 = \operatorname{softmax}_k(\mathbf{z})",
    # sigmoid of the vector is not sigmoid of its first entry
    r"\frac{1}{1 + e^{-x_1}} = \operatorname{sigmoid}(\mathbf{x})_k",
    # softmax is not sigmoid entry by entry
    r"\log \operatorname{softmax}_k(\mathbf{z}) = \log \operatorname{sigmoid}_k(\mathbf{z})",
])
def test_false_variants_are_refuted(latex):
    assert _one(latex) == "refuted"


def test_a_family_written_with_another_number_of_indices_is_named_in_the_error():
    text = (r"$$a = \operatorname{softmax}_k(\mathbf{z})$$" "\n\n"
            r"$$b = \operatorname{softmax}_k(\mathbf{z}_n)$$" "\n\n"
            r"$$a = b$$" "\n")
    eqs = derive.check_text(text, jobs=1).equations
    messages = " ".join(e.error.message for e in eqs if e.kind == "error" and e.error) + \
        " ".join(lk.reason or "" for e in eqs for lk in e.links)
    assert "@" not in messages
    assert all(lk.verdict.value != "proved" for e in eqs for lk in e.links)


def test_an_index_on_a_bracketed_value_is_refused_saying_how():
    for text in (r"[\sigma(\mathbf{a})]_i", r"(a + b)_i",
                 r"\frac{\partial[\sigma(\mathbf{a})]_i}{\partial a_j}"):
        with pytest.raises(Exception, match="an index on a bracketed value"):
            _tree(text)

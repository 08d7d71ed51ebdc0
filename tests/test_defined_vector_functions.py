"""Functions the document defines of whole vectors, and conditionals with vector arguments.

``\\mathcal{L}(\\hat{\\boldsymbol\\beta}) = …`` (mlbook) and
``l(\\mathbf{y}, \\hat{\\mathbf{y}}) = …`` (d2l) define a value; written again of the same
parameters it is that value, so its gradient goes through the body. Applied to other
arguments it is refused, never substituted. An application with a condition bar,
``P(y \\mid \\mathbf{x})``, is an unknown function of every entry: P(a | b) is neither
P(a, b) nor P(b | a), p is not P, another vector is another point."""

from __future__ import annotations

import pytest

import derive

MLBOOK = (r"$$\mathcal{L}(\hat{\boldsymbol\beta}) = \frac{1}{2}\sum_{n=1}^N "
          r"(y_n - \hat{\boldsymbol\beta}^\top \mathbf{x}_n)^2$$" "\n\n")
D2L = r"$$l(\mathbf{y}, \hat{\mathbf{y}}) = - \sum_{j=1}^q y_j \log \hat{y}_j$$" "\n\n"
THETA = r"P(X \mid \boldsymbol{\theta})"


def _eqs(text: str):
    return derive.check_text(text, jobs=1).equations


def _last(text: str) -> str:
    eq = _eqs(text)[-1]
    return "error" if eq.kind == "error" else " ".join(link.verdict.value for link in eq.links)


def _error(text: str) -> str:
    eq = _eqs(text)[-1]
    assert eq.kind == "error"
    return eq.error.message


# -- a function defined of a vector: its own parameters are its value

def test_the_mlbook_gradient_goes_through_the_body():
    eqs = _eqs(MLBOOK + r"$$\frac{\partial \mathcal{L}(\hat{\boldsymbol\beta})}{\partial "
                        r"\hat{\boldsymbol\beta}} = -\sum_{n=1}^N (y_n - "
                        r"\hat{\boldsymbol\beta}^\top \mathbf{x}_n) \mathbf{x}_n$$")
    assert eqs[0].kind == "definition"
    assert [link.verdict.value for link in eqs[-1].links] == ["proved"]


def test_the_d2l_loss_written_again_is_a_claim_about_its_definition():
    # (the same body again would replace the definition: a claim writes another side)
    assert _last(D2L + r"$$l(\mathbf{y}, \hat{\mathbf{y}}) = \sum_{k=1}^q y_k "
                       r"\log \frac{1}{\hat{y}_k}$$") in ("proved", "conditional")
    assert _last(D2L + r"$$\frac{\partial l(\mathbf{y}, \hat{\mathbf{y}})}{\partial y_k} = "
                       r"-\log \hat{y}_k$$") in ("proved", "conditional")


@pytest.mark.parametrize("claim", [
    # the sign dropped, the factor x_n dropped, the ½ kept twice
    r"$$\frac{\partial \mathcal{L}(\hat{\boldsymbol\beta})}{\partial \hat{\boldsymbol\beta}} = "
    r"\sum_{n=1}^N (y_n - \hat{\boldsymbol\beta}^\top \mathbf{x}_n) \mathbf{x}_n$$",
    r"$$\frac{\partial \mathcal{L}(\hat{\boldsymbol\beta})}{\partial \beta_k} = "
    r"-\sum_{n=1}^N (y_n - \hat{\boldsymbol\beta}^\top \mathbf{x}_n)$$",
    r"$$\mathcal{L}(\hat{\boldsymbol\beta}) = \sum_{n=1}^N "
    r"(y_n - \hat{\boldsymbol\beta}^\top \mathbf{x}_n)^2$$",
    r"$$\frac{\partial \mathcal{L}(\hat{\boldsymbol\beta})}{\partial \hat{\beta}_k} = 0$$",
])
def test_wrong_steps_about_a_defined_function_are_never_proved(claim):
    assert _last(MLBOOK + claim) in ("refuted", "unknown", "error")


def test_the_function_written_alone_is_not_its_value():
    # \mathcal{L} alone was never defined: no proof about it, whatever L(β̂) is
    assert _last(MLBOOK + r"$$\mathcal{L} = \frac{1}{2}\sum_{n=1}^N "
                          r"(y_n - \hat{\boldsymbol\beta}^\top \mathbf{x}_n)^2 + 0$$") != "proved"


@pytest.mark.parametrize("claim", [
    r"$$a = l(\hat{\mathbf{y}}, \mathbf{y})$$",  # the parameters swapped
    r"$$a = l(\mathbf{u}, \hat{\mathbf{y}})$$",  # another vector
    r"$$a = l(\mathbf{y}, \hat{\mathbf{y}} + \mathbf{u})$$",  # an expression
    r"$$a = l(\mathbf{y}, \hat{\mathbf{y}}, z)$$",  # another number of arguments
])
def test_a_defined_function_at_other_arguments_is_refused_with_advice(claim):
    message = _error(D2L + claim)
    assert "other arguments" in message and "write the body at them" in message


def test_another_number_of_scalar_arguments_is_another_function():
    # mlbook writes L(β̂_0, β̂_1) in its first section: an unknown function of two scalars,
    # never the value L(β̂) defined later
    text = (r"$$0 + \mathcal{L}(u, v) = \frac{1}{2}\sum_{n=1}^N "
            r"(y_n - u - v z_n)^2$$" "\n\n")
    assert _last(text + MLBOOK) != "error"
    # false for an arbitrary L of two scalars, but the document defines L(β̂): unknown
    assert _verdict_of(text + MLBOOK, 0) == "unknown"


def _verdict_of(text: str, k: int) -> str:
    return _eqs(text)[k].links[0].verdict.value


# -- conditionals of whole vectors

def test_a_conditional_of_a_vector_is_read_and_the_log_rule_proved():
    eqs = _eqs(rf"$$\frac{{\partial}}{{\partial \boldsymbol{{\theta}}}} \log({THETA}) = "
               rf"\frac{{1}}{{{THETA}}} \frac{{\partial}}{{\partial \boldsymbol{{\theta}}}} "
               rf"{THETA}$$")
    assert eqs[-1].links[0].verdict.value in ("proved", "conditional")  # (P > 0 for the log)
    assert any("P(X | 𝛉) is read as an unknown scalar function of every entry of 𝛉" in n
               for n in eqs[-1].notes)


def test_the_same_conditional_is_the_same_value():
    assert _last(r"$$0 + P(y \mid \mathbf{x}) = P(y \mid \mathbf{x})$$") == "proved"
    assert _last(rf"$$\frac{{\partial}}{{\partial \boldsymbol{{\theta}}}} (2 {THETA}) = "
                 rf"2 \frac{{\partial}}{{\partial \boldsymbol{{\theta}}}} {THETA}$$") == "proved"


@pytest.mark.parametrize("claim", [
    r"$$0 + P(y \mid \mathbf{x}) = P(y, \mathbf{x})$$",  # the bar is no comma
    r"$$0 + P(y \mid \mathbf{x}) = P(\mathbf{x} \mid y)$$",  # nor reversed
    r"$$0 + P(y \mid \mathbf{x}) = p(y \mid \mathbf{x})$$",  # p is not P
    r"$$0 + P(y \mid \mathbf{x}) = P(y \mid \mathbf{u})$$",  # another vector
    r"$$0 + P(y \mid \mathbf{x}) = P(z \mid \mathbf{x})$$",  # another scalar
    r"$$0 + P(x_1 \mid \boldsymbol{\theta}) = P(x_2 \mid \boldsymbol{\theta})$$",  # entries
    r"$$\frac{\partial}{\partial x_j} P(y \mid \mathbf{x}) = "
    r"\frac{\partial}{\partial x_k} P(y \mid \mathbf{x})$$",
    r"$$\frac{\partial}{\partial y} P(y \mid \mathbf{x}) = 0$$",
])
def test_conditionals_are_never_identified_with_other_values(claim):
    assert _last(claim) in ("unknown", "refuted")


def test_the_d2l_sign_error_is_never_proved():
    # d2l's display 13: -∂/∂θ log P(X|θ) written as +Σ (1/P(x_i|θ)) ∂P(x_i|θ)/∂θ. Nothing ties
    # P(X | θ) to the P(x_i | θ) (the book's product is of p), so it stays unknown
    text = (rf"$$- \frac{{\partial}}{{\partial \boldsymbol{{\theta}}}} \log\left({THETA}\right) "
            r"= \frac{1}{P(x_1\mid\boldsymbol{\theta})}\left(\frac{\partial}{\partial "
            r"\boldsymbol{\theta}}P(x_1\mid\boldsymbol{\theta})\right) + \cdots + "
            r"\frac{1}{P(x_n\mid\boldsymbol{\theta})}\left(\frac{\partial}{\partial "
            r"\boldsymbol{\theta}}P(x_n\mid\boldsymbol{\theta})\right)$$")
    (link,) = _eqs(text)[-1].links
    assert link.verdict.value == "unknown" and "not true for every function" in link.reason


def test_a_matrix_given_whole_is_an_unknown_function_of_every_entry():
    eqs = _eqs(r"$$a = P(\mathbf{y} \mid \mathbf{X})$$")
    assert eqs[-1].kind == "definition"
    assert any("P(𝐲 | 𝐗) is read as an unknown scalar function of every entry of 𝐲, 𝐗" in n
               for n in eqs[-1].notes)
    # the same matrix is the same point; another matrix, or the vector, is another
    assert _last(r"$$\log P(\mathbf{Y} \mid \mathbf{X}) = \log P(\mathbf{Y} \mid "
                 r"\mathbf{X})$$") == "proved"
    assert _last(r"$$P(\mathbf{Y} \mid \mathbf{X}) = P(\mathbf{Y} \mid \mathbf{Z})$$") != \
        "proved"
    assert _last(r"$$P(\mathbf{x} \mid \mathbf{X}) = P(\mathbf{x} \mid \mathbf{X}^\top)$$") \
        == "error"


def test_no_derivative_of_a_function_of_a_whole_matrix_is_taken():
    # by an entry of the matrix, or through its definition: undecided, never 0
    assert _last(r"$$\frac{\partial}{\partial X_{11}} P(\mathbf{y} \mid \mathbf{X}) = 0$$") \
        == "unknown"
    text = (r"$$\mathbf{X} = \mathbf{W} \mathbf{V}$$" "\n\n"
            r"$$\frac{\partial}{\partial W_{11}} P(\mathbf{y} \mid \mathbf{X}) = 0$$")
    assert _last(text) not in ("proved", "error")
    # a matrix of its own does not depend on another name
    assert _last(r"$$\frac{\partial}{\partial b} P(\mathbf{y} \mid \mathbf{X}) = 0$$") == \
        "proved"


def test_a_sample_vector_given_whole_is_a_point_of_its_own():
    text = r"$$\sum_{i=1}^n P(\mathbf{y}^{(i)} \mid \mathbf{x}^{(i)}) = "
    assert _last(text + r"\sum_{j=1}^n P(\mathbf{y}^{(j)} \mid \mathbf{x}^{(j)})$$") \
        == "proved"
    assert _last(text + r"\frac{1}{n} \sum_{i=1}^n \sum_{j=1}^n P(\mathbf{y}^{(j)} \mid "
                 r"\mathbf{x}^{(i)})$$") == "unknown"  # true at n = 1 only
    assert _last(text + r"\sum_{i=1}^n P(\mathbf{x}^{(i)} \mid \mathbf{y}^{(i)})$$") \
        == "unknown"


def test_a_conditional_beside_a_family_of_the_same_letter_is_a_function_apart():
    # the bar is read only between a function's arguments: p(x_1 | θ) is never p_1
    text = r"$$H = \sum_{i=1}^n p_i$$" "\n\n"
    eq = _eqs(text + r"$$a = p(x_1 \mid \boldsymbol{\theta})$$")[-1]
    assert eq.kind == "definition"
    assert _last(text + r"$$p(x_1 \mid \boldsymbol{\theta}) = p_1$$") != "proved"
    assert _last(text + r"$$p(x_1 \mid \theta) = p_1$$") != "proved"
    # without a bar, p(x_1, θ) beside p_i stays refused: a factor, a family or a function
    message = _error(text + r"$$a = p(x_1, \boldsymbol{\theta})$$")
    assert "also written alone or with an index" in message


# -- ∂_{o_j} written as an operator (d2l's softmax loss)

def test_a_subscripted_partial_is_the_derivative_operator():
    text = r"$$l(\mathbf{y}, \mathbf{o}) = - \sum_{j=1}^q y_j o_j^2$$" "\n\n"
    assert _last(text + r"$$\partial_{o_j} l(\mathbf{y}, \mathbf{o}) = -2 y_j o_j$$") == "proved"
    assert _last(r"$$\partial_{\theta} (\theta^2) = 2\theta$$") == "proved"
    for wrong in (r"$$\partial_{o_j} l(\mathbf{y}, \mathbf{o}) = -2 y_k o_j$$",
                  r"$$\partial_{o_j} l(\mathbf{y}, \mathbf{o}) = 2 y_j o_j$$"):
        assert _last(text + wrong) in ("refuted", "unknown")


def test_a_partial_subscripted_by_a_plain_letter_is_refused():
    # ∂_i is also written for ∂/∂x_i: never guessed
    assert "could be ∂/∂x_i" in _error(r"$$a = \partial_i (x_i^2)$$")

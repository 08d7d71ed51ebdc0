"""The grammar's own vocabulary: tokens and fragments the reader knows, for fuzzing it.

Owns :data:`TOKEN_SAMPLES`, which the property tests draw random inputs from (a fragment for
each construct the grammar reads: fractions, sums, derivatives, vectors, sets, labels, cases),
so that every construct meets every other. Plain strings; nothing is read here.
"""

from __future__ import annotations

TOKEN_SAMPLES = (  # the grammar's own vocabulary, for fuzzing
    "\\frac", "\\dfrac", "\\over", "\\cdot", "\\times", "\\exp", "\\log", "\\ln", "\\sum", "\\prod",
    "\\partial", "\\mathrm{d}", "\\mathbb{1}", "\\mathbf{1}", "\\neq", "\\not=", "\\delta",
    "\\sigma", "\\tanh", "\\sqrt", "'", "\\left(", "\\right)", "\\{", "\\}", "{", "}", "(",
    ")", "[", "]", "_", "^", "^T", "^\\top", "\\mathbf{x}", "\\mathbf{W}", "\\|", "\\odot",
    "l", "\\text{prod}",  # an unknown function of whole vectors, l(\mathbf{x}), and prod(a, b)
    "\\nabla_{\\mathbf{x}}", "\\operatorname{diag}", "\\underbrace", "\\max", "\\min", "\\ge",
    ">=", "\\vdots", "\\overset{(a)}{=}", "\\mathbf{x}_n", "\\mathbf{W}^{(1)}", "^{(i)}",
    "+", "-", "=", ",", "/", "1", "2", "0.5", "e", "k", "i", "j", "K", "z", "t", "y", "d", " ",
    "\\sum_{x \\in X}", "E_{x \\sim p}", "\\mathbb{E}_{x \\sim P}",  # over a set's elements
    "f_{y_i}", "\\mathbb{1}(y_i = k)", "\\phi",  # a class label as an index; φ at each entry
    "\\begin{cases}", "\\end{cases}", "&", "\\\\",  # cases, rows of equations among them
)


__all__ = ["TOKEN_SAMPLES"]

"""A size the vector lowering invents for an axis the document writes a range for.

mlbook's logistic chapter writes Σ_{i=1}^{K} exp(z_{ni}) and softmax_j(𝐳_n), whose sum the
lowering sizes |z|_2: a point with |z|_2 ≠ K is no instance of the text, so it refuted a true
step (19.2, found by the book's expectations). The two are tied in the numeric search
(engine/sizes.py); proofs, symbolic, never needed the tie."""

from __future__ import annotations

from pathlib import Path

import derive
from derive.engine.sizes import tied_sizes
from derive.engine.translate import Symbols
from derive.reading.document import read_document

CHAPTER = Path(__file__).parent / "books" / "mlbook" / "logistic-regression.md"


def test_the_invented_size_is_tied_to_the_written_range():
    doc = read_document(CHAPTER.read_text(encoding="utf-8"), str(CHAPTER))
    tied = {(str(a), str(b)) for a, b in tied_sizes(doc, Symbols.for_document(doc))}
    assert ("|z|_2", "K") in tied


def test_the_true_step_is_no_longer_refuted_and_the_false_ones_still_are():
    eqs = [eq for eq in derive.check(str(CHAPTER), jobs=1, cache=False).equations
           if eq.index == 19]
    verdicts = [lk.verdict.value for eq in eqs for lk in eq.links]
    assert verdicts[1] != "refuted"  # 19.2, true: exp(z_nj)/Σ_i exp(z_ni) is softmax_j(z_n)
    assert verdicts[0] == "refuted"  # 19.1 needs z_n = B^T x_n, which the text never writes

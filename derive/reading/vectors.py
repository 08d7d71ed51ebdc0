"""What the reader knows of vector and matrix notation so far: how to spot it.

Owns the :class:`VectorReading` mixin of the parser: a bold argument read entry by entry,
``s(\\mathbf{x})_i``, and a transpose ``^T`` seen ahead (refused: vectors and matrices are
not read yet, so ``w^T x`` is never the power w^T times x). No sympy here.
"""

from __future__ import annotations

from derive.reading.tokenizer import Token

#: bold (vector) names: read only as the argument of a function taken entry by entry
BOLD = ("mathbf", "boldsymbol", "vec", "bm")


class VectorReading:
    """Mixed into the parser: it provides ``toks`` and ``i``."""

    toks: list[Token]
    i: int

    def bold_argument(self) -> bool:
        """Is the argument list a bold family name, (\\mathbf{x}) or (\\mathbf x)? Its
        tokens are then replaced by the bare letter."""
        i, toks = self.i, self.toks

        def at(k: int, kind: str, value: str | None = None) -> bool:
            return i + k < len(toks) and toks[i + k].kind == kind and (
                value is None or toks[i + k].value == value)

        if not any(at(1, "cmd", m) for m in BOLD):
            return False
        if at(2, "letter") and at(3, "op", ")"):
            del toks[i + 1]
            return True
        if at(2, "op", "{") and at(3, "letter") and at(4, "op", "}") and at(5, "op", ")"):
            del toks[i + 4]
            del toks[i + 2]
            del toks[i + 1]
            return True
        return False

    def transpose_ahead(self) -> bool:
        """After '^': T, {T}, \\top, {\\top}, \\intercal, \\mathsf{T} (a transpose)."""
        toks, i = self.toks, self.i

        def at(k: int, kind: str, value: str) -> bool:
            return i + k < len(toks) and toks[i + k].kind == kind and toks[i + k].value == value

        if at(0, "letter", "T") or at(0, "cmd", "top") or at(0, "cmd", "intercal"):
            return True
        if at(0, "op", "{") and (at(1, "letter", "T") or at(1, "cmd", "top") or
                                 at(1, "cmd", "intercal")) and at(2, "op", "}"):
            return True
        return False

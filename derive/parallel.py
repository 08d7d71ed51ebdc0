"""Checking equations in worker processes (``-j N``).

Owns the process pool. Workers are forked after the document has been read, so
each one sees the same document and checks whole equations; results come back
as model objects and are put back in document order. Every random choice is
seeded per link, so ``-j N`` gives exactly the report of ``-j 1``.
"""

from __future__ import annotations

import multiprocessing as mp

_DOC = None
_OPTS: tuple = ()


def _work(index: int):
    from derive.checker import check_equation
    from derive.translate import Symbols

    seed, timeout = _OPTS
    eq = _DOC.equations[index]
    return index, check_equation(_DOC, eq, Symbols(), seed, timeout)


def map_equations(doc, seed: int, timeout: float | None, jobs: int) -> list:
    global _DOC, _OPTS
    _DOC, _OPTS = doc, (seed, timeout)
    try:
        ctx = mp.get_context("fork")
    except ValueError:  # no fork on this platform: check in this process
        from derive.checker import check_equation
        from derive.translate import Symbols

        return [check_equation(doc, eq, Symbols(), seed, timeout) for eq in doc.equations]
    # claims carry the work; definitions are instant, so order the queue by size
    order = sorted(range(len(doc.equations)),
                   key=lambda k: -len(doc.equations[k].sides))
    with ctx.Pool(min(jobs, max(len(order), 1))) as pool:
        results = dict(pool.imap_unordered(_work, order))
    return [results[k] for k in range(len(doc.equations))]

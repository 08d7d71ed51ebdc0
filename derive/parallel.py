"""Checking equations in worker processes (``-j N``).

Owns the split of a document's equations over processes. Workers are forked after the
document has been read and the engine imported, so each one starts warm; the equations
are shared out in advance by their number of links (largest first, to the least loaded
worker), each worker checks its share with one set of symbols, and the results come back
through a pipe and are put back in document order. Every random choice is seeded per link,
so ``-j N`` gives exactly the report of ``-j 1``.
"""

from __future__ import annotations

import os
import pickle


def _check(doc, indices: list[int], seed: int, timeout: float | None) -> dict:
    from derive.checker import check_equation
    from derive.translate import Symbols

    symbols = Symbols.for_document(doc)
    return {k: check_equation(doc, doc.equations[k], symbols, seed, timeout) for k in indices}


def _shares(doc, jobs: int) -> list[list[int]]:
    loads = [0] * jobs
    shares: list[list[int]] = [[] for _ in range(jobs)]
    order = sorted(range(len(doc.equations)), key=lambda k: -len(doc.equations[k].sides))
    for k in order:
        w = loads.index(min(loads))
        shares[w].append(k)
        loads[w] += max(len(doc.equations[k].sides) - 1, 0) + 1
    return [sorted(s) for s in shares if s]


def map_equations(doc, seed: int, timeout: float | None, jobs: int) -> list:
    shares = _shares(doc, jobs)
    if len(shares) < 2 or not hasattr(os, "fork"):
        return list(_check(doc, list(range(len(doc.equations))), seed, timeout).values())
    _warm_up()
    children = []
    for share in shares[1:]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: check its share, send it back, and leave at once
            os.close(read)
            code = 0
            try:
                data = pickle.dumps(_check(doc, share, seed, timeout))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent below
                data, code = pickle.dumps(exc), 1
            with os.fdopen(write, "wb") as out:
                out.write(data)
            os._exit(code)
        os.close(write)
        children.append((pid, read))
    results = _check(doc, shares[0], seed, timeout)
    for pid, read in children:
        with os.fdopen(read, "rb") as inp:
            data = inp.read()
        _, status = os.waitpid(pid, 0)
        got = pickle.loads(data) if data else RuntimeError("a worker process died")
        if isinstance(got, BaseException):
            raise got
        results.update(got)
    return [results[k] for k in range(len(doc.equations))]


def _warm_up() -> None:
    """Pay sympy's first-use imports once, before forking, not once per worker."""
    import sympy as sp

    x = sp.Symbol("x")
    sp.expand((x + 1) ** 2)

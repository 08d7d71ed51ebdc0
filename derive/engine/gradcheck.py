"""An independent numeric check of the softmax + cross-entropy gradient, at scale.

For K classes, logits z and a target distribution t (Σ_k t_k = 1), the loss is

    C(z) = −Σ_k t_k log softmax(z)_k,     softmax(z)_k = e^{z_k} / Σ_j e^{z_j},

and its gradient is ∂C/∂z_i = y_i − t_i with y = softmax(z). :func:`gradient_check`
compares that analytic gradient with central finite differences of C itself,

    (C(z + h e_i) − C(z − h e_i)) / (2h),

using numpy only (no sympy, no symbolic differentiation), so it is a check that
shares nothing with the symbolic engine. numpy is imported when a check runs; it is
a test/benchmark dependency, not a runtime one.

Two ways of evaluating C at the 2·n perturbed points:

* ``method="hoisted"`` (the default): what does not depend on the perturbed index is
  computed once — the stable shift m = max(z) + h, the exponentials e^{z_k − m},
  their sum S, Σ_k t_k z_k and Σ_k t_k. Each perturbed point then has its
  log-sum-exp computed once, as m + log(S − e^{z_i − m} + e^{z_i ± h − m}), and
  C(z ± h e_i) = −(Σ_k t_k z_k ± h t_i) + (Σ_k t_k)·lse. Vectorised over i: O(K) to
  set up, O(1) per index, so K = 10⁴ (all indices) takes milliseconds.
* ``method="direct"``: every perturbed point is evaluated from scratch, with a stable
  log-sum-exp computed once per evaluation (O(K) per evaluation, O(K²) for all
  indices), in blocks of rows. Slower, and the most literal reading of C.

The central difference is exact up to O(h²) truncation plus rounding of about
ε·|C|/h, which sets the default tolerance.
"""

from __future__ import annotations

import time
from typing import Any

EPS = 2.220446049250313e-16  # float64 machine epsilon


def _np():
    try:
        import numpy as np
    except ImportError as exc:  # pragma: no cover - numpy is in the test extra
        raise ImportError("derive.engine.gradcheck needs numpy (pip install numpy)") from exc
    return np


def logsumexp(x, axis=-1):
    """A stable log Σ exp(x) along ``axis``: the maximum is taken out first."""
    np = _np()
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis)


def loss(z, t) -> float:
    """C(z) = −Σ_k t_k log softmax(z)_k, with the log-sum-exp computed once."""
    np = _np()
    z, t = np.asarray(z, dtype=float), np.asarray(t, dtype=float)
    return float(-np.dot(t, z - logsumexp(z)))


def softmax(z):
    np = _np()
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def problem(K: int, seed: int = 0, scale: float = 3.0):
    """Random logits (normal, standard deviation ``scale``) and a random target on the
    simplex (Σ_k t_k = 1), reproducible from ``seed``."""
    np = _np()
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, scale, size=K)
    t = rng.random(K)
    t /= t.sum()
    return z, t


def _losses_hoisted(z, t, idx, h):
    np = _np()
    m = float(np.max(z)) + h  # a shift ≥ every perturbed logit: stable for both signs
    shifted = z - m
    e = np.exp(shifted)  # hoisted: the exponentials of the unperturbed logits, once
    s = float(np.sum(e))
    tz, tsum = float(np.dot(t, shifted)), float(np.sum(t))
    zi, ti, ei = shifted[idx], t[idx], e[idx]
    out = []
    for sign in (1.0, -1.0):
        lse = np.log(s - ei + np.exp(zi + sign * h))  # log-sum-exp of z ± h e_i, less m
        out.append(-(tz + sign * h * ti) + tsum * lse)  # −Σ t_k (z_k − lse); m cancels
    return out[0], out[1]


def _losses_direct(z, t, idx, h, block: int = 16):
    np = _np()
    K = z.shape[0]
    plus, minus = np.empty(len(idx)), np.empty(len(idx))
    # one stable shift for every perturbed point: m ≥ each row's maximum, and within 2h
    # of it, so exp never overflows and the row sums are ≥ e^(-2h)
    m = float(np.max(z)) + h
    shifted = z - m
    tsum = float(np.sum(t))
    rows = np.empty((block, K))  # 16 rows of 10^4 floats stay in the L2 cache
    for start in range(0, len(idx), block):
        chunk = idx[start:start + block]
        n = len(chunk)
        r = np.arange(n)
        for sign, out in ((1.0, plus), (-1.0, minus)):
            zz = rows[:n]
            zz[:] = shifted
            zz[r, chunk] += sign * h  # z ± h e_i, less m
            tz = zz @ t
            np.exp(zz, out=zz)
            lse = np.log(zz.sum(axis=1))  # log-sum-exp, once per evaluation (less m)
            out[start:start + n] = -tz + tsum * lse  # −Σ t_k (z_k − lse); the m cancels
    return plus, minus


def gradient_check(K: int, *, indices=None, seed: int = 0, h: float = 1e-6,
                   method: str = "hoisted", tol: float | None = None,
                   gradient=None) -> dict[str, Any]:
    """Compare y − t with central differences of C for K classes.

    ``indices``: the (0-based) components i to check, default all K. ``gradient``: a
    function ``(z, t) -> array`` to check instead of y − t (to see a wrong formula fail).
    ``tol``: the largest accepted error, default about 20·ε·|C|/h + h². Returns a dict with
    ``K``, ``indices`` (how many), ``max_abs_error``, ``max_rel_error`` (relative to
    max |y − t|), ``max_abs_gradient``, ``tolerance``, ``ok``, ``seconds``, ``h``,
    ``seed`` and ``method``.
    """
    np = _np()
    if K < 1:
        raise ValueError("K must be at least 1")
    if h <= 0:
        raise ValueError("h must be positive")
    t0 = time.perf_counter()
    z, t = problem(K, seed)
    idx = np.arange(K) if indices is None else np.asarray(list(indices), dtype=np.intp)
    if idx.size and (idx.min() < 0 or idx.max() >= K):
        raise ValueError(f"indices must lie in 0..{K - 1}")
    full = softmax(z) - t if gradient is None else np.asarray(gradient(z, t), dtype=float)
    analytic = full[idx]
    if method == "hoisted":
        plus, minus = _losses_hoisted(z, t, idx, h)
    elif method == "direct":
        plus, minus = _losses_direct(z, t, idx, h)
    else:
        raise ValueError(f"unknown method {method!r} (hoisted or direct)")
    numeric = (plus - minus) / (2 * h)
    err = np.abs(numeric - analytic)
    seconds = time.perf_counter() - t0
    c = abs(float(np.dot(t, z - np.max(z)))) + abs(float(np.log(np.sum(np.exp(z - np.max(z))))))
    tolerance = tol if tol is not None else 20 * EPS * max(1.0, c) / h + h * h
    max_err = float(err.max()) if err.size else 0.0
    max_grad = float(np.abs(analytic).max()) if err.size else 0.0
    return {
        "K": K,
        "indices": int(idx.size),
        "max_abs_error": max_err,
        "max_rel_error": max_err / max_grad if max_grad else 0.0,
        "max_abs_gradient": max_grad,
        "tolerance": float(tolerance),
        "ok": bool(max_err <= tolerance),
        "seconds": seconds,
        "h": h,
        "seed": seed,
        "method": method,
    }


if __name__ == "__main__":  # pragma: no cover
    import sys

    for k in [int(a) for a in sys.argv[1:]] or [10, 100, 1000, 10000]:
        for meth in ("hoisted", "direct"):
            r = gradient_check(k, method=meth)
            print(f"K={k:>6} {meth:<8} max|err|={r['max_abs_error']:.2e} "
                  f"tol={r['tolerance']:.1e} ok={r['ok']} {r['seconds'] * 1e3:8.2f} ms")

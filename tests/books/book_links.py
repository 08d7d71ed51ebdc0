"""The links of Machine Learning from Scratch (tests/books/mlbook), for oracle_check.py.

Written by hand with numpy, like the rest of the oracle; it does NOT import derive. Each
function draws a random problem (N examples, D features, K classes) and returns the two
sides of one link; ``a`` imposes the assumption the expectation names.
"""
from __future__ import annotations

import math

import numpy as np


def _simple(r, a):
    """Simple regression data; with a, the least-squares estimates and the sample means."""
    n = int(r.integers(2, 9))
    x, y = r.normal(0, 2, n), r.normal(0, 2, n)
    if a:
        xb, yb = x.mean(), y.mean()
        b1 = np.sum((x - xb) * (y - yb)) / np.sum((x - xb) ** 2)
        b0 = yb - b1 * xb
    else:
        xb, yb, b0, b1 = r.normal(0, 2, 4)
    return n, x, y, xb, yb, b0, b1


def _multiple(r, full=True):
    n, d = int(r.integers(2, 9)), int(r.integers(1, 4))
    if full:
        n = max(n, d + 2)
    X = np.column_stack([np.ones(n), r.normal(0, 1.5, (n, d))])
    return X, r.normal(0, 2, n), r.normal(0, 1, d + 1)


def _pdf(v, mean, s):
    return np.exp(-(v - mean) ** 2 / (2 * s**2)) / (np.sqrt(2 * np.pi) * s)


def define_mlbook(link, sig, smax, lse, grad):  # noqa: C901  (one small function per link)
    """Register the mlbook links with ``link``, using the oracle's own numeric helpers."""
    LM, LK = "mlbook/loss-minimization", "mlbook/likelihood-maximization"
    LG = "mlbook/logistic-regression"

    def rss(b0, b1, x, y):
        return 0.5 * np.sum((y - (b0 + b1 * x)) ** 2)

    @link(LM, 5, 1)
    def _lm5(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, False)
        yhat = b0 + b1 * x
        return 0.5 * np.sum((y - yhat) ** 2), rss(b0, b1, x, y)

    @link(LM, 6, 1)
    def _lm6a(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, False)
        return grad(lambda v: rss(v[0], b1, x, y), [b0])[0], -np.sum(y - b0 - b1 * x)

    @link(LM, 6, 2)
    def _lm6b(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, False)
        if a:
            xb, yb = x.mean(), y.mean()
        return -np.sum(y - b0 - b1 * x), -n * (yb - b0 - b1 * xb)

    @link(LM, 7, 1)
    def _lm7(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, a)
        return b0, yb - b1 * xb

    @link(LM, 8, 1)
    def _lm8(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, False)
        return grad(lambda v: rss(b0, v[0], x, y), [b1])[0], -np.sum((y - b0 - b1 * x) * x)

    @link(LM, 9, 1)
    def _lm9a(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, a)
        return np.sum((y - (yb - b1 * xb) - b1 * x) * x), 0.0

    @link(LM, 9, 2)
    def _lm9b(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, a)
        return b1 * np.sum((x - xb) * x), np.sum((y - yb) * x)

    @link(LM, 9, 3)
    def _lm9c(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, a)
        return b1, np.sum(x * (y - yb)) / np.sum(x * (x - xb))

    @link(LM, 10, 1)
    def _lm10(r, a):
        z, c = r.normal(0, 2, int(r.integers(1, 9))), r.normal(0, 2)
        zb = z.mean() if a else r.normal(0, 2)
        return np.sum(c * (z - zb)), 0.0

    @link(LM, 11, 1)
    def _lm11(r, a):
        n, x, y, xb, yb, b0, b1 = _simple(r, a)
        return b1, np.sum((x - xb) * (y - yb)) / np.sum((x - xb) ** 2)

    @link(LM, 13, 1)
    def _lm13(r, a):
        X, y, beta = _multiple(r)
        eps = r.normal(0, 1, len(y))
        xn = X if a else r.normal(0, 1.5, X.shape)  # x_n with or without its leading 1
        y12 = beta[0] + X[:, 1:] @ beta[1:] + eps     # display 12
        return y12, xn @ beta + eps

    @link(LM, 14, 2)
    def _lm14(r, a):
        X, y, bh = _multiple(r)
        yhat = X @ bh if a else r.normal(0, 2, len(y))
        return 0.5 * np.sum((y - X @ bh) ** 2), 0.5 * np.sum((y - yhat) ** 2)

    @link(LM, 16, 1)
    def _lm16(r, a):
        X, y, bh = _multiple(r)
        res = y - X @ bh
        return 0.5 * sum((y[i] - bh @ X[i]) ** 2 for i in range(len(y))), 0.5 * res @ res

    @link(LM, 17, 1)
    def _lm17a(r, a):
        return _lm16(r, a)

    @link(LM, 17, 2)
    def _lm17b(r, a):
        X, y, bh = _multiple(r)
        L = lambda b: 0.5 * (y - X @ b) @ (y - X @ b)  # noqa: E731
        return grad(L, bh), -X.T @ (y - X @ bh)

    def _ls(r, a):
        X, y, bh = _multiple(r)
        if a:
            bh = np.linalg.solve(X.T @ X, X.T @ y)
        return X, y, bh

    @link(LM, 18, 1)
    def _lm18a(r, a):
        X, y, bh = _ls(r, a)
        return X.T @ X @ bh, X.T @ y

    @link(LM, 18, 2)
    def _lm18b(r, a):
        X, y, bh = _ls(r, a)
        return bh, np.linalg.inv(X.T @ X) @ X.T @ y

    @link(LM, "u1", 1)
    def _lmu1(r, a):
        n, m = int(r.integers(1, 6)), int(r.integers(1, 6))
        A, q, s = r.normal(0, 1, (n, m)), r.normal(0, 1, n), r.normal(0, 1, m)
        W = r.normal(0, 1, (n, n))
        if a:
            W = W + W.T
        f = lambda v: (q - A @ v) @ W @ (q - A @ v)  # noqa: E731
        return grad(f, s), -2 * A.T @ W @ (q - A @ s)

    # --------------------------------------------------- likelihood maximisation
    def normal_lik(r, a, vector=False):
        n, s = int(r.integers(2, 9)), float(r.uniform(0.3, 3.0))
        if vector:
            X, Y, beta = _multiple(r)
            mean = X @ beta
        else:
            x, Y, b = r.normal(0, 2, n), r.normal(0, 2, n), r.normal(0, 1, 2)
            mean = b[0] + b[1] * x
        dens = _pdf(Y, mean, s)
        Ln = dens if a else r.uniform(0.01, 1.0, len(Y))
        return Y, mean, s, dens, Ln

    @link(LK, 5, 2)
    def _lk5b(r, a):
        Y, mean, s, dens, Ln = normal_lik(r, a)
        return np.prod(Ln), np.prod(dens)

    @link(LK, 5, 3)
    def _lk5c(r, a):
        Y, mean, s, dens, Ln = normal_lik(r, a)
        return math.log(np.prod(Ln)), -np.sum((Y - mean) ** 2) / (2 * s**2)

    @link(LK, 7, 1)
    def _lk7a(r, a):
        n, x, Y, xb, Yb, b0, b1 = _simple(r, a)
        return b0, Yb - b1 * xb

    @link(LK, 7, 2)
    def _lk7b(r, a):
        n, x, Y, xb, Yb, b0, b1 = _simple(r, a)
        return b1, np.sum((x - xb) * (Y - Yb)) / np.sum((x - xb) ** 2)

    @link(LK, 9, 1)
    def _lk9a(r, a):
        Y, mean, s, dens, Ln = normal_lik(r, a, vector=True)
        return math.log(np.prod(Ln)), -np.sum((Y - mean) ** 2) / (2 * s**2)

    @link(LK, 9, 2)
    def _lk9b(r, a):
        X, Y, beta = _multiple(r)
        s = float(r.uniform(0.3, 3.0))
        bh = beta if a else r.normal(0, 1, len(beta))
        y = Y if a else r.normal(0, 2, len(Y))
        return -np.sum((Y - X @ beta) ** 2) / (2 * s**2), -(y - X @ bh) @ (y - X @ bh) / (2 * s**2)

    @link(LK, 10, 1)
    def _lk10(r, a):
        X, y, bh = _ls(r, a)
        return bh, np.linalg.inv(X.T @ X) @ X.T @ y

    # ------------------------------------------------------ logistic regression
    def logit_env(r):
        X, _, bh = _multiple(r, full=False)
        return X, bh, r.integers(0, 2, len(X)).astype(float)

    @link(LG, 3, 1)
    def _lg3a(r, a):
        p = r.uniform(0.02, 0.98, int(r.integers(1, 8)))
        f = lambda v: np.log(v / (1 - v))  # noqa: E731  (display 2)
        return f(p), np.log(p / (1 - p))

    @link(LG, 3, 2)
    def _lg3b(r, a):
        X, bh, _ = logit_env(r)
        z = bh[0] + X[:, 1:] @ bh[1:]
        p = sig(z) if a else r.uniform(0.02, 0.98, len(X))
        return np.log(p / (1 - p)), z

    @link(LG, 3, 3)
    def _lg3c(r, a):
        X, bh, _ = logit_env(r)
        xn = X if a else r.normal(0, 1.5, X.shape)
        return bh[0] + X[:, 1:] @ bh[1:], xn @ bh

    @link(LG, 4, 1)
    def _lg4a(r, a):
        X, bh, _ = logit_env(r)
        p = sig(X @ bh) if a else r.uniform(0.02, 0.98, len(X))
        return p, sig(X @ bh)

    @link(LG, 4, 2)
    def _lg4b(r, a):
        X, bh, _ = logit_env(r)
        return sig(X @ bh), 1 / (1 + np.exp(-(X @ bh)))

    @link(LG, 5, 1)
    def _lg5a(r, a):
        X, bh, _ = logit_env(r)
        x = X[0]
        p_fixed = float(r.uniform(0.02, 0.98))
        phat = (lambda b: sig(b @ x)) if a else (lambda b: p_fixed)
        return grad(phat, bh), grad(lambda b: sig(b @ x), bh)

    @link(LG, 5, 2)
    def _lg5b(r, a):
        X, bh, _ = logit_env(r)
        x = X[0]
        s = sig(bh @ x)
        return grad(lambda b: sig(b @ x), bh), s * (1 - s) * x

    def pn(r, a, X, beta):
        return sig(X @ beta) if a else r.uniform(0.02, 0.98, len(X))

    @link(LG, 6, 2)
    def _lg6(r, a):
        X, beta, y = logit_env(r)
        p, s = pn(r, a, X, beta), sig(X @ beta)
        return p**y * (1 - p) ** (1 - y), s**y * (1 - s) ** (1 - y)

    @link(LG, 7, 2)
    def _lg7b(r, a):
        X, beta, y = logit_env(r)
        p, s = pn(r, a, X, beta), sig(X @ beta)
        return np.prod(p**y * (1 - p) ** (1 - y)), np.prod(s**y * (1 - s) ** (1 - y))

    @link(LG, 7, 3)
    def _lg7c(r, a):
        X, beta, y = logit_env(r)
        p, s = pn(r, a, X, beta), sig(X @ beta)
        lhs = math.log(np.prod(p**y * (1 - p) ** (1 - y)))
        return lhs, np.sum(y * np.log(s) + (1 - y) * np.log(1 - s))

    def loglik(r, a, X, y):
        p_fixed = r.uniform(0.02, 0.98, len(X))

        def f(b):
            p = sig(X @ b) if a else p_fixed
            return np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
        return f

    def dsig(X, beta):
        # row n: ∂σ(β^T x_n)/∂β
        return np.array([grad(lambda b, xn=xn: sig(b @ xn), beta) for xn in X])

    @link(LG, 8, 1)
    def _lg8a(r, a):
        X, beta, y = logit_env(r)
        s, ds = sig(X @ beta), dsig(X, beta)
        rhs = np.sum((y / s)[:, None] * ds - ((1 - y) / (1 - s))[:, None] * ds, axis=0)
        return grad(loglik(r, a, X, y), beta), rhs

    @link(LG, 8, 2)
    def _lg8b(r, a):
        X, beta, y = logit_env(r)
        s, ds = sig(X @ beta), dsig(X, beta)
        lhs = np.sum((y / s)[:, None] * ds - ((1 - y) / (1 - s))[:, None] * ds, axis=0)
        return lhs, np.sum((y * (1 - s))[:, None] * X - ((1 - y) * s)[:, None] * X, axis=0)

    @link(LG, 8, 3)
    def _lg8c(r, a):
        X, beta, y = logit_env(r)
        s = sig(X @ beta)
        lhs = np.sum((y * (1 - s))[:, None] * X - ((1 - y) * s)[:, None] * X, axis=0)
        return lhs, np.sum(y[:, None] * X - s[:, None] * X, axis=0)

    @link(LG, 8, 4)
    def _lg8d(r, a):
        X, beta, y = logit_env(r)
        s, p = sig(X @ beta), pn(r, a, X, beta)
        return np.sum(y[:, None] * X - s[:, None] * X, axis=0), np.sum((y - p)[:, None] * X, axis=0)

    @link(LG, 9, 1)
    def _lg9(r, a):
        X, beta, y = logit_env(r)
        p = pn(r, a, X, beta)
        return grad(loglik(r, a, X, y), beta), X.T @ (y - p)

    # multiclass: B is D×K, z_n = A^T B^T x_n (A = I under the assumption), I_nk labels
    def multi(r, a_z=False, a_onehot=False):
        n, d, k = int(r.integers(1, 7)), int(r.integers(1, 4)), int(r.integers(2, 6))
        X, B = r.normal(0, 1.5, (n, d)), r.normal(0, 1, (d, k))
        A = np.eye(k) if a_z else np.eye(k) + r.normal(0, 0.7, (k, k))
        if a_onehot:
            Inds = np.zeros((n, k))
            Inds[np.arange(n), r.integers(0, k, n)] = 1.0
        else:
            Inds = r.normal(0.5, 1.0, (n, k))
        j = int(r.integers(k))
        return X, B, A, Inds, j

    def with_col(B, j, bj):
        return np.column_stack([B[:, :j], bj, B[:, j + 1:]])

    def Z(X, B, A):
        return X @ B @ A

    def loglik_multi(X, A, Inds):
        return lambda B: float(np.sum(Inds * np.array([np.log(smax(z)) for z in Z(X, B, A)])))

    @link(LG, 14, 2)
    def _lg14(r, a):
        X, B, A, Inds, j = multi(r)
        zh = B.T @ X[0]
        return smax(zh), smax(B.T @ X[0])

    @link(LG, 15, 2)
    def _lg15b(r, a):
        n, k = int(r.integers(1, 7)), int(r.integers(2, 6))
        P = np.array([r.dirichlet(np.ones(k)) for _ in range(n)])
        Inds = r.normal(0.5, 1.0, (n, k))
        return math.log(np.prod(P**Inds)), float(np.sum(Inds * np.log(P)))

    def named(r, a, z):
        """sigmoid_k(z_n): the logistic σ(z_nk) as the name says, or softmax_k under a."""
        return np.array([smax(row) for row in z]) if a else sig(z)

    @link(LG, 15, 3)
    def _lg15c(r, a):
        X, B, A, Inds, j = multi(r)
        z = Z(X, B, A)
        k = z.shape[1]
        P = np.array([smax(row) if a else r.dirichlet(np.ones(k)) for row in z])
        return float(np.sum(Inds * np.log(P))), float(np.sum(Inds * np.log(named(r, a, z))))

    @link(LG, 15, 4)
    def _lg15d(r, a):
        X, B, A, Inds, j = multi(r)
        z = Z(X, B, A)
        rhs = sum(Inds[i, kk] * (z[i, kk] - lse(z[i]))
                  for i in range(len(z)) for kk in range(z.shape[1]))
        return float(np.sum(Inds * np.log(named(r, a, z)))), float(rhs)

    @link(LG, 16, 1)
    def _lg16a(r, a):
        z = r.normal(0, 2, int(r.integers(2, 7)))
        k = int(r.integers(len(z)))
        lhs = math.log(smax(z)[k]) if a else math.log(sig(z[k]))
        return lhs, math.log(np.exp(z[k]) / sum(np.exp(z[k]) for _ in z))

    @link(LG, 16, 2)
    def _lg16b(r, a):
        z = r.normal(0, 2, int(r.integers(2, 7)))
        k = int(r.integers(len(z)))
        return math.log(np.exp(z[k]) / sum(np.exp(z[k]) for _ in z)), z[k] - lse(z)

    @link(LG, 17, 1)
    def _lg17a(r, a):
        X, B, A, Inds, j = multi(r, a_z=a)
        k = j
        g = grad(lambda bj: Z(X[:1], with_col(B, j, bj), A)[0, k], B[:, j])
        return g, X[0]

    @link(LG, 17, 3)
    def _lg17c(r, a):
        X, B, A, Inds, j = multi(r, a_z=a)
        k = (j + 1) % B.shape[1]
        g = grad(lambda bj: Z(X[:1], with_col(B, j, bj), A)[0, k], B[:, j])
        return g, np.zeros(B.shape[0])

    @link(LG, 18, 1)
    def _lg18(r, a):
        X, B, A, Inds, j = multi(r, a_z=a)
        f = lambda bj: float(Inds[0] @ Z(X[:1], with_col(B, j, bj), A)[0])  # noqa: E731
        return grad(f, B[:, j]), Inds[0, j] * X[0]

    def dlogL_dbj(X, B, A, Inds, j):
        L = loglik_multi(X, A, Inds)
        return grad(lambda bj: L(with_col(B, j, bj)), B[:, j])

    @link(LG, 19, 1)
    def _lg19a(r, a):
        X, B, A, Inds, j = multi(r, a_z=a)
        z = Z(X, B, A)
        rhs = sum(Inds[i, j] * X[i] - sum(Inds[i, kk] * np.exp(z[i, j]) * X[i] / np.exp(z[i]).sum()
                                          for kk in range(z.shape[1])) for i in range(len(X)))
        return dlogL_dbj(X, B, A, Inds, j), rhs

    @link(LG, 19, 2)
    def _lg19b(r, a):
        X, B, A, Inds, j = multi(r)
        z = Z(X, B, A)
        lhs = sum(Inds[i, j] * X[i] - sum(Inds[i, kk] * np.exp(z[i, j]) * X[i] / np.exp(z[i]).sum()
                                          for kk in range(z.shape[1])) for i in range(len(X)))
        rhs = sum((Inds[i, j] - np.sum(Inds[i]) * smax(z[i])[j]) * X[i] for i in range(len(X)))
        return lhs, rhs

    @link(LG, 19, 3)
    def _lg19c(r, a):
        X, B, A, Inds, j = multi(r)
        z = Z(X, B, A)
        P = np.array([smax(row) if a else r.dirichlet(np.ones(len(row))) for row in z])
        lhs = sum((Inds[i, j] - np.sum(Inds[i]) * smax(z[i])[j]) * X[i] for i in range(len(X)))
        return lhs, sum((Inds[i, j] - P[i, j] * np.sum(Inds[i])) * X[i] for i in range(len(X)))

    @link(LG, 19, 4)
    def _lg19d(r, a):
        X, B, A, Inds, j = multi(r, a_onehot=a)
        P = np.array([smax(row) for row in Z(X, B, A)])
        lhs = sum((Inds[i, j] - P[i, j] * np.sum(Inds[i])) * X[i] for i in range(len(X)))
        return lhs, sum((Inds[i, j] - P[i, j]) * X[i] for i in range(len(X)))

    @link(LG, 21, 1)
    def _lg21(r, a):
        X, B, A, Inds, j = multi(r, a_z=a, a_onehot=a)
        P = np.array([smax(row) for row in X @ B])
        return dlogL_dbj(X, B, A, Inds, j), X.T @ (Inds[:, j] - P[:, j])

    @link(LG, 23, 1)
    def _lg23(r, a):
        X, B, A, Inds, j = multi(r, a_z=a, a_onehot=a)
        P = np.array([smax(row) for row in X @ B])
        return grad(loglik_multi(X, A, Inds), B), X.T @ (Inds - P)

    @link(LG, "u2", 1)
    def _lgu2a(r, a):
        z = float(r.normal(0, 3))
        return grad(lambda v: sig(v[0]), [z])[0], (0 + np.exp(-z)) / (1 + np.exp(-z)) ** 2

    @link(LG, "u2", 2)
    def _lgu2b(r, a):
        z = float(r.normal(0, 3))
        e = np.exp(-z)
        return (0 + e) / (1 + e) ** 2, 1 / (1 + e) * (e / (1 + e))

    @link(LG, "u2", 3)
    def _lgu2c(r, a):
        z = float(r.normal(0, 3))
        e = np.exp(-z)
        return 1 / (1 + e) * (e / (1 + e)), sig(z) * (1 - sig(z))

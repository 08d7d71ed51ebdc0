"""Shared fixtures: reports are computed once per session (checking costs ~0.3 s each)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    """Keep the on-disk verdict cache of every test run (and its subprocesses) private."""
    import os

    old = os.environ.get("DERIVE_CACHE_DIR")
    os.environ["DERIVE_CACHE_DIR"] = str(tmp_path_factory.mktemp("derive-cache"))
    yield
    if old is None:
        os.environ.pop("DERIVE_CACHE_DIR", None)
    else:
        os.environ["DERIVE_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def post_report():
    import derive

    return derive.check("softmax-cross-entropy")


@pytest.fixture(scope="session")
def transcription_report():
    import derive

    return derive.check(str(EXAMPLES / "softmax-cross-entropy.md"))


def link(report, eq: int, pos: int):
    e = next(e for e in report.equations if e.index == eq)
    return next(lk for lk in e.links if lk.position == pos)

"""The benchmark scripts run and print what they promise. Their shape only, never their times:
a timing assertion on this shared machine would be a flaky test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_corpus_speed_runs():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "corpus_speed.py"), "--only",
         "tonkic-sigmoid", "--repeat", "1", "--floor-runs", "1", "--links", "2", "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    r = json.loads(proc.stdout)
    assert r["schema"] == "derive-corpus-speed/1"
    assert r["files"] == 2  # tonkic-sigmoid.md and injected/tonkic-sigmoid.md
    assert r["repeat"] == 1 and r["links"] >= 1
    assert r["default_timeout_s"] == 20.0
    assert r["floor"] == "strict floor"
    assert set(r["floors_ms"]) == {"strict floor", "import sympy", "bench floor"}
    for key in ("median", "p90", "slowest"):
        fig = r[key]
        assert isinstance(fig["ms"], float) and isinstance(fig["ratio"], float)
        assert set(fig["ratios"]) == set(r["floors_ms"])
    s = r["slowest"]
    assert s["file"] in ("tonkic-sigmoid.md", "injected/tonkic-sigmoid.md")
    assert isinstance(s["equation"], str) and isinstance(s["position"], int)
    assert isinstance(s["of_limit"], float)
    assert len(r["slowest_links"]) == 2
    assert set(r["per_file_seconds"]) == {"tonkic-sigmoid.md", "injected/tonkic-sigmoid.md"}

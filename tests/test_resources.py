"""Bounded on any input (issue #15): huge concrete ranges, empty ranges, odd characters."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import derive

ROOT = Path(__file__).resolve().parent.parent


def test_a_unicode_superscript_is_a_reading_error_at_its_column():
    report = derive.check_text("text\n\n$$x² = x^2$$\n", "sup.md", jobs=1)
    (eq,) = report.equations
    assert eq.kind == "error"
    assert (eq.error.line, eq.error.column) == (3, 4)
    assert "^{2}" in eq.error.message


def test_an_empty_range_is_a_value_not_a_crash():
    report = derive.check_text(r"$$\sum_{k=K+1}^{K} t_k = 0$$" "\n\n"
                               r"$$\prod_{k=K+1}^{K} t_k = 1$$", jobs=1)
    assert [lk.verdict.value for lk in report.links] == ["proved", "proved"]


def _limited():
    one_gb = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (one_gb, one_gb))


def test_huge_concrete_ranges_stay_small_and_say_why(tmp_path):
    doc = tmp_path / "huge.md"
    doc.write_text("$$\\sum_{k=1}^{10^{9}} t_k = 0$$\n\n$$\\sum_{k=1}^{10^{10}} t_k = 0$$\n\n"
                   "$$\\sum_{k=1}^{10^{9}} 1 = 10^{9}$$\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DERIVE_NO_CACHE": "1", "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "derive", "check", str(doc), "-j", "1",
                           "--timeout", "10", "--format", "json"], env=env,
                          capture_output=True, text=True, timeout=300, preexec_fn=_limited)
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stdout, proc.stderr
    assert proc.returncode == 3, (proc.stdout, proc.stderr)
    (report,) = json.loads(proc.stdout)["reports"]
    verdicts = [(lk["verdict"], lk["reason"]) for e in report["equations"] for lk in e["links"]]
    assert [v for v, _ in verdicts] == ["unknown", "unknown", "proved"]  # Σ 1 needs no numbers
    assert all("a range of more than 10,000 terms (a size limit)" in r for _, r in verdicts[:2])

"""[tool.derive] in pyproject.toml: found from the current directory up, validated key by key,
overridden by flags, and read only when a check runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from derive.app import config
from derive.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
OK = "$$2 a = a + a$$\n"
WRONG = "$$2 a = a + 3 a$$\n"


def run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    full.pop("NO_COLOR", None)
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    full["DERIVE_CACHE_DIR"] = str(cwd / ".derive-cache")
    return subprocess.run([sys.executable, "-m", "derive", *args], cwd=cwd, capture_output=True,
                          text=True, env=full, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ok.md").write_text(OK)
    (tmp_path / "docs" / "wrong.md").write_text(WRONG)
    (tmp_path / "other.md").write_text(OK)
    return tmp_path


def pyproject(folder: Path, body: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_paths_and_format_come_from_the_nearest_table_found_walking_up(project):
    pyproject(project, '[project]\nname = "notes"\n\n[tool.derive]\npaths = ["docs"]\n'
                       'format = "concise"\nseed = 7\n')
    sub = project / "deep" / "er"
    sub.mkdir(parents=True)
    pyproject(project / "deep", '[project]\nname = "inner"\n')  # no [tool.derive]: passed over
    r = run(sub, "check", "--no-cache")
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(os.path.join("..", "..", "docs", "wrong.md") + ":1:1: refuted: ")
    assert lines[-1].startswith("2 links in 2 files: ✓ 1 proved, ✗ 1 refuted")
    data = json.loads(run(project, "check", "--format", "json", "--no-cache").stdout)
    assert [Path(x["source"]).name for x in data["reports"]] == ["ok.md", "wrong.md"]
    assert data["seed"] == 7 and all(x["seed"] == 7 for x in data["reports"])


def test_flags_override_the_table(project):
    pyproject(project, '[tool.derive]\npaths = ["docs"]\nformat = "json"\nseed = 7\n'
                       'timeout = 5\njobs = 1\n')
    r = run(project, "check", "other.md", "--format", "concise", "--seed", "3", "--no-cache")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "1 link in 1 file: ✓ 1 proved, ✗ 0 refuted, ~ 0 conditional, ? 0 unknown\n"
    data = json.loads(run(project, "check", "other.md", "--seed", "3", "--no-cache").stdout)
    assert data["seed"] == 3 and [x["source"] for x in data["reports"]] == ["other.md"]


def test_no_config_ignores_the_table(project):
    pyproject(project, '[tool.derive]\npaths = ["docs"]\nformat = "json"\nbad = 1\n')
    r = run(project, "check", "other.md", "--no-config", "--no-cache", "--format", "concise")
    assert r.returncode == 0 and r.stdout.startswith("1 link in 1 file"), r.stderr


@pytest.mark.parametrize("body, message", [
    ("sed = 1", "unknown key 'sed' (the keys are paths, seed, timeout, format, jobs)"),
    ("seed = -1", "seed: must be from 0 to 4294967295"),
    ("seed = 1.5", "seed: expected a whole number, not 1.5"),
    ("seed = true", "seed: expected a whole number, not True"),
    ("timeout = -2", "timeout: must be at least 0"),
    ("timeout = 'soon'", "timeout: expected a number of seconds, not 'soon'"),
    ("timeout = nan", "timeout: must be a finite number of seconds"),
    ("jobs = 0", "jobs: must be at least 1"),
    ("jobs = 'many'", "jobs: expected a number or 'auto'"),
    ("format = 'pdf'", "format: expected one of auto, plain, terminal, concise, json"),
    ("paths = 3", "paths: expected a list of paths, not 3"),
    ("paths = []", "paths: expected a list of paths, not []"),
])
def test_bad_keys_and_values_name_the_key(project, body, message):
    path = pyproject(project, f"[tool.derive]\n{body}\n")
    r = run(project, "check", "other.md", "--no-cache")
    assert r.returncode == 2, r.stdout
    assert f"derive: {path}: [tool.derive]: {message}" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_a_table_that_is_not_toml_is_an_error(project):
    path = pyproject(project, "[tool.derive]\nseed = = 1\n")
    r = run(project, "check", "other.md")
    assert r.returncode == 2 and f"derive: {path}: not valid TOML" in r.stderr


def test_without_targets_or_paths_it_is_a_usage_error(project):
    r = run(project, "check")
    assert r.returncode == 2
    assert "give a TARGET (or set paths under [tool.derive] in pyproject.toml)" in r.stderr


def test_the_toml_reader_is_imported_only_when_a_check_finds_a_table(project):
    pyproject(project, '[tool.derive]\nseed = 1\n')
    probe = ("import sys, runpy\nsys.argv = ['derive', *{args!r}]\n"
             "try:\n    runpy.run_module('derive', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print(sorted(m for m in ('tomllib', 'tomli', 'sympy') if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args, want in ((["--help"], "[]"), (["check", "--help"], "[]")):
        r = subprocess.run([sys.executable, "-c", probe.format(args=args)], cwd=project,
                           capture_output=True, text=True, env=env, timeout=120)
        assert r.stdout.strip().splitlines()[-1] == want, r.stderr
    # a pyproject.toml without the table is not parsed at all
    (project / "pyproject.toml").write_text('[project]\nname = "derive-notes"\n')
    code = ("import sys; from derive.app import config; assert config.load() == {}; "
            "print('tomllib' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.stdout.strip() == "False", r.stderr


def test_validate_directly(tmp_path):
    got = config.validate({"seed": 3, "timeout": 0, "jobs": "auto", "format": "json",
                           "paths": "docs"}, tmp_path / "pyproject.toml")
    assert got["seed"] == 3 and got["timeout"] == 0.0 and got["jobs"] == "auto"
    assert got["format"] == "json"
    (folder,) = got["paths"]  # relative to the current directory, or absolute when shorter
    assert Path(folder).resolve() == (tmp_path / "docs").resolve()
    with pytest.raises(InputError, match=r"\[tool.derive\]: jobs: must be at most 256"):
        config.validate({"jobs": 1000}, "pyproject.toml")
    with pytest.raises(InputError, match="must be a table"):
        config.validate([1], "pyproject.toml")


def test_find_stops_at_the_first_table(tmp_path):
    outer = pyproject(tmp_path, "[tool.derive]\nseed = 1\n")
    inner_dir = tmp_path / "a" / "b"
    inner_dir.mkdir(parents=True)
    assert config.find(inner_dir) == outer
    inner = pyproject(tmp_path / "a", "[tool]\nderive = { seed = 2 }\n")
    assert config.find(inner_dir) == inner
    assert config.load(inner_dir)["seed"] == 2
    pyproject(tmp_path / "a", "[tool.other]\nx = 1\n")
    assert config.find(inner_dir) == outer

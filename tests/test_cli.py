"""The command line: exit codes, output modes, JSON, stdin, directories, and cheap start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin: str | None = None, env: dict | None = None):
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "derive", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=full_env, timeout=120)


def one_report(stdout: str) -> dict:
    """The one report of the command's JSON (schema derive.report/2) for one target."""
    data = json.loads(stdout)
    assert data["schema"] == "derive.report/2" and data["files"] == 1
    (report,) = data["reports"]
    assert report["schema"] == "derive.report/1"
    return report


def test_builtin_json_is_only_the_report():
    r = run("check", "softmax-cross-entropy", "--format", "json", "--no-cache")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert data["schema"] == "derive.report/2" and data["counts"]["refuted"] == 2
    assert data["ok"] is False and data["exit_code"] == 1 and data["files"] == 1
    assert data["problems"] == [{"source": "softmax-cross-entropy", "exit_code": 1,
                                 "text": "✗ 2 refuted, 1 chain conditional"}]
    assert one_report(r.stdout)["counts"]["refuted"] == 2


def test_plain_output_when_piped_has_no_ansi_codes():
    r = run("check", "softmax-cross-entropy", "--no-cache")
    assert r.returncode == 1
    assert "\x1b[" not in r.stdout
    assert "✗ refuted" in r.stdout and "✓ proved" in r.stdout and "~ conditional" in r.stdout
    assert "K=2, i=1" in r.stdout


def test_forced_terminal_format_colours_unless_no_color():
    coloured = run("check", "softmax-cross-entropy", "--format", "terminal", "--no-cache")
    assert coloured.returncode == 1
    plain = run("check", "softmax-cross-entropy", "--format", "terminal", "--no-cache",
                env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout
    flag = run("check", "softmax-cross-entropy", "--format", "terminal", "--no-color",
               "--no-cache")
    assert "\x1b[" not in flag.stdout


def test_exit_0_when_everything_is_proved(tmp_path):
    f = tmp_path / "ok.md"
    f.write_text("$$(a + b)^2 = a^2 + 2 a b + b^2$$\n")
    assert run("check", str(f), "--no-cache").returncode == 0


def test_exit_3_when_only_unknown(tmp_path):
    f = tmp_path / "unknown.md"
    # true, but outside what the normaliser proves, and no counterexample exists
    f.write_text("$$\\log(e^{a} + e^{b}) = a + \\log(1 + e^{b - a})$$\n")
    r = run("check", str(f), "--format", "json", "--no-cache")
    data = one_report(r.stdout)
    verdict = data["equations"][0]["links"][0]["verdict"]
    assert verdict in ("unknown", "proved")
    assert r.returncode == (3 if verdict == "unknown" else 0)


def test_exit_2_on_reading_errors_and_other_equations_still_checked(tmp_path):
    f = tmp_path / "bad.md"
    f.write_text("$$2 a = a + a$$\n\n$$x = \\frac{1}{y$$\n")
    r = run("check", str(f), "--format", "json", "--no-cache")
    assert r.returncode == 2
    assert f"{f}:3:" in r.stderr and "Traceback" not in r.stderr
    data = one_report(r.stdout)
    assert data["equations"][0]["links"][0]["verdict"] == "proved"
    assert data["equations"][1]["kind"] == "error"


def test_missing_file_is_one_line_exit_2():
    r = run("check", "no-such-file.md")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "no-such-file.md" in r.stderr
    assert "Traceback" not in r.stderr


def test_usage_error_exit_2():
    r = run("check", "--format", "nonsense", "x")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_stdin_and_directories(tmp_path):
    r = run("check", "-", "--format", "json", "--no-cache", stdin="$$2 a = a + a$$\n")
    assert r.returncode == 0 and one_report(r.stdout)["source"] == "<stdin>"
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.md").write_text("$$2 a = a + a$$\n")
    (tmp_path / "sub" / "b.md").write_text("$$2 a = a + 3 a$$\n")
    r = run("check", str(tmp_path), "--format", "json", "--no-cache")
    data = json.loads(r.stdout)
    assert [Path(x["source"]).name for x in data["reports"]] == ["a.md", "b.md"]
    assert r.returncode == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("check", str(empty))
    assert r.returncode == 2 and "no Markdown" in r.stderr


def test_list_and_version():
    r = run("list")
    assert r.returncode == 0 and "softmax-cross-entropy" in r.stdout
    v = run("--version")
    assert v.returncode == 0 and v.stdout.startswith("derive ")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["list"], ["check", "--help"]])
def test_paths_that_need_no_maths_do_not_import_sympy(args):
    code = (f"import sys, runpy; sys.argv = ['derive'] + {args!r}\n"
            "try:\n    runpy.run_module('derive', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "assert 'sympy' not in sys.modules, 'sympy was imported'\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


def test_help_explains_verdicts_and_exit_codes():
    r = run("--help")
    for word in ("proved", "refuted", "conditional", "unknown", "exit codes", "check"):
        assert word in r.stdout


def test_same_input_gives_identical_json_apart_from_seconds():
    def strip(o):
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items() if k != "seconds"}
        if isinstance(o, list):
            return [strip(v) for v in o]
        return o

    # the default (-j auto: two processes for the post's 19 links, where two CPUs are usable),
    # one process, and two processes asked for
    outs = [run("check", "softmax-cross-entropy", "--format", "json", "--no-cache", *jobs).stdout
            for jobs in ((), ("-j", "1"), ("-j", "2"))]
    assert strip(json.loads(outs[0])) == strip(json.loads(outs[1])) == strip(json.loads(outs[2]))


@pytest.mark.parametrize("name", ["class-label-c.md", "delta-kj.md"])
def test_counterexamples_do_not_depend_on_the_hash_seed(name):
    """The points searched were once drawn in the order of a set of sympy symbols, which
    changes with PYTHONHASHSEED: these two documents reported other counterexamples under
    the seeds 0 and 5 than under 1."""
    path = str(ROOT / "tests" / "data" / "notations" / name)
    outs = []
    for seed in ("0", "1", "5"):
        r = run("check", path, "--format", "json", "--no-cache", "-j", "1",
                env={"PYTHONHASHSEED": seed})
        assert r.returncode == 1, r.stderr
        outs.append([link["counterexample"] for e in one_report(r.stdout)["equations"]
                     for link in e.get("links", []) if link.get("counterexample")])
    assert outs[0] and outs[0] == outs[1] == outs[2]


def test_github_annotations_point_at_line_52():
    r = run("check", "softmax-cross-entropy", "--format", "github", "--no-cache")
    assert r.returncode == 1
    errors = [line for line in r.stdout.splitlines() if line.startswith("::error ")]
    assert len(errors) == 2 and all("line=52" in line for line in errors)
    assert any(line.startswith("::warning ") and "line=52" in line
               for line in r.stdout.splitlines())


@pytest.mark.parametrize("fmt,marker", [
    ("markdown", "| "), ("html", "<html"), ("latex", "\\documentclass"), ("plain", "Summary"),
])
def test_other_formats(fmt, marker):
    r = run("check", "softmax-cross-entropy", "--format", fmt, "--no-cache")
    assert r.returncode == 1 and marker in r.stdout
    assert "refuted" in r.stdout


def test_html_needs_no_network():
    r = run("check", "softmax-cross-entropy", "--format", "html", "--no-cache")
    for needle in ("http://", "https://", "<script src"):
        assert needle not in r.stdout


def test_a_prose_only_file_is_not_an_error(tmp_path):
    (tmp_path / "README.md").write_text("# Notes\n\nNo display math here, only $x$ inline.\n")
    (tmp_path / "post.md").write_text("$$2 a = a + a$$\n")
    r = run("check", str(tmp_path), "--format", "json", "--no-cache")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    prose = next(x for x in data["reports"] if x["source"].endswith("README.md"))
    assert prose["ok"] and any("no display equations" in n for n in prose["notes"])


FREEZE_PROBE = """
import gc, sys
{call}
assert gc.isenabled(), "the collector was left paused"
print(gc.get_freeze_count(), file=sys.stderr)
"""


def _freeze_count(call: str) -> int:
    r = subprocess.run([sys.executable, "-c", FREEZE_PROBE.format(call=call)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    return int(r.stderr.strip().splitlines()[-1])


def test_the_engine_import_pauses_the_collector_only_for_the_command_line():
    post = str(ROOT / "examples" / "softmax-cross-entropy.md")
    probe = ("import gc, sys\n"
             "seen, at_freeze = [], []\n"
             "gc.callbacks.append(lambda phase, info: seen.append(phase))\n"
             "real_freeze = gc.freeze\n"
             "def freeze():\n"
             "    at_freeze.append(len(seen))\n"
             "    real_freeze()\n"
             "gc.freeze = freeze\n"
             "at_pause, real_disable = [], gc.disable\n"
             "def disable():\n"
             "    at_pause.append(len(seen))\n"
             "    real_disable()\n"
             "gc.disable = disable\n"
             "{call}\n"
             "paused = (at_freeze[0] - at_pause[0]) if at_pause and at_freeze else len(seen)\n"
             "print(len(at_pause), paused, gc.isenabled(), gc.get_freeze_count(),"
             " file=sys.stderr)")
    calls = {"cli": ("from derive.app.cli import main\n"
                     f"main(['check', {post!r}, '--format', 'json', '--no-cache', '-j', '1'])"),
             "library": f"import derive\nderive.check({post!r})"}
    out = {}
    for name, call in calls.items():
        r = subprocess.run([sys.executable, "-c", probe.format(call=call)], capture_output=True,
                           text=True, cwd=ROOT, timeout=120)
        assert r.returncode == 0, r.stderr
        pauses, collections, enabled, frozen = r.stderr.split()[-4:]
        out[name] = (int(pauses), int(collections), enabled == "True", int(frozen))
    # paused once, no collection from then until the engine was imported and frozen,
    # resumed, sympy frozen
    assert out["cli"][:3] == (1, 0, True) and out["cli"][3] > 10_000
    assert out["library"][0] == 0 and out["library"][1] > 0  # never paused, collected
    assert out["library"][2:] == (True, 0)  # a library caller's process: untouched


def test_derive_no_fast_exit_leaves_the_process_as_python_runs_it():
    post = str(ROOT / "examples" / "softmax-cross-entropy.md")
    cli = (f"import os\nos.environ['DERIVE_NO_FAST_EXIT'] = '1'\n"
           f"from derive.app.cli import main\n"
           f"main(['check', {post!r}, '--format', 'json', '--no-cache'])")
    assert _freeze_count(cli) == 0
    r = _exit_probe(["check", post, "--format", "json", "--no-cache"],
                    env={"DERIVE_NO_FAST_EXIT": "1"})
    assert r.returncode == 1 and "left at once" not in r.stderr, r.stderr
    assert json.loads(r.stdout)["exit_code"] == 1


def test_the_library_has_no_process_switches():
    from derive.app import api

    assert not [name for name in vars(api) if name.isupper() and "PROCESS" in name]


def test_the_command_line_freezes_the_gc_after_loading_the_engine_and_a_library_does_not():
    post = str(ROOT / "examples" / "softmax-cross-entropy.md")
    cli = (f"from derive.app.cli import main\n"
           f"main(['check', {post!r}, '--format', 'json', '--no-cache'])")
    assert _freeze_count(cli) > 10_000  # sympy's objects, frozen out of the collector
    library = f"import derive\nderive.check({post!r})"
    assert _freeze_count(library) == 0  # a library user's process is left alone
    nothing = "from derive.app.cli import main\nmain(['list'])"
    assert _freeze_count(nothing) == 0  # no engine, nothing to freeze


def test_the_command_line_gives_the_library_s_verdicts():
    import derive

    post = ROOT / "examples" / "softmax-cross-entropy.md"
    r = run("check", str(post), "--format", "json", "--no-cache")
    got = {(e["index"], link["position"]): link["verdict"]
           for e in one_report(r.stdout)["equations"] for link in e["links"]}
    want = {(e.index, link.position): link.verdict.value
            for e in derive.check(post).equations for link in e.links}
    assert got == want and list(got.values()).count("refuted") == 2


def test_help_fits_the_terminal_width_given_by_columns():
    narrow = run("check", "--help", env={"COLUMNS": "60"})
    wide = run("check", "--help", env={"COLUMNS": "140"})
    assert narrow.returncode == 0 and wide.returncode == 0
    # argparse wraps the option help at the width (the examples are laid out by hand)
    seed = [line for line in narrow.stdout.splitlines() if "numeric search" in line]
    assert seed and all(len(line) <= 60 for line in seed)
    assert len(narrow.stdout.splitlines()) > len(wide.stdout.splitlines())


# os._exit, watched: the probe says when the program leaves through it; and, when asked,
# an exit hook of the kind coverage registers
EXIT_PROBE = """
import os, sys
real_exit = os._exit
def watched_exit(code):
    sys.__stderr__.write("left at once\\n")
    sys.__stderr__.flush()
    real_exit(code)
os._exit = watched_exit
if {hook}:
    import atexit
    atexit.register(lambda: sys.__stderr__.write("hook ran\\n"))
sys.argv = ["derive", *{args!r}]
from derive.app.cli import run
run()
"""


def _exit_probe(args: list[str], hook: bool = False, env: dict | None = None):
    # python -S, with site-packages on the path: no environment's .pth hook (one that
    # registers an exit hook, as a sandbox's certificate shim does) decides the exit
    import site

    paths = [str(ROOT), *site.getsitepackages(), site.getusersitepackages()]
    code = f"import sys; sys.path[:0] = {paths!r}\n" + EXIT_PROBE.format(args=args, hook=hook)
    return subprocess.run([sys.executable, "-S", "-c", code],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, **(env or {})})


def test_the_program_leaves_at_once_after_a_check_with_its_output_and_exit_code(tmp_path):
    post = str(ROOT / "examples" / "softmax-cross-entropy.md")
    r = _exit_probe(["check", post, "--format", "json", "--no-cache"])
    assert r.returncode == 1, r.stderr  # the exit code survives os._exit
    assert json.loads(r.stdout)["counts"]["refuted"] == 2  # the whole report was flushed
    assert "left at once" in r.stderr
    f = tmp_path / "mixed.md"
    f.write_text("$$(a + b)^2 = a^2 + 2 a b + b^2$$\n\n$$a = \\frob{b}$$\n")
    mixed = _exit_probe(["check", str(f), "--no-cache", "--format", "plain"])
    assert mixed.returncode == 2 and "left at once" in mixed.stderr
    assert f"{f}:3:" in mixed.stderr and "✓ proved" in mixed.stdout  # both streams flushed


def test_the_program_exits_as_usual_when_an_exit_hook_is_registered_or_no_check_ran():
    post = str(ROOT / "examples" / "softmax-cross-entropy.md")
    hooked = _exit_probe(["check", post, "--format", "json", "--no-cache"], hook=True)
    assert hooked.returncode == 1 and json.loads(hooked.stdout)["ok"] is False
    assert "hook ran" in hooked.stderr and "left at once" not in hooked.stderr
    for args, code in ((["list"], 0), (["--version"], 0), (["check", "no-such-file.md"], 2)):
        r = _exit_probe(args)
        assert r.returncode == code and "left at once" not in r.stderr  # no engine loaded

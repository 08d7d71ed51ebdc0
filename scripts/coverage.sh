#!/usr/bin/env bash
# Line coverage of derive/ by the test suite, counting every Python process the suite starts:
# the CLI subprocesses (python -m derive …), the forked workers of -j N, pytest-xdist's
# workers and the notebook's kernel.
#
#   scripts/coverage.sh                  # the default test run (as the README's test command)
#   scripts/coverage.sh -n 0 tests/test_cli.py   # any pytest arguments instead
#
# How: a throw-away virtual environment (--system-site-packages, so it sees the installed
# derive and test dependencies) gets a sitecustomize.py that starts coverage in every interpreter
# started with COVERAGE_PROCESS_START set (coverage.process_startup). The suite runs under that
# interpreter, and its subprocesses use it too: the tests start them with sys.executable.
# Settings are in pyproject.toml, [tool.coverage.*]: one data file per process (parallel),
# os._exit and fork patched so the command line and the forked workers save theirs. The data
# files and the report go to a temporary directory (COVERAGE_FILE is absolute because the CLI
# tests run in their own tmp_path). Nothing is installed into the project or its environment.
# The default test run is unchanged: without COVERAGE_PROCESS_START the sitecustomize does nothing,
# and it exists only in the throw-away environment.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-python3}

"$python" - <<'EOF' || { echo "needs coverage >= 7.10 (pip install 'coverage>=7.10')" >&2; exit 2; }
import coverage
assert coverage.version_info >= (7, 10), coverage.__version__
EOF

work=$(mktemp -d "${TMPDIR:-/tmp}/derive-coverage.XXXXXX")
trap 'rm -rf "$work/venv"' EXIT
"$python" -m venv --system-site-packages "$work/venv"
site=$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# A sitecustomize, not a .pth: it runs once every site directory is on sys.path, and a .pth of
# the venv's own would run before the system's site-packages (where coverage is) are added.
# coverage >= 7.7 also installs a .pth that does the same; coverage starts once either way.
cat > "$site/sitecustomize.py" <<'EOF'
import os

if os.environ.get("COVERAGE_PROCESS_START"):
    import coverage

    coverage.process_startup()
EOF

export COVERAGE_PROCESS_START="$root/pyproject.toml"
# the venv's sys.prefix hides the base interpreter's share/jupyter (nbconvert's templates)
base=$("$python" -c 'import sys; print(sys.prefix)')
export JUPYTER_PATH="$base/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export COVERAGE_FILE="$work/.coverage"
cov() { "$work/venv/bin/python" -m coverage "$@" --rcfile="$root/pyproject.toml"; }

if [ "$#" = 0 ]; then
  # `import coverage` imports tomllib in every measured process, so the one test that looks
  # for tomllib in a fresh process's sys.modules cannot pass under coverage
  set -- -q -p no:randomly \
    --deselect tests/test_config.py::test_the_toml_reader_is_imported_only_when_a_check_finds_a_table
fi
echo "+ pytest $*   (coverage data in $work)"
set +e
"$work/venv/bin/python" -m pytest "$@"
status=$?
set -e

unset COVERAGE_PROCESS_START  # the coverage commands below are not to be measured
# a process whose environment lost COVERAGE_FILE wrote its data in the repository: take it
find "$root" -maxdepth 1 -name '.coverage.*' -newer "$work/venv" -exec mv {} "$work" \;
files=$(find "$work" -maxdepth 1 -name '.coverage.*' | wc -l)
cov combine --quiet
cov report | tee "$work/report.txt"
echo "$files processes' data combined; report in $work/report.txt"
exit "$status"

"""The command line: ``derive check TARGET...``, ``derive list``, ``derive cache dir|clear``,
``derive --version``.

A thin layer: it parses options, asks :mod:`derive.api` for reports, hands them to a
renderer and maps outcomes to exit codes (0 all proved; 1 a link refuted or
conditional; 3 nothing refuted but something unknown; 2 usage or input errors, or a
worker that died; a closed standard output keeps the code, or makes a 0 into 141).
It imports no sympy itself, so ``--help``, ``--version`` and ``list`` stay fast.
:func:`main` is meant to be the whole of its process: once a check has loaded the engine it
freezes the garbage collector's view of sympy (``gc.freeze``) and defers sympy's tensor
module (:mod:`derive.deferred`), which would only cost a longer-lived caller memory or
surprise it; use :mod:`derive.api` from Python instead. :func:`run`, the program itself,
then leaves without taking sympy's objects apart (``os._exit``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import NoReturn

EXIT_OK, EXIT_FALSE, EXIT_ERROR, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: standard output was closed and the check passed
FORMATS = ("auto", "terminal", "plain", "json", "markdown", "html", "latex", "github")

DESCRIPTION = """\
Check every step of a derivation, for every size.

derive reads display equations ($$…$$, \\[…\\], equation/align) from Markdown with
LaTeX math, splits each one at its top-level '=' signs, and checks every link:
symbolically for a symbolic number of classes K, then with numbers for a
counterexample. Each link gets a verdict:

  ✓ proved       symbolically, for every size
  ✗ refuted      with a concrete counterexample, re-checked at a second precision
  ~ conditional  false in general, true under a named assumption (e.g. Σ_k t_k = 1)
  ? unknown      undecided; never counted as passed
"""

EPILOG = """\
exit codes:
  0  every link is proved
  1  a link is refuted or conditional
  2  usage or input error (unreadable file, an equation that cannot be read),
     or a check that could not finish (a worker process was killed)
  3  nothing refuted, but something is unknown

examples:
  derive check softmax-cross-entropy        the built-in post, step by step
  derive check notes.md docs/               files and directories (*.md, recursively)
  cat notes.md | derive check -             standard input
  derive check post.md --format json        the report as JSON (schema derive.report/1)
  derive check docs/ --format github        annotations for GitHub Actions
  derive list                               the built-in derivations
  derive cache clear                        forget every cached report (see derive cache -h)
"""


CACHE_DESCRIPTION = """\
The cache keeps the report of each document that was checked, keyed by its text, its
sidecar, the seed, the time limit and a fingerprint of derive, Python, sympy and mpmath;
a report with a time-out or an engine failure is never kept. It lives in
$DERIVE_CACHE_DIR, else $XDG_CACHE_HOME/derive, else ~/.cache/derive.

The cache is trusted like derive's own code: whoever can write to that folder can change
the verdicts derive reports. Bypass it with `derive check --no-cache`, clear it with
`derive cache clear`.
"""


class _Help(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, reading the terminal's width without importing shutil (which
    argparse does for every parser it builds, help or not: 3 ms of every run here)."""

    def __init__(self, prog, *args, **kwargs):
        if kwargs.get("width") is None and len(args) < 3:
            kwargs["width"] = _columns() - 2  # as argparse leaves a margin of two
        super().__init__(prog, *args, **kwargs)


def _columns() -> int:
    """The terminal's width as shutil.get_terminal_size finds it: $COLUMNS, the terminal, 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


MAX_TIMEOUT = 86_400.0  # seconds: a day per link
MIN_WIDTH, MAX_WIDTH = 40, 1_000
MAX_JOBS = 256
MAX_SEED = 2**32 - 1


def _integer(text: str, what: str) -> int:
    try:
        return int(text.strip(), 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, not {text!r}") from None


def _jobs(text: str) -> int | str:
    if text == "auto":
        return text
    n = _integer(text, "a number or 'auto'")
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    if n > MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_JOBS}")
    return n


def _timeout(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, not {text!r}")
    if seconds < 0:
        raise argparse.ArgumentTypeError("must be at least 0 (0 for no limit)")
    if seconds > MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_TIMEOUT:g} seconds (a day)")
    return seconds


def _width(text: str) -> int:
    n = _integer(text, "a whole number of columns")
    if not MIN_WIDTH <= n <= MAX_WIDTH:
        raise argparse.ArgumentTypeError(f"must be from {MIN_WIDTH} to {MAX_WIDTH} columns")
    return n


def _seed(text: str) -> int:
    n = _integer(text, "a whole number")
    if not 0 <= n <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_SEED}")
    return n


def _parser() -> argparse.ArgumentParser:
    from derive import __version__

    p = argparse.ArgumentParser(
        prog="derive", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=_Help)
    p.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser(
        "check", help="check derivations (built-in names, Markdown files, directories, -)",
        description="Check every link of the derivations in TARGET(s).", epilog=EPILOG,
        formatter_class=_Help)
    c.add_argument("targets", nargs="+", metavar="TARGET",
                   help="a built-in name (see `derive list`), a Markdown file, a directory "
                        "(every *.md below it) or - for standard input")
    c.add_argument("--format", "-f", choices=FORMATS, default="auto",
                   help="output format (default: rich terminal output on a terminal, plain "
                        "text otherwise)")
    c.add_argument("--no-color", action="store_true",
                   help="plain text without ANSI codes (also when NO_COLOR is set)")
    c.add_argument("--width", type=_width, default=None, metavar="N",
                   help=f"line width for text output ({MIN_WIDTH} to {MAX_WIDTH})")
    c.add_argument("--seed", type=_seed, default=0, metavar="N",
                   help="seed for the numeric search (recorded in the report; default 0; "
                        f"0 to {MAX_SEED})")
    c.add_argument("--timeout", type=_timeout, default=20.0, metavar="SECONDS",
                   help="time limit per link; a link that runs out becomes unknown "
                        f"(default 20; 0 for none; at most {MAX_TIMEOUT:g})")
    c.add_argument("-j", "--jobs", type=_jobs, default="auto", metavar="N",
                   help=f"check equations in N worker processes (1 to {MAX_JOBS}); 'auto' "
                        "(the default) uses one per 8 links, at most one per usable CPU, "
                        "and 1 for a short document; unless N is 1 (or there is one CPU), a "
                        "second process reads the first document while sympy is imported; "
                        "the report is the same for every N")
    c.add_argument("--no-cache", action="store_true",
                   help="do not read or write the on-disk cache of verdicts")
    sub.add_parser("list", help="list the built-in derivations",
                   description="List the built-in derivations.", formatter_class=_Help)
    k = sub.add_parser(
        "cache", help="show or clear the on-disk cache of verdicts",
        description=CACHE_DESCRIPTION, formatter_class=_Help)
    actions = k.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("dir", help="print the cache's folder", formatter_class=_Help,
                       description="Print the folder of the cache (whether it exists or not).")
    actions.add_parser("clear", help="remove every cached report", formatter_class=_Help,
                       description="Remove every cached report; the next check of each "
                                   "document is a fresh one.")
    return p


def _targets(args, errors: list[str]) -> list[str]:
    from derive import registry as builtins
    from derive.api import markdown_files
    from derive.errors import InputError

    out: list[str] = []
    for t in args.targets:
        if t == "-" or builtins.is_builtin(t):
            out.append(t)
            continue
        if not os.path.exists(t):
            errors.append(f"derive: {t}: no such file, directory or built-in derivation "
                          "(see `derive list`)")
            continue
        try:
            out.extend(markdown_files(t))
        except InputError as exc:
            errors.append(f"derive: {exc}")
    return out


def _use_color(args) -> bool:
    if args.no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def cmd_list() -> int:
    from derive.registry import builtins

    items = builtins()
    width = max(len(b.name) for b in items)
    for b in items:
        print(f"{b.name:<{width}}  {b.title}")
    return EXIT_OK


def cmd_cache(args) -> int:
    from derive import cache

    if args.action == "dir":
        print(cache.cache_dir())
        return EXIT_OK
    if args.action == "clear":
        folder = cache.cache_dir()
        n = cache.clear()
        print(f"removed {n} cached report{'s' if n != 1 else ''} from {folder}")
        return EXIT_OK
    print("usage: derive cache {dir,clear}\n"
          "derive cache: error: give an action, dir or clear (see `derive cache --help`)",
          file=sys.stderr)
    return EXIT_ERROR


def cmd_check(args) -> int:
    from derive.errors import InputError
    from derive.parallel import WorkerDied

    errors: list[str] = []
    targets = _targets(args, errors)
    fmt = args.format
    if fmt in ("html", "latex") and len(targets) > 1:
        print(f"derive: --format {fmt} writes one document: give one target", file=sys.stderr)
        return EXIT_ERROR
    reports = []
    from derive import api

    api.SHORT_LIVED_PROCESS = True  # this process ends when the reports are out
    for t in targets:
        try:
            reports.append(api.check(t, seed=args.seed, timeout=args.timeout or None,
                                     jobs=args.jobs, cache=not args.no_cache))
        except InputError as exc:
            errors.append(f"derive: {exc}")
        except WorkerDied as exc:  # killed (out of memory, a signal): this target is unchecked
            errors.append(f"derive: {t}: {exc}; the check of this target did not finish "
                          "(try -j 1)")
    for r in reports:  # located reading errors go to stderr whatever the format
        for e in r.errors:
            errors.append(e.located)
        for eq in r.equations:
            if eq.error is not None:
                errors.append(eq.error.located)
    codes = [r.exit_code for r in reports]
    if errors or EXIT_ERROR in codes:
        code = EXIT_ERROR
    elif EXIT_FALSE in codes:
        code = EXIT_FALSE
    elif EXIT_UNKNOWN in codes:
        code = EXIT_UNKNOWN
    else:
        code = EXIT_OK
    broken = sys.stdout is None  # (started with its standard output closed)
    if not broken:
        try:
            _emit(reports, fmt, args)
            sys.stdout.flush()  # here, so that a closed pipe is seen before the exit code is
        except BrokenPipeError:
            broken = True
    try:
        for line in errors:
            print(line, file=sys.stderr)
        if sys.stderr is not None:
            sys.stderr.flush()
    except BrokenPipeError:
        _silence(sys.stderr)
    if "derive.checker" in sys.modules:
        import gc

        gc.freeze()  # what the check made too: the collection at exit need not walk it
    return broken_pipe(code) if broken else code


def broken_pipe(code: int) -> int:
    """The exit code when standard output's reader went away (``derive check … | head -1``):
    the check's own code when it is not 0, else EXIT_BROKEN_PIPE (141, as a shell reports a
    process that SIGPIPE ended), so that a cut-off output never passes for success. The
    output goes to /dev/null from here on, so that nothing else fails or is reported."""
    _silence(sys.stdout)
    return code if code != EXIT_OK else EXIT_BROKEN_PIPE


def _silence(stream) -> None:
    """Point ``stream``'s file descriptor at /dev/null (what is still buffered goes there)."""
    if stream is None:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _emit(reports, fmt: str, args) -> None:
    if not reports:
        return
    if fmt == "json":
        if len(reports) == 1:
            print(reports[0].to_json())
        else:
            print(json.dumps({"schema": "derive.report-set/1",
                              "ok": all(r.ok for r in reports),
                              "reports": [r.to_dict() for r in reports]}, indent=2,
                             ensure_ascii=False))
        return
    if fmt == "auto":
        fmt = "terminal" if _use_color(args) else "plain"
    if fmt == "terminal" and (args.no_color or os.environ.get("NO_COLOR")):
        fmt = "plain"
    if fmt == "terminal":
        from rich.console import Console

        from derive.render.terminal import print_rich

        console = Console(width=args.width) if args.width else Console()
        try:
            for r in reports:
                print_rich(r, console)
        except SystemExit:  # rich's answer to a broken pipe (it points stdout at /dev/null)
            raise BrokenPipeError("standard output was closed") from None
        return
    from derive.render import render

    out = [render(r, fmt, width=args.width) for r in reports]
    sys.stdout.write(("\n" if fmt != "github" else "").join(
        o if o.endswith("\n") else o + "\n" for o in out))


def run() -> NoReturn:
    """The ``derive`` program (its console script and ``python -m derive``): :func:`main`,
    then the end of the process.

    Once a check has loaded the engine, the process flushes its output and leaves with
    ``os._exit``, as mypy does: Python's own exit would take apart, one by one, every
    object that sympy and the check made, and nothing is waiting for that. (The exit took
    24 ms here, 7 ms by ``os._exit``; 15 and 8 ms for a process that only imports sympy:
    medians of 16 runs, from the last line to the parent's wait.) Only when nothing is
    registered to run at exit (coverage, a user's hook) and no other thread runs;
    otherwise, and when a flush fails, the interpreter exits as usual.

    Standard output closed by its reader (a broken pipe, ``derive check docs/ | head -1``)
    ends the program quietly, on either path: no traceback, nothing on stderr about it, and
    the exit code of the check, or 141 (EXIT_BROKEN_PIPE) where that was 0.
    """
    code = main()
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        code = broken_pipe(code)
    except (OSError, ValueError):
        raise SystemExit(code) from None  # the usual exit reports a failed flush
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except BrokenPipeError:
        _silence(sys.stderr)
    except (OSError, ValueError):
        raise SystemExit(code) from None
    if _may_leave_at_once():
        os._exit(code)
    raise SystemExit(code)


def _may_leave_at_once() -> bool:
    if "derive.checker" not in sys.modules:  # no engine: the usual exit costs nothing
        return False
    import atexit

    registered = getattr(atexit, "_ncallbacks", None)  # CPython's count of exit hooks
    if registered is None or registered() != 0:
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # help or a listing into a closed pipe: quietly, and never 0
        return broken_pipe(EXIT_OK)


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help/--version
        return int(exc.code or 0)
    if args.command == "list":
        return cmd_list()
    if args.command == "cache":
        return cmd_cache(args)
    if args.command == "check":
        try:
            return cmd_check(args)
        except KeyboardInterrupt:
            print("derive: interrupted", file=sys.stderr)
            return 130
    parser.print_help()
    return EXIT_ERROR

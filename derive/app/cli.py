"""The command line: ``derive check TARGET...``, ``derive list``, ``derive cache dir|clear``,
``derive --version``.

A thin layer: it parses options, asks :mod:`derive.app.api` for reports, hands them to a
renderer and maps outcomes to exit codes (0 all proved; 1 a link refuted or
conditional; 3 nothing refuted but something unknown; 2 usage or input errors, or a
worker that died; a closed standard output keeps the code, or makes a 0 into 141).
It imports no sympy itself, so ``--help``, ``--version`` and ``list`` stay fast.

Process tuning lives here and nowhere else, in the shape of mypy's ``main``: :func:`main` is
meant to be the whole of its process, so ``derive check`` pauses the garbage collector
until the engine (sympy) is loaded and its first report is out, then freezes what is in
memory out of the collector's view (``gc.freeze``) and resumes it; :func:`run`, the program
itself, then leaves without taking sympy's objects apart (``os._exit``). A library caller's
process is never touched (use :mod:`derive.app.api` from Python). ``DERIVE_NO_FAST_EXIT=1``
turns both off: the collector runs as usual and the interpreter exits as usual.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from derive.app.output import Output, _silence
from derive.report.render import FORMATS

EXIT_OK, EXIT_FALSE, EXIT_ERROR, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: standard output was closed and the check passed
FORMAT_CHOICES = ("auto", *FORMATS)  # the renderers' formats, and auto

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
  derive check docs/ --format concise       only the problems, FILE:LINE:COL: VERDICT: ...
  derive check post.md --format json        the reports as JSON (schema derive.report/2)
  derive check docs/ --format github        annotations for GitHub Actions
  derive check                              the paths under [tool.derive] in pyproject.toml

configuration:
  [tool.derive] in the nearest pyproject.toml (from the current directory up) may set
  paths, seed, timeout, format and jobs; flags override it (--no-config ignores it).
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
    if columns <= 0 and sys.__stdout__ is not None:  # None: no standard output at all
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
        description="Check every link of the derivations in TARGET(s). Settings not given "
                    "here are read from [tool.derive] in the nearest pyproject.toml.",
        epilog=EPILOG, formatter_class=_Help)
    c.add_argument("targets", nargs="*", metavar="TARGET",
                   help="a built-in name (see `derive list`), a Markdown file, a directory "
                        "(every *.md below it) or - for standard input (default: paths in "
                        "[tool.derive])")
    c.add_argument("--format", "-f", choices=FORMAT_CHOICES, default=None,
                   help="output format (default auto: rich terminal output on a terminal, "
                        "plain text otherwise; concise: only the problems, one a line, "
                        "FILE:LINE:COL: VERDICT: ...; json: schema derive.report/2)")
    c.add_argument("--color", choices=("auto", "always", "never"), default=None,
                   help="colour: auto (the default) on a terminal, unless NO_COLOR is set; "
                        "FORCE_COLOR forces it even into a pipe")
    c.add_argument("--no-color", dest="color", action="store_const", const="never",
                   help="the same as --color never")
    c.add_argument("--width", type=_width, default=None, metavar="N",
                   help=f"line width for text output ({MIN_WIDTH} to {MAX_WIDTH})")
    c.add_argument("--seed", type=_seed, default=None, metavar="N",
                   help="seed for the numeric search (recorded in the report; default 0; "
                        f"0 to {MAX_SEED})")
    c.add_argument("--timeout", type=_timeout, default=None, metavar="SECONDS",
                   help="time limit per link; a link that runs out becomes unknown "
                        f"(default 20; 0 for none; at most {MAX_TIMEOUT:g})")
    c.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help=f"check equations in N worker processes (1 to {MAX_JOBS}); 'auto' "
                        "(the default) uses one per 8 links, at most one per usable CPU, "
                        "and 1 for a short document; the report is the same for every N")
    c.add_argument("--no-cache", action="store_true",
                   help="do not read or write the on-disk cache of verdicts")
    c.add_argument("--no-progress", action="store_true",
                   help="no progress bar (shown on standard error when it is a terminal and "
                        "there are two files or more)")
    c.add_argument("--no-config", action="store_true",
                   help="ignore [tool.derive] in pyproject.toml")
    c.add_argument("--strict", action="store_true",
                   help="fail (exit 3) when a display is not checked for a stated reason (a "
                        "relation other than '=', such as \\approx or \\in): by default such "
                        "a display is reported and skipped")
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


#: What a setting is when neither a flag nor [tool.derive] gives it.
DEFAULTS = {"seed": 0, "timeout": 20.0, "format": "auto", "jobs": "auto"}


def _settings(args) -> str | None:
    """Fill in what the flags left out from [tool.derive], then the defaults. Returns a
    usage error's message, or None."""
    conf: dict = {}
    if not args.no_config:
        from derive.app import config

        conf = config.load()  # (a ConfigError is an InputError: the caller reports it)
    for key, default in DEFAULTS.items():
        if getattr(args, key) is None:
            setattr(args, key, conf.get(key, default))
    if not args.targets:
        args.targets = list(conf.get("paths") or [])
        if not args.targets:
            return ("derive check: error: give a TARGET (or set paths under [tool.derive] "
                    "in pyproject.toml)")
    return None


def _targets(args) -> list[tuple[str, str | None]]:
    """The files to check in order, as (target, None), with (name, message) in the place
    of a target that names nothing."""
    from derive.app import registry as builtins
    from derive.app.api import markdown_files
    from derive.errors import InputError

    out: list[tuple[str, str | None]] = []
    for t in args.targets:
        if t == "-" or builtins.is_builtin(t):
            out.append((t, None))
            continue
        if not os.path.exists(t):
            out.append((t, f"{t}: no such file, directory or built-in derivation "
                           "(see `derive list`)"))
            continue
        try:
            out.extend((f, None) for f in markdown_files(t))
        except InputError as exc:
            out.append((t, str(exc)))
    return out


def cmd_list() -> int:
    from derive.app.registry import builtins

    items = builtins()
    width = max(len(b.name) for b in items)
    for b in items:
        print(f"{b.name:<{width}}  {b.title}")
    return EXIT_OK


def cmd_cache(args) -> int:
    from derive.app import cache

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
    collector = _Collector()  # this process ends when the reports are out
    try:
        return _check(args, collector)
    finally:
        collector.resume()


def _check(args, collector: _Collector) -> int:
    from derive.app.parallel import WorkerDied
    from derive.errors import InputError

    try:
        usage = _settings(args)
    except InputError as exc:
        print(f"derive: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if usage:
        print("usage: derive check [options] TARGET...\n" + usage, file=sys.stderr)
        return EXIT_ERROR
    targets = _targets(args)
    if args.format in ("html", "latex") and len(targets) > 1:
        print(f"derive: --format {args.format} writes one document: give one target",
              file=sys.stderr)
        return EXIT_ERROR
    from derive.app import api

    out = Output(args, len(targets))
    reports, unchecked = [], []  # unchecked: (target, message) for what could not be checked
    try:
        for t, message in targets:
            out.checking(t)
            if message is None:
                try:
                    report = api.check(t, seed=args.seed, timeout=args.timeout or None,
                                       jobs=args.jobs, cache=not args.no_cache)
                except InputError as exc:
                    message = str(exc)
                except WorkerDied as exc:  # killed (out of memory, a signal): not checked
                    message = f"{t}: {exc}; the check of this target did not finish (try -j 1)"
                else:
                    collector.checked()
                    reports.append(report)
                    out.report(report)
                    continue
            unchecked.append((t, message))
            out.stderr([f"derive: {message}"])
    finally:  # (an interrupt too: the bar is taken down and the cursor shown again)
        out.pause()
        collector.resume()
    codes = [r.exit_code for r in reports]
    if unchecked or EXIT_ERROR in codes:
        code = EXIT_ERROR
    elif EXIT_FALSE in codes:
        code = EXIT_FALSE
    elif EXIT_UNKNOWN in codes or (args.strict and any(
            eq.kind == "skipped" for r in reports for eq in r.equations)):
        code = EXIT_UNKNOWN
    else:
        code = EXIT_OK
    out.finish(reports, unchecked, code)
    collector.done()
    return broken_pipe(code) if out.broken else code


#: Set (to anything but "" or "0"), the command line tunes nothing in its process: no pause
#: or freeze of the garbage collector, and the interpreter's usual exit (see :func:`run`).
NO_FAST_EXIT = "DERIVE_NO_FAST_EXIT"


def _tuned() -> bool:
    return os.environ.get(NO_FAST_EXIT, "") in ("", "0")


class _Collector:
    """The garbage collector of ``derive check``'s process: paused from the start until the
    first report that loaded the engine is out, then what is in memory (sympy's modules, the
    caches the check filled) is frozen out of its view and it resumes. Module objects are
    never garbage, yet the collector walked them: about 40 ms of collections during the
    import of sympy here, and 70–250 ms in the one collection Python makes at exit. A
    process with the collector already off, or with DERIVE_NO_FAST_EXIT set, is left as
    it is."""

    def __init__(self) -> None:
        import gc

        self.paused = _tuned() and gc.isenabled()
        if self.paused:
            gc.disable()

    def checked(self) -> None:
        """A report is out: once the engine is loaded, freeze and resume."""
        if self.paused and "derive.engine.check" in sys.modules:
            import gc

            gc.freeze()
            self.resume()

    def resume(self) -> None:
        if self.paused:
            import gc

            gc.enable()
            self.paused = False

    def done(self) -> None:
        """Every report is out: what the checks made need not be walked at exit either."""
        self.resume()
        if _tuned() and "derive.engine.check" in sys.modules:
            import gc

            gc.freeze()


def broken_pipe(code: int) -> int:
    """The exit code when standard output's reader went away (``derive check … | head -1``):
    the check's own code when it is not 0, else EXIT_BROKEN_PIPE (141, as a shell reports a
    process that SIGPIPE ended), so that a cut-off output never passes for success. The
    output goes to /dev/null from here on, so that nothing else fails or is reported."""
    _silence(sys.stdout)
    return code if code != EXIT_OK else EXIT_BROKEN_PIPE


def run() -> NoReturn:
    """The ``derive`` program (its console script and ``python -m derive``): :func:`main`,
    then the end of the process.

    Once a check has loaded the engine, the process flushes its output and leaves with
    ``os._exit``, as mypy does: Python's own exit would take apart, one by one, every
    object that sympy and the check made, and nothing is waiting for that. (The exit took
    24 ms here, 7 ms by ``os._exit``; 15 and 8 ms for a process that only imports sympy:
    medians of 16 runs, from the last line to the parent's wait.) Only when nothing is
    registered to run at exit (coverage, a user's hook), no other thread runs and
    DERIVE_NO_FAST_EXIT is not set; otherwise, and when a flush fails, the interpreter exits
    as usual.

    Standard output closed by its reader (a broken pipe, ``derive check docs/ | head -1``)
    ends the program quietly, on either path: no traceback, nothing on stderr about it, and
    the exit code of the check, or 141 (EXIT_BROKEN_PIPE) where that was 0.
    """
    global _BEFORE
    _BEFORE = frozenset(sys.modules)
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
    if not _tuned() or "derive.engine.check" not in sys.modules:
        return False  # asked not to, or no engine: the usual exit costs nothing then
    import atexit

    registered = getattr(atexit, "_ncallbacks", None)  # CPython's count of exit hooks
    if registered is None:
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() != 1:
        return False
    # logging registers its own hook when imported (markdown-it imports it): it flushes
    # logging's handlers, and is run here; any other hook (coverage's, a user's) means the
    # usual exit
    hooks = registered()
    if "logging" in sys.modules and "logging" not in _BEFORE:
        hooks -= 1
    if hooks != 0:
        return False
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    return True


#: The modules imported before the program began (run() notes them).
_BEFORE: frozenset[str] = frozenset()


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

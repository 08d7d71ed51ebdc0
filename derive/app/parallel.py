"""Checking equations in worker processes (``-j N``).

Owns the split of a document's equations over processes, and how many to use
(``-j auto``).

The parent checks the head of the document (up to its first link) itself, then forks:
the workers start warm, with the engine imported and the head's groundings made. The
remaining equations are handed out as the processes ask for them, those with most links
first: their numbers wait in a pipe, and each process (the parent is one of them) reads
the next when it is free. How long an equation takes is not known in advance (a refuted
link costs a search), so handing them out on demand balances better than a split made
beforehand. The results come back through a pipe per worker and are put back in
document order; a worker still exiting then is reaped later, not waited for. Every
random choice is seeded per link, so ``-j N`` gives exactly the report of ``-j 1``.
"""

from __future__ import annotations

import os
import struct
import sys

_RECORD = struct.Struct("<I")  # a block of equations' number, as the queue holds it
_QUEUE_BLOCKS = 2_048  # records that fit any pipe's buffer (8 KiB) with no reader yet


#: How many links make one worker worth its fork: below this a document is checked in one
#: process (a worker costs a fork, and the groundings it shares with the others are computed
#: again in it).
LINKS_PER_WORKER = 8


def usable_cpus() -> int:
    """The processors this process may use: its affinity, and a container's CPU quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = cgroup_quota()
    return max(1, min(cpus, quota)) if quota is not None else max(1, cpus)


def cgroup_quota(root: str = "/sys/fs/cgroup") -> int | None:
    """The CPUs a Linux container's quota allows (cgroup v2 ``cpu.max``, or v1), if any."""
    try:
        with open(os.path.join(root, "cpu.max")) as f:
            quota, period = f.read().split()[:2]
    except (OSError, ValueError):
        try:
            with open(os.path.join(root, "cpu", "cpu.cfs_quota_us")) as f:
                quota = f.read().strip()
            with open(os.path.join(root, "cpu", "cpu.cfs_period_us")) as f:
                period = f.read().strip()
        except OSError:
            return None
    try:
        q, p = int(quota), int(period)
    except ValueError:  # "max": no quota
        return None
    if q <= 0 or p <= 0:  # v1 says -1 for none
        return None
    return max(1, -(-q // p))


def auto_jobs(doc) -> int:
    """``-j auto``: a worker per LINKS_PER_WORKER links, no more than the usable CPUs,
    and one process where forking is not safe (no ``fork``, or threads already running)."""
    links = sum(_links(eq) for eq in doc.equations)
    wanted = links // LINKS_PER_WORKER
    if wanted < 2 or not _can_fork():
        return 1
    return max(1, min(wanted, usable_cpus()))


def _links(eq) -> int:
    """The links an equation will be checked for (a definition's first `=` is none)."""
    return max(len(eq.sides) - 1 - (eq.kind == "definition"), 0)


def _can_fork() -> bool:
    threading = sys.modules.get("threading")
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


def _check(check, doc, symbols, next_index, seed: int, timeout: float | None) -> dict:
    done = {}
    for k in iter(next_index, None):
        done[k] = check(doc, doc.equations[k], symbols, seed, timeout)
    return done


def _queue(indices: list[int]):
    """A pipe holding ``indices`` (in order), and a function that takes the next one.

    The pipe holds the numbers of blocks of consecutive equations: at most _QUEUE_BLOCKS
    records (8 KiB), which fit any pipe's buffer (16 KiB or more) while no worker reads
    yet; up to that many equations, a block is one equation.
    Reads of one record are atomic (a pipe serves one reader at a time, and every record
    was written before any worker started), so no two processes take the same block.
    """
    size = -(-len(indices) // _QUEUE_BLOCKS) if indices else 1
    blocks = [indices[b:b + size] for b in range(0, len(indices), size)]
    read, write = os.pipe()
    os.write(write, b"".join(_RECORD.pack(b) for b in range(len(blocks))))
    os.close(write)  # so that an empty queue reads as the end
    taken: list[int] = []

    def next_index() -> int | None:
        if not taken:
            data = os.read(read, _RECORD.size)
            if not data:
                return None
            taken.extend(reversed(blocks[_RECORD.unpack(data)[0]]))
        return taken.pop()

    return read, next_index


def map_equations(check, doc, seed: int, timeout: float | None, jobs: int,
                  symbols=None) -> list:
    """``check(doc, equation, symbols, seed, timeout)`` for every equation of ``doc`` (the
    checker passes :func:`derive.engine.check.check_equation`), by up to ``jobs``
    processes, in document order (with the document's ``symbols``, when the caller has
    made them already)."""
    if symbols is None:
        from derive.engine.translate import Symbols

        symbols = Symbols.for_document(doc)
    _reap()
    n = len(doc.equations)
    if jobs < 2 or not _can_fork():
        return list(_check(check, doc, symbols, _taker(range(n)), seed, timeout).values())
    # The head of the document, up to its first equation with a link, is checked before
    # the fork: the sides and definitions grounded there recur later (∂C/∂z_i opens four
    # equations of the post), and every worker inherits them instead of grounding again.
    head = next((k + 1 for k, eq in enumerate(doc.equations) if _links(eq)), n)
    results = _check(check, doc, symbols, _taker(range(head)), seed, timeout)
    rest = list(range(head, n))
    workers = min(jobs, len(rest))  # (with fewer than two left, the parent takes them all)
    # the equations with most links first, so that what is left for last is short and the
    # processes finish close together (in document order otherwise: neighbours share sides)
    queue, next_index = _queue(sorted(rest, key=lambda k: -_links(doc.equations[k])))
    children: list[tuple[int, int]] = []
    try:
        for _ in range(workers - 1):
            children.append(_fork_worker(lambda: _check(check, doc, symbols, next_index,
                                                        seed, timeout)))
        results.update(_check(check, doc, symbols, next_index, seed, timeout))
    except BaseException:
        _abandon(children)
        raise
    finally:
        os.close(queue)
    failure = None
    for pid, read in children:
        got = _collect(pid, read)
        if isinstance(got, BaseException):
            failure = failure or got
        else:
            results.update(got)
    if failure is not None:
        raise failure
    return [results[k] for k in range(n)]


class WorkerDied(RuntimeError):
    """A worker ended without sending a result (killed, or out of memory)."""


def _fork_worker(work) -> tuple[int, int]:
    """Fork a process that runs ``work()`` and sends back its result (or its exception)
    through a pipe; the child leaves with ``os._exit`` whatever happens, so it never
    returns into the parent's code."""
    read, write = os.pipe()
    pid = os.fork()
    if pid != 0:
        os.close(write)
        return pid, read
    code = 1
    try:
        os.close(read)
        _detach()
        import pickle  # here and in _collect, not before the fork (3 ms)

        try:
            data = pickle.dumps(work())
            code = 0
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, raised there
            try:
                data = pickle.dumps(exc)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                data = pickle.dumps(RuntimeError(f"a worker failed: {exc!r}"[:500]))
        with os.fdopen(write, "wb") as out:
            out.write(data)
    finally:
        os._exit(code)


def _detach() -> None:
    """In a worker: let go of the standard streams it inherited. A reader of the parent's
    output (a CI log, ``subprocess.run``) waits until every holder of the pipe is gone,
    and a worker that has sent its result may still be tearing down its memory."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


#: Workers that had sent their results but had not yet exited when they were collected:
#: reaped at the next parallel check instead of waited for (as multiprocessing does).
_EXITING: list[int] = []


def _reap() -> None:
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _EXITING.remove(pid)


def _collect(pid: int, read: int):
    import pickle  # before waiting for the worker's result, while it may still be working

    with os.fdopen(read, "rb") as inp:
        data = inp.read()
    if not data:  # it died before it could send anything
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            status = None
        return WorkerDied(_death(status))
    if os.waitpid(pid, os.WNOHANG)[0] == 0:
        _EXITING.append(pid)  # still exiting: not worth waiting for
    return pickle.loads(data)


def _death(status: int | None) -> str:
    """How a worker that sent nothing ended, in words."""
    if status is not None and os.WIFSIGNALED(status):
        import signal

        n = os.WTERMSIG(status)
        try:
            name = f" ({signal.Signals(n).name})"
        except ValueError:
            name = ""
        why = ", perhaps for lack of memory" if n == signal.SIGKILL else ""
        return f"a worker process was killed by signal {n}{name}{why}"
    if status is not None and os.WIFEXITED(status):
        return f"a worker process ended with code {os.WEXITSTATUS(status)} and sent no result"
    return "a worker process died"


def _abandon(children: list[tuple[int, int]]) -> None:
    """The parent failed (or was interrupted): stop the workers and reap them."""
    import signal

    for pid, read in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        os.close(read)
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass


def _taker(indices):
    """The equations' numbers in one process: each in turn, then None."""
    numbers = iter(indices)
    return lambda: next(numbers, None)



"""Many targets at once: a bounded pool of threads, reports handed on in input order as they
complete, and one Ctrl-C that stops them all.

Each target runs in its own ``run`` with its own context, sockets and timeouts, so a slow or
broken one holds up only its own worker. Whatever escapes a run becomes that target's error
report; it never reaches the others. Reports leave in input order as soon as every earlier one
has left; at most ``window`` targets are under way or waiting to leave, so memory stays bounded
however many targets there are.

Interrupting: a KeyboardInterrupt in the consuming thread (or ``stop``) cancels this run's
``net.deadline.Cancellation``, which every target it started carries, so every in-flight wait of
this run (and of no other) ends within a slice (0.1 s); the targets
under way report what they had (the check that was cut short says "interrupted"), and the ones
not yet started get an "interrupted" report of their own. ``interrupted`` then reads True.

Both cores: with ``processes`` above 1 the items go out in small consecutive batches to worker
processes (each runs its batch on threads, ``concurrency / processes`` at a time) and the
reports come back, pickled, to be handed on in the same input order: the output, its order and
the exit code are those of one process. Workers are forked while the process has one thread (as
the command line has), otherwise they come from a fork server (see ``_in_processes``). A
Ctrl-C reaches the workers too (the terminal signals the whole group, and ``stop`` forwards it),
and each ends its in-flight waits the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from hec_doctor.models import Report
from hec_doctor.net import deadline

if TYPE_CHECKING:
    from concurrent.futures import Future

Item = TypeVar("Item")


class RunMany(Generic[Item]):
    """``work(item)`` for every item, ``concurrency`` at a time, reports in input order.

    Iterate over it to receive the reports. Args:
        items: the targets (or jobs).
        work: makes one report.
        failed: the report for an item whose ``work`` raised, or that was never started because
            the run was interrupted (the exception is then a KeyboardInterrupt).
        concurrency: at most this many at once.
        on_done: called with (finished, total, report) after each report leaves.
        on_interrupt: called once, in the consuming thread, when the run is interrupted.
    """

    def __init__(self, items: Sequence[Item], work: Callable[[Item], Report],
                 failed: Callable[[Item, BaseException], Report], *, concurrency: int,
                 on_done: Callable[[int, int, Report], None] | None = None,
                 on_interrupt: Callable[[], None] | None = None, processes: int = 1) -> None:
        self.items, self.work, self.failed = items, work, failed
        self.concurrency = max(1, concurrency)
        # Worker processes pay off only when there is enough work to share (``processes`` says
        # how many; ``work`` and ``failed`` must then be picklable, module-level callables).
        self.processes = max(1, min(processes, self.concurrency, len(items) // BATCH))
        self._pool: object = None
        self.window = max(4 * self.concurrency, 64)
        self.on_done, self.on_interrupt = on_done, on_interrupt
        self.interrupted = False
        self.cancellation = deadline.Cancellation()

    def _one(self, item: Item) -> Report:
        if self.interrupted:  # queued before the interrupt, reached after it
            return self.failed(item, KeyboardInterrupt())
        try:
            with deadline.cancellable(self.cancellation):
                return self.work(item)
        except Exception as exc:  # one target's failure must not sink the others
            return self.failed(item, exc)

    def stop(self) -> None:
        """Interrupt the run: every network wait ends, nothing new starts (safe from a signal
        handler)."""
        if not self.interrupted:
            self.interrupted = True
            self.cancellation.cancel()
            _signal_workers(self._pool)
            if self.on_interrupt is not None:
                self.on_interrupt()

    def __iter__(self) -> Iterator[Report]:
        total = len(self.items)
        if total == 1 or self.concurrency == 1:
            yield from self._in_turn(total)
            return
        if self.processes > 1:
            yield from self._in_processes(total)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(self.concurrency, total),
                                thread_name_prefix="hec-doctor") as pool:
            pending: dict[int, Future[Report]] = {}
            next_out = next_in = 0
            while next_out < total:
                while not self.interrupted and next_in < total and next_in < next_out + self.window:
                    pending[next_in] = pool.submit(self._one, self.items[next_in])
                    next_in += 1
                head = pending.get(next_out)
                if head is None:  # interrupted before this one was started
                    report = self.failed(self.items[next_out], KeyboardInterrupt())
                elif not self._arrived(head):
                    continue
                else:
                    report = pending.pop(next_out).result()
                next_out += 1
                self._done(next_out, total, report)
                yield report

    def _arrived(self, head: Future[Any]) -> bool:
        """Wait for the next result in order; False when a Ctrl-C came first (the run is then
        stopped, and the caller goes round again to collect what the stop produced)."""
        from concurrent.futures import wait

        try:
            # Wait on the head alone: a later result already done must not turn this into a
            # spin (it would take the GIL from every worker thread).
            while not head.done():
                wait((head,), timeout=0.5)
        except KeyboardInterrupt:
            self.stop()
            return False
        return True

    def _in_processes(self, total: int) -> Iterator[Report]:
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        # A fork is the cheapest worker (no fresh interpreter, no fork server or resource
        # tracker: about 28 MB less in all) and is safe while this process has one thread, as
        # the command line does. Embedded in a threaded program (a test runner with servers in
        # threads), a fork could copy a lock some other thread holds: use a fork server then.
        context: multiprocessing.context.BaseContext
        if threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["hec_doctor.engine.run", "hec_doctor.engine.run_many"])
        threads = max(1, self.concurrency // self.processes)
        batches = [range(start, min(start + BATCH, total)) for start in range(0, total, BATCH)]
        window = max(2, self.window // BATCH)
        with ProcessPoolExecutor(self.processes, mp_context=context,
                                 initializer=_worker_start) as pool:
            self._pool = pool
            pending: dict[int, Future[list[Report]]] = {}
            next_out = next_in = 0
            finished = 0
            broken: BaseException | None = None
            while next_out < len(batches):
                while (not self.interrupted and broken is None and next_in < len(batches)
                       and next_in < next_out + window):
                    batch = [self.items[i] for i in batches[next_in]]
                    try:
                        pending[next_in] = pool.submit(_run_batch, batch, self.work,
                                                       self.failed, threads)
                    except Exception as exc:  # a dead worker broke the pool: report the rest
                        broken = exc
                        break
                    next_in += 1
                head = pending.pop(next_out, None)
                if head is None:  # interrupted (or the pool broke) before this batch was sent
                    reason = broken if broken is not None else KeyboardInterrupt()
                    reports = [self.failed(self.items[i], reason) for i in batches[next_out]]
                elif not self._arrived(head):
                    pending[next_out] = head
                    continue
                else:
                    try:
                        reports = head.result()
                    except Exception as exc:  # the worker died: its batch is reported, not lost
                        broken = broken or exc
                        reports = [self.failed(self.items[i], exc) for i in batches[next_out]]
                next_out += 1
                for report in reports:
                    finished += 1
                    self._done(finished, total, report)
                    yield report
            self._pool = None

    def _in_turn(self, total: int) -> Iterator[Report]:
        for position, item in enumerate(self.items):
            if self.interrupted:
                report = self.failed(item, KeyboardInterrupt())
            else:
                try:
                    report = self._one(item)
                except KeyboardInterrupt:
                    self.stop()
                    report = self.failed(item, KeyboardInterrupt())
            self._done(position + 1, total, report)
            yield report

    def _done(self, finished: int, total: int, report: Report) -> None:
        if self.on_done is not None:
            self.on_done(finished, total, report)


# Targets per batch sent to a worker process: enough to make the round trip cheap, few enough
# that reports still leave soon after they complete.
BATCH = 16
_worker: dict[str, object] = {"run": None, "interrupted": False}


def _worker_start() -> None:
    """In each worker: a Ctrl-C or SIGTERM (from the terminal or a supervisor, or forwarded by
    ``stop``) interrupts the batch under way the way it does in one process, and every batch
    after it starts nothing; and the worker dies with its parent, even one killed by SIGKILL,
    which runs no handler (Linux's PR_SET_PDEATHSIG)."""
    import signal

    def on_interrupt(signum: int, frame: object) -> None:
        _worker["interrupted"] = True
        run = _worker["run"]
        if run is not None:
            run.interrupted = True  # type: ignore[attr-defined]
            run.cancellation.cancel()  # type: ignore[attr-defined]

    signal.signal(signal.SIGINT, on_interrupt)
    signal.signal(signal.SIGTERM, on_interrupt)
    _die_with_parent()


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent ends (Linux only; elsewhere the
    worker notices at its next batch, when the pool's pipe is gone)."""
    import os
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent ended before the request took hold
        os._exit(1)


def _run_batch(items: list[Item], work: Callable[[Item], Report],
               failed: Callable[[Item, BaseException], Report], threads: int) -> list[Report]:
    run = RunMany(items, work, failed, concurrency=threads)
    if _worker["interrupted"]:  # a batch reached after the stop starts nothing
        run.interrupted = True
        run.cancellation.cancel()
    _worker["run"] = run
    try:
        return list(run)
    finally:
        _worker["run"] = None


def _signal_workers(pool: object) -> None:
    """Forward a stop to every worker (as SIGINT: SIGTERM and Ctrl-C mean the same there)."""
    import os
    import signal

    for pid in list(getattr(pool, "_processes", None) or ()):
        try:
            os.kill(pid, signal.SIGINT)
        except OSError:
            pass


def run_all(items: Sequence[Item], work: Callable[[Item], Report],
            failed: Callable[[Item, BaseException], Report], *, concurrency: int,
            on_done: Callable[[int, int, Report], None] | None = None) -> list[Report]:
    """Every report, in input order (see ``RunMany``; this keeps them all in memory)."""
    return list(RunMany(items, work, failed, concurrency=concurrency, on_done=on_done))


def error_report(base: Report, exc: BaseException, cause: str,
                 secrets: tuple[str, ...] = ()) -> Report:
    """``base`` with its checks replaced by one error naming what went wrong."""
    from dataclasses import replace

    from hec_doctor.engine.run import INTERRUPTED, internal_error, result_of
    from hec_doctor.models import check_id

    if isinstance(exc, KeyboardInterrupt):
        outcome = INTERRUPTED
    else:
        outcome = internal_error(exc, secrets, cause)
    return replace(base, checks=(result_of("run", check_id("run").title, outcome),))

"""Many targets at once: a bounded pool of threads, reports handed on in input order as they
complete, and one Ctrl-C that stops them all.

Each target runs in its own ``run`` with its own context, sockets and timeouts, so a slow or
broken one holds up only its own worker. Whatever escapes a run becomes that target's error
report; it never reaches the others. Reports leave in input order as soon as every earlier one
has left; at most ``window`` targets are under way or waiting to leave, so memory stays bounded
however many targets there are.

Interrupting: a KeyboardInterrupt in the consuming thread sets the network stop flag
(``net.deadline.interrupt``), so every in-flight wait ends within a slice (0.1 s); the targets
under way report what they had (the check that was cut short says "interrupted"), and the ones
not yet started get an "interrupted" report of their own. ``interrupted`` then reads True.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

from hec_doctor.models import Report
from hec_doctor.net import deadline

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
                 on_interrupt: Callable[[], None] | None = None) -> None:
        self.items, self.work, self.failed = items, work, failed
        self.concurrency = max(1, concurrency)
        self.window = max(4 * self.concurrency, 64)
        self.on_done, self.on_interrupt = on_done, on_interrupt
        self.interrupted = False

    def _one(self, item: Item) -> Report:
        if self.interrupted:  # queued before the interrupt, reached after it
            return self.failed(item, KeyboardInterrupt())
        try:
            return self.work(item)
        except Exception as exc:  # one target's failure must not sink the others
            return self.failed(item, exc)

    def stop(self) -> None:
        """Interrupt the run: every network wait ends, nothing new starts (safe from a signal
        handler)."""
        if not self.interrupted:
            self.interrupted = True
            deadline.interrupt()
            if self.on_interrupt is not None:
                self.on_interrupt()

    def __iter__(self) -> Iterator[Report]:
        deadline.reset()
        total = len(self.items)
        if total == 1 or self.concurrency == 1:
            yield from self._in_turn(total)
            return
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
                else:
                    try:
                        while not head.done():
                            wait(list(pending.values()), timeout=0.5, return_when=FIRST_COMPLETED)
                    except KeyboardInterrupt:
                        self.stop()
                        continue
                    report = pending.pop(next_out).result()
                next_out += 1
                self._done(next_out, total, report)
                yield report

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


def run_all(items: Sequence[Item], work: Callable[[Item], Report],
            failed: Callable[[Item, BaseException], Report], *, concurrency: int,
            on_done: Callable[[int, int, Report], None] | None = None) -> list[Report]:
    """Every report, in input order (see ``RunMany``; this keeps them all in memory)."""
    return list(RunMany(items, work, failed, concurrency=concurrency, on_done=on_done))


def error_report(base: Report, exc: BaseException, cause: str,
                 secrets: tuple[str, ...] = ()) -> Report:
    """``base`` with its checks replaced by one error naming what went wrong."""
    from dataclasses import replace

    from hec_doctor.runner import INTERRUPTED, internal_error, result_of

    if isinstance(exc, KeyboardInterrupt):
        outcome = INTERRUPTED
    else:
        outcome = internal_error(exc, secrets, cause)
    return replace(base, checks=(result_of("run", "Run", outcome),))

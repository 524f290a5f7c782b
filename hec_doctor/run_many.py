"""Many targets at once: a bounded pool of threads, results in input order.

Each target runs in its own ``run`` with its own context, sockets and timeouts, so a slow or
broken one holds up only its own worker. Whatever escapes a run becomes that target's error
report; it never reaches the others.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence, TypeVar

from hec_doctor.models import Report
Item = TypeVar("Item")


def run_all(items: Sequence[Item], work: Callable[[Item], Report],
            failed: Callable[[Item, BaseException], Report], *, concurrency: int,
            on_done: Callable[[int, int], None] | None = None) -> list[Report]:
    """``work(item)`` for every item, ``concurrency`` at a time; reports in input order.

    Args:
        items: the targets (or jobs).
        work: makes one report.
        failed: the report for an item whose ``work`` raised.
        concurrency: at most this many at once.
        on_done: called with (finished, total) after each item, from worker threads.
    """
    results: list[Report | None] = [None] * len(items)
    finished = 0
    lock = threading.Lock()

    def one(position: int) -> None:
        nonlocal finished
        item = items[position]
        try:
            report = work(item)
        except Exception as exc:  # one target's failure must not sink the others
            report = failed(item, exc)
        results[position] = report
        with lock:
            finished += 1
            done = finished
        if on_done is not None:
            on_done(done, len(items))

    if len(items) == 1 or concurrency <= 1:
        for position in range(len(items)):
            one(position)
    else:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(items)),
                                thread_name_prefix="hec-doctor") as pool:
            list(pool.map(one, range(len(items))))
    return [report for report in results if report is not None]


def error_report(base: Report, exc: BaseException, cause: str,
                 secrets: tuple[str, ...] = ()) -> Report:
    """``base`` with its checks replaced by one error naming what went wrong."""
    from dataclasses import replace

    from hec_doctor.runner import internal_error, result_of

    return replace(base, checks=(result_of("run", "Run", internal_error(exc, secrets, cause)),))

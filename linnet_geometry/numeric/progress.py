"""Progress bars and task maps for long runs.

One tri-state convention everywhere: ``progress=None`` shows a bar only on an
interactive terminal (tqdm's automatic mode), ``True`` always, ``False`` never.

Examples
--------
>>> from linnet_geometry.numeric.progress import map_tasks
>>> map_tasks(abs, [-3, 1, -2], progress=False)
[3, 1, 2]
"""

from __future__ import annotations

import concurrent.futures as cf
import os

from ..exceptions import InputTypeError

__all__ = ["progress_bar", "map_tasks"]


def progress_bar(total: int, desc: str, progress=None, leave: bool = False):
    """A tqdm bar following the tri-state ``progress`` convention (usable as a context manager).

    >>> with progress_bar(3, "demo", progress=False) as bar:
    ...     bar.update(3)
    """
    from tqdm.auto import tqdm

    disable = None if progress is None else not progress
    return tqdm(total=total, desc=desc, disable=disable, leave=leave)


def map_tasks(fn, tasks, executor=None, max_workers=None, progress=None, desc: str = "tasks", order=None):
    """``[fn(t) for t in tasks]``, optionally on an executor, with a progress bar.

    Parameters
    ----------
    fn : callable
        A picklable function of one task when a process pool is used.
    tasks : sequence
        The tasks; results are returned in this order.
    executor : concurrent.futures.Executor, optional
        Used as given (not shut down).  Without one, a process pool of
        ``max_workers`` workers is created when ``max_workers > 1`` and there is
        more than one task, and shut down at the end; otherwise the tasks run
        serially in this process.
    max_workers : int, optional
        Pool size for the pool created here (default: serial).
    progress : bool or None
        Progress-bar convention of :func:`progress_bar`.
    desc : str
        Label of the bar.
    order : sequence of int, optional
        Submission order (e.g. heaviest first); results still follow ``tasks``.

    >>> map_tasks(len, ["ab", "c"], max_workers=1, progress=False)
    [2, 1]
    """
    if executor is not None and not hasattr(executor, "submit"):
        raise InputTypeError(f"executor has type {type(executor).__name__}; expected a concurrent.futures.Executor")
    tasks = list(tasks)
    order = list(range(len(tasks))) if order is None else list(order)
    results = [None] * len(tasks)
    own = None
    if executor is None and (max_workers or 1) > 1 and len(tasks) > 1:
        own = executor = cf.ProcessPoolExecutor(max_workers=min(max_workers, len(tasks), os.cpu_count() or 1))
    try:
        with progress_bar(len(tasks), desc, progress) as bar:
            if executor is None:
                for k in order:
                    results[k] = fn(tasks[k])
                    bar.update(1)
            else:
                futures = {executor.submit(fn, tasks[k]): k for k in order}
                for fut in cf.as_completed(futures):
                    results[futures[fut]] = fut.result()
                    bar.update(1)
    finally:
        if own is not None:
            own.shutdown()
    return results

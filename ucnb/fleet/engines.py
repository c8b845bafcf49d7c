"""Where a fleet scan's bundles are analysed: in this process, in a pool of local processes, or on a
Dask `distributed` cluster. Each engine takes the bundles to analyse and calls `done(ref, rows)` as
each bundle finishes (the scan checkpoints them in its cache), submitting a bounded number ahead.

- `run_in_process`: one after the other, each bounded by `ScanOptions.timeout` (a timer, in the main
  thread).
- `run_local`: a `pebble.ProcessPool` of `workers` processes, one task per bundle. A bundle past its
  timeout has its process killed and replaced; a process that dies (the kernel's OOM killer, a
  crash) or meets its memory limit (`ScanOptions.memory_limit`, the data size of the process) makes
  that bundle's error row, and the rest of the scan goes on.
- `run_distributed`: partitions of a few bundles as futures on the cluster; a partition that fails
  (a worker killed by its memory limit: `KilledWorker`) is retried one bundle per future, and a
  bundle that fails alone is an error row naming it. A partition past its time (the timeout a bundle)
  has its worker restarted and its bundles tried one by one: one that times out alone is an error
  row. A lost scheduler ends the scan with one line.

    >>> timed_out(BundleRef("slow.zip", None), ScanOptions(timeout=2), "1.0")[0]["error"]
    'slow.zip: took longer than 2 s to read and diagnose (the per-bundle timeout, --timeout)'
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from ucnb.errors import InputError
from ucnb.fleet.rows import BundleRef, ScanOptions, bundle_rows, error_row, partition

Done = Callable[[BundleRef, list[dict[str, Any]]], None]
AHEAD = 4  # bundles (local) or partitions (cluster) submitted per worker ahead of the results


def timed_out(ref: BundleRef, options: ScanOptions, version: str) -> list[dict[str, Any]]:
    return [error_row(ref, version, f"{ref.path}: took longer than {options.timeout:g} s to read and "
                      "diagnose (the per-bundle timeout, --timeout)")]


def _died(ref: BundleRef, options: ScanOptions, version: str, how: str) -> list[dict[str, Any]]:
    limit = options.memory_limit // 2**20
    why = (f"it held more than the {limit} MiB memory guard (--max-memory)" if how == "out of memory"
           else "killed from outside (the system's out-of-memory killer?) or a crash")
    return [error_row(ref, version, f"{ref.path}: its analysis was stopped ({how}): {why}")]


class _Timeout(BaseException):  # not an Exception: `bundle_rows` does not catch it as a bad bundle
    pass


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise `_Timeout` in this (main) thread after `seconds`; elsewhere, no bound."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _bounded_rows(ref: BundleRef, options: ScanOptions, version: str) -> list[dict[str, Any]]:
    try:
        with _alarm(options.timeout):
            return bundle_rows(ref, options, version)
    except _Timeout:
        return timed_out(ref, options, version)


def run_in_process(todo: Sequence[BundleRef], options: ScanOptions, version: str, done: Done) -> None:
    for ref in todo:
        done(ref, _bounded_rows(ref, options, version))


# --- local processes -----------------------------------------------------------------------------


def _start_worker() -> None:
    """In each local worker process, once: warmed up (a no-op when forked from the warm fork server)."""
    from ucnb.fleet import warm

    warm.up()


def _resident(pid: int) -> int:
    """Bytes of memory a process holds (Linux; 0 where unknown)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as stream:
            return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _memory_guard(limit: int, others: set[int], stop: threading.Event, killed: set[int]) -> None:
    """Every 0.1 s: a pool worker holding more than `limit` bytes is killed (its bundle then fails
    alone, `ProcessExpired`), before the machine runs out of memory."""
    import multiprocessing

    while not stop.wait(0.1):
        for process in multiprocessing.active_children():
            pid = process.pid
            if pid is not None and pid not in others and _resident(pid) > limit:
                killed.add(pid)
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def run_local(todo: Sequence[BundleRef], options: ScanOptions, version: str, done: Done, *,
              workers: int) -> None:
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    from pebble import ProcessExpired, ProcessPool

    # Workers fork from a server process that has imported and warmed up once (`ucnb.fleet.warm`):
    # no threads or locks inherited, and a new or replaced worker starts in milliseconds. Where there
    # is no fork server (Windows), a fresh interpreter a worker, warmed up by `_start_worker`.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        multiprocessing.set_forkserver_preload(["ucnb.fleet.warm_server"])
    pending: dict[concurrent.futures.Future[Any], BundleRef] = {}
    queue = iter(todo)
    others = {p.pid for p in multiprocessing.active_children() if p.pid is not None}
    stop, killed = threading.Event(), set[int]()
    guard = threading.Thread(target=_memory_guard, args=(options.memory_limit, others, stop, killed),
                             name="ucnb-memory-guard", daemon=True)
    with ProcessPool(max_workers=workers, initializer=_start_worker, context=context) as pool:

        def submit(refs: Iterator[BundleRef]) -> None:
            for ref in refs:
                future = pool.schedule(bundle_rows, args=(ref, options, version), timeout=options.timeout)
                pending[future] = ref

        guard.start()
        try:
            submit(islice(queue, AHEAD * workers))
            while pending:
                finished, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in finished:
                    ref = pending.pop(future)
                    try:
                        rows = future.result()
                    except TimeoutError:
                        rows = timed_out(ref, options, version)
                    except ProcessExpired as error:
                        how = ("out of memory" if error.pid in killed
                               else f"its process ended with status {error.exitcode}")
                        rows = _died(ref, options, version, how)
                    except BrokenProcessPool as error:  # no worker could start: not this bundle's fault
                        raise InputError(f"the local worker processes could not start ({error}); try "
                                         "--workers 0") from None
                    except Exception as error:  # noqa: BLE001 - pickling or the pool: still one row
                        message = f"{ref.path}: internal error: {type(error).__name__}: {error}"
                        rows = [error_row(ref, version, message)]
                    done(ref, rows)
                    submit(islice(queue, 1))
        except BaseException:
            pool.stop()
            raise
        finally:
            stop.set()
            guard.join()


# --- a distributed cluster -----------------------------------------------------------------------


@contextmanager
def _quiet_distributed() -> Iterator[None]:
    """distributed logs a lost connection as many lines of traceback: the scan says it in one line
    (distributed sets its loggers' levels when imported: import it first)."""
    import distributed  # noqa: F401

    names = [name for name in logging.root.manager.loggerDict if name.startswith(("distributed", "tornado"))]
    loggers = [logging.getLogger(name) for name in [*names, "distributed", "tornado", "asyncio"]]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _cluster_error(address: str, version: str, error: BaseException) -> InputError:
    reason = " ".join(f"{type(error).__name__}: {error}".split())
    return InputError(f"the Dask cluster at {address} could not run the scan ({reason}); every "
                      f"worker needs ucnb {version} and the bundles at the same paths")


def _executing(dask_worker: Any) -> list[Any]:
    """On a Dask worker (`Client.run`): the keys of the tasks it is running now, not those queued."""
    return [task.key for task in dask_worker.state.executing]


def _warm_up_worker() -> None:
    """On a Dask worker (`Client.run`, before the scan and after a restart): warmed up once."""
    from ucnb.fleet import warm

    warm.up()


class _Overdue:
    """Which partitions have run past their time (`ScanOptions.timeout` a bundle) since a worker was
    first seen running them (not queued); looked at five times a second."""

    def __init__(self, client: Any, timeout: float) -> None:
        self.client, self.timeout = client, timeout
        self.began: dict[Any, float] = {}
        self.checked = 0.0

    def __call__(self, pending: dict[Any, list[BundleRef]]) -> list[tuple[Any, str]]:
        now = time.monotonic()
        if now - self.checked < 0.2:
            return []
        self.checked = now
        where = {key: worker for worker, keys in self.client.run(_executing).items() for key in keys}
        self.began = {key: self.began.get(key, now) for key in where}  # a task sent elsewhere starts again
        return [(future, where[future.key]) for future, part in pending.items()
                if future.key in where and now - self.began[future.key] > self.timeout * len(part)]


def run_distributed(todo: Sequence[BundleRef], options: ScanOptions, version: str, done: Done, *,
                    address: str, partition_size: int) -> None:
    with _quiet_distributed():
        from distributed import Client

        try:
            client = Client(address, set_as_default=False)  # timeout: distributed.comm.timeouts.connect
        except (OSError, TimeoutError, ValueError) as error:
            reason = " ".join(str(error).split())
            raise InputError(f"cannot reach the Dask scheduler {address} ({reason})") from None
        lost = InputError(f"lost the Dask scheduler {address} during the scan (the rows read so far are "
                          "cached: run the scan again to go on)")
        with client:
            chunks = iter([list(todo[i:i + partition_size]) for i in range(0, len(todo), partition_size)])
            pending: dict[Any, list[BundleRef]] = {}

            def submit(parts: Iterator[list[BundleRef]]) -> None:
                for part in parts:
                    future = client.submit(partition, part, options=options, version=version, pure=False)
                    pending[future] = part

            overdue = _Overdue(client, options.timeout)
            try:
                workers = max(1, len(client.scheduler_info().get("workers", {})))
                client.run(_warm_up_worker)  # the first bundle's time is the bundle's, not the imports'
                submit(islice(chunks, AHEAD * workers))
                while pending:
                    finished = [future for future in pending if future.done()]
                    if not finished:
                        time.sleep(0.05)
                    if client.status != "running":
                        raise lost
                    for future in finished:
                        part = pending.pop(future)
                        if future.status == "cancelled":
                            raise lost
                        if future.status == "finished":
                            _finished(future.result(), part, done)
                        else:
                            _failed(future, part, options, version, done, submit)
                        submit(islice(chunks, 1))
                    for future, worker in overdue(pending):
                        _stuck(client, future, worker, pending.pop(future), options, version, done, submit)
            except InputError:
                raise
            except Exception as error:  # the cluster itself failed (a lost scheduler)
                failure = lost if client.status != "running" else _cluster_error(address, version, error)
                raise failure from None


def _finished(rows: list[dict[str, Any]], part: list[BundleRef], done: Done) -> None:
    by_bundle: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_bundle.setdefault(row["bundle"], []).append(row)
    for ref in part:
        done(ref, by_bundle[ref.path])


def _stuck(client: Any, future: Any, worker: str, part: list[BundleRef], options: ScanOptions, version: str,
           done: Done, submit: Callable[[Iterator[list[BundleRef]]], object]) -> None:
    """A partition past its time: the worker running it is restarted (its nanny starts a fresh one; a
    thread cannot be stopped otherwise); its bundles are tried one by one, and one that times out
    alone is its error row."""
    client.cancel(future)
    try:
        client.restart_workers([worker], raise_for_error=False)
        client.run(_warm_up_worker)
    except Exception:  # noqa: BLE001 - no nanny: the worker goes on with it, the scan does not wait
        pass
    if len(part) > 1:
        submit(iter([[ref] for ref in part]))
    else:
        done(part[0], timed_out(part[0], options, version))


def _failed(future: Any, part: list[BundleRef], options: ScanOptions, version: str, done: Done,
            submit: Callable[[Iterator[list[BundleRef]]], object]) -> None:
    """A partition that failed: a whole cluster problem ends the scan; else its bundles one by one,
    and a bundle that fails alone is its error row."""
    error = future.exception()
    if isinstance(error, RuntimeError) and "this worker runs ucnb" in str(error):
        raise error
    if len(part) > 1:
        submit(iter([[ref] for ref in part]))
        return
    reason = " ".join(f"{type(error).__name__}: {error}".split())
    done(part[0], _died(part[0], options, version, f"its worker died: {reason[:200]}"))

"""Engines: run the per-page work for a stream of items and hand the results back in input order.

`local` (the default) is a process pool on this machine; `dask` is a Dask distributed cluster, a
`LocalCluster` or one reached at a scheduler address. Either way the main process keeps the I/O that
must obey this machine's rules — downloads through the one `Fetcher` (per-host delay, SSRF guard),
and for Dask also the reading of local files and WARC records, which remote workers cannot see —
and only the pure work (extract, mentions, statements) runs in the workers. At most a few items
per worker are in flight, so a million-item input never builds a million futures; results come
back in input order, so "first seen" (`duplicate_of`) is the same on every engine.
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import importlib.metadata
import logging
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..collect.inputs import Item
from ..collect.sources import Source, load_sources
from ..config import DEFAULT_SOURCES
from ..mentions.taxonomy import Taxonomy

ENGINES = ("local", "dask")
FETCH_THREADS = 8
PER_WORKER = 8  # items in flight per worker process/thread: enough to keep it busy while results are written
IDLE_SECONDS = 1.0  # waiting this long with nothing finished calls the consumer's `idle`
# Libraries whose version changes what a page yields; a Dask worker must run the same as the client.
RESULT_LIBRARIES = ("trafilatura", "htmldate", "courlan", "lxml", "dateparser", "py3langid", "pyahocorasick",
                    "fastwarc")

Page = str | bytes | None


@dataclass(frozen=True)
class Task:
    """What an engine runs for each item.

    `prepare(item)` does the item's I/O in this process and returns `(page, final_url)` for `work`,
    or the item's result when that I/O failed; `work(item, page, final_url)` is the pure part, run
    where the engine puts it; `lost(item, reason)` is the result of an item whose task failed on the
    cluster (its worker died, or the task could not be run).
    """

    prepare: Callable[[Item], tuple[Page, str | None] | Any]
    work: Callable[[Item, Page, str | None], Any]
    lost: Callable[[Item, str], Any]


class EngineError(RuntimeError):
    """An engine that cannot start (no scheduler at the address, a worker running other code); one line."""


def in_order(items: Iterable[Item], start: Callable[[Item], cf.Future], limit: Callable[[], int],
             idle: Callable[[], None] | None = None) -> Iterator[Any]:
    """Results of `start(item)` in input order, with at most `limit()` items started and not yet yielded.

    A started future may resolve to another future (a download, then the work on a worker); the
    item's result is the last one's. `idle` is called (in this thread) each IDLE_SECONDS that pass
    with nothing finished: the caller can write what it holds while a slow download blocks the order.
    """
    seq_of: dict[cf.Future, int] = {}
    finished: dict[int, Any] = {}
    submitted = emitted = 0
    queue = iter(items)
    while True:
        while submitted - emitted < limit():
            item = next(queue, None)
            if item is None:
                break
            seq_of[start(item)] = submitted
            submitted += 1
        if not seq_of:
            return
        done, _ = cf.wait(list(seq_of), timeout=IDLE_SECONDS if idle else None, return_when=cf.FIRST_COMPLETED)
        if not done and idle is not None:
            idle()
        for future in done:
            seq = seq_of.pop(future)
            result = future.result()
            if isinstance(result, cf.Future):
                seq_of[result] = seq
            else:
                finished[seq] = result
        while emitted in finished:
            yield finished.pop(emitted)
            emitted += 1


def _chain(prepared: tuple[Page, str | None] | Any, item: Item, submit: Callable[..., cf.Future]) -> cf.Future | Any:
    """After `prepare`: the work's future, or the failed item's result as it is."""
    if isinstance(prepared, tuple):
        return submit(item, *prepared)
    return prepared


class Local:
    """The process pool of this machine (or this process when `workers` is 1); workers read local files
    themselves, downloads are done first by a thread pool of this process."""

    def __init__(self, workers: int, taxonomy_path: str | None, sources_path: str | None = None) -> None:
        self.workers, self.taxonomy_path, self.sources_path = workers, taxonomy_path, sources_path

    def results(self, items: Iterable[Item], task: Task, idle: Callable[[], None] | None = None) -> Iterator[Any]:
        """`task` for every item, results in input order (`idle`: see `in_order`)."""
        from . import analyse  # here, not at import: commands that start no pool skip the analysers' libraries

        fetch_pool = cf.ThreadPoolExecutor(max_workers=FETCH_THREADS)
        procs: cf.Executor | None = None
        if self.workers > 1:
            procs = cf.ProcessPoolExecutor(max_workers=self.workers, initializer=analyse.init_worker,
                                           initargs=(self.taxonomy_path, None, self.sources_path))
        else:
            analyse.init_worker(self.taxonomy_path, None, self.sources_path)

        def run(item: Item, page: Page = None, final_url: str | None = None) -> cf.Future:
            if procs is not None:
                return procs.submit(task.work, item, page, final_url)
            future: cf.Future = cf.Future()
            future.set_result(task.work(item, page, final_url))
            return future

        def start(item: Item) -> cf.Future:
            if item.needs_fetch:
                return fetch_pool.submit(lambda: _chain(task.prepare(item), item, run))
            return run(item)

        try:
            yield from in_order(items, start, lambda: max(8, self.workers * PER_WORKER), idle)
        finally:
            fetch_pool.shutdown(cancel_futures=True)
            if procs is not None:
                procs.shutdown(cancel_futures=True)

    def close(self) -> None:
        """Nothing to release: the pools live only while `results` runs."""


def code_version() -> str:
    """Digest of this installation's pipeline code and data files and of the libraries that shape results."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for name in RESULT_LIBRARIES:
        digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
    return digest.hexdigest()[:16]


def _analyser_plugin(taxonomy: Taxonomy, sources: list[Source], code: str) -> Any:
    """A Dask worker plugin that checks the worker runs this code, then loads the taxonomy and compiles the
    matcher once in the worker, as `init_worker` does for the local pool. Shipped once per worker."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class AnalyserSetup(WorkerPlugin):
        name = "tracker-analyser"

        def setup(self, worker: Any) -> None:
            from . import analyse

            here = code_version()
            if here != code:
                raise EngineError(f"worker {worker.address} runs other pipeline code or libraries (version {here}, "
                                  f"the client {code}): install the same project version on every worker")
            analyse.init_worker(None, taxonomy, sources)

    return AnalyserSetup()


class Dask:
    """A Dask cluster: the scheduler at `scheduler`, or a LocalCluster of `workers` single-threaded
    processes. Connecting checks the cluster before any store is touched: a scheduler that answers, a
    worker, the taxonomy set up on every worker (a plugin, once per worker), and a first task run, which
    the scheduler can only unpickle with the project importable. Every item is prepared here
    (downloaded, or read from disk) and its page shipped with its task, so workers need the project
    and its libraries but no access to the inputs; raises EngineError with one line."""

    def __init__(self, taxonomy: Taxonomy, scheduler: str | None, workers: int, connect_timeout: float = 30.0,
                 sources: list[Source] | None = None) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                        silence_logs=logging.ERROR)
        try:
            self.client = Client(self.cluster if self.cluster is not None else scheduler, timeout=connect_timeout)
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        # closed when `results` ends, or when the engine is dropped unused (the run failed before it)
        self._close = weakref.finalize(self, _shut_down, self.client, self.cluster)
        try:
            self._check(taxonomy, sources if sources is not None else load_sources(DEFAULT_SOURCES),
                        connect_timeout)
        except BaseException:
            self.close()
            raise

    def _check(self, taxonomy: Taxonomy, sources: list[Source], timeout: float) -> None:
        try:
            self.client.wait_for_workers(1, timeout=timeout)
        except TimeoutError as exc:
            raise EngineError(f"no Dask worker joined the scheduler at {self.client.scheduler.address} within "
                              f"{timeout:g} s (start one with `dask worker ADDRESS`)") from exc
        try:
            self.client.register_plugin(_analyser_plugin(taxonomy, sources, code_version()))
        except EngineError:
            raise
        except Exception as exc:  # the worker's own exception, re-raised here
            raise EngineError(f"a Dask worker failed to set up: {_one_line(exc)}") from exc
        try:
            self.client.submit(code_version, pure=False).result(timeout=4 * timeout)
        except Exception as exc:
            raise EngineError("the Dask cluster cannot run the project's code: start `dask scheduler` and "
                              "`dask worker` where the project is importable (PYTHONPATH=<project folder>) "
                              f"({_one_line(exc)})") from exc

    def results(self, items: Iterable[Item], task: Task, idle: Callable[[], None] | None = None) -> Iterator[Any]:
        """`task` for every item, results in input order (`idle`: see `in_order`); closes the engine when done."""
        client, io_pool = self.client, cf.ThreadPoolExecutor(max_workers=FETCH_THREADS)
        threads = Threads(client)

        def submit(item: Item, page: Page, final_url: str | None) -> cf.Future:
            remote = client.submit(task.work, item, page, final_url, pure=False)
            local_future: cf.Future = cf.Future()

            def done(finished: Any) -> None:
                try:
                    local_future.set_result(finished.result())
                except Exception as exc:  # a worker lost while running it (KilledWorker), a cancelled task…
                    local_future.set_result(task.lost(item, _one_line(exc)))

            remote.add_done_callback(done)
            return local_future

        def start(item: Item) -> cf.Future:
            return io_pool.submit(lambda: _chain(task.prepare(item), item, submit))

        try:
            yield from in_order(items, start, lambda: max(8, threads.count() * PER_WORKER), idle)
        finally:
            io_pool.shutdown(cancel_futures=True)
            self.close()

    def close(self) -> None:
        """Disconnect (the tasks still queued or running are released) and stop a LocalCluster we started."""
        self._close()


def _shut_down(client: Any, cluster: Any) -> None:
    client.close()
    if cluster is not None:
        cluster.close()


def start(engine: str, taxonomy: Taxonomy, taxonomy_path: Path | None, scheduler: str | None,
          workers: int, sources_path: Path | None = None) -> Local | Dask:
    """The engine named `engine` ("local" or "dask"), connected and checked; `sources_path` is the
    sources file whose outlet names and issuers the workers' analysers use."""
    if engine == "dask":
        return Dask(taxonomy, scheduler, workers, sources=load_sources(sources_path or DEFAULT_SOURCES))
    return Local(workers, str(taxonomy_path) if taxonomy_path else None, str(sources_path) if sources_path else None)


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:300]


class Threads:
    """The cluster's worker threads, re-read every few seconds (workers may join or leave during a run)."""

    def __init__(self, client: Any, every: float = 5.0) -> None:
        self.client, self.every = client, every
        self.checked, self.value = 0.0, 1

    def count(self) -> int:
        now = time.monotonic()
        if now - self.checked >= self.every:
            self.value = max(1, sum(self.client.nthreads().values()))
            self.checked = now
        return self.value

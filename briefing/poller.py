"""The poll pipeline: due feeds → fetch → parse → store, one result per feed.

Data flow, for each due feed, many at once:

    FeedState ──fetch (httpx, global + per-host caps, deadline)──▶ FetchResult
              ──parse + classify + sign + prepare rows──▶ Parsed
              ──ingest + record (a savepoint each, committed in groups)──▶ PollResult

A small poll parses in a thread and stores in one writer thread (GroupCommit). A big one
(StoringPool) sends each group of downloaded feeds to a worker process that parses and
stores it, the workers taking turns at the database, so one stores while the other parses.
The event loop only waits, so it keeps many downloads in flight. Progress is reported
through a PollObserver; the engine knows nothing of terminals or the dashboard. Nothing a
feed does — an error, a hang, garbage — stops the other feeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

from .classify import RULES_VERSION, Classification
from .fetch.http import HostClients, fetch, host_key, shared_tls
from .fetch.parse import parse_feed
from .fetch.schedule import next_poll_at
from .labelling import classify_entries
from .models import Config, FeedState, FetchResult, Outcome, ParsedFeed, PollResult, PollSummary
from .store import IngestResult, Prepared, Store, prepare
from .stories import Signature, signature

PROCESS_POOL_MIN_FEEDS = 16
PARSE_TIMEOUT = 60.0
WRITER_CACHE_MB = 32
BULK_GC_THRESHOLD = 50_000  # container allocations between young collections during a big poll


class PollObserver(Protocol):
    def started(self, total: int) -> None: ...
    def finished(self, result: PollResult) -> None: ...


class _Silent:
    def started(self, total: int) -> None:
        pass

    def finished(self, result: PollResult) -> None:
        pass


@contextmanager
def _few_collections(bulk: bool = True) -> Iterator[None]:
    """Fewer garbage collections while a big poll runs.

    Parsing and matching stories allocate millions of short-lived containers, none of them in
    reference cycles; at CPython's default (a collection every 700 allocations, now and then a
    full one over every object of the process, the story index included) collecting took a tenth
    of the writer's time. The poll's process sets this during a big poll (on a one-core machine
    its writer thread stores everything); the workers set it for themselves (_start_worker).
    Objects that exist before the poll are frozen out of the collector's sight; the thresholds
    come back afterwards."""
    if not bulk:
        yield
        return
    with _GC_LOCK:  # polls may overlap (the dashboard's and a scheduled one): the first sets, the last restores
        if not _GC_SAVED:
            # Freeze only if nobody has (the dashboard freezes its own start-up objects for good:
            # unfreezing at the end of a poll would hand them back to the collector).
            freeze = gc.get_freeze_count() == 0
            _GC_SAVED.append((gc.get_threshold(), freeze))
            if freeze:
                gc.freeze()
            gc.set_threshold(max(_GC_SAVED[0][0][0], BULK_GC_THRESHOLD), *_GC_SAVED[0][0][1:])
        _GC_SAVED.append(None)
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_SAVED.pop()
            if len(_GC_SAVED) == 1:
                threshold, froze = _GC_SAVED.pop()
                gc.set_threshold(*threshold)
                if froze:
                    gc.unfreeze()


_GC_LOCK = threading.Lock()
_GC_SAVED: list = []  # [(thresholds before the first poll, whether it froze), then one entry per poll running]


def _start_worker() -> None:
    """Worker-process set-up (a big poll's workers parse and store).

    - Ctrl-C reaches every process of the terminal's group. A worker ignores it: the poll's
      process cancels the poll and shuts the pool down, and nobody prints a KeyboardInterrupt
      traceback from the middle of the pool.
    - A parser bomb we did not foresee hits MemoryError, not the machine.
    - Collections are rare (see _few_collections)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    gc.set_threshold(BULK_GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        import resource

        limit = 2 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


# what parsing found: the feed, and for each entry its labels, signature and rows (None: stored unchanged)
Parsed = tuple[ParsedFeed, tuple[Classification | None, ...], tuple[Signature | None, ...], tuple[Prepared | None, ...]]
T = TypeVar("T")


class WorkerLost(Exception):
    """A worker process hung or died; the message says which, for the feed's error. `hung`: this
    call ran past the time limit (a call may also be lost because another killed the pool)."""

    def __init__(self, message: str, hung: bool = False):
        super().__init__(message)
        self.hung = hung


def _unparsed(error: str) -> Parsed:
    return ParsedFeed("", None, (), error=error, fatal=True), (), (), ()


def parse_classify_sign(
    body: bytes, *, stored: Callable[[list[str]], Mapping[str, str]] | None = None, **kwargs: Any
) -> Parsed:
    """The parse workers' job: entries, their labels, their story signatures and their rows as
    stored — the CPU work of an item, done off the writer thread.

    `stored`: guids → the digests the feed's items are stored with. An entry stored unchanged is
    left alone by ingest, so it is neither classified nor signed here (None in its places): a
    feed without conditional GET sends every entry again at every poll."""
    feed = {key: kwargs.pop(key) for key in ("feed_side", "feed_kind", "feed_tags")}
    parsed = parse_feed(body, **kwargs)
    entries = parsed.entries
    digests = stored([e.guid for e in entries]) if stored is not None and entries else {}
    fresh = [i for i, e in enumerate(entries) if digests.get(e.guid) != e.digest]
    news = [entries[i] for i in fresh]
    labels = classify_entries(news, **feed)
    signatures = tuple(signature(e.title, e.summary) for e in news)
    rows = prepare(news, labels, signatures, RULES_VERSION)
    if len(news) == len(entries):
        return parsed, labels, signatures, rows
    every_label: list[Classification | None] = [None] * len(entries)
    every_signature: list[Signature | None] = [None] * len(entries)
    every_row: list[Prepared | None] = [None] * len(entries)
    for at, label, sig, row in zip(fresh, labels, signatures, rows, strict=True):
        every_label[at], every_signature[at], every_row[at] = label, sig, row
    return parsed, tuple(every_label), tuple(every_signature), tuple(every_row)


def _forkserver() -> multiprocessing.context.BaseContext:
    """The context the workers are forked from: a server process that has imported what they run
    (~0.3 s, once per process), so that a worker starts in ~10 ms. Not plain fork: the poll's
    process has threads (the writer, the executor's), and a thread holding a lock at fork time
    leaves it held forever in the child."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["briefing.labelling", "briefing.poller"])
    return context


def _warm_up(workers: bool) -> None:
    """What a cold poll's first downloads would wait for, started beside the opening of the
    database: the TLS context (~50 ms: the CA bundle), and with `workers` the fork server (~0.3 s:
    its imports), before the poll knows which feeds are due. Best effort: a failure here is met
    again, and reported, where the real call is made."""
    from multiprocessing import forkserver

    if workers:
        with contextlib.suppress(Exception):
            _forkserver()
            forkserver.ensure_running()
    with contextlib.suppress(Exception):
        shared_tls()


class ParsePool:
    """Parsing off the event loop: worker processes when there is much to do (feedparser is pure
    Python and would otherwise hold the GIL; StoringPool runs its groups there, `run`), a thread
    when there is little (`parse`)."""

    def __init__(self, processes: int = 0):
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._starting: asyncio.Future | None = None
        if processes:
            # Starting the fork server takes ~0.1 s: do it beside the first downloads.
            self._starting = asyncio.get_running_loop().run_in_executor(None, self._start)

    def _start(self) -> None:
        self._pool = ProcessPoolExecutor(self.processes, mp_context=_forkserver(), initializer=_start_worker)
        self._pool.submit(int)  # start the workers while the first downloads are in flight

    async def parse(self, body: bytes, **kwargs) -> Parsed:
        """Parse in a thread: a small poll's way (a big one's workers parse in StoringPool)."""
        return await asyncio.get_running_loop().run_in_executor(None, partial(parse_classify_sign, body, **kwargs))

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs) in a worker process. A worker that hangs past PARSE_TIMEOUT or dies
        (a parser bomb we did not foresee) takes the pool with it: the pool starts afresh and the
        calls in flight raise WorkerLost."""
        loop = asyncio.get_running_loop()
        if self._starting is not None:
            await self._starting
        pool = self._pool
        if pool is None:
            raise RuntimeError("ParsePool.run needs worker processes")
        try:
            return await asyncio.wait_for(loop.run_in_executor(pool, partial(fn, *args, **kwargs)), PARSE_TIMEOUT)
        except TimeoutError:
            self._restart(pool)
            raise WorkerLost(f"parser gave up after {PARSE_TIMEOUT:g} s", hung=True) from None
        except (BrokenProcessPool, MemoryError):
            self._restart(pool)
            raise WorkerLost("parser crashed on this document") from None

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        """A new pool, unless another call already started one (calls in flight on the broken
        pool all fail; one restart is enough)."""
        if self._pool is broken:
            self.close(kill=True)
            self._start()

    async def aclose(self) -> None:
        if self._starting is not None:
            await asyncio.shield(self._starting)
        self.close()

    def close(self, kill: bool = False) -> None:
        if self._pool is None:
            return
        if kill:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()
        self._pool.shutdown(wait=not kill, cancel_futures=True)
        self._pool = None


async def poll(
    store_path: str | Path,
    config: Config,
    *,
    force: bool = False,
    observer: PollObserver | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> PollSummary:
    """Poll every due feed once (every enabled feed with `force`). Never raises for feed trouble."""
    observer = observer or _Silent()
    started = time.monotonic()
    writer = ThreadPoolExecutor(1, thread_name_prefix="briefing-writer")
    loop = asyncio.get_running_loop()
    # A new database: every feed will be due, and its migrations take as long as the fork server
    # needs to start. (An existing one opens in milliseconds; its due feeds decide, as before.)
    fresh = not Path(store_path).exists() and sum(f.enabled for f in config.feeds) >= PROCESS_POOL_MIN_FEEDS
    loop.run_in_executor(None, _warm_up, fresh and (os.cpu_count() or 1) > 1)
    store = await loop.run_in_executor(writer, partial(Store, store_path, check_same_thread=False))
    await loop.run_in_executor(writer, store.set_cache, WRITER_CACHE_MB)
    try:
        await loop.run_in_executor(writer, store.sync_feeds, config)
        now = clock()
        feeds = await loop.run_in_executor(
            writer, store.active_feeds if force else partial(store.due_feeds, now)
        )
        observer.started(len(feeds))
        if not feeds:
            return PollSummary((), time.monotonic() - started)
        processes = min(2, os.cpu_count() or 1) if len(feeds) >= PROCESS_POOL_MIN_FEEDS else 0
        parser = ParsePool(processes if processes > 1 else 0)
        commits = GroupCommit(store, writer)
        storing = StoringPool(store_path, parser, commits) if parser.processes else None
        try:
            with _few_collections(len(feeds) >= PROCESS_POOL_MIN_FEEDS):
                results = await _poll_feeds(feeds, config, parser, commits, storing, observer, clock)
        finally:
            if storing is not None:
                await storing.aclose()
            await parser.aclose()
        if storing is not None:  # the workers left the WAL to grow (Store.set_bulk_writer): fold it back once
            await loop.run_in_executor(writer, store.checkpoint)
        return PollSummary(tuple(results), time.monotonic() - started)
    finally:
        # Let the writer finish the transaction it is in, even when we are being cancelled.
        await asyncio.shield(loop.run_in_executor(writer, store.close))
        writer.shutdown(wait=True)


async def _poll_feeds(
    feeds: list[FeedState],
    config: Config,
    parser: ParsePool,
    commits: GroupCommit,
    storing: StoringPool | None,
    observer: PollObserver,
    clock: Callable[[], datetime],
) -> list[PollResult]:
    """Every feed fetched, parsed and stored. In a big poll the workers parse and store
    (StoringPool); in a small one a thread parses and the writer thread stores (GroupCommit)."""
    settings = config.poll
    everyone = asyncio.Semaphore(settings.concurrency)
    hosts: dict[str, asyncio.Semaphore] = {}

    async def one(feed: FeedState) -> PollResult:
        per_host = hosts.setdefault(host_key(feed.url), asyncio.Semaphore(settings.per_host))
        started_at = clock()
        async with everyone, per_host:
            fetched = await fetch(
                clients.for_url(feed.url), feed.url, settings, etag=feed.etag, last_modified=feed.last_modified
            )
        try:
            if storing is not None:
                result = await storing.store(FeedJob(feed, fetched, started_at, clock()))
            else:
                parsed = await parser.parse(fetched.body, **_parse_args(feed, fetched, started_at)) \
                    if fetched.outcome is Outcome.OK else None  # fmt: skip
                result = await commits.write(partial(_store_result, commits.store, feed, fetched, parsed, started_at,
                                                     clock()))  # fmt: skip
        except Exception as error:  # nothing of the feed was stored; the poll (and `watch`) goes on
            result = PollResult(feed.id, feed.name, feed.url, Outcome.FAILED, error=f"not stored: {error}",
                                status=fetched.status, elapsed=fetched.elapsed)  # fmt: skip
        observer.finished(result)
        return result

    async with HostClients(settings) as clients:
        return list(await asyncio.gather(*(one(feed) for feed in feeds)))


def _parse_args(feed: FeedState, fetched: FetchResult, started_at: datetime) -> dict[str, Any]:
    return {
        "url": fetched.permanent_url or feed.url,
        "content_type": fetched.content_type,
        "content_language": fetched.content_language,
        "default_language": feed.language,
        "now": started_at,
        "feed_side": feed.side,
        "feed_kind": feed.kind,
        "feed_tags": feed.tags,
    }


class GroupCommit:
    """The writer thread's queue (a small poll's feeds; in a big one, the failures of feeds whose
    worker was lost): the feeds that finished while it was writing are committed together, each
    in a savepoint of one transaction.

    A commit costs about as much as writing 20 items (the WAL pages of every index an item
    touches, and now and then a checkpoint), so a cold poll of 300 feeds spent a quarter of its
    writer time committing. Batches form by themselves: a lone feed is committed at once; when
    many arrive together, they wait only for the commit in progress. A feed that fails to store
    is undone alone (its savepoint) and its error goes to its caller; a feed's items and its poll
    record still commit together."""

    MAX_FEEDS = 50  # bounds how long other writers (a dashboard starring an item) may wait

    def __init__(self, store: Store, writer: Executor):
        self.store = store
        self._writer = writer
        self._pending: list[tuple[Callable[[], PollResult], asyncio.Future[PollResult]]] = []
        self._draining: asyncio.Task | None = None

    async def write(self, job: Callable[[], PollResult]) -> PollResult:
        future: asyncio.Future[PollResult] = asyncio.get_running_loop().create_future()
        self._pending.append((job, future))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            batch, self._pending = self._pending[: self.MAX_FEEDS], self._pending[self.MAX_FEEDS :]
            try:
                outcomes = await loop.run_in_executor(self._writer, self._commit, [job for job, _ in batch])
            except asyncio.CancelledError:  # the poll is being cancelled; the writer finishes its transaction
                for _, future in (*batch, *self._pending):
                    future.cancel()
                raise
            except Exception as error:  # the commit itself failed: nothing of the batch was stored
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), (result, error) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(result)

    def _commit(self, jobs: list[Callable[[], PollResult]]) -> list[tuple[PollResult | None, Exception | None]]:
        """Runs in the writer thread."""
        return _commit_in_savepoints(self.store, jobs)


def _commit_in_savepoints(
    store: Store, jobs: list[Callable[[], PollResult]]
) -> list[tuple[PollResult | None, Exception | None]]:
    """`jobs` in one transaction, each in its own savepoint: a job's error is its outcome (its
    writes undone), a failed COMMIT is everyone's (raised)."""
    outcomes: list[tuple[PollResult | None, Exception | None]] = []
    with store.transaction():
        for job in jobs:
            try:
                with store.savepoint():
                    outcomes.append((job(), None))
            except Exception as error:  # handed to the feed's own caller
                outcomes.append((None, error))
    return outcomes


# ----------------------------------------------------------------------------- a big poll: workers store


@dataclass(frozen=True, slots=True)
class FeedJob:
    """A feed's download, for a worker process to parse and store (plain data: it crosses over)."""

    feed: FeedState
    fetched: FetchResult
    started_at: datetime
    now: datetime  # the poll's clock when the download ended (a worker cannot call the poll's clock)


class StoringPool:
    """A big poll's worker processes parse the downloaded feeds and store them too, taking turns at
    the database (Store.writers_in_turn); a PollResult is all that comes back.

    Storing is single-threaded (SQLite has one writer). As a thread of the poll's process it
    shared one GIL with the downloads and with unpickling every entry, label and signature the
    workers sent back, so the poll's process was the bottleneck while the workers waited. Now one
    worker stores while the other parses. Groups form as in GroupCommit: a worker takes every feed
    downloaded while it was busy (up to MAX_FEEDS), parses them and commits them together, each in
    its savepoint. Groups stay full to the end: each turn at the database starts cold (another
    writer's commit empties the connection's page cache; its items must be filed), so small
    last groups cost twice as much per feed as they saved in waiting (a trace of turns showed it).

    A group whose worker hangs or dies (a parser bomb we did not foresee) is not stored — the
    transaction never committed — and its feeds are tried again one by one, so that only the
    culprit fails; its failure is recorded by the poll's own writer (GroupCommit)."""

    MAX_FEEDS = 16
    TRIES = 3  # a feed is tried alone after a lost group; a worker lost again fails it

    def __init__(self, path: str | Path, pool: ParsePool, commits: GroupCommit):
        self._path = str(path)
        self._pool = pool
        self._commits = commits
        self._pending: list[tuple[FeedJob, asyncio.Future[PollResult], int]] = []  # (job, future, tries)
        self._busy = 0
        self._tasks: set[asyncio.Task] = set()

    async def store(self, job: FeedJob) -> PollResult:
        future: asyncio.Future[PollResult] = asyncio.get_running_loop().create_future()
        self._pending.append((job, future, 0))
        self._dispatch()
        return await future

    def _dispatch(self) -> None:
        while self._pending and self._busy < self._pool.processes:
            # a feed tried before, in a group that was lost, goes alone (_lost puts those first)
            size = 1 if self._pending[0][2] else self.MAX_FEEDS
            group, self._pending = self._pending[:size], self._pending[size:]
            self._busy += 1
            task = asyncio.create_task(self._run(group))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, group: list[tuple[FeedJob, asyncio.Future[PollResult], int]]) -> None:
        try:
            outcomes = await self._pool.run(_store_in_worker, self._path, [job for job, _, _ in group])
        except WorkerLost as lost:
            await self._lost(group, lost)
            return
        except Exception as error:  # the commit itself failed: nothing of the group was stored
            for _, future, _ in group:
                if not future.done():
                    future.set_exception(error)
            return
        finally:
            self._busy -= 1
            self._dispatch()
        for (_, future, _), (result, error) in zip(group, outcomes, strict=True):
            if not future.done():
                if error is None:
                    future.set_result(result)
                else:
                    future.set_exception(RuntimeError(error))

    async def _lost(self, group: list[tuple[FeedJob, asyncio.Future[PollResult], int]], lost: WorkerLost) -> None:
        """A lost group's feeds are tried again alone; a feed alone is the culprit when its own
        worker hung, or when it was lost TRIES times (a crash also ends the other worker's call)."""
        alone = len(group) == 1
        for job, future, tries in group:
            if future.done():
                continue
            if alone and (lost.hung or tries + 1 >= self.TRIES):  # its failure, stored by the poll's own writer
                write = partial(_store_result, self._commits.store, job.feed, job.fetched, _unparsed(str(lost)),
                                job.started_at, job.now)  # fmt: skip
                try:
                    future.set_result(await self._commits.write(write))
                except Exception as error:
                    future.set_exception(error)
            else:
                self._pending.insert(0, (job, future, tries + 1))
        self._dispatch()

    async def aclose(self) -> None:
        """Cancels what waits; a group being stored is finished by its worker (ParsePool.aclose)."""
        for task in list(self._tasks):
            task.cancel()
        for _, future, _ in self._pending:
            future.cancel()
        self._pending.clear()


# In a worker process: its connection to each database it stores into (a worker lives for one poll).
_WORKER_STORES: dict[str, Store] = {}


def _store_in_worker(path: str, jobs: list[FeedJob]) -> list[tuple[PollResult | None, str | None]]:
    """A worker's part of a big poll: parse a group of feeds, then store them in one transaction,
    each in its savepoint, in turn with the other workers. Returns each feed's result, or why it
    could not be stored."""
    store = _WORKER_STORES.get(path)
    if store is None:
        store = _WORKER_STORES[path] = Store(path)
        store.set_bulk_writer(WRITER_CACHE_MB)
    parsed: list[Parsed | None] = []
    for job in jobs:
        if job.fetched.outcome is not Outcome.OK:
            parsed.append(None)
            continue
        try:
            parsed.append(parse_classify_sign(job.fetched.body, stored=partial(store.stored_digests, job.feed.id),
                                              **_parse_args(job.feed, job.fetched, job.started_at)))  # fmt: skip
        except Exception as error:  # a bug in parsing one document is that feed's failure, not the group's
            parsed.append(_unparsed(f"parser failed: {type(error).__name__}: {error}"))
    writes = [partial(_store_result, store, job.feed, job.fetched, found, job.started_at, job.now)
              for job, found in zip(jobs, parsed, strict=True)]  # fmt: skip
    with store.writers_in_turn():
        outcomes = _commit_in_savepoints(store, writes)
    return [(result, None if error is None else str(error)) for result, error in outcomes]


def _store_result(
    store: Store, feed: FeedState, fetched: FetchResult, found: Parsed | None, started_at: datetime, now: datetime
) -> PollResult:
    """Runs in the writer, in the feed's savepoint (GroupCommit, StoringPool): ingest the entries
    and record how the poll went, so a feed's items are never stored without its caching facts.
    `found`: what parsing found (None: nothing was downloaded)."""
    parsed, labels, signatures, prepared = found or (None, (), (), ())
    ingested = IngestResult((), ())
    error = fetched.error
    outcome = fetched.outcome
    if parsed is not None:
        if parsed.entries:
            ingested = store.ingest(feed, parsed.entries, now, labels, RULES_VERSION,
                                    signatures=signatures or None, prepared=prepared or None)  # fmt: skip
        error = parsed.error
        if parsed.fatal:
            outcome = Outcome.FAILED
    failures = feed.consecutive_failures + 1 if outcome is Outcome.FAILED else 0
    when = next_poll_at(
        now,
        interval=feed.interval,
        outcome=outcome,
        consecutive_failures=failures,
        retry_after=fetched.retry_after,
        max_age=fetched.max_age,
        ttl=parsed.ttl if parsed else None,
    )
    store.record_fetch(
        feed,
        fetched if outcome is fetched.outcome else _as_failed(fetched),
        parsed,
        started_at=started_at,
        next_poll_at=when,
        new_items=len(ingested.new_ids),
        updated_items=len(ingested.updated_ids),
        error=error,
    )
    return PollResult(
        feed_id=feed.id,
        name=feed.name,
        url=feed.url,
        outcome=outcome,
        new_items=len(ingested.new_ids),
        updated_items=len(ingested.updated_ids),
        error=error,
        status=fetched.status,
        elapsed=fetched.elapsed,
    )


def _as_failed(fetched: FetchResult) -> FetchResult:
    from dataclasses import replace

    # A document that was not a feed must not leave its validators behind: the next poll
    # should fetch it in full, not get a 304 for garbage.
    return replace(fetched, outcome=Outcome.FAILED, etag=None, last_modified=None)

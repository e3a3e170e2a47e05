"""The poll pipeline: due feeds → fetch → parse → store, one result per feed.

Data flow, for each due feed, many at once:

    FeedState ──fetch (httpx, global + per-host caps, deadline)──▶ FetchResult
              ──parse + classify (worker processes for big polls, a thread for small)──▶
              ParsedFeed + labels
              ──ingest + record (one writer thread, a savepoint each, committed in groups)──▶ PollResult

The event loop only waits: parsing runs in other processes or threads and every database
write runs in a single writer thread, so the loop keeps many downloads in flight. Progress
is reported through a PollObserver; the engine knows nothing of terminals or the dashboard.
Nothing a feed does — an error, a hang, garbage — stops the other feeds.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from .classify import RULES_VERSION, Classification
from .fetch.http import HostClients, fetch, host_key
from .fetch.schedule import next_poll_at
from .labelling import parse_and_classify
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

    Parsing, unpickling the workers' results and matching stories allocate millions of
    short-lived containers, none of them in reference cycles; at CPython's default (a collection
    every 700 allocations, now and then a full one over every object of the process, the story
    index included) collecting took a tenth of the writer's time and half of the unpickling.
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
    """Parse-worker set-up.

    - Ctrl-C reaches every process of the terminal's group. A worker ignores it: the poll's
      process cancels the poll and shuts the pool down, and nobody prints a KeyboardInterrupt
      traceback from the middle of the pool.
    - A parser bomb we did not foresee hits MemoryError, not the machine.
    - Collections are rare (see _few_collections; a worker only parses)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()
    gc.set_threshold(BULK_GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        import resource

        limit = 2 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


Parsed = tuple[ParsedFeed, tuple[Classification, ...], tuple[Signature, ...], tuple[Prepared, ...]]


def parse_classify_sign(body: bytes, **kwargs) -> Parsed:
    """The parse workers' job: entries, their labels, their story signatures and their rows as
    stored — the CPU work of an item, done off the writer thread."""
    parsed, labels = parse_and_classify(body, **kwargs)
    signatures = tuple(signature(e.title, e.summary) for e in parsed.entries)
    return parsed, labels, signatures, prepare(parsed.entries, labels, signatures, RULES_VERSION)


class ParsePool:
    """Parses off the event loop: in worker processes when there is much to do (feedparser is
    pure Python and would otherwise hold the GIL), in a thread when there is little."""

    def __init__(self, processes: int = 0):
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._starting: asyncio.Future | None = None
        if processes:
            # Starting the fork server takes ~0.1 s: do it beside the first downloads.
            self._starting = asyncio.get_running_loop().run_in_executor(None, self._start)

    def _start(self) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["briefing.labelling", "briefing.poller"])
        self._pool = ProcessPoolExecutor(self._processes, mp_context=context, initializer=_start_worker)
        self._pool.submit(int)  # start the workers while the first downloads are in flight

    async def parse(self, body: bytes, **kwargs) -> Parsed:
        job = partial(parse_classify_sign, body, **kwargs)
        loop = asyncio.get_running_loop()
        if self._starting is not None:
            await self._starting
        if self._pool is None:
            return await loop.run_in_executor(None, job)
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._pool, job), PARSE_TIMEOUT)
        except TimeoutError:
            self._restart()
            return ParsedFeed("", None, (), error=f"parser gave up after {PARSE_TIMEOUT:g} s", fatal=True), (), (), ()
        except (BrokenProcessPool, MemoryError):
            self._restart()
            return ParsedFeed("", None, (), error="parser crashed on this document", fatal=True), (), (), ()

    def _restart(self) -> None:
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
        try:
            with _few_collections(len(feeds) >= PROCESS_POOL_MIN_FEEDS):
                results = await _poll_feeds(feeds, config, store, writer, parser, observer, clock)
        finally:
            await parser.aclose()
        return PollSummary(tuple(results), time.monotonic() - started)
    finally:
        # Let the writer finish the transaction it is in, even when we are being cancelled.
        await asyncio.shield(loop.run_in_executor(writer, store.close))
        writer.shutdown(wait=True)


async def _poll_feeds(
    feeds: list[FeedState],
    config: Config,
    store: Store,
    writer: Executor,
    parser: ParsePool,
    observer: PollObserver,
    clock: Callable[[], datetime],
) -> list[PollResult]:
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
        parsed, labels, signatures, prepared = None, (), (), ()
        if fetched.outcome is Outcome.OK:
            parsed, labels, signatures, prepared = await parser.parse(
                fetched.body,
                url=fetched.permanent_url or feed.url,
                content_type=fetched.content_type,
                content_language=fetched.content_language,
                default_language=feed.language,
                now=started_at,
                feed_side=feed.side,
                feed_kind=feed.kind,
                feed_tags=feed.tags,
            )
        try:
            result = await commits.write(
                partial(_store_result, store, feed, fetched, parsed, labels, started_at, clock, signatures, prepared)
            )
        except Exception as error:  # nothing of the feed was stored; the poll (and `watch`) goes on
            result = PollResult(feed.id, feed.name, feed.url, Outcome.FAILED, error=f"not stored: {error}",
                                status=fetched.status, elapsed=fetched.elapsed)  # fmt: skip
        observer.finished(result)
        return result

    commits = GroupCommit(store, writer)
    async with HostClients(settings) as clients:
        return list(await asyncio.gather(*(one(feed) for feed in feeds)))


class GroupCommit:
    """The writer thread's queue: the feeds that finished while it was writing are committed
    together, each in a savepoint of one transaction.

    A commit costs about as much as writing 20 items (the WAL pages of every index an item
    touches, and now and then a checkpoint), so a cold poll of 300 feeds spent a quarter of its
    writer time committing. Batches form by themselves: a lone feed is committed at once; when
    many arrive together, they wait only for the commit in progress. A feed that fails to store
    is undone alone (its savepoint) and its error goes to its caller; a feed's items and its poll
    record still commit together."""

    MAX_FEEDS = 50  # bounds how long other writers (a dashboard starring an item) may wait

    def __init__(self, store: Store, writer: Executor):
        self._store = store
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
        outcomes: list[tuple[PollResult | None, Exception | None]] = []
        with self._store.transaction():
            for job in jobs:
                try:
                    with self._store.savepoint():
                        outcomes.append((job(), None))
                except Exception as error:  # handed to the feed's own caller
                    outcomes.append((None, error))
        return outcomes


def _store_result(
    store: Store,
    feed: FeedState,
    fetched: FetchResult,
    parsed: ParsedFeed | None,
    labels: tuple[Classification, ...],
    started_at: datetime,
    clock: Callable[[], datetime],
    signatures: tuple[Signature, ...],
    prepared: tuple[Prepared, ...] = (),
) -> PollResult:
    """Runs in the writer thread, in the feed's savepoint (GroupCommit): ingest the entries and
    record how the poll went, so a feed's items are never stored without its caching facts."""
    ingested = IngestResult((), ())
    error = fetched.error
    outcome = fetched.outcome
    if parsed is not None:
        if parsed.entries:
            ingested = store.ingest(feed, parsed.entries, clock(), labels, RULES_VERSION,
                                    signatures=signatures or None, prepared=prepared or None)  # fmt: skip
        error = parsed.error
        if parsed.fatal:
            outcome = Outcome.FAILED
    failures = feed.consecutive_failures + 1 if outcome is Outcome.FAILED else 0
    when = next_poll_at(
        clock(),
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

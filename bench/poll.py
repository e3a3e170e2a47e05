"""Poll benchmark: N synthetic feeds on a loopback server with a set latency.

Prints the cold poll time (everything new), the warm poll time (everything 304), the time of a
poll in which every feed sends its whole document again (as a publisher without conditional GET
does: 200, nothing new), items per second and peak memory of briefing's processes. The server
runs in its own process, listening on several loopback addresses (127.0.0.2 …) so the per-host
cap applies as it would across real publishers.

    python bench/poll.py                      # 300 feeds × 40 items, 150 ms latency
    python bench/poll.py --feeds 50 --items 20 --latency 0.05
    python bench/poll.py --phases             # and the CPU of each stage (parse, classify, stories, store)
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.models import Config, FeedConfig, Outcome, PollSettings
from briefing.poller import WRITER_CACHE_MB, GroupCommit, _few_collections, poll

PLACES = ["Stepanakert", "Shusha", "Lachin", "Goris", "Askeran", "Martakert", "Yerevan", "Baku", "Aghdam"]
ACTS = ["shelling reported near", "ministry statement on", "aid convoy waits at", "talks planned over",
        "evacuation from", "UN calls for restraint in", "mine blast near", "protest in"]


def feed_document(index: int, items: int) -> bytes:
    start = datetime(2023, 9, 19, tzinfo=UTC)
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
             f"<title>Synthetic feed {index}</title><link>https://feed{index}.example/</link>",
             "<description>bench</description>"]
    for j in range(items):
        place = PLACES[(index + j) % len(PLACES)]
        act = ACTS[(index * 7 + j) % len(ACTS)]
        when = format_datetime(start + timedelta(minutes=index * 3 + j * 17), usegmt=True)
        summary = (f"<p>Reports from {place} describe the situation as tense. Officials said the {act.split()[0]} "
                   f"was being monitored, while residents described shortages of fuel and medicine. "
                   f"Item {j} of feed {index}.</p>")
        parts.append(
            f"<item><title>{escape(act.capitalize())} {place} ({index}-{j})</title>"
            f"<link>https://feed{index}.example/news/{j}</link><guid>feed{index}-{j}</guid>"
            f"<pubDate>{when}</pubDate><description>{escape(summary)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve(port_queue, feeds: int, items: int, latency: float, hosts: list[str], resend=None) -> None:
    """The server process: asyncio, keep-alive, ETag/304, a fixed latency per response. Once the
    `resend` event is set, it ignores If-None-Match (a publisher without conditional GET)."""
    bodies = {f"/feed/{i}.xml": feed_document(i, items) for i in range(feeds)}
    etags = {path: '"' + hashlib.md5(body).hexdigest() + '"' for path, body in bodies.items()}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                await asyncio.sleep(latency)
                body = bodies.get(path)
                if body is None:
                    status, payload, extra = "404 Not Found", b"", ""
                elif headers.get("if-none-match") == etags[path] and not (resend and resend.is_set()):
                    status, payload, extra = "304 Not Modified", b"", f"ETag: {etags[path]}\r\n"
                else:
                    status, payload = "200 OK", body
                    extra = f"ETag: {etags[path]}\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                writer.write(f"HTTP/1.1 {status}\r\n{extra}Content-Length: {len(payload)}\r\n\r\n".encode()
                             + payload)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        first = await asyncio.start_server(handle, host=hosts[0], port=0, backlog=1024)
        port = first.sockets[0].getsockname()[1]
        others = [await asyncio.start_server(handle, host=h, port=port, backlog=1024) for h in hosts[1:]]
        port_queue.put(port)
        await asyncio.gather(*(s.serve_forever() for s in (first, *others)))

    asyncio.run(main())


class MemorySampler:
    """Peak of the summed RSS of this process and its descendants (parse workers), sampled from
    another process: a sampling thread here would take the GIL from the poll it measures."""

    def __init__(self, exclude: int):
        context = multiprocessing.get_context("spawn")
        self._stop, self._ready = context.Event(), context.Event()
        self._result = context.Queue()
        self._process = context.Process(target=_sample, args=(os.getpid(), exclude, self._stop, self._ready,
                                                              self._result), daemon=True)  # fmt: skip
        self.peak = 0

    def __enter__(self):
        self._process.start()
        self._ready.wait(60)  # its start-up (imports) must not overlap the poll it measures
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.peak = self._result.get(timeout=30)
        self._process.join()


def _sample(root: int, exclude: int, stop, ready, result) -> None:
    """The sampler process: every 50 ms, the family tree from /proc/PID/task/*/children and the
    RSS pages of each member from /proc/PID/statm (cheap reads: the sampler takes little CPU)."""
    page = os.sysconf("SC_PAGE_SIZE")

    def children(pid: int) -> list[int]:
        found = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    found += [int(child) for child in handle.read().split()]
        except OSError:
            pass
        return found

    def rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                return int(handle.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            return 0

    peak = 0
    ready.set()
    while not stop.is_set():
        total, frontier = 0, [root]
        while frontier:
            pid = frontier.pop()
            if pid in (exclude, os.getpid()):
                continue
            total += rss(pid)
            frontier += children(pid)
        peak = max(peak, total)
        stop.wait(0.05)
    result.put(peak)


def phases(feeds: int, items: int) -> None:
    """CPU seconds of each stage of the pipeline, one process, no network: who owns the time."""
    from briefing.classify import RULES_VERSION, classify
    from briefing.fetch.parse import parse_feed
    from briefing.store import Store, prepare
    from briefing.stories import signature

    docs = [feed_document(i, items) for i in range(feeds)]
    now = datetime.now(UTC)
    timings: list[tuple[str, float]] = []

    def timed(label: str, work):  # with the collector set as during a big poll (poller._few_collections)
        with _few_collections():
            return _timed(label, work)

    def _timed(label: str, work):
        started = time.process_time()
        result = work()
        timings.append((label, time.process_time() - started))
        return result

    parsed = timed("parse (fetch/parse.py)", lambda: [
        parse_feed(d, url=f"http://feed{i}.example/", content_type="application/rss+xml", now=now)
        for i, d in enumerate(docs)])  # fmt: skip
    labels = timed("classify (classify/)", lambda: [
        tuple(classify(e.title, e.summary, feed_side="international", language=e.language) for e in p.entries)
        for p in parsed])  # fmt: skip
    sigs = timed("story signatures (stories.py)", lambda: [
        tuple(signature(e.title, e.summary) for e in p.entries) for p in parsed])  # fmt: skip
    rows = timed("rows as stored (store.prepare)", lambda: [
        prepare(p.entries, ls, ss, RULES_VERSION) for p, ls, ss in zip(parsed, labels, sigs, strict=True)])  # fmt: skip
    config = Config(feeds=tuple(FeedConfig(name=f"feed {i}", url=f"http://feed{i}.example/") for i in range(feeds)))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "phases.db") as store:
        store.sync_feeds(config)
        store.set_bulk_writer(WRITER_CACHE_MB)  # as the poller's workers
        work = list(zip(store.active_feeds(), parsed, labels, sigs, rows, strict=True))

        def ingest_all() -> None:  # as the poller's writer does: feeds committed in groups
            for start in range(0, len(work), GroupCommit.MAX_FEEDS):
                with store.transaction():
                    for f, p, ls, ss, rs in work[start : start + GroupCommit.MAX_FEEDS]:
                        store.ingest(f, p.entries, datetime.now(UTC), ls, RULES_VERSION, signatures=ss, prepared=rs)

        timed("store: ingest with stories (store/)", ingest_all)
    print(f"CPU by stage, one process ({feeds} feeds × {items} items):")
    for label, seconds in timings:
        print(f"  {label:<38} {seconds:6.2f} s")


def shape_arguments(description: str | None) -> argparse.ArgumentParser:
    """The poll's shape, for this benchmark and bench/newsboat.py (which must poll the same)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.150, help="seconds per response (default 0.150)")
    parser.add_argument("--hosts", type=int, default=30, help="loopback addresses to spread feeds over")
    return parser


def main() -> int:
    parser = shape_arguments(__doc__)
    parser.add_argument("--phases", action="store_true", help="also print the CPU each pipeline stage takes")
    parser.add_argument("--phases-only", action="store_true", help="only the CPU of each stage (no server, no poll)")
    args = parser.parse_args()
    # The workers are forked from a fork server, a fresh interpreter that imports briefing before
    # it reads our sys.path: without this, a bench of another checkout times the installed code
    # in its workers (python 3.11's forkserver ignores the sys_path it is given).
    root = str(Path(__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    if args.phases_only:
        phases(args.feeds, args.items)
        return 0

    hosts = [f"127.0.0.{i + 2}" for i in range(args.hosts)]
    queue = multiprocessing.get_context("spawn").Queue()
    resend = multiprocessing.get_context("spawn").Event()
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(queue, args.feeds, args.items, args.latency, hosts, resend), daemon=True
    )
    server.start()
    port = queue.get(timeout=60)
    settings = PollSettings()
    feeds = tuple(
        FeedConfig(name=f"feed {i}", url=f"http://{hosts[i % len(hosts)]}:{port}/feed/{i}.xml", side="international")
        for i in range(args.feeds)
    )
    config = Config(feeds=feeds, poll=settings)
    print(f"{args.feeds} feeds × {args.items} items, {args.latency * 1000:.0f} ms latency, "
          f"{args.hosts} hosts, concurrency {settings.concurrency}, per host {settings.per_host}, "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp, MemorySampler(exclude=server.pid) as memory:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        cold = asyncio.run(poll(db, config))
        cold_time = time.perf_counter() - started
        started = time.perf_counter()
        warm = asyncio.run(poll(db, config, force=True))
        warm_time = time.perf_counter() - started
        resend.set()
        started = time.perf_counter()
        again = asyncio.run(poll(db, config, force=True))
        again_time = time.perf_counter() - started
    server.terminate()

    failed = cold.count(Outcome.FAILED) + warm.count(Outcome.FAILED) + again.count(Outcome.FAILED)
    print(f"cold poll:  {cold_time:6.2f} s  ({cold.count(Outcome.OK)} ok, {cold.new_items} new items, "
          f"{cold.new_items / cold_time:,.0f} items/s)")
    print(f"warm poll:  {warm_time:6.2f} s  ({warm.count(Outcome.NOT_MODIFIED)} not modified)")
    print(f"sent again: {again_time:6.2f} s  ({again.count(Outcome.OK)} whole documents, {again.new_items} new items)")
    print(f"peak memory: {memory.peak / 2**20:.0f} MB (briefing and its parse workers)")
    print("load average: {:.1f} {:.1f} {:.1f} (other work on the machine slows every figure)".format(*os.getloadavg()))
    if args.phases:
        phases(args.feeds, args.items)
    if failed:
        everything = (*cold.results, *warm.results, *again.results)
        reasons = sorted({r.error or "" for r in everything if r.outcome is Outcome.FAILED})
        print(f"FAILED feeds: {failed}; reasons: {reasons[:5]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The whole pipeline, loopback server → real poller → real SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loopback import Request, Response, item, rss

from briefing.models import Config, FeedConfig, Outcome, PollSettings
from briefing.poller import PROCESS_POOL_MIN_FEEDS, poll
from briefing.store import Store

SETTINGS = PollSettings(timeout=5, deadline=5, per_host=4)


def cfg(*feeds: FeedConfig, settings: PollSettings = SETTINGS) -> Config:
    return Config(feeds=feeds, poll=settings)


class Clock:
    def __init__(self):
        self.now = datetime(2023, 9, 19, 12, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


def etag_route(body_ref: dict):
    def route(req: Request) -> Response:
        tag = f'"{hash(body_ref["body"])}"'
        if req.headers.get("if-none-match") == tag:
            return Response(304, b"", {"ETag": tag})
        return Response(200, body_ref["body"], {"ETag": tag, "Content-Type": "application/rss+xml"})

    return route


async def test_poll_stores_items_then_304_then_edit(server, db_path):
    doc = {"body": rss(item("1", "Mine blast on the Shusha road", link="https://n.example/1"),
                       item("2", "Sirens in Stepanakert", link="https://n.example/2"))}
    url = server.route("/feed", etag_route(doc))
    config = cfg(FeedConfig(name="News", url=url, side="armenia"))
    clock = Clock()

    first = await poll(db_path, config, clock=clock)
    assert [r.outcome for r in first.results] == [Outcome.OK]
    assert first.new_items == 2

    clock.now += timedelta(hours=1)
    second = await poll(db_path, config, clock=clock)
    assert [r.outcome for r in second.results] == [Outcome.NOT_MODIFIED]
    assert server.requests[-1].headers.get("if-none-match")

    doc["body"] = rss(item("1", "Mine blast on the Shusha road: six dead", link="https://n.example/1"),
                      item("2", "Sirens in Stepanakert", link="https://n.example/2"))
    clock.now += timedelta(hours=1)
    third = await poll(db_path, config, clock=clock)
    assert third.results[0].updated_items == 1 and third.new_items == 0
    with Store(db_path) as store:
        assert store.count_items() == 2
        [edited] = store.items(text="six dead")
        assert [old for _at, old, _s in store.history(edited.id)] == ["Mine blast on the Shusha road"]


async def test_only_due_feeds_are_polled(server, db_path):
    url = server.route("/feed", Response(200, rss(item("1", "x"))))
    config = cfg(FeedConfig(name="N", url=url, interval=900))
    clock = Clock()
    await poll(db_path, config, clock=clock)
    clock.now += timedelta(minutes=1)
    summary = await poll(db_path, config, clock=clock)
    assert summary.results == () and server.hits("/feed") == 1
    forced = await poll(db_path, config, clock=clock, force=True)
    assert len(forced.results) == 1


async def test_one_bad_feed_never_aborts_the_poll(server, db_path):
    good = server.route("/good", Response(200, rss(item("1", "good"))))
    feeds = [
        FeedConfig(name="good", url=good),
        FeedConfig(name="404", url=server.route("/missing", Response(404, b"nope"))),
        FeedConfig(name="html", url=server.route("/html", Response(200, b"<html><body>hi</body></html>"))),
        FeedConfig(name="refused", url="http://127.0.0.1:9/feed"),
        FeedConfig(name="bomb", url=server.route("/loop", Response(302, b"", {"Location": "/loop"}))),
    ]
    summary = await poll(db_path, cfg(*feeds), clock=Clock())
    outcomes = {r.name: r.outcome for r in summary.results}
    assert outcomes["good"] is Outcome.OK
    assert all(outcomes[n] is Outcome.FAILED for n in ("404", "html", "refused", "bomb"))
    with Store(db_path) as store:
        health = {h["name"]: h for h in store.feed_health(datetime.now(UTC))}
    assert health["404"]["last_error"] == "HTTP 404 Not Found"
    assert "not a feed" in health["html"]["last_error"]
    assert health["good"]["last_error"] is None and health["good"]["last_success_at"]


async def test_failure_backs_off_and_success_resets(server, db_path):
    state = {"fail": True}

    def route(_req: Request) -> Response:
        return Response(500, b"") if state["fail"] else Response(200, rss(item("1", "x")))

    url = server.route("/flaky", route)
    config = cfg(FeedConfig(name="flaky", url=url, interval=600))
    clock = Clock()
    delays = []
    for _ in range(3):
        await poll(db_path, config, clock=clock, force=True)
        with Store(db_path) as store:
            feed = store.active_feeds()[0]
        delays.append((feed.next_poll_at - clock.now).total_seconds())
    assert feed.consecutive_failures == 3
    assert delays[2] > delays[0] * 2.5  # 600 → 1200 → 2400, with jitter
    state["fail"] = False
    await poll(db_path, config, clock=clock, force=True)
    with Store(db_path) as store:
        assert store.active_feeds()[0].consecutive_failures == 0


async def test_retry_after_is_respected(server, db_path):
    url = server.route("/busy", Response(429, b"", {"Retry-After": "7200"}))
    clock = Clock()
    await poll(db_path, cfg(FeedConfig(name="busy", url=url, interval=60)), clock=clock)
    with Store(db_path) as store:
        feed = store.active_feeds()[0]
    assert feed.next_poll_at - clock.now >= timedelta(seconds=7200)


async def test_permanent_redirect_updates_the_stored_url(server, db_path):
    new = server.route("/new-home", Response(200, rss(item("news/1", "moved"))))  # a relative permalink guid
    old = server.route("/old-home", Response(301, b"", {"Location": "/new-home"}))
    config = cfg(FeedConfig(name="moved", url=old))
    await poll(db_path, config, clock=Clock())
    with Store(db_path) as store:
        feed = store.active_feeds()[0]
    assert feed.url == new and feed.config_url == old
    await poll(db_path, config, clock=Clock(), force=True)
    assert server.hits("/old-home") == 1 and server.hits("/new-home") == 2
    with Store(db_path) as store:
        assert store.count_items() == 1  # the move changed no GUID: no duplicate


async def test_same_story_in_two_feeds_is_one_item(server, db_path):
    a = server.route("/a", Response(200, rss(item("a1", "Ceasefire announced", link="https://wire.example/c"))))
    b = server.route("/b", Response(200, rss(item("b9", "Ceasefire announced", link="https://wire.example/c"))))
    await poll(db_path, cfg(FeedConfig(name="A", url=a), FeedConfig(name="B", url=b)), clock=Clock())
    with Store(db_path) as store:
        [only] = store.items()
        assert {name for name, _side, _seen in store.carriers(only.id)} == {"A", "B"}


async def test_per_host_cap_is_respected(server, db_path):
    active = {"now": 0, "max": 0}  # the server's threads update it under the GIL

    def route(_req: Request) -> Response:
        active["now"] += 1
        active["max"] = max(active["max"], active["now"])
        import time

        time.sleep(0.1)
        active["now"] -= 1
        return Response(200, rss())

    feeds = [FeedConfig(name=f"f{i}", url=server.route(f"/f{i}", route)) for i in range(8)]
    settings = PollSettings(timeout=5, deadline=5, per_host=2, concurrency=8)
    await poll(db_path, cfg(*feeds, settings=settings), clock=Clock())
    assert active["max"] <= 2


async def test_many_feeds_parse_in_worker_processes(server, db_path):
    feeds = [
        FeedConfig(name=f"f{i}", url=server.route(f"/p{i}", Response(200, rss(*(item(f"{i}-{j}", f"T {i} {j}")
                                                                                for j in range(5))))))
        for i in range(20)
    ]
    summary = await poll(db_path, cfg(*feeds), clock=Clock())
    assert summary.count(Outcome.OK) == 20 and summary.new_items == 100


def wal_frames(db: Path) -> tuple[int, int]:
    """(frames in the WAL, frames already copied back into the database), read from the wal-index
    (the -shm file: mxFrame at byte 16, nBackfill at byte 96; sqlite.org/walformat.html) without
    checkpointing, which asking SQLite through PRAGMA wal_checkpoint would do."""
    header = Path(f"{db}-shm").read_bytes()[:100]
    return int.from_bytes(header[16:20], sys.byteorder), int.from_bytes(header[96:100], sys.byteorder)


async def test_a_big_poll_stores_what_a_small_one_stores(server, db_path, tmp_path):
    """A poll of many feeds parses and stores in worker processes, taking turns; the items, their
    labels, carriers and stories are those a small poll (a thread parsing, one writer) stores."""
    link = "https://wire.example/2023/09/19/sirens"
    wire = "Sirens and shelling in Stepanakert as Azerbaijan's defence ministry announces an operation"
    copy = rss(item("w", wire, link=link, summary="Residents reported explosions across the town."))
    feeds = [FeedConfig(name=f"copy {i}", url=server.route(f"/c{i}", Response(200, copy))) for i in range(2)]
    feeds += [FeedConfig(name=f"f{i}", url=server.route(f"/q{i}", Response(200, rss(item(f"{i}", f"Filler {i}")))))
              for i in range(PROCESS_POOL_MIN_FEEDS)]  # fmt: skip
    rewrite = ("Ilham Aliyev apologises to Vladimir Putin for the deaths of Russian peacekeepers in Karabakh",
               "Azerbaijan's president apologised to Vladimir Putin in a phone call over the deaths of five Russian "
               "peacekeepers killed near Stepanakert, the Kremlin said.")  # fmt: skip
    feeds += [FeedConfig(name=f"rewrite {i}", url=server.route(f"/r{i}", Response(200, rss(
        item(f"r{i}", rewrite[0], link=f"https://outlet{i}.example/apology", summary=rewrite[1])))))
        for i in range(12)]  # fmt: skip — twelve outlets: both workers store reports of it

    def stored(path):
        with Store(path) as store:
            [found] = [i for i in store.items() if i.link == link]
            carriers = {name for name, _side, _seen in store.carriers(found.id)}
            logged = store.db.conn.execute("SELECT count(*) FROM poll_log WHERE outcome = 'ok'").fetchone()[0]
            return (found.title, found.panes, found.actors, found.places, found.speaker), carriers, logged, \
                store.count_items()

    with Store(db_path) as dashboard:  # open throughout, as the dashboard would be
        big = await poll(db_path, cfg(*feeds), clock=Clock())
        # the workers let the WAL grow; the poll folded it back, though a reader kept it open
        frames, copied = wal_frames(db_path)
        assert dashboard.count_items() > 0 and frames > 0 and copied == frames
    small = await poll(tmp_path / "small.db", cfg(*feeds[:2]), clock=Clock())
    assert big.count(Outcome.OK) == len(feeds) and big.new_items == len(feeds) - 1
    labels, carriers, logged, count = stored(db_path)
    assert carriers == {"copy 0", "copy 1"} and logged == len(feeds) and count == len(feeds) - 1
    assert "events" in labels[1] and "Stepanakert / Khankendi" in labels[3]
    assert stored(tmp_path / "small.db")[0] == labels and small.new_items == 1
    with Store(db_path) as store:
        stories = {i.story_id for i in store.items() if i.title == rewrite[0]}
        # the workers store without foreign-key checks (Store.set_bulk_writer): every reference holds
        assert store.db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = store.db.conn.execute(
            "SELECT count(*) FROM story_feeds WHERE story_id NOT IN (SELECT id FROM stories)"
            " OR feed_id NOT IN (SELECT id FROM feeds)"
        ).fetchone()[0]
    assert len(stories) == 1 and orphans == 0  # one story, though two processes stored its reports


async def test_a_document_that_hangs_its_worker_fails_alone_in_a_big_poll(server, db_path, monkeypatch):
    """In a big poll the workers parse and store groups of feeds. A document that keeps a worker
    past the time limit costs its group a try: the group's feeds are tried again one by one, so
    that only that feed fails (with the reason, recorded), and the others are stored."""
    import briefing.poller

    monkeypatch.setattr(briefing.poller, "PARSE_TIMEOUT", 0.8)  # a real hang: this document takes seconds
    html = "<p>Residents of <b>Stepanakert</b> said the shelling went on through the night.</p>" * 90
    escaped = html.replace("&", "&amp;").replace("<", "&lt;")
    huge = ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://x.example/"><title>Slow</title></channel>'
            + "".join(f'<item rdf:about="https://x.example/{j}"><title>Report {j}</title><link>https://x.example/{j}'
                      f"</link><description>{escaped}</description></item>" for j in range(1000))
            + "</rdf:RDF>").encode()  # RSS 1.0, which feedparser reads: 10 MB of HTML to clean
    feeds = [FeedConfig(name="huge", url=server.route("/huge", Response(200, huge)))]
    feeds += [FeedConfig(name=f"f{i}", url=server.route(f"/n{i}", Response(200, rss(item(f"{i}", f"Report {i}")))))
              for i in range(PROCESS_POOL_MIN_FEEDS)]  # fmt: skip
    settings = PollSettings(timeout=10, deadline=20, per_host=4, max_bytes=50_000_000)
    summary = await poll(db_path, cfg(*feeds, settings=settings), clock=Clock())
    outcome = {r.name: (r.outcome, r.error, r.new_items) for r in summary.results}
    assert outcome.pop("huge")[:2] == (Outcome.FAILED, "parser gave up after 0.8 s")
    assert set(outcome.values()) == {(Outcome.OK, None, 1)}
    with Store(db_path) as store:
        assert store.count_items() == PROCESS_POOL_MIN_FEEDS
        health = {f["name"]: (f["last_status"], f["last_error"]) for f in store.feed_health(Clock()())}
    assert health["huge"] == ("failed", "parser gave up after 0.8 s")


async def test_cancelled_poll_leaves_a_consistent_database(server, db_path):
    slow = server.route("/slow", Response(200, (b"<" for _ in range(50)), pause=0.1))
    fast = server.route("/fast", Response(200, rss(item("1", "kept"))))
    config = cfg(FeedConfig(name="fast", url=fast), FeedConfig(name="slow", url=slow))
    task = asyncio.create_task(poll(db_path, config, clock=Clock()))
    await asyncio.sleep(1.0)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    with Store(db_path) as store:
        assert [i.title for i in store.items()] == ["kept"]
        assert store.db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class _Writer:
    """A real store, its writer thread and a GroupCommit over N feeds; `job` stores one report of a
    feed, then runs `then` (which may fail) in the same savepoint."""

    def __init__(self, db_path, feeds: int):
        from concurrent.futures import ThreadPoolExecutor

        from briefing.poller import GroupCommit

        self.executor = ThreadPoolExecutor(1)
        self.store = Store(db_path, check_same_thread=False)
        self.store.sync_feeds(cfg(*(FeedConfig(name=f"f{i}", url=f"https://f{i}.example/rss") for i in range(feeds))))
        self.states = self.store.active_feeds()
        self.commits = GroupCommit(self.store, self.executor)

    def job(self, feed, then=None):
        from briefing.models import Entry

        now = datetime(2023, 9, 19, 12, 0, tzinfo=UTC)

        def run():
            entry = Entry(guid=feed.name, title=f"Report from {feed.name}", summary="", link=None, published=now)
            self.store.ingest(feed, [entry], now)
            if then is not None:
                then(feed)
            return feed.name
        return run

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self.executor, self.store.close)
        self.executor.shutdown()


async def test_group_commit_undoes_a_failing_feed_alone(db_path):
    """Feeds finishing together commit in one transaction, each in its own savepoint: the one
    whose write fails is undone and gets its error; the others are stored."""
    def trouble(feed):
        raise RuntimeError(f"{feed.name}: disk trouble")

    w = _Writer(db_path, 3)
    results = await asyncio.gather(*(w.commits.write(w.job(f, trouble if f.name == "f1" else None)) for f in w.states),
                                   return_exceptions=True)  # fmt: skip
    await w.close()
    assert results[0] == "f0" and results[2] == "f2"
    assert isinstance(results[1], RuntimeError) and "f1" in str(results[1])
    with Store(db_path) as check:
        assert sorted(i.title for i in check.items()) == ["Report from f0", "Report from f2"]


def test_overlapping_big_polls_restore_the_collector_when_the_last_ends():
    import gc

    from briefing.poller import BULK_GC_THRESHOLD, _few_collections

    before, frozen = gc.get_threshold(), gc.get_freeze_count()  # a dashboard test may have frozen objects
    first, second = _few_collections(), _few_collections()
    first.__enter__()
    second.__enter__()
    assert gc.get_threshold()[0] >= BULK_GC_THRESHOLD
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] >= BULK_GC_THRESHOLD  # the second poll is still running
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before and (frozen > 0 or gc.get_freeze_count() == 0)


async def test_group_commit_that_fails_to_commit_stores_nothing_and_tells_every_feed(db_path):
    def dangling(feed):  # a deferred foreign key makes the COMMIT itself fail, a real SQLite failure
        w.store.db.conn.execute("PRAGMA defer_foreign_keys = ON")
        w.store.db.conn.execute("INSERT INTO item_places (item_id, place) VALUES (999999, 'Nowhere')")

    w = _Writer(db_path, 2)
    results = await asyncio.gather(*(w.commits.write(w.job(f, dangling if f.name == "f1" else None)) for f in w.states),
                                   return_exceptions=True)  # fmt: skip
    assert all(isinstance(r, Exception) and "FOREIGN KEY" in str(r) for r in results), results
    again = await w.commits.write(w.job(w.states[0]))  # the connection is usable afterwards
    await w.close()
    assert again == "f0"
    with Store(db_path) as check:
        assert [i.title for i in check.items()] == ["Report from f0"]


async def test_a_feed_that_cannot_be_stored_fails_alone_and_the_poll_goes_on(server, db_path, monkeypatch):
    """A store error (here a simulated bug: it cannot be made real on purpose) is the feed's failure,
    reported with the reason, not an exception that stops the poll or `briefing watch`."""
    good = server.route("/good", Response(200, rss(item("1", "Sirens in Stepanakert"))))
    bad = server.route("/bad", Response(200, rss(item("2", "Mine blast near Aghdam"))))
    ingest = Store.ingest

    def failing(self, feed, entries, *args, **kwargs):
        if feed.name == "bad":
            raise RuntimeError("a bug in storing")
        return ingest(self, feed, entries, *args, **kwargs)

    monkeypatch.setattr(Store, "ingest", failing)
    summary = await poll(db_path, cfg(FeedConfig(name="good", url=good), FeedConfig(name="bad", url=bad)),
                         clock=Clock())
    outcome = {r.name: (r.outcome, r.error) for r in summary.results}
    assert outcome["good"] == (Outcome.OK, None)
    assert outcome["bad"][0] is Outcome.FAILED and "not stored: a bug in storing" in outcome["bad"][1]
    with Store(db_path) as store:
        assert [i.title for i in store.items()] == ["Sirens in Stepanakert"]
        status = {f["name"]: f["last_status"] for f in store.feed_health(Clock()())}
        assert status["good"] == "ok" and status["bad"] is None  # not recorded: polled again next time


def test_a_big_poll_leaves_objects_frozen_by_someone_else_frozen():
    """The dashboard freezes its start-up objects for good; a poll inside it must not thaw them."""
    import gc

    from briefing.poller import _few_collections

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with _few_collections():
            pass
        assert gc.get_freeze_count() > frozen * 0.9  # still frozen (a few may have been freed meanwhile)
    finally:
        gc.unfreeze()



async def test_a_feed_sent_again_whole_is_classified_only_where_it_changed(server, db_path):
    """A feed without conditional GET sends every entry at every poll. In a big poll the workers
    classify and sign only the entries not stored as they are; an edited one is relabelled."""
    docs = {i: {"body": rss(item(f"{i}-a", f"Filler {i}"), item(f"{i}-b", f"Other filler {i}"))}
            for i in range(PROCESS_POOL_MIN_FEEDS)}  # fmt: skip
    feeds = [FeedConfig(name=f"f{i}", url=server.route(f"/w{i}", lambda _req, d=docs[i]: Response(200, d["body"])))
             for i in range(PROCESS_POOL_MIN_FEEDS)]  # fmt: skip
    clock = Clock()
    first = await poll(db_path, cfg(*feeds), clock=clock)
    assert first.new_items == 2 * PROCESS_POOL_MIN_FEEDS
    docs[0]["body"] = rss(item("0-a", "Mortar fire on Stepanakert overnight, Karabakh officials say"),
                          item("0-b", "Other filler 0"), item("0-c", "Aid convoy waits at the Hakari bridge"))
    clock.now += timedelta(days=1)
    second = await poll(db_path, cfg(*feeds), clock=clock, force=True)
    assert second.count(Outcome.OK) == PROCESS_POOL_MIN_FEEDS
    assert second.new_items == 1 and sum(r.updated_items for r in second.results) == 1
    with Store(db_path) as store:
        items = {i.title: i for i in store.items()}
        assert store.count_items() == 2 * PROCESS_POOL_MIN_FEEDS + 1
    assert "events" in items["Mortar fire on Stepanakert overnight, Karabakh officials say"].panes
    assert "humanitarian" in items["Aid convoy waits at the Hakari bridge"].panes


def test_entries_stored_unchanged_are_neither_classified_nor_signed(monkeypatch):
    import briefing.labelling
    from briefing.fetch.parse import parse_feed
    from briefing.poller import parse_classify_sign

    body = rss(item("a", "Sirens in Stepanakert"), item("b", "Mine blast near Shusha"), item("c", "Aid at Hakari"))
    options = {"url": "https://n.example/feed", "feed_side": "armenia", "feed_kind": None, "feed_tags": ()}
    entries = parse_feed(body, url=options["url"]).entries
    whole = parse_classify_sign(body, **options)
    classified = []
    real = briefing.labelling.classify
    monkeypatch.setattr(briefing.labelling, "classify",
                        lambda title, *a, **k: classified.append(title) or real(title, *a, **k))
    stored = {"a": entries[0].digest, "b": "the digest of an earlier text"}  # a unchanged, b edited, c new
    parsed, labels, signatures, rows = parse_classify_sign(body, stored=lambda guids: stored, **options)
    assert classified == ["Mine blast near Shusha", "Aid at Hakari"]
    assert labels[0] is signatures[0] is rows[0] is None
    assert (labels[1:], signatures[1:], rows[1:]) == (whole[1][1:], whole[2][1:], whole[3][1:])
    assert parsed == whole[0]

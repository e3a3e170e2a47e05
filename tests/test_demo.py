"""The offline demo: bundled news served on loopback, released on a replay clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import httpx
import pytest

from briefing.demo import DemoNews, DemoServer, ReplayClock
from briefing.store import Store

NEWS = {
    "start": "2023-09-19T00:00:00Z",
    "hours": 48,
    "sources": [
        {"slug": "wire", "name": "Wire (demo)", "side": "international", "kind": "wire", "language": "en",
         "format": "rss", "tags": ["broad"], "titles": True, "items": [
             {"id": "w1", "minute": 10, "title": "Early item", "summary": "<p>Body</p>"},
             {"id": "w2", "minute": 600, "title": "Toll: at least 25 killed", "summary": "First count",
              "revisions": [{"minute": 900, "title": "Toll: at least 32 killed", "summary": "Revised count"}]},
             {"id": "w3", "minute": 2000, "title": "Late item", "summary": "Later"}]},
        {"slug": "agency", "name": "Agency (demo)", "side": "armenia", "kind": "state-media", "language": "en",
         "format": "atom", "titles": False, "items": [
             {"id": "a1", "minute": 620, "summary": "Copy of the toll story without a title.", "same_as": "w2"}]},
    ],
}


@pytest.fixture
def news(tmp_path: Path) -> DemoNews:
    path = tmp_path / "news.json"
    path.write_text(json.dumps(NEWS))
    return DemoNews.load(path)


class FakeTime:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_replay_clock_moves_at_speed():
    now = FakeTime()
    clock = ReplayClock(initial_minutes=60, speed=2.0, now=now)
    assert clock.minute() == 60
    now.t = 30
    assert clock.minute() == 120


def test_feed_releases_items_and_revisions_over_time(news):
    server = DemoServer(news, initial_hours=0)
    [wire, agency] = news.sources
    early = feedparser.parse(server.render_feed(wire, 700))
    assert [e.title for e in early.entries] == ["Toll: at least 25 killed", "Early item"]
    later = feedparser.parse(server.render_feed(wire, 1000))
    assert later.entries[0].title == "Toll: at least 32 killed"
    atom = feedparser.parse(server.render_feed(agency, 700))
    assert atom.version == "atom10" and atom.entries[0].link == early.entries[0].link  # same_as shares the link
    assert not atom.entries[0].get("title")


def test_server_speaks_http_with_etags(news):
    with DemoServer(news, initial_hours=24) as server:
        url = server.feed_url(news.sources[0])
        first = httpx.get(url)
        assert first.status_code == 200 and first.headers["content-type"].startswith("application/rss+xml")
        again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        article = httpx.get(feedparser.parse(first.content).entries[0].link)
        assert article.status_code == 200 and "sample news written for the briefing demo" in article.text
        assert httpx.get(server.base_url + "/feeds/nope.xml").status_code == 404


async def test_demo_poll_stores_items_once_with_both_carriers(news, tmp_path):
    from briefing.poller import poll

    with DemoServer(news, initial_hours=24) as server:
        summary = await poll(tmp_path / "demo.db", server.config())
    assert summary.new_items == 2  # w1, w2; a1 is the same article as w2
    with Store(tmp_path / "demo.db") as store:
        # whichever feed is stored first gives the item its text; both are remembered as carriers
        [toll] = [i for i in store.items() if i.link.endswith("/w2")]
        assert {name for name, _s, _t in store.carriers(toll.id)} == {"Wire (demo)", "Agency (demo)"}
        assert toll.published in (datetime(2023, 9, 19, 10, 0, tzinfo=UTC), datetime(2023, 9, 19, 10, 20, tzinfo=UTC))


def test_bundled_news_is_well_formed():
    news = DemoNews.load()
    assert 8 <= len(news.sources) <= 12
    items = [i for s in news.sources for i in s.items]
    assert 150 <= len(items) <= 260
    assert len({i.id for i in items}) == len(items)
    assert {s.side for s in news.sources} >= {"armenia", "azerbaijan", "karabakh", "russia", "international"}
    assert all(0 <= i.minute < news.hours * 60 for i in items)
    assert any(i.revisions for i in items) and any(i.same_as for i in items)
    assert any(not s.items[0].title for s in news.sources)  # a feed without titles
    assert {s.language for s in news.sources} >= {"en", "ru", "hy", "az"}
    assert {s.kind for s in news.sources} >= {"state-media", "official", "wire", "humanitarian", "independent"}
    for i in items:
        if i.same_as:  # a republished copy points at an earlier original
            assert news.by_id[i.same_as].minute <= i.minute, i.id
        assert all(i.minute < at < news.hours * 60 for at, _t, _s in i.revisions), i.id
    # some revisions land after the demo's default start (36 h), so edits show up live
    assert any(at > 36 * 60 for i in items for at, _t, _s in i.revisions)


def test_fresh_demo_db_replaces_only_an_earlier_demo(news, tmp_path):
    import asyncio

    from briefing.demo import fresh_demo_db
    from briefing.errors import BriefingError
    from briefing.models import Config, FeedConfig
    from briefing.poller import poll

    with pytest.raises(BriefingError, match="is a directory"):
        fresh_demo_db(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    with pytest.raises(BriefingError, match="not a usable briefing database"):
        fresh_demo_db(notes)
    assert notes.read_text() == "my notes"  # never deleted

    real = tmp_path / "real.db"
    with Store(real) as store:
        store.sync_feeds(Config(feeds=(FeedConfig(name="Real", url="https://armenpress.am/en/rss/articles"),)))
    with pytest.raises(BriefingError, match="holds real feeds"):
        fresh_demo_db(real)
    assert real.exists()

    demo = tmp_path / "demo.db"
    with DemoServer(news, initial_hours=24) as server:
        asyncio.run(poll(demo, server.config()))
    assert fresh_demo_db(demo) == demo and not demo.exists()

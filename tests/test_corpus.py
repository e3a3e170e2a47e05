"""Every file of ../shared/feedcorpus served on loopback and polled by the real poller.

~400 real and malformed feeds from other projects' test suites: the poll must finish, never
crash, and store only clean values. Skipped when ../shared is absent.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
from conftest import SHARED
from loopback import Response

from briefing.models import Config, FeedConfig, Outcome, PollSettings
from briefing.poller import poll
from briefing.store import Store

CORPUS = SHARED / "feedcorpus"
HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+):\s*(.+?)\s*$", re.M)

pytestmark = pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").exists(), reason="../shared/feedcorpus is absent")


def corpus_files():
    lines = (CORPUS / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [CORPUS / line.split("\t", 1)[0] for line in lines if line.strip()]


def response_for(body: bytes) -> Response:
    headers = {}
    for name, value in HEADER.findall(body[:1000]):
        headers[name.decode()] = value.decode("latin-1")
    if body[:2] == b"\x1f\x8b":
        headers["Content-Encoding"] = "gzip"
    return Response(200, body, headers)


async def test_corpus_sweep_polls_everything_cleanly(server, db_path):
    files = corpus_files()
    assert len(files) > 300
    feeds = []
    for index, path in enumerate(files):
        url = server.route(f"/c/{index}", response_for(path.read_bytes()))
        feeds.append(FeedConfig(name=f"{index} {path.relative_to(CORPUS)}", url=url))
    settings = PollSettings(concurrency=32, per_host=32, timeout=10, deadline=20)
    summary = await asyncio.wait_for(poll(db_path, Config(tuple(feeds), settings)), timeout=240)

    assert len(summary.results) == len(files)
    ok = summary.count(Outcome.OK)
    assert ok > len(files) * 0.6, [r.error for r in summary.results if r.outcome is Outcome.FAILED][:20]
    assert summary.new_items > 1000

    controls = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    now = datetime.now(UTC)
    with Store(db_path) as store:
        rows = store.db.conn.execute("SELECT title, summary, link, published FROM items").fetchall()
        for title, summary_text, link, published in rows:
            assert not controls.search(title) and not controls.search(summary_text.replace("\n", " "))
            assert "\n" not in title and 0 < len(title) <= 300 and len(summary_text) <= 4000
            assert link is None or link.startswith(("http://", "https://"))
            when = datetime.fromisoformat(published.replace("Z", "+00:00"))
            assert datetime(1995, 1, 1, tzinfo=UTC) <= when <= now
        errors = store.db.conn.execute("SELECT last_error FROM feeds WHERE last_error IS NOT NULL").fetchall()
        assert all(not controls.search(e) and len(e) <= 500 for (e,) in errors)

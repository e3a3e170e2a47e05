"""The offline demo: bundled sample news served as RSS/Atom from a loopback HTTP server.

Items are released on a replay clock: everything up to `initial_hours` into the story is
there at once, the rest arrives at `speed` story-minutes per real second, so a journalist
sees the dashboard fill and then update live. Items with revisions change over time (an
edited casualty figure), and republished copies share their original's link, so the demo
exercises the same code paths as real feeds: ETag/304, edits, cross-feed duplicates.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..models import Config, FeedConfig, PollSettings


@dataclass(frozen=True, slots=True)
class DemoItem:
    id: str
    source: str
    minute: int
    title: str | None
    summary: str
    same_as: str | None
    revisions: tuple[tuple[int, str | None, str], ...] = ()

    def version_at(self, minute: float) -> tuple[str | None, str]:
        title, summary = self.title, self.summary
        for at, new_title, new_summary in self.revisions:
            if at <= minute:
                title, summary = new_title if new_title is not None else title, new_summary
        return title, summary


@dataclass(frozen=True, slots=True)
class DemoSource:
    slug: str
    name: str
    side: str
    kind: str
    language: str
    format: str
    tags: tuple[str, ...]
    items: tuple[DemoItem, ...]


@dataclass
class DemoNews:
    start: datetime
    hours: int
    sources: tuple[DemoSource, ...]
    by_id: dict[str, DemoItem] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> DemoNews:
        if path is None:
            text = resources.files("briefing.demo").joinpath("news.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
        sources = []
        for s in data["sources"]:
            items = tuple(
                DemoItem(
                    id=i["id"],
                    source=s["slug"],
                    minute=int(i["minute"]),
                    title=i.get("title") if s.get("titles", True) else None,
                    summary=i["summary"],
                    same_as=i.get("same_as"),
                    revisions=tuple(
                        (int(r["minute"]), r.get("title"), r.get("summary", i["summary"]))
                        for r in sorted(i.get("revisions", []), key=lambda r: r["minute"])
                    ),
                )
                for i in s["items"]
            )
            sources.append(
                DemoSource(
                    slug=s["slug"], name=s["name"], side=s["side"], kind=s["kind"],
                    language=s.get("language", "en"), format=s.get("format", "rss"),
                    tags=tuple(s.get("tags", [])), items=items,
                )
            )  # fmt: skip
        news = cls(
            start=datetime.fromisoformat(data["start"].replace("Z", "+00:00")),
            hours=int(data.get("hours", 48)),
            sources=tuple(sources),
        )
        news.by_id = {i.id: i for s in news.sources for i in s.items}
        return news


class ReplayClock:
    """Story time (minutes since the news' start) as a function of real time."""

    def __init__(self, initial_minutes: float, speed: float, now=time.monotonic):
        self.initial = initial_minutes
        self.speed = speed
        self._now = now
        self._started = now()

    def minute(self) -> float:
        return self.initial + (self._now() - self._started) * self.speed


class DemoServer:
    """A ThreadingHTTPServer on 127.0.0.1 serving one feed per demo source."""

    def __init__(
        self,
        news: DemoNews | None = None,
        *,
        initial_hours: float = 36,
        speed: float = 2.0,
        port: int = 0,
    ):
        self.news = news or DemoNews.load()
        self.clock = ReplayClock(initial_hours * 60, speed)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def feed_url(self, source: DemoSource) -> str:
        return f"{self.base_url}/feeds/{source.slug}.xml"

    def article_url(self, item: DemoItem) -> str:
        original = self.news.by_id.get(item.same_as) if item.same_as else None
        item = original or item
        return f"{self.base_url}/articles/{item.source}/{item.id}"

    def config(self, interval: int = 15) -> Config:
        feeds = tuple(
            FeedConfig(
                name=s.name, url=self.feed_url(s), side=s.side, kind=s.kind,
                language=s.language, tags=s.tags, interval=interval,
            )
            for s in self.news.sources
        )  # fmt: skip
        return Config(feeds=feeds, poll=PollSettings(concurrency=16, per_host=16, timeout=5, deadline=15))

    def start(self) -> DemoServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="briefing-demo", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ documents

    def released(self, source: DemoSource, minute: float) -> list[DemoItem]:
        return sorted((i for i in source.items if i.minute <= minute), key=lambda i: -i.minute)

    def render_feed(self, source: DemoSource, minute: float) -> bytes:
        items = self.released(source, minute)
        if source.format == "atom":
            return self._atom(source, items, minute)
        return self._rss(source, items, minute)

    def _when(self, minute: float) -> datetime:
        return self.news.start + timedelta(minutes=minute)

    def _rss(self, source: DemoSource, items: list[DemoItem], minute: float) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
            f"<title>{escape(source.name)}</title><link>{self.base_url}/</link>",
            f"<description>Demo feed: {escape(source.name)}</description>",
            f"<language>{escape(source.language)}</language>",
        ]
        for item in items:
            title, summary = item.version_at(minute)
            parts.append("<item>")
            if title is not None:
                parts.append(f"<title>{escape(title)}</title>")
            parts.append(f"<link>{escape(self.article_url(item))}</link>")
            parts.append(f'<guid isPermaLink="false">{escape(item.id)}</guid>')
            parts.append(f"<pubDate>{format_datetime(self._when(item.minute), usegmt=True)}</pubDate>")
            parts.append(f"<description>{escape(summary)}</description></item>")
        parts.append("</channel></rss>\n")
        return "".join(parts).encode("utf-8")

    def _atom(self, source: DemoSource, items: list[DemoItem], minute: float) -> bytes:
        updated = self._when(min(minute, self.news.hours * 60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'
            f' xml:lang="{escape(source.language)}">',
            f"<title>{escape(source.name)}</title><id>urn:briefing-demo:{source.slug}</id>",
            f"<updated>{updated}</updated>",
        ]
        for item in items:
            title, summary = item.version_at(minute)
            stamp = self._when(item.minute).strftime("%Y-%m-%dT%H:%M:%SZ")
            parts.append("<entry>")
            parts.append(f'<title type="text">{escape(title or "")}</title>')
            parts.append(f'<link rel="alternate" href="{escape(self.article_url(item))}"/>')
            parts.append(f"<id>urn:briefing-demo:{escape(item.id)}</id>")
            parts.append(f"<published>{stamp}</published><updated>{stamp}</updated>")
            parts.append(f'<summary type="html">{escape(summary)}</summary></entry>')
        parts.append("</feed>\n")
        return "".join(parts).encode("utf-8")

    def render_article(self, source_slug: str, item_id: str) -> bytes | None:
        item = self.news.by_id.get(item_id)
        if item is None or item.source != source_slug or item.minute > self.clock.minute():
            return None
        title, summary = item.version_at(self.clock.minute())
        source = next(s for s in self.news.sources if s.slug == source_slug)
        page = (
            "<!doctype html><meta charset=utf-8>"
            f"<title>{html.escape(title or source.name)}</title>"
            f"<p><i>{html.escape(source.name)} — sample news written for the briefing demo</i></p>"
            f"<h1>{html.escape(title or '')}</h1><p>{html.escape(summary)}</p>"
        )
        return page.encode("utf-8")


def _handler(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    sources = {s.slug: s for s in server.news.sources}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path.startswith("/feeds/") and path.endswith(".xml"):
                source = sources.get(path[len("/feeds/") : -len(".xml")])
                if source is None:
                    return self._send(404, b"no such feed", "text/plain")
                body = server.render_feed(source, server.clock.minute())
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", None, {"ETag": etag})
                ctype = "application/atom+xml" if source.format == "atom" else "application/rss+xml"
                return self._send(200, body, f"{ctype}; charset=utf-8", {"ETag": etag})
            parts = path.strip("/").split("/")
            if len(parts) == 3 and parts[0] == "articles":
                page = server.render_article(parts[1], parts[2])
                if page is not None:
                    return self._send(200, page, "text/html; charset=utf-8")
            return self._send(404, b"not found", "text/plain")

        def _send(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def default_demo_db() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / "briefing-demo.db"


def fresh_demo_db(path: Path) -> Path:
    """Empty `path` for a new demo run, but only when it is absent or an earlier demo's database.

    Every run starts afresh, so the old file is deleted: that must never be someone's real
    database (or any other file passed by mistake as --db), because nothing stored may be lost.
    """
    from ..errors import BriefingError
    from ..store import Store

    if path.is_dir():
        raise BriefingError(f"{path}: is a directory — pass a file name with --db FILE")
    if path.exists() and path.stat().st_size:
        with Store(path) as store:  # a file that is not a database is refused here, untouched
            foreign = [f["url"] for f in store.feed_health(datetime.now().astimezone())
                       if not str(f["url"]).startswith("http://127.0.0.1:")]  # fmt: skip
        if foreign:
            raise BriefingError(
                f"{path}: holds real feeds ({foreign[0]} …) — the demo starts from an empty database;"
                " pass a new --db FILE"
            )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


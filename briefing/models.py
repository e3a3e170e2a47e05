"""Small frozen values that flow between the layers: config → fetch → parse → store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from .text import canonical_url, content_digest  # at module level: an import per Entry cost ~0.7 µs

SIDES = ("armenia", "azerbaijan", "karabakh", "russia", "turkey", "iran", "international")
KINDS = ("official", "state-media", "independent", "wire", "humanitarian", "ngo", "aggregator")


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One [[feed]] of feeds.toml, with [defaults] applied."""

    name: str
    url: str
    side: str | None = None
    kind: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    interval: int = 900  # seconds
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class PollSettings:
    """The [poll] table: how hard and how politely we fetch."""

    concurrency: int = 64
    per_host: int = 4
    timeout: float = 10.0  # per connect/read, seconds
    deadline: float = 30.0  # whole fetch including the body, seconds
    max_bytes: int = 10_000_000  # decoded body
    max_redirects: int = 5
    user_agent: str = "briefing/0.1 (+https://github.com/briefing-dashboard/briefing)"


@dataclass(frozen=True, slots=True)
class BriefSettings:
    """The [brief] table: the desk's time zone and where briefs are written."""

    timezone: str | None = None  # IANA name, e.g. "Asia/Yerevan"; None = this machine's zone
    directory: str = "briefs"  # where `b` in the dashboard writes brief-YYYY-MM-DD.md


@dataclass(frozen=True, slots=True)
class Config:
    feeds: tuple[FeedConfig, ...]
    poll: PollSettings = field(default_factory=PollSettings)
    path: Path | None = None
    brief: BriefSettings = field(default_factory=BriefSettings)


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the store remembers about a feed between polls (caching, schedule, health)."""

    id: int
    url: str  # where we fetch it now (a permanent redirect changes it)
    config_url: str  # the url as written in feeds.toml
    name: str
    side: str | None
    kind: str | None
    language: str | None
    tags: tuple[str, ...]
    interval: int
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    consecutive_failures: int = 0


class Outcome(StrEnum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The network half of a poll: bytes and caching facts, or a reason it failed."""

    outcome: Outcome
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    content_language: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None  # set when every redirect on the way was permanent
    retry_after: float | None = None  # seconds, from Retry-After
    max_age: float | None = None  # seconds, from Cache-Control
    error: str | None = None
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry after parsing and sanitising: plain text, safe link, UTC time.

    `link_key` (the canonical link that identifies the article across feeds) and `digest`
    (which notices edits) are derived here, so that in a big poll they are computed in the
    parse workers rather than in the writer.
    """

    guid: str
    title: str
    summary: str
    link: str | None
    published: datetime | None  # None when missing or absurd; the store uses first-seen
    language: str | None = None
    author: str | None = None
    link_key: str | None = field(init=False, default=None)
    digest: str = field(init=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "link_key", canonical_url(self.link) if self.link else None)
        object.__setattr__(self, "digest", content_digest(self.title, self.summary))


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None
    entries: tuple[Entry, ...]
    ttl: float | None = None  # seconds, from RSS <ttl>
    error: str | None = None  # set when the document was malformed (entries may still be there)
    fatal: bool = False  # nothing usable: not a feed, empty, unsupported


@dataclass(frozen=True, slots=True)
class PollResult:
    """How one feed's poll ended. One bad feed never aborts the others."""

    feed_id: int
    name: str
    url: str
    outcome: Outcome
    new_items: int = 0
    updated_items: int = 0
    error: str | None = None
    status: int | None = None
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class PollSummary:
    results: tuple[PollResult, ...]
    elapsed: float

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome)

    @property
    def new_items(self) -> int:
        return sum(r.new_items for r in self.results)

    @property
    def updated_items(self) -> int:
        return sum(r.updated_items for r in self.results)

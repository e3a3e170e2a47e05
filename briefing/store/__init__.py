"""The only module that speaks SQL.

Thread rules: a Store (and its connection) belongs to the thread that uses it; a poll writes
from one thread, or (a big poll) from its worker processes in turn (Store.writers_in_turn).
Readers (the dashboard, a second process) use their own Store.
WAL lets readers and the writer proceed together; every read-then-write transaction starts
with BEGIN IMMEDIATE so it can never hit SQLITE_BUSY_SNAPSHOT ("database is locked" despite
the busy timeout).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from sqlite_utils import Database

from ..errors import StoreError
from ..models import Config, Entry, FeedState, FetchResult, Outcome, ParsedFeed
from ..stories import Signature, signature
from ..text import one_line, search_form, strip_controls
from .schema import migrations, pane_tokens
from .search import SearchMixin, user_match
from .stories import StoriesMixin, day_of

BUSY_TIMEOUT = 30.0
_MIGRATING = threading.Lock()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes, held on the database's folder, never on the file.

    Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
    own included (SQLite never closes its descriptors for that reason). A process that lost its
    lock on the database is taken for gone: the next reader elsewhere to close its last
    connection checkpoints and deletes the WAL, the writer goes on committing into the deleted
    file, and its commits are lost. A folder has locks of its own. Where flock does not exist,
    or the folder cannot be opened, threads only."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        with suppress(OSError):  # a file system without flock: threads only
            fcntl.flock(folder, fcntl.LOCK_EX)  # released when the descriptor closes
        yield
    finally:
        os.close(folder)


def iso(when: datetime) -> str:
    """UTC ISO-8601 with seconds: the one time format stored."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Prepared:
    """The columns of a new entry's rows that depend on nothing stored: worked out where the
    entry was parsed, before its writer's turn at the database (one writer at a time: the less
    it does in its turn, the sooner the next may write). `prepare` is the only maker;
    `Store.ingest` works them out itself when not given."""

    published: str | None  # the feed's date as stored; None: the first-seen time, known at ingest
    title: str  # title and summary as indexed (search_form)
    summary: str
    labels: tuple[Any, ...] | None  # the label columns (_label_values), None for no labels
    panes: str  # the full-text panes column
    signature: bytes | None  # the story signature as stored, filed under the published day


def prepare(
    entries: Sequence[Entry],
    labels: Sequence[Labels | None],
    signatures: Sequence[Signature],
    rules_version: str | None,
) -> tuple[Prepared, ...]:
    """Prepared rows for a feed's entries (see Prepared)."""
    return tuple(_prepare(*row, rules_version) for row in zip(entries, labels, signatures, strict=True))


def _prepare(
    entry: Entry, label: Labels | None, sig: Signature, rules_version: str | None, published: str | None = None
) -> Prepared:
    """`published`: the time to store for an entry without a date (the first-seen time)."""
    if entry.published is not None:
        published = iso(entry.published)
    values = _label_values(label, rules_version) if label is not None else None
    return Prepared(
        published, search_form(entry.title), search_form(entry.summary), values,
        pane_tokens(values[:4], values[4]) if values else "",
        sig.to_blob(day_of(entry.published or published)) if published else None,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class IngestResult:
    new_ids: tuple[int, ...]
    updated_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StoredItem:
    id: int
    title: str
    summary: str
    link: str | None
    published: datetime
    date_estimated: bool
    first_seen: datetime
    language: str | None
    author: str | None
    feed_id: int
    feed_name: str
    side: str | None
    kind: str | None
    read: bool
    starred: bool
    panes: tuple[str, ...] = ()
    on_topic: bool = True
    speaker: str | None = None  # actor id
    speaker_side: str | None = None
    why: dict[str, list[str]] = field(default_factory=dict)
    actors: tuple[str, ...] = ()  # actor ids
    places: tuple[str, ...] = ()  # canonical place names
    story_id: int | None = None  # items reporting the same occurrence share a story (briefing.stories)
    story_size: int = 1
    story_sources: int = 1  # distinct feeds, carriers included
    story_sides: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "feed": self.feed_name,
            "side": self.side,
            "kind": self.kind,
            "title": self.title,
            "link": self.link,
            "published": iso(self.published),
            "date_estimated": self.date_estimated,
            "first_seen": iso(self.first_seen),
            "language": self.language,
            "summary": self.summary,
            "read": self.read,
            "starred": self.starred,
            "panes": list(self.panes),
            "on_topic": self.on_topic,
            "actors": list(self.actors),
            "places": list(self.places),
            "speaker": self.speaker,
            "speaker_side": self.speaker_side,
            "why": self.why,
            "story": self.story_id,
            "story_size": self.story_size,
            "story_sources": self.story_sources,
            "story_sides": list(self.story_sides),
        }


PANE_COLUMNS = {
    "events": "pane_events",
    "statements": "pane_statements",
    "humanitarian": "pane_humanitarian",
    "reactions": "pane_reactions",
}

_ITEM_COLUMNS = """
    items.id, items.title, items.summary, items.link, items.published, items.date_estimated,
    items.first_seen, items.language, items.author, items.feed_id, feeds.name, feeds.side,
    feeds.kind, items.read, items.starred, items.pane_events, items.pane_statements,
    items.pane_humanitarian, items.pane_reactions, items.on_topic, items.speaker,
    items.speaker_side, items.why,
    (SELECT group_concat(actor, char(31)) FROM item_actors WHERE item_id = items.id),
    (SELECT group_concat(place, char(31)) FROM item_places WHERE item_id = items.id),
    items.story_id,
    (SELECT size || char(31) || sources || char(31) || sides FROM stories WHERE stories.id = items.story_id)
"""


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(value.split("\x1f")) if value else ()


def _stored_item(row: Sequence[Any]) -> StoredItem:
    return StoredItem(
        id=row[0], title=row[1], summary=row[2], link=row[3], published=from_iso(row[4]),
        date_estimated=bool(row[5]), first_seen=from_iso(row[6]), language=row[7], author=row[8],
        feed_id=row[9], feed_name=row[10], side=row[11], kind=row[12], read=bool(row[13]),
        starred=bool(row[14]),
        panes=tuple(pane for pane, flag in zip(PANE_COLUMNS, row[15:19], strict=True) if flag),
        on_topic=bool(row[19]), speaker=row[20], speaker_side=row[21], why=json.loads(row[22] or "{}"),
        actors=_split(row[23]), places=_split(row[24]), **_story_fields(row[25], row[26]),
    )  # fmt: skip


def _story_fields(story_id: int | None, packed: str | None) -> dict[str, Any]:
    if story_id is None or not packed:
        return {"story_id": story_id}
    size, sources, sides = packed.split("\x1f")
    return {"story_id": story_id, "story_size": int(size), "story_sources": int(sources),
            "story_sides": tuple(sides.split(",")) if sides else ()}  # fmt: skip


BULK_CHECKPOINT_PAGES = 16384  # 64 MB of WAL at 4 KB pages: a cold poll of 12,000 items writes ~36 MB


class Store(StoriesMixin, SearchMixin):
    def __init__(self, path: str | Path, *, check_same_thread: bool = True):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT,
                isolation_level=None,  # we say BEGIN ourselves
                check_same_thread=check_same_thread,
            )
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            self.db = Database(conn)
            self._refuse_foreign()  # before anything is written, WAL mode included
            self._prepare()
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc) or "unable to open" in str(exc):
                raise StoreError(
                    f"{self.path}: cannot write to the database or its folder ({exc}) — "
                    "check the permissions, or pass another --db FILE"
                ) from None
            raise StoreError(f"{self.path}: not a usable briefing database ({exc}) — pass another --db FILE") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable briefing database ({exc}) — pass another --db FILE") from None

    def _refuse_foreign(self) -> None:
        """Never add our tables to another program's SQLite file (a typo in --db)."""
        tables = {row[0] for row in self.db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "_sqlite_migrations" not in tables:
            raise StoreError(
                f"{self.path}: an SQLite database of another program (tables: {', '.join(sorted(tables)[:3])}) — "
                "pass another --db FILE"
            )

    def _prepare(self) -> None:
        """WAL mode and an up-to-date schema, set up once even when several threads or processes
        open a new database at the same moment: switching to WAL wants the file to itself, and
        each migration commits on its own, so SQLite's locks alone cannot keep two apart."""
        conn = self.db.conn
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal" and not migrations.pending(self.db):
            return  # the usual case: nothing to set up, no lock taken
        with _MIGRATING, _file_lock(self.path):
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch the database to WAL mode ({mode})")
            if migrations.pending(self.db):
                migrations.apply(self.db)

    def set_cache(self, megabytes: int) -> None:
        """A bigger page cache for a connection that writes much at once (the poller's writer):
        an item touches some twenty index pages, and at SQLite's default 2 MB a poll of
        thousands of items reads the same pages back again and again."""
        self.db.conn.execute(f"PRAGMA cache_size = -{int(megabytes) * 1024}")

    def set_bulk_writer(self, megabytes: int) -> None:
        """For a connection that stores a big poll's items (the poller's worker processes):
        - the bigger page cache of set_cache;
        - no foreign-key checks. Those cost ~10% of storing a cold poll (a lookup per reference
          and a statement journal per INSERT), and this writer makes every reference itself,
          inside its write transaction: feeds are never deleted, a story is read or created in
          the same transaction as the item that joins it, and an item's rows follow its INSERT.
          tests/test_poller.py checks a big poll's references;
        - checkpoints every 64 MB of WAL, not 4 MB: each one copied pages back and synced the
          file in the middle of a worker's turn, while the other waited. The poll checkpoints
          once at its end (Store.checkpoint)."""
        self.set_cache(megabytes)
        self.db.conn.execute("PRAGMA foreign_keys = OFF")
        self.db.conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")

    def checkpoint(self) -> None:
        """Copy the WAL back into the database as far as readers allow (never waits for them)."""
        self.db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction around several Store calls (a feed's items and its poll record
        commit together); the calls inside join it instead of committing on their own."""
        with self._write():
            yield

    @contextmanager
    def writers_in_turn(self) -> Iterator[None]:
        """Processes that write much at once (a big poll's workers) take turns through this lock
        (the one migrations take) rather than SQLite's busy handler, which sleeps in steps of up
        to 100 ms; the operating system releases it if a process dies holding it. Other writers
        (the dashboard starring an item) still wait through the busy handler."""
        with _file_lock(self.path):
            yield

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the enclosing transaction() that fails alone: its writes are undone, the
        rest of the transaction still commits (the poller commits several feeds at once)."""
        conn = self.db.conn
        if not conn.in_transaction:
            raise RuntimeError("Store.savepoint() belongs inside Store.transaction()")
        conn.execute("SAVEPOINT part")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO part")
            conn.execute("RELEASE part")
            self._stories_forget()  # the story index may hold items that were just undone
            raise
        else:
            conn.execute("RELEASE part")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self.db.conn
        if conn.in_transaction:  # inside Store.transaction(): the outer block commits or rolls back
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")  # may fail too (a deferred constraint, a full disk): then nothing was stored
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._stories_forget()
            raise

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]:
        return self.db.conn.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ feeds

    def sync_feeds(self, config: Config, now: datetime | None = None) -> None:
        """Make the feeds table match feeds.toml. Feeds removed from the file keep their items."""
        stamp = iso(now or datetime.now(UTC))
        with self._write() as conn:
            conn.execute("UPDATE feeds SET in_config = 0")
            for feed in config.feeds:
                conn.execute(
                    """
                    INSERT INTO feeds (config_url, url, name, side, kind, language, tags, interval,
                                       enabled, in_config, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                    ON CONFLICT (config_url) DO UPDATE SET
                        name = excluded.name, side = excluded.side, kind = excluded.kind,
                        language = excluded.language, tags = excluded.tags,
                        interval = excluded.interval, enabled = excluded.enabled, in_config = 1,
                        next_poll_at = CASE WHEN feeds.interval != excluded.interval
                                            THEN NULL ELSE feeds.next_poll_at END
                    """,
                    (feed.url, feed.url, feed.name, feed.side, feed.kind, feed.language,
                     json.dumps(list(feed.tags)), feed.interval, int(feed.enabled), stamp),
                )  # fmt: skip

    _FEED_STATE = """
        SELECT id, url, config_url, name, side, kind, language, tags, interval, etag,
               last_modified, next_poll_at, consecutive_failures
        FROM feeds
    """

    @staticmethod
    def _feed_state(row: Sequence[Any]) -> FeedState:
        return FeedState(
            id=row[0], url=row[1], config_url=row[2], name=row[3], side=row[4], kind=row[5],
            language=row[6], tags=tuple(json.loads(row[7] or "[]")), interval=row[8],
            etag=row[9], last_modified=row[10], next_poll_at=from_iso(row[11]),
            consecutive_failures=row[12],
        )  # fmt: skip

    def active_feeds(self) -> list[FeedState]:
        rows = self._query(self._FEED_STATE + " WHERE enabled AND in_config ORDER BY id")
        return [self._feed_state(r) for r in rows]

    def due_feeds(self, now: datetime) -> list[FeedState]:
        rows = self._query(
            self._FEED_STATE
            + " WHERE enabled AND in_config AND (next_poll_at IS NULL OR next_poll_at <= ?)"
            " ORDER BY next_poll_at IS NOT NULL, next_poll_at, id",
            (iso(now),),
        )
        return [self._feed_state(r) for r in rows]

    def next_due_at(self) -> datetime | None:
        row = self._query("SELECT min(next_poll_at) FROM feeds WHERE enabled AND in_config")[0]
        return from_iso(row[0])

    def record_fetch(
        self,
        feed: FeedState,
        fetched: FetchResult,
        parsed: ParsedFeed | None,
        *,
        started_at: datetime,
        next_poll_at: datetime,
        new_items: int = 0,
        updated_items: int = 0,
        error: str | None = None,
    ) -> None:
        """Remember how a poll of `feed` ended: caching headers, schedule, health, a log line."""
        outcome = fetched.outcome
        failed = outcome is Outcome.FAILED
        error = _clean_error(error or fetched.error)
        stamp = iso(started_at)
        with self._write() as conn:
            conn.execute(
                """
                UPDATE feeds SET
                    url = coalesce(?, url),
                    etag = CASE WHEN ? THEN etag ELSE coalesce(?, etag) END,
                    last_modified = CASE WHEN ? THEN last_modified ELSE coalesce(?, last_modified) END,
                    title = coalesce(?, title),
                    site_link = coalesce(?, site_link),
                    next_poll_at = ?,
                    last_polled_at = ?,
                    last_success_at = CASE WHEN ? THEN last_success_at ELSE ? END,
                    last_status = ?,
                    last_error = ?,
                    last_http_status = ?,
                    consecutive_failures = CASE WHEN ? THEN consecutive_failures + 1 ELSE 0 END
                WHERE id = ?
                """,
                (
                    fetched.permanent_url,
                    failed, fetched.etag, failed, fetched.last_modified,
                    (parsed.title or None) if parsed else None,
                    parsed.link if parsed else None,
                    iso(next_poll_at), stamp, failed, stamp, outcome.value, error,
                    fetched.status, failed, feed.id,
                ),
            )  # fmt: skip
            conn.execute(
                """
                INSERT INTO poll_log (feed_id, started_at, elapsed_ms, outcome, http_status,
                                      new_items, updated_items, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (feed.id, stamp, int(fetched.elapsed * 1000), outcome.value, fetched.status,
                 new_items, updated_items, error),
            )  # fmt: skip

    # ------------------------------------------------------------------ items

    def ingest(
        self,
        feed: FeedState,
        entries: Iterable[Entry],
        now: datetime,
        classifications: Sequence[Labels | None] | None = None,
        rules_version: str | None = None,
        signatures: Sequence[Signature | None] | None = None,
        prepared: Sequence[Prepared | None] | None = None,
    ) -> IngestResult:
        """Store a feed's entries in one transaction.

        Identity: the same (feed, guid) is the same item; failing that, the same canonical
        link is the same item (seen in another feed, which is then remembered as a carrier).
        An edited title or summary keeps the old text in item_history. Every new item joins a
        story (briefing.stories); `signatures` and `prepared` (made with the same `classifications`
        and `rules_version`), when the parse workers computed them, save the writer that work.
        """
        entries = list(entries)
        if not entries:
            return IngestResult((), ())
        labels = list(classifications) if classifications is not None else [None] * len(entries)
        sigs = list(signatures) if signatures is not None else [None] * len(entries)
        rows = list(prepared) if prepared is not None else [None] * len(entries)
        stamp = iso(now)
        new_ids: list[int] = []
        updated_ids: list[int] = []
        actor_rows: list[tuple[int, str]] = []  # of the new items: written at the end, a few statements a feed
        place_rows: list[tuple[int, str]] = []
        with self._write() as conn:
            known = self._known_guids(conn, feed.id, [e.guid for e in entries])
            by_link = self._known_links(conn, [e.link_key for e in entries if e.link_key])
            for entry, label, sig, row in zip(entries, labels, sigs, rows, strict=True):
                link_key = entry.link_key
                item_id = known.get(entry.guid)
                if item_id is None and link_key is not None:
                    item_id = by_link.get(link_key)
                    if item_id is not None:
                        conn.execute(
                            "INSERT OR IGNORE INTO item_feeds (feed_id, guid, item_id, first_seen)"
                            " VALUES (?, ?, ?, ?)",
                            (feed.id, entry.guid, item_id, stamp),
                        )  # another feed's copy: remembered as a carrier, its text not taken
                        self._story_carrier(conn, item_id, feed.id)
                inserted = item_id is None
                if inserted:
                    sig = sig or signature(entry.title, entry.summary)
                    if row is None or row.published is None:  # no date: filed under the first-seen day
                        row = _prepare(entry, label, sig, rules_version, published=stamp)
                    # inside our write transaction nobody else writes: one catch-up a feed is enough
                    choice = self._choose_story(conn, feed.id, row.published, link_key, sig, label,
                                                entry.language or feed.language, catch_up=not new_ids)  # fmt: skip
                    item_id = self._insert_item(conn, feed, entry, stamp, choice.story_id, row)
                    self._story_item_added(conn, choice, item_id)
                    if link_key is not None:
                        by_link[link_key] = item_id
                    new_ids.append(item_id)
                elif self._update_item(conn, feed, item_id, entry, stamp):
                    updated_ids.append(item_id)
                    self._story_edited(conn, item_id, sig or signature(entry.title, entry.summary))
                else:
                    continue
                if label is not None:
                    if inserted:  # its label columns went in with the row
                        actor_rows += [(item_id, a.id) for a in label.actors]
                        place_rows += [(item_id, p) for p in label.places]
                    else:  # an edit replaces its labels: what is pending may be its earlier copy's
                        _insert_tags(conn, actor_rows, place_rows)
                        _write_labels(conn, item_id, label, rules_version)
            _insert_tags(conn, actor_rows, place_rows)
        return IngestResult(tuple(new_ids), tuple(updated_ids))

    def stored_digests(self, feed_id: int, guids: Sequence[str]) -> dict[str, str]:
        """guid → the content digest the feed's item under that guid is stored with (a read).
        An entry whose digest is the stored one leaves its item as it is (see _update_item)."""
        sql = ("SELECT f.guid, i.content_hash FROM item_feeds f JOIN items i ON i.id = f.item_id"
               " WHERE f.feed_id = ? AND f.guid IN ({marks})")  # fmt: skip
        return _pairs_in(self.db.conn, sql, list(guids), feed_id)

    @staticmethod
    def _known_guids(conn: sqlite3.Connection, feed_id: int, guids: list[str]) -> dict[str, int]:
        return _pairs_in(conn, "SELECT guid, item_id FROM item_feeds WHERE feed_id = ? AND guid IN ({marks})",
                         guids, feed_id)  # fmt: skip

    @staticmethod
    def _known_links(conn: sqlite3.Connection, keys: list[str]) -> dict[str | None, int]:
        return _pairs_in(conn, "SELECT link_key, id FROM items WHERE link_key IN ({marks})", keys)

    @staticmethod
    def _insert_item(
        conn: sqlite3.Connection, feed: FeedState, entry: Entry, stamp: str, story_id: int | None, row: Prepared
    ) -> int:
        values = (entry.link, entry.link_key, entry.title, entry.summary, row.published,
                  int(entry.published is None), stamp, stamp, entry.language or feed.language,
                  entry.author, entry.digest, feed.id, story_id, row.signature)  # fmt: skip
        # the labels go in with the row: one statement, not an INSERT and an UPDATE per new item
        cursor = conn.execute(_INSERT_LABELLED if row.labels else _INSERT, values + (row.labels or ()))
        item_id = cursor.lastrowid
        conn.execute(
            "INSERT INTO item_feeds (feed_id, guid, item_id, first_seen) VALUES (?, ?, ?, ?)",
            (feed.id, entry.guid, item_id, stamp),
        )
        conn.execute(
            "INSERT INTO items_fts (rowid, title, summary, panes) VALUES (?, ?, ?, ?)",
            (item_id, row.title, row.summary, row.panes),
        )
        return item_id

    @staticmethod
    def _update_item(
        conn: sqlite3.Connection,
        feed: FeedState,
        item_id: int,
        entry: Entry,
        stamp: str,
    ) -> bool:
        row = conn.execute(
            "SELECT title, summary, content_hash, feed_id, date_estimated FROM items WHERE id = ?",
            (item_id,),
        ).fetchone()
        if row is None or row[3] != feed.id:
            return False  # only the feed that first carried an item edits it
        title, summary, old_digest, _, estimated = row
        changed = old_digest != entry.digest
        if changed:
            conn.execute(
                "INSERT INTO item_history (item_id, feed_id, changed_at, title, summary)"
                " VALUES (?, ?, ?, ?, ?)",
                (item_id, feed.id, stamp, title, summary),
            )
            conn.execute(
                "UPDATE items SET title = ?, summary = ?, content_hash = ?, updated_at = ?"
                " WHERE id = ?",
                (entry.title, entry.summary, entry.digest, stamp, item_id),
            )
            conn.execute(
                "UPDATE items_fts SET title = ?, summary = ? WHERE rowid = ?",
                (search_form(entry.title), search_form(entry.summary), item_id),
            )
        if estimated and entry.published is not None:
            conn.execute(
                "UPDATE items SET published = ?, date_estimated = 0 WHERE id = ?",
                (iso(entry.published), item_id),
            )
        return changed

    def items(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        text: str | None = None,
        feed_ids: Sequence[int] | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[StoredItem]:
        where, params = ["1"], []
        if since is not None:
            where.append("items.published >= ?")
            params.append(iso(since))
        if until is not None:
            where.append("items.published < ?")
            params.append(iso(until))
        if feed_ids:
            where.append(f"items.feed_id IN ({','.join('?' * len(feed_ids))})")
            params.extend(feed_ids)
        if text:
            where.append("items.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
            query = fts_query(text)
            if not query:
                return []
            params.append(user_match(query))
        order = "DESC" if newest_first else "ASC"
        sql = (
            f"SELECT {_ITEM_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id"
            f" WHERE {' AND '.join(where)} ORDER BY items.published {order}, items.id {order}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_stored_item(r) for r in self._query(sql, params)]

    def items_to_classify(
        self, *, after_id: int = 0, limit: int = 1000, only_version_not: str | None = None
    ) -> list[tuple[int, str, str, str | None, str | None, tuple[str, ...], str | None]]:
        """A batch of (id, title, summary, feed side, feed kind, feed tags, language) by id."""
        where = "items.id > ?"
        params: list[Any] = [after_id]
        if only_version_not is not None:
            where += " AND (items.rules_version IS NULL OR items.rules_version != ?)"
            params.append(only_version_not)
        rows = self._query(
            "SELECT items.id, items.title, items.summary, feeds.side, feeds.kind, feeds.tags, items.language"
            f" FROM items JOIN feeds ON feeds.id = items.feed_id WHERE {where} ORDER BY items.id LIMIT ?",
            (*params, limit),
        )
        return [(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5] or "[]")), r[6]) for r in rows]

    def save_labels(self, labelled: Sequence[tuple[int, Labels]], rules_version: str) -> None:
        with self._write() as conn:
            for item_id, label in labelled:
                _write_labels(conn, item_id, label, rules_version)

    def count_unclassified(self, rules_version: str) -> int:
        return self._query(
            "SELECT count(*) FROM items WHERE rules_version IS NULL OR rules_version != ?", (rules_version,)
        )[0][0]

    def item(self, item_id: int) -> StoredItem | None:
        rows = self._query(
            f"SELECT {_ITEM_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id"
            " WHERE items.id = ?",
            (item_id,),
        )
        return _stored_item(rows[0]) if rows else None

    def carriers(self, item_id: int) -> list[tuple[str, str | None, datetime]]:
        """Every feed that carried an item: (name, side, first seen there), earliest first."""
        rows = self._query(
            "SELECT feeds.name, feeds.side, item_feeds.first_seen FROM item_feeds"
            " JOIN feeds ON feeds.id = item_feeds.feed_id WHERE item_id = ?"
            " ORDER BY item_feeds.first_seen, feeds.name",
            (item_id,),
        )
        return [(name, side, from_iso(seen)) for name, side, seen in rows]

    def history(self, item_id: int) -> list[tuple[datetime, str, str]]:
        """Earlier versions of an item: (replaced at, old title, old summary), oldest first."""
        rows = self._query(
            "SELECT changed_at, title, summary FROM item_history WHERE item_id = ? ORDER BY id",
            (item_id,),
        )
        return [(from_iso(at), title, summary) for at, title, summary in rows]

    def count_items(self) -> int:
        return self._query("SELECT count(*) FROM items")[0][0]

    def count_since(self, since: datetime) -> int:
        """Items published at or after `since`: one COUNT on the published index (the
        dashboard's "items today"), never the rows themselves."""
        return self._query("SELECT count(*) FROM items WHERE published >= ?", (iso(since),))[0][0]

    def interrupt(self) -> None:
        """Abandon the statement running on this connection (safe from another thread): a
        reader whose query is already stale stops instead of finishing."""
        self.db.conn.interrupt()

    def feed_health(self, now: datetime) -> list[dict[str, Any]]:
        """One row a feed for `briefing feeds`: status, last success and error, items per day."""
        week_ago = iso(datetime.fromtimestamp(now.timestamp() - 7 * 86400, UTC))
        rows = self._query(
            """
            SELECT f.id, f.name, f.side, f.kind, f.url, f.enabled, f.in_config, f.last_status,
                   f.last_success_at, f.last_error, f.next_poll_at, f.consecutive_failures,
                   f.last_polled_at,
                   (SELECT count(*) FROM item_feeds x WHERE x.feed_id = f.id AND x.first_seen >= ?),
                   (SELECT count(*) FROM item_feeds x WHERE x.feed_id = f.id),
                   (SELECT max(x.first_seen) FROM item_feeds x WHERE x.feed_id = f.id)
            FROM feeds f ORDER BY f.in_config DESC, f.name
            """,
            (week_ago,),
        )
        keys = ("id", "name", "side", "kind", "url", "enabled", "in_config", "last_status",
                "last_success_at", "last_error", "next_poll_at", "consecutive_failures",
                "last_polled_at", "items_week", "items_total", "last_new_item_at")  # fmt: skip
        health = []
        for row in rows:
            record = dict(zip(keys, row, strict=True))
            record["items_per_day"] = record.pop("items_week") / 7
            health.append(record)
        return health

    def set_flags(self, item_ids: Sequence[int], *, read: bool | None = None, starred: bool | None = None) -> None:
        with self._write() as conn:
            for chunk in _chunks(list(item_ids), 500):
                marks = ",".join("?" * len(chunk))
                if read is not None:
                    conn.execute(f"UPDATE items SET read = ? WHERE id IN ({marks})", (int(read), *chunk))
                if starred is not None:
                    conn.execute(f"UPDATE items SET starred = ? WHERE id IN ({marks})", (int(starred), *chunk))

    def data_version(self) -> int:
        """Changes when another connection commits: a cheap way to notice new items."""
        return self._query("PRAGMA data_version")[0][0]


class Labels(Protocol):
    """What the store keeps of a classification (briefing.classify.Classification fits)."""

    panes: tuple[str, ...]
    on_topic: bool
    why: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def speaker(self) -> Any: ...  # has .id and .side, or None

    @property
    def actors(self) -> tuple[Any, ...]: ...  # each has .id

    @property
    def places(self) -> tuple[str, ...]: ...


_INSERT_COLUMNS = ("link, link_key, title, summary, published, date_estimated, first_seen, updated_at, language,"
                   " author, content_hash, feed_id, story_id, signature")
_LABEL_COLUMNS = ("pane_events, pane_statements, pane_humanitarian, pane_reactions, on_topic, speaker,"
                  " speaker_side, why, rules_version")
_INSERT = f"INSERT INTO items ({_INSERT_COLUMNS}) VALUES ({', '.join('?' * 14)})"
_INSERT_LABELLED = f"INSERT INTO items ({_INSERT_COLUMNS}, {_LABEL_COLUMNS}) VALUES ({', '.join('?' * 23)})"


def _label_values(label: Labels, rules_version: str | None) -> tuple[Any, ...]:
    """The items columns of a label, in _LABEL_COLUMNS order."""
    speaker = label.speaker
    return (*(int(pane in label.panes) for pane in PANE_COLUMNS), int(label.on_topic),
            speaker.id if speaker else None, speaker.side if speaker else None,
            _why_json(label.why), rules_version)  # fmt: skip


def _why_json(why: Any) -> str:
    """The `why` column: a label's reasons as JSON. The same cues put most items in their panes,
    so an encoding is kept and reused (~3.5 µs an item saved in a big poll)."""
    try:
        return _why_json_cached(why)
    except TypeError:  # reasons in lists, not tuples (not hashable): encoded each time
        return _encode_why(why)


def _encode_why(why: Any) -> str:
    return json.dumps({pane: list(cues) for pane, cues in why}, ensure_ascii=False)


_why_json_cached = lru_cache(maxsize=4096)(_encode_why)


def _insert_tags(conn: sqlite3.Connection, actors: list[tuple[int, str]], places: list[tuple[int, str]]) -> None:
    """Write and clear the pending (item, actor) and (item, place) rows in a few multi-row
    INSERTs. Each statement costs far more than a row (a statement journal for the foreign key,
    the pane_tags triggers), so a feed's 40 new items take one statement a table, not 40."""
    for table, column, rows in (("item_actors", "actor", actors), ("item_places", "place", places)):
        for start in range(0, len(rows), _TAG_ROWS):
            chunk = rows[start : start + _TAG_ROWS]
            conn.execute(
                f"INSERT OR IGNORE INTO {table} (item_id, {column}) VALUES " + ",".join(["(?, ?)"] * len(chunk)),
                [value for row in chunk for value in row],
            )
        rows.clear()


_TAG_ROWS = 400  # 800 parameters: under SQLite's oldest limit (999)


def _write_labels(conn: sqlite3.Connection, item_id: int, label: Labels, rules_version: str | None) -> None:
    """Replace a stored item's labels (reclassified, or an item stored before it was labelled)."""
    conn.execute(
        "UPDATE items SET pane_events = ?, pane_statements = ?, pane_humanitarian = ?, pane_reactions = ?,"
        " on_topic = ?, speaker = ?, speaker_side = ?, why = ?, rules_version = ? WHERE id = ?",
        (*_label_values(label, rules_version), item_id),
    )
    conn.execute("DELETE FROM item_actors WHERE item_id = ?", (item_id,))
    conn.execute("DELETE FROM item_places WHERE item_id = ?", (item_id,))
    _insert_tags(conn, [(item_id, a.id) for a in label.actors], [(item_id, p) for p in label.places])


_WORD = re.compile(r"\w+")


def fts_query(text: str) -> str:
    """Plain words → an FTS5 query that cannot be a syntax error.

    Each whitespace-separated chunk is a phrase of its word tokens ("AT&T" → "at t"), matched
    as a prefix, so inflected forms match (baki → Bakıda, Степанакерт → Степанакерте).
    """
    phrases = []
    for chunk in search_form(text).split():
        words = _WORD.findall(chunk)
        if words:
            phrases.append('"' + " ".join(words) + '"*')
    return " ".join(phrases)


def _pairs_in(conn: sqlite3.Connection, sql: str, keys: list, *leading: Any) -> dict:
    """The (key, value) rows of `sql` for `keys`, asked 500 at a time: `sql` has `{marks}` where
    the keys' placeholders go, after the `leading` parameters."""
    found: dict = {}
    for chunk in _chunks(keys, 500):
        found.update(conn.execute(sql.format(marks=",".join("?" * len(chunk))), (*leading, *chunk)).fetchall())
    return found


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _clean_error(error: str | None) -> str | None:
    return one_line(strip_controls(error))[:500] if error else None

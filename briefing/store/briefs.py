"""The SQL the daily brief needs: who carried each item, which feeds failed, earlier briefs.

Plain functions over a `Store` (rather than more methods on the class) so the brief's queries
live in one file that no one else edits. Each is one or a few indexed queries: a day of
5,000 items out of a million costs milliseconds here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from . import Store, _chunks, from_iso, iso


@dataclass(frozen=True, slots=True)
class Carrier:
    """One feed that carried an item (the first feed, or another with the same canonical link)."""

    feed: str
    side: str | None
    kind: str | None
    first_seen: datetime


@dataclass(frozen=True, slots=True)
class FeedGap:
    """A feed whose polls failed during the brief's window: what the brief could not see."""

    feed: str
    side: str | None
    failures: int
    polls: int
    first_failure: datetime
    last_failure: datetime
    last_error: str | None


@dataclass(frozen=True, slots=True)
class BriefRecord:
    """A brief written earlier, so the next one can say what is new since."""

    id: int
    generated_at: datetime
    window_start: datetime
    window_end: datetime
    tz: str
    filter: str | None
    items: int
    max_item_id: int
    path: str | None


@contextmanager
def snapshot(store: Store) -> Iterator[None]:
    """One read transaction: every query inside sees the database at the same moment (WAL), so
    a poll committing meanwhile cannot put an item in the brief that `max_item_id` missed."""
    conn = store.db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")  # nothing was written to the database: this only ends the snapshot


def carriers_for(store: Store, item_ids: Sequence[int]) -> dict[int, list[Carrier]]:
    """Every feed that carried each item, earliest first (then by name, for stable output)."""
    found: dict[int, list[Carrier]] = {}
    for chunk in _chunks(sorted(set(item_ids)), 500):
        marks = ",".join("?" * len(chunk))
        rows = store._query(
            "SELECT x.item_id, f.name, f.side, f.kind, x.first_seen FROM item_feeds x"
            f" JOIN feeds f ON f.id = x.feed_id WHERE x.item_id IN ({marks})"
            " ORDER BY x.item_id, x.first_seen, f.name",
            chunk,
        )
        for item_id, name, side, kind, seen in rows:
            found.setdefault(item_id, []).append(Carrier(name, side, kind, from_iso(seen)))
    return found


def edit_history(store: Store, item_ids: Sequence[int]) -> dict[int, list[tuple[datetime, str, str]]]:
    """The earlier versions of those of these items their publishers edited: (replaced at, old
    title, old summary), oldest first — so the brief can say when and what changed."""
    found: dict[int, list[tuple[datetime, str, str]]] = {}
    for chunk in _chunks(sorted(set(item_ids)), 500):
        marks = ",".join("?" * len(chunk))
        for item_id, changed, title, summary in store._query(
            f"SELECT item_id, changed_at, title, summary FROM item_history WHERE item_id IN ({marks})"
            " ORDER BY item_id, id",
            chunk,
        ):
            found.setdefault(item_id, []).append((from_iso(changed), title, summary))
    return found


def feed_gaps(store: Store, since: datetime, until: datetime) -> list[FeedGap]:
    """Feeds with at least one failed poll in [since, until), most failures first."""
    rows = store._query(
        """
        SELECT f.name, f.side, sum(p.outcome = 'failed'), count(*),
               min(CASE WHEN p.outcome = 'failed' THEN p.started_at END),
               max(CASE WHEN p.outcome = 'failed' THEN p.started_at END),
               (SELECT q.error FROM poll_log q WHERE q.feed_id = f.id AND q.outcome = 'failed'
                  AND q.started_at >= ? AND q.started_at < ? ORDER BY q.started_at DESC, q.id DESC LIMIT 1)
        FROM poll_log p JOIN feeds f ON f.id = p.feed_id
        WHERE p.started_at >= ? AND p.started_at < ?
        GROUP BY f.id HAVING sum(p.outcome = 'failed') > 0
        ORDER BY 3 DESC, f.name
        """,
        (iso(since), iso(until), iso(since), iso(until)),
    )
    return [
        FeedGap(name, side, failures, polls, from_iso(first), from_iso(last), error)
        for name, side, failures, polls, first, last, error in rows
    ]


def watched_feeds(store: Store) -> list[tuple[str, str | None]]:
    """(name, side) of every feed the brief could have heard from: enabled and in feeds.toml."""
    return [(f.name, f.side) for f in store.active_feeds()]


def max_item_id(store: Store) -> int:
    """The newest item in the database: what a brief written now could see."""
    return store._query("SELECT coalesce(max(id), 0) FROM items")[0][0]


def previous_brief(
    store: Store,
    before: datetime,
    *,
    other_than: tuple[datetime, datetime, str | None] | None = None,
) -> BriefRecord | None:
    """The last brief generated strictly before `before` — of another brief than `other_than`
    (window start, window end, filter), when given.

    Strictly: a brief rewritten with the same --as-of does not see its own earlier record,
    so the same database and arguments give the same bytes. Another brief: writing the same
    window with the same filter again (`b` twice) is the same brief rewritten, not a new one,
    so it still compares with the brief before it (see briefing.brief).
    """
    sql = "SELECT id, generated_at, window_start, window_end, tz, filter, items, max_item_id, path FROM briefs"
    sql += " WHERE generated_at < ?"
    params: list[object] = [iso(before)]
    if other_than is not None:
        start, end, filter_text = other_than
        sql += " AND NOT (window_start = ? AND window_end = ? AND coalesce(filter, '') = ?)"
        params += [iso(start), iso(end), filter_text or ""]
    rows = store._query(sql + " ORDER BY generated_at DESC, id DESC LIMIT 1", params)
    if not rows:
        return None
    r = rows[0]
    return BriefRecord(r[0], from_iso(r[1]), from_iso(r[2]), from_iso(r[3]), r[4], r[5], r[6], r[7], r[8])


def record_brief(
    store: Store,
    *,
    generated_at: datetime,
    window_start: datetime,
    window_end: datetime,
    tz: str,
    filter_text: str | None,
    items: int,
    max_item_id: int,
    path: str | None,
) -> int:
    with store._write() as conn:
        cursor = conn.execute(
            "INSERT INTO briefs (generated_at, window_start, window_end, tz, filter, items, max_item_id, path)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (iso(generated_at), iso(window_start), iso(window_end), tz, filter_text or None, items,
             max_item_id, path),
        )  # fmt: skip
        return cursor.lastrowid

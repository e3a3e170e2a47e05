"""The SQL of stories: candidate lookup by key, joining and merging stories, `recluster`.

Mixed into `Store`. The decisions themselves are pure (briefing.stories); this module fetches
the candidates, asks, and keeps the `stories` table's aggregates (size, who reported first and
last, distinct sources and sides) true.

Cost per new item: one indexed lookup of its keys within a few days of its published time (the
same on day 300 as on day 1), at most MAX_CANDIDATES signatures decoded, one story refreshed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..stories import WINDOW_HOURS, Candidate, Signature, same_story, signature, worth_comparing

if TYPE_CHECKING:
    from . import StoredItem

MAX_CANDIDATES = 32  # compared with a new item, most keys shared first
SIGNATURE_CACHE = 200_000  # decoded signatures kept by a writer (a few days of news)
PER_KEY = 24  # newest items read per key: a bound however crowded a bucket gets
_DAYS = int(WINDOW_HOURS // 24) + 1
RECLUSTER_BATCH = 2000


def day_of(published: datetime) -> int:
    return int(published.timestamp() // 86400)


def _from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _blob(sig: Signature, day: int) -> bytes:
    return sig.to_blob(day)


class StoriesMixin:
    """Store methods for stories; `self.db.conn` and `self._write()` come from Store."""

    db: Any

    # ------------------------------------------------------------------ reading

    def story_items(self, story_id: int) -> list[StoredItem]:
        """A story's items, oldest first (the first is who reported it first)."""
        from . import _ITEM_COLUMNS, _stored_item

        rows = self.db.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id"
            " WHERE items.story_id = ? ORDER BY items.published, items.id",
            (story_id,),
        ).fetchall()
        return [_stored_item(r) for r in rows]

    def story_assignments(self) -> dict[int, int]:
        """item id → story id, for every item (tests and `recluster` checks)."""
        return dict(self.db.conn.execute("SELECT id, story_id FROM items").fetchall())

    def story_counts(self) -> tuple[int, int, int]:
        """(stories, stories of more than one item, items in those)."""
        row = self.db.conn.execute(
            "SELECT count(*), coalesce(sum(size > 1), 0), coalesce(sum(CASE WHEN size > 1 THEN size END), 0)"
            " FROM stories"
        ).fetchone()
        return row[0], row[1], row[2]

    # ------------------------------------------------------------------ writing (inside a transaction)

    def _signature_cache(self) -> dict[int, Signature]:
        """Decoded signatures of recent items: the writer meets the same candidates again and again."""
        cache = self.__dict__.get("_story_signatures")
        if cache is None or len(cache) > SIGNATURE_CACHE:
            cache = self.__dict__["_story_signatures"] = {}
        return cache

    def _assign_story(
        self,
        conn: sqlite3.Connection,
        item_id: int,
        feed_id: int,
        published: str,
        link_key: str | None,
        sig: Signature,
        label: Any = None,
        language: str | None = None,
    ) -> int:
        """File a new item under its keys and put it in a story: the best-matching one, merging any
        other story it also matches (it is the missing link between them), or a new one."""
        when = _from_iso(published)
        day = day_of(when)
        speaker = getattr(getattr(label, "speaker", None), "id", None)
        actors = frozenset(a.id for a in getattr(label, "actors", ()))
        places = frozenset(getattr(label, "places", ()))
        new = Candidate(sig, when, link_key, feed_id, speaker, actors, places, language)
        matched: dict[int, float] = {}
        cache = self._signature_cache()
        for story_id, other in _candidates(conn, sig, day, item_id, cache, need_entities=bool(actors or places)):
            if story_id in matched:
                continue  # one yes is enough to join a story
            verdict = same_story(new, other)
            if verdict.same:
                matched[story_id] = verdict.score
        conn.executemany(
            "INSERT OR IGNORE INTO story_keys (key, day, item_id) VALUES (?, ?, ?)",
            [(key, day, item_id) for key in sig.keys],
        )
        cache[item_id] = sig
        if not matched:
            story_id = conn.execute(
                "INSERT INTO stories (first_item, latest_item, first_published, last_published, size, sources, sides)"
                " VALUES (?, ?, ?, ?, 1, 1, coalesce((SELECT side FROM feeds WHERE id = ?), ''))",
                (item_id, item_id, published, published, feed_id),
            ).lastrowid
            conn.execute("INSERT INTO story_feeds (story_id, feed_id) VALUES (?, ?)", (story_id, feed_id))
            conn.execute(
                "UPDATE items SET story_id = ?, signature = ? WHERE id = ?", (story_id, _blob(sig, day), item_id)
            )
            return story_id
        story_id = min(matched)  # the oldest story keeps its id; deterministic for recluster
        conn.execute("UPDATE items SET story_id = ?, signature = ? WHERE id = ?", (story_id, _blob(sig, day), item_id))
        conn.execute("INSERT OR IGNORE INTO story_feeds (story_id, feed_id) VALUES (?, ?)", (story_id, feed_id))
        others = sorted(s for s in matched if s != story_id)
        for other in others:
            conn.execute("UPDATE items SET story_id = ? WHERE story_id = ?", (story_id, other))
            conn.execute(
                "INSERT OR IGNORE INTO story_feeds (story_id, feed_id)"
                " SELECT ?, feed_id FROM story_feeds WHERE story_id = ?",
                (story_id, other),
            )
            conn.execute("DELETE FROM story_feeds WHERE story_id = ?", (other,))
            conn.execute("DELETE FROM stories WHERE id = ?", (other,))
        _refresh_story(conn, story_id)
        return story_id

    @staticmethod
    def _story_carrier(conn: sqlite3.Connection, item_id: int, feed_id: int) -> None:
        """Another feed carried an item we have: one more source for its story."""
        row = conn.execute("SELECT story_id FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None or row[0] is None:
            return
        added = conn.execute(
            "INSERT OR IGNORE INTO story_feeds (story_id, feed_id) VALUES (?, ?)", (row[0], feed_id)
        ).rowcount
        if added:
            _refresh_sources(conn, row[0])

    def _story_edited(self, conn: sqlite3.Connection, item_id: int, sig: Signature) -> None:
        """An edited item keeps its story (an edit is a correction, not another occurrence);
        its keys and signature follow the new text, so later items match what it says now."""
        row = conn.execute("SELECT signature, published FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            return
        old = Signature.from_blob(row[0])
        old_day = Signature.day_from_blob(row[0])
        if old is not None and old_day is not None:
            conn.executemany(
                "DELETE FROM story_keys WHERE key = ? AND day = ? AND item_id = ?",
                [(key, old_day, item_id) for key in old.keys],
            )
        day = day_of(_from_iso(row[1]))
        conn.executemany(
            "INSERT OR IGNORE INTO story_keys (key, day, item_id) VALUES (?, ?, ?)",
            [(key, day, item_id) for key in sig.keys],
        )
        conn.execute("UPDATE items SET signature = ? WHERE id = ?", (_blob(sig, day), item_id))
        self._signature_cache()[item_id] = sig
        story = conn.execute("SELECT story_id FROM items WHERE id = ?", (item_id,)).fetchone()
        if story and story[0] is not None:
            _refresh_story(conn, story[0])

    # ------------------------------------------------------------------ rebuilding

    def recluster(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild every story from the items, in the order they arrived (so a rebuild gives the
        stories that ingest gave, and two rebuilds give the same). Returns the number of stories.

        Runs in batches of transactions so a poll can write in between; an item that arrives
        meanwhile is assigned at its ingest and left alone here."""
        conn = self.db.conn
        total = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        with self._write():
            conn.execute("UPDATE items SET story_id = NULL, signature = NULL")
            conn.execute("DELETE FROM story_feeds")
            conn.execute("DELETE FROM story_keys")
            conn.execute("DELETE FROM stories")
        self.__dict__.pop("_story_signatures", None)
        if progress:
            progress(0, total)
        after, done = 0, 0
        while True:
            rows = conn.execute(
                "SELECT id, feed_id, published, link_key, speaker, title, summary, language FROM items"
                " WHERE id > ? AND story_id IS NULL ORDER BY id LIMIT ?",
                (after, RECLUSTER_BATCH),
            ).fetchall()
            if not rows:
                break
            after = rows[-1][0]
            signatures = [signature(r[5], r[6]) for r in rows]
            labels = _stored_labels(conn, [r[0] for r in rows], {r[0]: r[4] for r in rows})
            with self._write():
                for row, sig in zip(rows, signatures, strict=True):
                    self._assign_story(conn, row[0], row[1], row[2], row[3], sig, labels.get(row[0]), row[7])
                for row in rows:  # carriers: every other feed that carried the item
                    for (feed_id,) in conn.execute(
                        "SELECT feed_id FROM item_feeds WHERE item_id = ? AND feed_id != ?", (row[0], row[1])
                    ).fetchall():
                        self._story_carrier(conn, row[0], feed_id)
            done += len(rows)
            if progress:
                progress(done, total)
        return conn.execute("SELECT count(*) FROM stories").fetchone()[0]

    def index_story_keys(self, *, since: datetime) -> int:
        """Compute signatures and keys for items published since `since` that have none (a
        database built by other means, e.g. bench/synth.py), keeping their stories. Returns how many."""
        conn = self.db.conn
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows = conn.execute(
            "SELECT id, published, title, summary FROM items WHERE published >= ? AND signature IS NULL",
            (stamp,),
        ).fetchall()
        with self._write():
            for item_id, published, title, summary in rows:
                sig = signature(title, summary)
                day = day_of(_from_iso(published))
                conn.executemany(
                    "INSERT OR IGNORE INTO story_keys (key, day, item_id) VALUES (?, ?, ?)",
                    [(key, day, item_id) for key in sig.keys],
                )
                conn.execute("UPDATE items SET signature = ? WHERE id = ?", (_blob(sig, day), item_id))
        return len(rows)


class _Label:
    """Stored labels in the shape the decision reads (speaker.id, actors[].id, places)."""

    __slots__ = ("actors", "places", "speaker")

    def __init__(self, speaker: str | None, actors: Sequence[str], places: Sequence[str]):
        self.speaker = _Id(speaker) if speaker else None
        self.actors = tuple(_Id(a) for a in actors)
        self.places = tuple(places)


class _Id:
    __slots__ = ("id",)

    def __init__(self, value: str):
        self.id = value


def _stored_labels(conn: sqlite3.Connection, ids: list[int], speakers: dict[int, str | None]) -> dict[int, _Label]:
    actors: dict[int, list[str]] = {}
    places: dict[int, list[str]] = {}
    marks = ",".join("?" * len(ids))
    for item_id, actor in conn.execute(f"SELECT item_id, actor FROM item_actors WHERE item_id IN ({marks})", ids):
        actors.setdefault(item_id, []).append(actor)
    for item_id, place in conn.execute(f"SELECT item_id, place FROM item_places WHERE item_id IN ({marks})", ids):
        places.setdefault(item_id, []).append(place)
    return {i: _Label(speakers.get(i), actors.get(i, ()), places.get(i, ())) for i in ids}


def _candidates(
    conn: sqlite3.Connection,
    sig: Signature,
    day: int,
    item_id: int,
    cache: dict[int, Signature],
    *,
    need_entities: bool,
) -> list[tuple[int, Candidate]]:
    """The items filed under any of `sig`'s keys within the window, most keys shared first."""
    if not sig.keys:
        return []
    per_key = " UNION ALL ".join(
        ["SELECT item_id FROM (SELECT item_id FROM story_keys WHERE key = ? AND day BETWEEN ? AND ?"
         " ORDER BY day DESC LIMIT ?)"] * len(sig.keys)
    )  # fmt: skip
    params: list[Any] = []
    for key in sig.keys:
        params += (key, day - _DAYS, day + _DAYS, PER_KEY)
    rows = conn.execute(
        f"""
        SELECT items.id, items.story_id, items.published, items.link_key, items.feed_id, items.speaker,
               items.signature, items.language
        FROM (SELECT item_id, count(*) AS shared FROM ({per_key}) WHERE item_id != ?
              GROUP BY item_id ORDER BY shared DESC, item_id DESC LIMIT ?) AS hits
        JOIN items ON items.id = hits.item_id
        WHERE items.story_id IS NOT NULL
        """,
        (*params, item_id, MAX_CANDIDATES),
    ).fetchall()
    worth = []
    for row in rows:
        other = cache.get(row[0])
        if other is None:
            other = Signature.from_blob(row[6])
            if other is None:
                continue
            cache[row[0]] = other
        if worth_comparing(sig, other):
            worth.append((row, other))
    if not worth:
        return []
    actors: dict[int, set[str]] = {}
    places: dict[int, set[str]] = {}
    if need_entities:
        ids = [row[0] for row, _ in worth]
        marks = ",".join("?" * len(ids))
        for cid, actor in conn.execute(f"SELECT item_id, actor FROM item_actors WHERE item_id IN ({marks})", ids):
            actors.setdefault(cid, set()).add(actor)
        for cid, place in conn.execute(f"SELECT item_id, place FROM item_places WHERE item_id IN ({marks})", ids):
            places.setdefault(cid, set()).add(place)
    found = []
    for (cid, story_id, published, link_key, feed_id, speaker, _, language), other in worth:
        found.append((story_id, Candidate(
            other, _from_iso(published), link_key, feed_id, speaker,
            frozenset(actors.get(cid, ())), frozenset(places.get(cid, ())), language,
        )))  # fmt: skip
    return found


def _refresh_story(conn: sqlite3.Connection, story_id: int) -> None:
    """Recompute a story's aggregates from its items (cheap: the items_story index)."""
    conn.execute(
        """
        UPDATE stories SET
            size = (SELECT count(*) FROM items WHERE story_id = :s),
            first_item = (SELECT id FROM items WHERE story_id = :s ORDER BY published, id LIMIT 1),
            latest_item = (SELECT id FROM items WHERE story_id = :s ORDER BY published DESC, id DESC LIMIT 1),
            first_published = (SELECT min(published) FROM items WHERE story_id = :s),
            last_published = (SELECT max(published) FROM items WHERE story_id = :s)
        WHERE id = :s
        """,
        {"s": story_id},
    )
    _refresh_sources(conn, story_id)


def _refresh_sources(conn: sqlite3.Connection, story_id: int) -> None:
    conn.execute(
        """
        UPDATE stories SET
            sources = (SELECT count(*) FROM story_feeds WHERE story_id = :s),
            sides = coalesce((SELECT group_concat(side, ',') FROM (
                        SELECT DISTINCT feeds.side AS side FROM story_feeds JOIN feeds ON feeds.id = story_feeds.feed_id
                        WHERE story_feeds.story_id = :s AND feeds.side IS NOT NULL ORDER BY feeds.side)), '')
        WHERE id = :s
        """,
        {"s": story_id},
    )

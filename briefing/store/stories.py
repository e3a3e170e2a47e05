"""The SQL of stories: candidates, joining and merging stories, the aggregates, `recluster`.

Mixed into `Store`. The decisions themselves are pure (briefing.stories); this module finds the
candidates, asks, and keeps the `stories` table's aggregates (size, who reported first and last,
distinct sources and sides) true.

Candidates come from an LSH index the process keeps in memory per database, a day at a time:
day → band key → item ids, filled on first use from the signatures stored with that day's items
(one range of the items_published index) and caught up with rows other connections wrote through
the primary key (id > the last one seen). Keeping it in memory instead of a table spares every
new item a dozen random B-tree writes; it costs a fraction of a second per day of news when a
process first writes. Story ids in memory are only hints: the story an item joins is read from
the database. Per new item: a few dict lookups, at most MAX_CANDIDATES comparisons (a popcount
first), one story written — the same on day 300 as on day 1.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..stories import WINDOW_HOURS, Candidate, Signature, same_feed_apart, same_story, signature

if TYPE_CHECKING:
    from . import StoredItem

MAX_CANDIDATES = 20  # compared with a new item, most keys shared first
PER_KEY = 16  # newest items taken per key: a bound however crowded a bucket gets
BIG_STORY = 40  # from this size a story takes only close copies, and merges stay below twice it
KEEP_DAYS = 12  # days of index a writer keeps in memory
RECLUSTER_BATCH = 2000
_DAYS = math.ceil(WINDOW_HOURS / 24)  # days either side whose items can be within the window


def day_of(published: datetime | str) -> int:
    """Days since 1970 (UTC) of a time or a stored ISO time: the index's bucket."""
    if isinstance(published, str):
        published = _from_iso(published)
    return int(published.timestamp() // 86400)


def _from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_start(day: int) -> str:
    return datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class StoryChoice:
    """Where a new item goes, decided before it is written (its id comes with the INSERT)."""

    story_id: int
    item: Candidate
    created: bool = False  # a new story, the item its only report
    merged: bool = False  # other stories were merged into this one
    published: str = ""  # as stored
    expected_id: int = 0  # a new story's row names the id the item should get (checked once it has it)


class BandIndex:
    """A process's LSH index over one database's stored items, loaded a day at a time and caught
    up with items written since (by any connection) through the primary key: band key → item ids,
    and for each item what the decision reads, decoded only when it becomes a candidate.

    Story ids here are hints for ranking; the story an item joins is read from the database."""

    def __init__(self, last_id: int) -> None:
        self.days: dict[int, dict[int, list[int]]] = {}
        self.rows: dict[int, tuple] = {}  # item → (blob, published, link_key, feed_id, speaker, language)
        self.items: dict[int, Candidate] = {}  # decoded rows, and items written by this process
        self.labels: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        self.story: dict[int, int] = {}
        self.last_id = last_id
        self.lock = threading.Lock()

    def catch_up(self, conn: sqlite3.Connection) -> None:
        """File the items other connections wrote since we last looked (a primary-key range)."""
        newest = conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
        if newest < self.last_id:  # fewer items than we knew: not the database we indexed
            self.__init__(newest)  # type: ignore[misc]
            return
        if newest == self.last_id:
            return
        rows = conn.execute(
            f"SELECT {_ROW} FROM items WHERE id > ? AND id <= ? AND signature IS NOT NULL AND story_id IS NOT NULL",
            (self.last_id, newest),
        ).fetchall()
        self.last_id = newest
        self._file(conn, rows)

    def day(self, conn: sqlite3.Connection, day: int) -> dict[int, list[int]]:
        index = self.days.get(day)
        if index is None:
            index = self.days[day] = {}
            rows = conn.execute(
                f"SELECT {_ROW} FROM items WHERE published >= ? AND published < ?"
                " AND signature IS NOT NULL AND story_id IS NOT NULL ORDER BY id",
                (_day_start(day), _day_start(day + 1)),
            ).fetchall()
            self._file(conn, rows)
            if len(self.days) > KEEP_DAYS:
                self._evict(keep=day)
        return index

    def _file(self, conn: sqlite3.Connection, rows: list[tuple]) -> None:
        """Index stored rows whose day is loaded (other days are read when first needed)."""
        fresh = [row for row in rows if row[0] not in self.rows and row[0] not in self.items]
        if not fresh:
            return
        ids = [row[0] for row in fresh]
        actors: dict[int, set[str]] = {}
        places: dict[int, set[str]] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            for item_id, actor in conn.execute(f"SELECT item_id, actor FROM item_actors WHERE item_id IN ({marks})",
                                               part):  # fmt: skip
                actors.setdefault(item_id, set()).add(actor)
            for item_id, place in conn.execute(f"SELECT item_id, place FROM item_places WHERE item_id IN ({marks})",
                                               part):  # fmt: skip
                places.setdefault(item_id, set()).add(place)
        for item_id, blob, story_id, published, link_key, feed_id, speaker, language in fresh:
            index = self.days.get(day_of(published))
            if index is None:
                continue
            keys = Signature.keys_from_blob(blob)
            self.rows[item_id] = (blob, published, link_key, feed_id, speaker, language)
            self.labels[item_id] = (frozenset(actors.get(item_id, ())), frozenset(places.get(item_id, ())))
            self.story[item_id] = story_id
            for key in keys:
                index.setdefault(key, []).append(item_id)

    def _evict(self, keep: int) -> None:
        far = max(self.days, key=lambda d: abs(d - keep))
        for ids in self.days.pop(far).values():
            for item_id in ids:
                for table in (self.rows, self.items, self.labels, self.story):
                    table.pop(item_id, None)

    def item(self, item_id: int) -> Candidate | None:
        found = self.items.get(item_id)
        if found is None and item_id in self.rows:
            blob, published, link_key, feed_id, speaker, language = self.rows.pop(item_id)
            sig = Signature.from_blob(blob)
            if sig is None:
                return None
            actors, places = self.labels.pop(item_id, (frozenset(), frozenset()))
            found = self.items[item_id] = Candidate(sig, _from_iso(published), link_key, feed_id, speaker,
                                                    actors, places, language)  # fmt: skip
        return found

    def candidates(self, conn: sqlite3.Connection, sig: Signature, day: int) -> list[tuple[int, int, Candidate]]:
        """(story hint, item id, item) for the items filed under any of `sig`'s keys within the
        window that are worth comparing, most keys shared first (ties: first filed first)."""
        pool: list[int] = []  # counted once at the end: one C call, not one per key
        keys, days = sig.keys, self.days
        for d in range(day - _DAYS, day + _DAYS + 1):
            index = days.get(d)
            if index is None:
                index = self.day(conn, d)
            if index:
                for ids in map(index.get, keys):
                    if ids:
                        pool += ids[-PER_KEY:]
        if not pool:
            return []
        # most shared first, ties in filing order (a C sort, stable: Counter.most_common loops in
        # Python; sorting the ids by their count spares a tuple per id)
        counts = Counter(pool)
        ranked = sorted(counts, key=counts.__getitem__, reverse=True)[:MAX_CANDIDATES]
        found = []
        items, story = self.items, self.story
        mask, anchor_mask, size = sig.mask, sig.anchor_mask, len(sig.tokens)
        for item_id in ranked:
            other = items.get(item_id) or self.item(item_id)
            if other is None:
                continue
            theirs = other.signature
            common = (mask & theirs.mask).bit_count()  # worth_comparing, inline: it runs 20 times an item
            if (common >= 3 and common * 4 >= min(size, len(theirs.tokens))) or (
                anchor_mask & theirs.anchor_mask
            ).bit_count() >= 3:
                found.append((story.get(item_id, 0), item_id, other))
        return found

    def add(self, item_id: int, story_id: int, day: int, item: Candidate) -> None:
        self.items[item_id] = item
        self.story[item_id] = story_id
        self.last_id = max(self.last_id, item_id)
        index = self.days.get(day)
        if index is not None:
            for key in item.signature.keys:
                index.setdefault(key, []).append(item_id)

    def remove(self, item_id: int, day: int) -> None:
        item = self.item(item_id)
        for table in (self.rows, self.items, self.labels, self.story):
            table.pop(item_id, None)
        index = self.days.get(day)
        if item is not None and index is not None:
            for key in item.signature.keys:
                ids = index.get(key)
                if ids and item_id in ids:
                    ids.remove(item_id)


_ROW = "id, signature, story_id, published, link_key, feed_id, speaker, language"
_INDEXES: dict[str, BandIndex] = {}
_INDEXES_LOCK = threading.Lock()


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

    def _band_index(self, catch_up: bool = True) -> BandIndex:
        """This database's index, shared by every Store of the process (the poller opens one per
        poll), caught up with what other connections wrote."""
        key = self._story_index_key()
        with _INDEXES_LOCK:
            index = _INDEXES.get(key)
            if index is None:
                newest = self.db.conn.execute("SELECT max(id) FROM items").fetchone()[0] or 0
                index = _INDEXES[key] = BandIndex(newest)
        if catch_up:
            with index.lock:
                index.catch_up(self.db.conn)
        return index

    def _story_index_key(self) -> str:
        key = self.__dict__.get("_story_index_id")
        if key is None:  # the file, not the name: a database made afresh under one name is another
            path = Path(self.path).resolve()
            key = self.__dict__["_story_index_id"] = f"{path}:{path.stat().st_ino}"
        return key

    def _stories_forget(self) -> None:
        """After a rollback or a rebuild: what the index holds may never have happened."""
        with _INDEXES_LOCK:
            _INDEXES.pop(self._story_index_key(), None)

    def _choose_story(
        self,
        conn: sqlite3.Connection,
        feed_id: int,
        published: str,
        link_key: str | None,
        sig: Signature,
        label: Any = None,
        language: str | None = None,
        catch_up: bool = True,
    ) -> StoryChoice:
        """The story a new item joins, before the item is written: the best match, with any other
        story it also matches merged in (it is the missing link between them), or a new story.
        `_story_item_added` completes the story once the item has its id."""
        when = _from_iso(published)
        speaker = getattr(getattr(label, "speaker", None), "id", None)
        actors = frozenset(a.id for a in getattr(label, "actors", ()))
        places = frozenset(getattr(label, "places", ()))
        new = Candidate(sig, when, link_key, feed_id, speaker, actors, places, language)
        index = self._band_index(catch_up)
        hinted: set[int] = set()
        same: dict[int, float] = {}
        with index.lock:
            for hint, item_id, other in index.candidates(conn, sig, day_of(when)):
                if hint in hinted or same_feed_apart(new, other):
                    continue  # one yes is enough to join a story; a feed's other item: a certain no
                verdict = same_story(new, other, worth=True)
                if verdict.same:
                    hinted.add(hint)
                    same[item_id] = verdict.score
        matched: set[int] = set()
        if same:  # the stories they are in now (another writer may have merged some), and their sizes
            marks = ",".join("?" * len(same))
            found = conn.execute(
                f"SELECT items.id, items.story_id, stories.size FROM items JOIN stories ON stories.id = items.story_id"
                f" WHERE items.id IN ({marks})",
                list(same),
            ).fetchall()
            # A big story takes only close copies: a chain of middling matches must not grow without end.
            matched = {story for item_id, story, size in found if size < BIG_STORY or same[item_id] >= 0.6}
            if sum(size for _, story, size in found if story in matched) > 2 * BIG_STORY:
                matched = {max(found, key=lambda row: (same[row[0]], -row[1]))[1]}  # join the best; merge nothing
        if not matched:
            # Written whole now (the item's row refers to it): the item's id is one past the
            # highest (no AUTOINCREMENT; we hold the write lock), which _story_item_added checks.
            expected = index.last_id + 1
            created = conn.execute(
                "INSERT INTO stories (first_item, latest_item, first_published, last_published, size, sources, sides)"
                " VALUES (?, ?, ?, ?, 1, 1, coalesce((SELECT side FROM feeds WHERE id = ?), ''))",
                (expected, expected, published, published, feed_id),
            ).lastrowid
            return StoryChoice(created, new, created=True, published=published, expected_id=expected)
        story_id = min(matched)  # the oldest story keeps its id: deterministic for recluster
        for other in sorted(s for s in matched if s != story_id):
            conn.execute("UPDATE items SET story_id = ? WHERE story_id = ?", (story_id, other))
            conn.execute(
                "INSERT OR IGNORE INTO story_feeds (story_id, feed_id)"
                " SELECT ?, feed_id FROM story_feeds WHERE story_id = ?",
                (story_id, other),
            )
            conn.execute("DELETE FROM story_feeds WHERE story_id = ?", (other,))
            conn.execute("DELETE FROM stories WHERE id = ?", (other,))
        return StoryChoice(story_id, new, merged=len(matched) > 1, published=published)

    def _story_item_added(self, conn: sqlite3.Connection, choice: StoryChoice, item_id: int) -> None:
        """The item is written with its story: file it in the index and bring the story up to date."""
        story_id, item, published = choice.story_id, choice.item, choice.published or _iso(choice.item.published)
        index = self._band_index(catch_up=False)  # the item just written is ours, not news
        with index.lock:
            index.add(item_id, story_id, day_of(item.published), item)
        if choice.created:  # a story of its own: its row is complete, unless the id was not the one expected
            conn.execute("INSERT INTO story_feeds (story_id, feed_id) VALUES (?, ?)", (story_id, item.feed_id))
            if item_id != choice.expected_id:
                conn.execute(
                    "UPDATE stories SET first_item = ?, latest_item = ? WHERE id = ?", (item_id, item_id, story_id)
                )
            return
        added = conn.execute(
            "INSERT OR IGNORE INTO story_feeds (story_id, feed_id) VALUES (?, ?)", (story_id, item.feed_id)
        ).rowcount
        if choice.merged:
            _refresh_story(conn, story_id)
            return
        # one more item: the aggregates move by comparison (all right-hand sides see the old row)
        conn.execute(
            """
            UPDATE stories SET
                size = size + 1,
                first_item = CASE WHEN :p < first_published OR (:p = first_published AND :i < first_item)
                                  THEN :i ELSE first_item END,
                first_published = min(first_published, :p),
                latest_item = CASE WHEN :p > last_published OR (:p = last_published AND :i > latest_item)
                                   THEN :i ELSE latest_item END,
                last_published = max(last_published, :p)
            WHERE id = :s
            """,
            {"p": published, "i": item_id, "s": story_id},
        )
        if added:
            _refresh_sources(conn, story_id)

    def _story_carrier(self, conn: sqlite3.Connection, item_id: int, feed_id: int) -> None:
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
        """An edited item keeps its story (an edit is a correction, not another occurrence); its
        signature follows the new text, so later items match what it says now."""
        row = conn.execute("SELECT signature, published, story_id FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            return
        day = day_of(_from_iso(row[1]))
        conn.execute("UPDATE items SET signature = ? WHERE id = ?", (sig.to_blob(day), item_id))
        index = self._band_index(catch_up=False)
        with index.lock:
            known = index.item(item_id)
            if known is not None and row[2] is not None:
                index.remove(item_id, day_of(known.published))
                index.add(item_id, row[2], day, replace(known, signature=sig, published=_from_iso(row[1])))
        if row[2] is not None:
            _refresh_story(conn, row[2])

    # ------------------------------------------------------------------ rebuilding

    def recluster(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild every story from the items, in the order they arrived (so a rebuild gives the
        stories ingest gave, and two rebuilds give the same). Returns the number of stories.

        Runs in batches of transactions so a poll can write in between; an item that arrives
        meanwhile is assigned at its ingest and left alone here."""
        conn = self.db.conn
        total = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        with self._write():
            conn.execute("UPDATE items SET story_id = NULL, signature = NULL")
            conn.execute("DELETE FROM story_feeds")
            conn.execute("DELETE FROM stories")
        self._stories_forget()
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
            labels = _stored_labels(conn, [r[0] for r in rows], {r[0]: r[4] for r in rows})
            with self._write():
                for item_id, feed_id, published, link_key, _, title, summary, language in rows:
                    sig = signature(title, summary)
                    choice = self._choose_story(conn, feed_id, published, link_key, sig, labels.get(item_id),
                                                language)  # fmt: skip
                    conn.execute(
                        "UPDATE items SET story_id = ?, signature = ? WHERE id = ?",
                        (choice.story_id, sig.to_blob(day_of(published)), item_id),
                    )
                    self._story_item_added(conn, choice, item_id)
                    for (carrier,) in conn.execute(
                        "SELECT feed_id FROM item_feeds WHERE item_id = ? AND feed_id != ?", (item_id, feed_id)
                    ).fetchall():
                        self._story_carrier(conn, item_id, carrier)
            done += len(rows)
            if progress:
                progress(done, total)
        return conn.execute("SELECT count(*) FROM stories").fetchone()[0]

    def sign_items(self, *, since: datetime) -> int:
        """Store signatures for items published since `since` that have none (a database built
        by other means, e.g. bench/synth.py), keeping their stories. Returns how many."""
        conn = self.db.conn
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows = conn.execute(
            "SELECT id, published, title, summary FROM items WHERE published >= ? AND signature IS NULL",
            (stamp,),
        ).fetchall()
        with self._write():
            conn.executemany(
                "UPDATE items SET signature = ? WHERE id = ?",
                [(signature(title, summary).to_blob(day_of(_from_iso(published))), item_id)
                 for item_id, published, title, summary in rows],
            )  # fmt: skip
        self._stories_forget()
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

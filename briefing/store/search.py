"""The SQL behind the filter language: pane counts and windows, search, saved filters.

`Store` inherits `SearchMixin`. Every query here must stay fast at a million items, because
the dashboard counts four panes and reads a window of each on every keystroke. How:

- Per filter, a plan is made once (and kept until the filter or the data changes): feed ids
  for side:/source:, full-text matches in a temp table (an FTS5 MATCH with a rowid constraint
  rescans its doclist on every call, and a prefix term merges all its doclists, so running
  MATCH inside each query is too slow), and the sizes of the actor/place/word sets.
- Walking: a pane is read newest first from its partial index (on-topic items of the pane,
  holding published, story_id and feed_id: migration m007); other conditions are probes by
  primary key. Cost about COUNT_CAP / density rows a pane.
- Driving: when a set is small against that (a rare word, a minor place, an actor), its items
  are read once through the narrow `items_facets` index into temp.filter_rows, and all four
  panes are counted and windowed inside that small table.
- Tag walk: actor: and place: read a pane newest first from pane_tags (m008: one row per actor
  or place, pane and time of an on-topic item, kept by triggers), so only rows with that actor
  or place are read; several values merge their ranges from a floor (_tag_floor).
- A word alone: its newest matches estimate its density in each pane; dense words walk.
  +unread drives from a partial index when few items are unread (m008_unread_index).
- One read per pane: the newest COUNT_CAP stories' ids; the count is their number ("1,000+"),
  the first windows are slices of them.
- One row per story: an item is shown only if no newer item of its story matches the filter
  in the same pane (a probe on the (story_id, published) index). NULL story_id is a singleton.
- A common word walks, but a pane holding few of its newest matches (where the walk could read
  the whole pane: `killed` never falls in statements) asks FTS5 for the word's matches in that
  pane (m009: pane tokens in items_fts, `{title summary}: (word) AND panes: p1`) and is driven
  from them, or is known empty. Users' text is always confined to `{title summary}`.
- Words alone: only their newest FIRST_HITS matches are copied into temp.filter_hits for the
  first windows (how many match is estimated from the ids they spread over). A walk is bounded
  in time by what is held, and checked: if the pane holds items at or after its last row with
  ids below the held ones (ids follow arrival, not publication), those matches are fetched and
  it walks again. Counts (COUNT_CAP stories), driving, search and deep windows copy them all.
- Words alone driven for their counts (thousands of matches): a first window walks back as far
  as the newest WALK_HITS matches reach, or reads the pane's own matches (m009).
- `abandon_reads()` (from the dashboard's UI thread) stops a stale read at its next statement
  too, not only the one running: an interrupt between two statements is otherwise lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import BriefingError
from ..query import COUNT_CAP, Filter, FilterError
from ..text import fold, one_line, strip_controls

if TYPE_CHECKING:
    from . import StoredItem

PANES = ("events", "statements", "humanitarian", "reactions")
DRIVE_LIMIT = 5000  # a condition matching at most this many items always drives the query
ESTIMATE_LIMIT = 100_000  # sets are counted up to here to choose between walking and driving
DRIVE_COST = 0.5  # driving reads the set once for all panes; walking reads each pane, rows twice probed
SAMPLE = 256  # newest matches (and items) read to guess a word's density in each pane
WALK_ROWS = 2 * COUNT_CAP  # rows a pane walk reads for COUNT_CAP stories, counting stories' other items
SPARSE_WALK_ROWS = 100_000  # a pane walk expected to read more rows asks FTS for the word's matches in the pane
PANE_HITS_LIMIT = 2 * DRIVE_LIMIT  # ... reads at most this many of them, and is driven from them if that is cheaper
WALK_ROW_COST, DRIVE_ROW_COST = 1, 6  # measured at 1M items: 0.35 us a walked row, 2.5 us a driven match
NAME_MAX = 60
TAGS_MAX = 40  # actors or places a tag walk merges at most (one compound SELECT arm each)
TAG_FLOOR_ROWS = 4 * COUNT_CAP  # rows of several tags read (then sorted) before falling back to all
TAG_FLOOR_MIN = 200  # a first window's floor: 4 rows a story wanted, at least this many
CACHE_KIB = 32 * 1024  # the reader's SQLite page cache
ABANDON_CHECK = 100_000  # SQLite VM steps between two looks at `abandon_reads` (each look takes the GIL)
FIRST_HITS = 2000  # a walked word's newest matches copied first; older ones only when a walk reaches them
PARTIAL_WANT = 200  # ... for a walk wanting at most this many stories (a first window, not a count)
WALK_HITS = 500  # a driven word's first window walks back as far as its newest this many matches reach


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a Filter needs from the database, resolved once per filter and data version."""

    impossible: bool  # a condition nothing can satisfy (no such source, empty word match)
    feeds: tuple[int, ...] | None  # allowed feed ids (None: any)
    no_feeds: tuple[int, ...]
    text_hits: int | None  # rows in temp.filter_hits (None: no positive text)
    excluded: bool  # temp.filter_excluded holds items to leave out
    drive: str | None  # "text", "actors", "places", "feeds", "starred", "unread" or None (walk the pane);
    # "panes" only while filling temp.filter_rows from temp.pane_hits (hit_panes)
    drive_size: int = 0
    tags: tuple[str, ...] = ()  # walking: read the pane through these pane_tags tags (m008), e.g. "p:Baku"
    tag_kind: str | None = None  # "actors" or "places": the condition the tag walk satisfies
    hit_panes: frozenset[str] = frozenset()  # walking: panes read instead from their own matches (temp.pane_hits)


class SearchMixin:
    """Filter queries for `Store` (which provides `db`, `_query`, `_write`)."""

    _last_plan: tuple[Filter, tuple[int, int], _Plan] | None = None
    _abandoned = False

    def abandon_reads(self) -> None:
        """Stop the filter read in progress (safe from another thread) until `resume_reads`. An
        interrupt alone is lost when it lands between two statements of a read (a count runs
        dozens); this stops every statement of it, checked every ABANDON_CHECK SQLite steps."""
        self._abandoned = True

    def resume_reads(self) -> None:
        self._abandoned = False

    # ------------------------------------------------------------------ public API

    def pane_counts(self, flt: Filter, *, include_off_topic: bool = False) -> dict[str, int]:
        """Stories matching `flt` in each pane, each count capped at COUNT_CAP."""
        plan = self._plan(flt)
        counts = {}
        for pane in PANES:
            if plan.impossible:
                counts[pane] = 0
                continue
            counts[pane] = len(self._pane_ids(flt, plan, pane, include_off_topic))
        return counts

    def pane_window(
        self, flt: Filter, pane: str, *, offset: int = 0, limit: int = 30, include_off_topic: bool = False
    ) -> list[StoredItem]:
        """Rows `offset`..`offset+limit` of a pane, newest first, one row per story."""
        from . import _ITEM_COLUMNS, _stored_item

        _check_pane(pane)
        plan = self._plan(flt)
        if plan.impossible or limit <= 0:
            return []
        offset, limit = max(0, int(offset)), int(limit)
        first = self._cached_ids(plan, pane, include_off_topic)
        if first is None and offset + limit < COUNT_CAP:
            # A new filter's first rows come before its counts (the dashboard paints them first):
            # read only as far as the window, not the COUNT_CAP stories a count needs.
            ids = self._newest_ids(flt, plan, pane, include_off_topic, offset + limit)[offset:]
        elif offset + limit <= len(first := self._pane_ids(flt, plan, pane, include_off_topic)) or len(
            first
        ) < COUNT_CAP:
            ids = first[offset : offset + limit]
        else:  # beyond the first COUNT_CAP stories: walk again to the offset
            self._complete_hits()
            source, params, order = self._pane_rows(flt, plan, pane, include_off_topic)
            ids = [row[0] for row in self._query(
                f"SELECT items.id {source} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )]  # fmt: skip
        if not ids:
            return []
        order = {item_id: n for n, item_id in enumerate(ids)}
        rows = self._query(
            f"SELECT {_ITEM_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id"
            f" WHERE items.id IN ({','.join('?' * len(order))})",
            list(order),
        )
        return sorted((_stored_item(r) for r in rows), key=lambda item: order[item.id])

    def search(
        self,
        flt: Filter,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        newest_first: bool = True,
        include_off_topic: bool = True,
    ) -> list[StoredItem]:
        """Every item matching `flt` (every item of a story, any pane) within [since, until)."""
        from . import _ITEM_COLUMNS, _stored_item

        plan = self._plan(flt)
        if plan.impossible:
            return []
        self._complete_hits()
        if plan.drive and plan.drive_size > DRIVE_LIMIT and (since or until or flt.since or flt.until):
            plan = replace(plan, drive=None)  # a time window (the brief's day) is the cheaper walk
        where, params = self._where(
            flt, plan, "items", pane=None, include_off_topic=include_off_topic, since=since, until=until
        )
        order = "DESC" if newest_first else "ASC"
        sql = (
            f"SELECT {_ITEM_COLUMNS} FROM items JOIN feeds ON feeds.id = items.feed_id WHERE {where}"
            f" ORDER BY items.published {order}, items.id {order}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [_stored_item(r) for r in self._query(sql, params)]

    def saved_filters(self) -> list[tuple[str, str]]:
        """(name, filter text) pairs, by name."""
        return [(n, t) for n, t in self._query("SELECT name, text FROM saved_filters ORDER BY name COLLATE NOCASE")]

    def save_filter(self, name: str, text: str) -> None:
        """Save (or replace) a named filter; the text is kept as typed."""
        name = one_line(strip_controls(name or ""))
        if not name:
            raise FilterError("a saved filter needs a name — e.g. save it as 'lachin'")
        if len(name) > NAME_MAX:
            raise FilterError(f"filter name too long ({len(name)} characters) — keep it under {NAME_MAX}")
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._write() as conn:
            conn.execute(
                "INSERT INTO saved_filters (name, text, saved_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET text = excluded.text, saved_at = excluded.saved_at",
                (name, strip_controls(text or ""), stamp),
            )

    def delete_filter(self, name: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM saved_filters WHERE name = ?", (name,))

    # ------------------------------------------------------------------ planning

    def _plan(self, flt: Filter) -> _Plan:
        """Resolve feeds, fill the temp match tables and pick a driver — once per filter."""
        conn = self.db.conn
        if not getattr(self, "_search_ready", False):
            # Match tables in memory; a page cache big enough for the pane indexes' recent pages.
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            conn.set_progress_handler(lambda: self._abandoned, ABANDON_CHECK)
            self._search_ready = True
        version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        last = getattr(self, "_last_plan", None)  # one entry: the temp tables hold ITS matches
        if last is not None and last[0] == flt and last[1] == version:
            return last[2]
        feeds, no_feeds = self._feed_sets(flt)
        impossible = feeds == ()
        hit_panes: frozenset[str] | None = None
        sizes: dict[str, int] = {}
        text_hits = None
        if flt.text and not impossible:
            alone = not (flt.actors or flt.places or _narrowed(replace(flt, exclude_text=""), feeds, no_feeds))
            text_hits = self._fill_hits(flt.text) if alone else self._fill_temp("filter_hits", flt.text)
            sizes["text"] = text_hits
            impossible = text_hits == 0
        excluded = bool(flt.exclude_text) and not impossible
        excluded = excluded and self._fill_temp("filter_excluded", flt.exclude_text) > 0
        drive = None
        if not impossible:
            if flt.actors:
                sizes["actors"] = self._estimate("item_actors", "actor", flt.actors, ESTIMATE_LIMIT)
            if flt.places:
                sizes["places"] = self._estimate("item_places", "place", flt.places, ESTIMATE_LIMIT)
            if feeds:
                sizes["feeds"] = self._estimate("items", "feed_id", feeds, DRIVE_LIMIT + 1)
            if flt.unread and flt.since is None and self._has_index("items_unread"):  # a time window walks less
                sizes["unread"] = self._query(  # m008_unread_index: a short count when few are unread
                    "SELECT count(*) FROM (SELECT 1 FROM items INDEXED BY items_unread WHERE read = 0"
                    f" LIMIT {ESTIMATE_LIMIT})"
                )[0][0]
            if flt.starred:
                sizes["starred"] = self._query(
                    f"SELECT count(*) FROM (SELECT 1 FROM items WHERE starred = 1 LIMIT {DRIVE_LIMIT + 1})"
                )[0][0]
            impossible = any(size == 0 for size in sizes.values())
            drive = None if impossible else self._driver(sizes, feeds)
            if drive in ("text", None) and set(sizes) == {"text"} and not _narrowed(flt, feeds, no_feeds):
                hit_panes = self._walk_plan(flt.text, sizes["text"])
                drive = None if hit_panes is not None else "text"
        hit_panes = hit_panes if drive is None and not impossible else None
        tags: tuple[str, ...] = ()
        tag_kind = None
        if not impossible and (drive is None or (drive in ("actors", "places") and sizes[drive] > DRIVE_LIMIT)):
            tag_kind = self._tag_walk(flt, sizes)
            if tag_kind is not None:
                drive = None  # the tag walk reads a few thousand index rows; driving reads the whole set
                prefix, values = ("a:", flt.actors) if tag_kind == "actors" else ("p:", flt.places)
                tags = tuple(prefix + value for value in values)
        own = hit_panes if hit_panes is not None and not tags else frozenset()
        if tags or (drive is not None and drive != "text"):
            # Only a pane walk reads the newest matches alone (_newest_ids), and words alone driven
            # for their counts, whose first windows walk back no further than the newest matches
            # reach (_walk_driven): copying every match (~5 ms for 15,000) waits for the counts.
            self._complete_hits()
        size = sizes.get(drive, 0) if drive else 0
        plan = _Plan(impossible, feeds, no_feeds, text_hits, excluded, drive, size, tags, tag_kind, own)
        version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        self._last_plan = (flt, version, plan)
        return plan

    def _driver(self, sizes: dict[str, int], feeds: tuple[int, ...] | None) -> str | None:
        """Walk the pane, or drive from the smallest set? Walking reads about COUNT_CAP / density
        rows (conditions taken as independent); driving reads the whole set and sorts it."""
        if not sizes:
            return None
        total = max(1, self._query("SELECT max(id) FROM items")[0][0] or 1)
        density = 1.0
        for name, size in sizes.items():
            if name != "feeds":
                density *= min(1.0, size / total)
        if feeds is not None:
            known = max(1, self._query("SELECT count(*) FROM feeds")[0][0])
            density *= len(feeds) / known
        # feeds and starred are counted only up to DRIVE_LIMIT: candidates only when below it
        known = [(size, name) for name, size in sizes.items() if name in ("text", "actors", "places", "unread")]
        known += [(size, name) for name, size in sizes.items() if size <= DRIVE_LIMIT]
        if not known:
            return None
        size, name = min(known)
        walk = min(total, COUNT_CAP / max(density, 1e-9))
        return name if size <= DRIVE_LIMIT or (size < ESTIMATE_LIMIT and size * DRIVE_COST < walk) else None

    def _walk_plan(self, text: str, hits: int) -> frozenset[str] | None:
        """A word alone (`ste` while typing): walk the panes, or drive from every match? None: drive.
        Walking: the panes to read from their own matches instead (see below).

        Its newest matches say how dense it is in each pane where the walk reads, newest first.
        Driving reads every match (43,000 for `stepanakert`: 110 ms at 1M items); walking reads
        about COUNT_CAP / density rows a pane, each far cheaper -- unless a pane holds few of the
        newest matches: then the walk may read that whole pane (`killed` in statements, where it
        never falls). Such a pane asks the full-text index for the word's matches in that pane
        (m009: `panes:p1`, two doclists merged by FTS5); up to PANE_HITS_LIMIT of them are read into
        temp.pane_hits, and the pane is then driven from those alone (none: the pane is empty)."""
        from . import PANE_COLUMNS

        self._sampled = None
        if hits <= DRIVE_LIMIT:
            return None
        flags = ", ".join(f"items.{column}" for column in PANE_COLUMNS.values())
        newest = self._query(
            f"SELECT h.id, items.on_topic, {flags} FROM temp.filter_hits h JOIN items ON items.id = h.id"
            f" ORDER BY h.id DESC LIMIT {SAMPLE}"
        )
        recent = self._query(f"SELECT on_topic, {flags} FROM items ORDER BY id DESC LIMIT {SAMPLE}")
        if len(newest) < SAMPLE or len(recent) < SAMPLE:
            return None
        total = self._query("SELECT max(id) FROM items")[0][0] or 1
        span = newest[0][0] - newest[-1][0] + 1  # the ids the newest SAMPLE matches spread over
        walks, shares, sampled = {}, {}, {}
        for n, pane in enumerate(PANES):
            share = shares[pane] = sum(1 for row in recent if row[0] and row[1 + n]) / SAMPLE  # of recent items
            found = sampled[pane] = sum(1 for row in newest if row[1] and row[2 + n])
            whole = share * total
            walks[pane] = whole if not found else min(whole, WALK_ROWS * span * share / found)
        self._sampled = (text, hits, sampled)  # for _walk_driven
        sparse = [pane for pane in PANES if walks[pane] > SPARSE_WALK_ROWS]
        drive = hits * DRIVE_ROW_COST
        dense = sum(walks[p] for p in PANES if p not in sparse) * WALK_ROW_COST
        if not sparse or dense >= drive / 2 or not self._has_fts_panes():  # asking FTS would not pay
            return frozenset() if sum(walks.values()) * WALK_ROW_COST < drive else None
        own = self._fill_pane_hits(text, sparse)
        for pane, found in own.items():  # known exactly now: matches spread over the pane in time
            walks[pane] = min(walks[pane], WALK_ROWS * shares[pane] * total / max(found, 1)) if found else 0
        own = {pane: found for pane, found in own.items() if found * DRIVE_ROW_COST <= walks[pane] * WALK_ROW_COST}
        cost = sum(WALK_ROW_COST * walks[p] if p not in own else DRIVE_ROW_COST * own[p] for p in PANES)
        return frozenset(own) if cost < drive else None

    def _fill_pane_hits(self, text: str, panes: Sequence[str]) -> dict[str, int]:
        """temp.pane_hits := the matches of `text` shown in each of `panes` that holds at most
        PANE_HITS_LIMIT of them; returns those panes and their number of matches."""
        conn = self.db.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS pane_hits (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.pane_hits")
        own = {}
        for pane in panes:
            ids = conn.execute(
                f"SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT {PANE_HITS_LIMIT + 1}",
                (f"{user_match(text)} AND panes: {pane_token(pane)}",),
            ).fetchall()
            if len(ids) <= PANE_HITS_LIMIT:
                conn.executemany("INSERT OR IGNORE INTO temp.pane_hits (id) VALUES (?)", ids)
                own[pane] = len(ids)
        return own

    def _has_fts_panes(self) -> bool:
        """items_fts has the panes column (m009)."""
        known = self.__dict__.setdefault("_indexes", {})
        if "fts_panes" not in known:
            known["fts_panes"] = "panes" in {row[1] for row in self._query("PRAGMA table_info(items_fts)")}
        return known["fts_panes"]

    def _tag_walk(self, flt: Filter, sizes: dict[str, int]) -> str | None:
        """Walk the pane through pane_tags if actors or places are asked for: their items in the
        pane come newest first from an index range, so the walk reads only rows that satisfy that
        condition (the pane walk would probe every item of the pane, and driving would read all of
        the actor's items, tens of thousands). The smaller set wins. Several values (`actor:p`
        while typing) read their newest rows from each range (see _tag_floor)."""
        if not self._has_index("pane_tags_item"):
            return None  # a database before m008
        fit = [(sizes[kind], kind) for kind, values in (("actors", flt.actors), ("places", flt.places))
               if 0 < len(values) <= TAGS_MAX and kind in sizes]  # fmt: skip
        return min(fit)[1] if fit else None

    def _own_writes_seen(self) -> None:
        """Filling temp tables counts as changes on this connection: not a reason to re-plan."""
        if self._last_plan is not None:
            conn = self.db.conn
            version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
            self._last_plan = (self._last_plan[0], version, self._last_plan[2])

    def _feed_sets(self, flt: Filter) -> tuple[tuple[int, ...] | None, tuple[int, ...]]:
        if not (flt.sides or flt.exclude_sides or flt.sources or flt.exclude_sources):
            return None, ()
        feeds = [(fid, side, fold(name)) for fid, side, name in self._query("SELECT id, side, name FROM feeds")]
        allowed = {fid for fid, _, _ in feeds}
        if flt.sides:
            allowed &= {fid for fid, side, _ in feeds if side in flt.sides}
        if flt.sources:
            allowed &= {fid for fid, _, name in feeds if any(s in name for s in flt.sources)}
        banned = {fid for fid, side, name in feeds if side in flt.exclude_sides}
        banned |= {fid for fid, _, name in feeds if any(s in name for s in flt.exclude_sources)}
        if flt.sides or flt.sources:
            return tuple(sorted(allowed - banned)), ()
        return None, tuple(sorted(banned))

    def _fill_temp(self, table: str, match: str) -> int:
        if table == "filter_hits":
            self._hits_floor = 0
        conn = self.db.conn
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY)")
        conn.execute(f"DELETE FROM temp.{table}")
        cursor = conn.execute(
            f"INSERT INTO temp.{table} SELECT rowid FROM items_fts WHERE items_fts MATCH ?", (user_match(match),)
        )
        return cursor.rowcount

    def _fill_hits(self, text: str) -> int:
        """temp.filter_hits := the newest FIRST_HITS matches of `text` (all of them if that is
        all); returns how many match in all, or, past FIRST_HITS, an estimate from how many ids
        the newest ones spread over (enough to choose between walking and driving; it never
        changes an answer). Copying every match took ~30 ms for `killed` at 1M items and
        counting them a third of that, while a first window needs only the newest;
        `_hits_floor` is the lowest id from which every match is held (0: all). For words alone
        (with -words at most): with other conditions they are copied whole, as the plan is then
        mostly driven and would copy them all anyway."""
        conn = self.db.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS filter_hits (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.filter_hits")
        self._hits_text, self._hits_floor = text, 0
        held = conn.execute(
            "INSERT INTO temp.filter_hits SELECT rowid FROM items_fts WHERE items_fts MATCH ?"
            f" ORDER BY rowid DESC LIMIT {FIRST_HITS:d}",
            (user_match(text),),
        ).rowcount
        if held < FIRST_HITS:
            return held
        self._hits_floor = conn.execute("SELECT min(id) FROM temp.filter_hits").fetchone()[0] or 0
        published = conn.execute("SELECT published FROM items WHERE id = ?", (self._hits_floor,)).fetchone()
        self._hits_since = datetime.fromisoformat(published[0].replace("Z", "+00:00")) if published else None
        if self._hits_since is None:
            self._complete_hits()
            return int(conn.execute("SELECT count(*) FROM temp.filter_hits").fetchone()[0])
        top = conn.execute("SELECT max(id) FROM items").fetchone()[0] or self._hits_floor
        return max(FIRST_HITS + 1, round(FIRST_HITS * top / max(1, top - self._hits_floor + 1)))

    def _complete_hits(self, floor: int = 0) -> None:
        """Hold every match of the plan's words down to id `floor` (0: all of them) in filter_hits."""
        held = getattr(self, "_hits_floor", 0)
        if held <= floor:
            return
        if floor == 0:  # all of them: copied afresh, a third faster than a rowid range from FTS5
            self._fill_temp("filter_hits", self._hits_text)
            self._own_writes_seen()
            return
        self.db.conn.execute(
            "INSERT OR IGNORE INTO temp.filter_hits SELECT rowid FROM items_fts WHERE items_fts MATCH ?"
            " AND rowid >= ? AND rowid < ?",
            (user_match(self._hits_text), floor, held),
        )
        self._hits_floor = floor
        self._own_writes_seen()

    def _estimate(self, table: str, column: str, values: Sequence[Any], limit: int) -> int:
        marks = ",".join("?" * len(values))
        return self._query(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {column} IN ({marks}) LIMIT {int(limit)})",
            list(values),
        )[0][0]

    # ------------------------------------------------------------------ SQL

    def _where(
        self,
        flt: Filter,
        plan: _Plan,
        alias: str,
        *,
        pane: str | None,
        include_off_topic: bool,
        probe: bool = False,
        tag_walk: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tuple[str, list[Any]]:
        """The conditions on `alias` for `flt`.

        Only the driving access path is left indexable; every other term gets a unary `+`
        (which stops SQLite from choosing an index for it) or is a correlated probe. A
        `probe` (the newer-item-of-the-story check) is driven by the story index alone. A
        `tag_walk` reads pane_tags (the caller adds its terms): every term here is a probe, and
        the tag's own actor/place condition is already met.
        """
        from . import PANE_COLUMNS, iso

        drive = None if probe else plan.drive
        walk = not probe and not tag_walk and drive is None  # read the pane (or time) index newest first
        a = alias
        plus = "" if walk else "+"
        terms: list[str] = []
        params: list[Any] = []
        if pane is not None:
            terms.append(f"{plus}{a}.{PANE_COLUMNS[pane]} = 1")
        if not include_off_topic:
            terms.append(f"{plus}{a}.on_topic = 1")
        lower = max((t for t in (flt.since, since) if t is not None), default=None)
        upper = min((t for t in (flt.until, until) if t is not None), default=None)
        if lower is not None:
            terms.append(f"{plus}{a}.published >= ?")
            params.append(iso(lower))
        if upper is not None:
            terms.append(f"{plus}{a}.published < ?")
            params.append(iso(upper))
        if plan.feeds is not None:
            terms.append(f"{'' if drive == 'feeds' else '+'}{a}.feed_id IN ({','.join(map(str, plan.feeds))})")
        if plan.no_feeds:
            terms.append(f"+{a}.feed_id NOT IN ({','.join(map(str, plan.no_feeds))})")
        if flt.unread:
            unread = f"{a}.id IN (SELECT id FROM items INDEXED BY items_unread WHERE read = 0)"
            terms.append(unread if drive == "unread" else f"+{a}.read = 0")
        if flt.starred:
            terms.append(f"{a}.id IN (SELECT id FROM items WHERE starred = 1)" if drive == "starred"
                         else f"+{a}.starred = 1")  # fmt: skip
        if flt.languages:
            terms.append("(" + " OR ".join([f"coalesce({a}.language, '') LIKE ?"] * 2 * len(flt.languages)) + ")")
            params.extend(_lang_patterns(flt.languages))
        if flt.exclude_languages:
            either = " OR ".join([f"coalesce({a}.language, '') LIKE ?"] * 2 * len(flt.exclude_languages))
            terms.append(f"NOT ({either})")
            params.extend(_lang_patterns(flt.exclude_languages))
        for name, table, column, values in (
            ("actors", "item_actors", "actor", flt.actors),
            ("places", "item_places", "place", flt.places),
        ):
            if values and not (tag_walk and plan.tag_kind == name):
                marks = ",".join("?" * len(values))
                if drive == name:
                    terms.append(f"{a}.id IN (SELECT item_id FROM {table} WHERE {column} IN ({marks}))")
                else:
                    terms.append(
                        f"EXISTS (SELECT 1 FROM {table} x WHERE x.item_id = {a}.id AND x.{column} IN ({marks}))"
                    )
                params.extend(values)
        for table, column, values in (("item_actors", "actor", flt.exclude_actors),
                                      ("item_places", "place", flt.exclude_places)):  # fmt: skip
            if values:
                marks = ",".join("?" * len(values))
                terms.append(
                    f"NOT EXISTS (SELECT 1 FROM {table} x WHERE x.item_id = {a}.id AND x.{column} IN ({marks}))"
                )
                params.extend(values)
        if drive == "panes":  # temp.pane_hits: matches of the text in some panes (_fill_pane_hits)
            terms.append(f"{a}.id IN (SELECT id FROM temp.pane_hits)")
        elif plan.text_hits is not None:
            terms.append(f"{a}.id IN (SELECT id FROM temp.filter_hits)" if drive == "text"
                         else f"EXISTS (SELECT 1 FROM temp.filter_hits h WHERE h.id = {a}.id)")  # fmt: skip
        if plan.excluded:
            terms.append(f"NOT EXISTS (SELECT 1 FROM temp.filter_excluded h WHERE h.id = {a}.id)")
        return " AND ".join(terms) or "1", params

    def _pane_ids(self, flt: Filter, plan: _Plan, pane: str, include_off_topic: bool) -> list[int]:
        """The newest COUNT_CAP stories of a pane (their representative item ids), read once per
        filter: the count is their number and the first windows are slices of them."""
        cache = self.__dict__.setdefault("_ids_cache", {})
        key = (pane, include_off_topic)
        if cache.get("plan") is not plan:
            cache.clear()
            cache["plan"] = plan
        if key not in cache:
            cache[key] = self._newest_ids(flt, plan, pane, include_off_topic, COUNT_CAP)
        return cache[key]

    def _cached_ids(self, plan: _Plan, pane: str, include_off_topic: bool) -> list[int] | None:
        cache = self.__dict__.get("_ids_cache", {})
        return cache.get((pane, include_off_topic)) if cache.get("plan") is plan else None

    def _newest_ids(self, flt: Filter, plan: _Plan, pane: str, include_off_topic: bool, want: int) -> list[int]:
        """The newest `want` stories of a pane (their representative item ids)."""
        for rows in sorted({max(TAG_FLOOR_MIN, 4 * want), TAG_FLOOR_ROWS}) if len(plan.tags) > 1 else ():
            floor = None if include_off_topic else self._tag_floor(flt, plan, pane, rows)
            if floor is None:
                break
            # the newest rows of the tags are enough unless few pass the filter
            source, params, order = self._pane_rows(flt, plan, pane, include_off_topic, floor)
            ids = [row[0] for row in self._query(f"SELECT items.id {source} ORDER BY {order} LIMIT {want:d}", params)]
            if len(ids) == want:
                return ids
        if (plan.drive == "text" and plan.drive_size > DRIVE_LIMIT and want <= PARTIAL_WANT and not include_off_topic
                and not _narrowed(replace(flt, exclude_text=""), plan.feeds, plan.no_feeds)):  # fmt: skip
            ids = self._walk_driven(flt, plan, pane, want)
            if ids is not None:
                return ids
        partial = getattr(self, "_hits_floor", 0) and plan.text_hits is not None
        partial = partial and not (pane in plan.hit_panes and not include_off_topic)
        if partial and (include_off_topic or want > PARTIAL_WANT):
            self._complete_hits()  # a count needs a deep walk; _lowest_since reads the on-topic index
        elif partial:
            # A first window: walk only as far back as the matches held reach, in time.
            source, params, order = self._pane_rows(flt, plan, pane, include_off_topic, since=self._hits_since)
            ids = [row[0] for row in self._query(f"SELECT items.id {source} ORDER BY {order} LIMIT {want:d}", params)]
            lowest = self._lowest_since(pane, ids[-1]) if len(ids) == want else 0
            if lowest >= self._hits_floor:
                return ids
            self._complete_hits(lowest)  # the walk reached items whose matches are not held yet
        source, params, order = self._pane_rows(flt, plan, pane, include_off_topic)
        return [row[0] for row in self._query(f"SELECT items.id {source} ORDER BY {order} LIMIT {want:d}", params)]

    def _walk_driven(self, flt: Filter, plan: _Plan, pane: str, want: int) -> list[int] | None:
        """A first window of words alone (-words allowed) driven for their counts (thousands of
        matches: filling temp.filter_rows with them costs ~20 ms at 1M items) walks the pane, probing
        filter_hits (complete when driving), back only as far as the newest WALK_HITS matches
        reach in time: a pane that holds `want` of them there is answered exactly (any newer
        match lies in the range walked); otherwise None, and the pane is driven as planned.
        filter_hits may hold only the newest matches yet (the plan leaves copying them all to
        the counts): a walk that read below them has them completed and walks again."""
        from . import iso

        text, hits, sampled = getattr(self, "_sampled", None) or (None, 0, {})
        found = sampled.get(pane) if text == flt.text else None
        if found is not None and found * WALK_HITS < 2 * want * SAMPLE and found * hits <= PANE_HITS_LIMIT * SAMPLE:
            # Its newest matches (_walk_plan's sample) say the walk would come back short (a story's
            # reports count once): the pane's own matches straight away, when they are few.
            ids = self._pane_own(flt, plan, pane, want)
            if ids is not None:
                return ids
        row = self._query(
            "SELECT published FROM items WHERE id = (SELECT id FROM temp.filter_hits ORDER BY id DESC LIMIT 1"
            f" OFFSET {WALK_HITS - 1:d})"
        )
        if not row:
            return None
        since = datetime.fromisoformat(row[0][0].replace("Z", "+00:00"))
        if flt.since is not None and iso(flt.since) >= row[0][0]:
            since = None  # the filter's own time bound is the tighter one
        walk = replace(plan, drive=None, hit_panes=frozenset())
        source, params, order = self._pane_rows(flt, walk, pane, False, since=since)
        ids = [r[0] for r in self._query(f"SELECT items.id {source} ORDER BY {order} LIMIT {want:d}", params)]
        if len(ids) == want and getattr(self, "_hits_floor", 0):
            # The walk probed the newest matches only (_fill_hits): exact if every item it read
            # (or probed, for a story's newer reports) lies above the lowest id held.
            if self._lowest_since(pane, ids[-1]) >= self._hits_floor:
                return ids
            self._complete_hits()
            ids = [r[0] for r in self._query(f"SELECT items.id {source} ORDER BY {order} LIMIT {want:d}", params)]
        if len(ids) == want:
            return ids
        return self._pane_own(flt, plan, pane, want)

    def _pane_own(self, flt: Filter, plan: _Plan, pane: str, want: int) -> list[int] | None:
        """Few of the words' newest matches in this pane: the newest `want` stories among its own
        matches (m009), read from FTS when they are at most PANE_HITS_LIMIT (else None)."""
        if not self._has_fts_panes() or not self._fill_pane_hits(flt.text, [pane]):
            return None
        own = replace(plan, drive=None, hit_panes=frozenset([pane]))
        source, params, order = self._pane_rows(flt, own, pane, False)
        self._rows_plan = None  # filter_rows holds this pane's matches only: the planned drive refills it
        return [r[0] for r in self._query(f"SELECT items.id {source} ORDER BY {order} LIMIT {want:d}", params)]

    def _lowest_since(self, pane: str, item_id: int) -> int:
        """The lowest id among the pane's shown items published no earlier than `item_id`: a walk
        that ended at that item, newest first, read (or probed, for a story's newer reports) only
        items from there up, so every match it needed is known once filter_hits holds those ids.
        Ids follow arrival, not publication, so this is looked up, not assumed."""
        from . import PANE_COLUMNS

        column = PANE_COLUMNS[pane]
        row = self._query(
            f"SELECT min(items.id) FROM items INDEXED BY items_{pane}_shown WHERE items.{column} = 1"
            " AND items.on_topic = 1 AND items.published >= (SELECT published FROM items WHERE id = ?)",
            [item_id],
        )
        return row[0][0] if row and row[0][0] is not None else 0

    def _tag_floor(self, flt: Filter, plan: _Plan, pane: str, rows: int) -> str | None:
        """The published time of the `rows`-th newest pane_tags row of the plan's tags in
        `pane` (None: fewer rows). A compound SELECT with ORDER BY merges its arms' index ranges,
        so this reads only that many rows; every item at or after it is then read and sorted,
        and if as many stories as wanted pass the filter among them they are exactly the newest."""
        from . import iso

        walk, bounds = ["tag = ?", "pane = ?"], [PANES.index(pane)]
        for term, when in (("published >= ?", flt.since), ("published < ?", flt.until)):
            if when is not None:
                walk.append(term)
                bounds.append(iso(when))
        arm = f"SELECT published FROM pane_tags WHERE {' AND '.join(walk)}"
        rows = self._query(
            f"{' UNION ALL '.join([arm] * len(plan.tags))} ORDER BY 1 DESC LIMIT 1 OFFSET {rows - 1:d}",
            [value for tag in plan.tags for value in (tag, *bounds)],
        )
        return rows[0][0] if rows else None

    def _pane_rows(
        self,
        flt: Filter,
        plan: _Plan,
        pane: str,
        include_off_topic: bool,
        floor: str | None = None,
        since: datetime | None = None,
    ) -> tuple[str, list[Any], str]:
        """`FROM ... WHERE ...` selecting, as `items`, one row per story of `pane` matching `flt`,
        its parameters, and the ORDER BY (newest first) that its access path delivers. `floor`:
        a walk through several tags reads only rows published at or after it; `since`: so does a
        pane walk."""
        from . import PANE_COLUMNS, iso

        newest = "items.published DESC, items.id DESC"

        # temp.filter_rows holds exactly the matching items (of the hit panes: their shown ones)
        if plan.drive is not None or (pane in plan.hit_panes and not include_off_topic):
            if getattr(self, "_rows_plan", None) is not plan:
                self._fill_rows(flt, plan if plan.drive is not None else replace(plan, drive="panes"))
                self._rows_plan = plan
                self._own_writes_seen()
            flag = PANE_COLUMNS[pane]
            topic = "" if include_off_topic else " AND {0}.on_topic = 1"
            shown = f"{{0}}.{flag} = 1{topic}"
            return (
                f"FROM temp.filter_rows AS items WHERE {shown.format('items')} AND (items.story_id IS NULL OR NOT"
                " EXISTS (SELECT 1 FROM temp.filter_rows i2 WHERE i2.story_id = items.story_id"
                f" AND (i2.published, i2.id) > (items.published, items.id) AND {shown.format('i2')}))",
                [],
                newest,
            )
        story, story_params = self._story_rep(flt, plan, pane, include_off_topic)
        if plan.tags and not include_off_topic:  # m008: the tags' rows in this pane, by time
            where, params = self._where(flt, plan, "items", pane=pane, include_off_topic=False, tag_walk=True)
            walk = ["tag = ?", "pane = ?"]
            bounds: list[Any] = [PANES.index(pane)]
            if flt.since is not None:
                walk.append("published >= ?")
                bounds.append(iso(flt.since))
            if flt.until is not None:
                walk.append("published < ?")
                bounds.append(iso(flt.until))
            walk_params = [value for tag in plan.tags for value in (tag, *bounds)]
            join = "CROSS JOIN items ON items.id = walk.item_id WHERE"
            if len(plan.tags) == 1:
                source = f"pane_tags AS walk {join} {' AND '.join('walk.' + w for w in walk)} AND"
            else:  # one arm per tag; UNION drops an item two tags share. Sorted whole: keep it
                # short with a `floor` (see _pane_ids).
                if floor is not None:
                    walk.append("published >= ?")
                    walk_params = [value for tag in plan.tags for value in (tag, *bounds, floor)]
                arm = f"SELECT published, item_id FROM pane_tags WHERE {' AND '.join(walk)}"
                source = f"({' UNION '.join([arm] * len(plan.tags))}) AS walk {join}"
            return f"FROM {source} {where} AND {story}", [*walk_params, *params, *story_params], _TAG_ORDER
        where, params = self._where(flt, plan, "items", pane=pane, include_off_topic=include_off_topic, since=since)
        return (
            f"FROM {_table(plan, pane, include_off_topic)} WHERE {where} AND {story}",
            [*params, *story_params],
            newest,
        )

    def _fill_rows(self, flt: Filter, plan: _Plan) -> None:
        """Driving: the items matching every condition but pane and topic, read once through the
        smallest set, into a temp table that the four counts and four windows then share."""
        from . import PANE_COLUMNS

        conn = self.db.conn
        flags = ", ".join(PANE_COLUMNS.values())
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS filter_rows (id INTEGER PRIMARY KEY, published TEXT, story_id INTEGER,"
            f" {flags}, on_topic INTEGER)"
        )
        conn.execute("CREATE INDEX IF NOT EXISTS temp.filter_rows_story ON filter_rows(story_id, published)")
        conn.execute("CREATE INDEX IF NOT EXISTS temp.filter_rows_time ON filter_rows(published, id)")
        conn.execute("DELETE FROM temp.filter_rows")
        if plan.drive != "panes":
            self._complete_hits()
        where, params = self._where(flt, plan, "items", pane=None, include_off_topic=True)
        facets = " INDEXED BY items_facets" if self._has_index("items_facets") else ""
        conn.execute(
            "INSERT INTO temp.filter_rows SELECT items.id, items.published, items.story_id,"
            f" {', '.join('items.' + c for c in PANE_COLUMNS.values())}, items.on_topic FROM items{facets}"
            f" WHERE {where}",
            params,
        )

    def _has_index(self, name: str) -> bool:
        known = self.__dict__.setdefault("_indexes", {})
        if name not in known:
            known[name] = bool(self._query("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)))
        return known[name]

    def _story_rep(self, flt: Filter, plan: _Plan, pane: str, include_off_topic: bool) -> tuple[str, list[Any]]:
        """True when no newer item of the same story matches the filter in the same pane."""
        where, params = self._where(flt, plan, "i2", pane=pane, include_off_topic=include_off_topic, probe=True)
        return (
            "(items.story_id IS NULL OR NOT EXISTS (SELECT 1 FROM items i2 WHERE i2.story_id = items.story_id"
            f" AND (i2.published, i2.id) > (items.published, items.id) AND {where}))",
            params,
        )


_TAG_ORDER = "walk.published DESC, walk.item_id DESC"


def user_match(expression: str) -> str:
    """A user's FTS5 expression confined to the text columns: the `panes` column (m009) holds
    pane tokens that a typed `p1` must never match."""
    return f"{{title summary}}: ({expression})"


def pane_token(pane: str) -> str:
    """The token of `pane` in items_fts.panes (schema.fts_panes)."""
    return f"p{PANES.index(pane)}"


def _table(plan: _Plan, pane: str, include_off_topic: bool) -> str:
    """Walking a pane: its partial index (m007) holds published and story_id, so the walk and the
    story probe need no table lookups. Named, because a file without ANALYZE statistics would
    otherwise be read through the older (pane, published) index and every row looked up."""
    if plan.drive is None and not include_off_topic:
        return f"items INDEXED BY items_{pane}_shown"
    return "items"


def _narrowed(flt: Filter, feeds: tuple[int, ...] | None, no_feeds: tuple[int, ...]) -> bool:
    """Conditions besides the words that thin a pane walk (so a word's density alone misleads)."""
    return bool(feeds is not None or no_feeds or flt.unread or flt.starred or flt.languages or flt.exclude_languages
                or flt.exclude_actors or flt.exclude_places or flt.since or flt.until or flt.exclude_text)


def _lang_patterns(languages: Sequence[str]) -> list[str]:
    """ "en" matches "en" and "en-GB" (LIKE is case-insensitive for ASCII; codes hold no % or _)."""
    return [pattern for lang in languages for pattern in (lang, lang + "-%")]


def _check_pane(pane: str) -> None:
    if pane not in PANES:
        raise BriefingError(f"unknown pane {pane!r} — use one of {', '.join(PANES)}")

"""The dashboard's one door to the core: every read and write the panes need, off the UI thread.

The filter language (`briefing.query.parse_filter`), the windowed pane queries
(`Store.pane_counts`, `Store.pane_window`, `Store.search`), saved filters and the brief all come
from the core; this module only adapts them to what the panes ask for.

Thread rule: a `Reader` owns one thread and one `Store` on it; every function here that takes a
`store` runs on that thread. Nothing here imports Textual.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from ..brief import brief_path as _brief_path
from ..brief import write_brief
from ..errors import BriefingError
from ..query import COUNT_CAP, parse_filter
from ..store import PANE_COLUMNS, Store, StoredItem

PANES: tuple[str, ...] = tuple(PANE_COLUMNS)
ALL = "all"  # the fifth view: every on-topic item, one row each — those that fit no pane too
VIEWS: tuple[str, ...] = (*PANES, ALL)
T = TypeVar("T")
Window = tuple[int, list[StoredItem], int]  # (offset, rows, how many were asked for)


# ----------------------------------------------------------------------------- threads


class Reader:
    """One thread, one Store: the dashboard's reads queue here, never on the UI thread.

    `call` never raises for database trouble: it returns None and reports the problem through
    `on_error` (a locked or vanished file becomes a message, not a crash). `interrupt()` stops
    the statement running now (a filter the user has already typed past); its call returns None.
    """

    def __init__(self, db_path: Path, name: str = "briefing-reader", on_error: Callable[[str], None] | None = None):
        self.db_path = Path(db_path)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._store: Store | None = None
        self._on_error = on_error
        self._busy = False

    def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            if self._store is None:
                self._store = Store(self.db_path)
            self._store.resume_reads()  # what interrupt() abandoned is over: this call is new
            self._busy = True
            try:
                return fn(self._store, *args, **kwargs)
            finally:
                self._busy = False
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                self._report(f"{self.db_path}: {exc}")
            return None
        except (sqlite3.Error, BriefingError) as exc:
            self._report(f"{self.db_path}: {exc}")
            return None

    def _report(self, message: str) -> None:
        if self._on_error is not None:
            self._on_error(message)

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> asyncio.Future[T | None]:
        """Start `fn` on the reader thread now (from the event loop); await the future for what
        `call` returns."""
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self._pool, partial(self._run, fn, *args, **kwargs))

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        return await self.submit(fn, *args, **kwargs)

    def interrupt(self) -> None:
        """Abandon the query in flight (sqlite3's interrupt is safe from another thread)."""
        store = self._store
        if store is not None and self._busy:
            store.abandon_reads()  # the statements this call has yet to start, too
            store.interrupt()

    def close(self) -> None:
        def shut() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._pool.submit(shut)
        self._pool.shutdown(wait=False, cancel_futures=False)


# ----------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class ParsedFilter:
    """What the panes query with: the text as typed and the core's Filter."""

    text: str
    query: Any  # briefing.query.Filter

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    @property
    def meaning(self) -> Any:
        """What the filter selects, whatever its spelling: typing `shell*`, a space or a lone `-`
        after `shell` changes the text, not the rows (a relative time moves with the clock)."""
        return replace(self.query, source="")


@dataclass(frozen=True)
class FilterProblem:
    message: str
    position: int | None = None


def parse(text: str, *, now: datetime, tz: tzinfo) -> ParsedFilter | FilterProblem:
    """The filter line's text → a filter, or a problem to show inline (never an exception)."""
    try:
        return ParsedFilter(text, parse_filter(text, now=now, tz=tz))
    except BriefingError as exc:
        return FilterProblem(str(exc), getattr(exc, "position", None))


def warm_up() -> None:
    """Build what parsing place: and actor: needs (the gazetteer's folded names and their
    patterns), which the first such filter would otherwise build while the journalist waits."""
    parse("place:a actor:a", now=datetime.now(UTC), tz=UTC)


def format_count(count: int) -> str:
    """A pane count as shown: the core's counts stop at COUNT_CAP ("1,000+")."""
    if count >= COUNT_CAP:
        return f"{COUNT_CAP:,}+"
    return f"{count:,}"


def pane_counts(store: Store, flt: ParsedFilter, views: tuple[str, ...] = PANES) -> dict[str, int]:
    """Counts of the four panes, and of the All view when it is among `views` (only when it is
    on screen: its count is a search of its own)."""
    counts = dict(store.pane_counts(flt.query))
    if ALL in views:
        counts[ALL] = len(_all_rows(store, flt, COUNT_CAP))
    return counts


def _all_rows(store: Store, flt: ParsedFilter, want: int) -> list[StoredItem]:
    """The newest `want` on-topic items under the filter, any pane or none (Store.search)."""
    return list(store.search(flt.query, limit=want, include_off_topic=False))


_all_places: dict[tuple[str, int], dict[int, tuple[datetime, int]]] = {}  # row index → (published, id)
_ALL_TIES = 64  # rows fetched past a window for items published in the same second as its anchor


def _all_window(store: Store, flt: ParsedFilter, offset: int, limit: int) -> list[StoredItem]:
    """A window of the All view. Store.search has no offset: a window that starts right after a
    row already seen (scrolling on) reads from that row's time, not from the top, so a deep
    scroll costs a window, not everything above it."""
    key = (flt.text, store.data_version())
    places = _all_places.get(key)
    if places is None or len(places) > 200_000:
        _all_places.clear()
        places = _all_places[key] = {}
    rows: list[StoredItem] | None = None
    anchor = places.get(offset - 1) if offset else None
    if anchor is not None:
        published, anchor_id = anchor
        got = list(store.search(flt.query, until=published + timedelta(seconds=1), limit=limit + _ALL_TIES,
                                include_off_topic=False))  # fmt: skip
        ids = [item.id for item in got]
        if anchor_id in ids:
            start = ids.index(anchor_id) + 1
            if len(got) - start >= limit or len(got) < limit + _ALL_TIES:
                rows = got[start : start + limit]
    if rows is None:
        rows = _all_rows(store, flt, offset + limit)[offset:]
    for index, item in enumerate(rows):
        places[offset + index] = (item.published, item.id)
    return rows


def pane_window(store: Store, flt: ParsedFilter, pane: str, offset: int, limit: int) -> list[StoredItem]:
    if pane == ALL:
        return _all_window(store, flt, offset, limit)
    return list(store.pane_window(flt.query, pane, offset=offset, limit=limit))


@dataclass(frozen=True)
class PaneSnapshot:
    """Counts for every pane and one window of rows for each, as of one data version."""

    filter_text: str
    counts: dict[str, int]
    windows: dict[str, Window]


def snapshot(store: Store, flt: ParsedFilter, wanted: dict[str, tuple[int, int]]) -> PaneSnapshot:
    """Counts plus the visible window of each pane: what one repaint needs, in one trip."""
    counts = pane_counts(store, flt, tuple(wanted))
    windows = {
        pane: (offset, pane_window(store, flt, pane, offset, limit), limit)
        for pane, (offset, limit) in wanted.items()
        if limit > 0
    }
    return PaneSnapshot(flt.text, counts, windows)


View = tuple[int | None, int, int, int]  # (item id under the cursor, cursor, top row, height)


def refresh(
    store: Store, flt: ParsedFilter, views: dict[str, View], old_counts: dict[str, int] | None
) -> tuple[PaneSnapshot, dict[str, tuple[int, int]]]:
    """Counts and visible rows; with `old_counts`, find each cursor's item again so that new
    items arriving above it do not move it on screen (cursor and top shift by the same rows)."""
    counts = pane_counts(store, flt, tuple(views))
    places: dict[str, tuple[int, int]] = {}
    windows: dict[str, Window] = {}
    for pane, (item_id, cursor, top, height) in views.items():
        if old_counts is not None and item_id is not None:
            # Capped counts (COUNT_CAP) can hide how many arrived: look at least a screenful on.
            delta = abs(counts.get(pane, 0) - old_counts.get(pane, 0)) + 1
            if counts.get(pane, 0) >= COUNT_CAP:
                delta = max(delta, 200)
            start = max(0, cursor - delta)
            found = locate(store, flt, pane, item_id, start, 2 * delta + 1)
            if found is not None:
                top = max(0, top + found - cursor)
                cursor = found
        cursor = min(cursor, max(0, counts.get(pane, 0) - 1))
        places[pane] = (cursor, top)
        height = max(1, height)
        offset = max(0, top - height)
        windows[pane] = (offset, pane_window(store, flt, pane, offset, height * 3), height * 3)
    return PaneSnapshot(flt.text, counts, windows), places


def first_windows(store: Store, flt: ParsedFilter, heights: dict[str, int]) -> PaneSnapshot:
    """The top of every pane for a new filter, before any count: what the eye needs first.
    A window that comes back short is the whole pane, so its count is known already."""
    windows: dict[str, Window] = {}
    counts: dict[str, int] = {}
    for pane, height in heights.items():
        limit = max(1, height) + 1  # one more than fits: a short answer means the pane is all here
        rows = pane_window(store, flt, pane, 0, limit)
        windows[pane] = (0, rows, limit)
        if len(rows) < limit:
            counts[pane] = len(rows)
    return PaneSnapshot(flt.text, counts, windows)


@dataclass(frozen=True)
class FirstLook:
    """A new filter text, parsed, with the top of every pane (`known`: taken from results the
    screen already held for the same meaning, so nothing was read)."""

    parsed: ParsedFilter | FilterProblem
    snapshot: PaneSnapshot | None = None
    known: bool = False


def first_look(
    store: Store,
    text: str,
    now: datetime,
    tz: tzinfo,
    heights: dict[str, int],
    known: dict[tuple, PaneSnapshot],
    version: int | None,
) -> FirstLook:
    """parse + first_windows in one trip to the reader thread (two trips cost ~1 ms a key).
    `known`: results the screen holds, by (text or meaning, data version, heights): Esc,
    backspace, or a key that leaves the meaning alone (`shell` → `shell*`) reads nothing."""
    parsed = parse(text, now=now, tz=tz)
    if isinstance(parsed, FilterProblem):
        return FirstLook(parsed)
    shape = tuple(heights.values())
    held = known.get((text, version, shape)) or known.get((parsed.meaning, version, shape))
    if held is not None:
        return FirstLook(parsed, held, known=True)
    return FirstLook(parsed, first_windows(store, parsed, heights))


def window_only(store: Store, flt: ParsedFilter, pane: str, offset: int, limit: int) -> Window:
    return offset, pane_window(store, flt, pane, offset, limit), limit


def locate(store: Store, flt: ParsedFilter, pane: str, item_id: int, start: int, span: int) -> int | None:
    """Where an item sits now, looking from `start` for `span` rows (new items push it down)."""
    rows = pane_window(store, flt, pane, max(0, start), span)
    for index, item in enumerate(rows):
        if item.id == item_id:
            return max(0, start) + index
    return None


def pane_unread_ids(store: Store, flt: ParsedFilter, pane: str, *, batch: int = 2000) -> list[int]:
    """The unread item ids in a pane under a filter (every report of its stories): what "mark
    the pane read" changes, and so exactly what its undo gives back."""
    ids: dict[int, None] = {}
    offset = 0
    while True:
        rows = pane_window(store, flt, pane, offset, batch)
        for item in rows:
            if pane != ALL and getattr(item, "story_size", 1) > 1 and item.story_id is not None:
                ids.update((i.id, None) for i in store.story_items(item.story_id) if not i.read)
            elif not item.read:
                ids[item.id] = None
        if len(rows) < batch:
            return list(ids)
        offset += batch


# ----------------------------------------------------------------------------- detail, status


@dataclass(frozen=True)
class Detail:
    item: StoredItem
    history: list[tuple[datetime, str, str]]
    carriers: list[tuple[str, str | None, datetime]]
    story: list[StoredItem] = field(default_factory=list)


def detail(store: Store, item_id: int) -> Detail | None:
    item = store.item(item_id)
    if item is None:
        return None
    story: list[StoredItem] = []
    story_id = getattr(item, "story_id", None)
    if story_id is not None and getattr(item, "story_size", 1) > 1 and hasattr(store, "story_items"):
        story = list(store.story_items(story_id))
    return Detail(item, store.history(item_id), store.carriers(item_id), story)


@dataclass(frozen=True)
class Status:
    last_poll: datetime | None
    feeds_ok: int
    feeds_failing: int
    failing_names: tuple[str, ...]
    items_today: int
    data_version: int


def status(store: Store, now: datetime, tz: tzinfo) -> Status:
    health = [row for row in store.feed_health(now) if row["in_config"] and row["enabled"]]
    polled = [row["last_polled_at"] for row in health if row["last_polled_at"]]
    failing = [row for row in health if row["last_status"] == "failed"]
    ok = [row for row in health if row["last_status"] in ("ok", "not_modified")]
    local_now = now.astimezone(tz)
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = store.count_since(midnight.astimezone(UTC))
    last = max(polled) if polled else None
    return Status(
        last_poll=datetime.fromisoformat(last.replace("Z", "+00:00")) if last else None,
        feeds_ok=len(ok),
        feeds_failing=len(failing),
        failing_names=tuple(row["name"] for row in failing),
        items_today=today,
        data_version=store.data_version(),
    )


def data_version(store: Store) -> int:
    """PRAGMA data_version moves when another connection commits: the cheap 'anything new?'"""
    return store.data_version()


# ----------------------------------------------------------------------------- writes


def set_flags(store: Store, ids: list[int], *, read: bool | None = None, starred: bool | None = None) -> None:
    store.set_flags(ids, read=read, starred=starred)


def saved_filters(store: Store) -> list[tuple[str, str]]:
    return list(store.saved_filters())


def save_filter(store: Store, name: str, text: str) -> None:
    store.save_filter(name, text)


def delete_filter(store: Store, name: str) -> None:
    store.delete_filter(name)


# ----------------------------------------------------------------------------- brief


def brief_writer() -> Callable[..., tuple[str, Path | None]]:
    """`briefing.brief.write_brief`, which `b` calls on a worker thread."""
    return write_brief


def brief_path() -> Callable[..., Path]:
    """`briefing.brief.brief_path(config, day)`: where `b` writes today's brief."""
    return _brief_path

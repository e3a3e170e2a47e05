"""The dashboard: four panes, the filter line, the status line.

The screen owns the state (the filter, the pane in focus, the data version seen); workers read
through `data` on the reader thread and post results back; stale results are dropped by
generation. Live updates keep the item under the cursor where it is on screen.
"""

from __future__ import annotations

import asyncio
import gc
from contextlib import suppress
from time import monotonic

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Footer, Input

from ...store import StoredItem
from .. import data
from ..commands import bindings
from ..messages import CountsLoaded, DataChanged, FilterRejected, PanesLoaded, StatusLoaded
from ..widgets.bars import FilterBar, PaneTab, PaneTabs, StatusLine
from ..widgets.pane import ItemPane
from .base import BaseScreen

STATUS_EVERY = 3.0  # seconds: the least time between two status-line reads during a poll
RECENT_FILTERS = 32  # results kept for filters just seen (by text and by meaning), until the data changes
PAINT_WAIT = 0.25  # seconds the counts wait at most for the new rows to be painted
GC_HOLD = 1.0  # seconds garbage collection waits at most for a filter's rows to be painted
GC_AFTER = 0.05  # ... or after a read that painted no rows (a hint, an error) has ended


class MainScreen(BaseScreen):
    SCREEN_NAME = "main"
    BINDINGS = bindings("main")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]  # noqa: RUF012 - Textual's class variable

    active: reactive[int] = reactive(0)

    def __init__(self) -> None:
        super().__init__()
        self.filter = data.ParsedFilter("", data.parse_filter(""))
        self.filter_text = ""
        self.generation = 0
        self.loaded_views: tuple[str, ...] = data.PANES  # the views the last reload read
        self.counts: dict[str, int] | None = None
        self.seen_version: int | None = None
        self._debounce: Timer | None = None
        self._reading = False  # a new filter's first rows are being read: later keys wait for them
        self._asked_text = ""  # the filter text the last reload read
        self._gc_timer: Timer | None = None  # set while collection waits for a paint (_hold_gc)
        self.loaded = False
        self.applied_text = ""  # the filter text the panes show now
        self._status_at = 0.0
        self._status_timer: Timer | None = None
        self._recent: dict[tuple, data.PaneSnapshot] = {}  # (text, data version, heights) → result

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        app = self.briefing
        yield PaneTabs(id="tabs")
        with Grid(id="panes"):
            for pane in data.VIEWS:
                yield ItemPane(pane, clock=app.now, tz=app.tz, actor_name=app.actor_name)
        yield FilterBar(id="filter")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def panes(self) -> list[ItemPane]:
        """The five views, in VIEWS order (composed once; a DOM query each time cost a third of
        applying a filter's rows)."""
        panes = self.__dict__.get("_panes")
        if panes is None:
            panes = list(self.query(ItemPane))
            if len(panes) == len(data.VIEWS):
                self._panes = panes
        return list(panes)

    @property
    def pane(self) -> ItemPane:
        return self.panes[self.active]

    def on_mount(self) -> None:
        self.watch_active(self.active)
        self.pane.focus()
        self.reload()  # the status line follows the first paint: the panes come first
        self.check_version()  # the baseline: later changes are what others commit
        self.set_interval(self.briefing.watch_interval, self.check_version)
        self.set_interval(30, self._tick)

    def _tick(self) -> None:
        """Relative times age: repaint them, and refresh the status line's figures."""
        for pane in self.panes:
            pane.refresh()
        self.load_status()

    def watch_active(self, index: int) -> None:
        for n, pane in enumerate(self.panes):
            pane.set_class(n == index, "-active")
        self.query_one(PaneTabs).show(self.counts or {}, index)
        self.set_class(data.VIEWS[index] == data.ALL, "-all")

    # ------------------------------------------------------------------ loading

    def reload(self, *, keep_place: bool = False) -> None:
        """Counts and visible rows for every pane under the current filter."""
        self.generation += 1
        self.briefing.reader.interrupt()  # whatever it is computing is stale now
        self._reading = not keep_place
        if self._reading:
            self._hold_gc()
        self._asked_text = self.filter_text
        self.loaded_views = self.shown_views
        shown = self.loaded_views
        views = {pane.pane: pane.view() for pane in self.panes if pane.pane in shown} if keep_place else None
        # A new filter's read starts now, not when the worker first runs: that is after the
        # frame echoing the key, which would delay every key's answer by that frame.
        look = None if keep_place else self._first_look(self.filter_text)
        self._load(self.generation, self.filter_text, views, self.counts if keep_place else None, look)

    def _first_look(self, text: str) -> tuple[asyncio.Future, dict[str, int], tuple]:
        """Start reading `text`'s first rows (data.first_look): the future, the pane heights it
        asked for, the results it was handed."""
        app = self.briefing
        # Before the first layout a pane's height is 0: the screen's height is a safe guess.
        heights = {pane.pane: pane.scrollable_content_region.height or self.size.height
                   for pane in self.panes if pane.pane in self.loaded_views}  # fmt: skip
        now, version = app.now(), self.seen_version
        future = app.reader.submit(data.first_look, text, now, app.tz, heights, dict(self._recent), version)
        return future, heights, (now, version)

    async def _read(self, generation: int, fn, *args):
        """A pane read for `generation`; one interrupted for an older filter is tried again."""
        for _ in range(3):
            result = await self.briefing.reader.call(fn, *args)
            if result is not None or generation != self.generation:
                return result
        return None

    @work(exclusive=True, group="panes")
    async def _load(self, generation: int, text: str, views, old_counts, look=None) -> None:
        try:
            await self._load_panes(generation, text, views, old_counts, look)
        finally:
            self._answered(generation)
            if generation == self.generation and self._gc_timer is not None:
                # a hint or nothing to paint: collect once the frame after this one is out
                self._gc_timer.stop()
                self._gc_timer = self.set_timer(GC_AFTER, self._release_gc)

    async def _load_panes(self, generation: int, text: str, views, old_counts, started=None) -> None:
        app = self.briefing
        if views is not None:  # live update: keep every cursor on its item
            parsed = await self._read(generation, lambda _store: data.parse(text, now=app.now(), tz=app.tz))
            if parsed is None or generation != self.generation:
                return
            if isinstance(parsed, data.FilterProblem):
                self.post_message(FilterRejected(generation, parsed.message, parsed.position))
                return
            result = await self._read(generation, data.refresh, parsed, views, old_counts)
            if result is not None and generation == self.generation:
                self.filter = parsed
                self.post_message(PanesLoaded(generation, result[0], result[1], keep=False))
            return
        # A new filter: the rows first, then the counts they do not already tell. The reader
        # parses and reads in one trip (data.first_look), handed the results held: Esc,
        # backspace, a saved filter, or a key that left the meaning as it was (`shell` →
        # `shell*`) shows the rows (and counts, if known) already read.
        shown = self.loaded_views
        future, heights, (now, version) = started or self._first_look(text)
        look = await future
        if look is None and generation == self.generation:  # interrupted on its way: again
            look = await self._read(generation, data.first_look, text, now, app.tz, heights, dict(self._recent),
                                    version)  # fmt: skip
        if look is None or generation != self.generation:
            return
        key = (text, version, tuple(heights.values()))
        parsed = look.parsed
        if isinstance(parsed, data.FilterProblem):
            self.post_message(FilterRejected(generation, parsed.message, parsed.position))
            return
        same = (parsed.meaning, version, tuple(heights.values()))
        first = look.snapshot
        if not look.known:
            self._remember(same, first)  # counted or not: the counts are read below if missing
        first = data.PaneSnapshot(text, first.counts, first.windows)
        self.filter = parsed
        final = len(first.counts) == len(shown)
        painted = asyncio.Event()  # set by the first pane that paints these rows
        self.post_message(PanesLoaded(generation, first, {}, keep=False, final=final, painted=painted))
        self._answered(generation)
        if self._asked_text != self.filter_text:
            return  # keys came while reading: their text is read next, these counts would be stale
        # Collection and counting (tens of ms at 1M items) wait for the rows to be painted: at
        # the same time, they would compete with the paint for the CPU and the GIL.
        with suppress(TimeoutError):
            await asyncio.wait_for(painted.wait(), PAINT_WAIT)
        if generation != self.generation:
            return
        self._release_gc()
        if not final:
            counts = await self._read(generation, data.pane_counts, parsed, shown)
            if counts is None or generation != self.generation:
                return
            self.post_message(CountsLoaded(generation, counts))
            first = data.PaneSnapshot(first.filter_text, counts, first.windows)
        self._remember(key, first)
        self._remember(same, first)

    def _answered(self, generation: int) -> None:
        """The first read of `generation` is over (rows, a hint, or nothing): keys typed during
        it coalesced into one newer text, read now -- after the answer's message, so the panes
        pass through it on their way to the newest text, never the other way round."""
        if generation != self.generation or not self._reading:
            return
        self._reading = False
        if self._asked_text != self.filter_text:
            self.call_later(self._catch_up, generation)

    def _hold_gc(self) -> None:
        """No garbage collection from a key to its painted answer (as Textual pauses it while
        scrolling): a full one walks every object of the app, a paint's worth of time. It runs
        once the rows are painted (or the read failed), or after GC_HOLD seconds at most."""
        if gc.isenabled():
            gc.disable()
            self._gc_timer = self.set_timer(GC_HOLD, self._release_gc)

    def _release_gc(self) -> None:
        if self._gc_timer is not None:
            self._gc_timer.stop()
            self._gc_timer = None
            gc.enable()

    def _catch_up(self, generation: int) -> None:
        if generation == self.generation and not self._reading and self._asked_text != self.filter_text:
            self.reload()

    def _remember(self, key: tuple, snapshot: data.PaneSnapshot) -> None:
        self._recent.pop(key, None)
        self._recent[key] = snapshot
        while len(self._recent) > RECENT_FILTERS:
            self._recent.pop(next(iter(self._recent)))

    @on(PanesLoaded)
    def _loaded(self, message: PanesLoaded) -> None:
        if message.generation != self.generation:
            return  # a newer filter or reload is on its way
        snapshot = message.snapshot
        self.applied_text = snapshot.filter_text
        if message.painted is not None:
            for pane in self.panes:
                pane.painted = message.painted
        self.query_one(FilterBar).hint(None)
        for pane in self.panes:
            if pane.pane not in self.loaded_views:  # the All view off screen: read when shown
                pane.set_rows(0, 0, [], 0, counted=False)
                continue
            offset, rows, limit = snapshot.windows.get(pane.pane, (0, [], 0))
            rows = [self.briefing.with_flags(item) for item in rows]
            count = snapshot.counts.get(pane.pane)
            known = count is not None
            if count is None:  # still counting: at least what came back
                count = offset + len(rows)
            if message.keep:
                pane.set_rows(count, offset, rows, limit, keep=True)
                continue
            cursor, top = message.places.get(pane.pane, (0, 0))
            shift = cursor - pane.cursor if pane.current is not None else 0
            pane.set_rows(count, offset, rows, limit, counted=known)
            pane.place(cursor, top)
            if shift > 0 and top > 0:
                pane.new_above += shift
                pane._set_title()
        empty = (self.briefing.setup_hint or "") if not snapshot.filter_text.strip() else "nothing matches the filter"
        for pane in self.panes:
            pane.empty_text = empty
        self.counts = {pane.pane: pane.count for pane in self.panes if pane.pane in self.loaded_views}
        self.query_one(PaneTabs).show(self.counts, self.active)
        if not self.loaded:
            self.loaded = True
            self.load_status()
            # Everything built so far (Textual's DOM and styles, the classifier's tables) lives as
            # long as the app: out of the collector's sight, a full collection no longer walks it
            # (one took 40-90 ms, a paint's worth, every half second of typing at 1M items).
            gc.freeze()
            self.call_after_refresh(self._warm_up)
        self._results_changed_bindings()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """The first place: or actor: filter built the gazetteer's name tables and patterns (~35
        ms more for that key): built once the panes are on screen, and frozen with the rest."""
        data.warm_up()
        gc.freeze()

    def _results_changed_bindings(self) -> None:
        """New rows or counts may change what the pane's commands can do (an empty pane: nothing to
        open or mark read). Textual rebuilds the whole footer for it (new keys mounted, styled and
        laid out: a paint's worth, and old keys kept alive), which typing a filter did for most
        keys. While the filter line has focus, keys go to it and the footer offers only the
        filter line's own commands: the rest catch up when it is left (Enter or Esc asks again,
        so does a pane taking focus)."""
        if self.focused is not self.query_one(FilterBar).input:
            self.bindings_changed()

    @property
    def settled(self) -> bool:
        """Every pane counted, its visible rows held, the status line read (tests wait for this)."""
        if not self.loaded or self.query_one(StatusLine).status is None:
            return False
        return all(pane.counted and not pane.missing_rows() for pane in self.panes if pane.pane in self.loaded_views)

    @on(CountsLoaded)
    def _counted(self, message: CountsLoaded) -> None:
        if message.generation != self.generation:
            return
        for pane in self.panes:
            if pane.pane in message.counts and not pane.counted:
                pane.set_count(message.counts[pane.pane])
        self.counts = {pane.pane: pane.count for pane in self.panes if pane.pane in self.loaded_views}
        self.query_one(PaneTabs).show(self.counts, self.active)
        self._results_changed_bindings()

    @on(FilterRejected)
    def _rejected(self, message: FilterRejected) -> None:
        if message.generation == self.generation:
            self.applied_text = self.filter_text  # answered, with a hint
            self.query_one(FilterBar).hint(message.message)

    @on(ItemPane.WindowWanted)
    def _window_wanted(self, message: ItemPane.WindowWanted) -> None:
        self._load_window(message.pane, self.generation)

    @work(group="windows")
    async def _load_window(self, pane: ItemPane, generation: int) -> None:
        offset, limit = pane.wanted()
        snapshot = await self.briefing.reader.call(data.window_only, self.filter, pane.pane, offset, limit)
        if snapshot is None or generation != self.generation:
            return
        offset, rows, limit = snapshot
        pane.set_rows(pane.count, offset, [self.briefing.with_flags(i) for i in rows], limit, keep=True)

    # ------------------------------------------------------------------ live

    @work(exclusive=True, group="version")
    async def check_version(self) -> None:
        version = await self.briefing.status_reader.call(data.data_version)
        if version is None:
            return
        if self.seen_version is None:
            self.seen_version = version
        elif version != self.seen_version:
            self.seen_version = version
            self._recent.clear()
            self.post_message(DataChanged(version))

    @on(DataChanged)
    def _data_changed(self, message: DataChanged) -> None:
        self.reload(keep_place=True)
        # A poll commits feed by feed: the status line (feed health is the costly read) is
        # refreshed at most every few seconds, and once more when the burst is over.
        if self._status_timer is not None:
            self._status_timer.stop()
        wait = STATUS_EVERY - (monotonic() - self._status_at)
        if wait <= 0:
            self.load_status()
        else:
            self._status_timer = self.set_timer(wait, self.load_status)

    @work(exclusive=True, group="status")
    async def load_status(self) -> None:
        self._status_at = monotonic()
        app = self.briefing
        status = await app.status_reader.call(data.status, app.now(), app.tz)
        if status is not None:
            self.post_message(StatusLoaded(status))

    @on(StatusLoaded)
    def _status_loaded(self, message: StatusLoaded) -> None:
        line = self.query_one(StatusLine)
        line.status = message.status
        self.show_status()

    def show_status(self) -> None:
        line = self.query_one(StatusLine)
        line.hint = self.briefing.setup_hint or ""
        line.polling = self.briefing.polling
        line.show(self.briefing.wall(), self.briefing.tz)

    # ------------------------------------------------------------------ filter

    @on(FilterBar.Changed)
    def _filter_changed(self, message: FilterBar.Changed) -> None:
        self.filter_text = message.text
        if self._debounce is not None:
            self._debounce.stop()
        if self._reading:
            return  # the read in flight is followed at once by one for the newest text (_answered)
        if self.briefing.filter_debounce <= 0:
            self.reload()  # nothing in flight: read now
        else:
            self._debounce = self.set_timer(self.briefing.filter_debounce, self.reload)

    @on(FilterBar.Done)
    def _filter_done(self, message: FilterBar.Done) -> None:
        if not self.filter_text.strip():
            self.query_one(FilterBar).remove_class("-visible")
        self.pane.focus()
        self.bindings_changed()  # the pane's commands, left alone while typing

    def apply_filter(self, text: str) -> None:
        """Set the filter line's text (a saved filter, the palette) and run it."""
        bar = self.query_one(FilterBar)
        bar.add_class("-visible")
        with bar.input.prevent(Input.Changed):
            bar.input.value = text
        self.filter_text = text
        self.reload()
        self.bindings_changed()

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.add_class("-visible")
        # Focus now, not after a refresh (as Widget.focus does): keys typed right after "/" in the
        # same burst (a fast typist, a laggy ssh link) must reach the filter line, not the pane,
        # where "m" would mark the whole pane read.
        self.set_focus(bar.input)
        bar.input.cursor_position = len(bar.input.value)

    def action_clear_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.hint(None)
        bar.remove_class("-visible")
        if self.filter_text or bar.input.value:
            with bar.input.prevent(Input.Changed):
                bar.input.value = ""
            self.filter_text = ""
            self.reload()
        self.pane.focus()
        self.bindings_changed()

    def action_save_filter(self) -> None:
        from .dialogs import NameFilter

        text = self.filter_text.strip()

        def saved(name: str | None) -> None:
            if name:
                self.briefing.save_filter(name, text)

        self.app.push_screen(NameFilter(text), saved)

    def action_saved_filters(self) -> None:
        from .dialogs import PickFilter

        def picked(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                self.apply_filter(choice[1])
                self.pane.focus()

        self.app.push_screen(PickFilter(self.briefing.saved), picked)

    # ------------------------------------------------------------------ panes and cursor

    def action_focus_pane(self, index: int) -> None:
        self.active = index
        self.pane.focus()
        if data.VIEWS[index] not in self.loaded_views:
            self.reload()  # the All view is read only while it is on screen

    @property
    def shown_views(self) -> tuple[str, ...]:
        """The views worth reading: the All view costs a search of its own (its count reads up to
        COUNT_CAP rows), so it is read only while it is the active view; its tab shows no count
        until then."""
        return data.VIEWS if data.VIEWS[self.active] == data.ALL else data.PANES

    def action_next_pane(self) -> None:
        self.action_focus_pane((self.active + 1) % len(data.VIEWS))

    def action_previous_pane(self) -> None:
        self.action_focus_pane((self.active - 1) % len(data.VIEWS))

    @on(ItemPane.Selected)
    def _selected(self, message: ItemPane.Selected) -> None:
        index = self.panes.index(message.pane)
        if index != self.active:
            self.active = index
        if not message.pane.has_focus:
            message.pane.focus()
        self.bindings_changed()
        if message.open_detail:
            self.action_open_detail()

    @on(PaneTab.Clicked)
    def _tab_clicked(self, message: PaneTab.Clicked) -> None:
        self.action_focus_pane(message.index)

    def action_cursor_down(self) -> None:
        self.pane.move(1)

    def action_cursor_up(self) -> None:
        self.pane.move(-1)

    def action_page_down(self) -> None:
        self.pane.page(1)

    def action_page_up(self) -> None:
        self.pane.page(-1)

    def action_first(self) -> None:
        self.pane.go(0)

    def action_last(self) -> None:
        self.pane.go(self.pane.count - 1)

    def action_open_detail(self) -> None:
        from .detail import DetailScreen

        item = self.current_item()
        if item is not None:
            self.app.push_screen(DetailScreen(item))

    def action_mark_pane_read(self) -> None:
        self.briefing.mark_pane_read(self.filter, self.pane.pane)
        for pane in self.panes:
            for index, item in list(pane.rows.items()):
                if pane is self.pane and not item.read:
                    pane.rows[index] = self.briefing.remember_flags(item, read=True)
            pane.refresh()

    def action_undo_mark_read(self) -> None:
        self.briefing.undo_mark_read()

    # ------------------------------------------------------------------ BaseScreen

    def current_item(self) -> StoredItem | None:
        return self.pane.current if self.panes else None

    def item_changed(self, item: StoredItem) -> None:
        for pane in self.panes:
            pane.replace_item(item)

    def on_screen_resume(self) -> None:
        for pane in self.panes:
            for index, item in list(pane.rows.items()):
                pane.rows[index] = self.briefing.with_flags(item)
            pane.refresh()
        self.show_status()

    def _binding_state(self) -> tuple:
        return (*super()._binding_state(), bool(self.filter_text.strip()),
                bool(self.counts and self.counts.get(self.pane.pane)),
                self.briefing.last_marked is not None)  # fmt: skip

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_filter":
            return bool(self.filter_text.strip())
        if action == "clear_filter":
            return True
        if action == "mark_pane_read":
            return bool(self.counts and self.counts.get(self.pane.pane))
        if action == "undo_mark_read":
            return self.briefing.last_marked is not None
        return super().check_action(action, parameters)

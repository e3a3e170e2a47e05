"""The dashboard application: thin. It holds what every screen shares — the database threads,
the desk's time zone and clock, the in-app poll — and opens the main screen."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path

from textual import events, work
from textual.app import App, SystemCommand
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Input

from ..models import Config
from ..store import StoredItem
from ..timespec import zone
from . import data
from .commands import action_name, commands_for
from .format import clean
from .screens.main import MainScreen


class BriefingApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "briefing"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        db_path: str | Path,
        config: Config | None = None,
        *,
        auto_poll: bool = False,
        clock: Callable[[], datetime] | None = None,
        wall_clock: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        watch_interval: float = 1.0,
        filter_debounce: float = 0.0,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.config = config
        self.auto_poll = auto_poll
        # `now` places items in time (relative times, @today); `wall` times the polls. They differ
        # in the demo, whose news replays September 2023.
        self.now: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.wall: Callable[[], datetime] = wall_clock or clock or (lambda: datetime.now(UTC))
        self.tz = tz or zone(config.brief.timezone if config else None)
        self.watch_interval = watch_interval  # seconds between "anything new?" checks
        # seconds a key waits before its query when none is running (0: at once); keys typed while
        # one runs always coalesce into a single read of the newest text
        self.filter_debounce = filter_debounce
        # Three connections, three threads: pane queries (interrupted when stale), the status
        # line and "anything new?" checks (never stuck behind a slow filter), and flag writes.
        self.reader = data.Reader(self.db_path, on_error=self._database_trouble)
        self.status_reader = data.Reader(self.db_path, name="briefing-status", on_error=self._database_trouble)
        self.writer = data.Reader(self.db_path, name="briefing-writer", on_error=self._database_trouble)
        self.polling = False
        self._poll_running: tuple[asyncio.AbstractEventLoop, asyncio.Task] | None = None
        self.saved: list[tuple[str, str]] = []
        self._flags: dict[int, tuple[bool, bool]] = {}
        self.last_marked: list[int] | None = None  # what the last `m` marked read, for `U`
        self.last_poll_error: str | None = None

    async def _on_key(self, event: events.Key) -> None:
        """A printable key reaches the app while a text field has focus only when it was routed
        before focus moved there: a burst typed right after "/" (a fast typist, a laggy ssh
        link). It belongs to the field — "/rumour" must filter, not toggle read flags and mark
        the whole pane read."""
        focused = self.focused
        if isinstance(focused, Input) and event.is_printable and event.character:
            event.prevent_default()  # App._on_key would look the key up as a binding
            event.stop()
            focused.post_message(events.Key(event.key, event.character))

    def on_mount(self) -> None:
        self.push_screen(MainScreen())
        self.load_saved_filters()
        if self.auto_poll and self.can_poll:
            self.poll_now()
            self.set_interval(5.0, self._poll_if_due)

    def on_unmount(self) -> None:
        self._cancel_poll()
        self.reader.close()
        self.status_reader.close()
        self.writer.close()

    def _database_trouble(self, message: str) -> None:
        """A reader thread hit a database error: say so, keep the dashboard running."""
        self.call_from_thread(self.notify, message, title="database", severity="error", markup=False)

    @property
    def main(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    # ------------------------------------------------------------------ shared helpers

    def actor_name(self, actor_id: str) -> str:
        try:
            from ..classify import actor
        except ImportError:
            return actor_id
        found = actor(actor_id)
        return found.name if found is not None else actor_id

    def with_flags(self, item: StoredItem) -> StoredItem:
        """An item with the flags the user just set, even before the database says so."""
        flags = self._flags.get(item.id)
        if flags is None or flags == (item.read, item.starred):
            return item
        return replace(item, read=flags[0], starred=flags[1])

    def remember_flags(self, item: StoredItem, *, read: bool | None = None, starred: bool | None = None) -> StoredItem:
        item = self.with_flags(item)
        changed = replace(item, read=item.read if read is None else read,
                          starred=item.starred if starred is None else starred)  # fmt: skip
        self._flags[item.id] = (changed.read, changed.starred)
        return changed

    @work(group="writes")
    async def write_flags(self, ids: list[int], *, read: bool | None = None, starred: bool | None = None) -> None:
        await self.writer.call(data.set_flags, ids, read=read, starred=starred)

    @work(group="writes")
    async def mark_pane_read(self, flt: data.ParsedFilter, pane: str) -> None:
        """Only the items that were unread change, and are remembered for `U` (undo): read state
        is the journalist's record of what they have seen."""
        ids = await self.writer.call(data.pane_unread_ids, flt, pane) or []
        await self.writer.call(data.set_flags, ids, read=True)
        self._set_read_memory(ids, True)
        self.last_marked = ids or None
        undo = " — U undoes" if ids else ""
        self.notify(f"{len(ids):,} items marked read{undo}", timeout=6)
        self._status_changed()

    @work(group="writes")
    async def undo_mark_read(self) -> None:
        """Unread again exactly the items the last `m` marked read."""
        ids, self.last_marked = self.last_marked, None
        if not ids:
            return
        await self.writer.call(data.set_flags, ids, read=False)
        self._set_read_memory(ids, False)
        self.notify(f"{len(ids):,} items unread again", timeout=3)
        self._status_changed()
        main = self.main
        if main is not None:
            main.reload(keep_place=True)

    def _set_read_memory(self, ids: list[int], read: bool) -> None:
        for item_id in ids:
            flags = self._flags.get(item_id)
            if flags is not None:
                self._flags[item_id] = (read, flags[1])

    # ------------------------------------------------------------------ saved filters

    @work(group="filters")
    async def load_saved_filters(self) -> None:
        self.saved = await self.status_reader.call(data.saved_filters) or []

    @work(group="writes")
    async def save_filter(self, name: str, text: str) -> None:
        await self.writer.call(data.save_filter, name, text)
        self.saved = await self.writer.call(data.saved_filters) or []
        self.notify(f"filter saved as {clean(name)!r}", timeout=2, markup=False)

    @work(group="writes")
    async def delete_saved_filter(self, name: str) -> None:
        await self.writer.call(data.delete_filter, name)
        self.saved = await self.writer.call(data.saved_filters) or []

    # ------------------------------------------------------------------ poll and brief

    @property
    def can_poll(self) -> bool:
        return bool(self.config and self.config.feeds)

    @property
    def setup_hint(self) -> str | None:
        """What a first run needs to hear: with no feeds the dashboard can only show an empty
        database (`briefing` creates one where it is run)."""
        if self.config is None:
            return "no feeds.toml here — see README, or try `briefing demo`"
        if not self.config.feeds:
            return "feeds.toml lists no feeds — see README, or try `briefing demo`"
        return None

    def poll_now(self, *, force: bool = False) -> None:
        """Poll the due feeds; with `force` (the `p` key) every feed, due or not — conditional
        GET keeps that polite, and a journalist who asks for news expects a fetch."""
        if self.can_poll and not self.polling:
            self.polling = True
            self._status_changed()
            self._poll(force)

    def _status_changed(self) -> None:
        main = self.main
        if main is not None and main.is_mounted:
            main.show_status()
        screen = self.screen
        if hasattr(screen, "bindings_changed"):
            screen.bindings_changed()

    @work(thread=True, group="poll", exit_on_error=False)
    def _poll(self, force: bool = False) -> None:
        """The real poller on its own event loop in this thread; quitting cancels it."""
        from ..poller import poll

        error = None
        summary = None
        loop = asyncio.new_event_loop()
        task = loop.create_task(poll(self.db_path, self.config, force=force))
        self._poll_running = (loop, task)
        try:
            summary = loop.run_until_complete(task)
        except asyncio.CancelledError:
            return  # the dashboard is closing
        except Exception as exc:  # shown to the user; the dashboard keeps going
            error = f"poll failed: {exc}"
        finally:
            self._poll_running = None
            loop.close()
        if self.is_running:
            self.call_from_thread(self._poll_done, summary, error)

    def _cancel_poll(self) -> None:
        running = self._poll_running
        if running is not None:
            loop, task = running
            with contextlib.suppress(RuntimeError):  # its loop has just finished
                loop.call_soon_threadsafe(task.cancel)

    def _poll_done(self, summary, error: str | None) -> None:
        self.polling = False
        if error:
            self.notify(error, severity="error", markup=False)
        elif summary is not None and summary.new_items:  # a poll that brought nothing stays quiet
            new = summary.new_items
            self.notify(f"{new} new item{'s' if new != 1 else ''}", timeout=3, markup=False)
        self._status_changed()
        main = self.main
        if main is not None:
            main.load_status()

    @work(exclusive=True, group="due")
    async def _poll_if_due(self) -> None:
        if self.polling:
            return
        due = await self.status_reader.call(lambda store: store.next_due_at())
        if due is None or due <= datetime.now(UTC):
            self.poll_now()

    @work(thread=True, group="brief", exit_on_error=False)
    def write_brief(self) -> None:
        write = data.brief_writer()
        config = self.config or Config(())  # no feeds.toml: a brief needs no feeds, only the defaults
        now = self.now()
        day = now.astimezone(self.tz).date()
        path_for = data.brief_path()
        output = path_for(config, day) if path_for else Path(config.brief.directory) / f"brief-{day}.md"
        try:
            _, path = write(self.db_path, config, day=day, tz=self.tz, as_of=now, output=output)
        except Exception as exc:  # a BriefingError or worse: say it, keep going
            self.call_from_thread(self.notify, f"brief not written: {exc}", severity="error", markup=False)
            return
        shown = path.resolve() if path is not None else output
        self.call_from_thread(self.notify, f"brief written to {shown}", timeout=8, markup=False)

    # ------------------------------------------------------------------ palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers the same commands as the keys, where they make sense now."""
        name = getattr(screen, "SCREEN_NAME", None)
        if name is not None:
            for command in commands_for(name):
                action = command.action
                params: tuple[object, ...] = ()
                if "(" in action:
                    params = (int(action[action.index("(") + 1 : -1]),)
                if screen.check_action(action_name(command), params) is True:
                    yield SystemCommand(command.label, command.description, partial(screen.run_action, action))
            if name == "main":
                for saved_name, text in self.saved:
                    # The palette reads titles and help as markup: the user's words are escaped.
                    yield SystemCommand(f"Filter: {escape(clean(saved_name))}", escape(clean(text)),
                                        partial(screen.apply_filter, text))  # fmt: skip
        yield SystemCommand("Theme", "Change the colours", self.action_change_theme)

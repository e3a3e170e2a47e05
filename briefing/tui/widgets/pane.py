"""One pane of items, windowed: it knows how many rows there are, holds only the rows near the
viewport, and asks its screen for more when the viewport reaches rows it does not hold."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...store import StoredItem
from .. import data
from ..format import PANE_TITLES, RowStyles, row_segments, when

STRIPS_KEPT = 2000  # rendered rows a pane keeps (a few screens of each filter typed lately)


class ItemPane(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows are items (or stories), newest first; `cursor` is an index into the whole pane.

    It has no bindings of its own: the screen's command list moves the cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "item-pane--cursor",
        "item-pane--cursor-blur",
        "item-pane--time",
        "item-pane--badge",
        "item-pane--source",
        "item-pane--title",
        "item-pane--read",
        "item-pane--unread",
        "item-pane--tags",
        "item-pane--story",
        "item-pane--star",
        "item-pane--loading",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class WindowWanted(Message):
        """The viewport shows rows this pane does not hold."""

        def __init__(self, pane: ItemPane) -> None:
            super().__init__()
            self.pane = pane

    class Selected(Message):
        """The user clicked the pane or moved its cursor."""

        def __init__(self, pane: ItemPane, open_detail: bool = False) -> None:
            super().__init__()
            self.pane = pane
            self.open_detail = open_detail

    def __init__(self, pane: str, *, clock, tz: tzinfo, actor_name=None, **kwargs) -> None:
        super().__init__(id=f"pane-{pane}", **kwargs)
        self.pane = pane
        self.count = 0
        self.new_above = 0
        self.capped = False
        self.counted = True
        self.rows: dict[int, StoredItem] = {}
        self._clock = clock
        self._tz = tz
        self._actor_name = actor_name
        self._asked: tuple[int, int] | None = None
        self._empty_text = ""
        self._strips: dict[int, tuple[StoredItem, tuple, Strip]] = {}  # item id → (item, look, its row)
        self.painted: asyncio.Event | None = None  # set (once) by the next paint: see MainScreen._load_panes
        self._title = ""
        self._repaint = "all"  # what a refresh() without regions repaints: "all", "title" or "none" (see refresh)
        self._looks: tuple | None = None  # the row styles as last resolved (render_lines)
        self._looks_stale = True  # resolve them again before the next paint
        self._layout_owed = False  # the virtual size changed without a layout (_fit_virtual_size)
        self._layout_asked = False  # ... which is asked for after the next refresh
        self._set_title()

    # ------------------------------------------------------------------ repainting only what changed

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
        """Textual repaints the whole pane (border, every row, through its style cache and the
        compositor) for a refresh without regions, which a new title or scrollable height asks
        for. Neither changes a row: `_set_title` repaints the top border line alone and
        `_fit_virtual_size` lays out without repainting; a new filter's rows repaint only the
        lines that show something else (`_only_changed_lines`)."""
        if not regions and not recompose and self._repaint != "all" and self.is_mounted:
            if self._repaint == "none":
                repaint = False
            else:
                x, y = self.content_offset
                regions = (Region(-x, -y, self.outer_size.width, 1),)
        elif not regions and repaint:
            self._looks_stale = True  # a full repaint may follow a change of style (Textual refreshes for those)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def notify_style_update(self) -> None:
        self._looks_stale = True
        super().notify_style_update()

    @contextmanager
    def _repainting(self, what: str) -> Iterator[None]:
        saved, self._repaint = self._repaint, what
        try:
            yield
        finally:
            self._repaint = saved

    def _line_keys(self) -> tuple[int, int, list[object]]:
        """(top row, height, what each visible line shows): the same keys, the same pixels."""
        top = int(self.scroll_y)
        height = self.scrollable_content_region.height
        cursor, count, rows = self.cursor, self.count, self.rows
        keys: list[object] = []
        for index in range(top, top + height):
            if index < count:
                keys.append((rows.get(index), index == cursor))
            else:
                keys.append(self._empty_text if index == 0 and self.counted else None)
        return top, height, keys

    @contextmanager
    def _only_changed_lines(self) -> Iterator[None]:
        """Repaint only the lines whose row, cursor or blank changed: typing a filter (`stepanak`
        → `stepanake`), its counts, a live update mostly leave the rows where they were, and a
        whole pane costs more to paint than to read. The title line is always repainted, so the
        next frame shows the new state even when no row changed."""
        top, height, before = self._line_keys()
        with self._repainting("none"):
            yield
        now_top, now_height, after = self._line_keys()
        if (now_top, now_height) != (top, height):
            self.refresh()
            return
        start = None
        for y, (old, new) in enumerate([*zip(before, after, strict=True), (None, None)]):
            same = y == len(before) or old is new or old == new
            if not same and start is None:
                start = y
            elif same and start is not None:
                self.refresh_lines(top + start, y - start)
                self._render_ahead(range(start, y))
                start = None
        with self._repainting("title"):
            self.refresh()
        self._ask_if_missing()

    def _render_ahead(self, lines: range) -> None:
        """Render new rows now, into the cache the next paint reads: the frame that shows them
        waits for Textual's frame clock anyway, and they would otherwise be rendered in it."""
        if self._looks is None or self._looks_stale or not self.is_mounted:
            return
        self._now = self._clock()
        for y in lines:
            if int(self.scroll_y) + y < self.count and self.rows.get(int(self.scroll_y) + y) is not None:
                self.render_line(y)

    @property
    def empty_text(self) -> str:
        """Shown in an empty pane: a first-run hint, or why nothing matches."""
        return self._empty_text

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        if text != self._empty_text:
            self._empty_text = text
            if self.count == 0:
                self.refresh_lines(0)

    # ------------------------------------------------------------------ state from the screen

    def _set_title(self) -> None:
        title = f"{PANE_TITLES[self.pane]} {data.format_count(self.count) if self.counted else '…'}"
        if self.new_above:
            title += f"  ↑{self.new_above} new"
        if title != self._title:
            self._title = title
            with self._repainting("title"):
                self.border_title = title

    def set_count(self, count: int) -> None:
        """The count arrived after the rows (a new filter paints its rows first)."""
        with self._only_changed_lines():
            self.counted = True
            self.capped = count >= data.COUNT_CAP
            highest = max(self.rows, default=-1) + 1
            self.count = max(count, highest) if self.capped else count
            self._fit_virtual_size()
            self._set_title()

    def set_rows(
        self, count: int, offset: int, rows: list[StoredItem], limit: int, *, keep: bool = False, counted: bool = True
    ) -> None:
        """New counts and a window of rows. `keep` holds the rows already known (same data).

        A capped count ("1,000+") is a floor: the pane grows as windows past it come back full.
        Without `counted`, `count` is provisional (the rows came first) and the title says so.
        """
        with self._only_changed_lines():
            if not keep:
                self.rows = {}
                self.counted = counted
                self.capped = count >= data.COUNT_CAP
            for index, item in enumerate(rows):
                self.rows[offset + index] = item
            if self.capped:
                end = offset + len(rows)
                if len(rows) < limit:  # the true end is in sight
                    count = end if rows else max(data.COUNT_CAP, min(count, offset))
                elif end >= count:
                    count = end + limit
            self.count = count
            self._asked = None
            self._fit_virtual_size()
            self.cursor = min(self.cursor, max(0, count - 1))
            self._set_title()

    def _fit_virtual_size(self) -> None:
        """The scrollable height is the count. It is set at once (scrolling reads it), without
        the layout Textual would do for it: a layout of the whole screen (four panes, their
        scrollbars) in the frame that shows a filter's rows made it the slowest of a key. The
        scrollbar follows the count: laid out in the frame after the rows are on screen, and
        only once the count is known (a new filter's rows come before it) and if the scrollbar
        shows before or after."""
        height = self.virtual_size.height
        if (self.counted and self.count != height) or self.count > height:
            self.set_reactive(ItemPane.virtual_size, Size(0, self.count))
            viewport = self.scrollable_content_region.height
            self._layout_owed = self._layout_owed or max(self.count, height) > viewport
        if self.counted and self._layout_owed and not self._layout_asked:
            self._layout_asked = True
            self.call_after_refresh(self._lay_out)

    def _lay_out(self) -> None:
        self._layout_asked = False
        if self._layout_owed and self.counted:
            self._layout_owed = False
            with self._repainting("none"):
                self.refresh(layout=True)

    def place(self, cursor: int, top: int) -> None:
        """Put the cursor and the viewport's top row where the screen says, without animation."""
        self.cursor = min(cursor, max(0, self.count - 1))
        self.scroll_to(y=top, animate=False, immediate=True)

    def wanted(self) -> tuple[int, int]:
        """(offset, limit) of the window worth holding: the viewport and a page either side."""
        height = max(1, self.scrollable_content_region.height)
        top = max(0, int(self.scroll_y) - height)
        return top, height * 3

    def view(self) -> tuple[int | None, int, int, int]:
        """(item id under the cursor, cursor, top row, height) for keeping place on live updates."""
        item = self.rows.get(self.cursor)
        return (item.id if item else None), self.cursor, int(self.scroll_y), self.scrollable_content_region.height

    @property
    def current(self) -> StoredItem | None:
        return self.rows.get(self.cursor)

    def replace_item(self, item: StoredItem) -> None:
        for index, row in self.rows.items():
            if row.id == item.id:
                self.rows[index] = item
                self.refresh_line(index)

    def refresh_line(self, index: int) -> None:
        """Repaint row `index` of the pane (ScrollView.refresh_lines takes rows, not screen lines)."""
        self.refresh_lines(index, 1)

    # ------------------------------------------------------------------ cursor

    def watch_cursor(self, old: int, new: int) -> None:
        if old != new:
            self.refresh_line(old)
            self.refresh_line(new)
        self.scroll_to_show(new)
        if new == 0:
            self.new_above = 0
            self._set_title()

    def scroll_to_show(self, index: int) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)

    def move(self, delta: int) -> None:
        if self.count:
            self.cursor = max(0, min(self.count - 1, self.cursor + delta))
            self.post_message(self.Selected(self))

    def page(self, direction: int) -> None:
        self.move(direction * max(1, self.scrollable_content_region.height - 1))

    def go(self, index: int) -> None:
        if self.count:
            self.cursor = max(0, min(self.count - 1, index))
            self.post_message(self.Selected(self))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if int(new) == 0 and self.new_above:
            self.new_above = 0
            self._set_title()

    # ------------------------------------------------------------------ mouse

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.screen_y - self.scrollable_content_region.y
        if 0 <= index < self.count:
            self.cursor = index
            self.post_message(self.Selected(self, open_detail=event.chain >= 2))
        else:
            self.post_message(self.Selected(self))

    def on_focus(self) -> None:
        self.post_message(self.Selected(self))
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self._fit_virtual_size()
        self.scroll_to_show(self.cursor)
        self._ask_if_missing()

    # ------------------------------------------------------------------ rendering

    def _styles(self) -> RowStyles:
        get = self.get_component_rich_style
        return RowStyles(
            time=get("item-pane--time"),
            badge=get("item-pane--badge"),
            source=get("item-pane--source"),
            title=get("item-pane--title"),
            unread=get("item-pane--unread"),
            tags=get("item-pane--tags"),
            story=get("item-pane--story"),
            star=get("item-pane--star"),
        )

    def missing_rows(self) -> bool:
        """Does the viewport show rows this pane does not hold yet?"""
        top = int(self.scroll_y)
        last = min(self.count, top + self.scrollable_content_region.height)
        return any(index not in self.rows for index in range(top, last))

    def _ask_if_missing(self) -> None:
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        if self.missing_rows() and self._asked != (top, height):
            self._asked = (top, height)
            self.post_message(self.WindowWanted(self))

    def render_lines(self, crop):
        self._ask_if_missing()
        self._now: datetime = self._clock()
        if self._looks_stale:
            # Resolved again only after a change of style (notify_style_update) or a full repaint:
            # Textual forgets its component styles on every refresh, as costly as painting 4 rows.
            styles = self._styles()
            looks = (styles, self.rich_style, self.get_component_rich_style("item-pane--read"),
                     self.get_component_rich_style("item-pane--cursor"),
                     self.get_component_rich_style("item-pane--cursor-blur"))  # fmt: skip
            if looks != self._looks:
                self._looks = looks
                self._strips.clear()
            self._looks_stale = False
            self._row_styles, self._base = looks[0], looks[1]
        lines = super().render_lines(crop)
        if self.painted is not None:  # the screen waits for these rows to be on screen
            self.painted.set()
            self.painted = None
        return lines

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        base = self._base
        if index >= self.count:
            if index == 0 and self.empty_text and self.counted:
                style = base + self.get_component_rich_style("item-pane--loading")
                return Strip([Segment(f"  {self.empty_text}"[:width].ljust(width), style)], width)
            return Strip.blank(width, base)
        item = self.rows.get(index)
        if item is None:
            style = base + self.get_component_rich_style("item-pane--loading")
            return Strip([Segment("  …".ljust(width), style)], width)
        # A row is rendered again only when something it shows changed: typing a filter mostly
        # repaints the same newest items, and rendering a row costs more than the query.
        cursor = (2 if self.has_focus else 1) if index == self.cursor else 0  # focused, blurred, none
        stamp = when(item.published, self._now, self._tz)
        cached = self._strips.get(item.id)
        if cached is not None and cached[0] == item and cached[1] == (width, cursor, stamp):
            return cached[2]
        styles = self._row_styles
        if item.read:
            styles = replace(styles, title=self._looks[2])
        look = (self._looks[3] if cursor == 2 else self._looks[4]) if cursor else None
        unsorted = self.pane == data.ALL and not item.panes
        segments = row_segments(item, now=self._now, tz=self._tz, width=width, styles=styles, base=base, cursor=look,
                                actor_name=self._actor_name, unsorted=unsorted)  # fmt: skip
        strip = Strip(segments).crop_extend(0, width, base)
        if len(self._strips) >= STRIPS_KEPT:
            self._strips.clear()
        self._strips[item.id] = (item, (width, cursor, stamp), strip)
        return strip

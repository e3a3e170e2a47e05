"""The thin bars around the panes: pane tabs (narrow terminals), the filter line, the status line."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input, Static

from ..data import ALL, VIEWS, Status, format_count
from ..format import PANE_TITLES, ago, clean


class PaneTab(Static):
    """One tab: "1 Events 123"; a click focuses its pane."""

    class Clicked(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int) -> None:
        super().__init__(id=f"tab-{VIEWS[index]}", markup=False)
        self.index = index

    def show(self, count: int | None, active: bool) -> None:
        """`count` None: still counting ("…"); -1: not counted at all (the All view, until shown)."""
        shown = "…" if count is None else "" if count < 0 else format_count(count)
        label = f" {self.index + 1} {PANE_TITLES[VIEWS[self.index]]} {shown} ".replace("  ", " ")
        if label != getattr(self, "_label", None):
            self._label = label
            # A layout (the tab's width may change) lays out the whole screen again: worth it only
            # while the tabs are on screen. Hidden (the wide grid), showing them lays them out.
            self.update(Text(label), layout=self.parent is not None and self.parent.display)
        self.set_class(active, "-active")

    def on_click(self) -> None:
        self.post_message(self.Clicked(self.index))


class PaneTabs(Horizontal):
    """Shown when the terminal is too narrow for the grid: one pane at a time, counts for all."""

    def compose(self) -> ComposeResult:
        for index in range(len(VIEWS)):
            yield PaneTab(index)

    def show(self, counts: dict[str, int], active: int) -> None:
        """Counts a pane is still working out show as "…"."""
        panes = {pane.pane: pane for pane in getattr(self.screen, "panes", ())}
        tabs = self.__dict__.get("_tabs") or list(self.query(PaneTab))
        if len(tabs) == len(VIEWS):
            self._tabs = tabs  # composed once: no DOM query for every filter result
        for tab in tabs:
            view = VIEWS[tab.index]
            pane = panes.get(view)
            known = pane is None or getattr(pane, "counted", True)
            if view not in counts and view == ALL:
                tab.show(-1, tab.index == active)
                continue
            tab.show(counts.get(view, 0) if known else None, tab.index == active)


class FilterInput(Input):
    """The filter line's field. Textual's Input lays the whole screen out again on every key (its
    scrollable width follows its text, and a new virtual size asks for a layout), which also
    repaints every pane's scrollbar. This field's size never depends on its text (app.tcss:
    width 1fr, height 1), so a key repaints the field alone; its scrolling reads the new width
    directly. A field sized by its text (width: auto) keeps Textual's layout."""

    _layout_on_value = True

    def _watch_value(self, value: str) -> None:
        if self.styles.auto_dimensions:
            super()._watch_value(value)
            return
        self._layout_on_value = False
        try:
            super()._watch_value(value)
        finally:
            self._layout_on_value = True

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False):
        layout = layout and self._layout_on_value
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def post_message(self, message: Message) -> bool:
        """The new text goes to the screen at once, as FilterBar.Changed: bubbling up through the
        field and its bar took two more trips through the event loop, behind the frame that
        echoes the key, so the filter's read began ~3 ms after the key instead of ~1. A change
        made under `prevent(Input.Changed)` (a saved filter, Esc) is not posted."""
        if isinstance(message, Input.Changed) and message.input is self:
            if not self.check_message_enabled(message):
                return False
            return self.screen.post_message(FilterBar.Changed(message.value))
        return super().post_message(message)


class FilterBar(Horizontal):
    """The `/` line: the filter applies to every pane as you type; a bad one shows a hint."""

    class Changed(Message):
        """The filter text changed (posted by the field straight to its screen)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """Enter or Esc in the filter line; `cleared` for Esc."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def compose(self) -> ComposeResult:
        yield Static("/", id="filter-prompt", markup=False)
        yield FilterInput(placeholder="words \"a phrase\" side:azerbaijan place:lachin @6h +unread -word",
                          id="filter-input", select_on_focus=False, compact=True)
        yield Static("", id="filter-hint", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def hint(self, message: str | None) -> None:
        """Show (or clear) the hint; unchanged, nothing is updated: every key clears it, and an
        update lays out the whole screen again (as costly as painting the panes)."""
        if message == getattr(self, "_hint", None):
            return
        self._hint = message
        hint = self.query_one("#filter-hint", Static)
        hint.update(Text(clean(message)) if message else "")
        hint.set_class(bool(message), "-error")

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done(cleared=False))


class StatusLine(Static):
    """Last poll, feeds ok and failing, items today, and whether a poll is running."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.status: Status | None = None
        self.polling = False
        self.note = ""
        self.hint = ""  # first run: what to do next, shown first

    def show(self, now: datetime, tz: tzinfo) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.hint:
            text.append(f" {self.hint} ·", "bold")
        if self.polling:
            text.append(" ⟳ polling… ", "bold")
        status = self.status
        if status is None:
            text.append(" loading…")
        else:
            text.append(f" last poll {ago(status.last_poll, now)}")
            text.append(f" · {status.feeds_ok} feeds ok")
            if status.feeds_failing:
                text.append(f" · {status.feeds_failing} failing", "bold")
                names = ", ".join(clean(n) for n in status.failing_names[:3])
                text.append(f" ({names}{'…' if len(status.failing_names) > 3 else ''})")
            text.append(f" · {status.items_today:,} items today")
        if self.note:
            text.append(" · ")
            text.append(clean(self.note))
        self.update(text)

"""What the main screen and the item view share: item actions, poll, brief, help, quit."""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from textual import work
from textual.app import SuspendNotSupported
from textual.screen import Screen

from ...store import StoredItem

if TYPE_CHECKING:
    from ..app import BriefingApp

_ITEM_ACTIONS = {"open_detail", "open_link", "copy_link", "star", "mark_read", "mark_unread"}


def web_link(item: StoredItem | None) -> str | None:
    """Only http(s) links leave the dashboard, whatever the feed put there."""
    link = item.link if item else None
    if link and link.lower().startswith(("http://", "https://")) and not any(c in link for c in "\r\n\t "):
        return link
    return None


def browser_plan(environ: Mapping[str, str], platform: str) -> Literal["open", "suspend", "copy"]:
    """How `o` can show a link here. On Linux/BSD without a display, `webbrowser` falls back to
    a console browser (w3m, lynx) that would fight the dashboard for the terminal: with $BROWSER
    set (the user chose it) the dashboard steps aside while it runs; otherwise it copies."""
    if platform.startswith(("win", "darwin", "cygwin")):
        return "open"
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return "open"
    return "suspend" if environ.get("BROWSER") else "copy"


class BaseScreen(Screen):
    """Subclasses say which item the actions apply to (`current_item`) and how to show a change."""

    SCREEN_NAME = "main"

    @property
    def briefing(self) -> BriefingApp:
        return self.app  # type: ignore[return-value]

    def current_item(self) -> StoredItem | None:
        raise NotImplementedError

    def item_changed(self, item: StoredItem) -> None:
        """A flag changed here; repaint it without waiting for the reload."""

    def bindings_changed(self) -> None:
        """Ask the footer to recheck `check_action` — only when an answer can have changed:
        redrawing the footer costs more than everything else a keystroke does."""
        state = self._binding_state()
        if state != getattr(self, "_last_binding_state", None):
            self._last_binding_state = state
            self.refresh_bindings()

    def _binding_state(self) -> tuple:
        item = self.current_item()
        return (item is None, web_link(item) is None, self.briefing.polling, self.briefing.can_poll)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _ITEM_ACTIONS and self.current_item() is None:
            return None
        if action in ("open_link", "copy_link") and web_link(self.current_item()) is None:
            return None
        if action == "poll":
            if not self.briefing.can_poll:
                return False
            return None if self.briefing.polling else True
        return True

    # ------------------------------------------------------------------ item actions

    def action_open_link(self) -> None:
        link = web_link(self.current_item())
        if not link:
            return
        plan = browser_plan(os.environ, sys.platform)
        if plan == "open":
            self._open_in_browser(link)
            return
        if plan == "suspend":
            try:
                with self.app.suspend():  # the console browser has the terminal until it exits
                    webbrowser.open(link, new=2)
                return
            except SuspendNotSupported:
                pass
        self.app.copy_to_clipboard(link)
        self.notify(f"no graphical browser here (no DISPLAY, no $BROWSER): link copied — {link}",
                    timeout=8, markup=False)  # fmt: skip

    @work(thread=True, group="browser")
    def _open_in_browser(self, link: str) -> None:
        # webbrowser runs the browser as a program with the URL as one argument: no shell.
        if not webbrowser.open(link, new=2):
            self.app.call_from_thread(self.notify, "no web browser found", severity="warning")

    def action_copy_link(self) -> None:
        link = web_link(self.current_item())
        if link:
            self.app.copy_to_clipboard(link)
            self.notify("link copied", timeout=2)

    def action_star(self) -> None:
        item = self.current_item()
        if item is not None:
            self._set_flags(item, starred=not item.starred)

    def action_mark_read(self) -> None:
        item = self.current_item()
        if item is not None:
            self._set_flags(item, read=True)

    def action_mark_unread(self) -> None:
        item = self.current_item()
        if item is not None:
            self._set_flags(item, read=False)

    def _set_flags(self, item: StoredItem, *, read: bool | None = None, starred: bool | None = None) -> None:
        changed = self.briefing.remember_flags(item, read=read, starred=starred)
        self.item_changed(changed)
        self.bindings_changed()
        self.briefing.write_flags([item.id], read=read, starred=starred)

    # ------------------------------------------------------------------ app-wide

    def action_poll(self) -> None:
        self.briefing.poll_now(force=True)

    def action_brief(self) -> None:
        self.briefing.write_brief()

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self.SCREEN_NAME))

    async def action_quit(self) -> None:
        self.app.exit()

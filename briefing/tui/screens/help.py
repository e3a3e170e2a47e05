"""`?`: every key of the screen it was opened from, from the one command list."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..commands import commands_for


def _key_names(keys: str) -> str:
    names = {"slash": "/", "question_mark": "?", "escape": "Esc", "enter": "Enter", "tab": "Tab",
             "shift+tab": "Shift+Tab", "down": "↓", "up": "↑", "pagedown": "PgDn", "pageup": "PgUp",
             "home": "Home", "end": "End", "space": "Space", "backspace": "Backspace"}  # fmt: skip
    return " ".join(names.get(k, k) for k in keys.split(","))


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Binding]] = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, screen_name: str = "main") -> None:
        super().__init__()
        self.screen_name = screen_name

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        group = None
        for command in commands_for(self.screen_name):
            if command.group != group:
                group = command.group
                table.add_row(Text(group, style="underline"), "")
            table.add_row(_key_names(command.keys), command.description)
        table.add_row(Text("Anywhere", style="underline"), "")
        table.add_row("ctrl+p", "The command palette: every command above, by name")
        table.add_row("ctrl+q", "Quit, even from the filter line (ctrl+c does not quit: it copies)")
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            yield Static(table, id="help-table")
            yield Static(Text("Filter: words  \"a phrase\"  prefix*  -word  side:azerbaijan  actor:pashinyan  "
                              "place:khankendi  source:NAME  lang:ru  @6h  @today  @since:06:00  "
                              "@2023-09-19..2023-09-21  +unread  +starred"), id="help-filter")

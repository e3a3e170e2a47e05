"""Small dialogs: name a filter, pick a saved filter."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..format import clean


class NameFilter(ModalScreen[str | None]):
    """Ask for a name to save the current filter under."""

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = "Save filter"
            yield Static(Text(clean(self.text)), id="dialog-text")
            yield Input(placeholder="a name, e.g. lachin", id="dialog-input", compact=True)

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        name = clean(event.value).strip()
        self.dismiss(name or None)


class PickFilter(ModalScreen[tuple[str, str] | None]):
    """The saved filters: Enter or 1–9 applies one, d deletes it."""

    BINDINGS: ClassVar[list[Binding]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("d,delete", "delete", "Delete"),
        *[Binding(str(n), f"pick({n - 1})", show=False) for n in range(1, 10)],
    ]

    def __init__(self, saved: list[tuple[str, str]]) -> None:
        super().__init__()
        self.saved = list(saved)
        self.deleted: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = "Saved filters"
            yield OptionList(*self._options(), id="dialog-list")
            if not self.saved:
                yield Static("none yet: type a filter with / then press F to save it", id="dialog-text")

    def _options(self) -> list[Option]:
        options = []
        for n, (name, text) in enumerate(self.saved, start=1):
            label = Text(f"{n if n < 10 else ' '} ", style="bold")
            label.append(clean(name), style="bold")
            label.append("  " + clean(text))
            options.append(Option(label, id=name))
        return options

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option_index)

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self.saved):
            self.dismiss(self.saved[index])

    def action_delete(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or not (0 <= index < len(self.saved)):
            return
        name, _ = self.saved.pop(index)
        self.app.delete_saved_filter(name)  # type: ignore[attr-defined]
        options.clear_options()
        options.add_options(self._options())

"""The one command list: it feeds the key bindings, the footer, the help screen and the palette.

Each command names an action on the main screen (`action_<name>`); `check_action` there decides
what makes sense right now, and the footer, the help screen and the palette all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Command:
    action: str  # "star" → MainScreen.action_star
    keys: str  # Textual key names, comma-separated
    label: str  # short, for the footer
    description: str  # a sentence, for the help screen and the palette
    group: str
    footer: bool = False
    key_display: str | None = None
    screens: tuple[str, ...] = ("main",)  # where the command applies: "main", "detail"


BOTH = ("main", "detail")

COMMANDS: tuple[Command, ...] = (
    Command("focus_pane(0)", "1", "Events", "Show the latest events pane", "Panes", key_display="1"),
    Command("focus_pane(1)", "2", "Statements", "Show the actor statements pane", "Panes", key_display="2"),
    Command("focus_pane(2)", "3", "Humanitarian", "Show the humanitarian access pane", "Panes", key_display="3"),
    Command("focus_pane(3)", "4", "Reactions", "Show the international reactions pane", "Panes", key_display="4"),
    Command("focus_pane(4)", "5", "All", "Show every on-topic item, those that fit no pane too (marked unsorted)",
            "Panes", key_display="5"),
    Command("next_pane", "tab", "Next pane", "Move to the next pane", "Panes"),
    Command("previous_pane", "shift+tab", "Previous pane", "Move to the previous pane", "Panes"),
    Command("cursor_down", "j,down", "Down", "Next item in the pane", "Move", key_display="j/↓"),
    Command("cursor_up", "k,up", "Up", "Previous item in the pane", "Move", key_display="k/↑"),
    Command("page_down", "pagedown,space", "Page down", "One page down", "Move", key_display="PgDn"),
    Command("page_up", "pageup", "Page up", "One page up", "Move", key_display="PgUp"),
    Command("first", "g,home", "Newest", "Jump to the newest item", "Move", key_display="g"),
    Command("last", "G,end", "Oldest", "Jump to the oldest item", "Move", key_display="G"),
    Command("open_detail", "enter", "Open", "Show the item: summary, sources, history, why it is here", "Item",
            footer=True),
    Command("back", "escape,backspace", "Back", "Close the item view", "Item", footer=True, key_display="Esc",
            screens=("detail",)),
    Command("scroll_down", "j,down", "Down", "Scroll the item view down", "Item", key_display="j/↓",
            screens=("detail",)),
    Command("scroll_up", "k,up", "Up", "Scroll the item view up", "Item", key_display="k/↑", screens=("detail",)),
    Command("next_report", "n,right", "Next report", "The story's next report (another outlet's version)", "Item",
            key_display="n", screens=("detail",)),
    Command("previous_report", "N,left", "Previous report", "The story's previous report", "Item", key_display="N",
            screens=("detail",)),
    Command("open_link", "o", "Browser", "Open the item's link in the web browser", "Item", screens=BOTH),
    Command("copy_link", "y", "Copy link", "Copy the item's link to the clipboard", "Item", screens=BOTH),
    Command("star", "s", "Star", "Star or unstar the item for the brief", "Item", footer=True, screens=BOTH),
    Command("mark_read", "r", "Read", "Mark the item read", "Item", screens=BOTH),
    Command("mark_unread", "u", "Unread", "Mark the item unread", "Item", screens=BOTH),
    Command("mark_pane_read", "m", "Pane read", "Mark every item in this pane (as filtered) read", "Item"),
    Command("undo_mark_read", "U", "Undo read", "Undo the last 'mark the pane read': those items are unread again",
            "Item", key_display="U"),
    Command("filter", "slash", "Filter", "Filter all panes: words, side:, actor:, place:, @6h, +unread ...",
            "Filter", footer=True, key_display="/"),
    Command("clear_filter", "escape", "Clear", "Clear the filter", "Filter", key_display="Esc"),
    Command("save_filter", "F", "Save filter", "Save the current filter under a name", "Filter"),
    Command("saved_filters", "f", "Saved", "Recall a saved filter", "Filter", footer=True),
    Command("poll", "p", "Poll", "Poll the due feeds now", "Feeds", footer=True, screens=BOTH),
    Command("brief", "b", "Brief", "Write today's brief (Markdown) and show where", "Feeds", footer=True, screens=BOTH),
    Command("help", "question_mark", "Help", "List every key", "App", footer=True, key_display="?", screens=BOTH),
    Command("quit", "q", "Quit", "Leave the dashboard (ctrl+q works anywhere)", "App", footer=True, screens=BOTH),
)


def action_name(command: Command) -> str:
    """The bare action name, without parameters: "focus_pane(0)" → "focus_pane"."""
    return command.action.split("(", 1)[0]


def commands_for(screen: str) -> tuple[Command, ...]:
    return tuple(c for c in COMMANDS if screen in c.screens)


def bindings(screen: str) -> list[Binding]:
    """The key bindings of one screen, straight from the command list."""
    return [
        Binding(c.keys, c.action, c.label, show=c.footer, key_display=c.key_display, tooltip=c.description)
        for c in commands_for(screen)
    ]

"""Enter: one item in full — summary, link, source and side, times, actors, places, speaker, why
it sits in its panes, every edit, every feed that carried it, and the rest of its story."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from ...store import StoredItem
from .. import data
from ..commands import bindings
from ..format import PANE_LONG_TITLES, clean, side_badge, when
from .base import BaseScreen, web_link


def _stamp(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def render_detail(detail: data.Detail, *, now: datetime, tz: tzinfo, actor_name=None) -> Group:
    """The item view as Rich renderables; every feed string goes in as plain Text."""
    item = detail.item
    name = actor_name or (lambda a: a)
    head = Text(clean(item.title), style="bold")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim", no_wrap=True)
    facts.add_column()

    def row(label: str, value: str | Text) -> None:
        facts.add_row(label, value if isinstance(value, Text) else Text(value))

    row("source", f"{clean(item.feed_name)}  [{side_badge(item.side)}]  {clean(item.side or 'side unknown')}"
        + (f" · {clean(item.kind)}" if item.kind else ""))  # fmt: skip
    row("link", web_link(item) or "(no web link)")
    estimated = "  (estimated: the feed gave no date)" if item.date_estimated else ""
    row("published", _stamp(item.published, tz) + estimated)
    row("first seen", _stamp(item.first_seen, tz))
    if item.language:
        row("language", clean(item.language))
    if item.author:
        row("author", clean(item.author))
    if item.speaker:
        row("speaker", f"{clean(name(item.speaker))} ({clean(item.speaker_side or 'side unknown')})")
    if item.actors:
        row("actors", ", ".join(clean(name(a)) for a in item.actors))
    if item.places:
        row("places", ", ".join(clean(p) for p in item.places))
    row("flags", ("read" if item.read else "unread") + (" · starred" if item.starred else ""))
    if not item.on_topic:
        row("topic", "off-topic: hidden from the panes unless searched")

    parts: list = [head, Text(""), facts, Text("")]
    parts.append(Text(clean_block(item.summary) or "(no summary)"))
    why = Table.grid(padding=(0, 2))
    why.add_column(style="bold", no_wrap=True)
    why.add_column()
    for pane in item.panes:
        cues = item.why.get(pane, []) if isinstance(item.why, dict) else []
        why.add_row(PANE_LONG_TITLES.get(pane, pane), Text(", ".join(clean(str(c)) for c in cues) or "—"))
    unsorted = Text("in no pane: listed under All (key 5)")
    parts += [Text(""), Text("Why it is here", style="underline"), why if item.panes else unsorted]
    parts += [Text(""), Text("Carried by", style="underline")]
    for feed, side, seen in detail.carriers:
        parts.append(Text(f"{clean(feed)}  [{side_badge(side)}]  first seen {_stamp(seen, tz)}"))
    if detail.history:
        parts += [Text(""), Text("Edits (earlier versions, oldest first)", style="underline")]
        for at, title, summary in detail.history:
            parts.append(Text(f"replaced {_stamp(at, tz)}: ", style="dim") + Text(clean(title)))
            if summary:
                parts.append(Text("  " + clean(summary)[:400], style="dim"))
    if detail.story:
        sources = len({other.feed_name for other in detail.story})
        sides = " ".join(dict.fromkeys(side_badge(other.side) for other in detail.story))
        parts += [Text(""), Text(f"The story: {len(detail.story)} reports from {sources} sources ({sides}), "
                                 "earliest first — n / N to read them", style="underline")]  # fmt: skip
        for other in detail.story:
            marker = "▶ " if other.id == item.id else "  "
            line = Text(f"{marker}{when(other.published, now, tz)}  {side_badge(other.side):<4} ", style="dim")
            line.append(clean(other.feed_name) + ": ")
            line.append(clean(other.title), style="bold" if other.id == item.id else "")
            parts.append(line)
    return Group(*parts)


def clean_block(text: str | None) -> str:
    """Paragraphs kept, every control character except newlines gone."""
    return "\n".join(clean(line) for line in (text or "").splitlines())


class DetailScreen(BaseScreen):
    SCREEN_NAME = "detail"
    BINDINGS = bindings("detail")

    def __init__(self, item: StoredItem) -> None:
        super().__init__()
        self.item = item
        self.detail: data.Detail | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-body") as body:
            body.border_title = "Item"
            yield Static(Text(clean(self.item.title), style="bold"), id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        self.load()

    @work(exclusive=True, group="detail")
    async def load(self) -> None:
        detail = await self.briefing.status_reader.call(data.detail, self.item.id)
        if detail is None:
            self.notify("this item is no longer in the database", severity="warning")
            return
        self.detail = detail
        self.item = self.briefing.with_flags(detail.item)
        self._paint()
        self.bindings_changed()
        if not self.item.read:
            self._set_flags(self.item, read=True)

    def _paint(self) -> None:
        if self.detail is None:
            return
        shown = data.Detail(self.item, self.detail.history, self.detail.carriers, self.detail.story)
        body = render_detail(shown, now=self.briefing.now(), tz=self.briefing.tz, actor_name=self.briefing.actor_name)
        self.query_one("#detail", Static).update(body)

    def current_item(self) -> StoredItem | None:
        return self.item

    def item_changed(self, item: StoredItem) -> None:
        self.item = item
        self._paint()

    def _report(self, step: int) -> StoredItem | None:
        story = self.detail.story if self.detail else []
        ids = [other.id for other in story]
        if self.item.id not in ids:
            return None
        index = ids.index(self.item.id) + step
        return story[index] if 0 <= index < len(story) else None

    def action_next_report(self) -> None:
        self._show_report(self._report(1))

    def action_previous_report(self) -> None:
        self._show_report(self._report(-1))

    def _show_report(self, item: StoredItem | None) -> None:
        if item is not None:
            self.item = item
            self.query_one("#detail-body", VerticalScroll).scroll_home(animate=False)
            self.load()

    def _binding_state(self) -> tuple:
        return (*super()._binding_state(), self._report(1) is None, self._report(-1) is None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_report":
            return None if self._report(1) is None else True
        if action == "previous_report":
            return None if self._report(-1) is None else True
        return super().check_action(action, parameters)

    def action_back(self) -> None:
        self.dismiss()

    def action_scroll_down(self) -> None:
        self.query_one("#detail-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#detail-body", VerticalScroll).scroll_up(animate=False)

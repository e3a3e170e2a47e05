"""How an item looks on screen: times, side badges, one row of a pane. Feed text is data.

Everything from a feed goes through `clean()` and into `rich.text.Text` as plain text, so a
title like "Breaking [/bold] news" or one holding escape sequences is shown, never obeyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.style import Style
from rich.text import Text

from ..text import one_line, strip_controls

SIDE_BADGES = {
    "armenia": "AM",
    "azerbaijan": "AZ",
    "karabakh": "KA",
    "russia": "RU",
    "turkey": "TR",
    "iran": "IR",
    "international": "INTL",
}
PANE_TITLES = {
    "events": "Events",
    "statements": "Statements",
    "humanitarian": "Humanitarian",
    "reactions": "Reactions",
    "all": "All",
}
PANE_LONG_TITLES = {
    "events": "Latest events",
    "statements": "Actor statements",
    "humanitarian": "Humanitarian access",
    "reactions": "International reactions",
    "all": "All on-topic items",
}


def clean(text: str | None) -> str:
    """One line of feed text with every control character gone (belt and braces: the store
    strips them on the way in, but an old database or another writer might not have)."""
    return one_line(strip_controls(text or ""))


def side_badge(side: str | None) -> str:
    return SIDE_BADGES.get(side or "", "··")


def when(published: datetime, now: datetime, tz: tzinfo) -> str:
    """12 cells: "14:05    3h" today, "19 Sep 14:05" other days, in the desk's time zone."""
    local = published.astimezone(tz)
    today = now.astimezone(tz).date()
    if local.date() == today:
        seconds = max(0, int((now - published).total_seconds()))
        if seconds < 60:
            rel = "now"
        elif seconds < 3600:
            rel = f"{seconds // 60}m"
        else:
            rel = f"{seconds // 3600}h"
        return f"{local:%H:%M} {rel:>6}"
    if local.year == today.year:
        return f"{local:%d %b %H:%M}"
    return f"{local:%d %b %Y} "


def ago(when_: datetime | None, now: datetime) -> str:
    if when_ is None:
        return "never"
    seconds = max(0, int((now - when_).total_seconds()))
    if seconds < 90:
        return f"{seconds} s ago"
    if seconds < 5400:
        return f"{round(seconds / 60)} min ago"
    return f"{round(seconds / 3600)} h ago"


PLAIN = Style()


@dataclass(frozen=True)
class RowStyles:
    """Styles for the parts of a row, resolved from app.tcss component classes."""

    base: Style = PLAIN
    time: Style = PLAIN
    badge: Style = PLAIN
    source: Style = PLAIN
    title: Style = PLAIN
    unread: Style = PLAIN
    tags: Style = PLAIN
    story: Style = PLAIN
    star: Style = PLAIN


def story_label(item: object, *, short: bool = False) -> str:
    """ "×7 · AM AZ INTL" for a story of several reports ("×7" when `short`); "" for a lone item."""
    size = getattr(item, "story_size", 1) or 1
    if size <= 1:
        return ""
    sides = " ".join(side_badge(s) for s in getattr(item, "story_sides", ()) or ())
    return f"×{size}" + (f" · {sides}" if sides and not short else "")


def tags(item: object, actor_name=None) -> str:
    names = [actor_name(a) if actor_name else a for a in getattr(item, "actors", ())]
    places = list(getattr(item, "places", ()))
    parts = [f"@{clean(p)}" for p in places[:2]] + [f"#{clean(n)}" for n in names[:2]]
    return " ".join(parts)


def row_text(
    item, *, now: datetime, tz: tzinfo, width: int, styles: RowStyles, actor_name=None, unsorted: bool = False
) -> Text:
    """One pane row: unread marker, time, side badge, source, title, [story], tags; `unsorted`
    (the All view) says the item fits none of the four panes."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append("● " if not item.read else "  ", styles.unread)
    text.append(when(item.published, now, tz), styles.time)
    text.append(" ")
    text.append(f"{side_badge(item.side):<4}", styles.badge)
    text.append(" ")
    source_width = 14 if width >= 100 else 10
    source = clean(item.feed_name)
    if len(source) > source_width:
        source = source[: source_width - 1] + "…"
    text.append(f"{source:<{source_width}}", styles.source)
    text.append(" ")
    if item.starred:
        text.append("★ ", styles.star)
    # The title comes straight after the source: the story badge and the tags follow it, so at
    # 80 columns the title keeps its room (the badge shrinks to "×7" there; the item view has
    # the sides).
    story = story_label(item, short=width < 100)
    title = clean(item.title)
    tag_text = tags(item, actor_name)
    room = width - text.cell_len
    tail = [(story, styles.story)] if story else []
    if unsorted:
        tail.append(("unsorted", styles.tags))
        story += " unsorted"  # counted in the room the tags need
    if tag_text and room - len(tag_text) - len(story) - 4 >= 24:
        tail.append((tag_text, styles.tags))
    if tail:
        title_room = room - sum(len(part) + 2 for part, _ in tail)
        title_text = Text(title, styles.title)
        title_text.truncate(max(1, title_room), overflow="ellipsis", pad=True)
        text.append_text(title_text)
        for part, style in tail:
            text.append("  ")
            text.append(part, style)
    else:
        text.append(title, styles.title)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text
